"""The bridge between the Qt face and the Qt-free ``AppService``.

    GUI thread                              worker thread (one, long-lived)
    ----------                              ------------------------------
    timer tick (1 s): due? ──start──────▶   CycleWorker.run: service.run_cycle(...)
    status_changed ◀──────progress──────    progress callback (done/total/eta)
    cycle_finished ◀──────finished──────    the Session
    notice         ◀──────notice────────    scheduler notices (first failure, re-auth...)

Reads and user actions that touch the store (issues list, sessions, Retry,
Ignore) run on Qt's thread pool and answer with signals, so the GUI thread
never waits on the disk or the network.  Only ``service.status()`` and
``due()`` (two small reads of committed state) run on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QThread, QThreadPool, QTimer, Signal, Slot

from app.core.model import Session
from app.core.scheduler import Notice
from app.core.service import AppService, Progress, StatusSnapshot


class NoticeBridge(QObject):
    """Carries scheduler notices from whatever thread raised them to the GUI thread."""

    notice = Signal(object)

    def send(self, notice: Notice) -> None:
        self.notice.emit(notice)


class CycleWorker(QObject):
    progress = Signal(object)  # Progress
    finished = Signal(object)  # Session | None
    failed = Signal(str)

    def __init__(self, service: AppService) -> None:
        super().__init__()
        self.service = service
        self.cancelled = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            session = self.service.run_cycle(self.progress.emit, self.cancelled)
        except Exception as exc:  # a bug: say so, never take the app down
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            self.finished.emit(None)
            return
        self.finished.emit(session)


class Controller(QObject):
    status_changed = Signal(object)  # StatusSnapshot
    issues_changed = Signal()  # the Issues tab reads its pages again
    sessions_loaded = Signal(object, object)  # Session | None, list[Session] (7 days)
    cycle_finished = Signal(object)  # Session | None
    busy_changed = Signal(bool)
    error = Signal(str)  # something the user should read (a failed action, a bug)
    _start = Signal()
    _loaded = Signal(object, object)  # (callback, result) from the pool back to the GUI thread

    def __init__(
        self,
        service: AppService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.service = service
        self.clock = clock
        self.running = False
        self.progress: Progress | None = None
        self._thread = QThread()
        self._thread.setObjectName("syncbar-sync")
        self._worker = CycleWorker(service)
        self._worker.moveToThread(self._thread)
        self._start.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self.error)
        self._loaded.connect(self._deliver)
        self._thread.start()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # store reads and writes in order, never two at once
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    # -- the schedule ----------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        if not self.running:
            try:
                due = self.service.due(self.clock())
            except Exception as exc:
                self.error.emit(f"Could not read the sync schedule: {exc}")
                due = False
            if due:
                self._begin()
        self.emit_status()

    def _begin(self) -> None:
        self.running = True
        self.progress = None
        self._worker.cancelled.clear()
        self.busy_changed.emit(True)
        self._start.emit()

    def emit_status(self) -> None:
        try:
            snap = self.service.status()
        except Exception as exc:
            self.error.emit(f"Could not read the sync status: {exc}")
            return
        self.status_changed.emit(snap)

    def snapshot(self) -> StatusSnapshot:
        return self.service.status()

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self.progress = progress
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
        self._background(self.service.request_sync, lambda _: self.tick())

    def pause(self) -> None:
        self._background(self.service.pause, lambda _: self.emit_status())

    def resume(self) -> None:
        self._background(self.service.resume, lambda _: self.emit_status())

    def retry(self, issue_ids: Sequence[int]) -> None:
        ids = list(issue_ids)

        def done(_: object) -> None:
            self.refresh_issues()
            self.tick()

        self._background(lambda: (self.service.retry(ids), self.service.request_sync()), done)

    def ignore(self, issue_ids: Sequence[int]) -> None:
        ids = list(issue_ids)
        self._background(lambda: self.service.ignore(ids), lambda _: self.refresh_issues())

    def credentials_updated(self, account: str) -> None:
        self._background(lambda: self.service.credentials_updated(account), lambda _: self.tick())

    def refresh_issues(self) -> None:
        """The issues changed (a sync, Retry, Ignore): the Issues tab counts them and reads its page again."""
        self.issues_changed.emit()

    def refresh_sessions(self) -> None:
        def load() -> tuple[Session | None, list[Session]]:
            return self.service.last_session(), self.service.sessions(7)

        self._background(load, lambda pair: self.sessions_loaded.emit(*pair))  # type: ignore[misc]

    # -- plumbing ---------------------------------------------------------------------

    def _background(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        def job() -> None:
            try:
                result = work()
            except Exception as exc:
                self.error.emit(f"{type(exc).__name__}: {exc}")
                return
            self._loaded.emit(then, result)

        self._pool.start(job)

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], result: Any) -> None:
        callback(result)

    def shutdown(self, wait_ms: int = 15000) -> None:
        """Stop the timer, ask a running cycle to stop at its next safe point, and wait for it."""
        self._timer.stop()
        self._worker.cancelled.set()
        self._pool.waitForDone(wait_ms)
        self._thread.quit()
        self._thread.wait(wait_ms)
