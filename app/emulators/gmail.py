"""Gmail API emulator, with Google's OAuth 2.0 endpoints for installed apps and a Calendar subset.

Shapes follow the public Gmail API v1 reference (users.getProfile,
users.messages.list/get/send/batchModify, users.history.list,
users.labels.list/create, "Usage limits" errors), the Calendar API v3
reference (events.list with syncToken and 410 fullSyncRequired, events.get,
events.patch) and Google's OAuth 2.0 for installed applications (PKCE,
refresh, revoke).

    /o/oauth2/auth                                  auto-consents: 302 to the loopback with code, state, scope
    /token                                          authorization_code (PKCE and client secret checked), refresh_token
    /revoke                                         revokes a token and its grant
    /gmail/v1/users/me/profile                      emailAddress, messagesTotal, threadsTotal, historyId
    /gmail/v1/users/me/messages                     list (q: in:, label:, after:, before:, {a b} OR groups; labelIds)
    /gmail/v1/users/me/messages/{id}                get (format full | metadata | minimal | raw)
    /gmail/v1/users/me/messages/batchModify         up to 1,000 ids; 204
    /gmail/v1/users/me/messages/send                raw RFC 822 (base64url) -> a SENT message
    /gmail/v1/users/me/history                      startHistoryId (404 once too old), historyTypes, labelId, pages
    /gmail/v1/users/me/labels                       list, create (409 on an existing name; Gmail's palette)
    /gmail/v1/users/me/drafts[...], messages/{id}/trash   drafts (a new message id per save), spam, trash:
                                                    app/emulators/gmail_mail.py
    /calendar/v3/calendars/primary/events[/{id}]    list (syncToken / timeMin, pages), get, patch (colorId, ...)
    /tasks/v1/users/@me/lists, /tasks/v1/lists/{list}/tasks[/{id}]   Google Tasks (google_tasks.py)

Every change to the mailbox is a history record with a growing id; every
change to the calendar is a step a sync token names.  ``expire_history()``
makes older history ids answer 404 and older sync tokens 410.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import html
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, getaddresses
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from app.emulators import gmail_batch, gmail_mail, google_scopes, google_tasks
from app.emulators.base import (
    ChangeLog,
    Request,
    Response,
    SeedData,
    SeedEvent,
    SeedMessage,
    SeedPerson,
    Service,
    retry_after_text,
)
from app.emulators.gmail_mail import UNITS as DRAFT_UNITS

MAX_LIST = 500
# Quota units per method ("Usage limits", Gmail API) and the per-user budget per rolling minute.
UNITS = {
    "users.getProfile": 1,
    "messages.list": 5,
    "messages.get": 5,
    "messages.modify": 5,
    "messages.batchModify": 50,
    "messages.send": 100,
    "history.list": 2,
    "labels.list": 1,
    "labels.create": 5,
    **DRAFT_UNITS,
}
USER_UNITS_PER_MINUTE = 15_000
# In the realistic network mode: "250 quota units per user per second, moving average (allows short
# bursts)" (Gmail API "Usage limits"), kept as a bucket of one second's units refilled continuously.
USER_UNITS_PER_SECOND = 250
MAX_MODIFY = 1000
SYSTEM_LABELS = (
    "INBOX",
    "SENT",
    "UNREAD",
    "STARRED",
    "IMPORTANT",
    "TRASH",
    "SPAM",
    "DRAFT",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
    "CHAT",
)
# Gmail's label colour palette (background and text colours accepted by labels.create).
PALETTE = frozenset(
    [
        "#000000",
        "#434343",
        "#666666",
        "#999999",
        "#cccccc",
        "#efefef",
        "#f3f3f3",
        "#ffffff",
        "#fb4c2f",
        "#ffad47",
        "#fad165",
        "#16a766",
        "#43d692",
        "#4a86e8",
        "#a479e2",
        "#f691b3",
        "#f6c5be",
        "#ffe6c7",
        "#fef1d1",
        "#b9e4d0",
        "#c6f3de",
        "#c9daf8",
        "#e4d7f5",
        "#fcdee8",
        "#efa093",
        "#ffd6a2",
        "#fce8b3",
        "#89d3b2",
        "#a0eac9",
        "#a4c2f4",
        "#d0bcf1",
        "#fbc8d9",
        "#e66550",
        "#ffbc6b",
        "#fcda83",
        "#44b984",
        "#68dfa9",
        "#6d9eeb",
        "#b694e8",
        "#f7a7c0",
        "#cc3a21",
        "#eaa041",
        "#f2c960",
        "#149e60",
        "#3dc789",
        "#3c78d8",
        "#8e63ce",
        "#e07798",
        "#ac2b16",
        "#cf8933",
        "#d5ae49",
        "#0b804b",
        "#2a9c68",
        "#285bac",
        "#653e9b",
        "#b65775",
        "#822111",
        "#a46a21",
        "#aa8831",
        "#076239",
        "#1a764d",
        "#1c4587",
        "#41236d",
        "#83334c",
    ]
)
EVENT_COLORS = frozenset(str(i) for i in range(1, 12))
SCOPES = (
    "https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.labels "
    "https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/calendar.events "
    "https://www.googleapis.com/auth/tasks.readonly"
)
STATUS_WORDS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GoogleError(Exception):
    def __init__(self, status: int, reason: str, message: str, domain: str = "global") -> None:
        super().__init__(message)
        self.status, self.reason, self.message, self.domain = status, reason, message, domain


@dataclass
class Mail:
    id: str
    thread_id: str
    labels: list[str]
    # The RFC 822 message, or the seed message it is built from when first asked for: building
    # every seeded message at start took most of ``emulators serve``'s start time.
    source: bytes | SeedMessage
    internal_ms: int
    history_id: int = 0
    deleted: bool = False
    # What a messages.get answers besides labels and history (payload per format, snippet):
    # the message never changes, so it is parsed once.
    rendered: dict[str, Any] = field(default_factory=dict)

    @property
    def raw(self) -> bytes:
        if not isinstance(self.source, bytes):
            self.source = _rfc822(self.source)
        return self.source


@dataclass
class CalEvent:
    data: dict[str, Any]
    seq: int = 0


@dataclass
class HistoryRecord:
    id: int
    kind: str  # messagesAdded | messagesDeleted | labelsAdded | labelsRemoved
    message_id: str
    label_ids: list[str] = field(default_factory=list)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hex_id(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()[:16]


def _address(p: SeedPerson) -> str:
    if not p.address:
        return formataddr((p.name, ""))  # "Unknown sender <>": a name with an empty address
    return formataddr((p.name, p.address)) if p.name else p.address


def _charset_for(text: str, wanted: str) -> str:
    """The charset a mail client would declare: the wanted one if it holds the text, else its usual superset."""
    for charset in (wanted, "windows-1252" if wanted.lower() in ("iso-8859-1", "latin-1") else "", "utf-8"):
        if not charset:
            continue
        try:
            text.encode(charset)
            return charset
        except (UnicodeEncodeError, LookupError):
            continue
    return "utf-8"


def _rfc822(m: SeedMessage) -> bytes:
    """The seed message as a MIME message: multipart/alternative, the subject in its own charset."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = _address(m.sender)
    msg["To"] = ", ".join(_address(p) for p in m.to)
    if m.cc:
        msg["Cc"] = ", ".join(_address(p) for p in m.cc)
    wanted = m.charset if m.charset.lower() not in ("us-ascii", "ascii") else "utf-8"
    if wanted.lower() != "utf-8":
        msg["Subject"] = Header(m.subject, _charset_for(m.subject, wanted)).encode()
    else:
        msg["Subject"] = m.subject
    msg["Date"] = format_datetime(m.sent_at.astimezone(UTC))
    msg["Message-ID"] = m.internet_message_id or f"<{m.id}@mail.example>"
    for name, value in m.headers.items():
        msg[name] = value
    charset = _charset_for(m.body, wanted)
    msg.set_content(m.body, charset=charset)
    escaped = m.body.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
    msg.add_alternative(f"<html><body><p>{escaped}</p></body></html>", subtype="html", charset=charset)
    return msg.as_bytes()


def _part(part: Any, part_id: str, full: bool) -> dict[str, Any]:
    headers = [{"name": k, "value": str(v)} for k, v in part.items()]
    out: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": headers,
    }
    if part.is_multipart():
        out["body"] = {"size": 0}
        out["parts"] = [
            _part(sub, f"{part_id}.{i}" if part_id else str(i), full) for i, sub in enumerate(part.iter_parts())
        ]
    else:
        data = part.get_payload(decode=True) or b""
        out["body"] = {"size": len(data), "data": _b64(data)}
    return out


def _rendered(raw: bytes, fmt: str) -> dict[str, Any]:
    """The parts of a messages.get answer that depend on the message alone: snippet and payload/raw."""
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    text = parsed.get_body(("plain",))
    out: dict[str, Any] = {"snippet": (text.get_content() if text is not None else "")[:200].replace("\n", " ").strip()}
    if fmt == "full":
        out["payload"] = _part(parsed, "", True)
    elif fmt == "metadata":
        out["payload"] = {
            "mimeType": parsed.get_content_type(),
            "headers": [{"name": k, "value": str(v)} for k, v in parsed.items()],
        }
    elif fmt == "raw":
        out["raw"] = _b64(raw)
    return out


class GmailService(Service):
    name = "gmail"

    def __init__(self, seed: SeedData) -> None:
        super().__init__()
        # A "Desktop app" OAuth client as the Cloud console issues it: a project number, a 32-character
        # id, and a GOCSPX- secret that the token endpoint requires (desktop secrets are not confidential).
        lower = "abcdefghijklmnopqrstuvwxyz0123456789"
        self.registration = {
            "client_id": f"{secrets.randbelow(9 * 10**11) + 10**11}-"
            + "".join(secrets.choice(lower) for _ in range(32))
            + ".apps.googleusercontent.com",
            "client_secret": "GOCSPX-" + secrets.token_urlsafe(21)[:28],
        }
        self.owner = seed.owner
        self.mails: dict[str, Mail] = {}
        self.history: list[HistoryRecord] = []
        self.history_floor = 0  # history ids at or below answer 404
        self.next_history = 1000
        self.labels: dict[str, dict[str, Any]] = {
            name: {
                "id": name,
                "name": name,
                "type": "system",
                "messageListVisibility": "hide",
                "labelListVisibility": "labelHide",
            }
            if name == "CHAT"
            else {"id": name, "name": name, "type": "system"}
            for name in SYSTEM_LABELS
        }
        self.label_seq = 0
        self.drafts = gmail_mail.Drafts(self, GoogleError, self._add_mail)
        self.granted: frozenset[str] | None = None  # scopes the user ticked on the consent screen; None: all
        self.events: dict[str, CalEvent] = {}
        self.event_log = ChangeLog()
        self.cal_seq = 0
        self.cal_epoch = 1  # sync tokens of an older epoch answer 410
        self.access: dict[str, float] = {}
        self.refresh: set[str] = set()
        self.issued: list[str] = []
        self.codes: dict[str, dict[str, str]] = {}
        self.daily_exhausted = False
        self.sent: list[bytes] = []
        self.units_used = 0  # every quota unit spent (tests and benchmarks read it)
        self.units_per_minute = USER_UNITS_PER_MINUTE
        self._spent: list[tuple[float, int]] = []  # (when, units) in the last minute
        self.units_per_second = USER_UNITS_PER_SECOND  # enforced in the realistic network mode only
        self._bucket = (float(USER_UNITS_PER_SECOND), time.monotonic())  # (units left, when counted)
        for m in seed.messages:
            labels = ["SENT"] if m.folder == "sent" else ["INBOX", "UNREAD", "CATEGORY_PERSONAL"]
            self._add(_hex_id(m.id), m, labels, int(m.sent_at.timestamp() * 1000))
        for e in seed.events:
            event_id = _hex_id("event:" + e.id)
            self._put_event(event_id, _event_data(event_id, e, e.start, e.end))
        for e in seed.series:
            self._load_series(e)
        self.tasks = google_tasks.GoogleTasks(seed.owner.address, lambda: self.base_url)
        for t in seed.tasks:
            self.tasks.seed(t)
        self.token, self.refresh_token = self._issue()


    def _add_mail(self, message_id: str, thread_id: str, labels: list[str], raw: bytes, internal_ms: int) -> None:
        self.mails[message_id] = Mail(message_id, thread_id, labels, raw, internal_ms)
    def add_series(self, event: Any) -> str:
        """Back door: a recurring series (a ``SeedEvent`` with ``weekly`` > 0) is created; its id."""
        with self.lock:
            self._load_series(event)
            return _hex_id("series:" + event.id)

    def _load_series(self, e: SeedEvent) -> None:
        """A recurring event and its instances (ids "<series>_<original UTC start>"), as events.list and
        events.instances show them (wire sample calendar_events_list_singleevents_response.json)."""
        series_id = _hex_id("series:" + e.id)
        occurrences = e.occurrences()
        master = _event_data(series_id, e, e.start, e.end)
        master["recurrence"] = [f"RRULE:FREQ=WEEKLY;COUNT={len(occurrences)}"]
        self._put_event(series_id, master)
        for start, end, original in occurrences:
            instance_id = f"{series_id}_{original.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
            instance = _event_data(instance_id, e, start, end)
            instance.update(
                recurringEventId=series_id,
                originalStartTime={"dateTime": _iso(original), "timeZone": "UTC"},
                iCalUID=master["iCalUID"],
            )
            self._put_event(instance_id, instance)

    # --- state changes (each is a history record / calendar step) ---

    def _record(self, kind: str, message_id: str, label_ids: list[str] | None = None) -> int:
        self.next_history += 1
        self.history.append(HistoryRecord(self.next_history, kind, message_id, list(label_ids or [])))
        mail = self.mails.get(message_id)
        if mail is not None:
            mail.history_id = self.next_history
        return self.next_history

    def _add(self, message_id: str, raw: bytes | SeedMessage, labels: list[str], internal_ms: int) -> str:
        self.mails[message_id] = Mail(message_id, message_id, list(labels), raw, internal_ms)
        self._record("messagesAdded", message_id)
        return message_id

    def add_message(self, folder: str, subject: str, sender: str, to: str, body: str = "") -> str:
        """Back door for tests: mail arrives (folder "inbox", "sent", "spam" or "chat")."""
        with self.lock:
            seed_id = f"new-{self.next_history}-{secrets.token_hex(4)}"
            message = SeedMessage(
                id=seed_id,
                folder=folder,
                subject=subject,
                body=body or subject,
                sender=SeedPerson(sender),
                to=[SeedPerson(to)],
                sent_at=datetime.now(UTC),
            )
            labels = {"sent": ["SENT"], "sentitems": ["SENT"], "spam": ["SPAM", "UNREAD"], "chat": ["CHAT"]}.get(
                folder, ["INBOX", "UNREAD"]
            )
            return self._add(_hex_id(seed_id), _rfc822(message), labels, int(time.time() * 1000))

    def delete_message(self, message_id: str) -> None:
        with self.lock:
            self.mails[message_id].deleted = True
            self._record("messagesDeleted", message_id)

    def label_names(self, message_id: str) -> set[str]:
        with self.lock:
            return {self.labels[i]["name"] for i in self.mails[message_id].labels if i in self.labels}

    def add_task(self, title: str, notes: str = "", due: datetime | None = None, done: bool = False) -> str:
        """Back door: a Google Tasks task is created in the default list; its id."""
        with self.lock:
            return self.tasks.add(title, notes=notes, due=due, done=done)

    def update_task(self, task_id: str, **values: Any) -> None:
        with self.lock:
            self.tasks.update(task_id, **values)

    def delete_task(self, task_id: str) -> None:
        """Back door: the task is deleted (listed with ``deleted: true`` to showDeleted)."""
        with self.lock:
            self.tasks.delete(task_id)

    def grant_only(self, scopes: list[str] | None) -> None:
        """Back door: the user ticks only these scopes on the consent screen (None: every scope asked)."""
        with self.lock:
            self.granted = frozenset(scopes) if scopes is not None else None

    def expire_history(self) -> None:
        """History ids and sync tokens issued so far stop working (404 / 410)."""
        with self.lock:
            self.next_history += 1  # the current history id stays valid; every older one is gone
            self.history_floor = self.next_history
            self.cal_epoch += 1

    def _put_event(self, event_id: str, data: dict[str, Any]) -> None:
        self.cal_seq += 1
        data = dict(data)
        data["updated"] = _iso(datetime.now(UTC))
        data["etag"] = f'"{self.cal_seq:016d}"'
        self.events[event_id] = CalEvent(data, self.cal_seq)
        self.event_log.touch(event_id)

    # --- Service interface ---

    def operation(self, request: Request) -> str:
        path = request.path.rstrip("/")
        if path in ("/o/oauth2/auth", "/token", "/revoke"):
            return "oauth." + path.rsplit("/", 1)[-1]
        if path.startswith(google_tasks.PREFIX + "/"):
            if path.endswith("/tasks"):
                return "tasks.list"
            return "tasks.get" if "/tasks/" in path.removeprefix(google_tasks.PREFIX) else "tasklists.list"
        if path.startswith("/calendar/v3/"):
            if path.endswith("/events"):
                return "events.list"
            return "events." + {"GET": "get", "PATCH": "patch"}.get(request.method, "other")
        if path == gmail_batch.PATH:
            return "batch"
        rest = path.removeprefix("/gmail/v1/users/me")
        drafts = gmail_mail.operation(request.method, rest)
        if drafts:
            return drafts
        if rest == "/profile":
            return "users.getProfile"
        if rest == "/history":
            return "history.list"
        if rest.startswith("/labels"):
            return "labels." + ("create" if request.method == "POST" else "list")
        if rest == "/messages":
            return "messages.list"
        if rest in ("/messages/batchModify", "/messages/send"):
            return "messages." + rest.rsplit("/", 1)[-1]
        if rest.startswith("/messages/") and rest.endswith("/modify"):
            return "messages.modify"
        if rest.startswith("/messages/"):
            return "messages.get"
        return "other"

    def handle(self, request: Request) -> Response:
        with self.lock:
            path = request.path.rstrip("/") or "/"
            if path in ("/o/oauth2/auth", "/token", "/revoke"):
                return self._oauth(request, path)
            if path == gmail_batch.PATH and request.method == "POST":
                try:
                    parts = gmail_batch.parts_of(request)
                except gmail_batch.BatchError as exc:
                    return self._error(GoogleError(400, "badRequest", exc.message))
                return gmail_batch.answer(parts, self.handle)
            token = request.bearer()
            if token not in self.access or self.access[token] < time.time():
                return self._error(GoogleError(401, "authError", "Invalid Credentials"), auth=True)
            need = google_scopes.needed(request.method, path)
            if need and self.granted is not None and not self.granted.intersection(need):
                denied, headers = google_scopes.insufficient(request.method, path)
                return Response.json(403, denied, headers)
            if self.daily_exhausted:
                return self._error(GoogleError(403, "dailyLimitExceeded", "Daily Limit Exceeded", "usageLimits"))
            units = UNITS.get(self.operation(request), 0)
            now = time.monotonic()
            self._spent = [(t, u) for t, u in self._spent if now - t < 60]
            if units and sum(u for _, u in self._spent) + units > self.units_per_minute:
                wait = 60 - (now - self._spent[0][0]) if self._spent else 1.0
                if self.network is not None:
                    self.network.record(self.name, "rate", self.operation(request), "over 15,000 units a minute")
                return self.throttle_response(max(1.0, round(wait, 1)))
            if units and self.network is not None:
                refused = self._per_second(units, self.operation(request), now)
                if refused is not None:
                    return refused
            if units:
                self._spent.append((now, units))
                self.units_used += units
            try:
                body = request.json() if request.body else None
            except (ValueError, UnicodeDecodeError):
                return self._error(GoogleError(400, "parseError", "Parse Error"))
            # Repeated parameters (historyTypes, labelIds) keep every value.
            args = {k: ",".join(v) if k in ("historyTypes", "labelIds") else v[-1] for k, v in request.query.items()}
            try:
                if path.startswith(google_tasks.PREFIX + "/"):
                    status, obj = self._tasks(request.method, path, args)
                elif path.startswith("/calendar/v3/calendars/primary/events"):
                    status, obj = self._calendar(request.method, path, args, body)
                elif path.startswith("/gmail/v1/users/me"):
                    status, obj = self._gmail(request.method, path.removeprefix("/gmail/v1/users/me"), args, body)
                else:
                    raise GoogleError(404, "notFound", "Not Found")
            except GoogleError as exc:
                return self._error(exc)
            return Response.empty(204) if obj is None else Response.json(status, obj)

    def _per_second(self, units: int, operation: str, now: float) -> Response | None:
        """The per-user rate (realistic network mode): a request over it is refused and recorded."""
        left, counted = self._bucket
        left = min(float(self.units_per_second), left + (now - counted) * self.units_per_second)
        if left < units:
            self._bucket = (left, now)
            self.network.record(self.name, "rate", operation, f"{units} units asked, {left:.1f} left this second")
            return self._error(GoogleError(403, "userRateLimitExceeded", "User Rate Limit Exceeded", "usageLimits"))
        self._bucket = (left - units, now)
        return None

    def _error(self, exc: GoogleError, *, auth: bool = False) -> Response:
        item: dict[str, Any] = {"domain": exc.domain, "reason": exc.reason, "message": exc.message}
        if auth:
            item.update(locationType="header", location="Authorization")
        body = {"error": {"errors": [item], "code": exc.status, "message": exc.message}}
        if exc.status in STATUS_WORDS and not auth and exc.domain != "usageLimits":
            body["error"]["status"] = STATUS_WORDS[exc.status]
        headers = (
            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'} if auth else {}
        )
        return Response.json(exc.status, body, headers)

    def error_response(self, status: int, code: str, message: str) -> Response:
        reason = code or {
            400: "badRequest",
            401: "authError",
            403: "forbidden",
            404: "notFound",
            409: "conflict",
            410: "deleted",
            429: "rateLimitExceeded",
            500: "backendError",
            503: "backendError",
        }.get(status, "backendError")
        return self._error(GoogleError(status, reason, message or "Backend Error"), auth=status == 401)

    def throttle_response(self, retry_after: float) -> Response:
        response = self._error(
            GoogleError(429, "rateLimitExceeded", "Resource has been exhausted (e.g. check quota).", "usageLimits")
        )
        response.headers["Retry-After"] = retry_after_text(retry_after)
        return response

    def malformed_body(self) -> bytes:
        return b'{"messages": [{"id": "19dda5888dc95981", "threadId": '

    def revoke_tokens(self) -> None:
        with self.lock:
            self.access.clear()
            self.refresh.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access = dict.fromkeys(self.access, 0.0)

    def exhaust_daily_limit(self) -> None:
        with self.lock:
            self.daily_exhausted = True

    def credentials(self) -> dict[str, Any]:
        return {
            "username": self.owner.address,
            "client_id": self.registration["client_id"],
            "client_secret": self.registration["client_secret"],
            "auth_uri": f"{self.base_url}/o/oauth2/auth",
            "token_uri": f"{self.base_url}/token",
            "revoke_uri": f"{self.base_url}/revoke",
            "access_token": self.token,
            "refresh_token": self.refresh_token,
        }

    # --- OAuth ---

    def _issue(self) -> tuple[str, str]:
        access = "ya29." + secrets.token_urlsafe(60)
        refresh = "1//" + secrets.token_urlsafe(60)
        self.access[access] = time.time() + 3599
        self.refresh.add(refresh)
        self.issued += [access, refresh]
        return access, refresh

    def _oauth(self, request: Request, path: str) -> Response:
        if path == "/o/oauth2/auth":
            q = {k: v[-1] for k, v in request.query.items()}
            redirect = q.get("redirect_uri", "")
            # Google's own error pages; neither an unknown client nor a foreign redirect gets a redirect.
            if q.get("client_id") != self.registration["client_id"]:
                return _error_page(401, "invalid_client", "The OAuth client was not found.")
            if not _loopback(redirect):
                return _error_page(
                    400,
                    "redirect_uri_mismatch",
                    f"The redirect URI in the request, {redirect}, does not match the ones authorized for the "
                    "OAuth client.",
                )
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return _redirect(redirect, {"error": "invalid_request", "state": q.get("state", "")})
            code = "4/0A" + secrets.token_urlsafe(40)
            self.codes[code] = q
            scope = google_scopes.granted_text(q.get("scope", SCOPES), self.granted)
            return _redirect(redirect, {"state": q.get("state", ""), "code": code, "scope": scope})
        form = request.form()
        if path == "/revoke":
            token = form.get("token") or request.arg("token")
            if token in self.refresh or token in self.access:
                self.refresh.clear()  # revoking one token of a grant revokes the grant
                self.access.clear()
                return Response.json(200, {})
            return Response.json(400, {"error": "invalid_token", "error_description": "Token expired or revoked"})
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):  # client_secret_basic, as requests-oauthlib sends it
            try:
                user, _, password = base64.b64decode(basic[6:].strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                user, password = "", ""
            form.setdefault("client_id", unquote(user))
            form.setdefault("client_secret", unquote(password))
        if form.get("client_id") != self.registration["client_id"]:
            return Response.json(
                401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
            )
        if not form.get("client_secret"):  # a Desktop app client must send its secret
            return Response.json(400, {"error": "invalid_request", "error_description": "client_secret is missing."})
        if form["client_secret"] != self.registration["client_secret"]:
            return Response.json(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        grant = form.get("grant_type", "")
        if grant == "authorization_code":
            asked = self.codes.pop(form.get("code", ""), None)
            if asked is None:
                return Response.json(400, {"error": "invalid_grant", "error_description": "Malformed auth code."})
            verifier = form.get("code_verifier", "")
            if _b64(hashlib.sha256(verifier.encode("ascii")).digest()) != asked.get("code_challenge"):
                return Response.json(400, {"error": "invalid_grant", "error_description": "Invalid code verifier."})
            if asked.get("redirect_uri") != form.get("redirect_uri"):
                return Response.json(400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"})
            access, refresh = self._issue()
            return Response.json(
                200,
                {
                    "access_token": access,
                    "expires_in": 3599,
                    "refresh_token": refresh,
                    "scope": google_scopes.granted_text(asked.get("scope", SCOPES), self.granted),
                    "token_type": "Bearer",
                },
            )
        if grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh:
                return Response.json(
                    400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                )
            access = "ya29." + secrets.token_urlsafe(60)
            self.access[access] = time.time() + 3599
            self.issued.append(access)
            return Response.json(
                200,
                {
                    "access_token": access,
                    "expires_in": 3599,
                    "scope": google_scopes.granted_text(SCOPES, self.granted),
                    "token_type": "Bearer",
                },
            )
        return Response.json(
            400, {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant}"}
        )

    # --- Gmail ---

    def _gmail(self, method: str, rest: str, args: dict[str, str], body: Any) -> tuple[int, Any]:
        if gmail_mail.operation(method, rest):
            return self.drafts.handle(method, rest, args, body)
        if rest == "/profile" and method == "GET":
            live = [m for m in self.mails.values() if not m.deleted]
            return 200, {
                "emailAddress": self.owner.address,
                "messagesTotal": len(live),
                "threadsTotal": len({m.thread_id for m in live}),
                "historyId": str(self.next_history),
            }
        if rest == "/labels" and method == "GET":
            return 200, {"labels": list(self.labels.values())}
        if rest == "/labels" and method == "POST":
            return 200, self._create_label(body)
        if rest == "/messages" and method == "GET":
            return 200, self._list(args)
        if rest == "/messages/batchModify" and method == "POST":
            self._batch_modify(body)
            return 204, None
        if rest == "/messages/send" and method == "POST":
            return 200, self._send(body)
        if rest == "/history" and method == "GET":
            return 200, self._history(args)
        m = re.fullmatch(r"/messages/([0-9a-f]+)/modify", rest)
        if m and method == "POST":
            mail = self.mails.get(m.group(1))
            if mail is None or mail.deleted:
                raise GoogleError(404, "notFound", "Requested entity was not found.")
            changes = body if isinstance(body, dict) else {}
            self._batch_modify({"ids": [mail.id], **{k: v for k, v in changes.items() if k != "ids"}})
            return 200, {"id": mail.id, "threadId": mail.thread_id, "labelIds": list(mail.labels)}
        m = re.fullmatch(r"/messages/([0-9a-f]+)", rest)
        if m and method == "GET":
            mail = self.mails.get(m.group(1))
            if mail is None or mail.deleted:
                raise GoogleError(404, "notFound", "Requested entity was not found.")
            return 200, self._message(mail, args.get("format", "full"))
        raise GoogleError(404, "notFound", "Not Found")

    def _message(self, mail: Mail, fmt: str) -> dict[str, Any]:
        if fmt not in ("full", "metadata", "minimal", "raw"):
            raise GoogleError(400, "invalidArgument", f"Invalid format: {fmt}")
        if fmt not in mail.rendered:
            mail.rendered[fmt] = _rendered(mail.raw, fmt)
        out: dict[str, Any] = {
            "id": mail.id,
            "threadId": mail.thread_id,
            "labelIds": list(mail.labels),
            **mail.rendered[fmt],
        }
        out.update(sizeEstimate=len(mail.raw), historyId=str(mail.history_id), internalDate=str(mail.internal_ms))
        return out

    def _matches(self, mail: Mail, query: str, label_ids: list[str]) -> bool:
        if mail.deleted or any(lid not in mail.labels for lid in label_ids):
            return False
        return all(any(self._term(mail, term) for term in group) for group in _query_groups(query))

    def _term(self, mail: Mail, term: str) -> bool:
        negate = term.startswith("-")
        term = term.lstrip("-")
        name, _, value = term.partition(":")
        name = name.lower()
        if name in ("in", "label"):
            wanted = (
                value.upper()
                if value.upper() in self.labels
                else next((lid for lid, lab in self.labels.items() if lab["name"].lower() == value.lower()), value)
            )
            result = wanted in mail.labels
        elif name in ("after", "before"):
            try:
                moment = _when(value)
            except ValueError:  # a date Gmail cannot read matches nothing (no error: search text is free)
                return negate
            result = mail.internal_ms / 1000 > moment if name == "after" else mail.internal_ms / 1000 < moment
        else:  # free text: the subject or the body holds it
            result = term.lower().encode() in mail.raw.lower()
        return result != negate

    def _list(self, args: dict[str, str]) -> dict[str, Any]:
        try:
            size = min(MAX_LIST, max(1, int(args.get("maxResults", "100"))))
            offset = int(args.get("pageToken", "0") or 0)
        except ValueError:
            raise GoogleError(400, "invalidArgument", "Invalid value for maxResults or pageToken") from None
        label_ids = [v for v in args.get("labelIds", "").split(",") if v]
        query = args.get("q", "")
        hits = sorted(
            (
                m
                for m in self.mails.values()
                if self._matches(m, query, label_ids) and gmail_mail.listed(m.labels, query, args)
            ),
            key=lambda m: (-m.internal_ms, m.id),
        )
        page = hits[offset : offset + size]
        out: dict[str, Any] = {"messages": [{"id": m.id, "threadId": m.thread_id} for m in page]} if page else {}
        if offset + size < len(hits):
            out["nextPageToken"] = f"{offset + size:020d}"
        out["resultSizeEstimate"] = len(hits)
        return out

    def _create_label(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not str(body.get("name") or "").strip():
            raise GoogleError(400, "invalidArgument", "Invalid label name")
        name = str(body["name"]).strip()
        if any(lab["name"].lower() == name.lower() for lab in self.labels.values()):
            raise GoogleError(409, "duplicate", "Label name exists or conflicts")
        color = body.get("color")
        if color is not None and (
            not isinstance(color, dict)
            or color.get("backgroundColor") not in PALETTE
            or color.get("textColor") not in PALETTE
        ):
            raise GoogleError(400, "invalidArgument", "Label color is not on the allowed color palette.")
        self.label_seq += 1
        label = {
            "id": f"Label_{self.label_seq}",
            "name": name,
            "messageListVisibility": body.get("messageListVisibility", "show"),
            "labelListVisibility": body.get("labelListVisibility", "labelShow"),
        }
        if color is not None:
            label["color"] = {"textColor": color["textColor"], "backgroundColor": color["backgroundColor"]}
        self.labels[label["id"]] = dict(label, type="user")
        return label

    def _batch_modify(self, body: Any) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("ids"), list) or not body["ids"]:
            raise GoogleError(400, "invalidArgument", "ids must be specified")
        ids = [str(i) for i in body["ids"]]
        if len(ids) > MAX_MODIFY:
            raise GoogleError(400, "invalidArgument", f"Too many ids: at most {MAX_MODIFY} per request")
        add = [str(x) for x in body.get("addLabelIds") or []]
        remove = [str(x) for x in body.get("removeLabelIds") or []]
        for lid in add + remove:
            if lid not in self.labels:
                raise GoogleError(400, "invalidArgument", f"Invalid label: {lid}")
        for mid in ids:
            mail = self.mails.get(mid)
            if mail is None or mail.deleted:
                continue  # batchModify skips ids it does not know, as Gmail does
            added = [lid for lid in add if lid not in mail.labels]
            removed = [lid for lid in remove if lid in mail.labels]
            mail.labels = [lid for lid in mail.labels if lid not in removed] + added
            if added:
                self._record("labelsAdded", mid, added)
            if removed:
                self._record("labelsRemoved", mid, removed)

    def _send(self, body: Any) -> dict[str, Any]:
        raw_text = body.get("raw") if isinstance(body, dict) else None
        if not isinstance(raw_text, str):
            raise GoogleError(
                400,
                "invalidArgument",
                "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
            )
        try:
            raw = _unb64(raw_text)
            parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
        except (ValueError, TypeError):
            raise GoogleError(400, "invalidArgument", "Invalid raw message") from None
        if not [a for _, a in getaddresses([str(parsed.get("To", ""))]) if "@" in a]:
            raise GoogleError(400, "invalidArgument", "Recipient address required")
        self.sent.append(raw)
        mid = self._add(
            _hex_id(f"sent-{self.next_history}-{secrets.token_hex(4)}"), raw, ["SENT"], int(time.time() * 1000)
        )
        return {"id": mid, "threadId": mid, "labelIds": ["SENT"]}

    def _history(self, args: dict[str, str]) -> dict[str, Any]:
        try:
            start = int(args["startHistoryId"])
        except (KeyError, ValueError):
            raise GoogleError(400, "invalidArgument", "startHistoryId is required") from None
        if start < self.history_floor:
            raise GoogleError(404, "notFound", "Requested entity was not found.")
        kinds = {
            "messageAdded": "messagesAdded",
            "messageDeleted": "messagesDeleted",
            "labelAdded": "labelsAdded",
            "labelRemoved": "labelsRemoved",
        }
        asked = [t for t in args.get("historyTypes", "").split(",") if t]
        unknown = [t for t in asked if t not in kinds]
        if unknown:
            raise GoogleError(400, "invalidArgument", f"Invalid value for historyTypes: {unknown[0]}")
        types = {kinds[t] for t in asked}
        label = args.get("labelId", "")
        try:
            size = min(MAX_LIST, max(1, int(args.get("maxResults", "100"))))
            offset = int(args.get("pageToken", "0") or 0)
        except ValueError:
            raise GoogleError(400, "invalidArgument", "Invalid value for maxResults or pageToken") from None
        records = [r for r in self.history if r.id > start and (not types or r.kind in types)]
        if label:
            records = [r for r in records if label in self.mails[r.message_id].labels or label in r.label_ids]
        page = records[offset : offset + size]
        out: dict[str, Any] = {}
        if page:
            history = []
            for r in page:
                mail = self.mails[r.message_id]
                ref = {"id": mail.id, "threadId": mail.thread_id}
                entry: dict[str, Any] = {"id": str(r.id), "messages": [ref]}
                if r.kind in ("messagesAdded", "messagesDeleted"):
                    entry[r.kind] = [{"message": dict(ref, labelIds=list(mail.labels))}]
                else:
                    entry[r.kind] = [{"message": dict(ref, labelIds=list(mail.labels)), "labelIds": r.label_ids}]
                history.append(entry)
            out["history"] = history
        if offset + size < len(records):
            out["nextPageToken"] = f"{offset + size:020d}"
        out["historyId"] = str(self.next_history)
        return out

    # --- Tasks ---

    def _tasks(self, method: str, path: str, args: dict[str, str]) -> tuple[int, Any]:
        try:
            return self.tasks.handle(method, path, args)
        except google_tasks.TasksError as exc:
            raise GoogleError(exc.status, exc.reason, exc.message) from None

    # --- Calendar ---

    def _calendar(self, method: str, path: str, args: dict[str, str], body: Any) -> tuple[int, Any]:
        rest = path.removeprefix("/calendar/v3/calendars/primary/events")
        if rest == "" and method == "GET":
            return 200, self._events(args)
        event_id = rest.strip("/")
        event = self.events.get(event_id)
        if event is None or "/" in event_id:
            raise GoogleError(404, "notFound", "Not Found")
        if method == "GET":
            return 200, dict(event.data)
        if method == "PATCH":
            if not isinstance(body, dict):
                raise GoogleError(400, "invalid", "Invalid value")
            data = dict(event.data)
            for key, value in body.items():
                if key == "colorId" and value is not None and str(value) not in EVENT_COLORS:
                    raise GoogleError(400, "invalid", "Invalid value for: colorId")
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            self._put_event(event_id, data)
            return 200, dict(self.events[event_id].data)
        raise GoogleError(404, "notFound", "Not Found")

    def _events(self, args: dict[str, str]) -> dict[str, Any]:
        size = min(2500, max(1, int(args.get("maxResults", "250") or 250)))
        token = args.get("pageToken") or args.get("syncToken")
        if args.get("syncToken") and (args.get("timeMin") or args.get("timeMax")):
            raise GoogleError(400, "invalid", "The parameters syncToken and timeMin are not compatible.")
        for bound in ("timeMin", "timeMax"):
            if args.get(bound) and not _rfc3339(args[bound]):
                # Google wants an RFC 3339 time with an offset ("2026-01-01T00:00:00Z"), nothing else.
                raise GoogleError(400, "badRequest", "Bad Request")
        if args.get("orderBy") == "startTime" and args.get("singleEvents") != "true":
            raise GoogleError(400, "badRequest", "The requested ordering is not available for the particular query.")
        time_max = args.get("timeMax")
        single = args.get("singleEvents") == "true"
        if token:
            try:
                state = json.loads(_unb64(token))
                since, upto, offset, time_min = int(state["s"]), int(state["u"]), int(state["o"]), state.get("t")
                time_max = state.get("x")
                epoch = int(state["e"])
            except (ValueError, KeyError, TypeError):
                raise GoogleError(400, "invalid", "Invalid sync token value.") from None
            if "syncToken" in args:
                if epoch != self.cal_epoch:
                    raise GoogleError(
                        410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
                    )
                since, upto, offset = upto, self.cal_seq, 0
        else:
            since, upto, offset, time_min = 0, self.cal_seq, 0, args.get("timeMin")
        ids = [i for i in self._changed_events(since, upto) if _listed(self.events[i].data, single)]
        if time_min and since == 0:  # timeMin bounds an event's end, timeMax its start (both exclusive)
            after = _when(time_min)
            ids = [i for i in ids if _when(self.events[i].data["end"]["dateTime"]) > after]
        if time_max and since == 0:
            before = _when(time_max)
            ids = [i for i in ids if _when(self.events[i].data["start"]["dateTime"]) < before]
        page = ids[offset : offset + size]
        out: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"{self.cal_seq:016d}"',
            "summary": self.owner.address,
            "updated": _iso(datetime.now(UTC)),
            "timeZone": "UTC",
            "accessRole": "owner",
            "defaultReminders": [{"method": "popup", "minutes": 10}],
        }
        state = {"s": since, "u": upto, "t": time_min, "x": time_max, "e": self.cal_epoch}
        if offset + size < len(ids):
            out["nextPageToken"] = _b64(json.dumps(dict(state, o=offset + size)).encode())
        else:
            out["nextSyncToken"] = _b64(json.dumps(dict(state, o=0)).encode())
        out["items"] = [dict(self.events[i].data) for i in page]
        return out

    def _changed_events(self, since: int, upto: int) -> list[str]:
        return self.event_log.between(
            since, upto, lambda i: self.events[i].seq, lambda i: self.events[i].data.get("status") == "cancelled"
        )

    def cancel_event(self, event_id: str) -> None:
        """Back door: the event is deleted (it comes back from a sync as status "cancelled")."""
        with self.lock:
            data = dict(self.events[event_id].data, status="cancelled")
            self._put_event(event_id, data)


def _query_groups(query: str) -> list[list[str]]:
    """A search query as AND of OR-groups: ``{a b} c`` -> [[a, b], [c]]."""
    groups: list[list[str]] = []
    for m in re.finditer(r"\{([^}]*)\}|(\S+)", query):
        if m.group(1) is not None:
            terms = m.group(1).split()
            if terms:
                groups.append(terms)
        elif m.group(2).upper() != "AND":
            groups.append([m.group(2)])
    # "a OR b" written out: fold the neighbours of each OR into one group.
    folded: list[list[str]] = []
    i = 0
    while i < len(groups):
        group = list(groups[i])
        while i + 2 < len(groups) and groups[i + 1] == ["OR"]:
            group += groups[i + 2]
            i += 2
        folded.append(group)
        i += 1
    return folded


def _when(value: str) -> float:
    """Seconds since the epoch from an epoch number, YYYY/MM/DD or an RFC 3339 time."""
    if re.fullmatch(r"\d+", value):
        return float(value)
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", value):
        return datetime.strptime(value, "%Y/%m/%d").replace(tzinfo=UTC).timestamp()
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _rfc3339(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_page(status: int, error: str, text: str) -> Response:
    body = (
        "<!DOCTYPE html><html lang=en><title>Error</title><body>"
        f"<p><b>{status}.</b> That's an error.</p><p>Error {status}: {html.escape(error)}</p>"
        f"<p>{html.escape(text)}</p></body></html>"
    )
    return Response(status, body.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})


def _loopback(uri: str) -> bool:
    """A desktop client's redirect: http on the loopback IP (or localhost), any port, any path."""
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")


def _redirect(uri: str, params: dict[str, str]) -> Response:
    joiner = "&" if "?" in uri else "?"
    return Response(302, b"", {"Location": uri + joiner + urlencode(params)})


def _listed(event: dict[str, Any], single: bool) -> bool:
    """Whether events.list shows an event: with singleEvents=true a series is expanded into its instances
    (the recurring event itself is not listed); without it the recurring event is listed once, with its
    modified instances (exceptions) only.  Source: Calendar API events.list, parameter singleEvents."""
    if "recurrence" in event:
        return not single
    if "recurringEventId" in event:
        return single or event["start"] != event["originalStartTime"]
    return True


def _event_data(event_id: str, e: SeedEvent, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "kind": "calendar#event",
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={_b64(event_id.encode())}",
        "created": _iso(start),
        "summary": e.subject,
        "description": e.body,
        "location": e.location,
        "creator": {"email": e.organizer.address},
        "organizer": {"email": e.organizer.address, "displayName": e.organizer.name},
        "start": {"dateTime": _iso(start), "timeZone": "UTC"},
        "end": {"dateTime": _iso(end), "timeZone": "UTC"},
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "attendees": [
            {"email": a.address, "displayName": a.name, "responseStatus": "needsAction"} for a in e.attendees
        ],
        "reminders": {"useDefault": True},
        "eventType": "default",
    }
