"""The Sync Settings window: a General tab, the Issues tab (app/ui/issues_tab.py) and Settings."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
)

from app.core.catalog import Catalog
from app.ui.day_filter import DayFilter
from app.ui.general_tab import KINDS, GeneralTab
from app.ui.history_chart import HistoryChart
from app.ui.issues_tab import IssuesTab

__all__ = ["KINDS", "GeneralTab", "HistoryChart", "IssuesTab", "SettingsWindow"]  # each lives in its own module



class SettingsWindow(QMainWindow):
    about_requested = Signal()

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Syncbar — Sync Settings"))
        self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = self.help_menu.addAction(self.tr("About Syncbar…"))
        self.about_action.triggered.connect(self.about_requested)
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

    def settings_available(self, available: bool) -> None:
        """The Settings tab's tooltip says why its contents are greyed out before the first setup."""
        at = self.tabs.indexOf(self.settings)
        self.tabs.setTabToolTip(at, "" if available else self.tr("Set up your accounts first"))

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
