"""The Issues tab's table model: one ``QAbstractTableModel`` that filters and sorts itself (no widget per row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.catalog import Catalog
from app.core.model import Issue
from app.core.store import IssueQuery

Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    ("last_seen", "Last seen"),
    ("first_seen", "First seen"),
    ("source", "Source"),
    ("kind", "Object"),
    ("item", "Item"),
    ("code", "Error code"),
    ("message", "Message"),
    ("attempts", "Attempts"),
    ("state", "State"),
    ("mailbox", "Mailbox"),
    ("crm", "Salesforce"),
)
COLUMN = {key: i for i, (key, _) in enumerate(COLUMNS)}
IssueRole = Qt.ItemDataRole.UserRole + 1  # the Issue itself
LinkRole = Qt.ItemDataRole.UserRole + 3  # the URL a Connectivity cell opens


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class ListIssues:
    """Issues held in memory (tests, small lists): filters and sorts with plain list operations."""

    def __init__(self, issues: Sequence[Issue], catalog: Catalog) -> None:
        self.issues = list(issues)
        self.catalog = catalog
        self._cache: tuple[IssueQuery, list[Issue]] | None = None

    def _selected(self, q: IssueQuery) -> list[Issue]:
        if self._cache is not None and self._cache[0] == q:
            return self._cache[1]
        text = q.text.lower()

        def accepts(i: Issue) -> bool:
            if q.state and i.state.value != q.state:
                return False
            if q.kind and (i.kind.value if i.kind else "account") != q.kind:
                return False
            if q.source and i.source.value != q.source:
                return False
            if not q.seen_in_window(i.first_seen, i.last_seen):
                return False
            if text:
                hay = f"{i.item_title} {i.account} {i.code} {i.message}".lower()
                return text in hay or i.code in q.codes
            return True

        rows = [i for i in self.issues if accepts(i)]
        key = q.order

        def sort_key(i: Issue) -> Any:
            if key in ("last_seen", "first_seen", "attempts"):
                return (getattr(i, key), i.id)
            value = {
                "source": i.source.value,
                "kind": i.kind.value if i.kind else "",
                "item": i.item_title.lower(),
                "code": i.code,
                "message": i.code,
                "state": i.state.value,
                "mailbox": i.mailbox_link,
                "crm": i.crm_link,
            }.get(key, "")
            return (value, i.id)

        rows.sort(key=sort_key, reverse=q.descending)
        self._cache = (q, rows)
        return rows

    def count(self, q: IssueQuery) -> int:
        return len(self._selected(q))

    def page(self, q: IssueQuery, offset: int, limit: int) -> list[Issue]:
        return self._selected(q)[offset : offset + limit]

    def total(self) -> int:
        return len(self.issues)


class StoreIssues:
    """Issues read page by page from the store, in the order and filter SQLite applies."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def count(self, q: IssueQuery) -> int:
        return int(self.store.count_issues(q))

    def page(self, q: IssueQuery, offset: int, limit: int) -> list[Issue]:
        return list(self.store.issue_page(q, offset, limit))

    def total(self) -> int:
        return int(self.store.count_issues(IssueQuery()))


class IssuesModel(QAbstractTableModel):
    """The issues as rows, read a page at a time from their source, filtered and sorted by the source.

    Opening a log of 100,000 issues costs a count and the first page; scrolling reads 200 rows
    at a time (from the store: indexed SQLite reads of a few milliseconds).
    """

    PAGE = 200

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._source: ListIssues | StoreIssues = ListIssues([], catalog)
        self.query = IssueQuery()
        self._count = 0
        self._total = 0
        self._pages: dict[int, list[Issue]] = {}

    # -- data in ----------------------------------------------------------------------

    def set_source(self, source: ListIssues | StoreIssues) -> None:
        self._source = source
        self.reload()

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.set_source(ListIssues(issues, self.catalog))

    def reload(self) -> None:
        """Read the counts again and forget the pages read (after a sync, a Retry, an Ignore...)."""
        self.beginResetModel()
        self._pages.clear()
        self._count = self._source.count(self.query)
        self._total = self._source.total()
        self.endResetModel()

    def set_filters(self, *, kind: str = "", source: str = "", state: str = "", text: str = "") -> None:
        text = text.strip().lower()
        codes = tuple(e.code for e in self.catalog.entries() if text and text in e.title.lower())
        self.query = replace(self.query, kind=kind, source=source, state=state, text=text, codes=codes)
        self.reload()

    def set_day(self, start: datetime | None, end: datetime | None) -> None:
        """Only issues seen between ``start`` and ``end`` (a day of the General tab's chart); None: any time."""
        self.query = replace(self.query, seen_from=start, seen_before=end)
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.query = replace(self.query, order=COLUMNS[column][0], descending=order == Qt.SortOrder.DescendingOrder)
        self._pages.clear()
        self.layoutChanged.emit()

    @property
    def total(self) -> int:
        return self._total

    def issue(self, row: int) -> Issue:
        page, at = divmod(row, self.PAGE)
        rows = self._pages.get(page)
        if rows is None:
            rows = self._source.page(self.query, page * self.PAGE, self.PAGE)
            if len(self._pages) > 50:  # keep memory flat while scrolling through 100,000 rows
                self._pages.clear()
            self._pages[page] = rows
        return rows[at]

    # -- Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.row() >= self._count:
            return None
        issue = self.issue(index.row())
        key = COLUMNS[index.column()][0]
        if role == IssueRole:
            return issue
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(issue, key)
        if role == LinkRole:
            return issue.mailbox_link if key == "mailbox" else issue.crm_link if key == "crm" else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "mailbox":
                return "Open the item in your mailbox" if issue.mailbox_link else "No mailbox link for this issue"
            if key == "crm":
                return "Open the record in Salesforce" if issue.crm_link else "No Salesforce record yet"
            entry = self.catalog.get(issue.code)
            return f"{entry.title}\n{entry.recommendation}"
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("attempts", "mailbox", "crm"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, issue: Issue, key: str) -> Any:
        if key == "last_seen":
            return _when(issue.last_seen)
        if key == "first_seen":
            return _when(issue.first_seen)
        if key == "source":
            return issue.source.value
        if key == "kind":
            return issue.kind.value if issue.kind else "account"
        if key == "item":
            return issue.item_title or issue.account
        if key == "code":
            return issue.code
        if key == "message":
            return self.catalog.get(issue.code).title + (f" — {issue.message}" if issue.message else "")
        if key == "attempts":
            return issue.attempts
        if key == "state":
            return issue.state.value
        if key == "mailbox":
            return "↗" if issue.mailbox_link else ""
        if key == "crm":
            return "↗" if issue.crm_link else ""
        return ""
