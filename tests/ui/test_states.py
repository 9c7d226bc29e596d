"""The General tab through the states a user lives, on the emulators with their faults: a daily limit and a
slow-down wait in amber and say once when they go on; Sync now is off with its reason and Try now checks
once; Pause stops a running sync and nothing syncs while paused, except the one Sync now asked for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pytestqt.qtbot import QtBot

from app.core.model import Outcome
from app.core.service import StatusSnapshot, SyncState
from app.emulators.base import Fault
from app.ui.app import DesktopApp
from app.ui.dialogs import DetailsDialog
from app.ui.icons import STATE_COLOURS
from tests.ui.conftest import Demo


def cycle(qtbot: QtBot, app: DesktopApp) -> None:
    qtbot.waitUntil(lambda: not app.controller.running, timeout=60_000)  # the start-up sync, if one runs
    with qtbot.waitSignal(app.controller.cycle_finished, timeout=60_000):
        app.controller.sync_now()


def new_mail(demo: Demo, subject: str = "New order") -> None:
    customer = demo.host.services["salesforce"].org.people[10].email
    demo.host.services["graph"].add_message("inbox", subject, customer, "alex.morgan@example.com")


def icon_colour(app: DesktopApp) -> str:
    image = app.window.general.status_icon.pixmap().toImage()
    return str(image.pixelColor(image.width() // 2, 3).name())


def near(colour: str, expected: str) -> bool:
    from PySide6.QtGui import QColor

    a, b = QColor(colour), QColor(expected)
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def shown_text(app: DesktopApp) -> str:
    g = app.window.general
    parts = [g.status_text, g.next_run, g.sync_reason, g.error_text, g.banner_text]
    return " | ".join(w.text() for w in parts if w.isVisibleTo(app.window) and w.text())


def test_daily_limit_waits_in_amber_and_try_now_checks_once(desktop: DesktopApp, demo: Demo, qtbot: QtBot) -> None:
    cycle(qtbot, desktop)
    sf: Any = demo.host.services["salesforce"]
    sf.exhaust_daily_limit()
    new_mail(demo)
    cycle(qtbot, desktop)
    qtbot.waitUntil(lambda: desktop.service.status().state is SyncState.SUSPENDED, timeout=5_000)
    desktop.controller.emit_status()
    g, window = desktop.window.general, desktop.window
    until = desktop.service.status().suspended_until
    assert until is not None
    text = shown_text(desktop)
    assert g.status_text.text().startswith("Waiting: ") and "error" not in text.lower(), text
    assert g.error_box.isVisibleTo(window) and g.error_box.title() == "Waiting"
    assert "Nothing to do" in g.error_text.text()
    at = until.astimezone().strftime("%H:%M")
    assert text.count(at) == 1, text  # the time, once
    assert at not in window.statusBar().currentMessage()  # and not again in the status bar
    assert near(icon_colour(desktop), STATE_COLOURS["waiting"]) and not near(icon_colour(desktop), "#cf222e")
    # Sync now would be refused again: off, with the reason in a tooltip and a visible line.
    assert not g.sync_button.isEnabled() and g.sync_reason.isVisibleTo(window)
    assert g.sync_button.toolTip() == g.sync_reason.text() and "Try now" in g.sync_reason.text()
    with qtbot.assertNotEmitted(desktop.controller.busy_changed, wait=2_000):
        desktop.controller.sync_now()  # the tray's or F5's Sync now: not queued behind the limit either
    # Show details of the limit: no Sync now, and Close is the default (nothing to redo now).
    desktop.show_current_error()
    details = window.findChild(DetailsDialog)
    assert details is not None
    assert "Sync now" not in details.visible_buttons() and details.default_button.text() == "Close"
    details.close()
    # The admin raised the limit: Try now checks once and the wait is over.
    sf.daily_limit = sf.used + 1_000_000
    assert g.try_button.isVisibleTo(window)
    with qtbot.waitSignal(desktop.controller.cycle_finished, timeout=60_000):
        g.try_button.click()
    qtbot.waitUntil(lambda: desktop.service.status().state is not SyncState.SUSPENDED, timeout=5_000)
    assert desktop.service.status().error_code == ""
    desktop.controller.emit_status()
    assert not g.error_box.isVisibleTo(window) and g.sync_button.isEnabled()


def test_a_slow_down_is_a_wait_not_an_error(desktop: DesktopApp, demo: Demo, qtbot: QtBot) -> None:
    cycle(qtbot, desktop)
    demo.host.inject("graph", Fault("throttle", retry_after=600, count=20))  # longer than Syncbar sleeps through
    new_mail(demo)
    cycle(qtbot, desktop)
    demo.host.clear_faults()
    snap = desktop.service.status()
    assert snap.state is SyncState.BACKING_OFF and snap.error_code == "MBX_THROTTLED", snap
    desktop.controller.emit_status()
    g = desktop.window.general
    text = shown_text(desktop)
    assert g.status_text.text() == "Waiting: Mail server asked Syncbar to slow down"
    assert g.error_box.title() == "Waiting" and "Sync error" not in text
    assert snap.next_run_at is not None and text.count(snap.next_run_at.astimezone().strftime("%H:%M")) == 1, text
    assert near(icon_colour(desktop), STATE_COLOURS["waiting"])
    assert not g.sync_button.isEnabled() and g.try_button.isVisibleTo(desktop.window)


def test_pause_stops_a_running_sync_and_nothing_syncs_while_paused(
    desktop: DesktopApp, demo: Demo, qtbot: QtBot
) -> None:
    cycle(qtbot, desktop)
    for n in range(200):
        new_mail(demo, f"Order {n}")
    for service in ("graph", "salesforce"):
        demo.host.inject(service, Fault("delay", delay=0.5, count=10_000))  # every call is slow
    g = desktop.window.general
    with qtbot.waitSignal(desktop.controller.busy_changed, timeout=10_000):
        desktop.controller.sync_now()
    qtbot.waitUntil(lambda: desktop.controller.progress is not None, timeout=20_000)  # the cycle is under way
    started = datetime.now(UTC)
    with qtbot.waitSignal(desktop.controller.cycle_finished, timeout=20_000) as stopped:
        g.pause_button.click()  # stops at its next safe point
    assert (datetime.now(UTC) - started).total_seconds() < 20
    session = stopped.args[0] if stopped.args else None
    assert session is not None and session.outcome is Outcome.CANCELLED, session
    qtbot.waitUntil(lambda: desktop.service.status().state is SyncState.PAUSED, timeout=5_000)
    # Nothing syncs while paused: not the interval, not Retry.
    issues = desktop.service.issues()
    with qtbot.assertNotEmitted(desktop.controller.busy_changed, wait=3_000):
        desktop.controller.tick()
        if issues:
            desktop.controller.retry([issues[0].id])
    # Sync now while paused runs one cycle, says so, and stays paused.
    desktop.controller.emit_status()
    assert g.sync_button.isEnabled() and "stays paused" in g.sync_reason.text()
    with qtbot.waitSignal(desktop.controller.busy_changed, timeout=10_000):
        g.sync_button.click()
    qtbot.waitUntil(lambda: g.status_text.text() == "Syncing once; still paused", timeout=5_000)
    assert g.pause_button.text() == "Resume"
    demo.host.clear_faults()
    qtbot.waitUntil(lambda: not desktop.controller.running, timeout=60_000)
    assert desktop.service.status().state is SyncState.PAUSED
    with qtbot.assertNotEmitted(desktop.controller.busy_changed, wait=2_000):
        desktop.controller.tick()


def test_the_pause_button_stays_in_swedish_after_an_update(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    from app.core.catalog import load_default
    from app.ui import i18n
    from app.ui.window import SettingsWindow

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    translators = i18n.install(qapp, "sv")
    try:
        window = SettingsWindow(load_default())
        qtbot.addWidget(window)
        window.general.show_status(StatusSnapshot(SyncState.IDLE, "a@b.se", "c@d.se"), datetime.now(UTC))
        assert window.general.pause_button.text() == "Pausa"
    finally:
        i18n.remove(qapp, translators)


def test_a_lost_microsoft_365_sign_in_is_one_banner_naming_the_service(
    desktop: DesktopApp, demo: Demo, qtbot: QtBot
) -> None:
    """A mailbox that refuses the sign-in is retried quietly (amber) before a sign-in is asked; then one banner
    names Microsoft 365 with its button, and the status line, the box and the status bar do not repeat it."""
    cycle(qtbot, desktop)
    demo.host.inject("graph", Fault("revoke"))
    g, window = desktop.window.general, desktop.window
    for _ in range(10):
        cycle(qtbot, desktop)
        if desktop.service.status().state is SyncState.NEEDS_REAUTH:
            break
        desktop.controller.emit_status()
        assert desktop.service.status().error_code == "MBX_AUTH_FAILED"
        assert g.status_text.text().startswith("Waiting: ") and not g.banner.isVisibleTo(window)
    assert desktop.service.status().state is SyncState.NEEDS_REAUTH
    desktop.controller.emit_status()
    assert g.banner.isVisibleTo(window) and g.banner_button.text() == "Sign in again…"
    banner = g.banner_text.text()
    assert banner.startswith("Microsoft 365 needs you to sign in again (alex.morgan@example.com)"), banner
    title = desktop.catalog.get("MBX_AUTH_FAILED").title
    assert shown_text(desktop).count(title) == 1  # in the banner only
    assert not g.error_box.isVisibleTo(window) and g.status_text.text() == "Sign-in needed"
    assert "sign in" not in window.statusBar().currentMessage().lower()
    assert not g.sync_button.isEnabled() and "Microsoft 365" in g.sync_button.toolTip()
    assert near(icon_colour(desktop), STATE_COLOURS["signin"])
