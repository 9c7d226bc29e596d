"""``GmailMailbox``: the mailbox port on the Gmail API (and the Calendar API for events).

Streams:

    mail      first read: messages.list (in:inbox OR in:sent, after the history window), one
              page per call (500 ids), the messages read in full through batch requests
              paced to the per-user quota (app/providers/gmail/batch.py); the cursor remembers the page token
              and the mailbox historyId taken before the read.  Later: history.list from that
              historyId (messageAdded); a 404 (history too old) raises CursorExpired.
              Drafts, spam, trash and chats are skipped (``NOT_MAIL``): only mail that was
              received or sent becomes an item.
    calendar  events.list with syncToken; a 410 raises CursorExpired.
    tasks     the default Google Tasks list, read again from the newest ``updated`` seen
              (app/providers/gmail/tasks.py).

Cursors are small JSON objects, behind the history window's start (``app.providers.window``).
Marks are labels: "Sync Error" (red from Gmail's palette) and nested "Sync Error/<detail>", applied with
messages.batchModify (1,000 ids per call), grouped by detail.  Failed
calendar events get the red colour (colorId 11).  Google Tasks has neither labels nor colours:
a failed task is not marked (its mark is recorded as done, so it is not asked for again).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, MutableMapping, Sequence
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from app.core.competitors import Traces, category_traces, unreadable
from app.core.errors import AccountError, CursorExpired, StreamDenied, SyncbarError
from app.core.model import Direction, ItemKind, MailItem, Person
from app.core.ports import Attachment, ChangePage, Mark, MarkResult
from app.providers.gmail import tasks
from app.providers.gmail.client import GmailClient
from app.providers.textutil import html_to_text, parse_time
from app.providers.window import window_start, windowed

MARK = "Sync Error"
MARK_COLOR = {"backgroundColor": "#cc3a21", "textColor": "#ffffff"}  # red, from Gmail's label palette
EVENT_RED = "11"  # Calendar colour id 11: Tomato
# Messages that are not mail exchanged with anyone: an unsent draft (every autosave is a new
# message id, reported by history.list as messagesAdded), spam, trash and Hangouts chat
# transcripts.  None of them becomes an activity; a draft that is sent arrives as a new
# SENT message and is logged then, once.
NOT_MAIL = frozenset({"DRAFT", "SPAM", "TRASH", "CHAT"})
BATCH_MODIFY_LIMIT = 1000
SCOPE_NOT_GRANTED = "MBX_SCOPE_NOT_GRANTED"
# What each stream needs, in the words of Google's consent screen, and the scope behind them.
PERMISSION = {
    "mail": ("Read, compose, and send emails from your Gmail account", "gmail.modify"),
    "calendar": ("View and edit events on all your calendars", "calendar.events"),
    "tasks": ("View your tasks", "tasks.readonly"),
}
STREAM_WORDS = {"mail": "your Gmail mail", "calendar": "your Google Calendar", "tasks": "your Google Tasks list"}
UNMARKED = frozenset({"tasks"})  # streams whose items carry no mark (nothing in the service to tag them with)


class GmailMailbox:
    """Implements ``app.core.ports.MailboxPort``."""

    # Mail, calendar and tasks have separate quotas (Gmail's units, Calendar's, Tasks'): read them at once.
    concurrent_streams = 3

    def __init__(
        self,
        account: str,
        client: GmailClient,
        *,
        page_size: int = 500,  # messages.list's largest page
        history_days: int = 30,
        activated_at: datetime | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.account = account
        self.client = client
        self.page_size = page_size
        self.history_days = history_days
        self.activated_at = activated_at
        self.clock = clock
        self._cache: MutableMapping[str, Any] = cache if cache is not None else {}

    def streams(self) -> Sequence[str]:
        return ("mail", "calendar", "tasks")

    def window_start(self) -> datetime:
        """The oldest moment the sync reads: the history window before activation (the rules' own start)."""
        return window_start(self.history_days, self.activated_at, self.clock())

    # -- reading ----------------------------------------------------------------------

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        if stream not in PERMISSION:
            raise ValueError(f"unknown Gmail stream {stream!r}")

        def read(inner: str | None) -> ChangePage:
            state = json.loads(inner) if inner else {}
            return self._mail_changes(state) if stream == "mail" else self._calendar_changes(state)

        try:
            if stream == "tasks":  # a task has no date to window by
                return tasks.changes(self.client.get, cursor)
            return windowed(self.window_start(), cursor, read)
        except AccountError as exc:
            if exc.code != SCOPE_NOT_GRANTED:
                raise
            # Granular consent: the user left this permission unticked.  The other stream may
            # still be readable, so only this one is skipped (an account issue names it).
            words, scope = PERMISSION[stream]
            raise StreamDenied(
                exc.code,
                f'The permission "{words}" ({scope}) was not granted when you signed in, '
                f"so {STREAM_WORDS[stream]} is not synced; the rest of the account is.",
                service_code=exc.service_code,
            ) from exc

    def _mail_changes(self, state: dict[str, Any]) -> ChangePage:
        if state.get("phase") != "history":
            if "historyId" not in state:
                profile = self.client.get("/gmail/v1/users/me/profile")
                state = {"phase": "list", "historyId": str(profile["historyId"])}
            after = int(self.window_start().timestamp())
            params: dict[str, Any] = {"q": f"{{in:inbox in:sent}} after:{after}", "maxResults": str(self.page_size)}
            if state.get("pageToken"):
                params["pageToken"] = state["pageToken"]
            page = self.client.get("/gmail/v1/users/me/messages", params=params)
            items = self._messages([str(m["id"]) for m in page.get("messages", [])])
            if page.get("nextPageToken"):
                state["pageToken"] = page["nextPageToken"]
                return ChangePage(items, [], json.dumps(state), True)
            return ChangePage(items, [], json.dumps({"phase": "history", "historyId": state["historyId"]}), False)
        params = {
            "startHistoryId": state["historyId"],
            "historyTypes": ["messageAdded", "messageDeleted"],
            "maxResults": "500",
        }
        if state.get("pageToken"):
            params["pageToken"] = state["pageToken"]
        try:
            page = self.client.get("/gmail/v1/users/me/history", params=params)
        except CursorExpired:
            raise
        ids: dict[str, None] = {}
        removed: list[str] = []
        for record in page.get("history", []):
            for added in record.get("messagesAdded", []):
                if NOT_MAIL.intersection(added["message"].get("labelIds") or ()):
                    continue  # not worth a messages.get: a draft version, spam, trash or chat
                ids.setdefault(str(added["message"]["id"]), None)
            for deleted in record.get("messagesDeleted", []):
                gone = str(deleted["message"]["id"])
                ids.pop(gone, None)  # added and deleted within the same window: nothing to read
                removed.append(gone)
        items = self._messages(list(ids))
        new_state = {"phase": "history", "historyId": str(page.get("historyId", state["historyId"]))}
        if page.get("nextPageToken"):
            new_state = {
                "phase": "history",
                "historyId": state["historyId"],
                "pageToken": page["nextPageToken"],
            }
            return ChangePage(items, removed, json.dumps(new_state), True)
        return ChangePage(items, removed, json.dumps(new_state), False)

    def _messages(self, message_ids: list[str]) -> list[MailItem]:
        """The messages, read in batch requests at the pace of the quota.  ``format=full`` is the
        lightest that carries the body the mapping needs (``metadata`` has headers only; ``raw``
        costs the same units and is larger)."""
        found = self.client.get_many([f"/gmail/v1/users/me/messages/{mid}?format=full" for mid in message_ids])
        items = []
        for data in found:
            if data is None:
                continue  # deleted between listing and reading
            if NOT_MAIL.intersection(data.get("labelIds") or ()):
                continue  # its labels changed since it was listed (trashed, marked as spam)
            items.append(message_item(data, self.account))
        return items

    def _calendar_changes(self, state: dict[str, Any]) -> ChangePage:
        params: dict[str, str] = {"maxResults": str(self.page_size), "singleEvents": "true"}
        if state.get("pageToken"):
            params["pageToken"] = state["pageToken"]
        if state.get("syncToken"):
            params["syncToken"] = state["syncToken"]
        else:
            params["timeMin"] = self.window_start().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            params["timeMax"] = (self.clock() + timedelta(days=365)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        page = self.client.get("/calendar/v3/calendars/primary/events", params=params)
        items, removed = [], []
        for event in page.get("items", []):
            if event.get("status") == "cancelled":
                removed.append(str(event["id"]))
            else:
                items.append(event_item(event))
        if page.get("nextPageToken"):
            keep = {k: v for k, v in state.items() if k == "syncToken"}
            return ChangePage(items, removed, json.dumps({**keep, "pageToken": page["nextPageToken"]}), True)
        return ChangePage(items, removed, json.dumps({"syncToken": page.get("nextSyncToken", "")}), False)

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        if stream == "tasks":
            return tasks.fetch(self.client.get, mailbox_id)
        if stream == "calendar":
            return event_item(self.client.get(f"/calendar/v3/calendars/primary/events/{mailbox_id}"))
        return message_item(
            self.client.get(f"/gmail/v1/users/me/messages/{mailbox_id}", params={"format": "full"}),
            self.account,
        )

    # -- marks ------------------------------------------------------------------------

    def _labels(self, names: set[str]) -> dict[str, str]:
        known: dict[str, str] = dict(self._cache.get("gmail.labels", {}))
        if not names <= set(known):
            listed = self.client.get("/gmail/v1/users/me/labels")
            known = {str(lab["name"]): str(lab["id"]) for lab in listed.get("labels", [])}
            for name in sorted(names - set(known)):
                body: dict[str, Any] = {
                    "name": name,
                    "labelListVisibility": "labelShow",
                    "messageListVisibility": "show",
                }
                if name == MARK:
                    body["color"] = MARK_COLOR
                created = self.client.post("/gmail/v1/users/me/labels", body, conflict_ok=True)
                if created is None:  # 409: it exists after all; read the list again
                    listed = self.client.get("/gmail/v1/users/me/labels")
                    known = {str(lab["name"]): str(lab["id"]) for lab in listed.get("labels", [])}
                else:
                    known[name] = str(created["id"])
            self._cache["gmail.labels"] = known
        return known

    def _modify(self, ids: list[str], add: list[str], remove: list[str]) -> None:
        for start in range(0, len(ids), BATCH_MODIFY_LIMIT):
            body = {
                "ids": ids[start : start + BATCH_MODIFY_LIMIT],
                "addLabelIds": add,
                "removeLabelIds": remove,
            }
            self.client.post("/gmail/v1/users/me/messages/batchModify", body)

    def mark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        mail = [m for m in marks if m.stream not in UNMARKED | {"calendar"}]
        results: dict[str, MarkResult] = {
            m.mailbox_id: MarkResult(m.mailbox_id, True) for m in marks if m.stream in UNMARKED
        }
        if mail:
            names = {MARK} | {f"{MARK}/{m.detail}" for m in mail if m.detail}
            labels = self._labels(names)
            by_detail: dict[str, list[str]] = {}
            for m in mail:
                by_detail.setdefault(m.detail, []).append(m.mailbox_id)
            for detail, ids in by_detail.items():
                add = [labels[MARK]] + ([labels[f"{MARK}/{detail}"]] if detail else [])
                self._modify(ids, add, [])
                results.update({i: MarkResult(i, True) for i in ids})
        for m in marks:
            if m.stream == "calendar":
                results[m.mailbox_id] = self._colour(m.mailbox_id, EVENT_RED)
        return [results[m.mailbox_id] for m in marks]

    def _colour(self, event_id: str, colour: str | None) -> MarkResult:
        """Set (or, with None, remove) an event's colour; a calendar not granted fails that mark only."""
        try:
            self.client.patch(f"/calendar/v3/calendars/primary/events/{event_id}", {"colorId": colour})
        except AccountError as exc:
            if exc.code != SCOPE_NOT_GRANTED:
                raise
            return MarkResult(event_id, False, exc.code)
        return MarkResult(event_id, True)

    def unmark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        mail = [m for m in marks if m.stream not in UNMARKED | {"calendar"}]
        if mail:
            labels = self._labels({MARK})
            ours = [lid for name, lid in labels.items() if name == MARK or name.startswith(MARK + "/")]
            self._modify([m.mailbox_id for m in mail], [], ours)
        # Calendar events go back to the calendar's own colour.
        return [
            self._colour(m.mailbox_id, None) if m.stream == "calendar" else MarkResult(m.mailbox_id, True)
            for m in marks
        ]

    def link(self, item: MailItem) -> str:
        return item.web_link

    def sync_tool_traces(self) -> Traces:
        """The label list: the labels a Salesforce tool adds would be there."""
        try:
            listed = self.client.get("/gmail/v1/users/me/labels")
        except SyncbarError as exc:
            return unreadable("Gmail labels", exc)
        return category_traces([str(lb.get("name") or "") for lb in (listed or {}).get("labels", [])], "Gmail labels")

    def send_notification(self, subject: str, body: str) -> None:
        self.send_mail(self.account, subject, body)

    def send_mail(self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
        """``messages.send`` with the raw RFC 822 message (multipart/mixed when files go with it)."""
        message = EmailMessage()
        message["To"] = to
        message["From"] = self.account
        message["Subject"] = subject
        message.set_content(body)
        for a in attachments:
            maintype, _, subtype = a.content_type.partition("/")
            message.add_attachment(a.data, maintype=maintype, subtype=subtype or "octet-stream", filename=a.name)
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
        self.client.post("/gmail/v1/users/me/messages/send", {"raw": raw})


# -- conversion -------------------------------------------------------------------------------


def _decoded(value: str) -> str:
    """Header text with RFC 2047 encoded-words decoded (legacy charsets included)."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeDecodeError):
        return value


def _people(value: str) -> list[Person]:
    return [Person(addr.strip(), _decoded(name)) for name, addr in getaddresses([value]) if addr or name]


def _part_text(part: dict[str, Any]) -> tuple[str, str]:
    """(plain text, html) found in a payload part tree."""
    mime = str(part.get("mimeType", ""))
    if mime.startswith("multipart/"):
        plain, markup = "", ""
        for sub in part.get("parts", []) or []:
            p, h = _part_text(sub)
            plain, markup = plain or p, markup or h
        return plain, markup
    data = (part.get("body") or {}).get("data")
    if not data or not mime.startswith("text/"):
        return "", ""
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return "", ""  # a part whose body does not decode: read the rest of the message
    charset = "utf-8"
    for header in part.get("headers", []) or []:
        if str(header.get("name", "")).lower() == "content-type" and "charset=" in str(header.get("value", "")):
            charset = str(header["value"]).split("charset=")[1].split(";")[0].strip().strip('"') or "utf-8"
    try:
        text = raw.decode(charset, errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    return (text, "") if mime == "text/plain" else ("", text)


def message_item(data: dict[str, Any], account: str) -> MailItem:
    payload = data.get("payload") or {}
    headers = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in payload.get("headers", [])}
    plain, markup = _part_text(payload)
    sender = _people(headers.get("from", ""))
    recipients = tuple(_people(headers.get("to", "")) + _people(headers.get("cc", "")))
    labels = [str(x) for x in data.get("labelIds", [])]
    outbound = "SENT" in labels or (sender and sender[0].address.lower() == account.lower())
    when: datetime | None = None
    if data.get("internalDate"):
        when = datetime.fromtimestamp(int(data["internalDate"]) / 1000, UTC)
    elif headers.get("date"):
        try:
            when = parsedate_to_datetime(headers["date"])
        except (TypeError, ValueError):
            when = None
    extra = {
        k: v
        for k, v in headers.items()
        if k
        in (
            "message-id",
            "auto-submitted",
            "x-failed-recipients",
            "list-id",
            "precedence",
            "content-type",
            "return-path",
        )
    }
    return MailItem(
        kind=ItemKind.EMAIL,
        mailbox_id=str(data.get("id", "")),
        stream="mail",
        subject=_decoded(headers.get("subject", "")),
        body=plain or html_to_text(markup),
        sender=sender[0] if sender else None,
        recipients=recipients,
        occurred_at=when,
        direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
        web_link=f"https://mail.google.com/mail/u/0/#all/{data.get('id', '')}",
        headers=extra,
        labels=tuple(labels),
    )


def event_item(event: dict[str, Any]) -> MailItem:
    def when(value: Any) -> datetime | None:
        if not isinstance(value, dict):
            return None
        return parse_time(
            value.get("dateTime") or (value.get("date", "") + "T00:00:00Z" if value.get("date") else None)
        )

    organizer = event.get("organizer") or {}
    attendees = tuple(
        Person(str(a.get("email", "")), str(a.get("displayName", "")))
        for a in event.get("attendees", []) or []
        if a.get("email")
    )
    return MailItem(
        kind=ItemKind.EVENT,
        mailbox_id=str(event.get("id", "")),
        stream="calendar",
        subject=str(event.get("summary") or ""),
        body=str(event.get("description") or ""),
        sender=Person(str(organizer.get("email", "")), str(organizer.get("displayName", ""))) if organizer else None,
        recipients=attendees,
        occurred_at=when(event.get("start")),
        end_at=when(event.get("end")),
        web_link=str(event.get("htmlLink") or ""),
        fields={"location": str(event.get("location") or "")},
    )
