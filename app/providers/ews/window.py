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
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.model import MailItem
from app.core.ports import ChangePage
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

    def _run(self, fn: Callable[[], Any]) -> Any:
        raise NotImplementedError

    def _folder(self, stream: str) -> Any:
        raise NotImplementedError

    def _read(self, stream: str, ids: Sequence[tuple[str | None, str | None]]) -> list[MailItem]:
        raise NotImplementedError

    def window_start(self) -> datetime:
        """The oldest moment the sync reads: the history window before activation (the rules' own start)."""
        return window_start(self.history_days, self.activated_at, self.clock())

    def _sync_page(self, stream: str, state: str | None, size: int, ids_only: bool) -> tuple[list[Any], str, bool]:
        from exchangelib.items import ID_ONLY
        from exchangelib.properties import FieldPath
        from exchangelib.services import SyncFolderItems

        def page() -> tuple[list[Any], str, bool]:
            account = self.connection.account()
            folder = self._folder(stream)
            svc = SyncFolderItems(account=account)
            fields = None if ids_only else {FieldPath(field=folder.get_item_field_by_fieldname("subject"))}
            changes = list(
                svc.call(
                    folder=folder,
                    shape=ID_ONLY,
                    additional_fields=fields,
                    sync_state=state,
                    ignore=None,
                    max_changes_returned=size,
                    sync_scope=None,
                )
            )
            return changes, str(svc.sync_state or ""), bool(svc.includes_last_item_in_range)

        result: tuple[list[Any], str, bool] = self._run(page)
        return result

    def _first_read(self, stream: str, phase: dict[str, Any]) -> ChangePage:
        """One step of the first read of a windowed stream (see the module's docstring)."""
        if phase["phase"] == "prime":
            _, state, last = self._sync_page(stream, phase["state"] or None, PRIME_PAGE, ids_only=True)
            following = {"phase": "window", "state": state, "offset": 0} if last else {"phase": "prime", "state": state}
            return ChangePage([], [], json.dumps(following), True)
        offset = int(phase.get("offset", 0))
        found = self._window_ids(stream, offset)
        items = self._read(stream, found)
        if stream != "calendar" and len(found) == self.page_size:
            return ChangePage(items, [], json.dumps({**phase, "offset": offset + len(found)}), True)
        return ChangePage(items, [], str(phase["state"]), True)

    def _window_ids(self, stream: str, offset: int) -> list[tuple[str, str]]:
        """(id, change key) of one page of the window: a restricted FindItem, or the calendar's view."""
        from exchangelib import EWSDateTime
        from exchangelib.fields import FieldOrder, FieldPath
        from exchangelib.folders.queryset import SHALLOW
        from exchangelib.items import ID_ONLY
        from exchangelib.properties import CalendarView
        from exchangelib.restriction import Q, Restriction
        from exchangelib.services import FindItem

        start = EWSDateTime.from_datetime(self.window_start().astimezone(UTC))

        def find() -> list[Any]:
            account = self.connection.account()
            folder = self._folder(stream)
            svc = FindItem(account=account, page_size=self.page_size)
            if stream == "calendar":
                end = EWSDateTime.from_datetime((self.clock() + timedelta(days=365)).astimezone(UTC))
                view: Any = CalendarView(start=start, end=end)
                restriction, order, limit, skip = None, None, None, 0
            else:
                view = None
                restriction = Restriction(
                    Q(datetime_received__gte=start), folders=[folder], applies_to=Restriction.ITEMS
                )
                received = FieldPath(field=folder.get_item_field_by_fieldname("datetime_received"))
                order, limit, skip = [FieldOrder(field_path=received, reverse=False)], self.page_size, offset
            return list(
                svc.call(
                    folders=[folder],
                    additional_fields=None,
                    restriction=restriction,
                    order_fields=order,
                    shape=ID_ONLY,
                    query_string=None,
                    depth=SHALLOW,
                    calendar_view=view,
                    max_items=limit,
                    offset=skip,
                )
            )

        found = self._run(find)
        for entry in found:
            if isinstance(entry, Exception):
                raise self.connection.error(entry) from entry
        return [(str(i[0]), str(i[1])) for i in found]  # IdOnly without extra fields: (id, change key)

    def _window_view(self) -> list[tuple[str, str, str]]:
        """(id, change key, UID) of every instance in the calendar window, read once per round."""
        if self._view is None:
            from exchangelib import EWSDateTime
            from exchangelib.fields import FieldPath
            from exchangelib.folders.queryset import SHALLOW
            from exchangelib.items import ID_ONLY
            from exchangelib.properties import CalendarView
            from exchangelib.services import FindItem

            def find() -> list[Any]:
                account = self.connection.account()
                folder = self._folder("calendar")
                view = CalendarView(
                    start=EWSDateTime.from_datetime(self.window_start().astimezone(UTC)),
                    end=EWSDateTime.from_datetime((self.clock() + timedelta(days=365)).astimezone(UTC)),
                )
                uid = {FieldPath(field=folder.get_item_field_by_fieldname("uid"))}
                svc = FindItem(account=account, page_size=self.page_size)
                return list(
                    svc.call(
                        folders=[folder],
                        additional_fields=uid,
                        restriction=None,
                        order_fields=None,
                        shape=ID_ONLY,
                        query_string=None,
                        depth=SHALLOW,
                        calendar_view=view,
                        max_items=None,
                        offset=0,
                    )
                )

            found = self._run(find)
            for entry in found:
                if isinstance(entry, Exception):
                    raise self.connection.error(entry) from entry
            self._view = [(str(i.id), str(i.changekey), str(i.uid)) for i in found]
        return self._view
