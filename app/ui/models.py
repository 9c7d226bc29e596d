"""Table models for the Issues tab: one ``QAbstractTableModel`` and a sort/filter proxy (no widget per row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

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
SortRole = Qt.ItemDataRole.UserRole + 2  # a sortable value
LinkRole = Qt.ItemDataRole.UserRole + 3  # the URL a Connectivity cell opens


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class IssuesModel(QAbstractTableModel):
    """The issues as rows.  Cells are computed on demand, so 100,000 rows cost only the list itself."""

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._rows: list[Issue] = []

    # -- data in ----------------------------------------------------------------------

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.beginResetModel()
        self._rows = list(issues)
        self.endResetModel()

    def issue(self, row: int) -> Issue:
        return self._rows[row]

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
        if role == SortRole:
            if key in ("last_seen", "first_seen"):
                return getattr(issue, key).timestamp()
            if key == "attempts":
                return issue.attempts
            return str(self._display(issue, key)).lower()
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


class IssuesFilter(QSortFilterProxyModel):
    """Filters by object, source and state, and a text search over item, code and message."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind = ""  # "" = all
        self.source = ""
        self.state = ""
        self.text = ""
        self.setSortRole(SortRole)

    def set_filters(self, *, kind: str = "", source: str = "", state: str = "", text: str = "") -> None:
        self.beginFilterChange()
        self.kind, self.source, self.state, self.text = kind, source, state, text.strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, IssuesModel):
            return True
        issue = model.issue(source_row)
        if self.kind and (issue.kind.value if issue.kind else "account") != self.kind:
            return False
        if self.source and issue.source.value != self.source:
            return False
        if self.state and issue.state.value != self.state:
            return False
        if self.text:
            hay = f"{issue.item_title} {issue.account} {issue.code} {issue.message}".lower()
            if self.text not in hay and self.text not in model.catalog.get(issue.code).title.lower():
                return False
        return True
