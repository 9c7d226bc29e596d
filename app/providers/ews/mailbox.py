"""``EwsMailbox``: the mailbox port on Exchange Web Services.

    changes(stream, state): one SyncFolderItems page (IdOnly, driven page by page so the
    engine can checkpoint the sync state after every page) -> GetItem for the created/updated
    ids (bodies are not in SyncFolderItems), up to READ_AHEAD chunks of 100 at once -> items,
    deleted ids, the new state, more = not IncludesLastItemInRange.

The reads (SyncFolderItems, FindItem, GetItem) go on the lean path (``lean``, ``lean_lists``):
requests built by hand, answers parsed straight into ``MailItem``, on sessions of our own made
by exchangelib's protocol.  Account set-up, marks, categories and sending stay on exchangelib.
The engine reads the five folders at once (``concurrent_streams``).

The first read of the windowed streams (inbox, sent, calendar) and the expansion of recurring
series are in ``app.providers.ews.window``.

Marks are Outlook categories set with bulk UpdateItem (100 items a call); the
master category list (IPM.Configuration.CategoryList) gets a red "Sync Error"
(colour 0) and each white detail category (colour -1), added to Outlook's XML
without rewriting it.  ErrorServerBusy is waited out when its BackOffMilliseconds is short.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from app.core.competitors import Traces, category_traces, unreadable
from app.core.errors import CursorExpired, SyncbarError
from app.core.model import ItemKind, MailItem
from app.core.ports import Attachment, ChangePage, Mark, MarkResult
from app.providers.ews import lean
from app.providers.ews.connect import NO_COLOUR, RED, EwsConnection
from app.providers.ews.window import WINDOWED, WindowReads
from app.providers.window import windowed

MARK = "Sync Error"
UPDATE_CHUNK = 100
STREAMS = ("inbox", "sent", "calendar", "contacts", "tasks")
KIND = {
    "inbox": ItemKind.EMAIL,
    "sent": ItemKind.EMAIL,
    "calendar": ItemKind.EVENT,
    "contacts": ItemKind.CONTACT,
    "tasks": ItemKind.TASK,
}
MAX_INLINE_WAIT = 30.0
READ_AHEAD = 6  # GetItem chunks of one page in flight at once: a page of 512 in one round trip


class EwsMailbox(WindowReads):
    """Implements ``app.core.ports.MailboxPort``."""

    # The engine reads the five folders at once, each with up to READ_AHEAD GetItem chunks in flight;
    # ``lean.OWN_LIMIT`` keeps the total within Exchange's default EWSMaxConcurrency of 27 per user.
    concurrent_streams = 5

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
        self._sessions = lean.Sessions(lambda: self.connection.account().protocol)
        # ErrorServerBusy's back-off holds for every request of this mailbox, whichever thread asked.
        self._quiet_until = 0.0
        self._gate = threading.Lock()
        self._ahead = {}
        self._ahead_executor = None
        self._ahead_lock = threading.Lock()

    def streams(self) -> Sequence[str]:
        return tuple(STREAMS)

    def _run(self, fn: Callable[[], Any]) -> Any:
        """Call exchangelib, waiting out short ErrorServerBusy back-offs, mapping every error to a code."""
        from exchangelib.errors import ErrorInvalidSyncStateData, ErrorServerBusy, UnauthorizedError

        renewed = slept = False
        for attempt in range(4):
            if not slept:  # another reader's ErrorServerBusy holds for this request too
                with self._gate:
                    wait = self._quiet_until - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
            slept = False
            try:
                return fn()
            except ErrorInvalidSyncStateData as exc:
                raise CursorExpired(str(exc), service_code="ErrorInvalidSyncStateData") from exc
            except UnauthorizedError as exc:
                # An OAuth token Exchange no longer takes (ended early, revoked): renew it once, then ask again.
                if renewed or not self.connection.renew():
                    raise self.connection.error(exc) from exc
                self._sessions.close()
                renewed = True
            except ErrorServerBusy as exc:
                wait = float(exc.back_off or 5.0)
                if wait > MAX_INLINE_WAIT or attempt == 3:
                    raise self.connection.error(exc) from exc
                until = time.monotonic() + wait
                with self._gate:
                    self._quiet_until = max(self._quiet_until, until)
                self._sleep(wait)
                with self._gate:  # waited out: the others need not wait for it again
                    if self._quiet_until <= until:
                        self._quiet_until = 0.0
                slept = True
            except Exception as exc:
                raise self.connection.error(exc) from exc
        raise AssertionError("unreachable")

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        if stream not in STREAMS:
            raise ValueError(f"unknown EWS stream {stream!r}")
        if stream in WINDOWED:
            return windowed(self.window_start(), cursor, lambda inner: self._changes(stream, inner))
        return self._changes(stream, cursor)

    def _changes(self, stream: str, cursor: str | None) -> ChangePage:
        if stream in WINDOWED and (cursor is None or cursor.startswith("{")):
            return self._first_read(stream, json.loads(cursor) if cursor else {"phase": "prime", "state": ""})
        page = self._sync_page(stream, cursor, self.page_size)
        state, last = page.state, page.last
        wanted: list[tuple[str | None, str | None]] = []
        removed: list[str] = []
        for change_type, item_id, change_key in page.changes:
            if change_type == "delete":
                removed.append(item_id)
            elif change_type == "update" and self._own_changes.pop(item_id, None) == change_key:
                continue  # only our own categories changed
            elif change_type in ("create", "update"):
                wanted.append((item_id, change_key))
        items = self._read(stream, wanted)
        more = not last and state != (cursor or "")
        if not more:
            self._view = None  # the round is over
        return ChangePage(items, removed, state, more)

    def _read(self, stream: str, ids: Sequence[tuple[str | None, str | None]]) -> list[MailItem]:
        """GetItem for ``ids`` on the lean path, up to ``READ_AHEAD`` chunks of 100 in flight at once."""
        if not ids:
            return []
        chunks = [list(ids[i : i + lean.CHUNK]) for i in range(0, len(ids), lean.CHUNK)]
        if len(chunks) == 1:
            reads = self._get(stream, chunks[0], shared=True)
        else:
            with ThreadPoolExecutor(max_workers=min(READ_AHEAD, len(chunks)), thread_name_prefix="ews-get") as pool:
                reads = [
                    read
                    for part in pool.map(lambda chunk: self._get(stream, chunk, shared=False), chunks)
                    for read in part
                ]
        masters = {read.master_uid for read in reads if read.item is None}
        items = [read.item for read in reads if read.item is not None]
        if masters:
            instances = [(i, key) for i, key, uid in self._window_view() if uid in masters]
            items += self._read(stream, instances)
        return items

    def _get(self, stream: str, ids: Sequence[tuple[str | None, str | None]], *, shared: bool) -> list[lean.Read]:
        """One GetItem call (an item gone since it was listed is skipped: its delete comes in a later round);
        ``shared``: on exchangelib's session (see ``lean.Sessions``)."""
        from exchangelib.services import GetItem

        kind = KIND[stream]

        def get() -> list[lean.Read]:
            service = GetItem(account=self.connection.account())
            body = self._sessions.post(service, lean.get_items_payload(ids, kind), shared=shared)
            link = self.connection.web_link
            return [lean.to_read(stream, kind, element, link) for element in lean.answered_items(body)]

        result: list[lean.Read] = self._run(get)
        return result

    def fetch(self, stream: str, mailbox_id: str) -> MailItem:
        from exchangelib.errors import ErrorItemNotFound

        def get() -> MailItem:
            found = [
                read.item for read in self._get(stream, [(mailbox_id, None)], shared=True) if read.item is not None
            ]
            if not found:
                raise ErrorItemNotFound(f"The item {mailbox_id} was not found")
            return found[0]

        return self._run(get)  # type: ignore[no-any-return]

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
