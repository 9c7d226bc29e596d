"""What the EWS emulator's modules share: the namespaces, the error an operation answers, a stored item,
ids as Exchange shapes them, and the response messages every operation wraps its answers in (EWS
reference, "ResponseMessages": ResponseClass, MessageText, ResponseCode, DescriptiveLinkKey)."""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"


class EwsError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Item:
    id: str
    folder: str
    fields: dict[str, Any]
    seq: int
    change_key: str = ""
    deleted: bool = False
    created: int = 0  # the step that created it: a change after a sync state is a Create or an Update


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def make_folder_id(name: str) -> str:
    return "AAMkAD" + b64(hashlib.sha1(f"folder:{name}".encode()).digest())[:40] + "AAA="


def malformed_id(item_id: str) -> bool:
    """Whether an id is not one of Exchange's (base64 of a store entry id): ErrorInvalidIdMalformed."""
    return len(item_id) < 20 or not set(item_id) <= BASE64


BASE64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_")


def make_item_id(seed: str) -> str:
    return "AAMkAD" + b64(hashlib.sha256(f"item:{seed}".encode()).digest()) + "AAA="


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def field_uri(name: str) -> ET.Element:
    return ET.Element(f"{{{T}}}FieldURI", FieldURI=name)


def ok_message(op: str, inner: str) -> str:
    return (
        f'<m:{op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{inner}'
        f"</m:{op}ResponseMessage>"
    )


def error_message(op: str, code: str, text: str) -> str:
    # A failed SyncFolderItems still carries an empty SyncState and IncludesLastItemInRange, as Exchange sends it.
    tail = (
        "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>" if op == "SyncFolderItems" else ""
    )
    return (
        f'<m:{op}ResponseMessage ResponseClass="Error"><m:MessageText>{escape(text)}</m:MessageText>'
        f"<m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>{tail}"
        f"</m:{op}ResponseMessage>"
    )


def response_body(op: str, messages: list[str]) -> str:
    return (
        f'<m:{op}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>{"".join(messages)}'
        f"</m:ResponseMessages></m:{op}Response>"
    )
