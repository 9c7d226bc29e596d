"""The General tab: the sync status, the last session, the 7-day history chart and table, preferences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog
from app.core.model import ItemKind, Session
from app.core.service import StatusSnapshot, SyncState
from app.core.status_text import clock_time, status_line
from app.ui.icons import state_icon, state_key

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
    setup = Signal()
    refresh = Signal()
    autostart_toggled = Signal(bool)
    notifications_changed = Signal(str)

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.snapshot: StatusSnapshot | None = None
        layout = QVBoxLayout(self)

        self.banner = QFrame()
        self.banner.setObjectName("reauthBanner")
        # Explicit text colour: the banner stays readable under a dark palette too.
        self.banner.setStyleSheet(
            "#reauthBanner { background: #fff1e5; border: 1px solid #d1580b; } #reauthBanner QLabel { color: #3b1d00; }"
        )
        b = QHBoxLayout(self.banner)
        self.banner_text = QLabel("")
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

        self.error_box = QGroupBox(self.tr("Current sync error"))
        e = QHBoxLayout(self.error_box)
        self.error_text = QLabel("")
        self.error_text.setWordWrap(True)
        self.details_button = QPushButton(self.tr("Show details"))
        e.addWidget(self.error_text, 1)
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
        self.banner_button.clicked.connect(self.reauth)
        self.refresh_button.clicked.connect(self.refresh)
        self.autostart.toggled.connect(self.autostart_toggled)
        self.notifications.currentIndexChanged.connect(
            lambda i: self.notifications_changed.emit(str(self.notifications.itemData(i)))
        )

    def show_status(self, snap: StatusSnapshot, now: datetime) -> None:
        self.snapshot = snap
        key = state_key(snap.state, snap.open_issues, bool(snap.error_code))
        self.status_icon.setPixmap(state_icon(key).pixmap(24, 24))
        self.status_text.setText(status_line(snap, self.catalog, now))
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
        paused = snap.state is SyncState.PAUSED
        self.pause_button.setText(self.tr("Resume") if paused else "Pause")
        self.sync_button.setEnabled(snap.state not in (SyncState.SYNCING, SyncState.NOT_SET_UP))
        self.pause_button.setEnabled(snap.state is not SyncState.NOT_SET_UP)
        if snap.state is SyncState.SYNCING:
            self.next_run.setText("")
        elif snap.next_run_at is not None and not paused:
            self.next_run.setText(self.tr("Next sync: {time}").format(time=clock_time(snap.next_run_at, now)))
        else:
            self.next_run.setText("")
        if snap.error_code:
            entry = self.catalog.get(snap.error_code)
            who = f" ({snap.error_account})" if snap.error_account else ""
            self.error_text.setText(f"<b>{entry.title}</b>{who}<br>{entry.recommendation}")
        self.error_box.setVisible(bool(snap.error_code))
        reauth = snap.state is SyncState.NEEDS_REAUTH
        if reauth:
            self.banner_text.setText(
                self.tr("<b>{account}</b> needs you to sign in again. Syncing is on hold until then.").format(
                    account=snap.error_account or self.tr("An account")
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
