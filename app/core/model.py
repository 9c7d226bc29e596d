"""The sync core's vocabulary: mailbox items, CRM records, sessions and issues.

Plain frozen dataclasses and string enums only; no I/O.  Everything the store
persists and the UI shows is described here, so that one definition serves the
engine, the store, the CLI and the Qt table models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ItemKind(StrEnum):
    """What a mailbox item is; decides which Salesforce object it becomes."""

    EMAIL = "email"
    EVENT = "event"
    CONTACT = "contact"
    TASK = "task"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    NONE = "none"


class Source(StrEnum):
    """Which side reported an issue."""

    MAILBOX = "Mailbox"
    SALESFORCE = "Salesforce"
    ENGINE = "Engine"


class Scope(StrEnum):
    """Whether a failure concerns one item or the whole account."""

    ITEM = "item"
    ACCOUNT = "account"


class IssueState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    IGNORED = "ignored"


class RetryClass(StrEnum):
    """What the engine does about a failure (the catalogue gives each code one)."""

    TRANSIENT = "transient"  # retry soon with backoff (network blip, server error)
    THROTTLED = "throttled"  # wait as long as the service asks (Retry-After), then go on
    SUSPENDED = "suspended-until-reset"  # stop until a limit resets (daily API limit, allocation)
    NEEDS_REAUTH = "needs-reauth"  # stop; the user must sign in again
    NEEDS_USER_FIX = "needs-user-fix"  # the item or a setting must change; retried with per-item backoff
    PERMANENT = "permanent"  # will not work by retrying; quarantined until the user acts
    IGNORED = "ignored"  # not a failure: a rule excluded the item; counted by reason


class Fixer(StrEnum):
    """Who can fix a failure."""

    USER = "user"
    SALESFORCE_ADMIN = "salesforce_admin"
    MAILBOX_ADMIN = "mailbox_admin"
    SUPPORT = "support"


class Action(StrEnum):
    """The one action that fixes it, grouped by what to do (the UI shows it as a button)."""

    REAUTHENTICATE = "reauthenticate"
    RETRY_LATER = "retry_later"  # nothing to do; Syncbar retries by itself
    FIX_ITEM = "fix_item"  # change the mailbox item or the Salesforce record, then Retry
    FIX_SETTING = "fix_setting"  # change a Salesforce/mailbox/Syncbar setting, then Retry
    CONTACT_SUPPORT = "contact_support"  # a bug or something only support can look into
    NONE = "none"  # ignored items: nothing to fix


class ItemState(StrEnum):
    """Where an item stands in the ledger (see docs/state.md)."""

    QUEUED = "queued"  # recorded from the mailbox, not yet sent
    PENDING = "pending"  # intent written, CRM call may or may not have happened
    SYNCED = "synced"  # CRM record exists, id known
    IGNORED = "ignored"  # a rule excluded it; reason in last_code
    FAILED = "failed"  # last attempt failed; retried after next_attempt
    QUARANTINED = "quarantined"  # gave up; only a user Retry or an item change revives it
    REMOVED = "removed"  # deleted in the mailbox before it was synced


class Outcome(StrEnum):
    """How a sync session ended."""

    RUNNING = "running"
    CLEAN = "clean"  # everything synced or ignored
    ITEM_ISSUES = "item_issues"  # finished, some items failed
    FAILED = "failed"  # stopped by an account-level error
    CANCELLED = "cancelled"  # the user stopped it (Pause, quitting the app) at a safe point
    INTERRUPTED = "interrupted"  # killed or crashed; found at the next start with what it had done


@dataclass(frozen=True)
class Person:
    address: str
    name: str = ""


# Fields that change when Syncbar marks an item (the change key that moves with
# its categories; the categories themselves travel in ``MailItem.labels``, outside
# the fingerprint).  They must not make the item look edited, or marking a failed
# item would queue it again, forever.
VOLATILE_FIELDS = frozenset({"categories", "labels", "changekey"})


# json.dumps with options builds an encoder per call; the engine fingerprints every item it reads.
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class MailItem:
    """One item read from the mailbox, already normalised by its provider.

    ``mailbox_id`` is the provider's stable (immutable) id; ``stream`` names
    the delta stream it came from (``inbox``, ``sent``, ``calendar``,
    ``contacts``, ``tasks``).  ``fields`` carries kind-specific values
    (contact: first_name, last_name, email, company, phone, title; task:
    due, status, priority; event: location) as plain strings.
    """

    kind: ItemKind
    mailbox_id: str
    stream: str
    subject: str = ""
    body: str = ""
    sender: Person | None = None
    recipients: tuple[Person, ...] = ()
    occurred_at: datetime | None = None
    end_at: datetime | None = None
    direction: Direction = Direction.NONE
    web_link: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    # Header-derived facts the ignore rules read (auto-submitted, bounce, list-id...).
    headers: Mapping[str, str] = field(default_factory=dict)
    # The item's own categories (Outlook) or label ids (Gmail), one entry each, as the
    # service listed them.  Never joined into one string: a category may hold a comma.
    labels: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable identity of the item across cycles and restarts."""
        return f"{self.kind.value}:{self.mailbox_id}"

    def fingerprint(self) -> str:
        """Hash of the content that matters to the CRM; changes when the item does."""
        payload = {
            "kind": self.kind.value,
            "subject": self.subject,
            "body": self.body,
            "sender": [self.sender.address, self.sender.name] if self.sender else None,
            "recipients": [[p.address, p.name] for p in self.recipients],
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "end_at": self.end_at.isoformat() if self.end_at else None,
            "direction": self.direction.value,
            "fields": {k: v for k, v in sorted(self.fields.items()) if k not in VOLATILE_FIELDS},
        }
        raw = _FINGERPRINT_JSON.encode(payload).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:32]

    def own_labels(self) -> tuple[str, ...]:
        """The item's categories (Outlook) or labels (Gmail) as the provider read them."""
        return self.labels

    def addresses(self) -> tuple[str, ...]:
        """Every address the item involves, sender first, in order, without repeats."""
        seen: dict[str, None] = {}
        people = ((self.sender,) if self.sender else ()) + self.recipients
        for person in people:
            if person.address:
                seen.setdefault(person.address, None)
        email = self.fields.get("email", "")
        if email:
            seen.setdefault(email, None)
        return tuple(seen)


def idempotency_key(account: str, item_key: str) -> str:
    """Hex key written to the CRM's external-id field; same item, same key, forever."""
    return hashlib.sha256(f"{account}\x00{item_key}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class CrmMatch:
    """A Contact or Lead found for an address."""

    address: str
    record_id: str
    object_type: str  # "Contact" or "Lead"
    account_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class CrmRecord:
    """One record to create or update in the CRM, keyed for idempotency."""

    item_key: str
    idempotency_key: str
    object_type: str  # Task, Event, Contact, EmailMessage ...
    values: Mapping[str, object]
    # Set when the item was synced before: update instead of create.
    existing_id: str = ""


@dataclass(frozen=True)
class PushResult:
    """What the CRM said about one record, in the order the records were sent."""

    item_key: str
    ok: bool
    record_id: str = ""
    created: bool = False
    code: str = ""  # catalogue code when not ok
    message: str = ""  # the service's own words, for Show details
    fields: tuple[str, ...] = ()
    request_id: str = ""
    candidates: tuple[str, ...] = ()  # the ids of the records an org's duplicate rule matched


@dataclass(frozen=True)
class ApiUsage:
    used: int
    limit: int
    observed_at: datetime


@dataclass
class ObjectCounts:
    """Per-object tallies of one session."""

    total: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    failed: int = 0
    ignored: dict[str, int] = field(default_factory=dict)  # reason code -> count

    @property
    def ignored_total(self) -> int:
        return sum(self.ignored.values())

    def to_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "new": self.new,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "failed": self.failed,
            "ignored": dict(self.ignored),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ObjectCounts:
        ignored = data.get("ignored", {})
        return cls(
            total=_int(data.get("total")),
            new=_int(data.get("new")),
            updated=_int(data.get("updated")),
            duplicate=_int(data.get("duplicate")),
            failed=_int(data.get("failed")),
            ignored={str(k): _int(v) for k, v in ignored.items()} if isinstance(ignored, dict) else {},
        )


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float | str) and str(value).lstrip("-").isdigit() else 0


@dataclass
class Session:
    """One sync cycle as the user sees it in Last session details."""

    id: int
    account: str
    started_at: datetime
    ended_at: datetime | None = None
    outcome: Outcome = Outcome.RUNNING
    counts: dict[ItemKind, ObjectCounts] = field(default_factory=dict)
    error_code: str = ""  # account-level code that stopped it, if any

    def counts_for(self, kind: ItemKind) -> ObjectCounts:
        return self.counts.setdefault(kind, ObjectCounts())


@dataclass(frozen=True)
class Issue:
    """A failure as a record: what the Issues tab and ``syncbar issues`` list."""

    id: int
    code: str
    scope: Scope
    source: Source
    account: str
    state: IssueState
    first_seen: datetime
    last_seen: datetime
    attempts: int = 1
    next_attempt: datetime | None = None
    kind: ItemKind | None = None
    item_key: str = ""
    item_title: str = ""
    item_who: str = ""  # the correspondent: who the mail is from (or to, when sent)
    item_at: datetime | None = None  # when the item was sent, received or happens
    mailbox_link: str = ""
    crm_link: str = ""
    message: str = ""  # the service's words or the engine's detail
    request_id: str = ""
    candidates: tuple[str, ...] = ()  # links to the records a duplicate rule found ("use one of these")
