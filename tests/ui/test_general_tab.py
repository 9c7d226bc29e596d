"""The General tab as a user reads it: the last good sync kept apart from a failed attempt, an honest progress
bar with a Stop that stops, a 7-day chart with values that leads to a day's issues, API usage, in the locale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QObject, QPoint, Qt, Signal, Slot
from pytestqt.qtbot import QtBot

from app.core.catalog import load_default
from app.core.model import (
    ApiUsage,
    Issue,
    IssueState,
    ItemKind,
    ObjectCounts,
    Outcome,
    Scope,
    Session,
    Source,
)
from app.core.service import KindProgress, Phase, Progress, StatusSnapshot, SyncState
from app.emulators.base import Fault
from app.ui.app import DesktopApp
from app.ui.controller import Controller
from app.ui.general_tab import GeneralTab, SessionsView
from app.ui.history_chart import MIN_FAILED_PX, DayBar, HistoryChart
from app.ui.sync_progress import SyncProgressBox
from app.ui.window import SettingsWindow
from tests.ui.conftest import Demo

CATALOG = load_default()
NOW = datetime.now(UTC)
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
SWEDISH = QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden)


def session(sid: int, outcome: Outcome, ago: timedelta, **counts: ObjectCounts) -> Session:
    start = NOW - ago
    return Session(
        sid,
        "ana@example.com",
        start,
        start + timedelta(seconds=80),
        outcome,
        {ItemKind(k): c for k, c in counts.items()},
        "SF_DAILY_LIMIT" if outcome is Outcome.FAILED else "",
    )


def cells(tab: GeneralTab) -> list[list[str]]:
    m = tab.session_model
    return [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]


@pytest.fixture
def tab(qtbot: QtBot) -> GeneralTab:
    t = GeneralTab(CATALOG)
    t.setLocale(ENGLISH)
    qtbot.addWidget(t)
    return t


# --- last successful sync and last attempt -----------------------------------------------------------


def test_a_failed_attempt_keeps_the_last_good_sessions_details_and_says_what_it_did(tab: GeneralTab) -> None:
    good = session(1, Outcome.ITEM_ISSUES, timedelta(hours=2), email=ObjectCounts(1236, 1200, 30, 1, 5))
    failed = session(2, Outcome.FAILED, timedelta(minutes=5), email=ObjectCounts(0, 0, 0, 0, 0))
    tab.show_sessions(SessionsView(last_attempt=failed, last_ok=good, recent=[failed, good]))
    assert cells(tab) == [["Emails", "1,200", "30", "1", "0", "5", "1,236"]]
    assert tab.session_model.horizontalHeaderItem(6).text() == "Total"
    assert tab.session_times.text().startswith("Last successful sync: ")
    assert "(took 1 min) — some items failed" in tab.session_times.text()
    assert not tab.attempt.isHidden()
    assert tab.attempt.text().startswith("Last attempt: ") and "stopped by an error: " in tab.attempt.text()
    assert CATALOG.get("SF_DAILY_LIMIT").title in tab.attempt.text()
    assert "item_issues" not in tab.session_times.text() + tab.attempt.text()  # no raw enum


def test_when_the_latest_attempt_is_the_good_one_there_is_no_attempt_line(tab: GeneralTab) -> None:
    good = session(3, Outcome.CLEAN, timedelta(minutes=1), event=ObjectCounts(4, 4))
    tab.show_sessions(SessionsView(last_attempt=good, last_ok=good, recent=[good]))
    assert tab.attempt.isHidden() and "everything synced" in tab.session_times.text()
    assert cells(tab) == [["Events", "4", "0", "0", "0", "0", "4"]]


def test_no_session_yet_only_before_any_and_the_first_sync_points_to_its_progress(tab: GeneralTab) -> None:
    tab.show_sessions(SessionsView())
    assert tab.session_times.text() == "No session yet"
    tab.show_status(StatusSnapshot(SyncState.SYNCING, "ana@example.com", "ana@org", progress=None), NOW)
    assert tab.session_times.text() == "The first sync is running: its progress is shown above."
    assert not tab.progress_box.isHidden() and tab.progress_box.phase.text() == "Starting…"
    tab.show_status(StatusSnapshot(SyncState.IDLE, "ana@example.com", "ana@org"), NOW)
    assert tab.progress_box.isHidden() and tab.session_times.text() == "No session yet"
    stopped = session(4, Outcome.CANCELLED, timedelta(minutes=1), email=ObjectCounts(10, 10))
    tab.show_sessions(SessionsView(last_attempt=stopped, recent=[stopped]))
    assert tab.session_times.text() == "No sync has completed yet." and tab.session_model.rowCount() == 0
    assert "stopped (10 items synced before it stopped)" in tab.attempt.text()


def test_api_usage_over_24_hours_against_the_allocation_in_the_locale(tab: GeneralTab) -> None:
    usage = ApiUsage(1234, 15000, NOW - timedelta(minutes=3))
    tab.show_sessions(SessionsView(usage=usage))
    assert tab.usage.text() == "Salesforce API calls in the last 24 hours: 1,234 of 15,000 (8%)"
    tab.setLocale(SWEDISH)
    tab.show_sessions(SessionsView(usage=usage))
    assert "1\xa0234" in tab.usage.text() and "15\xa0000" in tab.usage.text()
    tab.show_sessions(SessionsView())
    assert tab.usage.isHidden()


def test_history_is_one_row_a_day_without_a_direction_column(tab: GeneralTab) -> None:
    today = [
        session(5, Outcome.CLEAN, timedelta(minutes=10), email=ObjectCounts(3, 2, 1)),
        session(6, Outcome.FAILED, timedelta(minutes=5)),
    ]
    earlier = [session(7, Outcome.ITEM_ISSUES, timedelta(days=2), contact=ObjectCounts(9, 6, 0, 0, 3))]
    tab.show_sessions(SessionsView(last_attempt=today[1], last_ok=today[0], recent=today + earlier))
    m = tab.history_model
    headers = [m.horizontalHeaderItem(c).text() for c in range(m.columnCount())]
    assert headers == ["Date", "Syncs", "Objects", "Added", "Updated", "Failed"]
    rows = [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert [r[1:] for r in rows] == [["2 (1 stopped)", "Emails", "2", "1", "0"], ["1", "Contacts", "6", "0", "3"]]
    assert rows[0][0] == ENGLISH.toString(NOW.astimezone().date(), QLocale.FormatType.ShortFormat)
    bars = tab.chart.days
    assert len(bars) == 7 and bars[-1] == DayBar(NOW.astimezone().date(), 3, 0) and bars[-3].failed == 3


# --- progress ------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeCycle(QObject):
    """The cycle child's signals without a child: the test plays its progress lines."""

    progress = Signal(object)
    notice = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.started = 0
        self.cancelled = 0
        self.pid = None

    @Slot()
    def start(self) -> None:
        self.started += 1

    @Slot()
    def escalate(self) -> None:
        pass

    def cancel(self) -> None:
        self.cancelled += 1

    def wait(self, ms: int) -> None:
        pass


class ScheduleOnce:
    """An AppService whose schedule says "now" once."""

    def __init__(self) -> None:
        self.catalog = CATALOG
        self.asked = True

    def status(self) -> StatusSnapshot:
        return StatusSnapshot(SyncState.IDLE, "ana@example.com", "ana@org")

    def due(self, now: datetime) -> bool:
        due, self.asked = self.asked, False
        return due

    def escalation_due(self, now: datetime) -> bool:
        return False


@pytest.fixture
def playing(tab: GeneralTab, qtbot: QtBot) -> Iterator[tuple[Controller, FakeCycle, Clock]]:
    clock, cycle = Clock(), FakeCycle()
    controller = Controller(ScheduleOnce(), cycle, tick_ms=3_600_000, monotonic=clock)  # type: ignore[arg-type]
    controller.status_changed.connect(lambda snap: tab.show_status(snap, NOW))
    controller.tick()  # due: the cycle starts
    assert cycle.started == 1 and controller.running
    yield controller, cycle, clock
    controller.shutdown(0)


def test_progress_names_the_phase_counts_each_object_and_one_honest_time_left(
    tab: GeneralTab, playing: tuple[Controller, FakeCycle, Clock]
) -> None:
    controller, cycle, clock = playing
    box = tab.progress_box
    cycle.progress.emit(Progress(1500, 0, None, Phase.READING))
    assert box.phase.text() == "Reading the mailbox… 1,500 items read"
    assert box.bar.maximum() == 0  # busy: the total is not known while reading
    cycle.progress.emit(Progress(200, 6000, None, Phase.MATCHING))
    assert box.phase.text() == "Matching with Salesforce… 200 of 6,000 items checked"
    cycle.progress.emit(Progress(0, 6000, None, Phase.WRITING, (KindProgress(ItemKind.EMAIL, 0, 0),)))
    for n in range(1, 5):
        clock.now += 4
        kinds = (KindProgress(ItemKind.EMAIL, n * 1000 - 3, 3), KindProgress(ItemKind.EVENT, 3, 0))
        # the child's own guess is not shown: "less than a minute" from the first round is what users saw stick
        cycle.progress.emit(Progress(n * 1000, 6000, 1.0, Phase.WRITING, kinds))
        if n < 3:
            assert box.left.text() == "" and "left" not in tab.status_text.text(), n  # under 10 s: no time
    assert (box.bar.value(), box.bar.maximum()) == (4000, 6000)
    assert box.phase.text() == "Writing to Salesforce… 4,000 of 6,000 items"
    assert box.counts.text() == "Emails: 3,997 synced, 3 failed  ·  Events: 3 synced"
    assert box.left.text() == "About 10 s left"  # 2,000 left at 1,000 per 4 s: 8 s, rounded up to 5 s
    assert tab.status_text.text().endswith("less than a minute left")  # the same estimate, in its own words
    clock.now += 5
    controller.emit_status()  # the next second's tick: it counts down
    assert box.left.text() == "About 5 s left"
    clock.now += 30  # the next round hangs: the time grows with the measured rate instead of sticking
    controller.emit_status()
    assert box.left.text() == "About 30 s left"  # 2,000 left at 4,000 per 51 s: 25.5 s
    clock.now += 200
    controller.emit_status()  # 2,000 at 4,000 per 251 s: 125.5 s
    assert box.left.text() == "About 2 min left" and tab.status_text.text().endswith("about 2 min left")
    cycle.progress.emit(Progress(3, 12, None, Phase.MARKING))
    assert box.phase.text() == "Marking items in the mailbox… 3 of 12" and box.left.text() == ""


def test_stop_clicked_before_the_child_listens_waits_for_its_first_line(
    tab: GeneralTab, playing: tuple[Controller, FakeCycle, Clock]
) -> None:
    controller, cycle, _ = playing
    tab.stop_sync.connect(controller.stop)
    controller.emit_status()
    assert tab.progress_box.isVisibleTo(tab)
    tab.progress_box.stop_button.click()
    assert cycle.cancelled == 0  # a SIGTERM now could reach a child without its handler yet
    cycle.progress.emit(Progress(0, 0, None, Phase.READING))
    assert cycle.cancelled == 1
    cycle.progress.emit(Progress(50, 0, None, Phase.READING))
    controller.stop()
    assert cycle.cancelled == 2  # once it listens, at once


def test_stop_asks_once_and_the_box_goes_when_the_sync_ends(qtbot: QtBot) -> None:
    box = SyncProgressBox()
    qtbot.addWidget(box)
    box.show_progress(True, None)
    with qtbot.waitSignal(box.stop, timeout=1000):
        qtbot.mouseClick(box.stop_button, Qt.MouseButton.LeftButton)
    assert not box.stop_button.isEnabled() and box.stop_button.text() == "Stopping…"
    box.show_progress(False, None)
    assert box.isHidden() and box.stop_button.isEnabled() and box.stop_button.text() == "Stop"


# --- the chart -------------------------------------------------------------------------------------------


def week(failed_today: int = 5, synced_today: int = 326) -> list[DayBar]:
    today = date(2026, 11, 26)
    return [DayBar(today - timedelta(days=6 - i), 0, 0) for i in range(6)] + [DayBar(today, synced_today, failed_today)]


def test_failures_stay_visible_beside_many_synced_items(qtbot: QtBot) -> None:
    chart = HistoryChart()
    qtbot.addWidget(chart)
    chart.resize(700, 140)
    chart.set_days(week(5, 10_000))
    synced, failed = chart.bar_rects()[-1]
    assert failed.height() >= MIN_FAILED_PX and synced.height() > 50 and failed.bottom() < synced.top()
    assert chart.bar_rects()[0][1].height() == 0  # no failures: no red
    image = chart.grab().toImage()
    red = [image.pixelColor(failed.center().x(), y).name() for y in range(failed.top(), failed.bottom() + 1)]
    assert "#cf222e" in red


def test_chart_dates_are_in_the_users_format_and_values_are_spoken(qtbot: QtBot) -> None:
    chart = HistoryChart()
    qtbot.addWidget(chart)
    chart.setLocale(SWEDISH)
    chart.set_days(week())
    assert chart.day_label(date(2026, 11, 26)) == "2026-11-26"
    assert "2026-11-26: 326 synced, 5 failed" in chart.accessibleDescription()
    chart.setLocale(ENGLISH)
    assert chart.day_label(date(2026, 11, 26)) == "11/26/26"


def test_a_click_on_a_day_shows_that_days_issues_and_all_days_come_back(qtbot: QtBot) -> None:
    window = SettingsWindow(CATALOG)
    qtbot.addWidget(window)
    window.show()
    day = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)

    def issue(n: int, when: datetime, state: IssueState = IssueState.OPEN) -> Issue:
        return Issue(
            n,
            "SF_ROW_LOCKED",
            Scope.ITEM,
            Source.SALESFORCE,
            "ana@org",
            state,
            when,
            when,
            kind=ItemKind.EMAIL,
            item_key=f"email:m{n}",
            item_title=f"Mail {n}",
        )

    window.issues.set_issues(
        [issue(1, day), issue(2, day - timedelta(days=3)), issue(3, day + timedelta(hours=1), IssueState.RESOLVED)]
    )
    assert window.issues.model.rowCount() == 2  # open issues
    chart = window.general.chart
    chart.set_days([DayBar(day.date() - timedelta(days=6 - i), 1, 1) for i in range(7)])
    chart.resize(700, 140)
    with qtbot.waitSignal(window.general.day_clicked, timeout=1000) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(690, 70))  # the last bar: today
    assert clicked.args == [day.date()]
    assert window.tabs.currentWidget() is window.issues
    shown = sorted(window.issues.model.issue(r).id for r in range(window.issues.model.rowCount()))
    assert shown == [1, 3]  # that day's, the resolved one included
    assert window.day_filter.isVisible() and "Issues seen on" in window.day_filter.label.text()
    qtbot.mouseClick(window.day_filter.clear_button, Qt.MouseButton.LeftButton)
    assert window.issues.model.rowCount() == 3 and not window.day_filter.isVisible()


# --- against the emulators: the bar moves through the phases, Stop stops, a failure keeps the good session --


def test_the_first_sync_shows_its_phases_then_a_failure_keeps_the_good_session(
    desktop: DesktopApp, demo: Demo, qtbot: QtBot
) -> None:
    general = desktop.window.general
    phases: list[Phase] = []
    seen_first_sync_label: list[str] = []

    def watch(snap: Any) -> None:
        if snap.progress is not None and (not phases or phases[-1] is not snap.progress.phase):
            phases.append(snap.progress.phase)
        if snap.state is SyncState.SYNCING:
            seen_first_sync_label.append(general.session_times.text())

    desktop.controller.status_changed.connect(watch)
    with qtbot.waitSignal(desktop.controller.cycle_finished, timeout=60_000):
        desktop.controller.sync_now()
    assert Phase.READING in phases and Phase.WRITING in phases
    order = list(Phase)
    assert phases == sorted(phases, key=order.index), phases
    assert "The first sync is running: its progress is shown above." in seen_first_sync_label
    qtbot.waitUntil(lambda: general.session_model.rowCount() > 0, timeout=10_000)
    good = [row[:] for row in cells(general)]
    assert general.progress_box.isHidden() and general.attempt.isHidden()
    assert general.usage.text().startswith("Salesforce API calls in the last 24 hours: ")

    demo.host.inject("graph", Fault("revoke"))  # the mailbox's sign-in is lost: the next attempt fails
    with qtbot.waitSignal(desktop.controller.cycle_finished, timeout=60_000):
        desktop.controller.sync_now()
    qtbot.waitUntil(lambda: general.attempt.isVisible(), timeout=10_000)
    assert "stopped by an error" in general.attempt.text()
    assert cells(general) == good  # not a row of zeros
    assert general.session_times.text().startswith("Last successful sync: ")


def test_stop_ends_a_running_sync_at_its_next_safe_point(desktop: DesktopApp, demo: Demo, qtbot: QtBot) -> None:
    general = desktop.window.general
    finished: list[Any] = []
    desktop.controller.cycle_finished.connect(finished.append)
    demo.host.inject("salesforce", Fault("delay", operation="*", delay=3.0, count=1))
    desktop.controller.sync_now()
    qtbot.waitUntil(lambda: general.progress_box.isVisible(), timeout=30_000)
    qtbot.mouseClick(general.progress_box.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    stopped = finished[0]
    assert stopped is not None and stopped.outcome is Outcome.CANCELLED
    qtbot.waitUntil(lambda: general.attempt.isVisible(), timeout=10_000)
    assert "— stopped" in general.attempt.text() and general.progress_box.isHidden()
    assert general.session_times.text() == "No sync has completed yet."
