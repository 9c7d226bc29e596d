"""What the window needs from outside the UI and the core, as one protocol the desktop entry hands in.

``app/compose/desktop.py`` implements it (the service from the profile, sign-ins, the support report, the
company's registrations, "Start at login"); the UI imports only ``app.core``, PySide6 and itself. What
reaches the network, the keyring or the database is called from a pool thread (``app/ui/background.py``);
``open_service`` also runs once before the window shows, and the small file reads and writes (the profile,
the registrations file, the autostart entry) run where the user's click is handled, as they always have.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.core.catalog import Catalog
from app.core.profile import Profile, SyncChoices
from app.core.runner import SyncService

OpenUrl = Callable[[str], object]


class Folders(Protocol):
    """Where the profile, the database and the log live (``app.compose.paths.Paths``)."""

    @property
    def config(self) -> Path: ...

    @property
    def data(self) -> Path: ...

    @property
    def database(self) -> Path: ...

    @property
    def logs(self) -> Path: ...

    @property
    def log_file(self) -> Path: ...


class SecretsInMemory(Protocol):
    """An in-memory keyring (``app.auth.tokens.ProcessKeyring``): the demo's and the tests' secrets."""

    def entries(self) -> list[tuple[str, str, str]]: ...

    def put(self, service: str, username: str, password: str | None) -> None: ...


class Secrets(Protocol):
    """The token store (``app.auth.tokens.TokenStore``): the cycle's child reads the OS keyring itself, or is
    handed the in-memory secrets over its pipe and hands back the ones it changed."""

    @property
    def in_process(self) -> SecretsInMemory | None: ...


@dataclass(frozen=True)
class CycleCommand:
    """How to start the process that runs one cycle (``syncbar _cycle``)."""

    program: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to this process's environment


class ReportFile(Protocol):
    """One file of the support report (``app.compose.report.ReportFile``), already redacted."""

    @property
    def name(self) -> str: ...

    @property
    def data(self) -> bytes: ...


class Backend(Protocol):
    """Everything the desktop app asks of the rest of Syncbar."""

    @property
    def demo(self) -> bool:
        """Running on the emulators (``syncbar demo``, tests): sign-ins answer in a headless browser."""

    @property
    def paths(self) -> Folders: ...

    @property
    def secrets(self) -> Secrets: ...

    @property
    def default_support_address(self) -> str:
        """Syncbar's own support address, used when neither the company nor the user chose one."""

    @property
    def catalog(self) -> Catalog:
        """The error catalogue: every code's title, reason and fix (also when the service cannot open)."""

    def prepare(self) -> None:
        """Create the folders and start the log (before the window exists)."""

    def open_service(self) -> tuple[SyncService, Profile | None]:
        """The sync service on the saved profile (``None``: not set up yet); opens the database and the keyring."""

    def save_profile(self, profile: Profile) -> None:
        """Keep the profile (its folder is created if need be); raises ``OSError`` when it cannot be written."""

    def cycle_command(self) -> CycleCommand: ...

    # -- settings --------------------------------------------------------------------------

    def support_contact(self, profile: Profile | None) -> tuple[str, str]:
        """Where Chat with support goes (address, page): the user's choice, the company's, or the default."""

    def describe_fields(self, profile: Profile, object_type: str) -> dict[str, Any]:
        """The org's describe of one object: {field name: describe entry} (an API call)."""

    def autostart_enabled(self) -> bool: ...

    def set_autostart(self, enabled: bool) -> None:
        """Raises ``OSError`` when the entry cannot be written or removed."""

    # -- signing in ------------------------------------------------------------------------

    def reauthenticate(
        self, profile: Profile, which: str, how: str, cancelled: threading.Event, ews_url: str = ""
    ) -> str:
        """Sign ``which`` ("crm" or "mailbox") in again; ``how`` "change" signs out first; an Exchange
        ``ews_url`` is checked and kept in the profile. Returns the account signed in."""

    # -- the first-run setup ---------------------------------------------------------------

    def registrations_problem(self, kind: str) -> str:
        """What the company's app registrations lack for this mailbox kind ("" when complete)."""

    def exchange_online(self, ews_url: str) -> bool:
        """An EWS URL of Exchange Online, which signs in in the browser with no password."""

    def new_profile(self, kind: str, fields: dict[str, str], choices: SyncChoices) -> Profile:
        """A profile for the real services from the setup form; raises with words for what is wrong."""

    def sign_in_profile(
        self, profile: Profile, open_url: OpenUrl, cancelled: threading.Event, password: str = ""
    ) -> Profile:
        """Both sign-ins; fills in the account names. Nothing is saved."""

    def competitor_note(self, profile: Profile) -> str:
        """Other sync software seen at setup, or what could not be checked; "" when all is clear."""

    # -- Chat with support -----------------------------------------------------------------

    def known_secrets(self, profile: Profile | None) -> list[str]:
        """Every token and password held for the profile, so the report can cut them out."""

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
    ) -> list[ReportFile]: ...

    def write_report(self, files: Sequence[ReportFile], out: Path) -> Path: ...

    def report_mail_text(self, files: Sequence[ReportFile], what_happened: str, context: str) -> tuple[str, str]:
        """The support mail's subject and body."""

    def send_report(self, profile: Profile, to: str, subject: str, body: str, zip_path: Path) -> None:
        """Mail the zip from the user's own mailbox."""
