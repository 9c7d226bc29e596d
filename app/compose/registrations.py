"""The company's app registrations: the Microsoft, Google and Salesforce apps Syncbar signs in as.

A real identity service knows only the apps registered with it, so Syncbar
ships with none: an IT department registers each app once (docs/admin.md) and
deploys one file, ``registrations.json``::

    {
      "microsoft":  {"client_id": "<Application (client) ID, a GUID>",
                     "authority": "https://login.microsoftonline.com/<tenant id>"},
      "google":     {"client_id": "<NNNN-xxxx.apps.googleusercontent.com>", "client_secret": "GOCSPX-..."},
      "salesforce": {"client_id": "<Consumer Key>", "callback_url": "http://localhost:1717/OauthRedirect"},
      "support":    {"address": "helpdesk@company.example", "url": "https://help.company.example/syncbar"}
    }

``support`` is where "Chat with support" sends its report (from the user's own
mailbox) and the page it links to; without it, ``DEFAULT_SUPPORT_ADDRESS``.
A user may change both in Settings (the profile's choices win).

Read in this order, later ones winning field by field:

1. the system-wide file (``SYNCBAR_REGISTRATIONS`` names another one):
   Linux ``/etc/syncbar/registrations.json``; Windows ``%ProgramData%\\syncbar\\registrations.json``;
   macOS ``/Library/Application Support/syncbar/registrations.json``;
2. ``registrations.json`` in the config folder, beside ``profile.json``;
3. the environment: ``SYNCBAR_MS_CLIENT_ID``, ``SYNCBAR_MS_AUTHORITY``, ``SYNCBAR_GOOGLE_CLIENT_ID``,
   ``SYNCBAR_GOOGLE_CLIENT_SECRET``, ``SYNCBAR_SF_CLIENT_ID``, ``SYNCBAR_SF_CALLBACK_URL``,
   ``SYNCBAR_SUPPORT_ADDRESS``, ``SYNCBAR_SUPPORT_URL``.

Every value is checked here (a GUID for Entra, a Google desktop client id and
its secret, a loopback callback with a port for Salesforce); ``require`` says
exactly what is missing or wrong for the services a profile needs, and where
to put it.  Nothing here is a user secret: a desktop client's "secret" ships
with every copy of an app (Google says so), yet it is never logged.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from app.auth.microsoft import DEFAULT_AUTHORITY
from app.auth.salesforce import DEFAULT_SF_CALLBACK, callback_parts
from app.compose.exits import UsageError
from app.core.language import language
from app.core.mailbox_kinds import ROWS, MailboxKind

FILE_NAME = "registrations.json"
DOCS = "docs/admin.md"
DEFAULT_SUPPORT_ADDRESS = "support@syncbar.example"
SUPPORT_ENV = {"address": "SYNCBAR_SUPPORT_ADDRESS", "url": "SYNCBAR_SUPPORT_URL"}
ENV = {
    ("microsoft", "client_id"): "SYNCBAR_MS_CLIENT_ID",
    ("microsoft", "authority"): "SYNCBAR_MS_AUTHORITY",
    ("google", "client_id"): "SYNCBAR_GOOGLE_CLIENT_ID",
    ("google", "client_secret"): "SYNCBAR_GOOGLE_CLIENT_SECRET",
    ("salesforce", "client_id"): "SYNCBAR_SF_CLIENT_ID",
    ("salesforce", "callback_url"): "SYNCBAR_SF_CALLBACK_URL",
}
SERVICES = {"microsoft": "Microsoft 365", "google": "Google (Gmail)", "salesforce": "Salesforce"}
# What each field is called where the admin finds it (docs/admin.md).
WHAT = {
    ("microsoft", "client_id"): "the Application (client) ID of the Entra app registration",
    ("google", "client_id"): "the Client ID of the Google Cloud OAuth client (Desktop app)",
    ("google", "client_secret"): "the Client secret of that Google OAuth client",
    ("salesforce", "client_id"): "the Consumer Key of the Salesforce External Client App or Connected App",
}
# The words of the missing-registration message, in the user's language (app.core.language).
WORDS = {
    "en": {
        "lead": "Syncbar cannot sign in before your company's app registrations are set up. ",
        "where": " Put them in {places}, or in the environment; {docs} shows your IT department how to register "
        "each app and how to write that file.",
        "or": " or ",
        "missing": "{name}.{key} ({what}; or {env}) is missing",
        "desktop": " (a Desktop app client needs it to sign in)",
    },
    "sv": {
        "lead": "Syncbar kan inte logga in förrän företagets appregistreringar är konfigurerade. ",
        "where": " Lägg in dem i {places} eller i miljön; {docs} visar din IT-avdelning hur varje app registreras "
        "och hur filen skrivs.",
        "or": " eller ",
        "missing": "{name}.{key} ({what}; eller {env}) saknas",
        "desktop": " (en klient av typen Desktop app behöver den för att logga in)",
    },
}
WHAT_SV = {
    ("microsoft", "client_id"): "program-id:t (Application (client) ID) för Entra-appregistreringen",
    ("google", "client_id"): "klient-id:t (Client ID) för Google Cloud OAuth-klienten (Desktop app)",
    ("google", "client_secret"): "klienthemligheten (Client secret) för den Google OAuth-klienten",
    (
        "salesforce",
        "client_id",
    ): "konsumentnyckeln (Consumer Key) för Salesforce External Client App eller Connected App",
}


def _w(key: str) -> str:
    return WORDS.get(language(), WORDS["en"])[key]


# What each mailbox kind signs in to, in the order 'syncbar registrations' lists the kinds that are ready.
NEEDS = {kind.value: ROWS[kind].registrations for kind in (MailboxKind.GRAPH, MailboxKind.GMAIL, MailboxKind.EWS)}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GOOGLE_ID = re.compile(r"^[0-9]+-[0-9a-z]+\.apps\.googleusercontent\.com$")


class RegistrationError(UsageError):
    """An app registration a sign-in needs is missing or wrong; the message says which and where."""


@dataclass(frozen=True)
class Microsoft:
    client_id: str
    authority: str = DEFAULT_AUTHORITY


@dataclass(frozen=True)
class Google:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Salesforce:
    client_id: str
    callback_url: str = DEFAULT_SF_CALLBACK


@dataclass(frozen=True)
class Support:
    """Where Chat with support sends the report, and the support page it shows (may be "")."""

    address: str = DEFAULT_SUPPORT_ADDRESS
    url: str = ""
    configured: bool = False  # False: the built-in default, not the company's


@dataclass(frozen=True)
class Registrations:
    microsoft: Microsoft | None = None
    google: Google | None = None
    salesforce: Salesforce | None = None
    support: Support = field(default_factory=Support)
    places: tuple[str, ...] = ()  # where they were looked for, in order (for the messages)
    problems: dict[str, list[str]] = field(default_factory=dict)  # service -> what is missing or wrong

    def require(self, *services: str) -> None:
        """Raise ``RegistrationError`` naming everything missing or wrong for these services."""
        wrong = [f"{SERVICES[s]}: {'; '.join(self.problems[s])}" for s in services if self.problems.get(s)]
        if wrong:
            raise RegistrationError(
                _w("lead")
                + " ".join(f"{line}." for line in wrong)
                + _w("where").format(places=_w("or").join(self.places), docs=DOCS)
            )

    def for_mailbox(self, kind: str) -> Registrations:
        """The same, checked for what a profile with this mailbox kind signs in to."""
        self.require(*NEEDS.get(kind, ("salesforce",)))
        return self


def system_file(environ: Mapping[str, str] = os.environ) -> Path:
    """The file an IT department deploys for every user of the computer."""
    named = environ.get("SYNCBAR_REGISTRATIONS")
    if named:
        return Path(named).expanduser()
    if sys.platform.startswith("linux"):
        return Path("/etc/syncbar") / FILE_NAME
    return Path(platformdirs.site_config_dir("syncbar")) / FILE_NAME


def load(config: Path, environ: Mapping[str, str] = os.environ, system: Path | None = None) -> Registrations:
    """Read and check the registrations (system file, the one beside the profile, the environment)."""
    files = [system if system is not None else system_file(environ), config / FILE_NAME]
    merged: dict[str, dict[str, str]] = {name: {} for name in (*SERVICES, "support")}
    problems: dict[str, list[str]] = {name: [] for name in SERVICES}
    for path in files:
        for name, values in _read(path, problems).items():
            merged[name].update(values)
    for (name, key), variable in [*ENV.items(), *((("support", k), v) for k, v in SUPPORT_ENV.items())]:
        value = environ.get(variable, "").strip()
        if value:
            merged[name][key] = value
    found: dict[str, Any] = {}
    for name in SERVICES:
        found[name] = _check(name, merged[name], problems[name])
    return Registrations(
        found["microsoft"],
        found["google"],
        found["salesforce"],
        support=_support(merged["support"]),
        places=tuple(str(p) for p in files),
        problems={k: v for k, v in problems.items() if v},
    )


def _read(path: Path, problems: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        for name in SERVICES:
            problems[name].append(f"{path} cannot be read ({exc})")
        return {}
    if not isinstance(data, dict):
        for name in SERVICES:
            problems[name].append(f"{path} must hold one JSON object")
        return {}
    out: dict[str, dict[str, str]] = {}
    for name, values in data.items():
        if name not in SERVICES and name != "support":
            continue  # a newer file may name more services; those are not ours to refuse
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            if name == "support":
                continue  # not a sign-in: the default support address stands in
            problems[name].append(f'"{name}" in {path} must be an object of text values')
            continue
        out[name] = {k: v.strip() for k, v in values.items()}
    return out


def _support(values: dict[str, str]) -> Support:
    """The company's support contact; a value that is not an address or an https page falls back to the default."""
    address, url = values.get("address", ""), values.get("url", "")
    address = address if "@" in address and not any(c.isspace() for c in address) else ""
    url = url if url.startswith("https://") else ""
    return Support(address or DEFAULT_SUPPORT_ADDRESS, url, configured=bool(address or url))


def _missing(name: str, key: str) -> str:
    what = (WHAT_SV if language() == "sv" else WHAT)[(name, key)]
    return _w("missing").format(name=name, key=key, what=what, env=ENV[(name, key)])


def _check(name: str, values: dict[str, str], problems: list[str]) -> Any:
    if name == "microsoft":
        client_id, authority = values.get("client_id", ""), values.get("authority", "") or DEFAULT_AUTHORITY
        if not client_id:
            problems.append(_missing(name, "client_id"))
        elif not _GUID.match(client_id):
            problems.append(f"microsoft.client_id {client_id!r} is not an Application (client) ID (a GUID)")
        if not authority.startswith("https://"):
            problems.append(f"microsoft.authority {authority!r} must start with https://")
        return None if problems else Microsoft(client_id, authority.rstrip("/"))
    if name == "google":
        client_id, secret = values.get("client_id", ""), values.get("client_secret", "")
        if not client_id:
            problems.append(_missing(name, "client_id"))
        elif not _GOOGLE_ID.match(client_id):
            problems.append(
                f"google.client_id {client_id!r} is not a Google OAuth client ID (NNNN-xxxx.apps.googleusercontent.com)"
            )
        if not secret:
            problems.append(_missing(name, "client_secret") + _w("desktop"))
        return None if problems else Google(client_id, secret)
    client_id, callback = values.get("client_id", ""), values.get("callback_url", "") or DEFAULT_SF_CALLBACK
    if not client_id:
        problems.append(_missing(name, "client_id"))
    elif any(c.isspace() for c in client_id):
        problems.append("salesforce.client_id must not contain spaces")
    why = callback_problem(callback)
    if why:
        problems.append(why)
    return None if problems else Salesforce(client_id, callback)


def callback_problem(url: str) -> str:
    """Why a Salesforce callback URL cannot be listened on ("" when it can)."""
    try:
        callback_parts(url)
    except ValueError as exc:
        return str(exc)
    return ""
