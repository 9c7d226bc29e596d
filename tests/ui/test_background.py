"""run_in_background: the work runs off the GUI thread, its result or its exception comes back on it; and it is the
only way app/ui runs background work."""

from __future__ import annotations

import ast
import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.background import run_in_background

UI = Path(__file__).resolve().parents[2] / "app" / "ui"


def _on_gui_thread() -> bool:
    app = QApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def test_the_result_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    ran_on: list[bool] = []
    got: list[tuple[int, bool]] = []

    def work() -> int:
        ran_on.append(_on_gui_thread())
        return 42

    run_in_background(work, lambda value: got.append((value, _on_gui_thread())))
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    assert ran_on == [False] and got == [(42, True)]


def test_an_exception_goes_to_on_error_on_the_gui_thread(qtbot: QtBot) -> None:
    errors: list[tuple[str, bool]] = []
    done: list[object] = []

    def work() -> None:
        raise ValueError("no keyring")

    run_in_background(work, done.append, lambda exc: errors.append((str(exc), _on_gui_thread())))
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert errors == [("no keyring", True)] and done == []


def test_without_on_error_the_traceback_is_logged(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    def work() -> None:
        raise RuntimeError("a bug in the work")

    with caplog.at_level(logging.ERROR, logger="syncbar.ui"):
        run_in_background(work, lambda _: None)
        qtbot.waitUntil(lambda: any("background work failed" in r.getMessage() for r in caplog.records), timeout=5_000)
    [record] = [r for r in caplog.records if "background work failed" in r.getMessage()]
    logged = (record.exc_info and str(record.exc_info[1])) or record.exc_text or ""
    assert "a bug in the work" in logged


def test_a_one_thread_pool_keeps_the_order(qtbot: QtBot) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()
    order: list[int] = []

    def slow() -> int:
        release.wait(5)
        return 1

    run_in_background(slow, order.append, pool=pool)
    run_in_background(lambda: 2, order.append, pool=pool)
    release.set()
    qtbot.waitUntil(lambda: len(order) == 2, timeout=5_000)
    assert order == [1, 2]
    pool.waitForDone(5_000)


# Ways of starting work on another thread; app/ui/background.py is the one module that may use them.
THREAD_STARTERS = {"QRunnable", "QThread", "Thread", "globalInstance", "moveToThread"}


def thread_starters(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in THREAD_STARTERS:
            found.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in THREAD_STARTERS:
            found.add(node.id)
        elif isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in THREAD_STARTERS:
            found.add(node.name)
    return found


def test_only_the_helper_starts_threads_in_app_ui() -> None:
    users = {
        path.name: sorted(found)
        for path in sorted(UI.glob("*.py"))
        if path.name != "background.py" and (found := thread_starters(path.read_text(encoding="utf-8")))
    }
    assert users == {}


def test_the_check_sees_a_planted_thread() -> None:
    assert thread_starters("import threading\nthreading.Thread(target=print).start()\n") == {"Thread"}
    assert thread_starters("from PySide6.QtCore import QThreadPool\nQThreadPool.globalInstance().start(f)\n") == {
        "globalInstance"
    }
