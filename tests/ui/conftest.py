"""Qt tests run offscreen; the demo fixture signs in to the emulators as ``syncbar demo`` does; every UI test
fails if the window's code makes the GUI thread wait on the network, the keyring or a database write."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.paths import Paths
from app.compose.setup import profile_from_info, sign_in_all
from app.core import profile
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

if TYPE_CHECKING:
    from app.ui.app import DesktopApp


@dataclass
class Demo:
    host: EmulatorHost
    paths: Paths
    tokens: TokenStore


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # autostart entries land here
    with emulators(items=80, seed=5, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        info = host.info()
        paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, "graph")
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        yield Demo(host, paths, tokens)


# --- the GUI thread never waits on the network, the keyring or a database write ---

UI_CODE = os.sep + os.path.join("app", "ui") + os.sep


@dataclass
class Blocking:
    """A call the window's own code made on the GUI thread that can wait (network, keyring, SQLite write)."""

    what: str
    where: str


# Before the event loop runs there is nothing to keep responsive: the app is composed (store opened, profile
# and its secrets read) in DesktopApp.__init__, before any window shows.  Everything after is guarded.
BEFORE_THE_EVENT_LOOP = {("app.py", "__init__")}


def _ui_caller() -> str:
    """The outermost frame of app/ui/ on the stack ("" when the test itself made the call, or start-up did)."""
    frame = sys._getframe(2)
    found = ""
    while frame is not None:
        name = frame.f_code.co_filename
        if UI_CODE in name:
            short = name.rsplit(os.sep, 1)[-1]
            if (short, frame.f_code.co_name) in BEFORE_THE_EVENT_LOOP:
                return ""
            found = found or f"{short}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return found


def _on_gui_thread() -> bool:
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


@pytest.fixture(autouse=True)
def gui_thread_never_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Blocking]]:
    """Every network send (requests and urllib3), keyring read or write, and SQLite write transaction checks
    its thread: reached from the window's code (app/ui) on the GUI thread, it is recorded and raised, and the
    test fails even where the app would have caught the error.  Deterministic, unlike a wall-clock gap."""
    import requests
    import urllib3.connectionpool

    from app.core.store import Store

    seen: list[Blocking] = []

    def guard(what: str, original: Any) -> Any:
        def checked(*args: Any, **kwargs: Any) -> Any:
            if _on_gui_thread():
                where = _ui_caller()
                if where:
                    seen.append(Blocking(what, where))
                    raise AssertionError(f"{what} on the GUI thread, from {where}")
            return original(*args, **kwargs)

        return checked

    patches = [
        (requests.Session, "send", "network (requests)"),
        (urllib3.connectionpool.HTTPConnectionPool, "urlopen", "network (urllib3)"),
        (TokenStore, "_kr", "keyring"),
        (ProcessKeyring, "get_password", "keyring read"),
        (ProcessKeyring, "set_password", "keyring write"),
        (Store, "transaction", "SQLite write"),
        (Store, "migrate", "SQLite write"),
    ]
    for owner, name, what in patches:
        monkeypatch.setattr(owner, name, guard(what, getattr(owner, name)))
    yield seen
    assert not seen, "the GUI thread waited on: " + "; ".join(f"{b.what} from {b.where}" for b in seen)


@contextmanager
def demo_window(demo: Demo, *, tray: bool = False) -> Iterator[DesktopApp]:
    """The desktop app on the demo's profile, its window shown; shut down and closed afterwards."""
    from PySide6.QtWidgets import QApplication

    from app.compose.desktop import DesktopBackend
    from app.ui.app import DesktopApp

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(demo.paths, demo.tokens, demo=True), tray=tray)
    app.start(show_window=True)
    try:
        yield app
    finally:
        app.controller.shutdown()
        app.window.quit_on_close = True
        app.window.close()


@pytest.fixture
def desktop(demo: Demo, qtbot: QtBot) -> Iterator[DesktopApp]:
    """The demo's app without a tray (the notices' tests ask for one with ``demo_window(demo, tray=True)``)."""
    with demo_window(demo) as app:
        yield app
