"""Items a client creates through the EWS emulator: stored as the property elements it sent, served back.

Shapes and rules follow Microsoft's EWS reference: "CreateItem operation" (email message, calendar item,
contact, task; MessageDisposition SaveOnly / SendOnly / SendAndSaveCopy; SavedItemFolderId), "GetItem
operation" (ItemShape: BaseShape IdOnly / Default / AllProperties and AdditionalProperties with FieldURI,
IndexedFieldURI and ExtendedFieldURI), "UpdateItem operation" (SetItemField, AppendToItemField,
DeleteItemField), "DeleteItem operation" (HardDelete, SoftDelete, MoveToDeletedItems), "MoveItem
operation" and "CopyItem operation" (the item gets a new id in its new folder), "CreateAttachment",
"GetAttachment" and "DeleteAttachment operation", and "Restriction" (IsEqualTo, IsNotEqualTo,
IsGreaterThan[OrEqualTo], IsLessThan[OrEqualTo], Contains with ContainmentMode and ComparisonMode,
Excludes, Exists, And, Or, Not; a multi-valued property matches when one of its values does).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

T = "http://schemas.microsoft.com/exchange/services/2006/types"
ITEM_ELEMENTS = (
    "Message",
    "CalendarItem",
    "Contact",
    "DistributionList",
    "Task",
    "Item",
    "PostItem",
    "MeetingRequest",
)
ITEM_CLASS = {
    "Message": "IPM.Note",
    "CalendarItem": "IPM.Appointment",
    "Contact": "IPM.Contact",
    "DistributionList": "IPM.DistList",  # a contact group, kept in a contacts folder ("DistributionList")
    "Task": "IPM.Task",
}
# Properties Exchange computes: a client's value for them is not kept.
SERVER_SET = {
    "ItemId",
    "ParentFolderId",
    "DateTimeCreated",
    "LastModifiedTime",
    "Size",
    "HasAttachments",
    "Attachments",
    "ConversationId",
    "IsDraft",
}
# A contact's name parts hold at most 255 characters; a longer value is refused with ErrorPropertyUpdate
# (learned from exchangelib's live-server test of text fields, which expects exactly these three to refuse).
NAME_PARTS = {"GivenName", "MiddleName", "Surname"}
NAME_PART_LIMIT = 255
# FieldURIs whose element has another name.
URI_ELEMENT = {"item:Body": "Body", "message:IsRead": "IsRead"}


class ItemError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def props_of(element: ET.Element) -> list[ET.Element]:
    """The property elements of an item a client sent, less those the server sets, as the server keeps them."""
    return [normal(p) for p in element if local(p.tag) not in SERVER_SET]


def normal(element: ET.Element) -> ET.Element:
    """A copy of a property as Exchange stores it: xs:boolean "1"/"0" read as true/false (Exchange answers
    with the canonical form), a Subject cut at 255 characters (EWS reference, "Subject": "limited to 255
    characters")."""
    el = copy.deepcopy(element)
    for e in el.iter():
        name = local(e.tag)
        if not len(e) and e.text in ("0", "1") and _boolean(name):
            e.text = "true" if e.text == "1" else "false"
    if local(el.tag) == "Subject" and el.text and len(el.text) > 255:
        el.text = el.text[:255]
    for e in el.iter():  # a recurrence's dates come back with their time zone ("2014-03-08-08:00", "2014-03-08Z")
        if local(e.tag) in ("StartDate", "EndDate") and e.text and len(e.text) == 10:
            e.text += "Z"
    return el


def _boolean(name: str) -> bool:
    return name.startswith(("Is", "Has", "Allow")) or name.endswith(("IsSet", "Requested"))


def serialize(el: ET.Element) -> str:
    return ET.tostring(el, encoding="unicode")


def element_of(uri: str) -> str:
    return URI_ELEMENT.get(uri, uri.rsplit(":", 1)[-1])


def _ext_key(el: ET.Element) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v.lower()) for k, v in el.attrib.items()))


def find_prop(props: list[ET.Element], path: ET.Element) -> ET.Element | None:
    """The stored element a FieldURI / IndexedFieldURI / ExtendedFieldURI names (an Entry for an indexed one)."""
    kind = local(path.tag)
    if kind == "ExtendedFieldURI":
        key = _ext_key(path)
        for p in props:
            uri = p.find(f"{{{T}}}ExtendedFieldURI")
            if local(p.tag) == "ExtendedProperty" and uri is not None and _ext_key(uri) == key:
                return p
        return None
    field_uri = path.get("FieldURI", "")
    if kind == "IndexedFieldURI":
        container, _, sub = _indexed(field_uri)
        holder = next((p for p in props if local(p.tag) == container), None)
        if holder is None:
            return None
        entry = next((e for e in holder if e.get("Key") == path.get("FieldIndex")), None)
        if entry is not None and sub:
            return entry.find(f"{{{T}}}{sub}")
        return entry
    name = element_of(field_uri)
    return next((p for p in props if local(p.tag) == name), None)


def _indexed(uri: str) -> tuple[str, str, str]:
    """contacts:EmailAddress -> EmailAddresses; contacts:PhysicalAddress:Street -> PhysicalAddresses, Street."""
    parts = uri.split(":")
    base = parts[1] if len(parts) > 1 else uri
    sub = parts[2] if len(parts) > 2 else ""
    return base + ("es" if base.endswith("ss") else "s"), base, sub


def values(props: list[ET.Element], path: ET.Element) -> list[str]:
    """The comparable values of a property: a text, each String of a list, a mailbox's address."""
    el = find_prop(props, path)
    if el is None:
        return []
    if local(el.tag) == "ExtendedProperty":
        vals = el.find(f"{{{T}}}Values")
        if vals is not None:
            return [v.text or "" for v in vals]
        return [el.findtext(f"{{{T}}}Value") or ""]
    children = list(el)
    if not children:
        return [el.text or ""]
    found = [c.text or "" for c in children if local(c.tag) == "String" and not len(c)]
    for address in el.iter(f"{{{T}}}EmailAddress"):
        found.append(address.text or "")
    for name in el.iter(f"{{{T}}}Name"):
        found.append(name.text or "")
    return found or ["".join(el.itertext())]


def _coerce(a: str, b: str) -> tuple[Any, Any]:
    for parse in (_time, float):
        try:
            return parse(a), parse(b)
        except (ValueError, TypeError):
            continue
    truth = {"true": True, "1": True, "false": False, "0": False}  # xs:boolean
    if a.lower() in truth and b.lower() in truth:
        return truth[a.lower()], truth[b.lower()]
    return a.lower(), b.lower()


def _time(text: str) -> datetime:
    if len(text) < 10 or text[4] != "-":
        raise ValueError(text)
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(text)
    return value


COMPARE = {
    "IsEqualTo": lambda a, b: a == b,
    "IsNotEqualTo": lambda a, b: a != b,
    "IsGreaterThan": lambda a, b: a > b,
    "IsGreaterThanOrEqualTo": lambda a, b: a >= b,
    "IsLessThan": lambda a, b: a < b,
    "IsLessThanOrEqualTo": lambda a, b: a <= b,
}
TIME_FIELDS = {
    "DateTimeReceived",
    "DateTimeSent",
    "DateTimeCreated",
    "LastModifiedTime",
    "Start",
    "End",
    "DueDate",
    "StartDate",
    "CompleteDate",
    "ReminderDueBy",
    "Birthday",
    "WeddingAnniversary",
}
PATHS = ("FieldURI", "IndexedFieldURI", "ExtendedFieldURI")


def restriction(element: ET.Element, read: Any) -> Any:
    """A test for items from a Restriction; ``read(item, path)`` gives a property's values."""
    children = list(element)
    if len(children) != 1:
        raise ItemError("ErrorSchemaValidation", "The request failed schema validation.")
    return _node(children[0], read)


def _node(node: ET.Element, read: Any) -> Any:
    tag = local(node.tag)
    if tag in ("And", "Or"):
        parts = [_node(c, read) for c in node]
        combine = all if tag == "And" else any
        return lambda item: combine(p(item) for p in parts)
    if tag == "Not":
        inner = restriction(node, read)
        return lambda item: not inner(item)
    path = next((c for c in node if local(c.tag) in PATHS), None)
    if path is None:
        raise ItemError("ErrorInvalidRestriction", f"The restriction element '{tag}' has no property path.")
    if tag == "Exists":
        return lambda item: bool(read(item, path))
    constant = node.find(f".//{{{T}}}Constant")
    if constant is None:
        raise ItemError("ErrorUnsupportedQueryFilter", "Only comparisons with a Constant are supported.")
    bound = constant.get("Value", "")
    if element_of(path.get("FieldURI", "")) in TIME_FIELDS:
        try:  # the Constant must be coercible to the property's type (EWS reference, "Constant")
            _time(bound if bound.endswith("Z") or "+" in bound[10:] else bound + "Z")
        except ValueError:
            raise ItemError(
                "ErrorInvalidValueForProperty", "The value of the Constant is not a valid date/time."
            ) from None
    if tag in ("Contains", "Excludes"):
        mode = node.get("ContainmentMode", "Substring")
        fold = node.get("ContainmentComparison", "Exact").startswith("Ignore")
        if tag == "Excludes":
            mask = int(bound, 0) if bound.lstrip("-").isdigit() or bound.startswith("0x") else 0
            return lambda item: all(not (int(v) & mask) for v in read(item, path) if v.lstrip("-").isdigit())

        def contains(item: Any) -> bool:
            for v in read(item, path):
                a, b = (v.lower(), bound.lower()) if fold else (v, bound)
                if (mode == "FullString" and a == b) or (mode == "Prefixed" and a.startswith(b)):
                    return True
                if mode in ("Substring", "PrefixOnWords", "ExactPhrase") and b in a:
                    return True
            return False

        return contains
    compare = COMPARE.get(tag)
    if compare is None:
        raise ItemError("ErrorInvalidRestriction", f"The restriction element '{tag}' is not supported.")
    if tag == "IsNotEqualTo":
        return lambda item: all(compare(*_coerce(v, bound)) for v in read(item, path))
    return lambda item: any(compare(*_coerce(v, bound)) for v in read(item, path))


def requested(op: ET.Element) -> tuple[str, list[ET.Element]]:
    """A request's BaseShape and its AdditionalProperties paths."""
    shape = next((e for e in op if local(e.tag) in ("ItemShape", "FolderShape")), None)
    if shape is None:
        return "AllProperties", []
    base = shape.findtext(f"{{{T}}}BaseShape") or "Default"
    extra = shape.find(f"{{{T}}}AdditionalProperties")
    return base, list(extra) if extra is not None else []


def shaped(props: list[ET.Element], base: str, paths: list[ET.Element]) -> list[ET.Element]:
    """The properties a shape asks for: every one for AllProperties / Default, else those named."""
    if base in ("AllProperties", "Default") and not paths:
        return props
    names = set()
    exts = set()
    for path in paths:
        kind = local(path.tag)
        if kind == "FieldURI":
            names.add(element_of(path.get("FieldURI", "")))
        elif kind == "IndexedFieldURI":
            names.add(_indexed(path.get("FieldURI", ""))[0])
        else:
            exts.add(_ext_key(path))
    out = []
    for p in props:
        if local(p.tag) == "ExtendedProperty":
            uri = p.find(f"{{{T}}}ExtendedFieldURI")
            if uri is not None and _ext_key(uri) in exts:
                out.append(p)
        elif base != "IdOnly" or local(p.tag) in names:
            out.append(p)
    return out


def apply_update(props: list[ET.Element], update: ET.Element) -> list[ET.Element]:
    """One SetItemField / AppendToItemField / DeleteItemField applied to a stored item's properties."""
    kind = local(update.tag)
    path = next((c for c in update if local(c.tag) in PATHS), None)
    if path is None:
        raise ItemError("ErrorInvalidPropertyRequest", "An update names no property.")
    holder = next((c for c in update if local(c.tag) not in PATHS), None)
    path_kind = local(path.tag)
    props = list(props)
    if path_kind == "IndexedFieldURI":
        container, _, sub = _indexed(path.get("FieldURI", ""))
        key = path.get("FieldIndex", "")
        stored = next((p for p in props if local(p.tag) == container), None)
        if kind == "DeleteItemField":
            if stored is not None:
                for entry in [e for e in stored if e.get("Key") == key]:
                    if sub:
                        for s in entry.findall(f"{{{T}}}{sub}"):
                            entry.remove(s)
                        if len(entry):
                            continue
                    stored.remove(entry)
                if not len(stored):
                    props.remove(stored)
            return props
        new = holder.find(f"{{{T}}}{container}") if holder is not None else None
        given = next((e for e in new if e.get("Key") == key), None) if new is not None else None
        if given is None:
            raise ItemError("ErrorInvalidPropertyRequest", f"No value for {container} {key}.")
        if stored is None:
            stored = ET.Element(f"{{{T}}}{container}")
            props.append(stored)
        old = next((e for e in stored if e.get("Key") == key), None)
        if old is not None and sub:
            for s in given:
                for o in old.findall(s.tag):
                    old.remove(o)
                old.append(copy.deepcopy(s))
        else:
            if old is not None:
                stored.remove(old)
            stored.append(copy.deepcopy(given))
        return props
    if path_kind == "ExtendedFieldURI":
        ext = _ext_key(path)
        props = [
            p
            for p in props
            if not (
                local(p.tag) == "ExtendedProperty"
                and p.find(f"{{{T}}}ExtendedFieldURI") is not None
                and _ext_key(p.find(f"{{{T}}}ExtendedFieldURI")) == ext  # type: ignore[arg-type]
            )
        ]
        if kind != "DeleteItemField" and holder is not None:
            props += [normal(e) for e in holder if local(e.tag) == "ExtendedProperty"]
        return props
    name = element_of(path.get("FieldURI", ""))
    old = next((p for p in props if local(p.tag) == name), None)
    if kind == "DeleteItemField":
        return [p for p in props if p is not old]
    new = holder.find(f"{{{T}}}{name}") if holder is not None else None
    if new is None:
        raise ItemError("ErrorInvalidPropertyRequest", f"No value for {path.get('FieldURI')}.")
    if kind == "AppendToItemField" and old is not None:
        merged = copy.deepcopy(old)
        if len(new):
            merged.extend(copy.deepcopy(c) for c in new)
        else:
            merged.text = (merged.text or "") + (new.text or "")
        new = merged
    if name in NAME_PARTS and len(new.text or "") > NAME_PART_LIMIT:
        raise ItemError("ErrorPropertyUpdate", f"The value of {path.get('FieldURI')} is too long.")
    return [p for p in props if p is not old] + [normal(new)]


def attachment_id(seed: str) -> str:
    return "AAMkADAtt" + base64.b64encode(hashlib.sha256(f"attachment:{seed}".encode()).digest()).decode()


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_OCCURRENCES = 200  # a series with no end is expanded this far


def occurrences(props: list[ET.Element]) -> list[tuple[datetime, datetime]]:
    """(start, end) of each instance of a recurring calendar item: DailyRecurrence and WeeklyRecurrence with a
    NumberedRecurrence, EndDateRecurrence or NoEndRecurrence ("Recurrence (RecurrenceType)"); the first one is
    the item's own Start.  Other patterns are kept and served, but not expanded."""
    get = {local(p.tag): p for p in props}
    recurrence = get.get("Recurrence")
    if recurrence is None or "Start" not in get or "End" not in get:
        return []
    start, end = _time(get["Start"].text or ""), _time(get["End"].text or "")
    length = end - start
    kinds = {local(c.tag): c for c in recurrence}
    pattern = kinds.get("DailyRecurrence", kinds.get("WeeklyRecurrence"))
    if pattern is None:
        return []
    interval = max(1, int(pattern.findtext(f"{{{T}}}Interval") or "1"))
    count = MAX_OCCURRENCES
    until: datetime | None = None
    if "NumberedRecurrence" in kinds:
        count = min(count, int(kinds["NumberedRecurrence"].findtext(f"{{{T}}}NumberOfOccurrences") or "1"))
    if "EndDateRecurrence" in kinds:
        text = (kinds["EndDateRecurrence"].findtext(f"{{{T}}}EndDate") or "")[:10]
        until = datetime.fromisoformat(text).replace(tzinfo=start.tzinfo) + timedelta(days=1)
    found: list[tuple[datetime, datetime]] = []
    if local(pattern.tag) == "DailyRecurrence":
        day = start
        while len(found) < count and (until is None or day < until):
            found.append((day, day + length))
            day += timedelta(days=interval)
        return found
    days = {WEEKDAYS.index(d) for d in (pattern.findtext(f"{{{T}}}DaysOfWeek") or "").split() if d in WEEKDAYS}
    days = days or {start.weekday()}
    week = start - timedelta(days=start.weekday())
    while len(found) < count and (until is None or week < until):
        for d in sorted(days):
            day = week + timedelta(days=d)
            if day >= start and len(found) < count and (until is None or day < until):
                found.append((day, day + length))
        week += timedelta(weeks=interval)
    return found
