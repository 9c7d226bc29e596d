"""The sync rules: which mailbox items are ignored and why, and how an item becomes a Salesforce record.

``Rules.pre_match`` runs before any Salesforce call and answers with an
``IGN_`` catalogue code or ``""``; the checks run in a fixed order (history
window, empty address, invalid address, bounce, group address, do-not-mail,
blocklist, internal-only) so that one item always gets the same reason.
``addresses_to_match`` is what is left after those filters: the people the
engine looks up.  ``build`` turns an item plus the matches into a
``CrmRecord`` through the field mapping; problems it can see before sending
(a missing last name, text for a number) come back as an error code, which
saves an API call.  Truncation to Salesforce's lengths is a note, never a
failure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from app.core.mapping import (
    DEFAULT_MAPPING,
    CoercionError,
    FieldMapping,
    FieldRule,
    clean_text,
    coerce,
    is_valid_address,
    normalise_token,
    truncate,
)
from app.core.model import CrmMatch, CrmRecord, ItemKind, MailItem, idempotency_key

DEFAULT_GROUP_LOCAL_PARTS = frozenset(
    {
        "info",
        "support",
        "sales",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "admin",
        "billing",
        "team",
        "hello",
        "contact",
        "office",
        "marketing",
        "newsletter",
        "notifications",
        "notification",
        "postmaster",
        "mailer-daemon",
        "help",
        "helpdesk",
        "service",
        "enquiries",
        "inquiries",
        "accounts",
        "invoices",
        "careers",
        "jobs",
        "hr",
        "press",
        "webmaster",
        "abuse",
        "security",
        "feedback",
        "news",
        "bounce",
        "bounces",
        "alerts",
        "updates",
        "reply",
        "mail",
        "list",
        "listserv",
        "majordomo",
    }
)
_BOUNCE_SENDERS = frozenset({"mailerdaemon", "postmaster"})
_BOUNCE_HEADERS = frozenset({"auto-submitted", "x-failed-recipients", "content-type"})
_WINDOWED = frozenset({ItemKind.EMAIL, ItemKind.EVENT})  # contacts and tasks have no "when" to window


@dataclass(frozen=True)
class RulesConfig:
    owner_addresses: frozenset[str]
    internal_domains: frozenset[str] = frozenset()
    blocklist: frozenset[str] = frozenset()  # addresses or "@domain"
    do_not_mail: frozenset[str] = frozenset()  # addresses or "@domain"
    group_local_parts: frozenset[str] = DEFAULT_GROUP_LOCAL_PARTS
    history_days: int = 30
    activated_at: datetime | None = None
    kinds: frozenset[ItemKind] = frozenset(ItemKind)
    mapping: FieldMapping = DEFAULT_MAPPING


@dataclass(frozen=True)
class Built:
    record: CrmRecord | None = None
    ignore_code: str = ""
    error_code: str = ""
    error_fields: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@lru_cache(maxsize=1 << 16)  # a mailbox has few correspondents; each item repeats theirs
def normalize_address(raw: str | None) -> str:
    """Lower-case, trimmed, without angle brackets or a domain's trailing dot; IDN in Unicode form."""
    text = unicodedata.normalize("NFC", (raw or "").strip())
    if text.endswith(">") and "<" in text:
        text = text[text.rindex("<") + 1 : -1].strip()
    local, sep, domain = text.rpartition("@")
    if not sep:
        return text.casefold()
    return f"{local.casefold()}@{_domain_key(domain)}"


def _domain_key(domain: str) -> str:
    domain = domain.strip().rstrip(".").casefold()
    if "xn--" in domain:
        try:
            domain = domain.encode("ascii").decode("idna")
        except (UnicodeError, ValueError):
            pass  # not valid punycode: compare it as written
    return domain


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Entries:
    """A set of addresses and "@domain" entries; a domain entry also covers its subdomains."""

    def __init__(self, entries: frozenset[str]) -> None:
        self.addresses = {normalize_address(e) for e in entries if not e.strip().startswith("@")}
        self.domains = {_domain_key(e.strip()[1:]) for e in entries if e.strip().startswith("@")}

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str):
            return False
        if address in self.addresses:
            return True
        if not self.domains:
            return False
        domain = address.rpartition("@")[2]
        return any(domain == d or domain.endswith("." + d) for d in self.domains)


class _Address(NamedTuple):
    """What the rules need to know about one address as an item carries it (computed once per address)."""

    key: str  # normalised; "" when there is none
    owner: bool
    valid: bool
    group: bool
    do_not_mail: bool
    blocked: bool
    internal: bool


_ADDRESS_CACHE_LIMIT = 1 << 16


class Rules:
    def __init__(self, config: RulesConfig) -> None:
        self.config = config
        self._owners = {normalize_address(a) for a in config.owner_addresses}
        self._internal = _Entries(frozenset("@" + d.lstrip("@") for d in config.internal_domains))
        self._blocked = _Entries(config.blocklist)
        self._do_not_mail = _Entries(config.do_not_mail)
        self._groups = {normalise_token(part) for part in config.group_local_parts}
        # Every item repeats the addresses of a few hundred correspondents: each is checked once.
        self._addresses: dict[str | None, _Address] = {}
        self._constants: dict[FieldRule, tuple[object, tuple[str, ...]]] = {}

    def _address(self, raw: str | None) -> _Address:
        found = self._addresses.get(raw)
        if found is None:
            key = normalize_address(raw)
            found = _Address(
                key=key,
                owner=key in self._owners,
                valid=is_valid_address(key),
                group=self.is_group(key),
                do_not_mail=key in self._do_not_mail,
                blocked=key in self._blocked,
                internal=key in self._internal,
            )
            if len(self._addresses) >= _ADDRESS_CACHE_LIMIT:
                self._addresses.clear()
            self._addresses[raw] = found
        return found

    # --- ignore rules ---

    def pre_match(self, item: MailItem, now: datetime) -> str:
        """``""`` when the item goes on to matching, else the ``IGN_`` code that excludes it."""
        return self.screen(item, now)[0]

    def screen(self, item: MailItem, now: datetime) -> tuple[str, list[str]]:
        """``pre_match`` and ``addresses_to_match`` at once: (the ``IGN_`` code or ``""``, the people to look up)."""
        if item.kind in _WINDOWED and item.occurred_at is not None:
            start = _utc(self.config.activated_at or now) - timedelta(days=self.config.history_days)
            if item.kind is ItemKind.EVENT and item.end_at is not None:
                # A meeting still going on when the window opens is inside it, as every calendar
                # service's window query (calendarView, timeMin, CalendarView) lists it.
                if _utc(item.end_at) <= start:
                    return "IGN_BEFORE_WINDOW", []
            elif _utc(item.occurred_at) < start:
                return "IGN_BEFORE_WINDOW", []
        code, people = self._classify(item)
        if item.kind is ItemKind.TASK:  # a task is the user's own work: it needs no counterpart
            return "", people
        return code, people

    def addresses_to_match(self, item: MailItem) -> list[str]:
        """The counterparts to look up: valid, lower-cased, not ours, not internal, group or blocked."""
        return self._classify(item)[1]

    def is_group(self, address: str) -> bool:
        local = address.rpartition("@")[0].strip('"')
        return normalise_token(local.split("+", 1)[0]) in self._groups

    def _counterparts(self, item: MailItem) -> tuple[list[_Address], bool]:
        """Addresses of everyone but the owner, and whether the item lacks the address it needs."""
        if item.kind is ItemKind.CONTACT:
            email = self._address(item.fields.get("email"))
            return ([email] if email.key else []), not email.key
        sender = item.sender
        people = ((sender,) if sender else ()) + item.recipients
        others: dict[str, _Address] = {}
        for person in people:
            info = self._address(person.address)
            if info.key and not info.owner and info.key not in others:
                others[info.key] = info
        sender_missing = item.kind is ItemKind.EMAIL and not (sender and sender.address.strip())
        return list(others.values()), sender_missing or not others

    def _classify(self, item: MailItem) -> tuple[str, list[str]]:
        others, empty = self._counterparts(item)
        if empty:
            return "IGN_EMPTY_ADDRESS", []
        valid = [a for a in others if a.valid]
        if item.kind is ItemKind.EMAIL and item.sender:
            sender = self._address(item.sender.address)
            if not sender.owner and not sender.valid:
                return "IGN_INVALID_ADDRESS", []
        if not valid:
            return "IGN_INVALID_ADDRESS", []
        if item.kind is ItemKind.EMAIL and self._is_bounce(item):
            return "IGN_BOUNCED", []
        people = [a for a in valid if not a.group]
        if not people:
            return "IGN_GROUP_ADDRESS", []
        if any(a.do_not_mail for a in valid):
            return "IGN_DO_NOT_MAIL", []
        people = [a for a in people if not a.blocked]
        if not people:
            return "IGN_BLOCKLISTED", []
        people = [a for a in people if not a.internal]
        if not people:
            return "IGN_INTERNAL_ONLY", []
        return "", [a.key for a in people]

    def _is_bounce(self, item: MailItem) -> bool:
        # Only three headers matter; the last of any that differ only in case or spaces counts.
        found: dict[str, str] = {}
        for name, value in item.headers.items():
            key = name.strip().casefold()
            if key in _BOUNCE_HEADERS:
                found[key] = value.strip().casefold()
        if found.get("auto-submitted", "no") not in ("", "no"):
            return True
        if "x-failed-recipients" in found:
            return True
        if "multipart/report" in found.get("content-type", ""):
            return True
        sender = item.sender.address if item.sender else ""
        return normalise_token(sender.rpartition("@")[0] or sender) in _BOUNCE_SENDERS

    # --- building the record ---

    def build(
        self,
        item: MailItem,
        matches: Mapping[str, CrmMatch],
        account: str,
        existing_id: str = "",
        people: Sequence[str] | None = None,
    ) -> Built:
        """The Salesforce record for ``item``, or the reason it is ignored or cannot be sent.

        ``people``: ``addresses_to_match(item)`` when the caller has it already (the engine's screening).
        """
        who = self._who(item, matches, people)
        if who is None and item.kind in (ItemKind.EMAIL, ItemKind.EVENT):
            return Built(ignore_code="IGN_NO_MATCH")
        notes: list[str] = []
        if item.kind is ItemKind.CONTACT:
            who = None  # the Contact is the record itself, not something it links to
            if not existing_id:
                same = matches.get(normalize_address(item.fields.get("email")))
                if same is not None and same.object_type == "Contact":
                    existing_id = same.record_id
                    notes.append("Updates the existing Salesforce Contact with this email address")
        object_mapping = self.config.mapping.for_kind(item.kind)
        values: dict[str, object] = {}
        missing: list[str] = []
        for rule in object_mapping.fields:
            if rule.source == "" and rule.default:
                # Always the default: the same value (and notes) for every item, worked out once.
                constant = self._constants.get(rule)
                if constant is None:
                    try:
                        constant = self._constant(rule)
                    except CoercionError as exc:
                        return Built(error_code=exc.code, error_fields=(rule.target,), notes=(str(exc),))
                values[rule.target] = constant[0]
                notes += constant[1]
                continue
            raw = self._source(item, rule, who)
            cleaned = isinstance(raw, str)
            if isinstance(raw, str):
                # Blank is missing; only long text keeps its own leading/trailing layout.
                raw = clean_text(raw)
                raw = raw if rule.sf_type == "textarea" and raw.strip() else raw.strip()
            if raw in (None, "") and rule.source not in ("@who", "@what"):
                raw, cleaned = rule.default or None, False
            if raw is None or raw == "":
                if rule.required:
                    missing.append(rule.target)
                continue
            try:
                values[rule.target] = self._value(rule, raw, notes, cleaned=cleaned)
            except CoercionError as exc:
                return Built(error_code=exc.code, error_fields=(rule.target,), notes=(str(exc),))
        if missing:
            return Built(error_code="DATA_REQUIRED_FIELD_MISSING", error_fields=tuple(missing))
        if item.kind is ItemKind.EVENT and "EndDateTime" not in values and "StartDateTime" in values:
            values["EndDateTime"] = values["StartDateTime"]  # Salesforce needs an end; a point in time
            notes.append("End time missing; the event ends when it starts")
        record = CrmRecord(
            item_key=item.key,
            idempotency_key=idempotency_key(account, item.key),
            object_type=object_mapping.object_type,
            values=values,
            existing_id=existing_id,
        )
        return Built(record=record, notes=tuple(notes))

    def matched_record(
        self, item: MailItem, matches: Mapping[str, CrmMatch], people: Sequence[str] | None = None
    ) -> str:
        """The id of the Salesforce record the match found for ``item`` ("" when none): the Contact or Lead
        an email or event is logged against, or the Contact a contact item updates."""
        if item.kind is ItemKind.CONTACT:
            same = matches.get(normalize_address(item.fields.get("email")))
            return same.record_id if same is not None and same.object_type == "Contact" else ""
        who = self._who(item, matches, people)
        return who.record_id if who is not None else ""

    def _who(self, item: MailItem, matches: Mapping[str, CrmMatch], people: Sequence[str] | None) -> CrmMatch | None:
        """The first matched Contact among the counterparts, else the first Lead."""
        people = self.addresses_to_match(item) if people is None else people
        found = [m for a in people if (m := _match(matches, a)) is not None]
        contacts = [m for m in found if m.object_type == "Contact"]
        chosen = contacts or found
        return chosen[0] if chosen else None

    def _source(self, item: MailItem, rule: FieldRule, who: CrmMatch | None) -> object:
        if rule.source == "@who":
            return who.record_id if who else None
        if rule.source == "@what":
            return who.account_id if who and who.object_type == "Contact" and who.account_id else None
        if rule.source == "":
            return None
        if rule.source in ("subject", "body", "occurred_at", "end_at"):
            return getattr(item, rule.source)
        return item.fields.get(rule.source)

    def _constant(self, rule: FieldRule) -> tuple[object, tuple[str, ...]]:
        """The value (and notes) of a rule that always sends its default; kept for the next item."""
        notes: list[str] = []
        constant = (self._value(rule, rule.default, notes), tuple(notes))
        self._constants[rule] = constant
        return constant

    def _value(self, rule: FieldRule, raw: object, notes: list[str], *, cleaned: bool = False) -> object:
        """``raw`` as the field takes it; ``cleaned``: text already through ``clean_text``."""
        value: object = raw
        if isinstance(raw, str):
            value = raw if cleaned else clean_text(raw)
            if rule.target in self.config.mapping.value_maps:
                mapped = self.config.mapping.map_value(rule.target, str(value))
                if mapped is None:
                    notes.append(f"{rule.target} {str(value)[:40]!r} is not known; sent as {rule.default!r}")
                    mapped = rule.default
                value = mapped
        wire = coerce(value, rule.sf_type)
        if isinstance(wire, str) and rule.max_length:
            wire, cut = truncate(wire, rule.max_length)
            if cut:
                notes.append(f"{rule.target} truncated to {rule.max_length} characters")
        return wire


def _match(matches: Mapping[str, CrmMatch], address: str) -> CrmMatch | None:
    return matches.get(address) or matches.get(address.lower())
