"""EWS notifications: the events a mailbox's changes raise, and the pull, push and streaming
subscriptions that report them.

Shapes follow Microsoft's EWS reference: "Subscribe operation" (PullSubscriptionRequest,
PushSubscriptionRequest, StreamingSubscriptionRequest, SubscribeToAllFolders), "GetEvents operation",
"Unsubscribe operation", "GetStreamingEvents operation" (Notifications, ConnectionStatus,
ErrorSubscriptionIds), "Notification" and the event elements (CreatedEvent, DeletedEvent,
ModifiedEvent, MovedEvent, CopiedEvent, NewMailEvent, StatusEvent: Watermark, TimeStamp, ItemId,
ParentFolderId, OldItemId, OldParentFolderId), and "How to: Maintain affinity between a group of
subscriptions and the Mailbox server" (the X-BackEndOverrideCookie).

What is ours: a pull subscription lapses when it is not polled within its Timeout minutes (measured
on the injected clock); a push subscription is kept but nothing is posted to its URL; a
GetStreamingEvents answer sends what is pending and closes at once instead of holding the connection
for ConnectionTimeout minutes; one GetEvents answer carries at most ``MAX_EVENTS`` events.
"""

from __future__ import annotations

import base64
import secrets
import struct
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
EVENT_TYPES = (
    "CopiedEvent",
    "CreatedEvent",
    "DeletedEvent",
    "ModifiedEvent",
    "MovedEvent",
    "NewMailEvent",
    "FreeBusyChangedEvent",
)
MAX_EVENTS = 50
KEPT_EVENTS = 10_000
_WATERMARK_TAG = b"\x01wm"

Ref = tuple[str, str]  # (Id, ChangeKey)


class NotifyError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Event:
    seq: int
    kind: str
    stamp: str
    item: Ref
    parent: Ref
    folder: str  # the parent's key, for a subscription's folder list
    old_item: Ref | None = None
    old_parent: Ref | None = None
    old_folder: str = ""


@dataclass
class Subscription:
    id: str
    kind: str  # "pull", "push" or "streaming"
    folders: frozenset[str] | None  # None: SubscribeToAllFolders
    types: frozenset[str]
    position: int  # the last event reported (or the watermark it started from)
    timeout: float = 0.0  # pull: seconds without a GetEvents before it lapses
    polled: float = 0.0
    url: str = ""

    def wants(self, event: Event) -> bool:
        if event.kind not in self.types:
            return False
        return self.folders is None or event.folder in self.folders or event.old_folder in self.folders


def watermark(seq: int) -> str:
    return base64.b64encode(_WATERMARK_TAG + struct.pack(">Q", seq)).decode()


def read_watermark(text: str) -> int:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != len(_WATERMARK_TAG) + 8 or not raw.startswith(_WATERMARK_TAG):
        raise NotifyError("ErrorInvalidWatermark", "The watermark is invalid.")
    return int(struct.unpack(">Q", raw[len(_WATERMARK_TAG) :])[0])


def _ref(tag: str, ref: Ref) -> str:
    return f'<t:{tag} Id="{ref[0]}" ChangeKey="{ref[1]}"/>'


def event_xml(event: Event) -> str:
    inner = f"<t:Watermark>{watermark(event.seq)}</t:Watermark><t:TimeStamp>{event.stamp}</t:TimeStamp>"
    inner += _ref("ItemId", event.item) + _ref("ParentFolderId", event.parent)
    if event.old_item is not None and event.old_parent is not None:
        inner += _ref("OldItemId", event.old_item) + _ref("OldParentFolderId", event.old_parent)
    return f"<t:{event.kind}>{inner}</t:{event.kind}>"


class Notifications:
    """The mailbox's event log and its subscriptions.  Callers hold the service's lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.seq = 0
        self.events: deque[Event] = deque(maxlen=KEPT_EVENTS)
        self.subscriptions: dict[str, Subscription] = {}

    # --- the log ---

    def record(
        self,
        kind: str,
        item: Ref,
        parent: Ref,
        folder: str,
        old: tuple[Ref, Ref, str] | None = None,
    ) -> None:
        """An item event: Created, Modified, Deleted, NewMail (``old`` is None) or Moved, Copied."""
        self.seq += 1
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        event = Event(self.seq, kind, stamp, item, parent, folder)
        if old is not None:
            event.old_item, event.old_parent, event.old_folder = old
        self.events.append(event)

    def _after(self, sub: Subscription, position: int) -> list[Event]:
        return [e for e in self.events if e.seq > position and sub.wants(e)]

    # --- operations ---

    def subscribe(self, request: ET.Element, folders: list[str] | None) -> str:
        """One Subscribe request element; ``folders`` are the keys its FolderIds resolved to (None: all).
        The response message's content: SubscriptionId, and Watermark but for a streaming one."""
        kind = {
            "PullSubscriptionRequest": "pull",
            "PushSubscriptionRequest": "push",
            "StreamingSubscriptionRequest": "streaming",
        }.get(request.tag.rpartition("}")[2])
        if kind is None:
            raise NotifyError("ErrorInvalidSubscriptionRequest", "The subscription request is invalid.")
        types = frozenset(e.text or "" for e in request.iter(f"{{{T}}}EventType"))
        if not types or not types <= set(EVENT_TYPES):
            raise NotifyError("ErrorInvalidSubscriptionRequest", "EventTypes must name one or more event types.")
        if folders is not None and not folders:
            raise NotifyError("ErrorInvalidSubscriptionRequest", "FolderIds or SubscribeToAllFolders is required.")
        position = self.seq
        given = next((e.text or "" for e in request if e.tag.rpartition("}")[2] == "Watermark"), "")
        if given and kind != "streaming":
            position = read_watermark(given)
            if position > self.seq or (self.events and position < self.events[0].seq - 1):
                raise NotifyError("ErrorInvalidWatermark", "The watermark is invalid.")
        sub = Subscription(
            id=base64.b64encode(secrets.token_bytes(36)).decode(),
            kind=kind,
            folders=None if folders is None else frozenset(folders),
            types=types,
            position=position,
            polled=self.clock(),
        )
        if kind == "pull":
            minutes = _number(request.findtext(f"{{{T}}}Timeout"))
            if not 1 <= minutes <= 1440:
                raise NotifyError("ErrorInvalidSubscriptionRequest", "Timeout must be 1 to 1440 minutes.")
            sub.timeout = minutes * 60.0
        if kind == "push":
            sub.url = (request.findtext(f"{{{T}}}URL") or "").strip()
            if not sub.url.lower().startswith(("http://", "https://")):
                raise NotifyError("ErrorInvalidPushSubscriptionUrl", "The push subscription URL is invalid.")
            if not 1 <= _number(request.findtext(f"{{{T}}}StatusFrequency")) <= 1440:
                raise NotifyError("ErrorInvalidSubscriptionRequest", "StatusFrequency must be 1 to 1440 minutes.")
        self.subscriptions[sub.id] = sub
        answer = f"<m:SubscriptionId>{sub.id}</m:SubscriptionId>"
        return answer if kind == "streaming" else answer + f"<m:Watermark>{watermark(position)}</m:Watermark>"

    def _live(self, sub_id: str) -> Subscription:
        sub = self.subscriptions.get(sub_id)
        if sub is not None and sub.kind == "pull" and self.clock() - sub.polled > sub.timeout:
            del self.subscriptions[sub_id]  # it lapsed: not polled within its Timeout
            sub = None
        if sub is None:
            raise NotifyError("ErrorSubscriptionNotFound", "The specified subscription was not found.")
        return sub

    def unsubscribe(self, sub_id: str) -> None:
        sub = self._live(sub_id)
        if sub.kind == "push":
            # A push subscription ends by answering a notification with Unsubscribe.
            raise NotifyError("ErrorInvalidSubscription", "A push subscription cannot be ended with Unsubscribe.")
        del self.subscriptions[sub_id]

    def get_events(self, sub_id: str, mark: str) -> str:
        """A pull subscription's events after ``mark``: the Notification element."""
        sub = self._live(sub_id)
        if sub.kind != "pull":
            raise NotifyError("ErrorInvalidPullSubscriptionId", "The subscription is not a pull subscription.")
        position = read_watermark(mark)
        if position > self.seq or position < sub.position:
            raise NotifyError("ErrorInvalidWatermark", "The watermark is invalid.")
        sub.polled = self.clock()
        pending = self._after(sub, position)
        events, more = pending[:MAX_EVENTS], len(pending) > MAX_EVENTS
        # Events before the watermark the client sent back are acknowledged.
        sub.position = position
        body = "".join(event_xml(e) for e in events)
        if not events:
            body = f"<t:StatusEvent><t:Watermark>{watermark(self.seq)}</t:Watermark></t:StatusEvent>"
        return (
            f"<m:Notification><t:SubscriptionId>{escape(sub.id)}</t:SubscriptionId>"
            f"<t:PreviousWatermark>{escape(mark)}</t:PreviousWatermark>"
            f"<t:MoreEvents>{'true' if more else 'false'}</t:MoreEvents>{body}</m:Notification>"
        )

    def streaming(self, sub_ids: list[str], minutes: int) -> str:
        """GetStreamingEvents: the Notifications of the subscriptions' pending events (each reported once).
        Raises ErrorInvalidSubscription naming the ids that are not live streaming subscriptions."""
        if not 1 <= minutes <= 30:
            raise NotifyError("ErrorInvalidArgument", "ConnectionTimeout must be 1 to 30 minutes.")
        subs, bad = [], []
        for sub_id in sub_ids:
            sub = self.subscriptions.get(sub_id)
            if sub is None or sub.kind != "streaming":
                bad.append(sub_id)
            else:
                subs.append(sub)
        if bad:
            raise InvalidSubscriptions(bad)
        notes = []
        for sub in subs:
            pending = self._after(sub, sub.position)
            if not pending:
                continue
            notes.append(
                f"<m:Notification><t:SubscriptionId>{escape(sub.id)}</t:SubscriptionId>"
                f"<t:PreviousWatermark>{watermark(sub.position)}</t:PreviousWatermark>"
                f"<t:MoreEvents>false</t:MoreEvents>{''.join(event_xml(e) for e in pending)}</m:Notification>"
            )
            sub.position = pending[-1].seq
        return f"<m:Notifications>{''.join(notes)}</m:Notifications>" if notes else ""


class InvalidSubscriptions(NotifyError):
    def __init__(self, ids: list[str]) -> None:
        super().__init__("ErrorInvalidSubscription", "Subscription is invalid.")
        self.ids = ids

    def detail(self) -> str:
        inner = "".join(f"<m:SubscriptionId>{escape(i)}</m:SubscriptionId>" for i in self.ids)
        return f"<m:ErrorSubscriptionIds>{inner}</m:ErrorSubscriptionIds>"


def _number(text: str | None) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return 0
