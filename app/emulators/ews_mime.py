"""MIME content of items in the EWS emulator, and the opaque data of ExportItems / UploadItems.

Shapes follow Microsoft's EWS reference: "MimeContent" (the RFC 822 message, base64, with its
CharacterSet), "CreateItem operation" (an item may be created from MimeContent: Exchange reads its
headers and body), "ExportItems operation" (one base64 Data per item, for UploadItems only) and
"UploadItems operation" (CreateAction CreateNew / Update / UpdateOrCreate, ParentFolderId, ItemId, Data).
What is ours: Exchange's export stream is a binary format of its own (a FastTransfer stream); ours is
compressed JSON of the stored item, equally opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Any

T = "http://schemas.microsoft.com/exchange/services/2006/types"
_RECIPIENTS = (("ToRecipients", "To"), ("CcRecipients", "Cc"), ("BccRecipients", "Bcc"))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _mailboxes(element: ET.Element | None) -> list[str]:
    found = []
    for box in element.iter(f"{{{T}}}Mailbox") if element is not None else []:
        address = box.findtext(f"{{{T}}}EmailAddress") or ""
        name = box.findtext(f"{{{T}}}Name") or ""
        found.append(f'"{name}" <{address}>' if name else address)
    return found


def mime_of(props: list[ET.Element], sent: str) -> str:
    """An item's MimeContent element: what it was created from, else a message built from its properties."""
    by_name = {_local(p.tag): p for p in props}
    given = by_name.get("MimeContent")
    if given is not None:
        return ET.tostring(given, encoding="unicode")
    message = EmailMessage(policy=policy.SMTP)
    sender = _mailboxes(by_name.get("From")) or _mailboxes(by_name.get("Sender"))
    if sender:
        message["From"] = sender[0]
    for name, header in _RECIPIENTS[:2]:
        people = _mailboxes(by_name.get(name))
        if people:
            message[header] = ", ".join(people)
    message["Subject"] = (by_name["Subject"].text or "") if "Subject" in by_name else ""
    try:
        message["Date"] = format_datetime(datetime.fromisoformat(sent))
    except ValueError:
        pass
    body = by_name.get("Body")
    text = (body.text or "") if body is not None else ""
    subtype = "html" if body is not None and body.get("BodyType") == "HTML" else "plain"
    message.set_content(text, subtype=subtype, charset="utf-8")
    raw = base64.b64encode(message.as_bytes()).decode()
    return f'<t:MimeContent xmlns:t="{T}" CharacterSet="UTF-8">{raw}</t:MimeContent>'


def _element(name: str, text: str = "", **attrs: str) -> ET.Element:
    el = ET.Element(f"{{{T}}}{name}", attrs)
    el.text = text or None
    return el


def _people(name: str, header: str) -> ET.Element:
    holder = _element(name)
    for display, address in getaddresses([header]):
        box = ET.SubElement(holder, f"{{{T}}}Mailbox")
        if display:
            ET.SubElement(box, f"{{{T}}}Name").text = display
        ET.SubElement(box, f"{{{T}}}EmailAddress").text = address
    return holder


def from_mime(props: list[ET.Element]) -> list[ET.Element]:
    """An item created from MimeContent: its Subject, Body, sender and recipients read from the message,
    where the request did not give them as properties."""
    given = next((p for p in props if _local(p.tag) == "MimeContent"), None)
    if given is None:
        return props
    try:
        raw = base64.b64decode((given.text or "").strip(), validate=True)
    except binascii.Error:
        raise ValueError("MimeContent is not base64.") from None
    message = message_from_bytes(raw, policy=policy.default)
    have = {_local(p.tag) for p in props}
    added = []
    if "Subject" not in have and message["Subject"] is not None:
        added.append(_element("Subject", str(message["Subject"])))
    if "Body" not in have and isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None and isinstance(part, EmailMessage):
            kind = "HTML" if part.get_content_subtype() == "html" else "Text"
            added.append(_element("Body", str(part.get_content()), BodyType=kind))
    if "From" not in have and message["From"] is not None:
        name, address = parseaddr(str(message["From"]))
        sender = _people("From", f'"{name}" <{address}>' if name else address)
        added.append(sender)
    for name, header in _RECIPIENTS:
        if name not in have and message[header] is not None:
            added.append(_people(name, str(message[header])))
    return props + added


def pack(fields: dict[str, Any]) -> str:
    """ExportItems' Data for an item's stored fields."""
    data = dict(fields)
    if "_props" in data:
        data["_props"] = [ET.tostring(p, encoding="unicode") for p in data["_props"]]
    return base64.b64encode(zlib.compress(json.dumps({"v": 1, "fields": data}).encode())).decode()


def unpack(text: str) -> dict[str, Any]:
    """The stored fields an UploadItems Data carries; ValueError when it is not ExportItems' Data."""
    try:
        data = json.loads(zlib.decompress(base64.b64decode(text.strip(), validate=True)))
    except (binascii.Error, zlib.error, ValueError):
        raise ValueError("The Data is not an exported item.") from None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("fields"), dict):
        raise ValueError("The Data is not an exported item.")
    fields: dict[str, Any] = data["fields"]
    if "_props" in fields:
        fields["_props"] = [ET.fromstring(p) for p in fields["_props"]]
    return fields
