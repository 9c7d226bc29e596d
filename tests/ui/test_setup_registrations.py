"""The first-run setup without the company's app registrations: it says what is missing before any sign-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.ui.setup_dialog import SetupDialog


@pytest.fixture(autouse=True)
def _no_registrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SYNCBAR_MS_CLIENT_ID", "SYNCBAR_GOOGLE_CLIENT_ID", "SYNCBAR_GOOGLE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SYNCBAR_SF_CLIENT_ID", raising=False)
    monkeypatch.setenv("SYNCBAR_REGISTRATIONS", str(tmp_path / "no-system-file.json"))


def test_setup_names_the_missing_registrations_and_the_guide(tmp_path: Path, qtbot: QtBot) -> None:
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    opened: list[str] = []
    dialog = SetupDialog(DesktopBackend(paths, TokenStore(ProcessKeyring())), open_url=opened.append)
    qtbot.addWidget(dialog)
    text = dialog.status.text()
    assert "microsoft.client_id" in text and "salesforce.client_id" in text and "docs/admin.md" in text
    assert str(paths.config / "registrations.json") in text
    assert not dialog.start_button.isEnabled()

    dialog.kind_buttons["gmail"].setChecked(True)
    assert "google.client_secret" in dialog.status.text() and "microsoft" not in dialog.status.text()

    # The IT department's file arrives: the setup can start (no browser was opened before).
    (paths.config / "registrations.json").write_text(
        json.dumps(
            {
                "google": {
                    "client_id": "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
                    "client_secret": "GOCSPX-company",
                },
                "salesforce": {"client_id": "3MVG9company"},
            }
        )
    )
    dialog.kind_buttons["graph"].setChecked(True)
    dialog.kind_buttons["gmail"].setChecked(True)
    assert dialog.start_button.isEnabled() and dialog.status.text() == ""
    assert opened == []
