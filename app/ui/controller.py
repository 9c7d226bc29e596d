"""The bridge between the Qt face and the Qt-free ``AppService``.

    GUI thread                               child process, one per cycle (app/compose/sync_child.py)
    ----------                               ----------------------------------------------
    timer tick (1 s): due? ──start────────▶  syncbar _cycle: service.run_cycle(...)
      not due, an escalation owed? ──────▶  syncbar _cycle: service.escalate() (at most every 10 min)
    status_changed ◀───────progress line──   progress callback (done/total/eta)
    notice         ◀───────notice line────   scheduler notices (first failure, re-auth...)
    cycle_finished ◀───────session line───   the Session (read back from the store)

Reads and user actions that touch the store (issues list, sessions, Retry,
Ignore) run on a one-thread pool (``run_in_background``), in order, and answer
on the GUI thread, so the GUI thread
never waits on the disk or the network.  Only ``service.status()`` and
``due()`` (two small reads of committed state) run on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from app.core.model import Session
from app.core.service import AppService, Progress, SyncState
from app.core.time_left import TimeLeft
from app.ui.background import run_in_background
from app.ui.general_tab import SessionsView
from app.ui.sync_process import CycleProcess

ESCALATION_RETRY = timedelta(minutes=10)
log = logging.getLogger("syncbar.ui")


class Controller(QObject):
    status_changed = Signal(object)  # StatusSnapshot
    issues_changed = Signal()  # the Issues tab reads its pages again
    sessions_loaded = Signal(object)  # SessionsView: last attempt, last completed, 7 days, API usage
    cycle_finished = Signal(object)  # Session | None
    notice = Signal(object)  # Notice from the cycle (first failure, sign-in needed, ...)
    busy_changed = Signal(bool)
    error = Signal(str)  # something the user should read (a failed action, a bug)
    _start = Signal()
    _escalate = Signal()

    def __init__(
        self,
        service: AppService,
        cycle: CycleProcess,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tick_ms: int = 1000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.service = service
        self.clock = clock
        self.monotonic = monotonic
        # The one time left the window shows (status line, tray, progress bar): measured here on the
        # cycle's reports, in place of the child's own guess; None until it is steady.
        self.time_left = TimeLeft()
        self.running = False
        self.progress: Progress | None = None
        self._closed = False  # shut down: a late answer from the pool starts nothing
        self._cycle = cycle
        self._start.connect(cycle.start)
        self._escalate.connect(cycle.escalate)
        self._escalation_tried: datetime | None = None
        self._stop_asked = False  # Stop clicked before the child could hear it
        cycle.progress.connect(self._on_progress)
        cycle.finished.connect(self._on_finished)
        cycle.failed.connect(self.error)
        cycle.notice.connect(self.notice)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # store reads and writes in order, never two at once
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    # -- the schedule ----------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        if not self.running and not self._closed:
            try:
                due = self.service.due(self.clock())
            except Exception as exc:
                log.exception("reading the sync schedule failed")
                self.error.emit(f"Could not read the sync schedule: {exc}")
                due = False
            if due:
                self._begin()
            elif self._escalation_owed():
                self.running = True
                self._escalate.emit()
        self.emit_status()

    def _escalation_owed(self) -> bool:
        now = self.clock()
        if self._escalation_tried is not None and now - self._escalation_tried < ESCALATION_RETRY:
            return False  # both sides may be down: do not start a process every second
        try:
            owed = self.service.escalation_due(now)
        except Exception:
            log.exception("checking whether an escalation email is owed failed")
            return False
        if owed:
            self._escalation_tried = now
        return owed

    def _begin(self) -> None:
        self.running = True
        self.progress = None
        self.time_left.reset()
        self._stop_asked = False
        self.busy_changed.emit(True)
        self._start.emit()

    def cycle_pid(self) -> int | None:
        """The process running the current cycle, if one runs."""
        return self._cycle.pid

    def emit_status(self) -> None:
        try:
            snap = self.service.status()
        except Exception as exc:
            log.exception("reading the sync status failed")
            self.error.emit(f"Could not read the sync status: {exc}")
            return
        if self.running:  # the cycle runs in its own process: this one knows it runs
            progress = self.progress
            if progress is not None:
                progress = replace(progress, eta_seconds=self.time_left.seconds(self.monotonic()))
            snap = replace(snap, state=SyncState.SYNCING, progress=progress)
        self.status_changed.emit(snap)

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self.progress = progress
        self.time_left.observe(progress, self.monotonic())
        if self._stop_asked:
            self._stop_asked = False
            self._cycle.cancel()
        self.emit_status()

    @Slot(object)
    def _on_finished(self, session: Session | None) -> None:
        self.running = False
        self.progress = None
        self.busy_changed.emit(False)
        self.cycle_finished.emit(session)
        self.emit_status()
        self.refresh_issues()
        self.refresh_sessions()

    # -- user actions ------------------------------------------------------------------

    def sync_now(self) -> None:
        """Sync now: one cycle, also while paused; never queued silently behind a needed sign-in or a wait."""
        service, clock = self.service, self.clock

        def work() -> str | None:
            blocked = service.blocked(clock())
            if blocked is None:
                service.request_sync()
            return blocked

        self._background(work, lambda _: self.tick())

    def try_now(self) -> None:
        """Try now: a person may have fixed the cause; check once, even through a wait."""
        self._background(self.service.try_now, lambda _: self.tick())

    def stop(self) -> None:
        """Stop the running sync at its next safe point (what it wrote stays; the next sync goes on).

        The child listens for SIGTERM from before its first progress line; until that line arrives the
        request waits, so a Stop clicked at once does not kill a child still starting (a lost session)."""
        if not self.running:
            return
        if self.progress is None:
            self._stop_asked = True
        else:
            self._cycle.cancel()

    def pause(self) -> None:
        """Pause: nothing starts any more, and a running cycle stops at its next safe point."""

        def paused(_: object) -> None:
            if self.running:
                self._cycle.cancel()
            self.emit_status()

        self._background(self.service.pause, paused)

    def resume(self) -> None:
        self._background(self.service.resume, lambda _: self.emit_status())

    def retry(self, issue_ids: Sequence[int]) -> None:
        ids = list(issue_ids)

        def done(_: object) -> None:
            self.refresh_issues()
            self.tick()

        self._background(lambda: self.service.retry(ids), done)  # due at once; while paused, at Resume

    def ignore(self, issue_ids: Sequence[int]) -> None:
        ids = list(issue_ids)
        self._background(lambda: self.service.ignore(ids), lambda _: self.refresh_issues())

    def credentials_updated(self, account: str) -> None:
        self._background(lambda: self.service.credentials_updated(account), lambda _: self.tick())

    def refresh_issues(self) -> None:
        """The issues changed (a sync, Retry, Ignore): the Issues tab counts them and reads its page again."""
        self.issues_changed.emit()

    def refresh_sessions(self) -> None:
        now = self.clock()

        def load() -> SessionsView:
            usage = self.service.api_usage(now - timedelta(hours=24))
            return SessionsView(
                last_attempt=self.service.last_session(),
                last_ok=self.service.last_completed_session(),
                recent=self.service.sessions(7),
                usage=usage[-1] if usage else None,
            )

        self._background(load, self.sessions_loaded.emit)

    # -- plumbing ---------------------------------------------------------------------

    def _background(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        run_in_background(work, then, self._failed, pool=self._pool)

    def _failed(self, exc: Exception) -> None:
        log.error("background work failed", exc_info=exc)
        self.error.emit(f"{type(exc).__name__}: {exc}")

    def shutdown(self, wait_ms: int = 15000) -> None:
        """Stop the timer, ask a running cycle to stop at its next safe point, and wait for it."""
        self._closed = True
        self._timer.stop()
        self._cycle.cancel()
        self._cycle.wait(wait_ms)
        self._pool.waitForDone(wait_ms)
