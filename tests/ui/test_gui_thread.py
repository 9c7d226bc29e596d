"""The GUI-thread guard (tests/ui/conftest.py) itself: a call from the window's code that could wait is caught
on the GUI thread, whatever the app would do with the error, and allowed on a worker thread."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.auth.tokens import ProcessKeyring, TokenStore
from app.core.store import Store
from tests.ui.conftest import Blocking

PLANTED = os.path.join(os.sep, "planted", "app", "ui", "window_code.py")  # counts as the window's code


def window_code(body: str) -> Any:
    """A function whose frames look like app/ui's, so the guard treats it as the window's own code."""
    scope: dict[str, Any] = {}
    exec(compile(f"def call(store, tokens, requests):\n    {body}\n", PLANTED, "exec"), scope)
    return scope["call"]


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("requests.get('http://127.0.0.1:9/never', timeout=1)", "network (requests)"),
        ("tokens.load('rep@example.com')", "keyring"),
        ("store.set_setting('x', 1)", "SQLite write"),
    ],
)
def test_a_blocking_call_from_the_window_on_the_gui_thread_is_caught(
    tmp_path: Path, qtbot: QtBot, gui_thread_never_blocks: list[Blocking], body: str, what: str
) -> None:
    import requests

    store = Store.open(tmp_path / "s.db")
    tokens = TokenStore(ProcessKeyring())
    call = window_code(body)
    try:
        call(store, tokens, requests)
    except Exception:  # the app might swallow it: the guard's record is what fails the test
        pass
    assert [b.what for b in gui_thread_never_blocks] == [what]
    gui_thread_never_blocks.clear()  # caught as it should be: this test passes
    done: list[str] = []

    def off_the_gui_thread() -> None:
        try:
            call(store, tokens, requests)
        except requests.RequestException:
            pass  # nothing listens on port 9: only the thread check matters here
        done.append("ok")

    worker = threading.Thread(target=off_the_gui_thread)
    worker.start()
    worker.join(30)
    assert done == ["ok"] and gui_thread_never_blocks == []
    store.close()
