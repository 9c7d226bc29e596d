"""Exchange Web Services emulator: the SOAP operations exchangelib sends for Syncbar.

Shapes follow Microsoft's EWS reference ("SyncFolderItems operation",
"GetItem operation (email message)", "UpdateItem operation", "CreateItem
operation (email message)", "GetFolder operation", "ConvertId operation",
"GetUserConfiguration / CreateUserConfiguration / UpdateUserConfiguration
operation", "EWS throttling in Exchange": ErrorServerBusy with
BackOffMilliseconds) and the Outlook category list format ([MS-OXOCFG]).

    POST /EWS/Exchange.asmx     on-premises (``ews``): NTLM, or Basic while ``allow_basic``;
                                Exchange Online (``ews-online``): an Entra bearer token only; 401 otherwise

Operations: ConvertId (exchangelib's version probe; every answer carries
ServerVersionInfo), GetFolder (distinguished folders), SyncFolderItems
(Create/Update/Delete changes after an opaque SyncState, at most
MaxChangesReturned per call, IncludesLastItemInRange; a stale state answers
ErrorInvalidSyncStateData), GetItem, UpdateItem (Set/Append/DeleteItemField
of item:Categories and a few more), CreateItem (SendOnly / SendAndSaveCopy),
Get/Create/UpdateUserConfiguration (IPM.Configuration.CategoryList XmlData).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from app.emulators import tenant
from app.emulators.base import ChangeLog, Limits, Request, Response, SeedData, SeedMessage, SeedPerson, Service
from app.emulators.ntlm import NtlmGate

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
PATH = "/EWS/Exchange.asmx"
USERNAME = "alex.morgan"
FOLDERS = {  # distinguished id -> (element, FolderClass, display name)
    "msgfolderroot": ("Folder", "IPF.Note", "Top of Information Store"),
    "root": ("Folder", "", "Root"),
    "inbox": ("Folder", "IPF.Note", "Inbox"),
    "sentitems": ("Folder", "IPF.Note", "Sent Items"),
    "calendar": ("CalendarFolder", "IPF.Appointment", "Calendar"),
    "contacts": ("ContactsFolder", "IPF.Contact", "Contacts"),
    "tasks": ("TasksFolder", "IPF.Task", "Tasks"),
}
ITEM_ELEMENT = {
    "inbox": "Message",
    "sentitems": "Message",
    "calendar": "CalendarItem",
    "contacts": "Contact",
    "tasks": "Task",
}
MAX_CHANGES = 512
MAX_CONCURRENCY = 27  # EWSMaxConcurrency of Exchange Online's default throttling policy
# A new mailbox's master category list as Outlook writes it ([MS-OXOCFG] 2.2.5.2.2: root
# <categories> in the default namespace "CategoryList.xsd"; colours are the Outlook indices of
# 2.2.5.2: 0 red, 1 orange, 3 yellow, 4 green, 7 blue, 8 purple; renameOnFirstUse="1" on the six
# default categories).  Exchange stores the XmlData as it was given; only clients parse it.
_NEVER = "1601-01-01T00:00:00.000"
_DEFAULT_CATEGORIES = (
    ("Red category", "0", "{8f2a5c1e-0b1d-4c51-9f0e-3a1b2c3d4e01}"),
    ("Orange category", "1", "{8f2a5c1e-0b1d-4c51-9f0e-3a1b2c3d4e02}"),
    ("Yellow category", "3", "{8f2a5c1e-0b1d-4c51-9f0e-3a1b2c3d4e03}"),
    ("Green category", "4", "{8f2a5c1e-0b1d-4c51-9f0e-3a1b2c3d4e04}"),
    ("Blue category", "7", "{8f2a5c1e-0b1d-4c51-9f0e-3a1b2c3d4e05}"),
    ("Purple category", "8", "{8f2a5c1e-0b1d-4c51-9f0e-3a1b2c3d4e06}"),
)
DEFAULT_CATEGORY_LIST = (
    '<?xml version="1.0"?>\n<categories default="Red category" lastSavedSession="1" '
    'lastSavedTime="2026-01-05T08:00:00.000" xmlns="CategoryList.xsd">'
    + "".join(
        f'<category name="{name}" color="{colour}" keyboardShortcut="0" usageCount="0" '
        f'lastTimeUsedNotes="{_NEVER}" lastTimeUsedJournal="{_NEVER}" lastTimeUsedContacts="{_NEVER}" '
        f'lastTimeUsedTasks="{_NEVER}" lastTimeUsedCalendar="{_NEVER}" lastTimeUsedMail="{_NEVER}" '
        f'lastTimeUsed="{_NEVER}" lastSessionUsed="0" guid="{guid}" renameOnFirstUse="1"/>'
        for name, colour, guid in _DEFAULT_CATEGORIES
    )
    + "</categories>"
).encode("utf-8")


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


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _folder_id(name: str) -> str:
    return "AAMkAD" + _b64(hashlib.sha1(f"folder:{name}".encode()).digest())[:40] + "AAA="


def _item_id(seed: str) -> str:
    return "AAMkAD" + _b64(hashlib.sha256(f"item:{seed}".encode()).digest()) + "AAA="


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _mailbox(p: SeedPerson) -> dict[str, str]:
    return {"name": p.name or p.address, "address": p.address}


class EwsService(Service):
    """Exchange Server on premises: Windows authentication (NTLM) on the EWS virtual directory, and Basic
    where the administrator left it on (``allow_basic``)."""

    name = "ews"
    mode = "onprem"
    allow_ntlm = True
    allow_basic = True

    def __init__(self, seed: SeedData) -> None:
        super().__init__()
        self.owner = seed.owner
        self.password = "Emulator-" + secrets.token_urlsafe(12)
        netbios = self.owner.address.rpartition("@")[2].split(".")[0].upper() or "EXAMPLE"
        self.ntlm = NtlmGate([USERNAME, self.owner.address, f"{netbios}\\{USERNAME}"], self.password)
        self.schemes: dict[str, int] = {}  # requests served per authentication scheme, for tests
        self.items: dict[str, Item] = {}
        self.logs: dict[str, ChangeLog] = {f: ChangeLog() for f in ITEM_ELEMENT}
        self.seq = 0
        self.epoch = 1
        self.configs: dict[tuple[str, str], bytes] = {("calendar", "CategoryList"): DEFAULT_CATEGORY_LIST}
        self.sent: list[dict[str, Any]] = []
        self.busy_until = 0.0
        # Occurrences and exceptions of recurring series: not items of the folder (SyncFolderItems and
        # an IndexedPageItemView list only the RecurringMaster), but listed by a CalendarView and read,
        # or updated, by their own ids.
        self.occurrences: dict[str, Item] = {}
        self._last = threading.local()
        for m in seed.messages:
            self._load_message(m)
        for e in seed.events:
            self._put(
                "calendar",
                _item_id("event:" + e.id),
                {
                    "Subject": e.subject,
                    "Body": e.body,
                    "Start": _iso(e.start),
                    "End": _iso(e.end),
                    "Location": e.location,
                    "Organizer": _mailbox(e.organizer),
                    "RequiredAttendees": [_mailbox(a) for a in e.attendees],
                    "Categories": [],
                    "CalendarItemType": "Single",
                    "UID": _uid(e.id),
                },
            )
        for e in seed.series:
            self._load_series(e)
        for c in seed.contacts:
            self._put(
                "contacts",
                _item_id("contact:" + c.id),
                {
                    "DisplayName": f"{c.first_name} {c.last_name}".strip(),
                    "GivenName": c.first_name,
                    "Surname": c.last_name,
                    "CompanyName": c.company,
                    "JobTitle": c.title,
                    "EmailAddresses": [c.email] if c.email else [],
                    "PhoneNumbers": [c.phone] if c.phone else [],
                    "Categories": [],
                },
            )
        for t in seed.tasks:
            self._put(
                "tasks",
                _item_id("task:" + t.id),
                {
                    "Subject": t.subject,
                    "Body": t.body,
                    "DueDate": _iso(t.due) if t.due else "",
                    "Status": {"notStarted": "NotStarted", "inProgress": "InProgress", "completed": "Completed"}.get(
                        t.status, "NotStarted"
                    ),
                    "Categories": [],
                },
            )

    # --- store ---

    def _load_series(self, e: Any) -> None:
        """A RecurringMaster with its Recurrence, FirstOccurrence and LastOccurrence, and its instances.

        Shapes: wire samples getitem_response_recurringmaster.xml, finditem_response_calendarview_occurrences.xml.
        """
        master_id = _item_id("series:" + e.id)
        occurrences = e.occurrences()
        common = {
            "Subject": e.subject,
            "Body": e.body,
            "Location": e.location,
            "Organizer": _mailbox(e.organizer),
            "RequiredAttendees": [_mailbox(a) for a in e.attendees],
            "Categories": [],
            "UID": _uid(e.id),
        }
        ids = [_item_id(f"occurrence:{e.id}:{n}") for n in range(len(occurrences))]
        edge = {
            "first": (ids[0], occurrences[0]),
            "last": (ids[-1], occurrences[-1]),
        }
        master = dict(
            common,
            Start=_iso(e.start),
            End=_iso(e.end),
            CalendarItemType="RecurringMaster",
            Recurrence={"weekday": e.start.strftime("%A"), "start": e.start.strftime("%Y-%m-%dZ"), "count": len(ids)},
            Occurrences={k: (i, _iso(s), _iso(en), _iso(o)) for k, (i, (s, en, o)) in edge.items()},
        )
        self._put("calendar", master_id, master)
        for n, (start, end, original) in enumerate(occurrences):
            fields = dict(
                common,
                Start=_iso(start),
                End=_iso(end),
                OriginalStart=_iso(original),
                CalendarItemType="Exception" if n == e.moved else "Occurrence",
                Master=master_id,
            )
            self._put_occurrence(ids[n], fields)

    def add_series(self, event: Any) -> str:
        """Back door: a recurring series (a ``SeedEvent`` with ``weekly`` > 0) is created; its master's id."""
        with self.lock:
            self._load_series(event)
            return _item_id("series:" + event.id)

    def _put_occurrence(self, item_id: str, fields: dict[str, Any]) -> None:
        self.seq += 1
        change_key = "DwAAABYAAA" + _b64(hashlib.sha1(f"{item_id}:{self.seq}".encode()).digest())[:24]
        self.occurrences[item_id] = Item(item_id, "calendar", fields, self.seq, change_key, created=self.seq)

    def _lookup(self, item_id: str) -> Item | None:
        item = self.items.get(item_id) or self.occurrences.get(item_id)
        if item is None or item.deleted:
            return None
        master = self.items.get(str(item.fields.get("Master") or ""))
        return None if master is not None and master.deleted else item

    def _load_message(self, m: SeedMessage) -> str:
        folder = "sentitems" if m.folder in ("sent", "sentitems") else "inbox"
        return self._put(
            folder,
            _item_id("message:" + m.id),
            {
                "Subject": m.subject,
                "Body": m.body,
                "DateTimeReceived": _iso(m.sent_at),
                "DateTimeSent": _iso(m.sent_at),
                "From": _mailbox(m.sender),
                "Sender": _mailbox(m.sender),
                "ToRecipients": [_mailbox(p) for p in m.to],
                "CcRecipients": [_mailbox(p) for p in m.cc],
                "InternetMessageId": m.internet_message_id or f"<{m.id}@x>",
                "IsRead": folder == "sentitems",
                "Categories": [],
            },
        )

    def _put(self, folder: str, item_id: str, fields: dict[str, Any]) -> str:
        self.seq += 1
        change_key = "CQAAABYAAA" + _b64(hashlib.sha1(f"{item_id}:{self.seq}".encode()).digest())[:24]
        old = self.items.get(item_id)
        created = old.created if old is not None else self.seq
        self.items[item_id] = Item(item_id, folder, fields, self.seq, change_key, created=created)
        self.logs[folder].touch(item_id)
        return item_id

    def add_message(self, folder: str, subject: str, sender: str, to: str, body: str = "") -> str:
        with self.lock:
            seed_id = f"new-{self.seq}-{secrets.token_hex(4)}"
            return self._load_message(
                SeedMessage(
                    id=seed_id,
                    folder=folder,
                    subject=subject,
                    body=body or subject,
                    sender=SeedPerson(sender),
                    to=[SeedPerson(to)],
                    sent_at=datetime.now(UTC),
                )
            )

    def delete_item(self, item_id: str) -> None:
        with self.lock:
            item = self.items[item_id]
            self.seq += 1
            item.deleted, item.seq = True, self.seq
            self.logs[item.folder].touch(item_id)

    def categories_of(self, item_id: str) -> list[str]:
        with self.lock:
            return list(self.items[item_id].fields.get("Categories") or [])

    def expire_sync_state(self) -> None:
        with self.lock:
            self.epoch += 1

    # --- Service interface ---

    def operation(self, request: Request) -> str:
        self._last.op = self._operation(request)  # an injected error answers in this operation's own shape
        return str(self._last.op)

    def _operation(self, request: Request) -> str:
        if request.path.rstrip("/").lower() != PATH.lower() or request.method != "POST":
            return "other"
        try:
            body = ET.fromstring(request.body).find(f"{{{SOAP}}}Body")
            return _local(body[0].tag) if body is not None and len(body) else "other"
        except ET.ParseError:
            return "other"

    def _challenge(self) -> str:
        offered = (["NTLM"] if self.allow_ntlm else []) + (
            ['Basic realm="mail.example.com"'] if self.allow_basic else []
        )
        return ", ".join(offered)

    def _unauthorized(self, challenge: str = "") -> Response:
        return Response(401, b"", {"WWW-Authenticate": challenge or self._challenge()})

    def _check_auth(self, request: Request) -> Response | None:
        """None when the request may be served, else the 401 to send (IIS answers 401 with no body)."""
        auth = request.headers.get("authorization", "")
        scheme = auth.partition(" ")[0].lower()
        if scheme == "basic" and self.allow_basic:
            try:
                user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return self._unauthorized()
            if user.lower() in (USERNAME, self.owner.address.lower()) and password == self.password:
                return self._served("basic")
            return self._unauthorized()
        if scheme == "ntlm" and self.allow_ntlm:
            challenge = self.ntlm.step(request.connection, auth)
            if challenge is not None:
                return self._unauthorized(challenge if challenge != "NTLM" else "")
            return self._served("ntlm")
        if not auth and self.ntlm.user(request.connection) is not None:
            return self._served("ntlm")  # the connection authenticated earlier
        return self._unauthorized()

    def _served(self, scheme: str) -> Response | None:
        """Count the scheme that let a request in; None: serve it."""
        self.schemes[scheme] = self.schemes.get(scheme, 0) + 1
        return None

    def handle(self, request: Request) -> Response:
        with self.lock:
            if request.path.rstrip("/").lower() != PATH.lower():
                return Response(404, b"", {"Content-Type": "text/html"})
            if request.method != "POST":
                return Response(405, b"", {"Allow": "POST"})
            denied = self._check_auth(request)
            if denied is not None:
                return denied
            if self.busy_until > time.time():
                return self.throttle_response(self.busy_until - time.time())
            try:
                envelope = ET.fromstring(request.body)
                body = envelope.find(f"{{{SOAP}}}Body")
                if body is None or not len(body):
                    raise ET.ParseError("no SOAP body")
            except ET.ParseError as exc:
                return self._fault("ErrorSchemaValidation", f"The request failed schema validation: {exc}", 500)
            op = body[0]
            handler = getattr(self, "_op_" + _local(op.tag), None)
            if handler is None:
                return self._fault("ErrorInvalidRequest", f"The request is invalid: {_local(op.tag)}", 500)
            return _envelope(handler(op))

    def error_response(self, status: int, code: str, message: str) -> Response:
        """401: no body; ErrorServerBusy and bare 5xx: a SOAP fault; any other code: the operation's own
        response message with ResponseClass="Error" in an HTTP 200, which is how Exchange reports most errors."""
        if status == 401:
            return self._unauthorized()
        if code == "ErrorServerBusy":
            return self.throttle_response(5.0)
        text = message or "An internal server error occurred. The operation failed."
        op = getattr(self._last, "op", "")
        if not code or status >= 500 or not op or op == "other":
            return self._fault(code or "ErrorInternalServerError", text, status if status >= 400 else 500)
        return _envelope(_response(op, [_error(op, code, text)]))

    def limits(self) -> Limits:
        # Exchange Online's default throttling policy: EWSMaxConcurrency 27 connections per account
        # ("EWS throttling in Exchange"); one more is answered ErrorServerBusy with BackOffMilliseconds.
        return Limits(concurrent=MAX_CONCURRENCY, refuse=self.throttle_response, wait=1.0)

    def throttle_response(self, retry_after: float) -> Response:
        text = "The server cannot service this request right now. Try again later."
        detail = (
            f'<t:MessageXml xmlns:t="{T}"><t:Value Name="BackOffMilliseconds">{int(retry_after * 1000)}'
            "</t:Value></t:MessageXml>"
        )
        return self._fault("ErrorServerBusy", text, 500, detail)

    def _fault(self, code: str, message: str, status: int, extra: str = "") -> Response:
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault>'
            f'<faultcode xmlns:a="{T}">a:{code}</faultcode><faultstring xml:lang="en-US">{escape(message)}'
            f'</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/'
            f'errors">{code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/'
            f'2006/errors">{escape(message)}</e:Message>{extra}</detail></s:Fault></s:Body></s:Envelope>'
        )
        return Response.xml(status, xml)

    def malformed_body(self) -> bytes:
        return b'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="' + SOAP.encode() + b'"><s:Body><m:Sync'

    def revoke_tokens(self) -> None:
        with self.lock:
            self.password = "Changed-" + secrets.token_urlsafe(12)  # the user changed their password
            self.ntlm.set_password(self.password)

    def expire_access_tokens(self) -> None:
        with self.lock:  # no tokens on premises: every connection must authenticate again
            self.ntlm.set_password(self.password)

    def exhaust_daily_limit(self) -> None:
        with self.lock:
            self.busy_until = time.time() + 60  # Exchange has no daily budget; it throttles instead

    def credentials(self) -> dict[str, Any]:
        return {
            "endpoint": f"{self.base_url}{PATH}",
            "address": self.owner.address,
            "username": USERNAME,
            "password": self.password,
            "mode": self.mode,
            "auth": [a for a, on in (("ntlm", self.allow_ntlm), ("basic", self.allow_basic)) if on],
        }

    # --- operations ---

    def _op_ConvertId(self, op: ET.Element) -> str:
        messages = []
        for alt in op.iter(f"{{{T}}}AlternateId"):
            if alt.get("Id", "") in self.items:
                messages.append(
                    _message(
                        "ConvertId",
                        '<m:AlternateId xsi:type="t:AlternateIdType" '
                        f'Format="EwsId" Id={quoteattr(alt.get("Id", ""))} '
                        f"Mailbox={quoteattr(self.owner.address)}/>",
                    )
                )
            else:
                messages.append(_error("ConvertId", "ErrorInvalidIdMalformed", "Id is malformed."))
        return _response("ConvertId", messages)

    def _folder_name(self, op: ET.Element) -> list[str]:
        """The folders a request names, in order: distinguished names, or our folder ids mapped back."""
        names = []
        for el in op.iter():
            if _local(el.tag) == "DistinguishedFolderId":
                names.append(el.get("Id", ""))
            elif _local(el.tag) == "FolderId" and el.tag == f"{{{T}}}FolderId":
                fid = el.get("Id", "")
                names.append(next((n for n in FOLDERS if _folder_id(n) == fid), "?" + fid))
        return names

    def _op_GetFolder(self, op: ET.Element) -> str:
        messages = []
        for name in self._folder_name(op):
            if name not in FOLDERS:
                messages.append(_error("GetFolder", "ErrorFolderNotFound", "The specified folder could not be found."))
                continue
            xml = f"<m:Folders>{self._folder_xml(name)}</m:Folders>"
            messages.append(_message("GetFolder", xml))
        return _response("GetFolder", messages)

    def _op_SyncFolderItems(self, op: ET.Element) -> str:
        names = self._folder_name(op)
        name = names[0] if names else ""
        if name not in ITEM_ELEMENT:
            return _response(
                "SyncFolderItems",
                [_error("SyncFolderItems", "ErrorFolderNotFound", "The specified folder could not be found.")],
            )
        state_text = (op.findtext(f"{{{M}}}SyncState") or "").strip()
        try:
            limit = int(op.findtext(f"{{{M}}}MaxChangesReturned") or MAX_CHANGES)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_CHANGES:
            return _response(
                "SyncFolderItems",
                [_error("SyncFolderItems", "ErrorInvalidArgument", "MaxChangesReturned must be between 1 and 512.")],
            )
        if state_text:
            try:
                state = json.loads(base64.b64decode(state_text))
                since, upto, offset, epoch = int(state["s"]), int(state["u"]), int(state["o"]), int(state["e"])
                if state["f"] != name:
                    raise ValueError("another folder")
            except (ValueError, KeyError, TypeError):
                return _response(
                    "SyncFolderItems",
                    [
                        _error(
                            "SyncFolderItems",
                            "ErrorInvalidSyncStateData",
                            "Synchronization state data is corrupt or otherwise invalid.",
                        )
                    ],
                )
            if epoch != self.epoch:
                return _response(
                    "SyncFolderItems",
                    [
                        _error(
                            "SyncFolderItems",
                            "ErrorInvalidSyncStateData",
                            "Synchronization state data is corrupt or otherwise invalid.",
                        )
                    ],
                )
            if offset == 0:  # a finished round: changes since its end
                since, upto = upto, self.seq
        else:
            since, upto, offset = 0, self.seq, 0
        ids = self._changed(name, since, upto)
        page = ids[offset : offset + limit]
        last = offset + limit >= len(ids)
        new_state = {"f": name, "s": since, "u": upto, "o": 0 if last else offset + limit, "e": self.epoch}
        changes = []
        for item_id in page:
            item = self.items[item_id]
            ref = f'<t:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/>'
            if item.deleted:
                changes.append(f"<t:Delete>{ref}</t:Delete>")
            else:
                kind = "Create" if item.created > since else "Update"
                element = ITEM_ELEMENT[name]
                subject = (
                    f"<t:Subject>{escape(str(item.fields.get('Subject', '')))}</t:Subject>"
                    if "Subject" in item.fields
                    else ""
                )
                changes.append(f"<t:{kind}><t:{element}>{ref}{subject}</t:{element}></t:{kind}>")
        xml = (
            f"<m:SyncState>{_b64(json.dumps(new_state).encode())}</m:SyncState>"
            f"<m:IncludesLastItemInRange>{'true' if last else 'false'}</m:IncludesLastItemInRange>"
            f"<m:Changes>{''.join(changes)}</m:Changes>"
        )
        return _response("SyncFolderItems", [_message("SyncFolderItems", xml)])

    def _changed(self, folder: str, since: int, upto: int) -> list[str]:
        return self.logs[folder].between(since, upto, lambda i: self.items[i].seq, lambda i: self.items[i].deleted)

    def _op_FindItem(self, op: ET.Element) -> str:
        names = self._folder_name(op.find(f"{{{M}}}ParentFolderIds") or op)
        name = names[0] if names else ""
        if name not in ITEM_ELEMENT:
            return _response(
                "FindItem", [_error("FindItem", "ErrorFolderNotFound", "The specified folder could not be found.")]
            )
        calendar_view = op.find(f"{{{M}}}CalendarView")
        restriction = op.find(f"{{{M}}}Restriction")
        try:
            test = _restriction(restriction) if restriction is not None else None
            if calendar_view is not None:
                if restriction is not None:
                    raise EwsError("ErrorInvalidRestriction", "Restrictions are not supported with a CalendarView.")
                return self._calendar_view(name, calendar_view)
        except EwsError as exc:
            return _response("FindItem", [_error("FindItem", exc.code, exc.message)])
        view = op.find(f"{{{M}}}IndexedPageItemView")
        limit = int(view.get("MaxEntriesReturned", "1000")) if view is not None else 1000
        offset = int(view.get("Offset", "0")) if view is not None else 0
        newest_first = any((o.get("Order") == "Descending") for o in op.iter(f"{{{T}}}FieldOrder"))
        items = [i for i in self.items.values() if i.folder == name and not i.deleted and (test is None or test(i))]
        items.sort(
            key=lambda i: (str(i.fields.get("DateTimeReceived") or i.fields.get("Start") or ""), i.id),
            reverse=newest_first,
        )
        page = items[offset : offset + limit]
        last = offset + len(page) >= len(items)
        xml = (
            f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" TotalItemsInView="{len(items)}" '
            f'IncludesLastItemInRange="{"true" if last else "false"}"><t:Items>'
            + "".join(self._item_xml(i) for i in page)
            + "</t:Items></m:RootFolder>"
        )
        return _response("FindItem", [_message("FindItem", xml)])

    def _calendar_view(self, name: str, view: ET.Element) -> str:
        """An expanded view: every instance whose time overlaps [StartDate, EndDate)."""
        if name != "calendar":
            raise EwsError("ErrorCalendarFolderIsInvalidForCalendarView", "The folder is not a calendar folder.")
        try:
            start, end = _ews_time(view.get("StartDate", "")), _ews_time(view.get("EndDate", ""))
        except ValueError:
            raise EwsError("ErrorSchemaValidation", "The request failed schema validation.") from None
        if end < start:
            raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate", "EndDate is earlier than StartDate.")
        # Expanded: single items and the instances of series; a RecurringMaster itself is not listed.
        candidates = [i for i in self.items.values() if i.fields.get("CalendarItemType") != "RecurringMaster"]
        candidates += [i for i in self.occurrences.values() if self._lookup(i.id) is not None]
        shown = sorted(
            (i for i in candidates if i.folder == name and not i.deleted and _overlaps(i, start, end)),
            key=lambda i: (str(i.fields.get("Start")), i.id),
        )
        limit = view.get("MaxEntriesReturned")
        last = limit is None or len(shown) <= int(limit)
        page = shown if limit is None else shown[: int(limit)]
        xml = (
            f'<m:RootFolder TotalItemsInView="{len(shown)}" IncludesLastItemInRange="{"true" if last else "false"}">'
            "<t:Items>" + "".join(self._item_xml(i) for i in page) + "</t:Items></m:RootFolder>"
        )
        return _response("FindItem", [_message("FindItem", xml)])

    def _folder_xml(self, name: str) -> str:
        element, folder_class, display = FOLDERS[name]
        count = sum(1 for i in self.items.values() if i.folder == name and not i.deleted)
        parent = _folder_id("msgfolderroot" if name not in ("root", "msgfolderroot") else "root")
        children = sum(1 for n in FOLDERS if n not in ("root", "msgfolderroot")) if name == "msgfolderroot" else 0
        return (
            f'<t:{element}><t:FolderId Id="{_folder_id(name)}" ChangeKey="AQAAABYAAAA="/>'
            f'<t:ParentFolderId Id="{parent}" ChangeKey="AQAAAA=="/>'
            f"<t:FolderClass>{folder_class}</t:FolderClass><t:DisplayName>{display}</t:DisplayName>"
            f"<t:TotalCount>{count}</t:TotalCount><t:ChildFolderCount>{children}</t:ChildFolderCount>"
            + ("<t:UnreadCount>0</t:UnreadCount>" if element == "Folder" else "")
            + f"</t:{element}>"
        )

    def _op_FindFolder(self, op: ET.Element) -> str:
        names = self._folder_name(op.find(f"{{{M}}}ParentFolderIds") or op)
        messages = []
        for name in names:
            if name not in FOLDERS:
                messages.append(_error("FindFolder", "ErrorFolderNotFound", "The specified folder could not be found."))
                continue
            below = (
                [n for n in FOLDERS if n not in ("root", "msgfolderroot")] if name in ("root", "msgfolderroot") else []
            )
            if name == "root":
                below = ["msgfolderroot", *below] if op.get("Traversal") == "Deep" else ["msgfolderroot"]
            xml = (
                f'<m:RootFolder IndexedPagingOffset="{len(below)}" TotalItemsInView="{len(below)}" '
                f'IncludesLastItemInRange="true"><t:Folders>{"".join(self._folder_xml(n) for n in below)}'
                "</t:Folders></m:RootFolder>"
            )
            messages.append(_message("FindFolder", xml))
        return _response("FindFolder", messages)

    def _op_SyncFolderHierarchy(self, op: ET.Element) -> str:
        state = (op.findtext(f"{{{M}}}SyncState") or "").strip()
        names = [] if state == "hierarchy-1" else [n for n in FOLDERS if n not in ("root", "msgfolderroot")]
        changes = "".join(f"<t:Create>{self._folder_xml(n)}</t:Create>" for n in names)
        xml = (
            "<m:SyncState>hierarchy-1</m:SyncState><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange>"
            f"<m:Changes>{changes}</m:Changes>"
        )
        return _response("SyncFolderHierarchy", [_message("SyncFolderHierarchy", xml)])

    def _op_GetItem(self, op: ET.Element) -> str:
        messages = []
        for ref in op.iter(f"{{{T}}}ItemId"):
            item = self._lookup(ref.get("Id", ""))
            if item is None:
                messages.append(
                    _error("GetItem", "ErrorItemNotFound", "The specified object was not found in the store.")
                )
                continue
            messages.append(_message("GetItem", f"<m:Items>{self._item_xml(item)}</m:Items>"))
        return _response("GetItem", messages)

    def _item_xml(self, item: Item) -> str:
        f = item.fields
        element = ITEM_ELEMENT[item.folder]
        parts = [
            f'<t:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/>',
            f'<t:ParentFolderId Id="{_folder_id(item.folder)}" ChangeKey="AQAAAA=="/>',
            f"<t:ItemClass>{FOLDERS[item.folder][1].replace('IPF', 'IPM')}</t:ItemClass>",
        ]
        if "Subject" in f:
            parts.append(f"<t:Subject>{escape(str(f['Subject']))}</t:Subject>")
        if "Body" in f:
            parts.append(f'<t:Body BodyType="Text">{escape(str(f["Body"]))}</t:Body>')
        if f.get("DateTimeReceived"):
            parts.append(f"<t:DateTimeReceived>{f['DateTimeReceived']}</t:DateTimeReceived>")
        categories = f.get("Categories") or []
        if categories:
            parts.append(
                "<t:Categories>" + "".join(f"<t:String>{escape(c)}</t:String>" for c in categories) + "</t:Categories>"
            )
        if f.get("DateTimeSent"):
            parts.append(f"<t:DateTimeSent>{f['DateTimeSent']}</t:DateTimeSent>")
        parts.append(f"<t:DateTimeCreated>{f.get('DateTimeSent') or _iso(datetime.now(UTC))}</t:DateTimeCreated>")
        parts.append("<t:HasAttachments>false</t:HasAttachments>")
        if element == "Message":
            parts.append(_box("Sender", f["Sender"]))
            parts.append(_boxes("ToRecipients", f["ToRecipients"]))
            if f.get("CcRecipients"):
                parts.append(_boxes("CcRecipients", f["CcRecipients"]))
            parts.append(f"<t:IsRead>{'true' if f.get('IsRead') else 'false'}</t:IsRead>")
            parts.append(_box("From", f["From"]))
            parts.append(f"<t:InternetMessageId>{escape(f['InternetMessageId'])}</t:InternetMessageId>")
        elif element == "CalendarItem":
            if f.get("UID"):
                parts.append(f"<t:UID>{f['UID']}</t:UID>")
            parts.append(f"<t:Start>{f['Start']}</t:Start><t:End>{f['End']}</t:End>")
            if f.get("OriginalStart"):
                parts.append(f"<t:OriginalStart>{f['OriginalStart']}</t:OriginalStart>")
            parts.append(f"<t:Location>{escape(f.get('Location', ''))}</t:Location>")
            if f.get("CalendarItemType"):
                recurring = f["CalendarItemType"] != "Single"
                parts.append(f"<t:IsRecurring>{'true' if recurring else 'false'}</t:IsRecurring>")
                parts.append(f"<t:CalendarItemType>{f['CalendarItemType']}</t:CalendarItemType>")
            parts.append(_box("Organizer", f["Organizer"]))
            if f.get("RequiredAttendees"):
                parts.append(
                    "<t:RequiredAttendees>"
                    + "".join(
                        f"<t:Attendee>{_mailbox_xml(a)}<t:ResponseType>Unknown</t:ResponseType></t:Attendee>"
                        for a in f["RequiredAttendees"]
                    )
                    + "</t:RequiredAttendees>"
                )
            if f.get("Recurrence"):
                r = f["Recurrence"]
                parts.append(
                    "<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval>"
                    f"<t:DaysOfWeek>{r['weekday']}</t:DaysOfWeek></t:WeeklyRecurrence>"
                    f"<t:NumberedRecurrence><t:StartDate>{r['start']}</t:StartDate>"
                    f"<t:NumberOfOccurrences>{r['count']}</t:NumberOfOccurrences></t:NumberedRecurrence>"
                    "</t:Recurrence>"
                )
                for which, tag in (("first", "FirstOccurrence"), ("last", "LastOccurrence")):
                    oid, start, end, original = f["Occurrences"][which]
                    key = self.occurrences[oid].change_key if oid in self.occurrences else ""
                    parts.append(
                        f'<t:{tag}><t:ItemId Id="{oid}" ChangeKey="{key}"/><t:Start>{start}</t:Start>'
                        f"<t:End>{end}</t:End><t:OriginalStart>{original}</t:OriginalStart></t:{tag}>"
                    )
        elif element == "Contact":
            parts.append(f"<t:DisplayName>{escape(f['DisplayName'])}</t:DisplayName>")
            parts.append(f"<t:GivenName>{escape(f['GivenName'])}</t:GivenName>")
            if f.get("CompanyName"):
                parts.append(f"<t:CompanyName>{escape(f['CompanyName'])}</t:CompanyName>")
            if f.get("EmailAddresses"):
                parts.append(
                    "<t:EmailAddresses>"
                    + "".join(
                        f'<t:Entry Key="EmailAddress{i + 1}">{escape(a)}</t:Entry>'
                        for i, a in enumerate(f["EmailAddresses"][:3])
                    )
                    + "</t:EmailAddresses>"
                )
            if f.get("PhoneNumbers"):
                parts.append(
                    f'<t:PhoneNumbers><t:Entry Key="BusinessPhone">{escape(f["PhoneNumbers"][0])}'
                    "</t:Entry></t:PhoneNumbers>"
                )
            if f.get("JobTitle"):
                parts.append(f"<t:JobTitle>{escape(f['JobTitle'])}</t:JobTitle>")
            if f.get("Surname"):
                parts.append(f"<t:Surname>{escape(f['Surname'])}</t:Surname>")
        elif element == "Task":
            if f.get("DueDate"):
                parts.append(f"<t:DueDate>{f['DueDate']}</t:DueDate>")
            parts.append(f"<t:Status>{f.get('Status', 'NotStarted')}</t:Status>")
        return f"<t:{element}>{''.join(parts)}</t:{element}>"

    def _op_UpdateItem(self, op: ET.Element) -> str:
        messages = []
        for change in op.iter(f"{{{T}}}ItemChange"):
            ref = change.find(f"{{{T}}}ItemId")
            item = self._lookup(ref.get("Id", "")) if ref is not None else None
            if item is None:
                messages.append(
                    _error("UpdateItem", "ErrorItemNotFound", "The specified object was not found in the store.")
                )
                continue
            fields = dict(item.fields)
            try:
                for update in change.find(f"{{{T}}}Updates") or []:
                    uri_el = update.find(f"{{{T}}}FieldURI")
                    uri = uri_el.get("FieldURI", "") if uri_el is not None else ""
                    name = uri.split(":", 1)[-1]
                    if name not in ("Categories", "Subject", "IsRead", "Importance", "Sensitivity"):
                        raise EwsError("ErrorInvalidPropertySet", f"The property {uri} cannot be set.")
                    kind = _local(update.tag)
                    if kind == "DeleteItemField":
                        fields.pop(name, None) if name != "Categories" else fields.update(Categories=[])
                        continue
                    holder = next(iter(update.findall("*")[1:]), None)
                    value_el = holder.find(f"{{{T}}}{name}") if holder is not None else None
                    if value_el is None:
                        raise EwsError("ErrorInvalidRequest", f"No value for {uri}.")
                    if name == "Categories":
                        values = [s.text or "" for s in value_el.findall(f"{{{T}}}String")]
                        if any(len(v) > 255 for v in values):
                            raise EwsError("ErrorInvalidPropertyRequest", "A category is longer than 255 characters.")
                        fields["Categories"] = (
                            list(fields.get("Categories") or []) + values if kind == "AppendToItemField" else values
                        )
                    else:
                        fields[name] = value_el.text or ""
            except EwsError as exc:
                messages.append(_error("UpdateItem", exc.code, exc.message))
                continue
            if item.id in self.occurrences:
                # Changing one instance makes it an exception, which is kept in (so changes) its master.
                fields["CalendarItemType"] = "Exception"
                self._put_occurrence(item.id, fields)
                master = self.items[str(fields["Master"])]
                self._put(master.folder, master.id, master.fields)
                fresh = self.occurrences[item.id]
            else:
                self._put(item.folder, item.id, fields)
                fresh = self.items[item.id]
            element = ITEM_ELEMENT[item.folder]
            messages.append(
                _message(
                    "UpdateItem",
                    f'<m:Items><t:{element}><t:ItemId Id="{fresh.id}" '
                    f'ChangeKey="{fresh.change_key}"/></t:{element}></m:Items>'
                    "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>",
                )
            )
        return _response("UpdateItem", messages)

    def _op_CreateItem(self, op: ET.Element) -> str:
        disposition = op.get("MessageDisposition", "SaveOnly")
        messages = []
        for msg in op.iter(f"{{{T}}}Message"):
            to = [(m.findtext(f"{{{T}}}EmailAddress") or "") for m in msg.iter(f"{{{T}}}Mailbox")]
            if disposition != "SaveOnly" and not any("@" in a for a in to):
                messages.append(_error("CreateItem", "ErrorInvalidRecipients", "At least one recipient isn't valid."))
                continue
            files = []
            for attachment in msg.iter(f"{{{T}}}FileAttachment"):
                name = attachment.findtext(f"{{{T}}}Name") or ""
                try:
                    content = base64.b64decode(attachment.findtext(f"{{{T}}}Content") or "", validate=True)
                except ValueError:
                    content = b""
                if not name or not content:
                    raise EwsError("ErrorInvalidAttachment", "A FileAttachment needs a Name and its Content.")
                files.append((name, attachment.findtext(f"{{{T}}}ContentType") or "", content))
            record: dict[str, Any] = {
                "subject": msg.findtext(f"{{{T}}}Subject") or "",
                "to": to,
                "body": msg.findtext(f"{{{T}}}Body") or "",
                "attachments": files,
            }
            if disposition in ("SendOnly", "SendAndSaveCopy"):
                self.sent.append(record)
            if disposition == "SendAndSaveCopy":
                self.add_message("sentitems", record["subject"], self.owner.address, to[0], record["body"])
            messages.append(_message("CreateItem", "<m:Items/>"))
        return _response("CreateItem", messages)

    def _config_key(self, op: ET.Element) -> tuple[str, str]:
        name_el = next((e for e in op.iter() if _local(e.tag) in ("UserConfigurationName",)), None)
        if name_el is None:
            raise EwsError("ErrorInvalidRequest", "UserConfigurationName is required.")
        folders = self._folder_name(name_el) or ["calendar"]
        return folders[0], name_el.get("Name", "")

    def _op_GetUserConfiguration(self, op: ET.Element) -> str:
        try:
            key = self._config_key(op)
        except EwsError as exc:
            return _response("GetUserConfiguration", [_error("GetUserConfiguration", exc.code, exc.message)])
        data = self.configs.get(key)
        if data is None:
            return _response(
                "GetUserConfiguration",
                [
                    _error(
                        "GetUserConfiguration", "ErrorItemNotFound", "The specified object was not found in the store."
                    )
                ],
            )
        xml = (
            f'<m:UserConfiguration><t:UserConfigurationName Name="{key[1]}"><t:DistinguishedFolderId Id="{key[0]}"/>'
            f'</t:UserConfigurationName><t:ItemId Id="{_item_id("config:" + key[1])}" ChangeKey="BwAAAA=="/>'
            f"<t:XmlData>{_b64(data)}</t:XmlData></m:UserConfiguration>"
        )
        return _response("GetUserConfiguration", [_message("GetUserConfiguration", xml)])

    def _set_config(self, op: ET.Element, create: bool, name: str) -> str:
        try:
            key = self._config_key(op)
        except EwsError as exc:
            return _response(name, [_error(name, exc.code, exc.message)])
        if create and key in self.configs:
            return _response(name, [_error(name, "ErrorItemSave", "The user configuration already exists.")])
        if not create and key not in self.configs:
            return _response(
                name, [_error(name, "ErrorItemNotFound", "The specified object was not found in the store.")]
            )
        raw = next((e.text or "" for e in op.iter() if _local(e.tag) == "XmlData"), "")
        try:
            data = base64.b64decode(raw)
            ET.fromstring(data)
        except (ValueError, ET.ParseError):
            return _response(name, [_error(name, "ErrorInvalidRequest", "XmlData is not well-formed XML.")])
        self.configs[key] = data
        return _response(name, [_message(name, "")])

    def _op_CreateUserConfiguration(self, op: ET.Element) -> str:
        return self._set_config(op, True, "CreateUserConfiguration")

    def _op_UpdateUserConfiguration(self, op: ET.Element) -> str:
        return self._set_config(op, False, "UpdateUserConfiguration")

    def category_colours(self) -> dict[str, str]:
        """Name -> colour of the master category list (for tests)."""
        data = self.configs.get(("calendar", "CategoryList"))
        if not data:
            return {}
        root = ET.fromstring(data)
        return {c.get("name", ""): c.get("color", "") for c in root.iter() if _local(c.tag) == "category"}

    def category_list_xml(self) -> bytes:
        """The master category list's XmlData exactly as stored (for tests)."""
        return self.configs.get(("calendar", "CategoryList"), b"")


# Restriction fields the emulator can compare, and the item field each reads.
RESTRICTABLE = {
    "item:DateTimeReceived": "DateTimeReceived",
    "item:DateTimeSent": "DateTimeSent",
    "calendar:Start": "Start",
    "calendar:End": "End",
}
COMPARISONS = {
    "IsGreaterThan": lambda a, b: a > b,
    "IsGreaterThanOrEqualTo": lambda a, b: a >= b,
    "IsLessThan": lambda a, b: a < b,
    "IsLessThanOrEqualTo": lambda a, b: a <= b,
    "IsEqualTo": lambda a, b: a == b,
}


def _ews_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _restriction(element: ET.Element) -> Any:
    """A test for items from a FindItem ``Restriction`` (comparisons of times, And, Or, Not)."""
    children = list(element)
    if len(children) != 1:
        raise EwsError("ErrorSchemaValidation", "The request failed schema validation.")
    return _search(children[0])


def _search(node: ET.Element) -> Any:
    tag = _local(node.tag)
    if tag in ("And", "Or"):
        parts = [_search(c) for c in node]
        combine = all if tag == "And" else any
        return lambda item: combine(p(item) for p in parts)
    if tag == "Not":
        inner = _restriction(node)
        return lambda item: not inner(item)
    compare = COMPARISONS.get(tag)
    uri = node.find(f"{{{T}}}FieldURI")
    constant = node.find(f"{{{T}}}FieldURIOrConstant/{{{T}}}Constant")
    if compare is None or uri is None or constant is None:
        raise EwsError("ErrorUnsupportedQueryFilter", f"The restriction element '{tag}' is not supported.")
    field_name = RESTRICTABLE.get(uri.get("FieldURI", ""))
    if field_name is None:
        raise EwsError("ErrorUnsupportedQueryFilter", f"Restrictions on '{uri.get('FieldURI')}' are not supported.")
    try:  # the Constant must be coercible to the property's type (EWS reference, "Constant")
        bound = _ews_time(constant.get("Value", ""))
    except ValueError:
        raise EwsError("ErrorInvalidValueForProperty", "The value of the Constant is not a valid date/time.") from None

    def test(item: Item) -> bool:
        value = item.fields.get(field_name)
        return bool(value) and compare(_ews_time(str(value)), bound)

    return test


def _overlaps(item: Item, start: datetime, end: datetime) -> bool:
    """In a CalendarView: not ending before StartDate, not starting on or after EndDate (EWS reference)."""
    f = item.fields
    return bool(f.get("Start")) and _ews_time(str(f["End"])) >= start and _ews_time(str(f["Start"])) < end


def _uid(seed_id: str) -> str:
    """An iCalendar UID as Exchange writes it (hex of a Global Object Id); shared by a series' instances."""
    return "040000008200E00074C5B7101A82E00800000000" + hashlib.md5(seed_id.encode()).hexdigest().upper()


def _mailbox_xml(p: dict[str, str]) -> str:
    return (
        f"<t:Mailbox><t:Name>{escape(p.get('name', ''))}</t:Name><t:EmailAddress>{escape(p.get('address', ''))}"
        "</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox>"
    )


def _box(name: str, p: dict[str, str]) -> str:
    return f"<t:{name}>{_mailbox_xml(p)}</t:{name}>"


def _boxes(name: str, people: list[dict[str, str]]) -> str:
    return f"<t:{name}>{''.join(_mailbox_xml(p) for p in people)}</t:{name}>"


def _message(op: str, inner: str) -> str:
    return (
        f'<m:{op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{inner}'
        f"</m:{op}ResponseMessage>"
    )


def _error(op: str, code: str, text: str) -> str:
    # A failed SyncFolderItems still carries an empty SyncState and IncludesLastItemInRange, as Exchange sends it.
    tail = (
        "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>" if op == "SyncFolderItems" else ""
    )
    return (
        f'<m:{op}ResponseMessage ResponseClass="Error"><m:MessageText>{escape(text)}</m:MessageText>'
        f"<m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>{tail}"
        f"</m:{op}ResponseMessage>"
    )


def _response(op: str, messages: list[str]) -> str:
    return (
        f'<m:{op}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>{"".join(messages)}'
        f"</m:ResponseMessages></m:{op}Response>"
    )


def _envelope(body: str) -> Response:
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP}"><s:Header>'
        f'<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" '
        f'Version="V2017_07_11" xmlns:h="{T}" xmlns="{T}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></s:Header>'
        f'<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema">{body}</s:Body></s:Envelope>'
    )
    return Response.xml(200, xml)


class EwsOnlineService(EwsService):
    """Exchange Online: EWS takes only OAuth 2 bearer tokens from the tenant's identity platform.

    Basic authentication for EWS was turned off in Exchange Online in October 2022 ("Deprecation of Basic
    authentication in Exchange Online"); NTLM is not offered.  A token must be signed by the tenant (see
    ``app.emulators.tenant``), carry the audience ``https://outlook.office365.com`` (or Exchange's app id),
    the delegated scope ``EWS.AccessAsUser.All``, be unexpired, and name the mailbox's owner.  A refusal
    is a 401 whose ``WWW-Authenticate: Bearer`` names the authorization server, with ``x-ms-diagnostics``
    saying why, as Exchange Online answers.
    """

    mode = "online"
    allow_ntlm = False
    allow_basic = False

    def __init__(self, seed: SeedData) -> None:
        super().__init__(seed)
        self.seen: set[str] = set()  # tokens presented so far
        self.expired: set[str] = set()  # tokens whose life ended (``expire``) or that were revoked

    def _challenge(self) -> str:
        return (
            'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", '
            'trusted_issuers="00000001-0000-0000-c000-000000000000@*", '
            'token_types="app_asserted_user_v1 service_asserted_app_v1", '
            'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"'
        )

    def _refused(self, code: int, reason: str, category: str) -> Response:
        response = self._unauthorized()
        response.headers["x-ms-diagnostics"] = f'{code};reason="{reason}";error_category="{category}"'
        return response

    def _check_auth(self, request: Request) -> Response | None:
        token = request.bearer()
        if not token:
            return self._unauthorized()  # Basic, NTLM or nothing: Exchange Online takes bearer tokens only
        claims = tenant.read(token)
        if claims is None:
            return self._refused(2000001, "The token is malformed or its signature is invalid.", "invalid_token")
        if claims.get("aud") not in (tenant.EXCHANGE, tenant.EXCHANGE + "/", tenant.EXCHANGE_APP_ID):
            return self._refused(2000003, "The audience claim value is invalid.", "invalid_resource")
        if tenant.EWS_SCOPE not in str(claims.get("scp", "")).split():
            return self._refused(2000008, "The token has no EWS.AccessAsUser.All scope.", "insufficient_scope")
        if float(claims.get("exp", 0)) < time.time() or token in self.expired:
            return self._refused(2000008, "The token has expired.", "invalid_token")
        if str(claims.get("upn", "")).lower() != self.owner.address.lower():
            return self._refused(2000004, "The token's user is not this mailbox's owner.", "invalid_user")
        self.seen.add(token)
        return self._served("bearer")

    def revoke_tokens(self) -> None:
        with self.lock:  # the tenant revoked the user's sessions: tokens in use stop working
            self.expired |= self.seen

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.expired |= self.seen

    def credentials(self) -> dict[str, Any]:
        return {
            "endpoint": f"{self.base_url}{PATH}",
            "address": self.owner.address,
            "username": self.owner.address,
            "mode": self.mode,
            "auth": ["oauth2"],
            "scope": f"{tenant.EXCHANGE}/{tenant.EWS_SCOPE}",
        }
