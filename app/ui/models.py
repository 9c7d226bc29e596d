"""The Issues tab's table model: one ``QAbstractTableModel`` that filters and sorts itself (no widget per row).

Cells are computed when Qt asks for them (only the rows on screen), in the user's language and date format;
every text that came from a mailbox or a service (subjects, names, the service's words) reaches a tooltip
escaped (``rich_tip``), and table cells are drawn as plain text by the view.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPalette

from app.core.catalog import Catalog
from app.core.model import Issue, IssueState
from app.core.store import IssueQuery
from app.ui import words
from app.ui.link_icons import crm_icon, mailbox_icon

Index = QModelIndex | QPersistentModelIndex
CONTEXT = "IssuesModel"

# (key, header, the order a click on the header asks the source for)
COLUMNS = (
    ("when", QT_TRANSLATE_NOOP("IssuesModel", "When"), "last_seen"),
    ("item", QT_TRANSLATE_NOOP("IssuesModel", "Item"), "item"),
    ("problem", QT_TRANSLATE_NOOP("IssuesModel", "Problem"), "code"),
    ("todo", QT_TRANSLATE_NOOP("IssuesModel", "What to do"), "code"),
    ("mailbox", QT_TRANSLATE_NOOP("IssuesModel", "Mailbox"), "mailbox"),
    ("crm", QT_TRANSLATE_NOOP("IssuesModel", "Salesforce"), "crm"),
    ("actions", "", "last_seen"),
    ("first_seen", QT_TRANSLATE_NOOP("IssuesModel", "First seen"), "first_seen"),  # hidden: "newest first" sorts by it
)
COLUMN = {key: i for i, (key, _, _) in enumerate(COLUMNS)}
IssueRole = Qt.ItemDataRole.UserRole + 1  # the Issue itself
LinkRole = Qt.ItemDataRole.UserRole + 3  # the URL a Connectivity cell opens
ACTIONS_GLYPH = "⋮"

def tr(text: object) -> str:
    """``text`` (a QT_TRANSLATE_NOOP mark, extracted under this context) in the user's language."""
    return QCoreApplication.translate(CONTEXT, str(text))


# The core's values in words: one table for the whole window (app/ui/words.py).
kind_text = words.kind_label
source_text = words.source_label
state_text = words.state_label


def rich_tip(text: str) -> str:
    """A tooltip that shows ``text`` literally: Qt renders a tooltip as HTML when it looks like HTML, so an
    untrusted ``<h1>`` or ``<img>`` is escaped inside an explicit rich-text wrapper."""
    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str) -> str:
    """The short form of a recommendation for the table; the whole of it is in the tooltip and the details."""
    head = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return head


def exact_time(moment: datetime) -> str:
    """Date and time in the user's locale (their format, their time zone)."""
    when = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))
    return QLocale().toString(when, QLocale.FormatType.ShortFormat)


def short_date(moment: datetime) -> str:
    when = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))
    return QLocale().toString(when.date(), QLocale.FormatType.ShortFormat)


def relative_time(moment: datetime, now: datetime) -> str:
    """ "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return QCoreApplication.translate("IssuesModel", "just now")
    if seconds < 3600:
        return QCoreApplication.translate("IssuesModel", "{n} min ago").format(n=int(seconds // 60))
    local_now, local = now.astimezone(), moment.astimezone()
    days = (local_now.date() - local.date()).days
    if days == 0:
        return QCoreApplication.translate("IssuesModel", "{n} h ago").format(n=int(seconds // 3600))
    if days == 1:
        return QCoreApplication.translate("IssuesModel", "yesterday")
    if days < 7:
        return QCoreApplication.translate("IssuesModel", "{n} days ago").format(n=days)
    return short_date(moment)


def item_text(issue: Issue) -> str:
    """Subject with correspondent and date ("Hello — Ann Lee, 2026-11-30"), or the account of an account issue."""
    if not issue.item_key:
        return QCoreApplication.translate("IssuesModel", "Whole account: {account}").format(account=issue.account)
    parts = [p for p in (issue.item_who, short_date(issue.item_at) if issue.item_at else "") if p]
    title = issue.item_title or QCoreApplication.translate("IssuesModel", "(no subject)")
    return f"{title} — {', '.join(parts)}" if parts else title


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
                hay = f"{i.item_title} {i.item_who} {i.account} {i.code} {i.message}".lower()
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

    def with_code(self, code: str, state: IssueState) -> list[Issue]:
        return [i for i in self.issues if i.code == code and i.state is state]


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

    def with_code(self, code: str, state: IssueState) -> list[Issue]:
        return list(self.store.issues(state, code))


class IssuesModel(QAbstractTableModel):
    """The issues as rows, read a page at a time from their source, filtered and sorted by the source.

    Opening a log of 100,000 issues costs a count and the first page; scrolling reads 200 rows
    at a time (from the store: indexed SQLite reads of a few milliseconds).
    """

    PAGE = 200

    def __init__(
        self, catalog: Catalog, parent: Any = None, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.clock = clock
        self._source: ListIssues | StoreIssues = ListIssues([], catalog)
        self.query = IssueQuery()
        self._count = 0
        self._total = 0
        self._pages: dict[int, list[Issue]] = {}
        self._short: dict[str, str] = {}  # code -> first sentence of its recommendation

    # -- data in ----------------------------------------------------------------------

    def set_source(self, source: ListIssues | StoreIssues) -> None:
        self._source = source
        self.reload()

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.set_source(ListIssues(issues, self.catalog))

    def reload(self) -> None:
        """Read the counts again and forget the pages read (after a sync, a Retry, an Ignore...)."""
        self._refetch(total=True)

    def _refetch(self, *, total: bool) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = self._source.count(self.query)
        if total:  # a filter change leaves the log as it was: one count, not two, on 100,000 issues
            unfiltered = replace(self.query, order="last_seen", descending=True) == IssueQuery()
            self._total = self._count if unfiltered else self._source.total()
        self.endResetModel()

    def set_filters(self, *, kind: str = "", source: str = "", state: str = "", text: str = "") -> None:
        text = text.strip().lower()
        codes = tuple(e.code for e in self.catalog.entries() if text and text in e.title.lower())
        query = replace(self.query, kind=kind, source=source, state=state, text=text, codes=codes)
        if query == self.query:
            return  # the same rows: no count on 100,000 issues, no reset of the view (reload() rereads)
        self.query = query
        self._refetch(total=False)

    def set_day(self, start: datetime | None, end: datetime | None) -> None:
        """Only issues seen between ``start`` and ``end`` (a day of the General tab's chart); None: any time."""
        self.query = replace(self.query, seen_from=start, seen_before=end)
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.query = replace(self.query, order=COLUMNS[column][2], descending=order == Qt.SortOrder.DescendingOrder)
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

    def like(self, issue: Issue, state: IssueState) -> list[Issue]:
        """Every issue in ``state`` with the same problem (code) as ``issue``: "all like this"."""
        return self._source.with_code(issue.code, state)

    # -- Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, header, _ = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(header) if header else ""
        if role == Qt.ItemDataRole.ToolTipRole and key == "actions":
            return self.tr("Each row's ⋮ opens its actions")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return tr(header) if header else self.tr("Actions")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        issue = self.issue(index.row())
        key = COLUMNS[index.column()][0]
        if role == IssueRole:
            return issue
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(issue, key)
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "mailbox" and issue.mailbox_link:
                return mailbox_icon()
            if key == "crm" and issue.crm_link:
                return crm_icon()
            return None
        if role == LinkRole:
            return issue.mailbox_link if key == "mailbox" else issue.crm_link if key == "crm" else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return rich_tip(self._tooltip(issue, key))
        if role == Qt.ItemDataRole.AccessibleTextRole and key in ("mailbox", "crm", "actions"):
            return self._tooltip(issue, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("mailbox", "crm", "actions"):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and issue.state is not IssueState.OPEN:
            return QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def short_advice(self, code: str) -> str:
        text = self._short.get(code)
        if text is None:
            text = self._short[code] = first_sentence(self.catalog.get(code).recommendation)
        return text

    def _display(self, issue: Issue, key: str) -> Any:
        if key == "when":
            return relative_time(issue.last_seen, self.clock())
        if key == "first_seen":
            return exact_time(issue.first_seen)
        if key == "item":
            return item_text(issue)
        if key == "problem":
            title = self.catalog.get(issue.code).title
            if issue.state is IssueState.OPEN:
                return title
            return self.tr("{problem} ({state})").format(problem=title, state=state_text(issue.state))
        if key == "todo":
            return self.short_advice(issue.code)
        if key == "actions":
            return ACTIONS_GLYPH
        return ""

    def _tooltip(self, issue: Issue, key: str) -> str:
        """Plain text (escaped by the caller): the exact time, the whole item, the code, the whole advice."""
        entry = self.catalog.get(issue.code)
        if key == "when":
            return self.tr("Last seen {last}\nFirst seen {first}\nAttempts: {n}").format(
                last=exact_time(issue.last_seen), first=exact_time(issue.first_seen), n=issue.attempts
            )
        if key == "item":
            lines = [item_text(issue)]
            if issue.item_at:
                lines.append(self.tr("Date: {when}").format(when=exact_time(issue.item_at)))
            lines.append(
                self.tr("{object} · reported by {source} · {state}").format(
                    object=kind_text(issue.kind), source=source_text(issue.source), state=state_text(issue.state)
                )
            )
            lines.append(self.tr("Account: {account}").format(account=issue.account))
            return "\n".join(lines)
        if key == "problem":
            lines = [entry.title, self.tr("Code: {code}").format(code=issue.code)]
            if issue.message:
                lines.append(self.tr("The service said: {message}").format(message=issue.message))
            return "\n".join(lines)
        if key == "todo":
            return entry.recommendation
        if key == "mailbox":
            return self.tr("Open the item in your mailbox") if issue.mailbox_link else self.tr("No mailbox link")
        if key == "crm":
            return self.tr("Open the record in Salesforce") if issue.crm_link else self.tr("No Salesforce record yet")
        if key == "actions":
            return self.tr("Actions: Retry, Ignore, Copy details, Show details, Chat with support")
        return exact_time(issue.first_seen)
