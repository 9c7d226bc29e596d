"""The first start, before any account: a neutral "not set up" state, the setup dialog, nothing red, no
command-line advice, every text wrapped, and the greyed Settings tab saying why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.core.service import SyncState
from app.core.status_text import present
from app.ui.app import DesktopApp
from app.ui.icons import tone_key
from app.ui.setup_dialog import SetupDialog
from tests.ui.texts import visible_texts


@pytest.fixture
def first_run(tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopApp]:
    from PySide6.QtWidgets import QApplication

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(paths, TokenStore(ProcessKeyring())), tray=False)
    app.start(show_window=True)
    qtbot.waitUntil(lambda: app.window.findChild(SetupDialog) is not None, timeout=5_000)
    yield app
    app.controller.shutdown()
    app.window.quit_on_close = True
    app.window.close()


def test_nothing_is_red_before_setup_and_the_setup_dialog_opens(first_run: DesktopApp) -> None:
    snap = first_run.service.status()
    assert snap.state is SyncState.NOT_SET_UP
    key = tone_key(present(snap, first_run.catalog, datetime.now(UTC)).tone)
    assert key not in ("error", "signin"), key  # nothing has failed: no alarm colour
    general = first_run.window.general
    assert not general.error_box.isVisibleTo(first_run.window) and not general.banner.isVisibleTo(first_run.window)
    assert general.setup_button.isVisibleTo(first_run.window)


def test_no_account_yet_is_said_once_and_no_command_line_advice(first_run: DesktopApp) -> None:
    window = first_run.window
    texts = []
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        texts += [s.text for s in visible_texts(window)]
    texts = list(dict.fromkeys(texts))  # the window's own texts are read once per tab
    said = [t for t in texts if "no account is set up" in t.lower()]
    assert len(said) == 1, said
    advice = [t for t in texts if "syncbar " in t.lower() and "syncbar —" not in t.lower()]
    assert not any("demo" in t or "syncbar sync" in t or "syncbar status" in t for t in advice), advice


def test_the_setup_intro_wraps(first_run: DesktopApp) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = first_run.window.findChild(SetupDialog)
    assert dialog is not None
    intro = dialog.findChild(QLabel, "intro")
    assert intro is not None and intro.wordWrap()
    assert dialog.sizeHint().width() < 700, dialog.sizeHint()  # not one 940-pixel line
    long_unwrapped = [
        label.text()
        for label in dialog.findChildren(QLabel)
        if not label.wordWrap() and label.fontMetrics().horizontalAdvance(label.text()) > 600
    ]
    assert not long_unwrapped


def test_the_greyed_settings_tab_says_why(first_run: DesktopApp) -> None:
    window = first_run.window
    settings = window.settings
    assert settings.unavailable.isVisibleTo(settings) and settings.unavailable.isEnabled()
    assert "Set up accounts" in settings.unavailable.text()
    assert not settings.save_button.isEnabled() and not settings.what.isEnabled()
    assert window.tabs.tabToolTip(window.tabs.indexOf(settings))
