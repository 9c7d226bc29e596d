"""Salesforce emulator: OAuth 2 and the REST API subset Syncbar and simple-salesforce use.

Shapes follow the Salesforce REST API Developer Guide ("Execute a SOQL Query",
"sObject Basic Information / Describe", "Insert or Update (Upsert) a Record
Using an External ID", "sObject Collections", "Composite", "Limits", "Status
Codes and Error Responses") and the OAuth 2.0 web server flow with PKCE
("OAuth 2.0 Web Server Flow for Web App Integration", "Revoke OAuth Tokens").

    /services/oauth2/authorize   auto-approves: 302 to redirect_uri with code and state
    /services/oauth2/token       authorization_code (PKCE S256 checked), refresh_token
    /services/oauth2/revoke      revokes one token (or, here, the whole grant)
    /services/oauth2/userinfo    and the identity URL /id/<org>/<user>
    /services/data/              versions
    /services/data/vNN.N/...     query, queryAll, sobjects, describe, composite/sobjects, composite, limits,
                                 actions/standard/emailSimple (app/emulators/sforce_actions.py)

Every data response carries ``Sforce-Limit-Info: api-usage=N/M``; each data
request counts one call (a ``composite`` request counts one).  Behaviour of a
real org: required fields, field lengths, e-mail format, a validation rule, a
duplicate rule, the daily API limit, a storage limit, a row locked once, a
Contact deleted right after it was matched.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from app.emulators.base import Limits, Request, Response, SeedData, Service, free_loopback_port
from app.emulators.sforce_actions import Actions
from app.emulators.sforce_tools import SfAccessError, SyncToolTraces

API_VERSION = "59.0"
VERSIONS = ("57.0", "58.0", "59.0", "60.0", "61.0")
ORG_ID = "00D000000000001EAA"
KEY_FIELD = "Syncbar_Key__c"
QUERY_BATCH = 2000  # rows per query page (Sforce-Query-Options batchSize may lower it, min 200)
MAX_COLLECTION = 200
LONG_RUNNING_SECONDS = 20.0  # requests running this long count towards the org's concurrency limit
LONG_RUNNING_LIMIT = 25  # of them at once, in a production org or sandbox
MAX_COMPOSITE = 25
MAX_COMPOSITE_COLLECTIONS = 5
MAX_CHUNKS = 10  # sObject Collections: runs of consecutive same-type records one request may hold
CHUNK_MESSAGE = "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking."
ROLLED_BACK = "ALL_OR_NONE_OPERATION_ROLLED_BACK"
PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "Lead": "00Q",
    "Task": "00T",
    "Event": "00U",
    "User": "005",
    "EmailMessage": "02s",
    "EmailMessageRelation": "0Ed",  # 0Ed: as seen on EmailMessageRelation ids
}
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class F:
    """One field as describe reports it."""

    type: str
    length: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    required: bool = False  # not nillable and not defaulted on create
    default: Any = None
    refs: tuple[str, ...] = ()

    @property
    def filterable(self) -> bool:
        # Long and rich text areas cannot be filtered in SOQL (object reference: "Filter" is absent).
        return not (self.type == "textarea" and self.length > 255)


def _common() -> dict[str, F]:
    return {
        "Id": F("id", 18, nillable=False, createable=False, updateable=False),
        "CreatedDate": F("datetime", nillable=False, createable=False, updateable=False),
        "LastModifiedDate": F("datetime", nillable=False, createable=False, updateable=False),
        "OwnerId": F("reference", 18, refs=("User",)),
        "IsDeleted": F("boolean", nillable=False, createable=False, updateable=False),
    }


_KEY = F("string", 64, external_id=True, unique=True)
SCHEMA: dict[str, dict[str, F]] = {
    "User": {
        **_common(),
        "Username": F("string", 80, nillable=False),
        "Email": F("email", 128, nillable=False),
        "FirstName": F("string", 40),
        "LastName": F("string", 80, nillable=False),
        "Name": F("string", 121, createable=False, updateable=False),
        "IsActive": F("boolean", nillable=False),
    },
    "Account": {
        **_common(),
        "Name": F("string", 255, nillable=False, required=True),
        "Website": F("url", 255),
        "Phone": F("phone", 40),
        "Description": F("textarea", 32000),
    },
    "Contact": {
        **_common(),
        "FirstName": F("string", 40),
        "LastName": F("string", 80, nillable=False, required=True),
        "Name": F("string", 121, createable=False, updateable=False),
        "Email": F("email", 80),
        "AccountId": F("reference", 18, refs=("Account",)),
        "Phone": F("phone", 40),
        "MobilePhone": F("phone", 40),
        "Title": F("string", 128),
        "Description": F("textarea", 32000),
        KEY_FIELD: _KEY,
    },
    "Lead": {
        **_common(),
        "FirstName": F("string", 40),
        "LastName": F("string", 80, nillable=False, required=True),
        "Name": F("string", 121, createable=False, updateable=False),
        "Email": F("email", 80),
        "Company": F("string", 255, nillable=False, required=True),
        "Phone": F("phone", 40),
        "Title": F("string", 128),
        "Status": F("picklist", 255, nillable=False, default="Open - Not Contacted"),
        "Description": F("textarea", 32000),
        # Lead object reference: IsConverted is Create/Filter/Defaulted on create, not Update;
        # the Converted* fields are set by convertLead only.
        "IsConverted": F("boolean", nillable=False, updateable=False, default=False),
        "ConvertedContactId": F("reference", 18, createable=False, updateable=False, refs=("Contact",)),
        "ConvertedAccountId": F("reference", 18, createable=False, updateable=False, refs=("Account",)),
        "ConvertedDate": F("date", createable=False, updateable=False),
    },
    "Task": {
        **_common(),
        "Subject": F("combobox", 255),
        "Description": F("textarea", 32000),
        "Status": F("picklist", 255, nillable=False, default="Not Started"),
        "Priority": F("picklist", 40, nillable=False, default="Normal"),
        "ActivityDate": F("date"),
        "WhoId": F("reference", 18, refs=("Contact", "Lead")),
        "WhatId": F("reference", 18, refs=("Account",)),
        # Task object reference: TaskSubtype is Create, Filter, Group, Nillable, Restricted picklist, Sort
        # (no Update): it is set when the task is created and can never change.
        "TaskSubtype": F("picklist", 40, updateable=False),
        "Type": F("picklist", 40),
        KEY_FIELD: _KEY,
    },
    "Event": {
        **_common(),
        "Subject": F("combobox", 255),
        "Description": F("textarea", 32000),
        "StartDateTime": F("datetime"),
        "EndDateTime": F("datetime"),
        "ActivityDateTime": F("datetime"),
        "DurationInMinutes": F("int"),
        "Location": F("string", 255),
        "WhoId": F("reference", 18, refs=("Contact", "Lead")),
        "WhatId": F("reference", 18, refs=("Account",)),
        KEY_FIELD: _KEY,
    },
    "EmailMessage": {
        **_common(),
        "Subject": F("string", 3000),
        "TextBody": F("textarea", 131072),
        "HtmlBody": F("textarea", 131072),
        "FromAddress": F("email", 1000),
        "FromName": F("string", 1000),
        "ToAddress": F("string", 4000),
        "CcAddress": F("string", 4000),
        "MessageDate": F("datetime"),
        "Status": F("picklist", 40, nillable=False, required=True),
        "Incoming": F("boolean", nillable=False),
        "BccAddress": F("string", 4000),
        "Headers": F("textarea", 32000),
        "HasAttachment": F("boolean", nillable=False, createable=False, updateable=False, default=False),
        # EmailMessage object reference: the RFC 5322 Message-ID and thread id, as the sender's client wrote them.
        "MessageIdentifier": F("string", 255),
        "ThreadIdentifier": F("string", 255),
        "ClientThreadIdentifier": F("string", 40, createable=False, updateable=False),
        "IsClientManaged": F("boolean", nillable=False, updateable=False, default=False),
        "ActivityId": F("reference", 18, createable=False, updateable=False, refs=("Task",)),
        "ParentId": F("reference", 18, refs=("Account",)),
        "RelatedToId": F("reference", 18, refs=("Account", "Contact", "Lead")),
        KEY_FIELD: _KEY,
    },
    "EmailMessageRelation": {
        **_common(),
        "EmailMessageId": F("reference", 18, nillable=False, required=True, refs=("EmailMessage",)),
        "RelationId": F("reference", 18, refs=("Contact", "Lead", "User")),
        "RelationAddress": F("email", 1000),
        "RelationType": F("picklist", 40, nillable=False, required=True),
    },
    # Read-only traces other sync tools leave (app/emulators/sforce_tools.py seeds them; never written by API).
    "OauthToken": {
        "Id": F("id", 18, createable=False, updateable=False),
        "AppName": F("string", 255, createable=False, updateable=False),
        "UserId": F("reference", 18, createable=False, updateable=False, refs=("User",)),
        "LastUsedDate": F("datetime", createable=False, updateable=False),
        "UseCount": F("int", createable=False, updateable=False),
        "CreatedDate": F("datetime", createable=False, updateable=False),
    },
    "LoginHistory": {
        "Id": F("id", 18, createable=False, updateable=False),
        "UserId": F("reference", 18, createable=False, updateable=False, refs=("User",)),
        "Application": F("string", 64, createable=False, updateable=False),
        "LoginTime": F("datetime", createable=False, updateable=False),
        "LoginType": F("picklist", 40, createable=False, updateable=False),
        "Status": F("string", 128, createable=False, updateable=False),
    },
    "UserEmailCalendarSync": {
        "Id": F("id", 18, createable=False, updateable=False),
        "AssignedId": F("string", 18),
        "ConfigurationId": F("string", 18),
    },
}
_BY_PREFIX = {p: t for t, p in PREFIXES.items()}
ENHANCED_EMAIL = ("EmailMessage", "EmailMessageRelation")


def org_schema(*, key_field: bool, enhanced_email: bool) -> dict[str, dict[str, F]]:
    """The objects and fields of one org.  A standard org has no field of ours: ``Syncbar_Key__c`` exists
    only where an admin installed it (the opt-in variant).  Enhanced Email (on by default in orgs since
    Summer '19) makes EmailMessage and EmailMessageRelation available."""
    out: dict[str, dict[str, F]] = {}
    for object_type, fields in SCHEMA.items():
        if object_type in ENHANCED_EMAIL and not enhanced_email:
            continue
        out[object_type] = {n: f for n, f in fields.items() if key_field or n != KEY_FIELD}
    return out


class SfError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: list[str] | None = None,
        *,
        duplicate_result: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []
        self.duplicate_result = duplicate_result

    def body(self) -> list[dict[str, Any]]:
        return [{"message": self.message, "errorCode": self.code, "fields": self.fields, **self._extra()}]

    def record_errors(self) -> list[dict[str, Any]]:
        # sObject Collections report errors with statusCode instead of errorCode.
        return [{"statusCode": self.code, "message": self.message, "fields": self.fields, **self._extra()}]

    def _extra(self) -> dict[str, Any]:
        return {"duplicateResult": self.duplicate_result} if self.duplicate_result is not None else {}


def _order_key(name: str) -> Callable[[dict[str, Any]], tuple[bool, Any]]:
    """The sort key of ORDER BY one field: whether the value is null, then the value."""
    return lambda r: (r.get(name) is None, r.get(name) or "")


def sf_id(object_type: str, n: int) -> str:
    """An 18-character id with the type's key prefix and a valid case-safe suffix."""
    base = f"{PREFIXES[object_type]}{n:012d}".replace(" ", "0")
    base = base[:15].ljust(15, "0")
    return base + _suffix(base)


def _suffix(id15: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for block in range(3):
        bits = 0
        for i, ch in enumerate(id15[block * 5 : block * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out += alphabet[bits]
    return out


# --- SOQL ----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:\\.|[^'\\])*')"
    r"|(?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|<>|=|<|>)"
    r"|(?P<punct>[(),])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*(?:\(\))?))"
)


class SoqlError(SfError):
    def __init__(self, message: str) -> None:
        super().__init__(400, "MALFORMED_QUERY", message)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SoqlError(f"unexpected token: '{text[pos : pos + 20]}'")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


@dataclass
class Query:
    fields: list[str]
    object_type: str
    where: Callable[[dict[str, Any]], bool]
    order: list[tuple[str, bool]]
    limit: int | None
    count: bool


def parse_soql(text: str, schema: dict[str, dict[str, F]] | None = None) -> Query:
    schema = SCHEMA if schema is None else schema
    toks = _tokens(text)
    i = 0

    def peek(word: str = "") -> bool:
        return i < len(toks) and (not word or toks[i][1].upper() == word)

    def take(word: str = "") -> str:
        nonlocal i
        if i >= len(toks):
            raise SoqlError(f"unexpected end of query, expected {word or 'more'}")
        value = toks[i][1]
        if word and value.upper() != word:
            raise SoqlError(f"unexpected token: '{value}', expected {word}")
        i += 1
        return value

    take("SELECT")
    fields: list[str] = []
    count = False
    while True:
        name = take()
        if name.upper() == "COUNT()":
            count = True
        else:
            fields.append(name)
        if peek(","):
            take(",")
            continue
        break
    take("FROM")
    object_type = take()
    if object_type not in schema:
        raise SfError(400, "INVALID_TYPE", f"sObject type '{object_type}' is not supported.")
    for f in fields:
        if f not in schema[object_type] and "." not in f:
            raise SfError(
                400,
                "INVALID_FIELD",
                f"No such column '{f}' on entity '{object_type}'. If you are attempting to "
                "use a custom field, be sure to append the '__c' after the custom field name.",
            )

    def value() -> Any:
        kind, raw = toks[i]
        take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", raw[1:-1])
        if kind == "dt":  # a dateTime literal, in the form the org stores dateTimes (UTC)
            at = datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
            return at.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        if kind == "num":
            return float(raw) if "." in raw else int(raw)
        low = raw.lower()
        if low == "null":
            return None
        if low in ("true", "false"):
            return low == "true"
        return raw  # date literals and the like compare as text

    def comparison() -> Callable[[dict[str, Any]], bool]:
        if peek("NOT"):
            take("NOT")
            inner = atom()
            return lambda r: not inner(r)
        field = take()
        if field not in schema[object_type]:
            raise SfError(400, "INVALID_FIELD", f"No such column '{field}' on entity '{object_type}'.")
        if not schema[object_type][field].filterable:
            raise SfError(400, "INVALID_FIELD", f"field '{field}' can not be filtered in query call")
        negate = False
        if peek("NOT"):
            take("NOT")
            negate = True
        op = take().upper()
        if op == "IN":
            take("(")
            values = [value()]
            while peek(","):
                take(",")
                values.append(value())
            take(")")
            wanted = {_norm(v) for v in values}
            return lambda r: (_norm(r.get(field)) in wanted) != negate
        if op == "LIKE":
            pattern = value()
            rx = re.compile("^" + re.escape(str(pattern)).replace("%", ".*").replace("_", ".") + "$", re.I)
            return lambda r: bool(rx.match(str(r.get(field) or "")))
        rhs = value()
        ops: dict[str, Callable[[Any, Any], bool]] = {
            "=": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<>": lambda a, b: a != b,
            "<": lambda a, b: a is not None and b is not None and a < b,
            ">": lambda a, b: a is not None and b is not None and a > b,
            "<=": lambda a, b: a is not None and b is not None and a <= b,
            ">=": lambda a, b: a is not None and b is not None and a >= b,
        }
        if op not in ops:
            raise SoqlError(f"unexpected token: '{op}'")
        fn = ops[op]
        return lambda r: fn(_norm(r.get(field)), _norm(rhs))

    def atom() -> Callable[[dict[str, Any]], bool]:
        if peek("("):
            take("(")
            inner = disjunction()
            take(")")
            return inner
        return comparison()

    def conjunction() -> Callable[[dict[str, Any]], bool]:
        parts = [atom()]
        while peek("AND"):
            take("AND")
            parts.append(atom())
        return lambda r: all(p(r) for p in parts)

    def disjunction() -> Callable[[dict[str, Any]], bool]:
        parts = [conjunction()]
        while peek("OR"):
            take("OR")
            parts.append(conjunction())
        return lambda r: any(p(r) for p in parts)

    where: Callable[[dict[str, Any]], bool] = lambda r: True  # noqa: E731
    if peek("WHERE"):
        take("WHERE")
        where = disjunction()
    order: list[tuple[str, bool]] = []
    if peek("ORDER"):
        take("ORDER")
        take("BY")
        while True:
            name = take()
            desc = False
            if peek("ASC") or peek("DESC"):
                desc = take().upper() == "DESC"
            order.append((name, desc))
            if not peek(","):
                break
            take(",")
    limit = None
    if peek("LIMIT"):
        take("LIMIT")
        raw = take()
        if not raw.isdigit():
            raise SoqlError(f"unexpected token: '{raw}'")
        limit = int(raw)
    if i != len(toks):
        raise SoqlError(f"unexpected token: '{toks[i][1]}'")
    return Query(fields, object_type, where, order, limit, count)


def _norm(v: Any) -> Any:
    return v.lower() if isinstance(v, str) else v


# --- the service ---------------------------------------------------------------------


class SalesforceService(Service):
    name = "salesforce"

    def __init__(self, seed: SeedData) -> None:
        super().__init__()
        self.org = seed.org
        self.schema = org_schema(key_field=seed.org.custom_key_field, enhanced_email=seed.org.enhanced_email)
        self.daily_limit = seed.org.daily_api_limit
        self.used = 0
        self.records: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in self.schema}
        self.deleted: set[str] = set()
        self.by_key: dict[tuple[str, str], str] = {}  # (type, Syncbar_Key__c) -> id
        self.by_email: dict[tuple[str, str], set[str]] = {}  # (type, lower-cased Email) -> ids
        self.delete_after_match: set[str] = set()
        self.locked_once: set[str] = set()
        self.access: dict[str, str] = {}  # token -> user id
        self.refresh: dict[str, str] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.issued: list[str] = []  # every token ever issued (secret scans look for them)
        # The next records written fail with these (errorCode, fields), one each: item-level fault injection.
        self.record_faults: list[tuple[str, list[str]]] = []
        self.cursors: dict[str, tuple[list[dict[str, Any]], int]] = {}
        self._seq = itertools.count(1)
        self._undo: list[tuple[str, str, dict[str, Any] | None]] | None = None
        # An External Client App's consumer key, and its one callback URL: a loopback one on a port
        # free now (the CLI-style fixed port 1717 would clash between emulators running side by side).
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
        self.registration = {
            "client_id": "3MVG9" + "".join(secrets.choice(alphabet) for _ in range(80)),
            "callback_urls": [f"http://localhost:{free_loopback_port()}/OauthRedirect"],
        }
        now = _now()
        self.user_id = seed.org.user_id
        self.records["User"][self.user_id] = {
            "Id": self.user_id,
            "Username": seed.org.username,
            "Email": seed.org.username,
            "FirstName": "Alex",
            "LastName": "Morgan",
            "Name": "Alex Morgan",
            "IsActive": True,
            "CreatedDate": now,
            "LastModifiedDate": now,
            "IsDeleted": False,
            "OwnerId": self.user_id,
        }
        for account in seed.org.accounts:
            self._store("Account", account.id, {"Name": account.name})
        for p in seed.org.people:
            values: dict[str, Any] = {"FirstName": p.first_name, "LastName": p.last_name, "Email": p.email}
            if p.object_type == "Contact":
                values["AccountId"] = p.account_id or None
            else:
                values["Company"] = p.company or "Unknown"
                values["Status"] = "Closed - Converted" if p.converted_to else "Open - Not Contacted"
                if p.converted_to:
                    values.update(IsConverted=True, ConvertedContactId=p.converted_to, ConvertedDate=now[:10])
            self._store(p.object_type, p.id, values)
            if p.delete_on_first_match:
                self.delete_after_match.add(p.id)
            if p.lock_once:
                self.locked_once.add(p.id)
        self.token, self.refresh_token = self._issue()
        self.actions = Actions(lambda: str(self.records["User"][self.user_id]["Email"]))  # emailSimple's outbox
        self.tools = SyncToolTraces(self.records, self.user_id)  # what other sync tools leave behind

    # --- bookkeeping ---

    def _issue(self) -> tuple[str, str]:
        access = f"{ORG_ID}!{secrets.token_urlsafe(40)}"
        refresh = f"5Aep{secrets.token_urlsafe(60)}"
        self.access[access] = self.user_id
        self.refresh[refresh] = self.user_id
        self.issued += [access, refresh]
        return access, refresh

    def _store(self, object_type: str, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
        now = _now()
        record: dict[str, Any] = dict.fromkeys(self.schema[object_type])
        record.update(
            {"Id": record_id, "CreatedDate": now, "LastModifiedDate": now, "IsDeleted": False, "OwnerId": self.user_id}
        )
        for name, spec in self.schema[object_type].items():
            if spec.default is not None and record.get(name) is None:
                record[name] = spec.default
        record.update(values)
        if "Name" in self.schema[object_type] and not self.schema[object_type]["Name"].createable:
            record["Name"] = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p)
        self._put(object_type, record_id, record)
        return record

    def _put(self, object_type: str, record_id: str, record: dict[str, Any] | None) -> None:
        previous = self.records[object_type].get(record_id)
        if self._undo is not None:
            self._undo.append((object_type, record_id, copy.deepcopy(previous)))
        if previous is not None and previous.get(KEY_FIELD):
            self.by_key.pop((object_type, previous[KEY_FIELD]), None)
        if previous is not None and previous.get("Email"):
            self.by_email.get((object_type, str(previous["Email"]).lower()), set()).discard(record_id)
        if record is None:
            self.records[object_type].pop(record_id, None)
            return
        self.records[object_type][record_id] = record
        if record.get(KEY_FIELD):
            self.by_key[(object_type, record[KEY_FIELD])] = record_id
        if record.get("Email"):
            self.by_email.setdefault((object_type, str(record["Email"]).lower()), set()).add(record_id)

    def _begin(self) -> None:
        self._undo = []

    def _commit(self) -> None:
        self._undo = None

    def _rollback(self) -> None:
        undo, self._undo = self._undo or [], None
        for object_type, record_id, previous in reversed(undo):
            self._put(object_type, record_id, previous)

    def _total_records(self) -> int:
        return sum(len(v) for t, v in self.records.items() if t != "User")

    def _find(self, record_id: str) -> tuple[str, dict[str, Any]] | None:
        object_type = _BY_PREFIX.get(record_id[:3])
        if object_type is None or object_type not in self.records:
            return None
        record = self.records[object_type].get(record_id) or self.records[object_type].get(record_id[:15])
        return (object_type, record) if record is not None else None

    # --- Service ---

    def operation(self, request: Request) -> str:
        path = request.path.rstrip("/")
        if path.startswith("/services/oauth2/"):
            return "oauth." + path.rsplit("/", 1)[-1]
        if path.startswith("/id/"):
            return "oauth.identity"
        m = re.match(r"^/services/data(?:/v[\d.]+)?(.*)$", path)
        if not m:
            return "other"
        rest = m.group(1)
        if rest == "" and path == "/services/data":
            return "versions"
        method = request.method
        if rest in ("", "/"):
            return "resources"
        if rest.startswith("/query") or rest.startswith("/queryAll"):
            return "queryMore" if rest.count("/") >= 2 else "query"
        if rest == "/limits":
            return "limits"
        if rest.startswith("/actions"):
            return "actions." + rest.rsplit("/", 1)[-1]
        if rest == "/composite":
            return "composite"
        if rest.startswith("/composite/sobjects"):
            kind = {"POST": "create", "PATCH": "update", "DELETE": "delete", "GET": "retrieve"}.get(method, "other")
            if method == "PATCH" and rest.count("/") >= 4:
                kind = "upsert"
            return f"collections.{kind}"
        if rest.endswith("/describe"):
            return "describe"
        if rest.startswith("/sobjects"):
            parts = rest.strip("/").split("/")
            if len(parts) == 2 and method == "POST":
                return "sobject.create"
            if len(parts) == 4:
                return "sobject.upsert"
            return {"GET": "sobject.get", "PATCH": "sobject.update", "DELETE": "sobject.delete"}.get(
                method, "sobject.other"
            )
        return "other"

    def handle(self, request: Request) -> Response:
        with self.lock:
            path = request.path.rstrip("/") or "/"
            if path.startswith("/services/oauth2/"):
                return self._oauth(request, path.rsplit("/", 1)[-1])
            if path.startswith("/id/"):
                return self._identity(request)
            if path == "/services/data":
                return Response.json(
                    200,
                    [
                        {"label": "Winter '24" if v == "59.0" else f"v{v}", "url": f"/services/data/v{v}", "version": v}
                        for v in VERSIONS
                    ],
                )
            m = re.match(r"^/services/data/v(\d+\.\d)(/.*)?$", path)
            if not m:
                return self.error_response(404, "NOT_FOUND", "The requested resource does not exist")
            if m.group(1) not in VERSIONS:
                return self.error_response(404, "NOT_FOUND", "The requested resource does not exist")
            user = self.access.get(request.bearer())
            if user is None:
                return self.error_response(401, "INVALID_SESSION_ID", "Session expired or invalid")
            if self.used >= self.daily_limit:
                return self._limited(
                    Response.json(403, SfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.").body())
                )
            self.used += 1
            try:
                body = request.json() if request.body else None
            except (ValueError, UnicodeDecodeError) as exc:
                return self._limited(
                    Response.json(
                        400,
                        SfError(
                            400, "JSON_PARSER_ERROR", f"Unexpected character: was expecting a JSON value ({exc})"
                        ).body(),
                    )
                )
            version = m.group(1)
            status, obj, headers = self._data(
                request.method, m.group(2) or "/", request.query, body, version, request.headers
            )
            if status == 204:
                return self._limited(Response.empty(204, headers))
            return self._limited(Response.json(status, obj, headers))

    def _limited(self, response: Response) -> Response:
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.used}/{self.daily_limit}"
        return response

    def error_response(self, status: int, code: str, message: str) -> Response:
        if status == 401 and not code:
            code = "INVALID_SESSION_ID"
        return self._limited(
            Response.json(
                status,
                SfError(
                    status,
                    code or "UNKNOWN_EXCEPTION",
                    message
                    or (
                        "An unexpected error occurred. Please include this ErrorId if you contact support: "
                        f"{secrets.randbelow(10**9)}-{secrets.randbelow(10**5)} ({secrets.randbelow(10**9)})"
                    ),
                ).body(),
            )
        )

    def limits(self) -> Limits:
        # "API Request Limits and Allocations": 25 concurrent requests of 20 s or longer per production
        # org; more are refused with REQUEST_LIMIT_EXCEEDED (shorter requests are not limited).
        return Limits(concurrent=LONG_RUNNING_LIMIT, long_running=LONG_RUNNING_SECONDS, refuse=self.throttle_response)

    def throttle_response(self, retry_after: float) -> Response:
        # Salesforce's REST API answers a concurrency or daily limit with 403 REQUEST_LIMIT_EXCEEDED; no Retry-After.
        return self._limited(
            Response.json(403, SfError(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.").body())
        )

    def malformed_body(self) -> bytes:
        return b'[{"message":"Session expired or inva'

    def revoke_tokens(self) -> None:
        with self.lock:
            self.access.clear()
            self.refresh.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access.clear()  # a session that timed out answers INVALID_SESSION_ID like an unknown one

    def exhaust_daily_limit(self) -> None:
        with self.lock:
            self.used = self.daily_limit

    def credentials(self) -> dict[str, Any]:
        return {
            "instance_url": self.base_url,
            "login_url": self.base_url,
            "access_token": self.token,
            "refresh_token": self.refresh_token,
            "client_id": self.registration["client_id"],
            "callback_url": self.registration["callback_urls"][0],
            "username": self.org.username,
            "api_version": API_VERSION,
            "token_url": self.base_url + "/services/oauth2/token",
        }

    # --- OAuth ---

    def _token_body(self, access: str, refresh: str | None) -> dict[str, Any]:
        issued = str(int(time.time() * 1000))
        body: dict[str, Any] = {
            "access_token": access,
            "signature": base64.b64encode(hashlib.sha256((access + issued).encode()).digest()).decode(),
            "scope": "refresh_token api",
            "instance_url": self.base_url,
            "id": f"{self.base_url}/id/{ORG_ID}/{self.user_id}",
            "token_type": "Bearer",
            "issued_at": issued,
        }
        if refresh:
            body["refresh_token"] = refresh
        return body

    def _oauth(self, request: Request, what: str) -> Response:
        if what == "authorize":
            redirect = request.arg("redirect_uri")
            # An unknown app or a callback not registered on it: Salesforce shows its error page and does
            # not redirect (the callback cannot be trusted); the page carries the error as a query string.
            if request.arg("client_id") != self.registration["client_id"]:
                return _error_page("invalid_client_id", "client identifier invalid")
            if redirect not in self.registration["callback_urls"]:
                return _error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
            if request.arg("response_type") != "code":
                return _redirect(redirect, {"error": "unsupported_response_type", "state": request.arg("state")})
            code = "aPrx" + secrets.token_urlsafe(32)
            self.codes[code] = {
                "challenge": request.arg("code_challenge"),
                "method": request.arg("code_challenge_method"),
                "redirect_uri": redirect,
                "client_id": request.arg("client_id"),
            }
            query = {"code": code}
            if request.arg("state"):
                query["state"] = request.arg("state")
            sep = "&" if "?" in redirect else "?"
            return Response(302, b"", {"Location": redirect + sep + urlencode(query)})
        if what == "token" and request.method == "POST":
            form = request.form()
            grant = form.get("grant_type", "")
            if form.get("client_id") != self.registration["client_id"]:
                return Response.json(
                    400, {"error": "invalid_client_id", "error_description": "client identifier invalid"}
                )
            if grant == "authorization_code":
                info = self.codes.pop(form.get("code", ""), None)
                if info is None:
                    return _grant_error("invalid authorization code")
                if info["redirect_uri"] != form.get("redirect_uri"):
                    return Response.json(
                        400,
                        {
                            "error": "redirect_uri_mismatch",
                            "error_description": "redirect_uri must match configuration",
                        },
                    )
                if info["challenge"]:
                    verifier = form.get("code_verifier", "")
                    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
                    if digest.decode() != info["challenge"]:
                        return _grant_error("invalid code verifier")
                access, refresh = self._issue()
                return Response.json(200, self._token_body(access, refresh))
            if grant == "refresh_token":
                user = self.refresh.get(form.get("refresh_token", ""))
                if user is None:
                    return _grant_error("expired access/refresh token")
                access = f"{ORG_ID}!{secrets.token_urlsafe(40)}"
                self.access[access] = user
                self.issued.append(access)
                return Response.json(200, self._token_body(access, None))
            return Response.json(
                400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"}
            )
        if what == "revoke":
            token = request.form().get("token") or request.arg("token")
            if token in self.refresh or token in self.access:
                # Revoking a refresh token revokes its access tokens too; here one grant per user.
                self.revoke_tokens()
                return Response.empty(200)
            return Response.json(
                400, {"error": "unsupported_token_type", "error_description": "this token type is not supported"}
            )
        if what == "userinfo":
            if self.access.get(request.bearer()) is None:
                return Response(403, b"Bad_OAuth_Token", {"Content-Type": "text/plain"})
            return Response.json(200, self._identity_body())
        return Response.json(404, {"error": "not_found", "error_description": "unknown OAuth endpoint"})

    def _identity_body(self) -> dict[str, Any]:
        user = self.records["User"][self.user_id]
        return {
            "id": f"{self.base_url}/id/{ORG_ID}/{self.user_id}",
            "user_id": self.user_id,
            "organization_id": ORG_ID,
            "username": user["Username"],
            "email": user["Email"],
            "display_name": user["Name"],
            "preferred_username": user["Username"],
            "active": True,
        }

    def _identity(self, request: Request) -> Response:
        if self.access.get(request.bearer()) is None:
            return Response(403, b"Bad_OAuth_Token", {"Content-Type": "text/plain"})
        return Response.json(200, self._identity_body())

    # --- data API ---

    def _data(
        self, method: str, rest: str, query: dict[str, list[str]], body: Any, version: str, headers: Any
    ) -> tuple[int, Any, dict[str, str]]:
        rest = rest.rstrip("/") or "/"
        try:
            if rest == "/":
                return (
                    200,
                    {
                        "sobjects": f"/services/data/v{version}/sobjects",
                        "query": f"/services/data/v{version}/query",
                        "limits": f"/services/data/v{version}/limits",
                        "composite": f"/services/data/v{version}/composite",
                    },
                    {},
                )
            if rest == "/limits" and method == "GET":
                return 200, self._limits(), {}
            if rest in ("/query", "/queryAll") and method == "GET":
                q = (query.get("q") or [""])[-1]
                batch = _batch_size(headers.get("sforce-query-options", "") if headers else "")
                return 200, self._query(q, version, batch), {}
            if rest.startswith("/query/") or rest.startswith("/queryAll/"):
                return 200, self._query_more(rest.split("/", 2)[2], version), {}
            if rest == "/composite" and method == "POST":
                return 200, self._composite(body, version), {}
            if rest.startswith("/composite/sobjects"):
                return self._collections(method, rest, query, body, version)
            if rest.startswith("/sobjects"):
                return self._sobjects(method, rest.strip("/").split("/")[1:], body, version)
            if rest.startswith("/actions"):
                status, answer = self.actions.handle(method, rest, body, version)
                return status, answer, {}
        except SfError as exc:
            return exc.status, exc.body(), {}
        raise_status = 404 if method in ("GET", "DELETE", "PATCH", "POST") else 405
        return raise_status, SfError(raise_status, "NOT_FOUND", "The requested resource does not exist").body(), {}

    def _limits(self) -> dict[str, Any]:
        storage_mb = max(1, self.org.storage_limit_records // 500)
        used_mb = self._total_records() // 500
        return {
            "DailyApiRequests": {"Max": self.daily_limit, "Remaining": max(0, self.daily_limit - self.used)},
            "DataStorageMB": {"Max": storage_mb, "Remaining": max(0, storage_mb - used_mb)},
            "FileStorageMB": {"Max": 20, "Remaining": 20},
            "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
            "SingleEmail": {"Max": self.actions.daily_limit, "Remaining": self.actions.remaining()},
        }

    # query

    def _query(self, soql: str, version: str, batch: int) -> dict[str, Any]:
        if not soql:
            raise SoqlError("A query string must be provided")
        q = parse_soql(soql, self.schema)
        try:
            self.tools.check_access(q.object_type, version)
        except SfAccessError as exc:
            raise SfError(exc.status, exc.code, exc.message) from None
        rows = [r for r in self.records[q.object_type].values() if q.where(r) and self.tools.visible(q.object_type, r)]
        for name, desc in reversed(q.order):
            rows.sort(key=_order_key(name), reverse=desc)
        if q.limit is not None:
            rows = rows[: q.limit]
        if q.count:
            return {"totalSize": len(rows), "done": True, "records": []}
        shaped = [self._shape(q.object_type, r, q.fields, version) for r in rows]
        for r in rows:
            if r["Id"] in self.delete_after_match:
                # Someone deletes the record in Salesforce right after Syncbar matched it.
                self.delete_after_match.discard(r["Id"])
                self._put(q.object_type, r["Id"], None)
                self.deleted.add(r["Id"])
        return self._page(shaped, version, batch)

    def _page(self, rows: list[dict[str, Any]], version: str, batch: int) -> dict[str, Any]:
        total = len(rows)
        if total <= batch:
            return {"totalSize": total, "done": True, "records": rows}
        locator = "01g" + secrets.token_hex(8)[:15]
        self.cursors[locator] = (rows, batch)
        return {
            "totalSize": total,
            "done": False,
            "nextRecordsUrl": f"/services/data/v{version}/query/{locator}-{batch}",
            "records": rows[:batch],
        }

    def _query_more(self, ident: str, version: str) -> dict[str, Any]:
        locator, _, offset_text = ident.partition("-")
        found = self.cursors.get(locator)
        if found is None or not offset_text.isdigit():
            raise SfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        rows, batch = found
        offset = int(offset_text)
        page = rows[offset : offset + batch]
        done = offset + batch >= len(rows)
        body: dict[str, Any] = {"totalSize": len(rows), "done": done, "records": page}
        if done:
            self.cursors.pop(locator, None)
        else:
            body["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{offset + batch}"
        return body

    def _shape(self, object_type: str, record: dict[str, Any], fields: list[str], version: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {
                "type": object_type,
                "url": f"/services/data/v{version}/sobjects/{object_type}/{record['Id']}",
            }
        }
        for f in fields:
            out[f] = record.get(f) if "." not in f else None
        return out

    # sobjects

    def _sobjects(self, method: str, parts: list[str], body: Any, version: str) -> tuple[int, Any, dict[str, str]]:
        if not parts or parts == [""]:
            return (
                200,
                {
                    "encoding": "UTF-8",
                    "maxBatchSize": 200,
                    "sobjects": [
                        {
                            "name": t,
                            "label": t,
                            "keyPrefix": PREFIXES[t],
                            "createable": True,
                            "queryable": True,
                            "urls": {"sobject": f"/services/data/v{version}/sobjects/{t}"},
                        }
                        for t in self.schema
                    ],
                },
                {},
            )
        object_type = parts[0]
        if object_type not in self.schema:
            raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 2 and parts[1] == "describe" and method == "GET":
            return 200, self._describe(object_type, version), {}
        if len(parts) == 1 and method == "POST":
            record_id = self._create(object_type, _values(body))
            return 201, {"id": record_id, "success": True, "errors": []}, {}
        if len(parts) == 1 and method == "GET":
            return (
                200,
                {"objectDescribe": {"name": object_type, "keyPrefix": PREFIXES[object_type]}, "recentItems": []},
                {},
            )
        if len(parts) == 3:  # upsert by external id: sobjects/<Type>/<Field>/<value>
            field, value = parts[1], unquote(parts[2])
            self._check_external(object_type, field)
            existing = self.by_key.get((object_type, value))
            if method == "GET":
                if existing is None:
                    raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
                return (
                    200,
                    self._shape(
                        object_type, self.records[object_type][existing], list(self.schema[object_type]), version
                    ),
                    {},
                )
            if method != "PATCH":
                raise SfError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are GET,PATCH")
            values = _values(body)
            values.pop(field, None)
            if existing is not None:
                self._update(object_type, existing, values)
                return 200, {"id": existing, "success": True, "errors": [], "created": False}, {}
            values[field] = value
            record_id = self._create(object_type, values)
            return 201, {"id": record_id, "success": True, "errors": [], "created": True}, {}
        if len(parts) == 2:
            record_id = parts[1]
            found = self.records[object_type].get(record_id) or self.records[object_type].get(record_id[:15])
            if found is None:
                if record_id in self.deleted:
                    raise SfError(404, "ENTITY_IS_DELETED", "entity is deleted")
                raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
            if method == "GET":
                return 200, self._shape(object_type, found, list(self.schema[object_type]), version), {}
            if method == "PATCH":
                self._update(object_type, found["Id"], _values(body))
                return 204, None, {}
            if method == "DELETE":
                self._put(object_type, found["Id"], None)
                self.deleted.add(found["Id"])
                return 204, None, {}
        raise SfError(404, "NOT_FOUND", "The requested resource does not exist")

    def _describe(self, object_type: str, version: str) -> dict[str, Any]:
        fields = []
        for name, spec in self.schema[object_type].items():
            fields.append(
                {
                    "name": name,
                    "label": _label(name),
                    "type": spec.type,
                    "length": spec.length,
                    "nillable": spec.nillable,
                    "createable": spec.createable,
                    "updateable": spec.updateable,
                    "externalId": spec.external_id,
                    "unique": spec.unique,
                    "defaultedOnCreate": spec.default is not None,
                    "referenceTo": list(spec.refs),
                    "custom": name.endswith("__c"),
                    "filterable": spec.filterable,
                    "picklistValues": [],
                    "idLookup": name == "Id" or spec.external_id,
                }
            )
        return {
            "name": object_type,
            "label": object_type,
            "keyPrefix": PREFIXES[object_type],
            "custom": False,
            "createable": True,
            "updateable": True,
            "deletable": True,
            "queryable": True,
            "fields": fields,
            "urls": {
                "sobject": f"/services/data/v{version}/sobjects/{object_type}",
                "describe": f"/services/data/v{version}/sobjects/{object_type}/describe",
            },
        }

    def _check_external(self, object_type: str, field: str) -> None:
        spec = self.schema[object_type].get(field)
        if spec is None:
            raise SfError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {field}")
        if not spec.external_id and field != "Id":
            raise SfError(400, "INVALID_FIELD", f"Field {field} is not an external id field on {object_type}")

    # validation and writes

    def _validate(
        self, object_type: str, values: dict[str, Any], creating: bool, current: dict[str, Any] | None
    ) -> None:
        schema = self.schema[object_type]
        for name in values:
            if name not in schema:
                raise SfError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {object_type}", [name])
            spec = schema[name]
            if (creating and not spec.createable) or (not creating and not spec.updateable):
                raise SfError(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    f"Unable to create/update fields: {name}. Please check the security settings of "
                    "this field and verify that it is read/write for your profile or permission set.",
                    [name],
                )
        merged = dict(current or {})
        merged.update(values)
        if creating:
            missing = [n for n, s in schema.items() if s.required and merged.get(n) in (None, "")]
            if object_type == "Event":
                if not (merged.get("StartDateTime") or merged.get("ActivityDateTime")):
                    missing.append("ActivityDateTime")
                if not (merged.get("EndDateTime") or merged.get("DurationInMinutes") is not None):
                    missing.append("DurationInMinutes")
            if missing:
                raise SfError(
                    400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
                )
        elif any(schema[n].required and values.get(n) in (None, "") for n in values):
            bad = [n for n in values if schema[n].required and values.get(n) in (None, "")]
            raise SfError(400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(bad)}]", bad)
        for name, value in values.items():
            spec = schema[name]
            if value is None:
                continue
            if spec.type in ("int", "double", "currency", "percent") and not isinstance(value, int | float):
                raise SfError(
                    400,
                    "JSON_PARSER_ERROR",
                    f"Cannot deserialize instance of {spec.type} from VALUE_STRING value {value} "
                    f"or request may be missing a required field at [line:1, column:{len(name) + 4}]",
                )
            if spec.type == "boolean" and not isinstance(value, bool):
                raise SfError(
                    400, "JSON_PARSER_ERROR", f"Cannot deserialize instance of boolean from VALUE_STRING value {value}"
                )
            measured = spec.length and spec.type not in ("reference", "id", "date", "datetime")
            if isinstance(value, str) and measured and _utf16_len(value) > spec.length:
                raise SfError(
                    400,
                    "STRING_TOO_LONG",
                    f"{_label(name)}: data value too large: {value[:20]}... (max length={spec.length})",
                    [name],
                )
            if spec.type == "email" and isinstance(value, str) and value and not _EMAIL.match(value):
                raise SfError(400, "INVALID_EMAIL_ADDRESS", f"{_label(name)}: invalid email address: {value}", [name])
            if spec.type == "reference" and value:
                self._check_reference(name, str(value), spec)
        marker = self.org.validation_subject_marker
        if marker and object_type in ("Task", "Event") and marker in str(merged.get("Subject") or ""):
            raise SfError(
                400,
                "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                f"Activities whose subject contains {marker} cannot be logged (validation rule Block_Marked_Subjects).",
            )

    def _check_reference(self, name: str, value: str, spec: F) -> None:
        if value in self.deleted or value[:15] in {d[:15] for d in self.deleted if d[:3] == value[:3]}:
            raise SfError(400, "ENTITY_IS_DELETED", "entity is deleted", [name])
        found = self._find(value)
        if found is None or (spec.refs and found[0] not in spec.refs):
            raise SfError(
                400, "INVALID_CROSS_REFERENCE_KEY", f"{_label(name)}: id value of incorrect type: {value}", [name]
            )
        if found[1]["Id"] in self.locked_once:
            self.locked_once.discard(found[1]["Id"])
            raise SfError(
                400,
                "UNABLE_TO_LOCK_ROW",
                f"unable to obtain exclusive access to this record or 1 records: {found[1]['Id']}",
            )

    def _create(self, object_type: str, values: dict[str, Any]) -> str:
        self._validate(object_type, values, True, None)
        if self._total_records() >= self.org.storage_limit_records:
            raise SfError(400, "STORAGE_LIMIT_EXCEEDED", "storage limit exceeded")
        key = values.get(KEY_FIELD)
        if key and (object_type, key) in self.by_key:
            other = self.by_key[(object_type, key)]
            raise SfError(
                400,
                "DUPLICATE_VALUE",
                f"duplicate value found: {KEY_FIELD} duplicates value on record with id: {other}",
                [KEY_FIELD],
            )
        email = str(values.get("Email") or "").lower()
        # The org's duplicate rules: a new Lead matches Leads by email; a new Contact matches Contacts and,
        # through a cross-object matching rule (as orgs configure to keep Leads from being re-entered as
        # Contacts), Leads by email.
        compared = ("Contact", "Lead") if object_type == "Contact" else (object_type,)
        matched = {other: sorted(self.by_email.get((other, email), ())) for other in compared} if email else {}
        if self.org.duplicate_rule and object_type in ("Contact", "Lead") and any(matched.values()):
            raise SfError(
                400,
                "DUPLICATES_DETECTED",
                f"Use one of these records? (duplicate rule: {object_type} Duplicate Rule)",
                duplicate_result=self._duplicate_result(object_type, matched),
            )
        record_id = sf_id(object_type, 900_000_000 + next(self._seq))
        self._store(object_type, record_id, values)
        return record_id

    def _duplicate_result(self, object_type: str, matched: dict[str, list[str]]) -> dict[str, Any]:
        """The ``duplicateResult`` of a blocked save: the rule and, per matching rule, the records it found."""
        return {
            "allowSave": False,
            "duplicateRule": f"{object_type}_Duplicate_Rule",
            "duplicateRuleEntityType": object_type,
            "errorMessage": "Use one of these records?",
            "matchResults": [
                {
                    "entityType": other,
                    "errors": [],
                    "matchEngine": "ExactMatchEngine",
                    "matchRecords": [
                        {
                            "additionalInformation": [],
                            "fieldDiffs": [],
                            "matchConfidence": 100.0,
                            "record": {
                                "attributes": {
                                    "type": other,
                                    "url": f"/services/data/v{VERSIONS[-1]}/sobjects/{other}/{rid}",
                                },
                                "Id": rid,
                            },
                        }
                        for rid in ids
                    ],
                    "rule": f"{other}_Email_Matching_Rule",
                    "size": len(ids),
                    "success": True,
                }
                for other, ids in matched.items()
                if ids
            ],
        }

    def _update(self, object_type: str, record_id: str, values: dict[str, Any]) -> None:
        current = self.records[object_type][record_id]
        if object_type == "Lead" and current.get("IsConverted"):
            # A converted Lead is read-only (Lead object reference; StatusCode CANNOT_UPDATE_CONVERTED_LEAD).
            raise SfError(400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
        self._validate(object_type, values, False, current)
        key = values.get(KEY_FIELD)
        if key and self.by_key.get((object_type, key), record_id) != record_id:
            raise SfError(400, "DUPLICATE_VALUE", f"duplicate value found: {KEY_FIELD}", [KEY_FIELD])
        record = dict(current)
        record.update(values)
        record["LastModifiedDate"] = _now()
        self._put(object_type, record_id, record)

    # collections

    def _collections(
        self, method: str, rest: str, query: dict[str, list[str]], body: Any, version: str
    ) -> tuple[int, Any, dict[str, str]]:
        parts = rest.strip("/").split("/")  # composite, sobjects[, Type, Field]
        if method == "DELETE":
            ids = [i for i in ",".join(query.get("ids", [])).split(",") if i]
            all_or_none = (query.get("allOrNone") or ["false"])[-1].lower() == "true"
            if len(ids) > MAX_COLLECTION:
                raise SfError(
                    400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
                )
            return 200, self._each(ids, all_or_none, self._delete_one, with_created=False), {}
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise SfError(400, "JSON_PARSER_ERROR", "The request body must hold a records array")
        records: list[Any] = body["records"]
        all_or_none = bool(body.get("allOrNone", False))
        if len(records) > MAX_COLLECTION:
            raise SfError(
                400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
            )
        if len(parts) == 2 and method in ("POST", "PATCH") and _chunks(records) > MAX_CHUNKS:
            raise SfError(400, "EXCEEDED_MAX_TYPES_LIMIT", CHUNK_MESSAGE)
        if method == "POST" and len(parts) == 2:
            return 200, self._each(records, all_or_none, self._create_one, with_created=False), {}
        if method == "PATCH" and len(parts) == 2:
            return 200, self._each(records, all_or_none, self._update_one, with_created=False), {}
        if method == "PATCH" and len(parts) == 4:
            object_type, field = parts[2], parts[3]
            if object_type not in self.schema:
                raise SfError(400, "INVALID_TYPE", f"sObject type '{object_type}' is not supported.")
            self._check_external(object_type, field)

            def upsert(rec: Any) -> tuple[str, bool]:
                return self._upsert_one(object_type, field, rec)

            return 200, self._each(records, all_or_none, upsert, with_created=True), {}
        raise SfError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed.")

    def _each(self, items: list[Any], all_or_none: bool, fn: Callable[[Any], Any], *, with_created: bool) -> list[Any]:
        results: list[Any] = []
        failed = False
        self._begin()
        for item in items:
            try:
                if self.record_faults:  # injected per-record errors (Python API), one record each
                    code, fields = self.record_faults.pop(0)
                    raise SfError(400, code, f"{code.replace('_', ' ').lower()} (injected)", fields)
                answer = fn(item)
                record_id, created = answer if isinstance(answer, tuple) else (answer, None)
                ok: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
                if with_created:
                    ok["created"] = bool(created)
                results.append(ok)
            except SfError as exc:
                failed = True
                err: dict[str, Any] = {"success": False, "errors": exc.record_errors()}
                if with_created:
                    err["created"] = False
                results.append(err)
        if failed and all_or_none:
            self._rollback()
            out = []
            for r in results:
                if r["success"]:
                    rolled: dict[str, Any] = {
                        "success": False,
                        "errors": [
                            {
                                "statusCode": ROLLED_BACK,
                                "message": "Record rolled back because not all records were valid "
                                "and the request was using AllOrNone header",
                                "fields": [],
                            }
                        ],
                    }
                    if with_created:
                        rolled["created"] = False
                    out.append(rolled)
                else:
                    out.append(r)
            return [_ordered(r) for r in out]
        self._commit()
        return [_ordered(r) for r in results]

    def _record_type(self, rec: Any) -> tuple[str, dict[str, Any]]:
        if not isinstance(rec, dict):
            raise SfError(400, "JSON_PARSER_ERROR", "each record must be an object")
        attrs = rec.get("attributes") or {}
        object_type = attrs.get("type") if isinstance(attrs, dict) else None
        if not object_type:
            raise SfError(400, "INVALID_TYPE", "Must send a concrete entity type.")
        if object_type not in self.schema:
            raise SfError(400, "INVALID_TYPE", f"sObject type '{object_type}' is not supported.")
        return object_type, _values(rec)

    def _create_one(self, rec: Any) -> str:
        object_type, values = self._record_type(rec)
        if values.get("Id") or values.get("id"):
            raise SfError(400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        return self._create(object_type, values)

    def _update_one(self, rec: Any) -> str:
        object_type, values = self._record_type(rec)
        record_id = str(values.pop("id", None) or values.pop("Id", None) or "")
        if not record_id:
            raise SfError(400, "MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
        found = self.records[object_type].get(record_id)
        if found is None:
            code = "ENTITY_IS_DELETED" if record_id in self.deleted else "INVALID_CROSS_REFERENCE_KEY"
            raise SfError(
                400, code, "entity is deleted" if code == "ENTITY_IS_DELETED" else "invalid cross reference id"
            )
        self._update(object_type, record_id, values)
        return record_id

    def _upsert_one(self, object_type: str, field: str, rec: Any) -> tuple[str, bool]:
        given_type, values = self._record_type(rec)
        if given_type != object_type:
            raise SfError(400, "INVALID_TYPE", f"record type {given_type} does not match {object_type}")
        key = values.get(field)
        if not key:
            raise SfError(400, "MISSING_ARGUMENT", f"{field} not specified", [field])
        existing = self.by_key.get((object_type, str(key)))
        if existing is not None:
            values.pop(field, None)
            self._update(object_type, existing, values)
            return existing, False
        return self._create(object_type, values), True

    def _delete_one(self, record_id: Any) -> str:
        found = self._find(str(record_id))
        if found is None:
            code = "ENTITY_IS_DELETED" if record_id in self.deleted else "INVALID_CROSS_REFERENCE_KEY"
            raise SfError(
                400, code, "entity is deleted" if code == "ENTITY_IS_DELETED" else "invalid cross reference id"
            )
        self._put(found[0], found[1]["Id"], None)
        self.deleted.add(found[1]["Id"])
        return str(found[1]["Id"])

    # composite

    def _composite(self, body: Any, version: str) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("compositeRequest"), list):
            raise SfError(400, "JSON_PARSER_ERROR", "The request body must hold a compositeRequest array")
        subs: list[dict[str, Any]] = body["compositeRequest"]
        if len(subs) > MAX_COMPOSITE:
            raise SfError(400, "LIMIT_EXCEEDED", f"A composite request can have at most {MAX_COMPOSITE} subrequests")
        heavy = sum(
            1 for s in subs if "/composite/sobjects" in str(s.get("url", "")) or "/query" in str(s.get("url", ""))
        )
        if heavy > MAX_COMPOSITE_COLLECTIONS:
            raise SfError(
                400,
                "LIMIT_EXCEEDED",
                "A composite request can contain at most 5 sObject Collections or query operations",
            )
        all_or_none = bool(body.get("allOrNone", False))
        refs: dict[str, Any] = {}
        out: list[dict[str, Any]] = []
        self._begin() if all_or_none else None
        failed = False
        for sub in subs:
            ref = str(sub.get("referenceId") or "")
            if failed and all_or_none:
                out.append(
                    {
                        "body": [
                            {
                                "errorCode": "PROCESSING_HALTED",
                                "message": "The transaction was rolled back "
                                "since another operation in the same transaction failed.",
                            }
                        ],
                        "httpHeaders": {},
                        "httpStatusCode": 400,
                        "referenceId": ref,
                    }
                )
                continue
            url = _resolve(str(sub.get("url", "")), refs)
            parts = urlsplit(url)
            m = re.match(r"^/services/data/v(\d+\.\d)(/.*)$", parts.path.rstrip("/"))
            if not m:
                status, answer = 404, SfError(404, "NOT_FOUND", "The requested resource does not exist").body()
            else:
                sub_body = (
                    json.loads(_resolve(json.dumps(sub.get("body")), refs)) if sub.get("body") is not None else None
                )
                outer, self._undo = self._undo, (self._undo if all_or_none else None)
                status, answer, _ = self._data(
                    str(sub.get("method", "GET")).upper(),
                    m.group(2),
                    parse_qs(parts.query, keep_blank_values=True),
                    sub_body,
                    m.group(1),
                    {},
                )
                self._undo = outer
            if status >= 400:
                failed = True
            refs[ref] = answer
            out.append(
                {
                    "body": answer if status != 204 else None,
                    "httpHeaders": {},
                    "httpStatusCode": status,
                    "referenceId": ref,
                }
            )
        if all_or_none:
            if failed:
                self._rollback()
                out = [
                    o
                    if o["httpStatusCode"] >= 400
                    else {
                        "body": [
                            {
                                "errorCode": "PROCESSING_HALTED",
                                "message": "The transaction was rolled back since "
                                "another operation in the same transaction failed.",
                            }
                        ],
                        "httpHeaders": {},
                        "httpStatusCode": 400,
                        "referenceId": o["referenceId"],
                    }
                    for o in out
                ]
            else:
                self._commit()
        return {"compositeResponse": out}


def _chunks(records: list[Any]) -> int:
    """Runs of consecutive records of the same type: {a1, a2, c1, a3} is 3 chunks."""
    types = [(r.get("attributes") or {}).get("type") if isinstance(r, dict) else None for r in records]
    return sum(1 for i, t in enumerate(types) if i == 0 or t != types[i - 1])


def _ordered(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "success", "errors", "created")
    return {k: result[k] for k in keys if k in result}


def _resolve(text: str, refs: dict[str, Any]) -> str:
    def sub(m: re.Match[str]) -> str:
        ref, _, path = re.sub(r"\[(\d+)\]", r".\1", m.group(1)).partition(".")
        value: Any = refs.get(ref)
        for part in path.split(".") if path else []:
            if isinstance(value, list):
                value = value[int(part)] if part.isdigit() and int(part) < len(value) else None
            elif isinstance(value, dict):
                value = value.get(part)
        return quote(str(value), safe="") if value is not None else m.group(0)

    return re.sub(r"@\{([^}]+)\}", sub, text)


def _values(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise SfError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
    return {k: v for k, v in body.items() if k != "attributes"}


def _batch_size(options: str) -> int:
    m = re.search(r"batchSize=(\d+)", options or "")
    if not m:
        return QUERY_BATCH
    return max(200, min(QUERY_BATCH, int(m.group(1))))


def _error_page(error: str, description: str) -> Response:
    text = urlencode({"error": error, "error_description": description}, quote_via=quote)
    body = f"<html><head><title>Error</title></head><body><p>{text}</p></body></html>".encode()
    return Response(400, body, {"Content-Type": "text/html;charset=UTF-8"})


def _redirect(redirect: str, params: dict[str, str]) -> Response:
    sep = "&" if "?" in redirect else "?"
    return Response(302, b"", {"Location": redirect + sep + urlencode({k: v for k, v in params.items() if v})})


def _grant_error(description: str) -> Response:
    return Response.json(400, {"error": "invalid_grant", "error_description": description})


def _label(name: str) -> str:
    name = name.removesuffix("__c").replace("_", " ")
    if name.endswith("Id") and len(name) > 2:
        name = name[:-2]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
