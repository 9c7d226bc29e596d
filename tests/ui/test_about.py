"""About Syncbar: reached from the window's Help menu and the tray; the version, each bundled library's
licence as its installed metadata declares it, and the help link (the company's page when it set one)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import __version__
from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.ui.about import AboutDialog, licence_of
from app.ui.app import DesktopApp

pytestmark = pytest.mark.qt_log_ignore(r"systemTrayWindowChanged", r"This plugin does not support")


def shown(dialog: AboutDialog) -> dict[str, str]:
    return {dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}


def test_version_and_the_licences_of_the_bundled_libraries(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    version = dialog.findChild(QLabel, "version")
    assert version is not None and __version__ in version.text()
    licences = shown(dialog)
    assert "LGPL-3.0" in licences["PySide6 (Qt for Python)"]
    assert licences["keyring"] == "MIT" and licences["MSAL for Python"] == "MIT"
    assert licences["requests"].startswith("Apache") and licences["simple-salesforce"] == "Apache-2.0"
    assert licences["exchangelib"] == "BSD-2-Clause"
    assert licences["google-auth-oauthlib"].startswith("Apache")
    versions = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert versions["requests"] == metadata.version("requests")  # read at run time, not written down


def test_licence_read_from_metadata_fields_in_order() -> None:
    class Meta(dict[str, str]):
        def get_all(self, name: str) -> list[str]:
            return [v for k, v in self.items() if k == name]

    assert licence_of(Meta({"License-Expression": "MIT", "License": "BSD"}), "x") == "MIT"
    assert licence_of(Meta({"License": "Apache 2.0"}), "x") == "Apache 2.0"
    full_text = "Copyright (c) ...\nPermission is hereby granted ..."
    assert licence_of(Meta({"License": full_text}), "fallback") == "fallback"
    assert licence_of(Meta({"Classifier": "License :: OSI Approved :: MIT License"}), "x") == "MIT License"


def test_the_help_link_is_the_company_page_when_set(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    company = AboutDialog("https://help.company.example/syncbar")
    qtbot.addWidget(company)
    link = company.findChild(QLabel, "help")
    assert link is not None and "https://help.company.example/syncbar" in link.text()
    docs = AboutDialog("")
    qtbot.addWidget(docs)
    assert docs.help_url and docs.help_url != company.help_url  # the project's own documentation


def test_about_opens_from_the_window_menu_and_the_tray(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    (paths.config / "registrations.json").write_text('{"support": {"url": "https://it.company.example/help"}}')
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(paths, TokenStore(ProcessKeyring()), demo=True), tray=True)
    try:
        app.start(show_window=True)
        app.window.about_action.trigger()
        qtbot.waitUntil(lambda: app.window.findChild(AboutDialog) is not None, timeout=2_000)
        dialog = app.window.findChild(AboutDialog)
        assert dialog is not None and dialog.help_url == "https://it.company.example/help"
        dialog.close()
        dialog.deleteLater()
        qtbot.waitUntil(lambda: app.window.findChild(AboutDialog) is None, timeout=2_000)
        assert app.tray is not None
        app.tray.about_action.trigger()
        qtbot.waitUntil(lambda: app.window.findChild(AboutDialog) is not None, timeout=2_000)
    finally:
        app.controller.shutdown()
        app.window.quit_on_close = True
        app.window.close()
