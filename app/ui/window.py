"""The Sync Settings window: a General tab and an Issues tab."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog
from app.core.model import Issue, IssueState, ItemKind, Source
from app.ui.day_filter import DayFilter
from app.ui.general_tab import KINDS, GeneralTab
from app.ui.history_chart import HistoryChart
from app.ui.models import COLUMN, IssueRole, IssuesModel, LinkRole

__all__ = ["KINDS", "GeneralTab", "HistoryChart", "IssuesTab", "SettingsWindow"]  # GeneralTab lives in general_tab.py


class IssuesTab(QWidget):
    retry = Signal(list)  # issue ids
    ignore = Signal(list)
    support = Signal(list)  # issues
    details = Signal(object)  # Issue

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.model = IssuesModel(catalog, self)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("All objects"), "")
        for k in (*KINDS, "account"):
            value = k.value if isinstance(k, ItemKind) else k
            self.kind.addItem(self.tr(value.capitalize()), value)
        self.source = QComboBox()
        self.source.addItem(self.tr("All sources"), "")
        for s in Source:
            self.source.addItem(s.value, s.value)
        self.state = QComboBox()
        for value, label in (
            ("open", self.tr("Open")),
            ("", self.tr("All states")),
            ("resolved", self.tr("Resolved")),
            ("ignored", self.tr("Ignored")),
        ):
            self.state.addItem(label, value)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search item, code or message"))
        self.search.setClearButtonEnabled(True)
        self.actions_button = QToolButton()
        self.actions_button.setText("⋮")
        self.actions_button.setToolTip(self.tr("Actions for the selected issues (or right-click a row)"))
        self.actions_button.setAccessibleName(self.tr("Actions"))
        self.actions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.retry_action = self.menu.addAction(self.tr("Retry now"))
        self.ignore_action = self.menu.addAction(self.tr("Ignore item"))
        self.copy_action = self.menu.addAction(self.tr("Copy details"))
        self.details_action = self.menu.addAction(self.tr("Show details"))
        self.menu.addSeparator()
        self.support_action = self.menu.addAction(self.tr("Chat with support…"))
        self.actions_button.setMenu(self.menu)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        for w in (self.kind, self.source, self.state):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.export_button)
        filters.addWidget(self.actions_button)
        layout.addLayout(filters)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COLUMN["last_seen"], Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        widths = {
            "last_seen": 115,
            "source": 80,
            "kind": 60,
            "item": 160,
            "code": 175,
            "attempts": 60,
            "state": 55,
            "mailbox": 60,
            "crm": 75,
        }
        for key, width in widths.items():
            self.view.setColumnWidth(COLUMN[key], width)
        header.setSectionResizeMode(COLUMN["message"], QHeaderView.ResizeMode.Stretch)
        self.view.setColumnHidden(COLUMN["first_seen"], True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setAccessibleName(self.tr("Issues"))
        for combo, name in (
            (self.kind, self.tr("Object filter")),
            (self.source, self.tr("Source filter")),
            (self.state, self.tr("State filter")),
        ):
            combo.setAccessibleName(name)
        self.search.setAccessibleName(self.tr("Search issues"))
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self.search.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view).activated.connect(
            lambda: self._emit_details(self.view.currentIndex())
        )
        layout.addWidget(self.view, 1)
        self.count = QLabel("")
        layout.addWidget(self.count)

        for w in (self.kind, self.source):
            w.currentIndexChanged.connect(self.apply_filters)
        self.state.currentIndexChanged.connect(self._state_changed)
        self.search.textChanged.connect(self.apply_filters)
        self.view.clicked.connect(self._clicked)
        self.view.doubleClicked.connect(lambda index: self._emit_details(index))
        self.view.customContextMenuRequested.connect(lambda pos: self.menu.exec(self.view.viewport().mapToGlobal(pos)))
        self.retry_action.triggered.connect(lambda: self.retry.emit([i.id for i in self.selected()]))
        self.ignore_action.triggered.connect(lambda: self.ignore.emit([i.id for i in self.selected()]))
        self.copy_action.triggered.connect(self.copy_details)
        self.details_action.triggered.connect(lambda: self._emit_details(self.view.currentIndex()))
        self.support_action.triggered.connect(lambda: self.support.emit(self.selected()))
        self.export_button.clicked.connect(self._export_dialog)
        self.menu.aboutToShow.connect(self._update_actions)

    def set_issues(self, issues: Sequence[Issue]) -> None:
        self.model.set_issues(issues)
        self.apply_filters()

    def reload(self) -> None:
        self.model.reload()
        self._count()

    def _state_changed(self) -> None:
        self.apply_filters()

    def apply_filters(self) -> None:
        self.model.set_filters(
            kind=str(self.kind.currentData()),
            source=str(self.source.currentData()),
            state=str(self.state.currentData()),
            text=self.search.text(),
        )
        self._count()

    def show_new(self, code: str = "") -> None:
        """Open item issues, newest first, only those with ``code`` when one is given (a notice was clicked)."""
        for combo, value in ((self.kind, ""), (self.source, ""), (self.state, "open")):
            at = combo.findData(value)
            if at >= 0:
                combo.setCurrentIndex(at)
        self.search.setText(code)
        self.model.sort(COLUMN["first_seen"], Qt.SortOrder.DescendingOrder)
        self.apply_filters()

    def _count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        if shown != total:
            self.count.setText(self.tr("{shown} of {total} issues").format(shown=f"{shown:,}", total=f"{total:,}"))
        else:
            self.count.setText(self.tr("{total} issues").format(total=f"{total:,}"))

    def selected(self) -> list[Issue]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        return [self.model.issue(r) for r in sorted(rows)]

    def _update_actions(self) -> None:
        chosen = self.selected()
        item_level = [i for i in chosen if i.item_key and i.state is IssueState.OPEN]
        self.retry_action.setEnabled(bool(item_level))
        self.ignore_action.setEnabled(bool(item_level))
        self.copy_action.setEnabled(bool(chosen))
        self.details_action.setEnabled(len(chosen) == 1)

    def _clicked(self, index: QModelIndex) -> None:
        url = str(self.model.data(index, LinkRole) or "")
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def _emit_details(self, index: QModelIndex) -> None:
        if index.isValid():
            self.details.emit(self.model.data(index, IssueRole))

    def details_text(self, issues: Sequence[Issue]) -> str:
        parts = []
        for i in issues:
            entry = self.catalog.get(i.code)
            parts.append(
                "\n".join(
                    [
                        f"{i.code} — {entry.title}",
                        f"Item: {i.item_title or i.account} "
                        f"({i.kind.value if i.kind else 'account'}, {i.source.value})",
                        f"Message: {i.message}" if i.message else "",
                        f"First seen: {i.first_seen.isoformat(timespec='seconds')}; last seen: "
                        f"{i.last_seen.isoformat(timespec='seconds')}; attempts: {i.attempts}",
                        f"What to do: {entry.recommendation}",
                        f"Mailbox: {i.mailbox_link}" if i.mailbox_link else "",
                        f"Salesforce: {i.crm_link}" if i.crm_link else "",
                    ]
                )
                .replace("\n\n", "\n")
                .strip()
            )
        return "\n\n".join(parts)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text(self.selected()))

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
            w.writerow(
                [
                    i.first_seen.isoformat(),
                    i.last_seen.isoformat(),
                    i.source.value,
                    i.kind.value if i.kind else "account",
                    i.item_title,
                    i.code,
                    self.catalog.get(i.code).title,
                    i.message,
                    i.attempts,
                    i.state.value,
                    i.mailbox_link,
                    i.crm_link,
                ]
            )
        return out.getvalue()

    def _export_dialog(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        path, _ = QFileDialog.getSaveFileName(self, "Export issues", f"syncbar-issues-{stamp}.csv", "CSV (*.csv)")
        if path:
            try:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(self.export_csv())
            except OSError as exc:
                self.count.setText(f"Could not export: {exc}")


class SettingsWindow(QMainWindow):
    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Syncbar — Sync Settings"))
        self.tabs = QTabWidget()
        self.general = GeneralTab(catalog)
        self.issues = IssuesTab(catalog)
        self.tabs.addTab(self.general, self.tr("General"))
        self.tabs.addTab(self.issues, self.tr("Issues"))
        self.day_filter = DayFilter(self.issues.model)
        issues_layout = self.issues.layout()
        if isinstance(issues_layout, QVBoxLayout):
            issues_layout.insertWidget(1, self.day_filter)  # under the Issues tab's filter row
        self.day_filter.clear_button.clicked.connect(self.issues.apply_filters)
        self.general.day_clicked.connect(self.show_issues_of_day)
        from app.ui.settings_tab import SettingsTab

        self.settings = SettingsTab()
        self.tabs.addTab(self.settings, self.tr("Settings"))
        self.setCentralWidget(self.tabs)
        self.resize(1100, 720)
        self.quit_on_close = False

    def show_issues_of_day(self, day: date) -> None:
        """A day clicked on the General tab's chart: the Issues tab, every state, that day's issues."""
        at = self.issues.state.findData("")
        if at >= 0:
            self.issues.state.setCurrentIndex(at)
        self.day_filter.set_day(day)
        self.issues.apply_filters()
        self.tabs.setCurrentWidget(self.issues)

    def show_notice(self, text: str) -> None:
        """Where notices go when there is no tray: the status bar, for a minute."""
        self.statusBar().showMessage(text, 60_000)

    def bring_up(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: Any) -> None:
        if self.quit_on_close:
            event.accept()
            return
        event.ignore()  # the tray keeps the app running; the window just hides
        self.hide()
