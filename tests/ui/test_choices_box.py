"""The "What to sync" box offers what the mailbox's kind can sync, and says why the rest is not offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.core.mailbox_kinds import KIND_NAMES, cannot_sync
from app.core.model import ItemKind
from app.ui.choices_box import ChoicesBox
from app.ui.setup_dialog import SetupDialog


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_each_kind_is_offered_what_it_can_sync(qtbot: QtBot, kind: str) -> None:
    box = ChoicesBox()
    qtbot.addWidget(box)
    box.show_kind(kind)
    offered = {item for item, check in box.boxes.items() if not check.isHidden()}
    assert offered == set(ItemKind) - set(cannot_sync(kind))
    assert ItemKind.TASK in offered  # Microsoft 365, Exchange and Gmail all sync tasks
    assert box.not_synced.isHidden() == (not cannot_sync(kind))


def test_gmail_hides_contacts_and_says_why(qtbot: QtBot) -> None:
    box = ChoicesBox()
    qtbot.addWidget(box)
    box.show_kind("gmail")
    assert box.contacts.isHidden() and not box.tasks.isHidden()
    assert "Google Contacts" in box.not_synced.text()
    box.show_kind("graph")  # switching back offers it again
    assert not box.contacts.isHidden() and box.not_synced.isHidden()


def test_the_setup_dialog_follows_the_chosen_kind(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNCBAR_MS_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("SYNCBAR_GOOGLE_CLIENT_ID", "123456789012-abcdefgh.apps.googleusercontent.com")
    monkeypatch.setenv("SYNCBAR_GOOGLE_CLIENT_SECRET", "GOCSPX-company-desktop-secret")
    monkeypatch.setenv("SYNCBAR_SF_CLIENT_ID", "3MVG9-company")
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data")
    d = SetupDialog(DesktopBackend(paths, TokenStore(ProcessKeyring())))
    qtbot.addWidget(d)
    assert not d.what.contacts.isHidden()  # Microsoft 365 first
    d.kind_buttons["gmail"].setChecked(True)
    assert d.what.contacts.isHidden() and not d.what.not_synced.isHidden()
    d.kind_buttons["ews"].setChecked(True)
    assert not d.what.contacts.isHidden() and d.what.not_synced.isHidden()
