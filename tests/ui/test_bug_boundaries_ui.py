"""The window's bug boundaries: a failure shown to the user as words also leaves its traceback in the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.core.store import Store
from app.ui.controller import Controller
from app.ui.sync_process import CycleProcess


class BrokenService:
    """An AppService whose reads and actions hit a bug."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def status(self) -> Any:
        raise RuntimeError("status boom")

    def due(self, now: Any) -> bool:
        raise RuntimeError("schedule boom")

    def ignore(self, ids: Any) -> None:
        raise RuntimeError("ignore boom")


def _traceback_logged(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    # app/compose/logs.py's filter (installed by any earlier test that set up the log) formats the traceback into
    # exc_text and drops exc_info on the record every handler sees
    return any(
        (r.exc_info and text in str(r.exc_info[1]))
        or ("Traceback" in (r.exc_text or "") and text in (r.exc_text or ""))
        for r in caplog.records
    )


def test_a_failing_read_or_action_is_shown_and_its_traceback_logged(
    qtbot: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    service = BrokenService(store)
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    backend = DesktopBackend(paths, TokenStore(ProcessKeyring()))
    cycle = CycleProcess(paths, backend.secrets, store, backend.cycle_command())
    controller = Controller(service, cycle, tick_ms=3_600_000)  # type: ignore[arg-type]
    shown: list[str] = []
    controller.error.connect(shown.append)
    with caplog.at_level(logging.WARNING):
        controller.tick()  # reads the schedule, then the status
        with qtbot.waitSignal(controller.error, timeout=5000):
            controller.ignore([1])  # runs on the controller's worker thread
    assert "Could not read the sync schedule: schedule boom" in shown
    assert "Could not read the sync status: status boom" in shown
    assert "RuntimeError: ignore boom" in shown
    for text in ("schedule boom", "status boom", "ignore boom"):
        assert _traceback_logged(caplog, text), text
    controller._timer.stop()
    store.close()
