"""The desktop app: one instance, a tray, the Sync Settings window, on the ``Backend`` it is handed.

syncbar            -> app/compose/desktop.py: run(backend): second launch? bring the first one's window up
                      and exit; else service + controller + window + tray; the event loop until Quit
syncbar demo       -> the same, on a demo backend (in-memory keyring) while the emulators serve
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    Qt,
    QTimer,
    qVersion,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

from app.core.mailbox_kinds import MailboxKind
from app.core.model import Issue
from app.core.scheduler import Notice, NoticeKind
from app.core.service import StatusSnapshot, SyncState
from app.core.status_text import mailbox_service, waiting
from app.ui.backend import Backend, Folders, ReportFile
from app.ui.background import run_in_background
from app.ui.controller import Controller
from app.ui.dialogs import Act, DetailsDialog, ReauthDialog, SupportDialog
from app.ui.icons import app_icon
from app.ui.models import StoreIssues, item_text
from app.ui.sync_process import CycleProcess
from app.ui.tray import Target, Tray, notice_target, notice_text
from app.ui.window import SettingsWindow

NOTIFY_SETTING = "ui.notifications"
# Notices that say what the General tab's status already says (its banner, its Waiting or error box).
STATE_NOTICES = frozenset({NoticeKind.FIRST_FAILURE, NoticeKind.REAUTH, NoticeKind.SUSPENDED})
log = logging.getLogger("syncbar.ui")


def instance_name(paths: Folders) -> str:
    digest = hashlib.sha1(str(paths.config.resolve()).encode()).hexdigest()[:12]
    return f"syncbar-{digest}"


def signal_running_instance(name: str, timeout_ms: int = 500) -> bool:
    """Ask a running Syncbar to show its window; False when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(QByteArray(b"show\n"))
    socket.flush()
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class DesktopApp:
    """Wires the service to the window and the tray; owns nothing the core owns."""

    def __init__(self, qapp: QApplication, backend: Backend, *, tray: bool | None = None) -> None:
        self.qapp = qapp
        self.backend = backend
        self.paths = backend.paths
        self.demo = backend.demo
        self.service, self.profile = backend.open_service()
        self.catalog = self.service.catalog
        self.controller = self._new_controller()
        self.window = SettingsWindow(self.catalog)
        self.window.setWindowIcon(app_icon())
        if self.demo:
            self.window.setWindowTitle(QCoreApplication.translate("DesktopApp", "Syncbar — Sync Settings (demo)"))
        self.use_tray = Tray.available() if tray is None else tray
        self.tray = Tray(self.catalog) if self.use_tray else None
        self.notices: list[tuple[str, str]] = []  # every notice shown (tests and the window read it)
        self._told_this_cycle = False  # a notice for this cycle went out: the "always" pop-up stays quiet
        self._reauth_open = False
        self._wire()

    # -- wiring -----------------------------------------------------------------------

    def _new_controller(self) -> Controller:
        """Cycles run in a child process of their own (app/compose/sync_child.py); this process shows them."""
        cycle = CycleProcess(self.paths, self.backend.secrets, self.service.store, self.backend.cycle_command())
        return Controller(self.service, cycle)

    def _wire(self) -> None:
        """Window and tray to the app (once); the window's actions reach whichever controller is current."""
        g, i = self.window.general, self.window.issues
        g.sync_now.connect(lambda: self.controller.sync_now())
        g.toggle_pause.connect(self.toggle_pause)
        g.refresh.connect(self.refresh)
        g.show_details.connect(self.show_current_error)
        g.reauth.connect(self.open_reauth)
        g.try_now.connect(lambda: self.controller.try_now())
        g.setup.connect(self.open_setup)
        g.stop_sync.connect(lambda: self.controller.stop())
        g.autostart.setChecked(self.backend.autostart_enabled())
        g.autostart_toggled.connect(self._set_autostart)
        g.notifications_changed.connect(self._keep_notify_mode)
        i.retry.connect(lambda ids: self.controller.retry(ids))
        i.ignore.connect(lambda ids: self.controller.ignore(ids))
        i.details.connect(self.show_issue_details)
        i.support.connect(self.open_support)
        self.window.settings.save_requested.connect(self.save_choices)
        self.window.settings.change_accounts.connect(self.open_setup)
        self.window.about_requested.connect(self.open_about)
        if self.tray is not None:
            self.tray.sync_now.connect(lambda: self.controller.sync_now())
            self.tray.toggle_pause.connect(self.toggle_pause)
            self.tray.open_settings.connect(self.window.bring_up)
            self.tray.notice_clicked.connect(self.open_notice)
            self.tray.about.connect(self.open_about)
            self.tray.quit.connect(self.quit)
        else:
            self.window.quit_on_close = True
        self._wire_service()

    def _wire_service(self) -> None:
        """The current service and controller to the window (again after a first-run setup)."""
        c, g, i = self.controller, self.window.general, self.window.issues
        c.status_changed.connect(self._on_status)
        c.issues_changed.connect(i.reload)
        c.sessions_loaded.connect(g.show_sessions)
        c.error.connect(self.window.show_notice)
        c.cycle_finished.connect(self._on_cycle_finished)
        c.notice.connect(self._on_notice)
        service_label = mailbox_service(self.profile.mailbox.kind) if self.profile else ""
        g.mailbox_service = service_label
        if self.tray is not None:
            self.tray.mailbox_service = service_label
        i.model.set_source(StoreIssues(self.service.store))
        i.apply_filters()  # the tab opens on open issues
        current = self.service.store.get_setting(NOTIFY_SETTING) or (
            self.profile.choices.notifications if self.profile else "first"
        )
        settings = self.window.settings
        settings.set_available(self.profile is not None)
        self.window.settings_available(self.profile is not None)
        if self.profile is not None:
            prof = self.profile
            backend = self.backend
            settings.show_choices(
                prof.choices,
                prof.crm.allocation_percent,
                prof.mailbox.account,
                backend.support_contact(None),
                default_support_address=backend.default_support_address,
            )
            settings.what.show_kind(prof.mailbox.kind)
            settings.describe = lambda obj: backend.describe_fields(prof, obj)
        g.notifications.blockSignals(True)
        g.notifications.setCurrentIndex(max(0, g.notifications.findData(current)))
        g.notifications.blockSignals(False)

    def _keep_notify_mode(self, mode: str) -> None:
        """General → Notifications: kept in the store (a write: off the GUI thread)."""
        store = self.service.store

        def failed(exc: Exception) -> None:
            log.error("keeping the notification setting failed", exc_info=exc)
            self.window.show_notice(
                QCoreApplication.translate("DesktopApp", "Could not save the settings: {error}").format(error=exc)
            )

        run_in_background(lambda: store.set_setting(NOTIFY_SETTING, mode), lambda _: None, failed)

    def save_choices(self, choices: Any, allocation_percent: float = 10.0) -> None:
        """Settings → Save: keep the choices in the profile and restart the service on them."""
        if self.profile is None:
            return
        self.profile.choices = choices
        self.profile.crm.allocation_percent = allocation_percent
        try:
            self.backend.save_profile(self.profile)
        except OSError as exc:
            self.window.show_notice(
                QCoreApplication.translate("DesktopApp", "Could not save the settings: {error}").format(error=exc)
            )
            return
        self.reconfigure()

    def open_about(self) -> None:
        """About Syncbar: the version, the bundled libraries' licences, and the company's help page if it set one."""
        from app.ui.about import AboutDialog

        _address, url = self.backend.support_contact(self.profile)
        self.window.bring_up()
        AboutDialog(url, parent=self.window).open()

    def open_setup(self) -> None:
        from app.ui.setup_dialog import SetupDialog

        dialog = SetupDialog(self.backend, parent=self.window)
        dialog.configured.connect(lambda _profile: self._configured(dialog.competitor_note))
        dialog.open()

    def _configured(self, competitor_note: str) -> None:
        self.reconfigure()
        if competitor_note:  # another sync tool, or what could not be checked: said once, at setup
            self._show_notice(
                QCoreApplication.translate("DesktopApp", "Other sync software"),
                competitor_note,
                critical=True,
                notice=Notice(NoticeKind.COMPETITOR, message=competitor_note),
            )

    def reconfigure(self) -> None:
        """A profile now exists (first-run setup) or changed: open the service on it and start syncing.

        The database and the keyring are opened off the GUI thread; the window carries on meanwhile."""
        self.controller.shutdown()
        self.service.store.close()
        run_in_background(self.backend.open_service, self._reopened, self._not_reopened)

    def _not_reopened(self, exc: Exception) -> None:
        log.error("reopening the service failed", exc_info=exc)
        self.window.show_notice(
            QCoreApplication.translate("DesktopApp", "Could not open the settings: {error}").format(error=exc)
        )

    def _reopened(self, opened: Any) -> None:
        self.service, self.profile = opened
        self.catalog = self.service.catalog
        self.controller = self._new_controller()
        self._wire_service()
        self.controller.emit_status()
        self.refresh()
        self.controller.sync_now()

    def start(self, show_window: bool) -> None:
        if self.tray is not None:
            self.tray.show()
        if show_window or self.tray is None:
            self.window.bring_up()
        self.controller.emit_status()
        self.refresh()
        if self.profile is None and not self.demo:
            QTimer.singleShot(0, self.open_setup)  # the first run: set up the accounts
        # Everything built so far (Qt wrappers, modules, the catalogue) lives as long as the app: keep it out
        # of the collector's full passes, which stop the GUI thread (30 ms and more).
        gc.collect()
        gc.freeze()

    def refresh(self) -> None:
        self.controller.refresh_sessions()
        self.controller.refresh_issues()

    # -- status and notices -----------------------------------------------------------------

    def _on_status(self, snap: StatusSnapshot) -> None:
        now = datetime.now(UTC)
        self.window.general.show_status(snap, now)
        if self.tray is not None:
            self.tray.show_status(snap, now)

    def _on_cycle_finished(self, session: object) -> None:
        told, self._told_this_cycle = self._told_this_cycle, False
        if self.notify_mode() == "always" and not told:  # one pop-up per event
            snap = self.service.status()
            if snap.error_code:
                entry = self.catalog.get(snap.error_code)
                title = (  # a wait is not an error: nobody has to act
                    QCoreApplication.translate("DesktopApp", "Sync on hold")
                    if waiting(snap, self.catalog)
                    else QCoreApplication.translate("DesktopApp", "Sync error")
                )
                self._show_notice(
                    title,
                    f"{entry.title}. {entry.recommendation}",
                    critical=True,
                    notice=Notice(NoticeKind.FIRST_FAILURE, snap.error_code, snap.error_account),
                )

    def notify_mode(self) -> str:
        return self.service.store.get_setting(NOTIFY_SETTING) or (
            self.profile.choices.notifications if self.profile else "first"
        )

    def _on_notice(self, notice: Notice) -> None:
        if notice.kind is NoticeKind.REAUTH:
            self.controller.emit_status()  # the banner appears whatever the notification setting
        if self.notify_mode() == "never":
            return
        title, text = notice_text(notice, self.catalog, datetime.now(UTC))
        self._told_this_cycle = True
        self._show_notice(title, text, critical=notice.kind in (NoticeKind.REAUTH, NoticeKind.ESCALATE), notice=notice)

    def _show_notice(self, title: str, text: str, critical: bool = False, notice: Notice | None = None) -> None:
        self.notices.append((title, text))
        if self.tray is not None:
            self.tray.notify(title, text, critical, notice)
        elif notice is not None and notice.kind in STATE_NOTICES and self._general_shown():
            pass  # the General tab's banner or box says it, with its button: not a second copy below
        else:
            self.window.show_notice(f"{title}: {text}")

    def _general_shown(self) -> bool:
        return self.window.isVisible() and self.window.tabs.currentWidget() is self.window.general

    def open_notice(self, notice: Notice) -> None:
        """A click on a notice: the re-auth dialog for its account, its items in the Issues tab, or General."""
        self.window.bring_up()
        target = notice_target(notice, self.catalog)
        if target is Target.REAUTH:
            self.window.tabs.setCurrentWidget(self.window.general)
            self.open_reauth(notice.account)
        elif target is Target.ISSUES:
            self.window.tabs.setCurrentWidget(self.window.issues)
            self.window.issues.show_new(notice.code)
        else:
            self.window.tabs.setCurrentWidget(self.window.general)

    # -- actions -----------------------------------------------------------------------

    def toggle_pause(self) -> None:
        if self.service.status().state is SyncState.PAUSED:
            self.controller.resume()
        else:
            self.controller.pause()

    def show_current_error(self) -> None:
        snap = self.service.status()
        if not snap.error_code:
            return
        dialog = DetailsDialog(
            self.catalog,
            snap.error_code,
            snap.error_message,
            snap.error_account,
            self.window,
            salesforce_setup_url=self._salesforce_setup_url(),
            mailbox_service=self.window.general.mailbox_service,
        )
        dialog.action_requested.connect(lambda action: self._act(action, []))
        dialog.open()

    def show_issue_details(self, issue: Issue) -> None:
        dialog = DetailsDialog(
            self.catalog,
            issue.code,
            issue.message,
            issue.account,
            self.window,
            item=item_text(issue),
            salesforce_setup_url=self._salesforce_setup_url(),
            issue=issue,
            mailbox_service=self.window.general.mailbox_service,
        )
        dialog.action_requested.connect(lambda action: self._act(action, [issue]))
        dialog.open()

    def _salesforce_setup_url(self) -> str:
        if self.profile is None:
            return ""
        return self.profile.crm.login_url.rstrip("/") + "/lightning/setup/SetupOneHome/home"

    def _act(self, action: str, issues: list[Issue]) -> None:
        """A Show details button: each does what its label says, and nothing else."""
        if action == Act.REAUTH:
            self.open_reauth(issues[0].account if issues else "")
        elif action == Act.SUPPORT:
            self.open_support(issues)
        elif action == Act.RETRY:
            self.controller.retry([i.id for i in issues])
        elif action == Act.IGNORE:
            self.controller.ignore([i.id for i in issues])
        elif action == Act.TRY_NOW:
            self.controller.try_now()

    def _which(self, snap: StatusSnapshot) -> str:
        if self.profile is None:
            return "crm"
        if snap.error_account == self.profile.crm.account or snap.error_code.startswith("SF_"):
            return "crm"
        return "mailbox"

    def open_reauth(self, account: str = "") -> None:
        """The re-authentication dialog for ``account`` (by default the one the current error names)."""
        if self.profile is None or self._reauth_open:
            return
        snap = self.service.status()
        which = self._which(snap)
        if account in (self.profile.crm.account, self.profile.mailbox.account):
            which = "crm" if account == self.profile.crm.account else "mailbox"
        prof, backend = self.profile, self.backend
        account = prof.crm.account if which == "crm" else prof.mailbox.account

        def sign_in(how: str, cancelled: threading.Event, extra: str) -> str:
            return backend.reauthenticate(prof, which, how, cancelled, extra)

        dialog = ReauthDialog(
            self.catalog,
            snap.error_code or "MBX_AUTH_FAILED",
            account,
            sign_in,
            ews=which == "mailbox" and prof.mailbox.kind == MailboxKind.EWS,
            parent=self.window,
        )
        self._reauth_open = True
        dialog.finished.connect(lambda _: setattr(self, "_reauth_open", False))
        dialog.signed_in.connect(lambda name: self.controller.credentials_updated(name or account))
        dialog.open()

    def screenshot(self) -> bytes:
        pixmap = self.window.grab()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        pixmap.save(buffer, "PNG")
        return bytes(buffer.data().data())

    def open_support(self, issues: list[Issue]) -> None:
        """The report's preview; the secrets it must cut out are read from the keyring off the GUI thread."""
        shot = self.screenshot()
        prof, backend = self.profile, self.backend

        def no_secrets(exc: Exception) -> None:  # a locked keyring: the pattern-based redaction still applies
            log.warning("reading the secrets to cut out of the report failed", exc_info=exc)
            self._show_support(issues, shot, [])

        run_in_background(
            lambda: backend.known_secrets(prof),
            lambda secrets: self._show_support(issues, shot, secrets),
            no_secrets,
        )

    def _show_support(self, issues: list[Issue], shot: bytes, secrets: list[str]) -> None:
        import PySide6

        backend, prof = self.backend, self.profile

        def build(keep: bool, what_happened: str) -> list[ReportFile]:
            return backend.build_report(  # the service of the moment: a setup may have reopened it
                self.service,
                self.profile,
                secrets=secrets,
                keep_personal=keep,
                screenshot=shot,
                versions={"qt": qVersion(), "pyside6": PySide6.__version__},
                what_happened=what_happened,
            )

        context = ", ".join(sorted({i.code for i in issues}))
        address, url = backend.support_contact(prof)

        def send(to: str, subject: str, body: str, zip_path: Path) -> None:
            assert prof is not None
            backend.send_report(prof, to, subject, body, zip_path)

        SupportDialog(
            build,
            self.paths.data / "reports",
            address,
            write=backend.write_report,
            mail_text=backend.report_mail_text,
            context=context,
            support_url=url,
            send=send if prof is not None else None,
            sender=prof.mailbox.account if prof is not None else "",
            parent=self.window,
        ).open()

    def _set_autostart(self, enabled: bool) -> None:
        try:
            self.backend.set_autostart(enabled)
        except OSError as exc:
            self.window.show_notice(
                QCoreApplication.translate("DesktopApp", "Could not change “Start at login”: {error}").format(error=exc)
            )

    def quit(self) -> None:
        self.window.quit_on_close = True
        self.window.hide()
        if self.controller.running:
            self.window.show_notice(QCoreApplication.translate("DesktopApp", "Finishing the current step of the sync…"))
        self.controller.shutdown()
        self.qapp.quit()


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
EXIT_NOT_STARTED = 6  # the start-up dialog said why (a storage or profile problem), and the user chose Quit


def _read_and_bring_up(conn: QLocalSocket, desktop: DesktopApp) -> None:
    """A second start knocked: read its note and show the window."""
    conn.readAll()
    desktop.window.bring_up()


def _shown_then_quit(desktop: DesktopApp) -> None:
    print("shown", flush=True)
    desktop.quit()


def _refuse_a_damaged_store(desktop: DesktopApp) -> None:
    """A sync that stopped on a damaged database: check it at start, so the dialog can offer Start fresh."""
    from app.core.local import DATABASE_DAMAGED
    from app.core.store import StoreError

    store = desktop.service.store
    if desktop.service.scheduler.state().error_code != DATABASE_DAMAGED:
        return
    found = store.damaged()
    if found:
        store.close()
        raise StoreError(f"The database {store.path} is damaged ({found}).")


def _start(qapp: QApplication, backend: Backend) -> DesktopApp | None:
    """The app, or ``None`` once the user has read why it cannot start and chosen Quit; never a silent exit."""
    from app.ui import startup

    while True:
        try:
            backend.prepare()
            desktop = DesktopApp(qapp, backend)
            _refuse_a_damaged_store(desktop)
            return desktop
        except Exception as exc:  # whatever stops the start is shown, with its fix where there is one
            log.warning("the app could not start", exc_info=exc)
            failure = startup.explain(exc, backend.paths, backend.catalog)
            print(f"syncbar: {failure.title}. {failure.detail}", file=sys.stderr)
            if startup.ask(failure) != startup.RETRY:
                return None


def run(backend: Backend, *, minimized: bool = False, quit_after_ms: int = 0) -> int:
    """Start the desktop app (or bring up the running one) and block until Quit."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        if not os.environ.get("QT_QPA_PLATFORM"):
            print(
                "syncbar: no display found (DISPLAY/WAYLAND_DISPLAY unset). Start Syncbar in a desktop session, "
                "or use the command line: syncbar status, syncbar sync --once, syncbar demo --headless.",
                file=sys.stderr,
            )
            return 3
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts, True)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("Syncbar")
    from app.ui import i18n, theme

    i18n.install(qapp)
    theme.apply(qapp)
    qapp.setQuitOnLastWindowClosed(False)
    name = instance_name(backend.paths)
    if signal_running_instance(name):
        print("Syncbar is already running; its window is now up.", file=sys.stderr)
        return 0
    server = QLocalServer()
    QLocalServer.removeServer(name)  # a stale socket left by a crash
    if not server.listen(name):
        print(f"syncbar: cannot listen for other launches: {server.errorString()}", file=sys.stderr)
    desktop = _start(qapp, backend)
    if desktop is None:
        server.close()
        return EXIT_NOT_STARTED

    def on_connection() -> None:
        while server.hasPendingConnections():
            conn = server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: _read_and_bring_up(c, desktop))

    server.newConnection.connect(on_connection)
    # SIGTERM (a logout, `kill`) and Ctrl-C quit like the tray's Quit: the running cycle is asked to stop
    # at a safe point, and what this process started (the demo's emulators) stops with it.  Qt's loop
    # does not run Python's signal handlers by itself, so a light timer hands it the interpreter.
    previous = {sig: signal.signal(sig, lambda *_: QTimer.singleShot(0, desktop.quit)) for sig in _STOP_SIGNALS}
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    desktop.start(show_window=not minimized)  # without a tray the window opens anyway
    if quit_after_ms:
        QTimer.singleShot(quit_after_ms, desktop.quit)
    if os.environ.get("SYNCBAR_EXIT_WHEN_SHOWN"):  # bench/: cold start to window shown
        QTimer.singleShot(0, lambda: _shown_then_quit(desktop))
    try:
        code = qapp.exec()
    finally:
        wake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    server.close()
    return int(code)
