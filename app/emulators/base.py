"""What every emulated service shares: requests, responses, faults and seed data.

The emulators import nothing from the rest of ``app``: a mistake shared between
a provider and its emulator would hide.  A service is a plain object with a
``handle(Request) -> Response`` method; ``app.emulators.host`` serves it over
HTTPS, counts calls per operation and applies injected faults before the
service sees the request.
"""

from __future__ import annotations

import json
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    path: str  # without the query string, percent-decoding left to the service
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes = b""
    connection: int = 0  # which client connection it came on (NTLM authenticates a connection)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[-1] if values else default

    def bearer(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, obj: Any, headers: Mapping[str, str] | None = None) -> Response:
        body = b"" if obj is None else json.dumps(obj).encode("utf-8")
        hdrs = {"Content-Type": "application/json;charset=UTF-8"}
        hdrs.update(headers or {})
        return cls(status, body, hdrs)

    @classmethod
    def xml(cls, status: int, text: str, headers: Mapping[str, str] | None = None) -> Response:
        hdrs = {"Content-Type": "text/xml; charset=utf-8"}
        hdrs.update(headers or {})
        return cls(status, text.encode("utf-8"), hdrs)

    @classmethod
    def empty(cls, status: int = 204, headers: Mapping[str, str] | None = None) -> Response:
        return cls(status, b"", dict(headers or {}))


# --- fault injection -------------------------------------------------------------

FAULT_KINDS = (
    "status",  # answer with `status` and the service's own error body for `code`/`message`
    "throttle",  # the service's throttling answer, with Retry-After / BackOffMilliseconds
    "delay",  # wait `delay` seconds, then answer normally
    "reset",  # close the connection without an answer
    "drop_after_commit",  # the service does the work (a write commits), then the connection drops unanswered
    "truncate",  # send the headers and half the body, then close
    "malformed",  # send a body that does not parse (broken JSON or XML)
    "revoke",  # revoke every token the service issued, then answer normally (so: 401)
    "daily_limit",  # exhaust the daily API budget, then answer normally (so: limit error)
    "expire",  # every access token issued so far reaches the end of its life (refresh tokens stay valid)
    "html",  # answer `status` with an HTML error page, as a proxy or load balancer does; the service never sees it
)


def retry_after_text(seconds: float) -> str:
    """A Retry-After value as services write it: whole seconds bare ("2"), fractions as given ("2.5")."""
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


@dataclass
class Fault:
    """One injected fault.  Matches ``operation`` (``*`` for any) of its service.

    Fires for the next ``count`` matching calls (after letting ``skip`` through), or, with
    ``probability`` set, on each matching call with that chance (``count`` then ignored).
    """

    kind: str
    operation: str = "*"
    count: int = 1
    probability: float | None = None
    status: int = 500
    code: str = ""
    message: str = ""
    retry_after: float = 1.0
    delay: float = 0.0
    skip: int = 0  # matching calls let through before the fault starts firing

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        allowed = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - allowed - {"service"}
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in data.items() if k in allowed})


@dataclass
class Limits:
    """What a service publishes about concurrency for one mailbox (or, for Salesforce, one org)."""

    concurrent: int | None = None  # requests in flight at once; None: no published limit
    # Only requests running at least this long count towards ``concurrent`` (Salesforce: 20 s).
    long_running: float = 0.0
    refuse: Callable[[float], Response] | None = None  # the service's answer, given the wait it asks for
    wait: float = 1.0  # the wait the refusal asks for (seconds)
    source: str = ""  # where the limit is published (docs/emulators.md has the same)


class Service(ABC):
    """An emulated remote service.  Subclasses keep their state behind ``self.lock``."""

    name: str = ""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = ""  # set by the host once the port is known
        # The app registrations the identity endpoints know (client ids, secrets, callbacks), made up
        # per instance as the real consoles issue them; kept across a reset, since clients hold them.
        self.registration: dict[str, Any] = {}
        # The host's realistic network mode (``app.emulators.network.Network``), or None: a service
        # with rate limits of its own enforces them only in that mode and records each refusal there.
        self.network: Any = None

    def limits(self) -> Limits:
        """The concurrency limit the real service publishes (enforced in the realistic network mode)."""
        return Limits()

    def carry_over(self, old: Service) -> None:
        """Take over what outlives a reset: the address and the app registrations."""
        self.base_url = old.base_url
        self.registration = old.registration
        self.network = old.network

    @abstractmethod
    def operation(self, request: Request) -> str:
        """A short stable name for the call (``query``, ``messages.delta``, ``SyncFolderItems``).

        Used for call counters and for matching faults.
        """

    @abstractmethod
    def handle(self, request: Request) -> Response:
        """Answer one request as the real service would."""

    @abstractmethod
    def error_response(self, status: int, code: str, message: str) -> Response:
        """The service's real error body for an HTTP status and service error code."""

    @abstractmethod
    def throttle_response(self, retry_after: float) -> Response:
        """The service's real throttling answer (429 / 503 / SOAP ErrorServerBusy...)."""

    @abstractmethod
    def malformed_body(self) -> bytes:
        """A body in the service's format that does not parse."""

    @abstractmethod
    def revoke_tokens(self) -> None:
        """Invalidate every access and refresh token issued so far."""

    def expire_access_tokens(self) -> None:
        """Every access token issued so far has expired; refresh tokens stay valid."""
        raise NotImplementedError(f"{self.name} cannot expire its access tokens")

    @abstractmethod
    def exhaust_daily_limit(self) -> None:
        """Use up the daily API budget (services without one answer their throttling error)."""

    @abstractmethod
    def credentials(self) -> dict[str, Any]:
        """Ready-to-use credentials and endpoints, as ``serve --json`` prints them."""


def free_loopback_port() -> int:
    """A port of 127.0.0.1 free right now (for a registered callback a client will listen on)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- seed data ----------------------------------------------------------------------
# The generator (app.emulators.seed) builds these; each service loads what it serves.


@dataclass
class SeedPerson:
    address: str
    name: str = ""


@dataclass
class SeedMessage:
    id: str  # stable across runs with the same seed
    folder: str  # "inbox" or "sent"
    subject: str
    body: str
    sender: SeedPerson
    to: list[SeedPerson]
    cc: list[SeedPerson] = field(default_factory=list)
    sent_at: datetime = field(default_factory=lambda: datetime(2026, 1, 1))
    headers: dict[str, str] = field(default_factory=dict)  # extra RFC 5322 headers
    charset: str = "utf-8"  # a legacy charset for the subject encoded-word (e.g. "iso-8859-1")
    internet_message_id: str = ""
    note: str = ""  # for troublesome items: what it should produce (docs/emulators.md)


@dataclass
class SeedEvent:
    id: str
    subject: str
    body: str
    start: datetime
    end: datetime
    organizer: SeedPerson
    attendees: list[SeedPerson] = field(default_factory=list)
    location: str = ""
    note: str = ""
    # A recurring series: ``weekly`` occurrences, a week apart from ``start``; occurrence number
    # ``moved`` (0-based, -1 for none) was moved an hour later (an exception to the series).
    weekly: int = 0
    moved: int = -1

    def occurrences(self) -> list[tuple[datetime, datetime, datetime]]:
        """(start, end, original start) of each occurrence of a series."""
        out = []
        for n in range(self.weekly):
            original = self.start + timedelta(weeks=n)
            shift = timedelta(hours=1) if n == self.moved else timedelta(0)
            out.append((original + shift, self.end + timedelta(weeks=n) + shift, original))
        return out


@dataclass
class SeedContact:
    """A contact in the mailbox's address book."""

    id: str
    first_name: str
    last_name: str
    email: str
    company: str = ""
    phone: str = ""
    title: str = ""
    note: str = ""


@dataclass
class SeedTask:
    id: str
    subject: str
    body: str = ""
    due: datetime | None = None
    status: str = "notStarted"  # Graph todo status words: notStarted, inProgress, completed
    note: str = ""


@dataclass
class SeedCrmPerson:
    """A Contact or Lead in the seeded Salesforce org."""

    id: str  # 18-character Salesforce id
    object_type: str  # "Contact" or "Lead"
    first_name: str
    last_name: str
    email: str
    account_id: str = ""  # Contacts only
    company: str = ""  # Leads only
    # Deleted right after the first query that returns it, so a write that names
    # it fails with ENTITY_IS_DELETED (a record deleted between match and write).
    delete_on_first_match: bool = False
    # The first write naming it (WhoId/WhatId) fails with UNABLE_TO_LOCK_ROW, later ones succeed.
    lock_once: bool = False
    # Leads only: converted (IsConverted = true) into this Contact; a converted Lead stays in the org, read-only.
    converted_to: str = ""


@dataclass
class SeedCrmAccount:
    id: str
    name: str


@dataclass
class SeedOrg:
    accounts: list[SeedCrmAccount] = field(default_factory=list)
    people: list[SeedCrmPerson] = field(default_factory=list)
    user_id: str = "005000000000001AAA"
    username: str = "rep@example.com"
    daily_api_limit: int = 15000
    # Enhanced Email (EmailMessage, EmailMessageRelation with MessageIdentifier...): on, as in orgs since Summer '19.
    enhanced_email: bool = True
    # Our external-id field Syncbar_Key__c on Contact, Task, Event and EmailMessage: only in an org where an
    # admin installed it (``emulators serve --org custom-key``); a standard org has no field of ours.
    custom_key_field: bool = False
    # Validation rule: a Task/Event whose Subject contains this text is rejected
    # with FIELD_CUSTOM_VALIDATION_EXCEPTION ("" = no rule).
    validation_subject_marker: str = "[BLOCKED]"
    # Duplicate rule: creating a Contact/Lead whose Email exists already fails
    # with DUPLICATES_DETECTED.
    duplicate_rule: bool = True
    # Records of all kinds the org may hold before STORAGE_LIMIT_EXCEEDED.
    storage_limit_records: int = 1_000_000


@dataclass
class SeedData:
    owner: SeedPerson  # the mailbox's user
    messages: list[SeedMessage] = field(default_factory=list)
    events: list[SeedEvent] = field(default_factory=list)
    series: list[SeedEvent] = field(default_factory=list)  # recurring meetings (``weekly`` > 0)
    contacts: list[SeedContact] = field(default_factory=list)
    tasks: list[SeedTask] = field(default_factory=list)
    org: SeedOrg = field(default_factory=SeedOrg)


# --- change logs for delta reads ------------------------------------------------------


class ChangeLog:
    """Item ids in the order of their changes (with repeats), and the frozen lists paged reads use.

    Graph's delta, Calendar's sync tokens and EWS's SyncFolderItems all answer "what changed in
    (since, upto]"; a read freezes that list when it starts, so items that change while it is paged
    through neither shift the pages nor go missing (they come again in the next round).
    """

    KEPT = 64  # frozen lists kept for reads in progress

    def __init__(self) -> None:
        self.order: list[str] = []
        self._frozen: dict[tuple[int, int], list[str]] = {}

    def touch(self, item_id: str) -> None:
        self.order.append(item_id)

    def between(self, since: int, upto: int, seq: Callable[[str], int], gone: Callable[[str], bool]) -> list[str]:
        """Ids whose last change is in (since, upto], each once, oldest first; items ``gone`` are
        reported only to a reader that has seen them (since > 0)."""
        cached = self._frozen.get((since, upto))
        if cached is not None:
            return cached
        seen: set[str] = set()
        out: list[str] = []
        for item_id in reversed(self.order):
            if item_id in seen:
                continue
            seen.add(item_id)
            step = seq(item_id)
            if since < step <= upto and not (since == 0 and gone(item_id)):
                out.append(item_id)
        out.reverse()
        if len(self._frozen) >= self.KEPT:
            self._frozen.pop(next(iter(self._frozen)))
        self._frozen[(since, upto)] = out
        return out
