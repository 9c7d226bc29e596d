"""``GraphMailbox``: the mailbox port on Microsoft Graph (Microsoft 365).

Streams and their delta endpoints:

    inbox, sentitems  /me/mailFolders/{folder}/messages/delta   ($select and $filter on the first call only)
    calendar          /me/calendarView/delta?startDateTime&endDateTime
    contacts          /me/contactFolders/{id}/contacts/delta (id of the well-known "contacts" folder)
    tasks             /me/todo/lists/{id}/tasks/delta (Microsoft To Do's default list: app/providers/graph/todo.py)

Every delta call asks for ``Prefer: odata.maxpagesize`` and immutable ids.
A page with ``@odata.nextLink`` continues the read; ``@odata.deltaLink`` ends
it and is where the next cycle starts.  A 410 / syncStateNotFound raises
``CursorExpired`` and the engine reads the stream in full again.

Recurring meetings: calendarView/delta lists each occurrence and exception in the window with only
``id``, ``seriesMasterId``, ``type``, ``start`` and ``end``.  Each becomes an event of its own (one
Salesforce Event per meeting held) with its own times and the subject, body, location, organizer and
attendees of its series, read once per series and round with GET /me/events/{seriesMasterId}.  An
instance whose series is gone (404) is reported removed.

The history window (the profile's days before activation) is asked of the server: mail with
``$filter=receivedDateTime ge <start>``, the calendar with its ``startDateTime``; nothing older is read.
A filtered delta round returns at most 5,000 messages (Graph's "delta query for messages" page), so
the first round counts what it gets (the cursor carries the count: ``window:<n>:<link>``); a round
that reaches the limit is followed by a full, unfiltered one (cursor ``full``), whose older mail the
rules set aside as before the window.  The window's start travels in front of the cursor
(``app.providers.window``): a window widened later makes the stream read again.

Marks are Outlook categories: the red "Sync Error" (preset0) and a detail
category "Sync Error: <detail>" (no colour), created in the master list when
missing, applied and removed with ``$batch`` (20 requests per call).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from app.core.competitors import Traces, category_traces, unreadable
from app.core.errors import ItemError, SyncbarError
from app.core.model import Direction, ItemKind, MailItem, Person
from app.core.ports import Attachment, ChangePage, Mark, MarkResult
from app.net.bearer import MAX_INLINE_WAIT
from app.net.retry_after import retry_after_seconds
from app.providers.graph.client import GraphClient, graph_error
from app.providers.graph.todo import TodoStream
from app.providers.textutil import html_to_text, parse_time
from app.providers.window import window_start, windowed

MARK = "Sync Error"
MARK_COLOR = "preset0"  # red
DETAIL_COLOR = "none"  # white: no colour
BATCH_LIMIT = 20
BATCH_TRIES = 4  # a throttled batch step is sent at most this many times in one call
DEFAULT_STEP_WAIT = 1.0  # seconds, when a throttled step carries no Retry-After
FILTERED_DELTA_LIMIT = 5000  # messages a delta round with $filter returns at most
TODO_PAGE = 200  # tasks asked per To Do delta page (Graph pages To Do in fewer; the links carry on)
WINDOW_CURSOR = "window:"  # a filtered first round in progress: "window:<messages so far>:<next link>"
FULL_READ = "full"  # a filtered round hit the limit: read the folder again without the filter
MESSAGE_FIELDS = (
    "subject,body,from,toRecipients,ccRecipients,receivedDateTime,sentDateTime,internetMessageId,webLink,categories"
)
STREAM_KIND = {
    "inbox": ItemKind.EMAIL,
    "sentitems": ItemKind.EMAIL,
    "calendar": ItemKind.EVENT,
    "contacts": ItemKind.CONTACT,
    "tasks": ItemKind.TASK,
}
ENTITY_PATH = {
    "inbox": "/me/messages/",
    "sentitems": "/me/messages/",
    "calendar": "/me/events/",
    "contacts": "/me/contacts/",
}


def detail_category(detail: str) -> str:
    return f"{MARK}: {detail}" if detail else MARK


class GraphMailbox:
    """Implements ``app.core.ports.MailboxPort``."""

    # Four streams are read at once; the client keeps to Graph's 4 requests in flight per mailbox.
    concurrent_streams = 4

    def __init__(
        self,
        account: str,
        client: GraphClient,
        *,
        page_size: int = 1000,  # the largest odata.maxpagesize Graph honours for messages
        history_days: int = 30,
        activated_at: datetime | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        filtered_limit: int = FILTERED_DELTA_LIMIT,
    ) -> None:
        self.filtered_limit = filtered_limit
        self.account = account
        self.client = client
        self.page_size = page_size
        self.history_days = history_days
        self.activated_at = activated_at
        self.clock = clock
        self._master: set[str] | None = None
        self._series: dict[str, dict[str, Any] | None] = {}  # series master id -> master (None: gone), per round
        self.todo = TodoStream(client.request, min(page_size, TODO_PAGE))

    def streams(self) -> Sequence[str]:
        return ("inbox", "sentitems", "calendar", "contacts", "tasks")

    # -- reading -----------------------------------------------------------------------

    def window_start(self) -> datetime:
        """The oldest moment the sync reads: the history window before activation (the rules' own start)."""
        return window_start(self.history_days, self.activated_at, self.clock())

    def _initial(self, stream: str, *, filtered: bool = True) -> str:
        start = self.window_start().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if stream in ("inbox", "sentitems"):
            query = {"$select": MESSAGE_FIELDS}
            if filtered:
                query["$filter"] = f"receivedDateTime ge {start}"
            return f"/me/mailFolders/{stream}/messages/delta?" + urlencode(query)
        if stream == "calendar":
            window = {
                "startDateTime": start,
                "endDateTime": (self.clock() + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            return "/me/calendarView/delta?" + urlencode(window)
        if stream == "contacts":
            # Delta is a function of a contact folder ("contact: delta"); the default folder's id comes
            # from its well-known name.  The delta link carries it from then on.
            _, folder, _ = self.client.request("GET", "/me/contactFolders/contacts", params={"$select": "id"})
            folder_id = str((folder or {}).get("id") or "")
            return f"/me/contactFolders/{quote(folder_id, safe='=')}/contacts/delta"
        raise ValueError(f"unknown Graph stream {stream!r}")

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        if stream == "tasks":
            return self.todo.changes(cursor)
        if stream in ("inbox", "sentitems", "calendar"):
            return windowed(self.window_start(), cursor, lambda inner: self._changes(stream, inner))
        return self._changes(stream, cursor)

    def _changes(self, stream: str, cursor: str | None) -> ChangePage:
        headers = {"Prefer": f'odata.maxpagesize={self.page_size}, IdType="ImmutableId"'}
        mail = stream in ("inbox", "sentitems")
        seen: int | None = None  # messages so far in a filtered first round
        if not cursor:
            url, seen = self._initial(stream), (0 if mail else None)
        elif cursor == FULL_READ:
            url = self._initial(stream, filtered=False)
        elif cursor.startswith(WINDOW_CURSOR):
            count, _, url = cursor[len(WINDOW_CURSOR) :].partition(":")
            seen = int(count)
        else:
            url = cursor
        _, body, _ = self.client.request("GET", url, headers=headers)
        body = body or {}
        if seen is not None:
            seen += len(body.get("value", []))
        items: list[MailItem] = []
        removed: list[str] = []
        for entry in body.get("value", []):
            if "@removed" in entry:
                removed.append(str(entry.get("id", "")))
                continue
            if stream == "calendar" and entry.get("seriesMasterId") and "subject" not in entry:
                master = self._series_master(str(entry["seriesMasterId"]))
                if master is None:
                    removed.append(str(entry.get("id", "")))
                    continue
                entry = _instance_of(master, entry)
            items.append(self._item(stream, entry))
        next_link = body.get("@odata.nextLink")
        delta_link = body.get("@odata.deltaLink")
        if next_link:
            return ChangePage(
                items, removed, str(next_link) if seen is None else f"{WINDOW_CURSOR}{seen}:{next_link}", True
            )
        self._series.clear()  # the round is over: a series edited later is read again
        if seen is not None and seen >= self.filtered_limit:
            return ChangePage(items, removed, FULL_READ, True)  # the filter may have cut the window short
        return ChangePage(items, removed, str(delta_link or url), False)

    def _series_master(self, master_id: str) -> dict[str, Any] | None:
        if master_id not in self._series:
            try:
                _, body, _ = self.client.request(
                    "GET", ENTITY_PATH["calendar"] + master_id, headers={"Prefer": 'IdType="ImmutableId"'}
                )
            except ItemError as exc:  # only a 404 is an ItemError here: the series was deleted meanwhile
                if exc.service_code not in ("ErrorItemNotFound", "404"):
                    raise
                body = None
            self._series[master_id] = body if isinstance(body, dict) else None
        return self._series[master_id]

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        if stream == "tasks":
            return self.todo.fetch(mailbox_id)
        path = ENTITY_PATH.get(stream)
        if path is None:
            raise ValueError(f"unknown Graph stream {stream!r}")
        _, body, _ = self.client.request("GET", path + mailbox_id, headers={"Prefer": 'IdType="ImmutableId"'})
        return self._item(stream, body or {})

    def _item(self, stream: str, data: dict[str, Any]) -> MailItem:
        kind = STREAM_KIND[stream]
        categories = tuple(str(c) for c in data.get("categories") or ())
        common: dict[str, Any] = {
            "mailbox_id": str(data.get("id", "")),
            "stream": stream,
            "labels": categories,
            "web_link": str(data.get("webLink") or ""),
        }
        if kind is ItemKind.EMAIL:
            return MailItem(
                kind=kind,
                subject=str(data.get("subject") or ""),
                body=_body(data.get("body")),
                sender=_person(data.get("from")),
                recipients=tuple(
                    p
                    for p in (_person(r) for r in (data.get("toRecipients") or []) + (data.get("ccRecipients") or []))
                    if p is not None
                ),
                occurred_at=parse_time(
                    data.get("sentDateTime") if stream == "sentitems" else data.get("receivedDateTime")
                ),
                direction=Direction.OUTBOUND if stream == "sentitems" else Direction.INBOUND,
                headers={"message-id": str(data.get("internetMessageId") or "")},
                **common,
            )
        if kind is ItemKind.EVENT:
            attendees = tuple(p for p in (_person(a) for a in data.get("attendees") or []) if p is not None)
            return MailItem(
                kind=kind,
                subject=str(data.get("subject") or ""),
                body=_body(data.get("body")),
                sender=_person(data.get("organizer")),
                recipients=attendees,
                occurred_at=_zoned(data.get("start")),
                end_at=_zoned(data.get("end")),
                fields={
                    "location": str((data.get("location") or {}).get("displayName") or ""),
                },
                **common,
            )
        emails = data.get("emailAddresses") or [{}]
        phones = data.get("businessPhones") or [data.get("mobilePhone") or ""]
        return MailItem(
            kind=kind,
            subject=str(data.get("displayName") or ""),
            fields={
                "first_name": str(data.get("givenName") or ""),
                "last_name": str(data.get("surname") or ""),
                "email": str(emails[0].get("address") or ""),
                "company": str(data.get("companyName") or ""),
                "phone": str(phones[0] or ""),
                "title": str(data.get("jobTitle") or ""),
            },
            **common,
        )

    # -- marks ---------------------------------------------------------------------------

    def _ensure_master(self, names: set[str]) -> None:
        if self._master is None:
            _, body, _ = self.client.request("GET", "/me/outlook/masterCategories")
            self._master = {str(c.get("displayName")) for c in (body or {}).get("value", [])}
        missing = sorted(names - self._master)
        requests = [
            {
                "id": str(i),
                "method": "POST",
                "url": "/me/outlook/masterCategories",
                "headers": {"Content-Type": "application/json"},
                "body": {"displayName": name, "color": MARK_COLOR if name == MARK else DETAIL_COLOR},
            }
            for i, name in enumerate(missing)
        ]
        for answer_id, status, _ in self._batch(requests):
            name = missing[int(answer_id)]
            if status < 300 or status == 409:  # 409: someone created it meanwhile
                self._master.add(name)

    def _batch(self, requests: list[dict[str, Any]]) -> list[tuple[str, int, Any]]:
        """Send requests through $batch, 20 per call; answers (id, status, body) for each.

        Graph weighs each step of a batch against its limits on its own: a throttled step comes back
        as a 429 sub-response with its own Retry-After while the others succeed.  Only those steps
        are sent again, in a new batch, after the longest of their Retry-After values ("Throttling
        and batching"); a wait beyond MAX_INLINE_WAIT, or a step throttled BATCH_TRIES times, is
        answered 429 and the engine retries it in a later cycle.
        """
        answers: list[tuple[str, int, Any]] = []
        for start in range(0, len(requests), BATCH_LIMIT):
            pending = requests[start : start + BATCH_LIMIT]
            for attempt in range(BATCH_TRIES):
                _, body, _ = self.client.request("POST", "/$batch", json={"requests": pending})
                by_id = {r["id"]: r for r in pending}
                throttled: list[tuple[dict[str, Any], float]] = []
                for response in (body or {}).get("responses", []):
                    status = int(response.get("status", 500))
                    if status == 429 and response.get("id") in by_id:
                        wait = retry_after_seconds(_headers(response), default=DEFAULT_STEP_WAIT)
                        throttled.append((by_id[response["id"]], wait))
                        continue
                    answers.append((str(response.get("id")), status, response.get("body")))
                if not throttled:
                    break
                longest = max(wait for _, wait in throttled)
                pending = [request for request, _ in throttled]
                if attempt == BATCH_TRIES - 1 or longest > MAX_INLINE_WAIT:
                    answers.extend((r["id"], 429, None) for r in pending)
                    break
                self.client.wait(longest)
        return answers

    def _patch_categories(self, marks: Sequence[Mark], compute: Callable[[Mark], list[str]]) -> list[MarkResult]:
        requests = []
        for i, mark in enumerate(marks):
            if mark.stream == "tasks":  # a To Do task: its list's path, the id quoted (it holds '=' and '-')
                url = self.todo.list_path() + quote(mark.mailbox_id, safe="")
            else:
                url = ENTITY_PATH.get(mark.stream, "/me/messages/") + mark.mailbox_id
            requests.append(
                {
                    "id": str(i),
                    "method": "PATCH",
                    "url": url,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"categories": compute(mark)},
                }
            )
        results: dict[int, MarkResult] = {}
        for answer_id, status, body in self._batch(requests):
            index = int(answer_id)
            if status < 300:
                results[index] = MarkResult(marks[index].mailbox_id, True)
            else:
                code = graph_error(status, body, catalog=self.client.catalog).code
                results[index] = MarkResult(marks[index].mailbox_id, False, code)
        return [results.get(i, MarkResult(m.mailbox_id, False, "SYNC_UNKNOWN_ERROR")) for i, m in enumerate(marks)]

    def mark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        if not marks:
            return []
        self._ensure_master({MARK} | {detail_category(m.detail) for m in marks if m.detail})

        def categories(mark: Mark) -> list[str]:
            own = [c for c in mark.labels if not _ours(c)]
            return own + [MARK] + ([detail_category(mark.detail)] if mark.detail else [])

        return self._patch_categories(marks, categories)

    def unmark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        if not marks:
            return []
        return self._patch_categories(marks, lambda mark: [c for c in mark.labels if not _ours(c)])

    def link(self, item: MailItem) -> str:
        return item.web_link

    def sync_tool_traces(self) -> Traces:
        """The master category list: Salesforce for Outlook adds its own categories there."""
        try:
            _, body, _ = self.client.request("GET", "/me/outlook/masterCategories")
        except SyncbarError as exc:
            return unreadable(SOURCE, exc)
        return category_traces([str(c.get("displayName") or "") for c in (body or {}).get("value", [])], SOURCE)

    def send_notification(self, subject: str, body: str) -> None:
        self._send(self.account, subject, body, (), save=False)

    def send_mail(self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
        self._send(to, subject, body, attachments, save=True)

    def _send(self, to: str, subject: str, body: str, attachments: Sequence[Attachment], *, save: bool) -> None:
        """``POST /me/sendMail``; files go inline as ``fileAttachment`` (base64 ``contentBytes``)."""
        message: dict[str, Any] = {
            "subject": subject,
            "body": {"contentType": "Text", "content": body},
            "toRecipients": [{"emailAddress": {"address": to}}],
        }
        if attachments:
            message["attachments"] = [
                {
                    "@odata.type": "#microsoft.graph.fileAttachment",
                    "name": a.name,
                    "contentType": a.content_type,
                    "contentBytes": base64.b64encode(a.data).decode("ascii"),
                }
                for a in attachments
            ]
        self.client.request("POST", "/me/sendMail", json={"message": message, "saveToSentItems": save})


SOURCE = "mailbox categories"


def _headers(response: dict[str, Any]) -> dict[str, str]:
    headers = response.get("headers")
    return {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {}


def _instance_of(master: dict[str, Any], instance: dict[str, Any]) -> dict[str, Any]:
    """An occurrence as a whole event: the series' subject and people, the instance's id, times and marks
    (its link, absent from the bare instance, opens the series)."""
    event = {k: v for k, v in master.items() if k not in ("id", "start", "end", "categories")}
    event.update(instance)
    return event


def _ours(category: str) -> bool:
    return category == MARK or category.startswith(MARK + ": ")


def _person(value: Any) -> Person | None:
    if not isinstance(value, dict):
        return None
    email = value.get("emailAddress") or {}
    address = str(email.get("address") or "").strip()
    name = str(email.get("name") or "")
    return Person(address, name) if address or name else None


def _body(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    content = str(value.get("content") or "")
    return html_to_text(content) if str(value.get("contentType", "")).lower() == "html" else content


def _zoned(value: Any) -> datetime | None:
    if not isinstance(value, dict):
        return None
    # calendarView returns UTC unless a Prefer: outlook.timezone header asks otherwise.
    return parse_time(str(value.get("dateTime") or ""))
