"""Notifications that lead somewhere, one per event: clicking a tray notice opens the re-auth dialog for the
account that needs a sign-in, the Issues tab filtered to the items that failed, or the General tab while
Syncbar waits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.core.scheduler import NoticeKind
from app.core.service import SyncState
from app.emulators.base import Fault
from app.ui.app import DesktopApp
from app.ui.dialogs import ReauthDialog
from tests.ui.conftest import Demo, demo_window

# The offscreen platform has no tray and says so; the app's own messages still fail a test.
pytestmark = pytest.mark.qt_log_ignore(r"systemTrayWindowChanged", r"This plugin does not support")


@pytest.fixture
def desktop(demo: Demo, qtbot: QtBot) -> Iterator[DesktopApp]:
    with demo_window(demo, tray=True) as app:
        yield app


def cycle(qtbot: QtBot, app: DesktopApp) -> None:
    with qtbot.waitSignal(app.controller.cycle_finished, timeout=60_000):
        app.controller.sync_now()


def new_mail(demo: Demo) -> None:
    """A customer writes: the next cycle has something to send to Salesforce."""
    sf: Any = demo.host.services["salesforce"]
    graph: Any = demo.host.services["graph"]
    graph.add_message("inbox", "New order", sf.org.people[10].email, "alex.morgan@example.com")


def click_notice(app: DesktopApp) -> None:
    assert app.tray is not None
    app.tray.icon.messageClicked.emit()  # what the desktop does when the user clicks the pop-up


def test_item_issues_notice_opens_the_issues_tab_filtered_to_them(desktop: DesktopApp, qtbot: QtBot) -> None:
    cycle(qtbot, desktop)
    assert desktop.tray is not None and desktop.tray.shown is not None
    assert desktop.tray.shown.kind is NoticeKind.ITEM_ISSUES and len(desktop.notices) == 1
    desktop.window.tabs.setCurrentWidget(desktop.window.general)
    desktop.window.issues.state.setCurrentIndex(desktop.window.issues.state.findData("resolved"))
    click_notice(desktop)
    issues = desktop.window.issues
    assert desktop.window.tabs.currentWidget() is issues
    qtbot.waitUntil(lambda: issues.model.rowCount() > 0, timeout=10_000)
    shown = [issues.model.issue(r) for r in range(issues.model.rowCount())]
    assert all(i.state.value == "open" and i.item_key for i in shown)
    assert len(shown) == desktop.tray.shown.failures


def test_losing_a_sign_in_is_one_notice_and_it_opens_the_reauth_dialog_for_that_account(
    desktop: DesktopApp, demo: Demo, qtbot: QtBot
) -> None:
    cycle(qtbot, desktop)
    before = len(desktop.notices)
    demo.host.inject("salesforce", Fault("revoke"))
    new_mail(demo)
    cycle(qtbot, desktop)
    qtbot.waitUntil(lambda: desktop.service.status().state is SyncState.NEEDS_REAUTH, timeout=5_000)
    assert len(desktop.notices) == before + 1 and desktop.notices[-1][0] == "Sign in again"  # one pop-up
    assert desktop.tray is not None and desktop.tray.shown is not None
    assert desktop.tray.shown.kind is NoticeKind.REAUTH
    click_notice(desktop)
    dialog = desktop.window.findChild(ReauthDialog)
    assert dialog is not None and dialog.isVisible()
    assert desktop.profile is not None and desktop.profile.crm.account in dialog.refresh_button.toolTip()


def test_waiting_notice_opens_the_general_tab(desktop: DesktopApp, demo: Demo, qtbot: QtBot) -> None:
    cycle(qtbot, desktop)
    sf: Any = demo.host.services["salesforce"]
    sf.exhaust_daily_limit()
    before = len(desktop.notices)
    new_mail(demo)
    cycle(qtbot, desktop)
    qtbot.waitUntil(lambda: desktop.service.status().state is SyncState.SUSPENDED, timeout=5_000)
    assert len(desktop.notices) == before + 1 and desktop.notices[-1][0] == "Sync on hold"
    desktop.window.tabs.setCurrentWidget(desktop.window.issues)
    desktop.window.hide()
    click_notice(desktop)
    assert desktop.window.isVisible() and desktop.window.tabs.currentWidget() is desktop.window.general
    assert desktop.window.findChild(ReauthDialog) is None


def test_the_notification_choice_is_kept_off_the_gui_thread(desktop: DesktopApp, qtbot: QtBot) -> None:
    """General → Notifications: the choice reaches the store (the thread guard fails a write on the GUI thread)."""
    combo = desktop.window.general.notifications
    combo.setCurrentIndex(combo.findData("never"))
    qtbot.waitUntil(lambda: desktop.service.store.get_setting("ui.notifications") == "never", timeout=5_000)
    assert desktop.notify_mode() == "never"
