"""The Sync Settings window: a General tab and an Issues tab."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGroupBox,
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
from app.core.model import Issue, IssueState, ItemKind, Session, Source
from app.core.service import StatusSnapshot, SyncState
from app.core.status_text import Tone, clock_time, present
from app.ui.icons import state_icon, tone_key
from app.ui.models import COLUMN, IssueRole, IssuesModel, LinkRole

KINDS = (ItemKind.EMAIL, ItemKind.EVENT, ItemKind.CONTACT, ItemKind.TASK)


class HistoryChart(QWidget):
    """Bars per day for the last 7 days: synced (green) and failed (red)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[str, int, int]] = []  # (label, synced, failed)
        self.setMinimumHeight(90)

    def set_days(self, days: list[tuple[str, int, int]]) -> None:
        self.days = days
        self.setAccessibleDescription(
            "; ".join(f"{label}: {synced} synced, {failed} failed" for label, synced, failed in days)
        )
        self.update()

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))  # light and dark palettes alike
        w, h = self.width(), self.height()
        if not self.days:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No sync in the last 7 days"))
            return
        peak = max(1, max(s + f for _, s, f in self.days))
        slot = w / len(self.days)
        chart_h = h - 18
        for i, (label, synced, failed) in enumerate(self.days):
            x = int(i * slot + slot * 0.2)
            bw = max(2, int(slot * 0.6))
            sh = int(chart_h * synced / peak)
            fh = int(chart_h * failed / peak)
            p.fillRect(x, chart_h - sh, bw, sh, QColor("#1a7f37"))
            p.fillRect(x, chart_h - sh - fh, bw, fh, QColor("#cf222e"))
            p.drawText(int(i * slot), h - 14, int(slot), 14, Qt.AlignmentFlag.AlignCenter, label)
        p.end()


class GeneralTab(QWidget):
    sync_now = Signal()
    toggle_pause = Signal()
    show_details = Signal()
    reauth = Signal()
    try_now = Signal()
    setup = Signal()
    refresh = Signal()
    autostart_toggled = Signal(bool)
    notifications_changed = Signal(str)

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.snapshot: StatusSnapshot | None = None
        self.mailbox_service = ""  # "Microsoft 365", "Gmail", "Exchange": the banner names the service
        layout = QVBoxLayout(self)

        self.banner = QFrame()
        self.banner.setObjectName("reauthBanner")
        # Explicit text colour: the banner stays readable under a dark palette too.
        self.banner.setStyleSheet(
            "#reauthBanner { background: #fff1e5; border: 1px solid #d1580b; } #reauthBanner QLabel { color: #3b1d00; }"
        )
        b = QHBoxLayout(self.banner)
        self.banner_text = QLabel("")
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)  # carries an account name
        self.banner_text.setWordWrap(True)
        self.banner_button = QPushButton(self.tr("Sign in again…"))
        b.addWidget(self.banner_text, 1)
        b.addWidget(self.banner_button)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)

        status_row = QHBoxLayout()
        self.status_icon = QLabel()
        self.status_text = QLabel("…")
        self.status_text.setObjectName("statusLine")
        font = self.status_text.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.status_text.setFont(font)
        status_row.addWidget(self.status_icon)
        status_row.addWidget(self.status_text, 1)
        layout.addLayout(status_row)
        self.accounts = QLabel("")
        self.next_run = QLabel("")
        layout.addWidget(self.accounts)
        layout.addWidget(self.next_run)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.setup_button = QPushButton(self.tr("Set up accounts…"))
        self.setup_button.setVisible(False)
        buttons.addWidget(self.setup_button)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.pause_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.sync_reason = QLabel("")  # why Sync now is off, or what it does while paused
        self.sync_reason.setObjectName("syncReason")
        self.sync_reason.setWordWrap(True)
        layout.addWidget(self.sync_reason)

        self.error_box = QGroupBox(self.tr("Current sync error"))
        e = QHBoxLayout(self.error_box)
        self.error_text = QLabel("")
        self.error_text.setTextFormat(Qt.TextFormat.PlainText)
        self.error_text.setWordWrap(True)
        self.try_button = QPushButton(self.tr("Try now"))
        self.try_button.setToolTip(self.tr("If the cause is fixed, check once now instead of waiting"))
        self.details_button = QPushButton(self.tr("Show details"))
        e.addWidget(self.error_text, 1)
        e.addWidget(self.try_button)
        e.addWidget(self.details_button)
        self.error_box.setVisible(False)
        layout.addWidget(self.error_box)

        last = QGroupBox(self.tr("Last session details"))
        lv = QVBoxLayout(last)
        head = QHBoxLayout()
        self.session_times = QLabel(self.tr("No session yet"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        head.addWidget(self.session_times, 1)
        head.addWidget(self.refresh_button)
        lv.addLayout(head)
        self.session_model = QStandardItemModel(0, 6)
        self.session_model.setHorizontalHeaderLabels(
            [
                self.tr("Object"),
                self.tr("New"),
                self.tr("Updated"),
                self.tr("Duplicate"),
                self.tr("Ignored"),
                self.tr("Failed"),
            ]
        )
        self.session_view = QTableView()
        self.session_view.setModel(self.session_model)
        self.session_view.verticalHeader().setVisible(False)
        self.session_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.session_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.session_view.setMaximumHeight(150)
        lv.addWidget(self.session_view)
        layout.addWidget(last)

        hist = QGroupBox(self.tr("Sync history (last 7 days)"))
        hv = QVBoxLayout(hist)
        self.chart = HistoryChart()
        hv.addWidget(self.chart)
        self.history_model = QStandardItemModel(0, 6)
        self.history_model.setHorizontalHeaderLabels(
            [
                self.tr("Date"),
                self.tr("Direction"),
                self.tr("Object"),
                self.tr("Added"),
                self.tr("Updated"),
                self.tr("Failed"),
            ]
        )
        self.history_view = QTableView()
        self.history_view.setModel(self.history_model)
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        hv.addWidget(self.history_view)
        layout.addWidget(hist, 1)

        prefs = QHBoxLayout()
        self.autostart = QCheckBox(self.tr("Start at login"))
        self.notifications = QComboBox()
        for value, label in (
            ("first", self.tr("Notify me the first time")),
            ("always", self.tr("Notify me every time")),
            ("never", self.tr("Never notify me")),
        ):
            self.notifications.addItem(label, value)
        prefs.addWidget(self.autostart)
        prefs.addStretch(1)
        prefs.addWidget(QLabel(self.tr("Notifications:")))
        prefs.addWidget(self.notifications)
        layout.addLayout(prefs)

        self.status_text.setAccessibleName(self.tr("Sync status"))
        self.status_icon.setAccessibleName(self.tr("Sync state icon"))
        self.session_view.setAccessibleName(self.tr("Last session details"))
        self.history_view.setAccessibleName(self.tr("Sync history"))
        self.chart.setAccessibleName(self.tr("Sync history chart"))
        self.notifications.setAccessibleName(self.tr("Notifications"))
        self.sync_button.setShortcut(QKeySequence("F5"))
        self.sync_button.setToolTip(self.tr("Sync now (F5)"))
        self.sync_button.clicked.connect(self.sync_now)
        self.setup_button.clicked.connect(self.setup)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.details_button.clicked.connect(self.show_details)
        self.try_button.clicked.connect(self.try_now)
        self.banner_button.clicked.connect(self.reauth)
        self.refresh_button.clicked.connect(self.refresh)
        self.autostart.toggled.connect(self.autostart_toggled)
        self.notifications.currentIndexChanged.connect(
            lambda i: self.notifications_changed.emit(str(self.notifications.itemData(i)))
        )

    def show_status(self, snap: StatusSnapshot, now: datetime) -> None:
        """The state, each thing said once: the heading, then the waiting or error box, or the sign-in banner."""
        self.snapshot = snap
        view = present(snap, self.catalog, now, mailbox_service=self.mailbox_service)
        self.status_icon.setPixmap(state_icon(tone_key(view.tone)).pixmap(24, 24))
        self.status_text.setText(view.line)
        if snap.mailbox_account or snap.crm_account:
            self.accounts.setText(
                self.tr("Mailbox: {mailbox}    Salesforce: {crm}").format(
                    mailbox=snap.mailbox_account, crm=snap.crm_account
                )
            )
        else:
            self.accounts.setText(
                self.tr(
                    "No account is set up yet. Click “Set up accounts…”, or run “syncbar demo” to try Syncbar first."
                )
            )
        self.setup_button.setVisible(snap.state is SyncState.NOT_SET_UP)
        paused = snap.state is SyncState.PAUSED or snap.paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.sync_button.setEnabled(view.sync_enabled)
        self.sync_button.setToolTip(view.sync_reason or self.tr("Sync now (F5)"))
        self.sync_reason.setText(view.sync_reason)
        self.sync_reason.setVisible(bool(view.sync_reason))
        self.pause_button.setEnabled(snap.state is not SyncState.NOT_SET_UP)
        if view.next_line:
            self.next_run.setText(view.next_line)
        elif snap.next_run_at is not None and view.tone in (Tone.SYNCED, Tone.ISSUES):
            self.next_run.setText(self.tr("Next sync: {time}").format(time=clock_time(snap.next_run_at, now)))
        else:
            self.next_run.setText("")
        self.error_box.setTitle(self.tr("Waiting") if view.tone is Tone.WAITING else self.tr("Current sync error"))
        self.error_text.setText(view.box_text)
        self.try_button.setVisible(view.try_now)
        self.details_button.setVisible(bool(snap.error_code))
        self.error_box.setVisible(bool(view.box_text))
        reauth = view.tone is Tone.SIGNIN
        if reauth:
            title = self.catalog.get(snap.error_code).title if snap.error_code else ""
            self.banner_text.setText(
                self.tr("{service} needs you to sign in again{who}: {title}. Syncing is on hold until then.").format(
                    service=view.service or self.tr("An account"),
                    who=f" ({snap.error_account})" if snap.error_account and view.service else "",
                    title=title,
                )
            )
        self.banner.setVisible(reauth)

    def show_sessions(self, last: Session | None, recent: Sequence[Session]) -> None:
        self.session_model.removeRows(0, self.session_model.rowCount())
        if last is None:
            self.session_times.setText(self.tr("No session yet"))
        else:
            end = last.ended_at.astimezone().strftime("%H:%M:%S") if last.ended_at else "running"
            start = last.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            outcome = last.outcome.value.replace("_", " ")
            self.session_times.setText(
                self.tr("Started {start}, ended {end} — {outcome}").format(start=start, end=end, outcome=outcome)
            )
            for kind in KINDS:
                c = last.counts.get(kind)
                if c is None:
                    continue
                ignored = str(c.ignored_total)
                row = (
                    [QStandardItem(kind.value.capitalize())]
                    + [QStandardItem(str(v)) for v in (c.new, c.updated, c.duplicate)]
                    + [QStandardItem(ignored), QStandardItem(str(c.failed))]
                )
                if c.ignored:
                    reasons = ", ".join(f"{self.catalog.get(code).title}: {n}" for code, n in sorted(c.ignored.items()))
                    row[4].setToolTip(reasons)
                self.session_model.appendRow(row)
        self._show_history(recent)

    def _show_history(self, recent: Sequence[Session]) -> None:
        self.history_model.removeRows(0, self.history_model.rowCount())
        per_day: dict[str, dict[ItemKind, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        for s in recent:
            day = s.started_at.astimezone().strftime("%Y-%m-%d")
            for kind, c in s.counts.items():
                tally = per_day[day][kind]
                tally[0] += c.new
                tally[1] += c.updated
                tally[2] += c.failed
        chart: list[tuple[str, int, int]] = []
        for day in sorted(per_day, reverse=True):
            for kind, (added, updated, failed) in sorted(per_day[day].items()):
                self.history_model.appendRow(
                    [
                        QStandardItem(x)
                        for x in (
                            day,
                            "Mailbox → Salesforce",
                            kind.value.capitalize(),
                            str(added),
                            str(updated),
                            str(failed),
                        )
                    ]
                )
        today = datetime.now(UTC).astimezone().date()
        for back in range(6, -1, -1):  # always seven days, today last, empty days included
            day = (today - timedelta(days=back)).strftime("%Y-%m-%d")
            synced = sum(t[0] + t[1] for t in per_day.get(day, {}).values())
            failed = sum(t[2] for t in per_day.get(day, {}).values())
            chart.append((day[5:], synced, failed))
        self.chart.set_days(chart)


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
        from app.ui.settings_tab import SettingsTab

        self.settings = SettingsTab()
        self.tabs.addTab(self.settings, self.tr("Settings"))
        self.setCentralWidget(self.tabs)
        self.resize(1100, 720)
        self.quit_on_close = False

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
