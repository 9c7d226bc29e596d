"""The General tab: the sync status, the running sync's progress, the last successful sync apart from the
last attempt, Salesforce API usage, the 7-day history chart and table, preferences.

A failed or stopped attempt never replaces the last good session's details: the table shows the last
session that ran to its end, and a line above it says what the latest attempt did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QStandardItem, QStandardItemModel
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
from app.core.model import ApiUsage, ItemKind, Outcome, Session
from app.core.service import StatusSnapshot, SyncState
from app.core.status_text import Tone, clock_time, present
from app.ui.history_chart import DayBar, HistoryChart
from app.ui.icons import state_icon, tone_key
from app.ui.sync_progress import SyncProgressBox, duration_text, object_name

KINDS = (ItemKind.EMAIL, ItemKind.EVENT, ItemKind.CONTACT, ItemKind.TASK)


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
    stop_sync = Signal()  # stop the running sync at its next safe point
    day_clicked = Signal(object)  # datetime.date: a day of the chart, to see its issues

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

        self.progress_box = SyncProgressBox()
        layout.addWidget(self.progress_box)
        self.syncing = False
        self.view = SessionsView()

        last = QGroupBox(self.tr("Last session details"))
        lv = QVBoxLayout(last)
        head = QHBoxLayout()
        self.session_times = QLabel(self.tr("No session yet"))
        self.session_times.setObjectName("lastSuccessful")
        self.session_times.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        head.addWidget(self.session_times, 1)
        head.addWidget(self.refresh_button)
        lv.addLayout(head)
        self.attempt = QLabel("")
        self.attempt.setObjectName("lastAttempt")
        self.attempt.setWordWrap(True)
        self.attempt.setVisible(False)
        lv.addWidget(self.attempt)
        self.session_model = QStandardItemModel(0, SESSION_COLUMNS)
        self.session_model.setHorizontalHeaderLabels(
            [
                self.tr("Object"),
                self.tr("New"),
                self.tr("Updated"),
                self.tr("Duplicate"),
                self.tr("Ignored"),
                self.tr("Failed"),
                self.tr("Total"),
            ]
        )
        self.session_view = QTableView()
        self.session_view.setModel(self.session_model)
        self.session_view.verticalHeader().setVisible(False)
        self.session_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.session_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.session_view.setMaximumHeight(150)
        lv.addWidget(self.session_view)
        self.usage = QLabel("")
        self.usage.setObjectName("apiUsage")
        self.usage.setVisible(False)
        lv.addWidget(self.usage)
        layout.addWidget(last)

        hist = QGroupBox(self.tr("Sync history (last 7 days)"))
        hv = QVBoxLayout(hist)
        self.chart = HistoryChart()
        hv.addWidget(self.chart)
        self.history_model = QStandardItemModel(0, HISTORY_COLUMNS)
        self.history_model.setHorizontalHeaderLabels(
            [
                self.tr("Date"),
                self.tr("Syncs"),
                self.tr("Objects"),
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
        self.progress_box.stop.connect(self.stop_sync)
        self.chart.day_clicked.connect(self.day_clicked)
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
            self.accounts.setText(self.tr("Click “Set up accounts…” to connect your mailbox and Salesforce."))
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
        self.show_progress(snap)

    def show_progress(self, snap: StatusSnapshot) -> None:
        """The running sync's bar (hidden when none runs); the first sync's label says to look at it."""
        self.syncing = snap.state is SyncState.SYNCING
        self.progress_box.show_progress(self.syncing, snap.progress)
        self._show_last_ok()

    def show_sessions(self, view: SessionsView) -> None:
        """The sessions the controller read: the last good one's table, the latest attempt, usage, history."""
        self.view = view
        self.session_model.removeRows(0, self.session_model.rowCount())
        self._show_last_ok()
        self._show_attempt()
        self._show_usage()
        ok = view.last_ok
        if ok is not None:
            loc = self.locale()
            for kind in KINDS:
                c = ok.counts.get(kind)
                if c is None:
                    continue
                values = (c.new, c.updated, c.duplicate, c.ignored_total, c.failed, c.total)
                row = [QStandardItem(object_name(kind))] + [_number_item(loc.toString(v), v) for v in values]
                if c.ignored:
                    reasons = ", ".join(
                        f"{self.catalog.get(code).title}: {loc.toString(n)}" for code, n in sorted(c.ignored.items())
                    )
                    row[4].setToolTip(reasons)
                self.session_model.appendRow(row)
        self._show_history(view.recent)

    def _show_last_ok(self) -> None:
        ok = self.view.last_ok
        if ok is not None:
            text = self.tr("Last successful sync: {when} (took {took}) — {outcome}").format(
                when=self.when(ok.ended_at or ok.started_at),
                took=duration_text(((ok.ended_at or ok.started_at) - ok.started_at).total_seconds()),
                outcome=outcome_text(ok.outcome) if ok.counts else self.tr("nothing new to sync"),
            )
        elif self.syncing:
            text = self.tr("The first sync is running: its progress is shown above.")
        elif self.view.last_attempt is not None:
            text = self.tr("No sync has completed yet.")
        else:
            text = self.tr("No session yet")
        self.session_times.setText(text)
        self.session_view.setVisible(ok is not None)  # no empty table over a first sync

    def _show_attempt(self) -> None:
        """The latest attempt, when it is not the last good session (failed, stopped, interrupted)."""
        last, ok = self.view.last_attempt, self.view.last_ok
        if last is None or (ok is not None and last.id == ok.id):
            self.attempt.setVisible(False)
            return
        synced = sum(c.new + c.updated for c in last.counts.values())
        text = self.tr("Last attempt: {when} — {outcome}").format(
            when=self.when(last.ended_at or last.started_at), outcome=outcome_text(last.outcome)
        )
        if last.error_code:
            text += self.tr(": {problem}").format(problem=self.catalog.get(last.error_code).title)
        if synced:
            text += self.tr(" ({count} items synced before it stopped)").format(count=self.locale().toString(synced))
        self.attempt.setText(text)
        self.attempt.setVisible(True)

    def _show_usage(self) -> None:
        usage = self.view.usage
        if usage is None or usage.limit <= 0:
            self.usage.setVisible(False)
            return
        loc = self.locale()
        percent = round(100 * usage.used / usage.limit)
        self.usage.setText(
            self.tr("Salesforce API calls in the last 24 hours: {used} of {limit} ({percent}%)").format(
                used=loc.toString(usage.used), limit=loc.toString(usage.limit), percent=loc.toString(percent)
            )
        )
        self.usage.setToolTip(
            self.tr("The whole organisation's calls as Salesforce reported them at {when}").format(
                when=self.when(usage.observed_at)
            )
        )
        self.usage.setVisible(True)

    def when(self, moment: datetime) -> str:
        """A date and time in the user's locale format."""
        stamp = QDateTime.fromSecsSinceEpoch(int(moment.timestamp())).toLocalTime()
        return self.locale().toString(stamp, QLocale.FormatType.ShortFormat)

    def _show_history(self, recent: Sequence[Session]) -> None:
        """One row a day (newest first): how many syncs ran and what they did; the chart: seven days."""
        self.history_model.removeRows(0, self.history_model.rowCount())
        per_day: dict[date, list[Session]] = defaultdict(list)
        for s in recent:
            per_day[s.started_at.astimezone().date()].append(s)
        loc = self.locale()
        for day in sorted(per_day, reverse=True):
            sessions = per_day[day]
            added = sum(c.new for s in sessions for c in s.counts.values())
            updated = sum(c.updated for s in sessions for c in s.counts.values())
            failed = sum(c.failed for s in sessions for c in s.counts.values())
            stopped = sum(1 for s in sessions if s.outcome in STOPPED)
            syncs = loc.toString(len(sessions))
            if stopped:
                syncs = self.tr("{count} ({stopped} stopped)").format(count=syncs, stopped=loc.toString(stopped))
            touched = {k for s in sessions for k, c in s.counts.items() if c.new or c.updated or c.failed}
            objects = [k for k in KINDS if k in touched]
            row = [
                QStandardItem(loc.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)),
                QStandardItem(syncs),
                QStandardItem(", ".join(object_name(k) for k in objects) or "—"),
                _number_item(loc.toString(added), added),
                _number_item(loc.toString(updated), updated),
                _number_item(loc.toString(failed), failed),
            ]
            self.history_model.appendRow(row)
        today = datetime.now(UTC).astimezone().date()
        chart: list[DayBar] = []
        for back in range(6, -1, -1):  # always seven days, today last, empty days included
            day = today - timedelta(days=back)
            counts = [c for s in per_day.get(day, []) for c in s.counts.values()]
            chart.append(DayBar(day, sum(c.new + c.updated for c in counts), sum(c.failed for c in counts)))
        self.chart.set_days(chart)


@dataclass(frozen=True)
class SessionsView:
    """What the controller reads for this tab, off the GUI thread."""

    last_attempt: Session | None = None  # the newest finished session, whatever its outcome
    last_ok: Session | None = None  # the newest that ran to its end (clean or with item issues)
    recent: Sequence[Session] = ()  # the last 7 days
    usage: ApiUsage | None = None  # Salesforce's latest report of the org's rolling 24 hours


STOPPED = (Outcome.FAILED, Outcome.CANCELLED, Outcome.INTERRUPTED)
SESSION_COLUMNS = 7  # Object, New, Updated, Duplicate, Ignored, Failed, Total
HISTORY_COLUMNS = 6  # Date, Syncs, Objects, Added, Updated, Failed


def outcome_text(outcome: Outcome) -> str:
    texts = {
        Outcome.CLEAN: QCoreApplication.translate("GeneralTab", "everything synced"),
        Outcome.ITEM_ISSUES: QCoreApplication.translate("GeneralTab", "some items failed"),
        Outcome.FAILED: QCoreApplication.translate("GeneralTab", "stopped by an error"),
        Outcome.CANCELLED: QCoreApplication.translate("GeneralTab", "stopped"),
        Outcome.INTERRUPTED: QCoreApplication.translate("GeneralTab", "interrupted"),
        Outcome.RUNNING: QCoreApplication.translate("GeneralTab", "running"),
    }
    return texts[outcome]


def _number_item(text: str, value: int) -> QStandardItem:
    item = QStandardItem(text)
    item.setData(value, Qt.ItemDataRole.UserRole)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
