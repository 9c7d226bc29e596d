"""The escalation email in the desktop app: Settings shows where it goes and turns it on or off, and while
nothing syncs (a needed sign-in) the app still sends the email owed, through the side that works."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.core import profile
from app.ui.app import DesktopApp
from tests.ui.conftest import Demo


def test_settings_show_the_address_and_turning_it_on_sends_the_email_owed(
    desktop: DesktopApp, demo: Demo, qtbot: QtBot
) -> None:
    tab = desktop.window.settings
    address = desktop.profile.mailbox.account if desktop.profile else ""
    assert tab.escalation.isChecked() and address and address in tab.escalation_address.text()
    tab.escalation.setChecked(False)
    tab.escalate_after.setValue(0)
    before = desktop.controller
    tab.save_button.click()
    qtbot.waitUntil(lambda: desktop.controller is not before, timeout=20_000)  # reopened off the GUI thread
    saved = profile.load(demo.paths.config)
    assert saved is not None and not saved.choices.escalation_email and saved.choices.escalate_after_minutes == 0

    sf: Any = demo.host.services["salesforce"]
    sf.revoke_tokens()
    with qtbot.waitSignal(desktop.controller.cycle_finished, timeout=60_000):
        desktop.controller.sync_now()
    qtbot.waitUntil(lambda: desktop.service.status().state.value == "needs_reauth", timeout=10_000)
    graph: Any = demo.host.services["graph"]
    assert graph.sent == []  # turned off

    tab = desktop.window.settings
    tab.escalation.setChecked(True)
    before = desktop.controller
    tab.save_button.click()  # the service reopens; nothing syncs (a sign-in is needed), the email still goes
    qtbot.waitUntil(lambda: desktop.controller is not before, timeout=20_000)
    qtbot.waitUntil(lambda: len(graph.sent) == 1, timeout=30_000)
    mail = graph.sent[0]
    assert mail["toRecipients"][0]["emailAddress"]["address"] == address
    assert "SF_AUTH_FAILED" in mail["body"]["content"]
    qtbot.wait(2500)  # later ticks send nothing more
    assert len(graph.sent) == 1 and sf.actions.outbox == []


def test_settings_show_the_company_support_contact_and_a_change_is_used(
    desktop: DesktopApp, demo: Demo, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    from app.ui.dialogs import SupportDialog

    tab = desktop.window.settings
    assert tab.support_address.text() == "" and tab.support_address.placeholderText() == "support@syncbar.example"
    tab.support_address.setText("it@company.example")
    tab.support_url.setText("https://it.company.example/help")
    before = desktop.controller
    tab.save_button.click()
    qtbot.waitUntil(lambda: desktop.controller is not before, timeout=20_000)  # reopened off the GUI thread
    saved = profile.load(demo.paths.config)
    assert saved is not None and saved.choices.support_address == "it@company.example"
    desktop.open_support([])  # the report's secrets are read off the GUI thread: the dialog comes after
    qtbot.waitUntil(lambda: desktop.window.findChild(SupportDialog) is not None, timeout=10_000)
    dialog = desktop.window.findChild(SupportDialog)
    assert dialog is not None and dialog._address == "it@company.example" and dialog._url.endswith("/help")
