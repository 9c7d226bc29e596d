"""The Issues tab: what failed and what to do, one row per issue, with a ⋮ menu per row and bulk actions.

The rows are an ``IssuesModel`` (cells computed on demand, pages read from the store); a click on a row's ⋮
cell opens one shared ``QMenu`` for that row (or for the selection it belongs to) — never a widget per row.
Empty and no-match states replace the table with a sentence (and Clear filters when filters hide rows).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog
from app.core.model import Issue, IssueState, ItemKind, Source
from app.ui.models import (
    COLUMN,
    IssueRole,
    IssuesModel,
    LinkRole,
    exact_time,
    item_text,
    kind_text,
    source_text,
    state_text,
)

KINDS = (ItemKind.EMAIL, ItemKind.EVENT, ItemKind.CONTACT, ItemKind.TASK)
DEFAULT_FILTERS = {"kind": "", "source": "", "state": "open"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class IssuesTab(QWidget):
    retry = Signal(list)  # issue ids (an ignored issue's Retry is its Un-ignore)
    ignore = Signal(list)
    support = Signal(list)  # issues
    details = Signal(object)  # Issue

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.model = IssuesModel(catalog, self)
        self._chosen: list[Issue] = []  # what the open menu acts on
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters_row())
        layout.addLayout(self._bulk_row())
        self.view = self._table()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self._empty_page())
        layout.addWidget(self.pages, 1)
        self.count = QLabel("")
        layout.addWidget(self.count)
        self._build_menu()
        self._connect()
        # "5 min ago" ages: repaint the visible cells each minute (no reread; the rows are cached pages).
        self._ticker = QTimer(self)
        self._ticker.setInterval(60_000)
        self._ticker.timeout.connect(self.view.viewport().update)
        self._ticker.start()

    # -- building ---------------------------------------------------------------------

    def _filters_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("All objects"), "")
        for kind in (*KINDS, None):
            self.kind.addItem(kind_text(kind), kind.value if kind else "account")
        self.source = QComboBox()
        self.source.addItem(self.tr("All sources"), "")
        for s in Source:
            self.source.addItem(source_text(s), s.value)
        self.state = QComboBox()
        self.state.addItem(state_text(IssueState.OPEN), "open")
        self.state.addItem(self.tr("All states"), "")
        self.state.addItem(state_text(IssueState.RESOLVED), "resolved")
        self.state.addItem(state_text(IssueState.IGNORED), "ignored")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search item, person, problem or code"))
        self.search.setClearButtonEnabled(True)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        for combo, name in (
            (self.kind, self.tr("Object filter")),
            (self.source, self.tr("Source filter")),
            (self.state, self.tr("State filter")),
        ):
            combo.setAccessibleName(name)
            row.addWidget(combo)
        self.search.setAccessibleName(self.tr("Search issues"))
        row.addWidget(self.search, 1)
        row.addWidget(self.export_button)
        return row

    def _bulk_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.selection_label = QLabel("")
        self.retry_selected = QPushButton(self.tr("Retry selected"))
        self.ignore_selected = QPushButton(self.tr("Ignore selected"))
        self.unignore_selected = QPushButton(self.tr("Un-ignore selected"))
        self.selection_label.setMinimumHeight(self.retry_selected.sizeHint().height())  # the table does not jump
        row.addWidget(self.selection_label, 1)
        for b in (self.retry_selected, self.ignore_selected, self.unignore_selected):
            b.setEnabled(False)
            b.setVisible(False)
            row.addWidget(b)
        return row

    def _table(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setSortingEnabled(True)
        view.sortByColumn(COLUMN["when"], Qt.SortOrder.DescendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(24)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for key, width in {"when": 95, "item": 300, "problem": 230, "mailbox": 64, "crm": 76, "actions": 30}.items():
            view.setColumnWidth(COLUMN[key], width)
        header.setSectionResizeMode(COLUMN["todo"], QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLUMN["actions"], QHeaderView.ResizeMode.Fixed)
        view.setColumnHidden(COLUMN["first_seen"], True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setAccessibleName(self.tr("Issues"))
        return view

    def _empty_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        self.empty_text = QLabel("")
        self.empty_text.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        font = self.empty_text.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.empty_text.setFont(font)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        box.addWidget(self.empty_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(2)
        return page

    def _build_menu(self) -> None:
        self.menu = QMenu(self)
        self.retry_action = self.menu.addAction(self.tr("Retry"))
        self.ignore_action = self.menu.addAction(self.tr("Ignore"))
        self.unignore_action = self.menu.addAction(self.tr("Un-ignore"))
        self.menu.addSeparator()
        self.retry_like_action = self.menu.addAction(self.tr("Retry all with this problem"))
        self.ignore_like_action = self.menu.addAction(self.tr("Ignore all with this problem"))
        self.menu.addSeparator()
        self.copy_action = self.menu.addAction(self.tr("Copy details"))
        self.details_action = self.menu.addAction(self.tr("Show details…"))
        self.support_action = self.menu.addAction(self.tr("Chat with support…"))

    def _connect(self) -> None:
        for w in (self.kind, self.source, self.state):
            w.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.view.clicked.connect(self._clicked)
        self.view.doubleClicked.connect(self._emit_details)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self.search.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view).activated.connect(
            lambda: self._emit_details(self.view.currentIndex())
        )
        self.menu.aboutToShow.connect(self._update_actions)
        self.retry_action.triggered.connect(lambda: self._retry(self._chosen))
        self.unignore_action.triggered.connect(lambda: self._retry(self._chosen))
        self.ignore_action.triggered.connect(lambda: self._ignore(self._chosen))
        self.retry_like_action.triggered.connect(lambda: self._all_like_this(retry=True))
        self.ignore_like_action.triggered.connect(lambda: self._all_like_this(retry=False))
        self.copy_action.triggered.connect(self.copy_details)
        self.details_action.triggered.connect(self._details_of_chosen)
        self.support_action.triggered.connect(lambda: self.support.emit(list(self._chosen)))
        self.retry_selected.clicked.connect(lambda: self._retry(self.selected()))
        self.unignore_selected.clicked.connect(lambda: self._retry(self.selected()))
        self.ignore_selected.clicked.connect(lambda: self._ignore(self.selected()))
        self.export_button.clicked.connect(self._export_dialog)

    # -- data -------------------------------------------------------------------------

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.model.set_issues(issues)
        self.apply_filters()

    def reload(self) -> None:
        self.model.reload()
        self._refresh_state()

    def apply_filters(self) -> None:
        self.model.set_filters(
            kind=str(self.kind.currentData()),
            source=str(self.source.currentData()),
            state=str(self.state.currentData()),
            text=self.search.text(),
        )
        self._refresh_state()

    def filtered(self) -> bool:
        """Whether anything beyond the default (open issues of every kind and source) narrows the list."""
        chosen = {
            "kind": self.kind.currentData(),
            "source": self.source.currentData(),
            "state": self.state.currentData(),
        }
        return chosen != DEFAULT_FILTERS or bool(self.search.text().strip())

    def clear_filters(self) -> None:
        for combo in (self.kind, self.source, self.state):
            combo.blockSignals(True)
        for combo, key in ((self.kind, "kind"), (self.source, "source"), (self.state, "state")):
            combo.setCurrentIndex(max(0, combo.findData(DEFAULT_FILTERS[key])))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def show_new(self, code: str = "") -> None:
        """Open item issues, newest first, only those with ``code`` when one is given (a notice was clicked)."""
        for combo, value in ((self.kind, ""), (self.source, ""), (self.state, "open")):
            at = combo.findData(value)
            if at >= 0:
                combo.setCurrentIndex(at)
        self.search.setText(code)
        self.model.sort(COLUMN["first_seen"], Qt.SortOrder.DescendingOrder)
        self.apply_filters()

    def _refresh_state(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        loc = self.locale()
        if shown != total:
            self.count.setText(
                self.tr("{shown} of {total} issues").format(shown=loc.toString(shown), total=loc.toString(total))
            )
        else:
            self.count.setText(self.tr("{total} issues").format(total=loc.toString(total)))
        if shown:
            self.pages.setCurrentWidget(self.view)
        else:
            if self.filtered():
                self.empty_text.setText(self.tr("No issues match these filters."))
            else:
                self.empty_text.setText(self.tr("No issues — everything synced."))
            self.clear_button.setVisible(self.filtered())
            self.pages.setCurrentIndex(1)
        self._selection_changed()

    # -- choosing and acting ----------------------------------------------------------

    def selected(self) -> list[Issue]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        return [self.model.issue(r) for r in sorted(rows) if r < self.model.rowCount()]

    def _selection_changed(self, *_: object) -> None:
        rows = self.view.selectionModel().selectedRows()
        chosen = [self.model.issue(i.row()) for i in rows if i.row() < self.model.rowCount()]
        any_open = any(i.state is IssueState.OPEN for i in chosen)
        any_ignored = any(i.state is IssueState.IGNORED for i in chosen)
        # Only the actions that apply to the selection are on offer (a greyed row of buttons reads as noise).
        for button, offered in (
            (self.retry_selected, any_open),
            (self.ignore_selected, any_open),
            (self.unignore_selected, any_ignored),
        ):
            button.setEnabled(offered)
            button.setVisible(offered)
        self.selection_label.setText(
            self.tr("{n} selected").format(n=self.locale().toString(len(chosen))) if len(chosen) > 1 else ""
        )

    def open_menu(self, row: int, where: QPoint | None = None) -> None:
        """The ⋮ of ``row``: its actions, for the whole selection when the row is part of it."""
        selected = {i.row() for i in self.view.selectionModel().selectedRows()}
        if row not in selected:
            self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, COLUMN["actions"]))
        if where is None:
            rect = self.view.visualRect(self.model.index(row, COLUMN["actions"]))
            where = self.view.viewport().mapToGlobal(rect.bottomLeft())
        self.menu.popup(where)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.open_menu(index.row(), self.view.viewport().mapToGlobal(pos))
        elif self.view.currentIndex().isValid():  # the Menu key: the current row's actions, under it
            self.open_menu(self.view.currentIndex().row())

    def _update_actions(self) -> None:
        self._chosen = self.selected()
        chosen = self._chosen
        open_ = [i for i in chosen if i.state is IssueState.OPEN]
        ignored = [i for i in chosen if i.state is IssueState.IGNORED]
        self.retry_action.setEnabled(bool(open_))
        self.ignore_action.setEnabled(bool(open_))
        self.unignore_action.setVisible(bool(ignored))
        self.ignore_action.setVisible(not ignored or bool(open_))
        one_code = len({i.code for i in chosen}) == 1
        self.retry_like_action.setEnabled(one_code)
        self.ignore_like_action.setEnabled(one_code)
        if one_code:
            title = self.catalog.get(chosen[0].code).title
            self.retry_like_action.setText(self.tr("Retry all “{problem}”").format(problem=title))
            self.ignore_like_action.setText(self.tr("Ignore all “{problem}”").format(problem=title))
        self.copy_action.setEnabled(bool(chosen))
        self.details_action.setEnabled(len(chosen) == 1)
        self.support_action.setEnabled(bool(chosen))

    def _details_of_chosen(self) -> None:
        if self._chosen:
            self.details.emit(self._chosen[0])

    def _retry(self, issues: Sequence[Issue]) -> None:
        ids = [i.id for i in issues if i.state is not IssueState.RESOLVED]
        if ids:
            self.retry.emit(ids)

    def _ignore(self, issues: Sequence[Issue]) -> None:
        ids = [i.id for i in issues if i.state is IssueState.OPEN]
        if ids:
            self.ignore.emit(ids)

    def _all_like_this(self, *, retry: bool) -> None:
        if not self._chosen:
            return
        same = self.model.like(self._chosen[0], IssueState.OPEN)
        (self._retry if retry else self._ignore)(same)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == COLUMN["actions"]:
            self.open_menu(index.row())
            return
        url = str(self.model.data(index, LinkRole) or "")
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def _emit_details(self, index: QModelIndex) -> None:
        if index.isValid():
            self.details.emit(self.model.data(index, IssueRole))

    # -- copy and export --------------------------------------------------------------

    def details_text(self, issues: Sequence[Issue]) -> str:
        parts = []
        for i in issues:
            entry = self.catalog.get(i.code)
            lines = [
                f"{entry.title} ({i.code})",
                self.tr("Item: {item}").format(item=item_text(i)),
                self.tr("{object} · reported by {source} · {state}").format(
                    object=kind_text(i.kind), source=source_text(i.source), state=state_text(i.state)
                ),
                self.tr("The service said: {message}").format(message=i.message) if i.message else "",
                self.tr("First seen: {first}; last seen: {last}; attempts: {n}").format(
                    first=exact_time(i.first_seen), last=exact_time(i.last_seen), n=i.attempts
                ),
                self.tr("What to do: {advice}").format(advice=entry.recommendation),
                self.tr("Mailbox: {link}").format(link=i.mailbox_link) if i.mailbox_link else "",
                self.tr("Salesforce: {link}").format(link=i.crm_link) if i.crm_link else "",
                self.tr("Request id: {id}").format(id=i.request_id) if i.request_id else "",
            ]
            parts.append("\n".join(line for line in lines if line))
        return "\n\n".join(parts)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text(self._chosen or self.selected()))

    def export_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(
            [
                "first_seen",
                "last_seen",
                "source",
                "object",
                "item",
                "correspondent",
                "item_date",
                "code",
                "title",
                "message",
                "attempts",
                "state",
                "mailbox_link",
                "salesforce_link",
            ]
        )
        for row in range(self.model.rowCount()):
            i: Issue = self.model.issue(row)
            cells = [
                i.first_seen.isoformat(),
                i.last_seen.isoformat(),
                i.source.value,
                i.kind.value if i.kind else "account",
                i.item_title,
                i.item_who,
                i.item_at.isoformat() if i.item_at else "",
                i.code,
                self.catalog.get(i.code).title,
                i.message,
                i.attempts,
                i.state.value,
                i.mailbox_link,
                i.crm_link,
            ]
            w.writerow([csv_cell(c) for c in cells])
        return out.getvalue()

    def _export_dialog(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export issues"), f"syncbar-issues-{stamp}.csv", self.tr("CSV (*.csv)")
        )
        if path:
            try:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(self.export_csv())
            except OSError as exc:
                self.count.setText(self.tr("Could not export: {error}").format(error=exc))
