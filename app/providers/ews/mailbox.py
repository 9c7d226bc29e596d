"""``EwsMailbox``: the mailbox port on Exchange Web Services through exchangelib.

    changes(stream, state): one SyncFolderItems page (exchangelib's service, driven page by
    page so the engine can checkpoint the sync state after every page; ``Folder.sync_items``
    saves it only at the end) -> GetItem for the created/updated ids (bodies are not in
    SyncFolderItems) -> items, deleted ids, the new state, more = not IncludesLastItemInRange.

The first read of the windowed streams (inbox, sent, calendar) and the expansion of recurring
series are in ``app.providers.ews.window``.

Marks are Outlook categories set with bulk UpdateItem (100 items a call); the
master category list (IPM.Configuration.CategoryList) gets a red "Sync Error"
(colour 0) and each white detail category (colour -1), added to Outlook's XML
without rewriting it.  ErrorServerBusy is waited out when its BackOffMilliseconds is short.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from app.core.competitors import Traces, category_traces, unreadable
from app.core.errors import CursorExpired, SyncbarError
from app.core.model import Direction, ItemKind, MailItem, Person
from app.core.ports import Attachment, ChangePage, Mark, MarkResult
from app.providers.ews.connect import NO_COLOUR, RED, EwsConnection
from app.providers.ews.window import WINDOWED, WindowReads
from app.providers.window import windowed

MARK = "Sync Error"
UPDATE_CHUNK = 100
STREAMS = {"inbox": "inbox", "sent": "sent", "calendar": "calendar", "contacts": "contacts", "tasks": "tasks"}
KIND = {
    "inbox": ItemKind.EMAIL,
    "sent": ItemKind.EMAIL,
    "calendar": ItemKind.EVENT,
    "contacts": ItemKind.CONTACT,
    "tasks": ItemKind.TASK,
}
MAX_INLINE_WAIT = 30.0


class EwsMailbox(WindowReads):
    """Implements ``app.core.ports.MailboxPort``."""

    def __init__(
        self,
        connection: EwsConnection,
        *,
        page_size: int = 512,  # SyncFolderItems' largest page
        history_days: int = 30,
        activated_at: datetime | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= page_size <= 512:
            raise ValueError("EWS returns between 1 and 512 changes per SyncFolderItems call")
        self.connection = connection
        self.account = connection.address
        self.page_size = page_size
        self.history_days = history_days
        self.activated_at = activated_at
        self.clock = clock
        self._sleep = sleep
        self._master: set[str] = set()  # category names known to be in the master list
        # Item id -> the ChangeKey our own UpdateItem gave it: when a sync reports exactly that change,
        # it is our mark coming back, and the item need not be read again.
        self._own_changes: dict[str, str] = {}
        self._view: list[tuple[str, str, str]] | None = None  # (id, change key, UID) in the window, per round

    def streams(self) -> Sequence[str]:
        return tuple(STREAMS)

    def _run(self, fn: Callable[[], Any]) -> Any:
        """Call exchangelib, waiting out short ErrorServerBusy back-offs, mapping every error to a code."""
        from exchangelib.errors import ErrorInvalidSyncStateData, ErrorServerBusy, UnauthorizedError

        renewed = False
        for attempt in range(4):
            try:
                return fn()
            except ErrorInvalidSyncStateData as exc:
                raise CursorExpired(str(exc), service_code="ErrorInvalidSyncStateData") from exc
            except UnauthorizedError as exc:
                # An OAuth token Exchange no longer takes (ended early, revoked): renew it once, then ask again.
                if renewed or not self.connection.renew():
                    raise self.connection.error(exc) from exc
                renewed = True
            except ErrorServerBusy as exc:
                wait = float(exc.back_off or 5.0)
                if wait > MAX_INLINE_WAIT or attempt == 3:
                    raise self.connection.error(exc) from exc
                self._sleep(wait)
            except Exception as exc:
                raise self.connection.error(exc) from exc
        raise AssertionError("unreachable")

    def _folder(self, stream: str) -> Any:
        if stream not in STREAMS:
            raise ValueError(f"unknown EWS stream {stream!r}")
        return getattr(self.connection.account(), STREAMS[stream])

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        if stream in WINDOWED:
            return windowed(self.window_start(), cursor, lambda inner: self._changes(stream, inner))
        return self._changes(stream, cursor)

    def _changes(self, stream: str, cursor: str | None) -> ChangePage:
        if stream in WINDOWED and (cursor is None or cursor.startswith("{")):
            return self._first_read(stream, json.loads(cursor) if cursor else {"phase": "prime", "state": ""})
        changes, state, last = self._sync_page(stream, cursor, self.page_size, ids_only=False)
        wanted: list[Any] = []
        removed: list[str] = []
        for change_type, item in changes:
            if change_type == "delete":
                removed.append(str(item.id))
            elif change_type == "update" and self._own_changes.pop(str(item.id), None) == item.changekey:
                continue  # only our own categories changed
            elif change_type in ("create", "update"):
                wanted.append(item)
        items = self._read(stream, [(getattr(i, "id", None), getattr(i, "changekey", None)) for i in wanted])
        more = not last and state != (cursor or "")
        if not more:
            self._view = None  # the round is over
        return ChangePage(items, removed, state, more)

    def _read(self, stream: str, ids: Sequence[tuple[str | None, str | None]]) -> list[MailItem]:
        if not ids:
            return []
        fetched = self._run(lambda: list(self.connection.account().fetch(ids=list(ids))))
        # An item gone between the two calls is skipped: its delete comes in a later round.
        found = [obj for obj in fetched if not isinstance(obj, Exception)]
        masters = {str(o.uid) for o in found if getattr(o, "type", None) == "RecurringMaster"}
        items = [self._item(stream, o) for o in found if getattr(o, "type", None) != "RecurringMaster"]
        if masters:
            instances = [(i, key) for i, key, uid in self._window_view() if uid in masters]
            items += self._read(stream, instances)
        return items

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        def get() -> Any:
            found = list(self.connection.account().fetch(ids=[(mailbox_id, None)]))
            if not found or isinstance(found[0], Exception):
                raise found[0] if found else LookupError(mailbox_id)
            return found[0]

        return self._item(stream, self._run(get))

    def _item(self, stream: str, obj: Any) -> MailItem:
        kind = KIND[stream]
        categories = tuple(obj.categories or ()) if getattr(obj, "categories", None) else ()
        common: dict[str, Any] = {
            "mailbox_id": str(obj.id),
            "stream": stream,
            "labels": categories,
            "web_link": self.connection.web_link(str(obj.id)),
        }
        if kind is ItemKind.EMAIL:
            recipients = [*(obj.to_recipients or []), *(obj.cc_recipients or [])]
            when = obj.datetime_sent if stream == "sent" else obj.datetime_received
            return MailItem(
                kind=kind,
                subject=str(obj.subject or ""),
                body=_text(obj),
                sender=_person(obj.sender or getattr(obj, "author", None)),
                recipients=tuple(p for p in (_person(r) for r in recipients) if p is not None),
                occurred_at=_dt(when),
                direction=Direction.OUTBOUND if stream == "sent" else Direction.INBOUND,
                fields={"changekey": str(obj.changekey or "")},
                headers={"message-id": str(getattr(obj, "message_id", "") or "")},
                **common,
            )
        if kind is ItemKind.EVENT:
            attendees = [a.mailbox for a in (obj.required_attendees or []) + (obj.optional_attendees or [])]
            return MailItem(
                kind=kind,
                subject=str(obj.subject or ""),
                body=_text(obj),
                sender=_person(obj.organizer),
                recipients=tuple(p for p in (_person(a) for a in attendees) if p is not None),
                occurred_at=_dt(obj.start),
                end_at=_dt(obj.end),
                fields={"location": str(obj.location or "")},
                **common,
            )
        if kind is ItemKind.CONTACT:
            emails = list(obj.email_addresses or [])
            phones = list(obj.phone_numbers or [])
            return MailItem(
                kind=kind,
                subject=str(obj.display_name or ""),
                fields={
                    "first_name": str(obj.given_name or ""),
                    "last_name": str(obj.surname or ""),
                    "email": str(emails[0].email) if emails else "",
                    "company": str(obj.company_name or ""),
                    "phone": str(phones[0].phone_number) if phones else "",
                    "title": str(obj.job_title or ""),
                },
                **common,
            )
        due = _dt(obj.due_date)
        return MailItem(
            kind=kind,
            subject=str(obj.subject or ""),
            body=_text(obj),
            occurred_at=due,
            # The fields every provider's task carries (the mapping's due, status and priority).
            fields={
                "due": due.date().isoformat() if due else "",
                "status": str(obj.status or ""),
                "priority": str(getattr(obj, "importance", "") or ""),
            },
            **common,
        )

    # -- marks ------------------------------------------------------------------------------

    def _ensure_master(self, names: set[str]) -> None:
        """The red mark and each white detail category exist in the master list (once per name)."""
        missing = names - self._master
        if not missing:
            return
        wanted = {name: RED if name == MARK else NO_COLOUR for name in sorted(missing)}
        self._master |= self._run(lambda: self.connection.ensure_master_categories(wanted))

    def _update(self, marks: Sequence[Mark], compute: Callable[[Mark], list[str]]) -> list[MarkResult]:
        from exchangelib.items import ALWAYS_OVERWRITE, CalendarItem, Contact, Message, Task

        model = {"calendar": CalendarItem, "contacts": Contact, "tasks": Task}
        account = self.connection.account()
        items = []
        for mark in marks:
            cls = model.get(mark.stream, Message)
            items.append((cls(account=account, id=mark.mailbox_id, categories=compute(mark) or None), ["categories"]))
        answers = self._run(
            lambda: account.bulk_update(items, conflict_resolution=ALWAYS_OVERWRITE, chunk_size=UPDATE_CHUNK)
        )
        results = []
        for mark, answer in zip(marks, answers, strict=False):
            if isinstance(answer, Exception):
                results.append(MarkResult(mark.mailbox_id, False, self.connection.error(answer).code))
            else:
                if isinstance(answer, tuple) and len(answer) == 2:  # (id, new ChangeKey)
                    self._own_changes[str(answer[0])] = str(answer[1])
                results.append(MarkResult(mark.mailbox_id, True))
        return results

    def mark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        if not marks:
            return []
        self._ensure_master({MARK} | {f"{MARK}: {m.detail}" for m in marks if m.detail})

        def categories(mark: Mark) -> list[str]:
            own = [c for c in mark.labels if not _ours(c)]
            return own + [MARK] + ([f"{MARK}: {mark.detail}"] if mark.detail else [])

        return self._update(marks, categories)

    def unmark(self, marks: Sequence[Mark]) -> list[MarkResult]:
        if not marks:
            return []
        return self._update(marks, lambda mark: [c for c in mark.labels if not _ours(c)])

    def link(self, item: MailItem) -> str:
        return item.web_link

    def sync_tool_traces(self) -> Traces:
        """The master category list (IPM.Configuration.CategoryList), read without writing."""
        try:
            names = self._run(lambda: self.connection.ensure_master_categories({}))
        except SyncbarError as exc:
            return unreadable("mailbox categories", exc)
        return category_traces(sorted(names), "mailbox categories")

    def send_notification(self, subject: str, body: str) -> None:
        self._send(self.account, subject, body, (), save=False)

    def send_mail(self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
        self._send(to, subject, body, attachments, save=True)

    def _send(self, to: str, subject: str, body: str, attachments: Sequence[Attachment], *, save: bool) -> None:
        """One ``CreateItem`` (``SendAndSaveCopy``, or ``SendOnly``) with the files as ``FileAttachment``s."""
        from exchangelib import FileAttachment, Mailbox, Message

        def send() -> None:
            account = self.connection.account()
            message = Message(
                account=account,
                subject=subject,
                body=body,
                to_recipients=[Mailbox(email_address=to)],
            )
            for a in attachments:
                message.attach(FileAttachment(name=a.name, content=a.data, content_type=a.content_type))
            if save:
                message.send_and_save()
            else:
                message.send(save_copy=False)

        self._run(send)


def _ours(category: str) -> bool:
    return category == MARK or category.startswith(MARK + ": ")


def _person(mailbox: Any) -> Person | None:
    if mailbox is None:
        return None
    address = str(getattr(mailbox, "email_address", "") or "").strip()
    name = str(getattr(mailbox, "name", "") or "")
    return Person(address, name) if address or name else None


def _text(obj: Any) -> str:
    from app.providers.textutil import html_to_text

    body = getattr(obj, "text_body", None) or getattr(obj, "body", None) or ""
    text = str(body)
    return html_to_text(text) if type(body).__name__ == "HTMLBody" else text


def _dt(value: Any) -> Any:
    if value is None:
        return None
    from datetime import UTC, datetime

    if isinstance(value, datetime):
        # exchangelib's EWSDateTime only converts to its own time zone class; go through the timestamp.
        return datetime.fromtimestamp(value.timestamp(), UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)  # EWSDate (a due date)
