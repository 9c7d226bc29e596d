"""The desktop entry: builds the window's backend (``app.ui.backend.Backend``) and starts the app on it.

syncbar            -> run(paths): the UI's ``run`` on a DesktopBackend over the OS keyring
syncbar demo       -> run(paths, tokens=<in-memory>, demo=True) while the emulators serve

Everything the window asks of the service, the sign-ins, the support report, the company's
registrations and "Start at login" goes through ``DesktopBackend``; the UI imports none of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.auth.tokens import TokenStore
from app.compose import autostart, logs, report, wiring
from app.compose.paths import Paths
from app.core import cycle_messages
from app.core import profile as profile_mod
from app.core.catalog import Catalog, load_default
from app.core.errors import SyncbarError
from app.core.mailbox_kinds import MailboxKind
from app.core.profile import Profile, SyncChoices
from app.core.runner import SyncService
from app.ui.backend import CycleCommand, OpenUrl, ReportFile


class DesktopBackend:
    """The real ``Backend``: the profile's folders, its token store, and the composition code behind them."""

    def __init__(self, paths: Paths, tokens: TokenStore | None = None, *, demo: bool = False) -> None:
        self._paths = paths
        self.tokens = tokens or TokenStore()
        self._demo = demo

    @property
    def demo(self) -> bool:
        return self._demo

    @property
    def paths(self) -> Paths:
        return self._paths

    @property
    def secrets(self) -> TokenStore:
        return self.tokens

    @property
    def default_support_address(self) -> str:
        from app.compose.registrations import DEFAULT_SUPPORT_ADDRESS

        return DEFAULT_SUPPORT_ADDRESS

    @property
    def catalog(self) -> Catalog:
        return load_default()

    def prepare(self) -> None:
        self._paths.ensure()
        logs.setup(self._paths.log_file)

    def open_service(self) -> tuple[SyncService, Profile | None]:
        return wiring.open_service(self._paths, tokens=self.tokens)

    def save_profile(self, profile: Profile) -> None:
        profile_mod.save(self._paths.ensure().config, profile)

    def cycle_command(self) -> CycleCommand:
        """The bundle's own binary, or this interpreter importing the same ``app`` package as this process."""
        if getattr(sys, "frozen", False):
            return CycleCommand(sys.executable, ["_cycle"])
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        return CycleCommand(sys.executable, ["-m", "app", "_cycle"], {"PYTHONPATH": path})

    # -- settings --------------------------------------------------------------------------

    def support_contact(self, profile: Profile | None) -> tuple[str, str]:
        support = wiring.support_contact(profile, self._paths.config)
        return support.address, support.url

    def describe_fields(self, profile: Profile, object_type: str) -> dict[str, Any]:
        """Read in a child process (``syncbar _cycle`` with ``describe``), as the cycles are: the window's process
        never loads the Salesforce library. Called on a pool thread; a refreshed token comes back over the pipe."""
        command = self.cycle_command()
        memory = self.tokens.in_process
        header = {
            "config": str(self._paths.config),
            "data": str(self._paths.data),
            "secrets": memory.entries() if memory is not None else None,
            "describe": object_type,
        }
        done = subprocess.run(
            [command.program, *command.args],
            input=json.dumps(header) + "\n",
            env={**os.environ, **command.env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        error = ""
        for line in done.stdout.splitlines():
            message = cycle_messages.decode(line)
            if isinstance(message, cycle_messages.SecretMessage) and memory is not None:
                memory.put(message.service, message.account, message.secret)
            elif isinstance(message, cycle_messages.DescribedMessage):
                return message.fields
            elif isinstance(message, cycle_messages.ErrorMessage):
                if message.code:
                    raise SyncbarError(message.code, message.error)
                error = message.error
        raise RuntimeError(error or f"the describe process ended with exit code {done.returncode}")

    def autostart_enabled(self) -> bool:
        return autostart.is_enabled()

    def set_autostart(self, enabled: bool) -> None:
        autostart.set_enabled(enabled)

    # -- signing in ------------------------------------------------------------------------

    def _browser(self, ca_file: str) -> OpenUrl:
        return wiring.headless_browser(ca_file or None) if self._demo else webbrowser.open

    def reauthenticate(
        self, profile: Profile, which: str, how: str, cancelled: threading.Event, ews_url: str = ""
    ) -> str:
        self.tokens.require()  # no keyring: say so before signing anyone out or in
        if how == "change":
            wiring.sign_out(profile, self.tokens, which)
        if which == "mailbox" and profile.mailbox.kind == MailboxKind.EWS and ews_url:
            from app.providers.ews.connect import https_problem

            problem = https_problem(ews_url)  # a password or a sign-in goes only to an https:// address
            if problem:
                raise ValueError(problem)
            profile.mailbox.base_url = ews_url
            self.save_profile(profile)
        ca = profile.crm.ca_file if which == "crm" else profile.mailbox.ca_file
        return wiring.sign_in(profile, self.tokens, which, self._browser(ca), cancelled)

    # -- the first-run setup ---------------------------------------------------------------

    def registrations_problem(self, kind: str) -> str:
        from app.compose import registrations

        try:
            registrations.load(self._paths.config).for_mailbox(kind)
        except registrations.RegistrationError as exc:
            return str(exc)
        return ""

    def exchange_online(self, ews_url: str) -> bool:
        from app.compose import setup

        return setup.exchange_online(ews_url)

    def new_profile(self, kind: str, fields: dict[str, str], choices: SyncChoices) -> Profile:
        from app.compose import setup

        return setup.new_profile(kind, choices=choices, config=self._paths.config, **fields)

    def sign_in_profile(
        self, profile: Profile, open_url: OpenUrl, cancelled: threading.Event, password: str = ""
    ) -> Profile:
        from app.compose import setup

        return setup.sign_in_profile(profile, self.tokens, open_url, cancelled, password=password)

    def competitor_note(self, profile: Profile) -> str:
        from app.core.competitors import unchecked, warning

        scan = wiring.scan_competitors(self._paths, profile, self.tokens)
        return warning(scan) or unchecked(scan)

    # -- Chat with support -----------------------------------------------------------------

    def known_secrets(self, profile: Profile | None) -> list[str]:
        return wiring.known_secrets(profile, self.tokens)

    def build_report(
        self,
        service: SyncService,
        profile: Profile | None,
        *,
        secrets: Sequence[str],
        keep_personal: bool,
        screenshot: bytes,
        versions: dict[str, str],
        what_happened: str,
    ) -> list[ReportFile]:
        return list(
            report.build(
                service,
                profile=profile,
                log_file=self._paths.log_file,
                secrets=secrets,
                keep_personal=keep_personal,
                screenshot=screenshot,
                versions=versions,
                what_happened=what_happened,
            )
        )

    def write_report(self, files: Sequence[ReportFile], out: Path) -> Path:
        return report.write(_report_files(files), out)

    def report_mail_text(self, files: Sequence[ReportFile], what_happened: str, context: str) -> tuple[str, str]:
        return report.mail_text(_report_files(files), what_happened, context)

    def send_report(self, profile: Profile, to: str, subject: str, body: str, zip_path: Path) -> None:
        wiring.send_report(profile, self.tokens, to, subject, body, zip_path)


def _report_files(files: Sequence[ReportFile]) -> list[report.ReportFile]:
    return [f if isinstance(f, report.ReportFile) else report.ReportFile(f.name, f.data) for f in files]


def run(
    paths: Paths,
    tokens: TokenStore | None = None,
    demo: bool = False,
    *,
    minimized: bool = False,
    quit_after_ms: int = 0,
) -> int:
    """Start the desktop app (or bring up the running one) and block until Quit."""
    from app.ui import app as ui_app

    return ui_app.run(DesktopBackend(paths, tokens, demo=demo), minimized=minimized, quit_after_ms=quit_after_ms)
