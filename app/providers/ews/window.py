"""How ``EwsMailbox`` reads the history window and expands recurring series (a mix-in).

The first read of a windowed stream (inbox, sent, calendar) asks the server for the history
window only; SyncFolderItems takes no restriction, so it runs in three phases, each a cursor
(a small JSON object; a bare sync state is the last phase):

    prime   SyncFolderItems with the IdOnly shape and no item read, up to the end of the folder:
            the sync state the later rounds start from (taken first, so nothing arriving
            during the window read is missed; what comes twice is read twice, harmlessly)
    window  inbox/sent: FindItem with a Restriction DateTimeReceived >= the window's start,
            one IndexedPageItemView page per call; calendar: FindItem with a CalendarView
            [start, now + 365 days), which expands recurring series into their instances
    state   SyncFolderItems from the primed state, as above

Every windowed cursor keeps the window's start in front (``app.providers.window``): a window
widened later makes the stream read again.

Recurring meetings: a CalendarView lists each occurrence and exception with its own id, and GetItem
reads it with the series' subject and attendees, so each is an item of its own.  A RecurringMaster
that SyncFolderItems reports (a series created or edited after the first read) is not an item: it is
expanded through one CalendarView over the window per round (ids and UIDs only), reading the
instances that share its UID.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from app.core.model import MailItem
from app.core.ports import ChangePage
from app.providers.ews import lean, lean_lists
from app.providers.ews.connect import EwsConnection
from app.providers.window import window_start

WINDOWED = ("inbox", "sent", "calendar")
PRIME_PAGE = 512  # SyncFolderItems' largest page: priming reads ids only


class WindowReads:
    """The first read of a windowed stream and the calendar window's view; ``EwsMailbox`` has the rest."""

    connection: EwsConnection
    page_size: int
    history_days: int
    activated_at: datetime | None
    clock: Callable[[], datetime]
    _view: list[tuple[str, str, str]] | None
    _sessions: lean.Sessions
    # The window's next FindItem page, asked ahead: (stream, primed state, offset) -> its (id, change key)s.
    _ahead: dict[tuple[str, str, int], Future[list[tuple[str | None, str | None]]]]
    _ahead_executor: ThreadPoolExecutor | None
    _ahead_lock: threading.Lock

    def _run(self, fn: Callable[[], Any]) -> Any:
        raise NotImplementedError

    def _read(self, stream: str, ids: Sequence[tuple[str | None, str | None]]) -> list[MailItem]:
        raise NotImplementedError

    def window_start(self) -> datetime:
        """The oldest moment the sync reads: the history window before activation (the rules' own start)."""
        return window_start(self.history_days, self.activated_at, self.clock())

    def _lean(self, payload: Callable[[str], Any], answer: Callable[[Any], Any], *, shared: bool) -> Any:
        """One request on the lean path (``payload(mailbox address)``), its answer read by ``answer``;
        ``shared``: on exchangelib's signed-in session (a round's one call per folder), else on one of ours."""
        from exchangelib.services import GetItem

        def call() -> Any:
            service = GetItem(account=self.connection.account())  # only its envelope and headers are used
            return answer(self._sessions.post(service, payload(self.connection.address), shared=shared))

        return self._run(call)

    def _sync_page(self, stream: str, state: str | None, size: int, *, shared: bool = True) -> lean_lists.SyncPage:
        """One SyncFolderItems page (ids and change keys only)."""
        page: lean_lists.SyncPage = self._lean(
            lambda address: lean_lists.sync_payload(stream, address, state, size), lean_lists.sync_answer, shared=shared
        )
        return page

    def _first_read(self, stream: str, phase: dict[str, Any]) -> ChangePage:
        """One step of the first read of a windowed stream (see the module's docstring)."""
        if phase["phase"] == "prime":
            page = self._sync_page(stream, phase["state"] or None, PRIME_PAGE, shared=False)
            state, last = page.state, page.last
            following = {"phase": "window", "state": state, "offset": 0} if last else {"phase": "prime", "state": state}
            return ChangePage([], [], json.dumps(following), True)
        offset = int(phase.get("offset", 0))
        ahead = self._ahead.pop((stream, str(phase["state"]), offset), None)
        found = ahead.result() if ahead is not None else self._window_ids(stream, offset)
        if stream != "calendar" and len(found) == self.page_size:
            # The next page's ids are asked while this page's items are read (the cursor stays the truth:
            # a crash loses only this read ahead).
            next_offset = offset + len(found)
            self._ahead[(stream, str(phase["state"]), next_offset)] = self._ahead_pool().submit(
                self._window_ids, stream, next_offset
            )
            items = self._read(stream, found)
            return ChangePage(items, [], json.dumps({**phase, "offset": next_offset}), True)
        return ChangePage(self._read(stream, found), [], str(phase["state"]), True)

    def _ahead_pool(self) -> ThreadPoolExecutor:
        with self._ahead_lock:
            if self._ahead_executor is None:
                self._ahead_executor = ThreadPoolExecutor(max_workers=len(WINDOWED), thread_name_prefix="ews-ahead")
            return self._ahead_executor

    def _window_ids(self, stream: str, offset: int) -> list[tuple[str | None, str | None]]:
        """(id, change key) of one page of the window: a restricted FindItem, or the calendar's view."""
        start = self.window_start()
        end = self.clock() + timedelta(days=365)

        def payload(address: str) -> Any:
            if stream == "calendar":
                return lean_lists.calendar_payload(address, start, end, uid=False)
            return lean_lists.window_payload(stream, address, start, self.page_size, offset)

        found: list[tuple[str, str, str]] = self._lean(
            payload, lambda body: list(lean_lists.found_items(body)), shared=False
        )
        return [(i, key) for i, key, _ in found]

    def _window_view(self) -> list[tuple[str, str, str]]:
        """(id, change key, UID) of every instance in the calendar window, read once per round."""
        if self._view is None:
            start, end = self.window_start(), self.clock() + timedelta(days=365)
            self._view = self._lean(
                lambda address: lean_lists.calendar_payload(address, start, end, uid=True),
                lambda body: list(lean_lists.found_items(body)),
                shared=True,
            )
        return self._view
