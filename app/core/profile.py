"""The profile: which mailbox and which Salesforce org this user syncs, and their choices.

Kept as ``profile.json`` in the config folder (written atomically), never with
a secret in it: tokens and passwords live in the keyring under ``secret_key``
names, which ``Profile.secret_name`` scopes by the profile's own id and by the
kind of service (app/auth/profile_secrets.py moves older entries there).  A
profile that does not parse is reported with its path, not ignored.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.core import profile_schema
from app.core.mailbox_kinds import KIND_NAMES, MailboxKind

MAILBOX_KINDS = KIND_NAMES


FIX = "Fix that in the file, or start the setup again ('syncbar' opens it) to write a new profile."


class ProfileError(Exception):
    """The profile file exists but cannot be used; the message names the file and the fix."""


@dataclass
class MailboxSettings:
    kind: str  # graph | ews | gmail
    account: str  # the mailbox address
    secret_key: str  # keyring entry name
    base_url: str = ""  # Graph / Gmail API base; EWS endpoint URL
    authority: str = ""  # Microsoft identity authority
    client_id: str = ""
    client_secret: str = ""  # Google "installed app" secrets are not secret by design, but stay out of logs
    token_uri: str = ""
    auth_uri: str = ""
    username: str = ""  # EWS user name when it differs from the address
    auth_type: str = "basic"  # EWS: ntlm | basic (a password, on premises) | oauth2 (Exchange Online, MSAL)
    ca_file: str = ""  # a private CA to trust (the emulators', a company proxy's)


@dataclass
class CrmSettings:
    account: str  # the Salesforce username
    secret_key: str
    login_url: str = "https://login.salesforce.com"
    client_id: str = ""
    callback_url: str = ""  # the loopback callback registered on the Salesforce app; "" is the default one
    ca_file: str = ""
    api_version: str = "59.0"
    allocation_percent: float = 10.0


@dataclass
class SyncChoices:
    emails: bool = True
    events: bool = True
    contacts: bool = True
    tasks: bool = True
    history_days: int = 30
    activated_at: str = ""  # ISO timestamp of the first sign-in
    internal_domains: list[str] = field(default_factory=list)
    colleagues_internal: bool = True  # the user's own company domain counts as internal too
    blocklist: list[str] = field(default_factory=list)
    do_not_mail: list[str] = field(default_factory=list)  # people who asked not to be tracked
    shared_addresses: list[str] | None = None  # first parts of shared inboxes (info, sales…); None: defaults
    interval_minutes: int = 15
    notifications: str = "first"  # never | first | always
    # Email the user (at the mailbox address) once syncing has been blocked this long; again at most daily.
    escalation_email: bool = True
    escalate_after_minutes: int = 240
    # The user's own choice of support contact; "" uses the company's (registrations.json "support").
    support_address: str = ""
    support_url: str = ""  # a support page Chat with support links to
    # The user's field-mapping changes: {"kind", "source", "target", "type"} each (app/core/mapping.py).
    field_overrides: list[dict[str, str]] = field(default_factory=list)


def new_profile_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass
class Profile:
    mailbox: MailboxSettings
    crm: CrmSettings
    choices: SyncChoices = field(default_factory=SyncChoices)
    # Generated once with the profile and never changed: it keeps this profile's keyring entries apart
    # from any other profile's on the same desktop ("" in a profile written before it existed).
    profile_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        wrong = profile_schema.problems(cls, data)
        if wrong:
            raise ValueError("; ".join(wrong))
        mailbox = MailboxSettings(**data["mailbox"])
        if mailbox.kind not in MAILBOX_KINDS:
            raise ValueError(f"mailbox kind must be one of {', '.join(MAILBOX_KINDS)}, not {mailbox.kind!r}")
        if mailbox.kind == MailboxKind.EWS and mailbox.base_url and not mailbox.base_url.lower().startswith("https://"):
            # Checked again by the EWS provider; said here so every command stops before anything is sent.
            raise ValueError(
                f"the Exchange address {mailbox.base_url} does not start with https://; Syncbar sends a password "
                "or a sign-in only over https:// (run the setup again with the https:// address)"
            )
        choices = SyncChoices(**data.get("choices", {}))
        return cls(mailbox, CrmSettings(**data["crm"]), choices, profile_id=str(data.get("profile_id") or ""))

    def secret_name(self, which: str) -> str:
        """The keyring entry of the mailbox's or Salesforce's secret: this profile's alone, and only ever
        read for the kind of service that issued it (a Google token is never an Exchange password)."""
        kind = "salesforce" if which == "crm" else self.mailbox.kind
        return f"{self.profile_id}/{which}/{kind}"

    def scoped(self) -> Profile:
        """This profile with an id (a new one if it has none) and its secrets under their scoped names."""
        self.profile_id = self.profile_id or new_profile_id()
        self.mailbox.secret_key = self.secret_name("mailbox")
        self.crm.secret_key = self.secret_name("crm")
        return self


def profile_path(config: Path) -> Path:
    return config / "profile.json"


def load(config: Path) -> Profile | None:
    path = profile_path(config)
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"The profile {path} cannot be read ({exc}). {FIX}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ProfileError(f"The profile {path} cannot be read: it is not JSON ({exc}). {FIX}") from exc
    try:
        return Profile.from_json(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise ProfileError(f"The profile {path} cannot be used: {exc}. {FIX}") from exc


def save(config: Path, profile: Profile) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = profile_path(config)
    fd, tmp = tempfile.mkstemp(dir=config, prefix=".profile.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(profile.to_json(), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove(config: Path) -> bool:
    path = profile_path(config)
    if path.exists():
        path.unlink()
        return True
    return False
