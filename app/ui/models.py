"""The Issues tab's table model: one ``QAbstractTableModel`` that filters and sorts itself (no widget per row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.catalog import Catalog
from app.core.model import Issue

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


class IssuesModel(QAbstractTableModel):
    """The issues as rows, filtered and sorted in the model itself.

    Cells are computed on demand and filtering and sorting are plain Python list operations, so
    opening 100,000 issues costs one pass over the list (a ``QSortFilterProxyModel`` would call back
    into Python for every row and every comparison: seconds at that size).
    """

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._all: list[Issue] = []
        self._rows: list[Issue] = []
        self.kind = ""  # filters; "" = all
        self.source = ""
        self.state = ""
        self.text = ""
        self._sort: tuple[int, Qt.SortOrder] = (COLUMN["last_seen"], Qt.SortOrder.DescendingOrder)

    # -- data in ----------------------------------------------------------------------

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.beginResetModel()
        self._all = list(issues)
        self._rows = self._arranged()
        self.endResetModel()

    def set_filters(self, *, kind: str = "", source: str = "", state: str = "", text: str = "") -> None:
        self.beginResetModel()
        self.kind, self.source, self.state, self.text = kind, source, state, text.strip().lower()
        self._rows = self._arranged()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._rows = self._arranged()
        self.layoutChanged.emit()

    @property
    def total(self) -> int:
        return len(self._all)

    def issue(self, row: int) -> Issue:
        return self._rows[row]

    def _arranged(self) -> list[Issue]:
        rows = (
            [i for i in self._all if self._accepts(i)]
            if (self.kind or self.source or self.state or self.text)
            else list(self._all)
        )
        column, order = self._sort
        rows.sort(key=self._sort_key(COLUMNS[column][0]), reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def _sort_key(self, key: str) -> Any:
        if key in ("last_seen", "first_seen", "attempts"):
            return lambda i: getattr(i, key)
        return lambda i: str(self._display(i, key)).lower()

    def _accepts(self, issue: Issue) -> bool:
        if self.kind and (issue.kind.value if issue.kind else "account") != self.kind:
            return False
        if self.source and issue.source.value != self.source:
            return False
        if self.state and issue.state.value != self.state:
            return False
        if self.text:
            hay = f"{issue.item_title} {issue.account} {issue.code} {issue.message}".lower()
            if self.text not in hay and self.text not in self.catalog.get(issue.code).title.lower():
                return False
        return True

    # -- Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        issue = self._rows[index.row()]
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
