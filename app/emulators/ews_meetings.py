"""Meeting response objects of the EWS emulator's CreateItem: cancel, accept, tentatively accept, decline.

Rules from Microsoft's EWS reference: "CreateItem operation" (response objects: CancelCalendarItem
"deletes the meeting for the organizer also"; AcceptItem, TentativelyAcceptItem, DeclineItem answer
a meeting request), "CancelCalendarItem", "ReferenceItemId" and the response codes
ErrorMissingInformationReferenceItemId, ErrorInvalidReferenceItem and ErrorInvalidRecipients.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from app.emulators.ews_common import EwsError, Item, T, field_uri, local_name, ok_message

# ``svc`` below is the EwsService answering the request; it is typed Any because ews imports this module
# (a module-level import back would be a cycle, which tests/test_layers.py refuses).
EwsService = Any

# CreateItem's response objects for meetings carried out here.
MEETING_RESPONSES = ("AcceptItem", "TentativelyAcceptItem", "DeclineItem", "CancelCalendarItem")


def respond(svc: EwsService, op: ET.Element, element: ET.Element, disposition: str) -> str:
    """A response object of CreateItem ("CreateItem operation": response objects): CancelCalendarItem
    deletes the organizer's meeting and sends a MeetingCancellation to its attendees; AcceptItem,
    TentativelyAcceptItem and DeclineItem answer the organizer of a meeting someone else organized (a
    declined one leaves the calendar). With SendAndSaveCopy the message sent is kept in Sent Items (or
    SavedItemFolderId) and its id is told (ours: Exchange's answer for these is not documented)."""
    kind = local_name(element.tag)
    ref = element.find(f"{{{T}}}ReferenceItemId")
    if ref is None:
        raise EwsError("ErrorMissingInformationReferenceItemId", "The ReferenceItemId is missing.")
    item = svc._by_ref(ref)
    if svc._element(item) != "CalendarItem":
        raise EwsError("ErrorInvalidReferenceItem", "The reference item does not support this response.")
    host = organizer(svc, item)
    mine = host.lower() == svc.owner.address.lower()
    if mine != (kind == "CancelCalendarItem"):
        raise EwsError("ErrorInvalidReferenceItem", "The reference item does not support this response.")
    if kind == "CancelCalendarItem":
        # The organizer is not told of their own cancellation: a meeting with no other attendee has no one
        # to send it to (exchangelib's live test, run with one account, expects ErrorInvalidRecipients).
        to = [a for a in attendees(svc, item) if a.lower() != svc.owner.address.lower()]
        if not to:
            raise EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.")
        subject, answer = "Canceled: ", "MeetingCancellation"
    else:
        to = [host]
        subject = {"AcceptItem": "Accepted: ", "TentativelyAcceptItem": "Tentative: "}.get(kind, "Declined: ")
        answer = "MeetingResponse"
    subject += next(iter(svc._read(item, field_uri("item:Subject"))), "")
    svc.sent.append({"subject": subject, "to": to, "body": element.findtext(f"{{{T}}}Body") or ""})
    if kind in ("CancelCalendarItem", "DeclineItem"):
        svc._drop(item)
    else:
        response = kind.removesuffix("Item").replace("TentativelyAccept", "Tentative")
        fields = dict(item.fields, MyResponseType=response)
        if "_props" in fields:  # a created item serves its properties: the response is one of them
            told = ET.Element(f"{{{T}}}MyResponseType")
            told.text = response
            fields["_props"] = [p for p in fields["_props"] if local_name(p.tag) != "MyResponseType"] + [told]
        svc._put(item.folder, item.id, fields)
    if disposition != "SendAndSaveCopy":
        return ok_message("CreateItem", "<m:Items/>")
    saved = ET.Element(f"{{{T}}}Message")
    ET.SubElement(saved, f"{{{T}}}Subject").text = subject
    recipients = ET.SubElement(saved, f"{{{T}}}ToRecipients")
    for address in to:
        ET.SubElement(ET.SubElement(recipients, f"{{{T}}}Mailbox"), f"{{{T}}}EmailAddress").text = address
    kept = svc._store(svc._target(op, "SavedItemFolderId", "sentitems"), saved, draft=False)
    kept.fields["_element"] = answer
    return ok_message(
        "CreateItem",
        f'<m:Items><t:{answer}><t:ItemId Id="{kept.id}" ChangeKey="{kept.change_key}"/></t:{answer}></m:Items>',
    )


def organizer(svc: EwsService, item: Item) -> str:
    """A calendar item's organizer: the owner for one created here without another organizer."""
    found: list[str] = svc._read(item, field_uri("calendar:Organizer"))
    return next((v for v in found if "@" in v), str(svc.owner.address))


def attendees(svc: EwsService, item: Item) -> list[str]:
    """The addresses of a calendar item's required and optional attendees."""
    found = svc._read(item, field_uri("calendar:RequiredAttendees")) + svc._read(
        item, field_uri("calendar:OptionalAttendees")
    )
    return [v for v in found if "@" in v]
