"""Field mapping: which mailbox value goes into which Salesforce field, and value checks before sending.

A ``FieldMapping`` names, per ``ItemKind``, the Salesforce object and a list of
``FieldRule``s (mailbox field -> Salesforce field, default, Salesforce type,
maximum length).  ``check_mapping`` compares a mapping with the org's describe
results so a deleted field or a missing permission is found once, at setup,
instead of failing every item.  ``coerce`` turns a value into what the REST
API accepts for a field type (JSON-ready: str, int, float, bool) or raises
``CoercionError`` with the catalogue code the item will carry.

Sources: ``subject``, ``body``, ``occurred_at`` and ``end_at`` read the
``MailItem`` attributes; ``@who`` and ``@what`` are filled by the rules from
the matched Contact/Lead; ``""`` means "always the default"; any other name
reads ``MailItem.fields``.  Field lengths follow Salesforce's standard object
reference (Task/Event Subject 255, Description 32,000; Contact FirstName 40,
LastName 80, Email 80, Phone 40, Title 128).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from app.core.model import ItemKind

TEXT_TYPES = frozenset(
    {"string", "textarea", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring"}
)
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
ID_TYPES = frozenset({"reference", "id"})

CODE_TEXT_FOR_NUMBER = "DATA_TEXT_FOR_NUMBER"
CODE_INVALID_EMAIL = "DATA_INVALID_EMAIL"
CODE_MISSING_MAPPING = "SET_MISSING_FIELD_MAPPING"
CODE_FIELD_DELETED = "SET_DEPENDENT_FIELD_DELETED"
CODE_FIELD_PERMISSION = "SF_FIELD_PERMISSION_MISSING"
CODE_OBJECT_PERMISSION = "SF_OBJECT_PERMISSION_MISSING"

# RFC 5322 atext plus any non-ASCII letter (RFC 6531 allows UTF-8 local parts).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u00a0-\uffff]+"
_DOT_ATOM = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_QUOTED = re.compile(r'^"(?:[^"\\\r\n]|\\.)+"$')
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9\-\u00a0-\uffff]{1,63}(?<!-)$")
_SPACE = re.compile(r"\s")  # the same characters as str.isspace


class CoercionError(ValueError):
    """A value that cannot go into its Salesforce field; ``code`` is the catalogue code for it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FieldRule:
    source: str  # mailbox field; see the module docstring
    target: str  # Salesforce field API name
    default: str = ""
    sf_type: str = "string"
    max_length: int = 0  # 0: no limit of our own
    required: bool = False  # no value and no default: the item fails before sending


@dataclass(frozen=True)
class ObjectMapping:
    object_type: str
    fields: tuple[FieldRule, ...]


@dataclass(frozen=True)
class FieldMapping:
    objects: Mapping[ItemKind, ObjectMapping]
    # Salesforce field -> normalised mailbox value -> picklist value (task status, priority).
    value_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def for_kind(self, kind: ItemKind) -> ObjectMapping:
        return self.objects[kind]

    def with_rule(self, kind: ItemKind, rule: FieldRule) -> FieldMapping:
        """A copy where ``rule`` replaces the rule for the same target (or is added)."""
        current = self.objects[kind]
        kept = tuple(r for r in current.fields if r.target != rule.target)
        objects = dict(self.objects)
        objects[kind] = replace(current, fields=(*kept, rule))
        return replace(self, objects=objects)

    def with_target(self, kind: ItemKind, source: str, target: str, sf_type: str = "") -> FieldMapping:
        """A copy where the mailbox field ``source`` goes to ``target`` instead (its other settings kept)."""
        current = self.objects[kind]
        old = next((r for r in current.fields if r.source == source), None)
        if old is None:
            rule = FieldRule(source, target, sf_type=sf_type or "string")
        else:
            rule = replace(old, target=target, sf_type=sf_type or old.sf_type)
        kept = tuple(r for r in current.fields if r.source != source and r.target != target)
        objects = dict(self.objects)
        objects[kind] = replace(current, fields=(*kept, rule))
        return replace(self, objects=objects)

    def map_value(self, target: str, value: str) -> str | None:
        """The picklist value for a mailbox value, or None when the mapping has no entry for it."""
        table = self.value_maps.get(target)
        if table is None:
            return value
        return table.get(normalise_token(value))


@dataclass(frozen=True)
class FieldInfo:
    """One field as a Salesforce describe reports it."""

    type: str
    length: int = 0
    nillable: bool = True
    createable: bool = True
    defaulted_on_create: bool = False

    @classmethod
    def from_describe(cls, data: Mapping[str, object]) -> FieldInfo:
        """From one entry of ``describe()["fields"]`` (keys as the REST API spells them)."""
        length = data.get("length", 0)
        return cls(
            type=str(data.get("type", "string")),
            length=length if isinstance(length, int) else 0,
            nillable=bool(data.get("nillable", True)),
            createable=bool(data.get("createable", True)),
            defaulted_on_create=bool(data.get("defaultedOnCreate", False)),
        )


@dataclass(frozen=True)
class MappingProblem:
    code: str  # catalogue code
    object_type: str
    field: str
    message: str


@lru_cache(maxsize=4096)  # picklist values and group local parts: few distinct, asked per item
def normalise_token(value: str) -> str:
    """``Not Started``, ``notStarted`` and ``NOT_STARTED`` all become ``notstarted``."""
    return re.sub(r"[^0-9a-z]", "", value.casefold())


_S = "string"
DEFAULT_MAPPING = FieldMapping(
    objects={
        ItemKind.EMAIL: ObjectMapping(
            "Task",
            (
                FieldRule("subject", "Subject", "(no subject)", _S, 255),
                FieldRule("body", "Description", "", "textarea", 32000),
                FieldRule("occurred_at", "ActivityDate", "", "date"),
                FieldRule("", "Status", "Completed", "picklist"),
                FieldRule("", "TaskSubtype", "Email", "picklist"),
                FieldRule("@who", "WhoId", "", "reference"),
                FieldRule("@what", "WhatId", "", "reference"),
            ),
        ),
        ItemKind.EVENT: ObjectMapping(
            "Event",
            (
                FieldRule("subject", "Subject", "(no subject)", _S, 255),
                FieldRule("body", "Description", "", "textarea", 32000),
                FieldRule("occurred_at", "StartDateTime", "", "datetime", required=True),
                FieldRule("end_at", "EndDateTime", "", "datetime"),
                FieldRule("location", "Location", "", _S, 255),
                FieldRule("@who", "WhoId", "", "reference"),
            ),
        ),
        ItemKind.CONTACT: ObjectMapping(
            "Contact",
            (
                FieldRule("first_name", "FirstName", "", _S, 40),
                FieldRule("last_name", "LastName", "", _S, 80, required=True),
                FieldRule("email", "Email", "", "email", 80),
                FieldRule("phone", "Phone", "", "phone", 40),
                FieldRule("title", "Title", "", _S, 128),
            ),
        ),
        ItemKind.TASK: ObjectMapping(
            "Task",
            (
                FieldRule("subject", "Subject", "(no subject)", _S, 255),
                FieldRule("body", "Description", "", "textarea", 32000),
                FieldRule("due", "ActivityDate", "", "date"),
                FieldRule("status", "Status", "Not Started", "picklist"),
                FieldRule("priority", "Priority", "Normal", "picklist"),
                FieldRule("@who", "WhoId", "", "reference"),
            ),
        ),
    },
    # Graph (notStarted, waitingOnOthers...), EWS (NotStarted...) and Google Tasks
    # (needsAction, completed) statuses onto Salesforce's default Task picklists.
    value_maps={
        "Status": {
            "notstarted": "Not Started",
            "needsaction": "Not Started",
            "inprogress": "In Progress",
            "completed": "Completed",
            "waitingonothers": "Waiting on someone else",
            "deferred": "Deferred",
        },
        "Priority": {"high": "High", "normal": "Normal", "low": "Low", "": "Normal"},
    },
)


def check_mapping(mapping: FieldMapping, describe: Mapping[str, Mapping[str, FieldInfo]]) -> list[MappingProblem]:
    """What is wrong with ``mapping`` in this org (``describe``: object -> field -> FieldInfo)."""
    problems: list[MappingProblem] = []
    seen: set[tuple[str, str, str]] = set()

    def add(code: str, obj: str, name: str, message: str) -> None:
        if (code, obj, name) not in seen:
            seen.add((code, obj, name))
            problems.append(MappingProblem(code, obj, name, message))

    for kind, object_mapping in mapping.objects.items():
        obj = object_mapping.object_type
        fields = describe.get(obj)
        if fields is None:
            add(CODE_OBJECT_PERMISSION, obj, "", f"{obj} is not available to this user ({kind.value} items)")
            continue
        mapped = {rule.target for rule in object_mapping.fields}
        for rule in object_mapping.fields:
            info = fields.get(rule.target)
            if info is None:
                add(CODE_FIELD_DELETED, obj, rule.target, f"{obj}.{rule.target} does not exist in this org")
            elif not info.createable:
                add(CODE_FIELD_PERMISSION, obj, rule.target, f"{obj}.{rule.target} is not writable")
            elif not _compatible(rule.sf_type, info.type):
                add(
                    CODE_TEXT_FOR_NUMBER,
                    obj,
                    rule.target,
                    f"{obj}.{rule.target} is a {info.type} field but the mapping sends {rule.sf_type}",
                )
        for name, info in fields.items():
            required = info.createable and not info.nillable and not info.defaulted_on_create
            if required and info.type != "boolean" and name not in mapped:
                add(CODE_MISSING_MAPPING, obj, name, f"{obj}.{name} is required but nothing is mapped to it")
    return problems


def _compatible(sent: str, expected: str) -> bool:
    if expected in NUMBER_TYPES:
        return sent in NUMBER_TYPES
    if expected in ("date", "datetime", "boolean"):
        return (
            sent == expected
            or (expected == "datetime" and sent == "date")
            or (expected == "date" and sent == "datetime")
        )
    return True  # text, email, id and picklist fields take the text we send


def coerce(value: object, sf_type: str) -> str | int | float | bool:
    """``value`` as the REST API wants it for a field of ``sf_type``; ``CoercionError`` otherwise."""
    if sf_type in NUMBER_TYPES:
        return _number(value, sf_type)
    if sf_type == "boolean":
        return _boolean(value)
    if sf_type == "date":
        return _date(value).isoformat()
    if sf_type == "datetime":
        moment = _datetime(value)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if sf_type == "email":
        text = str(value).strip()
        if not is_valid_address(text):
            raise CoercionError(CODE_INVALID_EMAIL, f"{text!r} is not a valid email address")
        return text
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _number(value: object, sf_type: str) -> int | float:
    if isinstance(value, bool):
        raise CoercionError(CODE_TEXT_FOR_NUMBER, f"a yes/no value cannot go into a {sf_type} field")
    if isinstance(value, int | float):
        number = Decimal(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")  # 1,234.50: thousands separators
        text = text.rstrip("%") if sf_type == "percent" else text
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{str(value)[:50]!r} is not a number") from None
    if not number.is_finite():
        raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{value!r} is not a finite number")
    if sf_type in ("int", "long"):
        if number != number.to_integral_value():
            raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{value!r} is not a whole number")
        return int(number)
    result = float(number)
    if math.isinf(result):
        raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{str(value)[:50]!r} is too large")
    return result


_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off", ""})


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{str(value)[:50]!r} is not yes or no")


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{text[:50]!r} is not a date (YYYY-MM-DD)") from None


def _datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise CoercionError(CODE_TEXT_FOR_NUMBER, f"{text[:50]!r} is not a date and time") from None
    # A time without zone comes from a provider that already converted to UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@lru_cache(maxsize=1 << 16)  # every item repeats the addresses of a few hundred correspondents
def is_valid_address(address: str) -> bool:
    """A plausible mailbox address: one ``@``, dot-atom or quoted local part, a dotted DNS domain.

    Unicode local parts and IDN domains count as valid (RFC 6531); address
    literals (``user@[192.0.2.1]``) do not, since no CRM contact has one.
    """
    local, sep, domain = address.rpartition("@")
    if not sep or not local or not domain or len(local) > 64 or _SPACE.search(domain):
        return False
    if _QUOTED.match(local) is None and (_DOT_ATOM.match(local) is None or _SPACE.search(local)):
        return False
    domain = domain[:-1] if domain.endswith(".") else domain
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(map(_LABEL.match, labels))


# --- text values: what Salesforce stores without complaint ---

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters that attach to the one before: never start the cut-off tail with one.
_ZWJ = "\u200d"


def clean_text(text: str) -> str:
    """Drop control characters (tab and newline stay), lone surrogates and non-characters; CRLF -> LF."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def utf16_length(text: str) -> int:
    """Length as Salesforce counts it (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def truncate(text: str, limit: int, ellipsis: str = "…") -> tuple[str, bool]:
    """``text`` cut to ``limit`` UTF-16 units at a character boundary; (text, was it cut)."""
    if limit <= 0 or 2 * len(text) <= limit or utf16_length(text) <= limit:  # a code point is 1 or 2 units
        return text, False
    room = max(0, limit - utf16_length(ellipsis))
    cut = min(len(text), room)
    while cut > 0 and (excess := utf16_length(text[:cut]) - room) > 0:
        cut -= (excess + 1) // 2
    while cut > 0 and _joins_previous(text, cut):
        cut -= 1
    return text[:cut].rstrip() + ellipsis, True


def _joins_previous(text: str, index: int) -> bool:
    """Whether text[index] belongs to the same user-perceived character as text[index - 1]."""
    import unicodedata

    ch, before = text[index], text[index - 1]
    if before == _ZWJ or ch == _ZWJ or unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True  # variation selectors, skin tones, tag sequences (flags of regions)
    if 0x1F1E6 <= code <= 0x1F1FF:  # regional indicators pair up into flags
        run = 0
        while index - run - 1 >= 0 and 0x1F1E6 <= ord(text[index - run - 1]) <= 0x1F1FF:
            run += 1
        return run % 2 == 1
    return False


def with_overrides(mapping: FieldMapping, overrides: list[dict[str, str]]) -> FieldMapping:
    """The mapping after the user's changes (``{"kind", "source", "target", "type"}`` each, as saved)."""
    for change in overrides:
        try:
            kind = ItemKind(change["kind"])
        except (KeyError, ValueError):
            continue  # a change for an object this version does not sync: ignored, not fatal
        target = str(change.get("target") or "").strip()
        if target and kind in mapping.objects:
            mapping = mapping.with_target(kind, str(change.get("source") or ""), target, str(change.get("type") or ""))
    return mapping
