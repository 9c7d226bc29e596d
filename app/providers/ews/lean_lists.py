"""Listing ids on the lean path: SyncFolderItems and FindItem with the IdOnly shape, built and read by hand.

Sent on ``lean.Sessions`` like GetItem (see ``app.providers.ews.lean``).  The folders are named by
their DistinguishedFolderId (inbox, sentitems, calendar, contacts, tasks) in our own mailbox, so no
GetFolder look-up comes before the first list.  Every error is raised as exchangelib's exception,
as its services raise them: ErrorInvalidSyncStateData, ErrorServerBusy with its back-off...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.providers.ews.lean import M, T, messages

DISTINGUISHED = {
    "inbox": "inbox",
    "sent": "sentitems",
    "calendar": "calendar",
    "contacts": "contacts",
    "tasks": "tasks",
}
CHANGES = {"Create": "create", "Update": "update", "Delete": "delete", "ReadFlagChange": "read_flag_change"}


@dataclass(frozen=True)
class SyncPage:
    """One SyncFolderItems answer: (change type, id, change key) in order, the new state, the last page?"""

    changes: list[tuple[str, str, str]]
    state: str
    last: bool


def _etree() -> Any:
    from lxml import etree  # type: ignore[import-untyped]

    return etree


def ews_time(moment: datetime) -> str:
    """A dateTime as exchangelib writes it (UTC, with a fraction only when there is one)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if utc.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def _shape(parent: Any, extra: tuple[str, ...] = ()) -> None:
    etree = _etree()
    shape = etree.SubElement(parent, f"{M}ItemShape")
    etree.SubElement(shape, f"{T}BaseShape").text = "IdOnly"
    if extra:
        more = etree.SubElement(shape, f"{T}AdditionalProperties")
        for uri in extra:
            etree.SubElement(more, f"{T}FieldURI", FieldURI=uri)


def _folder(parent: Any, tag: str, stream: str, address: str) -> None:
    etree = _etree()
    holder = etree.SubElement(parent, f"{M}{tag}")
    folder = etree.SubElement(holder, f"{T}DistinguishedFolderId", Id=DISTINGUISHED[stream])
    mailbox = etree.SubElement(folder, f"{T}Mailbox")
    etree.SubElement(mailbox, f"{T}EmailAddress").text = address


def sync_payload(stream: str, address: str, state: str | None, size: int) -> Any:
    etree = _etree()
    root = etree.Element(f"{M}SyncFolderItems", nsmap={"m": M[1:-1], "t": T[1:-1]})
    _shape(root)
    _folder(root, "SyncFolderId", stream, address)
    if state:
        etree.SubElement(root, f"{M}SyncState").text = state
    etree.SubElement(root, f"{M}MaxChangesReturned").text = str(size)
    return root


def sync_answer(body: Any) -> SyncPage:
    message = next(messages(body, "SyncFolderItems"))
    changes: list[tuple[str, str, str]] = []
    container = message.find(f"{M}Changes")
    for change in container if container is not None else ():
        kind = CHANGES.get(change.tag[len(T) :]) if change.tag.startswith(T) else None
        if kind is None:
            continue
        ref = change.find(f"{T}ItemId")
        if ref is None:
            ref = next((e.find(f"{T}ItemId") for e in change if e.find(f"{T}ItemId") is not None), None)
        if ref is not None:
            changes.append((kind, str(ref.get("Id")), str(ref.get("ChangeKey") or "")))
    last = (message.findtext(f"{M}IncludesLastItemInRange") or "").strip().lower() == "true"
    return SyncPage(changes, str(message.findtext(f"{M}SyncState") or ""), last)


def window_payload(stream: str, address: str, start: datetime, size: int, offset: int) -> Any:
    """FindItem: the window of inbox or sent (DateTimeReceived >= start), one page in received order."""
    etree = _etree()
    root = etree.Element(f"{M}FindItem", nsmap={"m": M[1:-1], "t": T[1:-1]}, Traversal="Shallow")
    _shape(root)
    etree.SubElement(
        root, f"{M}IndexedPageItemView", MaxEntriesReturned=str(size), Offset=str(offset), BasePoint="Beginning"
    )
    restriction = etree.SubElement(root, f"{M}Restriction")
    test = etree.SubElement(restriction, f"{T}IsGreaterThanOrEqualTo")
    etree.SubElement(test, f"{T}FieldURI", FieldURI="item:DateTimeReceived")
    constant = etree.SubElement(test, f"{T}FieldURIOrConstant")
    etree.SubElement(constant, f"{T}Constant", Value=ews_time(start))
    order = etree.SubElement(etree.SubElement(root, f"{M}SortOrder"), f"{T}FieldOrder", Order="Ascending")
    etree.SubElement(order, f"{T}FieldURI", FieldURI="item:DateTimeReceived")
    _folder(root, "ParentFolderIds", stream, address)
    return root


def calendar_payload(address: str, start: datetime, end: datetime, uid: bool) -> Any:
    """FindItem with a CalendarView: every instance in [start, end), series expanded (with their UID)."""
    etree = _etree()
    root = etree.Element(f"{M}FindItem", nsmap={"m": M[1:-1], "t": T[1:-1]}, Traversal="Shallow")
    _shape(root, ("calendar:UID",) if uid else ())
    etree.SubElement(root, f"{M}CalendarView", StartDate=ews_time(start), EndDate=ews_time(end))
    _folder(root, "ParentFolderIds", "calendar", address)
    return root


def found_items(body: Any) -> Iterator[tuple[str, str, str]]:
    """(id, change key, UID or '') of each item a FindItem answer lists."""
    for message in messages(body, "FindItem"):
        root = message.find(f"{M}RootFolder")
        items = root.find(f"{T}Items") if root is not None else None
        for item in items if items is not None else ():
            ref = item.find(f"{T}ItemId")
            if ref is not None:
                yield str(ref.get("Id")), str(ref.get("ChangeKey") or ""), str(item.findtext(f"{T}UID") or "")
