"""The one way the window runs work that may wait (the disk, the keyring, the network): off the GUI thread.

    GUI thread                          pool thread
    ----------                          -----------
    run_in_background(work, on_done) ─▶ work()
    on_done(result)  ◀────── signal ──  returned
    on_error(exc)    ◀────── signal ──  raised

``work`` touches no widget; ``on_done`` and ``on_error`` run on the thread that called
``run_in_background`` (the GUI thread), where widgets may be touched.  A pool of one thread
keeps its jobs in order (the controller's store reads and writes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger("syncbar.ui")

T = TypeVar("T")


class _Delivery(QObject):
    """Lives on the calling thread; its signals, emitted from the pool, queue the callbacks back there."""

    succeeded = Signal(object)
    raised = Signal(object)

    def __init__(self, on_done: Callable[[Any], None], on_error: Callable[[Exception], None]) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.succeeded.connect(self._done)
        self.raised.connect(self._failed)

    @Slot(object)
    def _done(self, result: object) -> None:
        _in_flight.discard(self)
        self._on_done(result)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        _in_flight.discard(self)
        self._on_error(exc)


# Deliveries whose work has not answered yet: kept alive here, since the pool's job is their only other holder.
_in_flight: set[_Delivery] = set()


def _log_it(exc: Exception) -> None:
    log.error("background work failed", exc_info=exc)


def run_in_background(
    work: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[Exception], None] = _log_it,
    *,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``work`` on ``pool`` (Qt's global pool by default); hand its result to ``on_done``, or the exception it
    raised to ``on_error`` (by default: logged with its traceback), both on the calling thread."""
    delivery = _Delivery(on_done, on_error)
    _in_flight.add(delivery)

    def job() -> None:
        try:
            result = work()
        except Exception as exc:  # handed to on_error, which says what failed
            delivery.raised.emit(exc)
            return
        delivery.succeeded.emit(result)

    (pool or QThreadPool.globalInstance()).start(job)
