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
Get/Create/Update/DeleteUserConfiguration (IPM.Configuration.CategoryList XmlData,
and any configuration's Dictionary and BinaryData). Items a client creates, folders,
notifications, MIME and export, AQS searches and all-day times live in the ews_*
modules beside this one; docs/emulators.md lists every rule with its source.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import re
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from app.emulators import (
    ews_folders,
    ews_items,
    ews_meetings,
    ews_mime,
    ews_people,
    ews_search,
    ews_tasks,
    ews_times,
    tenant,
)
from app.emulators.base import ChangeLog, Limits, Request, Response, SeedData, SeedMessage, SeedPerson, Service
from app.emulators.ews_common import (
    BASE64,
    EwsError,
    Item,
    M,
    T,
    b64,
    error_message,
    field_uri,
    iso,
    local_name,
    make_folder_id,
    make_item_id,
    malformed_id,
    ok_message,
    response_body,
)
from app.emulators.ews_folders import DISTINGUISHED, Folder, FolderError, FolderTree, folder_restriction
from app.emulators.ews_notify import InvalidSubscriptions, Notifications, NotifyError
from app.emulators.ntlm import NtlmGate

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
PATH = "/EWS/Exchange.asmx"
USERNAME = "alex.morgan"
FOLDERS = {k: v[:3] for k, v in DISTINGUISHED.items()}  # distinguished id -> (element, FolderClass, display name)
MAX_CHANGES = 512
MAX_CONCURRENCY = 27  # EWSMaxConcurrency of Exchange Online's default throttling policy

# Properties of a created item that the server sets, or gives a default when the client sent none.
SERVER_DEFAULTS = (
    "DateTimeCreated",
    "LastModifiedTime",
    "Size",
    "ItemClass",
    "DateTimeReceived",
    "DateTimeSent",
    "CalendarItemType",
    "IsRead",
    "ReminderIsSet",
    "IsRecurring",
    "OriginalStart",
    "UID",
    "ChangeCount",
)
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
        self.logs: dict[str, ChangeLog] = {}
        self.seq = 0
        self.tree = FolderTree(self._step)
        self.epoch = 1
        self.configs: dict[tuple[str, str], bytes] = {("calendar", "CategoryList"): DEFAULT_CATEGORY_LIST}  # XmlData
        self.config_parts: dict[tuple[str, str], dict[str, str]] = {}  # their Dictionary and BinaryData
        self.sent: list[dict[str, Any]] = []
        self.busy_until = 0.0
        # Occurrences and exceptions of recurring series: not items of the folder (SyncFolderItems and
        # an IndexedPageItemView list only the RecurringMaster), but listed by a CalendarView and read,
        # or updated, by their own ids.
        self.occurrences: dict[str, Item] = {}
        self._last = threading.local()
        self._shape: tuple[str, list[ET.Element]] = ("AllProperties", [])  # of the request being answered
        self.notify = Notifications()
        self.affinity = f"MBX01.{self.owner.address.rpartition('@')[2]}~{secrets.randbelow(2**31)}"
        self._seeding = True  # the seeded mailbox raises no events: it was there before any subscription
        for m in seed.messages:
            self._load_message(m)
        for e in seed.events:
            self._put(
                "calendar",
                make_item_id("event:" + e.id),
                {
                    "Subject": e.subject,
                    "Body": e.body,
                    "Start": iso(e.start),
                    "End": iso(e.end),
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
                make_item_id("contact:" + c.id),
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
                make_item_id("task:" + t.id),
                {
                    "Subject": t.subject,
                    "Body": t.body,
                    "DueDate": iso(t.due) if t.due else "",
                    "Status": {"notStarted": "NotStarted", "inProgress": "InProgress", "completed": "Completed"}.get(
                        t.status, "NotStarted"
                    ),
                    "Categories": [],
                },
            )
        self._seeding = False

    # --- store ---

    def _load_series(self, e: Any) -> None:
        """A RecurringMaster with its Recurrence, FirstOccurrence and LastOccurrence, and its instances.

        Shapes: wire samples getitem_response_recurringmaster.xml, finditem_response_calendarview_occurrences.xml.
        """
        master_id = make_item_id("series:" + e.id)
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
        ids = [make_item_id(f"occurrence:{e.id}:{n}") for n in range(len(occurrences))]
        edge = {
            "first": (ids[0], occurrences[0]),
            "last": (ids[-1], occurrences[-1]),
        }
        master = dict(
            common,
            Start=iso(e.start),
            End=iso(e.end),
            CalendarItemType="RecurringMaster",
            Recurrence={"weekday": e.start.strftime("%A"), "start": e.start.strftime("%Y-%m-%dZ"), "count": len(ids)},
            Occurrences={k: (i, iso(s), iso(en), iso(o)) for k, (i, (s, en, o)) in edge.items()},
        )
        self._put("calendar", master_id, master)
        for n, (start, end, original) in enumerate(occurrences):
            fields = dict(
                common,
                Start=iso(start),
                End=iso(end),
                OriginalStart=iso(original),
                CalendarItemType="Exception" if n == e.moved else "Occurrence",
                Master=master_id,
            )
            self._put_occurrence(ids[n], fields)

    def add_series(self, event: Any) -> str:
        """Back door: a recurring series (a ``SeedEvent`` with ``weekly`` > 0) is created; its master's id."""
        with self.lock:
            self._load_series(event)
            return make_item_id("series:" + event.id)

    def _step(self) -> int:
        self.seq += 1
        return self.seq

    def _element(self, item: Item) -> str:
        """The element an item is served as: what the client created, or what its folder holds."""
        return str(item.fields.get("_element") or self.tree.folders[item.folder].item_element)

    def _put_occurrence(self, item_id: str, fields: dict[str, Any]) -> None:
        self.seq += 1
        change_key = "DwAAABYAAA" + b64(hashlib.sha1(f"{item_id}:{self.seq}".encode()).digest())[:24]
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
            make_item_id("message:" + m.id),
            {
                "Subject": m.subject,
                "Body": m.body,
                "DateTimeReceived": iso(m.sent_at),
                "DateTimeSent": iso(m.sent_at),
                "From": _mailbox(m.sender),
                "Sender": _mailbox(m.sender),
                "ToRecipients": [_mailbox(p) for p in m.to],
                "CcRecipients": [_mailbox(p) for p in m.cc],
                "InternetMessageId": m.internet_message_id or f"<{m.id}@x>",
                "IsRead": folder == "sentitems",
                "Categories": [],
            },
        )

    def _put(self, folder: str, item_id: str, fields: dict[str, Any], quiet: bool = False) -> str:
        self.seq += 1
        change_key = "CQAAABYAAA" + b64(hashlib.sha1(f"{item_id}:{self.seq}".encode()).digest())[:24]
        old = self.items.get(item_id)
        created = old.created if old is not None else self.seq
        self.items[item_id] = Item(item_id, folder, fields, self.seq, change_key, created=created)
        self.logs.setdefault(folder, ChangeLog()).touch(item_id)
        if not quiet:
            self._event("CreatedEvent" if old is None or old.deleted else "ModifiedEvent", self.items[item_id])
        return item_id

    def _event(self, kind: str, item: Item, old: Item | None = None) -> None:
        """Tell the subscriptions (ews_notify) that an item was created, changed, deleted, moved or copied."""
        if self._seeding:
            return
        parent = self.tree.folders[item.folder]
        before = None
        if old is not None:
            old_parent = self.tree.folders[old.folder]
            before = ((old.id, old.change_key), (old_parent.id, old_parent.change_key), old.folder)
        self.notify.record(kind, (item.id, item.change_key), (parent.id, parent.change_key), item.folder, before)

    def add_message(self, folder: str, subject: str, sender: str, to: str, body: str = "") -> str:
        """Back door: a message delivered (a NewMailEvent besides its CreatedEvent)."""
        with self.lock:
            seed_id = f"new-{self.seq}-{secrets.token_hex(4)}"
            item_id = self._load_message(
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
            self._event("NewMailEvent", self.items[item_id])
            return item_id

    def delete_item(self, item_id: str) -> None:
        with self.lock:
            self._drop(self.items[item_id])

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
            return local_name(body[0].tag) if body is not None and len(body) else "other"
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
            handler = getattr(self, "_op_" + local_name(op.tag), None)
            if handler is None:
                return self._fault("ErrorInvalidRequest", f"The request is invalid: {local_name(op.tag)}", 500)
            answer = handler(op)
            response = _envelope(answer) if isinstance(answer, str) else _envelopes(answer)
            if request.headers.get("x-preferserveraffinity", "").lower() == "true":
                # Subscriptions and their GetEvents / GetStreamingEvents go to one mailbox server: the
                # client sends this cookie back ("Maintain affinity between a group of subscriptions").
                response.headers["Set-Cookie"] = f"X-BackEndOverrideCookie={self.affinity}; path=/; secure; HttpOnly"
            return response

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
        return _envelope(response_body(op, [error_message(op, code, text)]))

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
                    ok_message(
                        "ConvertId",
                        '<m:AlternateId xsi:type="t:AlternateIdType" '
                        f'Format="EwsId" Id={quoteattr(alt.get("Id", ""))} '
                        f"Mailbox={quoteattr(self.owner.address)}/>",
                    )
                )
            else:
                messages.append(error_message("ConvertId", "ErrorInvalidIdMalformed", "Id is malformed."))
        return response_body("ConvertId", messages)

    def _folder_name(self, op: ET.Element) -> list[str]:
        """The folders a request names, in order, as keys of the tree ("?<id>" for one it does not have)."""
        names = []
        for el in op.iter():
            if local_name(el.tag) == "DistinguishedFolderId" or (
                local_name(el.tag) == "FolderId" and el.tag == f"{{{T}}}FolderId"
            ):
                try:
                    names.append(self.tree.resolve(el).key)
                except FolderError:
                    names.append("?" + el.get("Id", ""))
        return names

    def _folders_named(self, op: ET.Element | None) -> list[Folder | FolderError]:
        found: list[Folder | FolderError] = []
        for el in op.iter() if op is not None else []:
            if local_name(el.tag) == "DistinguishedFolderId" or el.tag == f"{{{T}}}FolderId":
                try:
                    found.append(self.tree.resolve(el))
                except FolderError as exc:
                    found.append(exc)
        return found

    def _op_GetFolder(self, op: ET.Element) -> str:
        messages = []
        for folder in self._folders_named(op.find(f"{{{M}}}FolderIds")):
            if isinstance(folder, FolderError):
                messages.append(error_message("GetFolder", folder.code, folder.message))
                continue
            xml = self._folder_xml(folder.key, ews_folders.shape(op), op)
            messages.append(ok_message("GetFolder", f"<m:Folders>{xml}</m:Folders>"))
        return response_body("GetFolder", messages)

    def _op_CreateFolder(self, op: ET.Element) -> str:
        parents = self._folders_named(op.find(f"{{{M}}}ParentFolderId"))
        holder = op.find(f"{{{M}}}Folders")
        messages = []
        for new in list(holder) if holder is not None else []:
            try:
                parent = parents[0] if parents else FolderError("ErrorInvalidRequest", "ParentFolderId is required.")
                if isinstance(parent, FolderError):
                    raise parent
                if local_name(new.tag) not in ("Folder", "CalendarFolder", "ContactsFolder", "TasksFolder"):
                    raise FolderError(
                        "ErrorInvalidRequest", f"Folders of type {local_name(new.tag)} cannot be created."
                    )
                folder = self.tree.create(
                    parent,
                    local_name(new.tag),
                    new.findtext(f"{{{T}}}FolderClass") or "",
                    new.findtext(f"{{{T}}}DisplayName") or "",
                )
            except FolderError as exc:
                messages.append(error_message("CreateFolder", exc.code, exc.message))
                continue
            messages.append(_folder_answer("CreateFolder", folder))
        return response_body("CreateFolder", messages)

    def _op_DeleteFolder(self, op: ET.Element) -> str:
        messages = []
        for folder in self._folders_named(op.find(f"{{{M}}}FolderIds")):
            try:
                if isinstance(folder, FolderError):
                    raise folder
                self.tree.delete(folder)
            except FolderError as exc:
                messages.append(error_message("DeleteFolder", exc.code, exc.message))
                continue
            for item in self.items.values():
                if not item.deleted and self.tree.folders[item.folder].deleted:
                    self._drop(item)
            messages.append(ok_message("DeleteFolder", ""))
        return response_body("DeleteFolder", messages)

    def _op_UpdateFolder(self, op: ET.Element) -> str:
        messages = []
        for change in op.iter(f"{{{T}}}FolderChange"):
            try:
                found = self._folders_named(change)
                folder = found[0] if found else FolderError("ErrorInvalidRequest", "A FolderChange names no folder.")
                if isinstance(folder, FolderError):  # a gone folder's id: Exchange answers ErrorItemNotFound here
                    code = "ErrorItemNotFound" if folder.code == "ErrorFolderNotFound" else folder.code
                    raise FolderError(code, folder.message)
                for update in change.find(f"{{{T}}}Updates") or []:
                    uri = update.find(f"{{{T}}}FieldURI")
                    name = (uri.get("FieldURI", "") if uri is not None else "").split(":")[-1]
                    value = next(
                        (e.findtext(f"{{{T}}}{name}") for e in update if local_name(e.tag) != "FieldURI"), None
                    )
                    if name == "DisplayName" and local_name(update.tag) == "SetFolderField" and value:
                        if folder.distinguished and folder.parent in ("", "root"):
                            raise FolderError("ErrorInvalidPropertyUpdateSentMessage", "This folder cannot be renamed.")
                        folder.name = value
                    elif name == "FolderClass" and value is not None and value != folder.folder_class:
                        raise FolderError("ErrorObjectTypeChanged", "The folder's class cannot be changed.")
                    elif name == "PermissionSet":  # kept as given, served back by GetFolder
                        given = next(
                            (e.find(f"{{{T}}}PermissionSet") for e in update if local_name(e.tag) != "FieldURI"), None
                        )
                        deleting = local_name(update.tag) == "DeleteFolderField"
                        folder.permission_set = (
                            "" if deleting or given is None else ET.tostring(given, encoding="unicode")
                        )
                    elif name not in ("DisplayName", "FolderClass", "PermissionSet", "ExtendedProperty"):
                        raise FolderError("ErrorInvalidPropertySet", f"The property folder:{name} cannot be updated.")
                self.tree.touch(folder)
            except FolderError as exc:
                messages.append(error_message("UpdateFolder", exc.code, exc.message))
                continue
            messages.append(_folder_answer("UpdateFolder", folder))
        return response_body("UpdateFolder", messages)

    def _op_MoveFolder(self, op: ET.Element) -> str:
        """Folders moved under ToFolderId: same id, a new ChangeKey ("MoveFolder operation")."""
        targets = self._folders_named(op.find(f"{{{M}}}ToFolderId"))
        messages = []
        for folder in self._folders_named(op.find(f"{{{M}}}FolderIds")):
            try:
                target = targets[0] if targets else FolderError("ErrorInvalidRequest", "ToFolderId is required.")
                if isinstance(target, FolderError):
                    raise target
                if isinstance(folder, FolderError):
                    raise folder
                if folder.distinguished or folder.system:
                    raise FolderError("ErrorCannotDeleteObject", "A default folder cannot be moved.")
                if target.key == folder.key or self.tree.below(folder.key, target):
                    raise FolderError("ErrorMoveCopyFailed", "A folder cannot be moved into itself.")
                if any(c.name.lower() == folder.name.lower() for c in self.tree.children(target.key)):
                    raise FolderError("ErrorFolderExists", "A folder with the specified name already exists.")
                folder.parent = target.key
                self.tree.touch(folder)
            except FolderError as exc:
                messages.append(error_message("MoveFolder", exc.code, exc.message))
                continue
            messages.append(_folder_answer("MoveFolder", folder))
        return response_body("MoveFolder", messages)

    def _op_EmptyFolder(self, op: ET.Element) -> str:
        messages = []
        subfolders = op.get("DeleteSubFolders", "false") == "true"
        for folder in self._folders_named(op.find(f"{{{M}}}FolderIds")):
            if isinstance(folder, FolderError):
                messages.append(error_message("EmptyFolder", folder.code, folder.message))
                continue
            for item in list(self.items.values()):
                if item.folder == folder.key and not item.deleted:
                    self._drop(item)
            if subfolders:
                for child in self.tree.children(folder.key):
                    self.tree.delete(child)
            messages.append(ok_message("EmptyFolder", ""))
        return response_body("EmptyFolder", messages)

    def _op_SyncFolderItems(self, op: ET.Element) -> str:
        names = self._folder_name(op)
        name = names[0] if names else ""
        if name not in self.tree.folders:
            return response_body(
                "SyncFolderItems",
                [error_message("SyncFolderItems", "ErrorFolderNotFound", "The specified folder could not be found.")],
            )
        state_text = (op.findtext(f"{{{M}}}SyncState") or "").strip()
        try:
            limit = int(op.findtext(f"{{{M}}}MaxChangesReturned") or MAX_CHANGES)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_CHANGES:
            return response_body(
                "SyncFolderItems",
                [
                    error_message(
                        "SyncFolderItems", "ErrorInvalidArgument", "MaxChangesReturned must be between 1 and 512."
                    )
                ],
            )
        if state_text:
            try:
                state = json.loads(base64.b64decode(state_text))
                since, upto, offset, epoch = int(state["s"]), int(state["u"]), int(state["o"]), int(state["e"])
                if state["f"] != name:
                    raise ValueError("another folder")
            except (ValueError, KeyError, TypeError):
                return response_body(
                    "SyncFolderItems",
                    [
                        error_message(
                            "SyncFolderItems",
                            "ErrorInvalidSyncStateData",
                            "Synchronization state data is corrupt or otherwise invalid.",
                        )
                    ],
                )
            if epoch != self.epoch:
                return response_body(
                    "SyncFolderItems",
                    [
                        error_message(
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
                element = self._element(item)
                if kind == "Update" and item.fields.get("_read_change"):
                    read = next((v for v in self._read(item, field_uri("message:IsRead"))), "false")
                    changes.append(f"<t:ReadFlagChange>{ref}<t:IsRead>{read}</t:IsRead></t:ReadFlagChange>")
                    continue
                subject = (
                    f"<t:Subject>{escape(str(item.fields.get('Subject', '')))}</t:Subject>"
                    if "Subject" in item.fields
                    else ""
                )
                changes.append(f"<t:{kind}><t:{element}>{ref}{subject}</t:{element}></t:{kind}>")
        xml = (
            f"<m:SyncState>{b64(json.dumps(new_state).encode())}</m:SyncState>"
            f"<m:IncludesLastItemInRange>{'true' if last else 'false'}</m:IncludesLastItemInRange>"
            f"<m:Changes>{''.join(changes)}</m:Changes>"
        )
        return response_body("SyncFolderItems", [ok_message("SyncFolderItems", xml)])

    def _changed(self, folder: str, since: int, upto: int) -> list[str]:
        return self.logs.setdefault(folder, ChangeLog()).between(
            since, upto, lambda i: self.items[i].seq, lambda i: self.items[i].deleted
        )

    def _op_FindItem(self, op: ET.Element) -> str:
        """Items of each folder ParentFolderIds names, one response message per folder, in order."""
        names = self._folder_name(op.find(f"{{{M}}}ParentFolderIds") or op) or ["?"]
        self._shape = ews_items.requested(op)
        calendar_view = op.find(f"{{{M}}}CalendarView")
        restriction = op.find(f"{{{M}}}Restriction")
        query = op.find(f"{{{M}}}QueryString")
        try:
            test = self._item_restriction(restriction) if restriction is not None else None
            if query is not None:
                if restriction is not None:
                    raise EwsError("ErrorInvalidRequest", "A QueryString cannot come with a Restriction.")
                test = self._query_string(query.text or "")
            if calendar_view is not None and (restriction is not None or query is not None):
                raise EwsError("ErrorInvalidOperation", "Restrictions are not supported with a CalendarView.")
        except EwsError as exc:
            return response_body("FindItem", [error_message("FindItem", exc.code, exc.message)])
        messages = []
        for name in names:
            try:
                if name not in self.tree.folders:
                    raise EwsError("ErrorFolderNotFound", "The specified folder could not be found.")
                if calendar_view is not None:
                    messages.append(self._calendar_view(name, calendar_view))
                else:
                    messages.append(self._found(op, name, test))
            except EwsError as exc:
                messages.append(error_message("FindItem", exc.code, exc.message))
        return response_body("FindItem", messages)

    def _found(self, op: ET.Element, name: str, test: Any) -> str:
        """One folder's FindItem answer: a page of its items that pass ``test``, sorted as asked."""
        view = op.find(f"{{{M}}}IndexedPageItemView")
        limit = int(view.get("MaxEntriesReturned", "1000")) if view is not None else 1000
        offset = int(view.get("Offset", "0")) if view is not None else 0
        items = [i for i in self.items.values() if i.folder == name and not i.deleted and (test is None or test(i))]
        items.sort(key=lambda i: (str(i.fields.get("DateTimeReceived") or i.fields.get("Start") or ""), i.id))
        for order in reversed(list(op.iter(f"{{{T}}}FieldOrder"))):  # the first FieldOrder sorts last
            path = next(iter(order), None)
            if path is not None:
                items.sort(key=functools.partial(self._sort_key, path=path), reverse=order.get("Order") == "Descending")
        page = items[offset : offset + limit]
        last = offset + len(page) >= len(items)
        xml = (
            f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" TotalItemsInView="{len(items)}" '
            f'IncludesLastItemInRange="{"true" if last else "false"}"><t:Items>'
            + "".join(self._item_xml(i) for i in page)
            + "</t:Items></m:RootFolder>"
        )
        return ok_message("FindItem", xml)

    def _query_string(self, query: str) -> Any:
        """An AQS QueryString as a test of items (ews_search)."""
        groups = ews_search.parse(query)

        def test(item: Item) -> bool:
            return ews_search.matches(groups, lambda uri: self._read(item, field_uri(uri)))

        return test

    def _item_restriction(self, restriction: ET.Element) -> Any:
        try:
            return ews_items.restriction(restriction, self._read)
        except ews_items.ItemError as exc:
            raise EwsError(exc.code, exc.message) from None

    def _sort_key(self, item: Item, path: ET.Element) -> tuple[int, Any]:
        found = self._read(item, path)
        if not found:
            return (0, "")
        try:
            return (1, _ews_time(found[0]).timestamp())
        except ValueError:
            pass
        try:
            return (2, float(found[0]))
        except ValueError:
            return (3, found[0].lower())

    def _calendar_view(self, name: str, view: ET.Element) -> str:
        """An expanded view: every instance whose time overlaps [StartDate, EndDate)."""
        if self.tree.folders[name].item_element != "CalendarItem":
            raise EwsError("ErrorCalendarFolderIsInvalidForCalendarView", "The folder is not a calendar folder.")
        try:
            start, end = _ews_time(view.get("StartDate", "")), _ews_time(view.get("EndDate", ""))
        except ValueError:
            raise EwsError("ErrorSchemaValidation", "The request failed schema validation.") from None
        if end < start:
            raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate", "EndDate is earlier than StartDate.")
        # Expanded: single items and the instances of series; a RecurringMaster itself is not listed.
        candidates = [i for i in self.items.values() if self._kind_of(i) != "RecurringMaster"]
        candidates += [i for i in self.occurrences.values() if self._lookup(i.id) is not None]
        shown = sorted(
            (i for i in candidates if i.folder == name and not i.deleted and self._overlaps(i, start, end)),
            key=lambda i: (self._when(i)[0], i.id),
        )
        limit = view.get("MaxEntriesReturned")
        last = limit is None or len(shown) <= int(limit)
        page = shown if limit is None else shown[: int(limit)]
        xml = (
            f'<m:RootFolder TotalItemsInView="{len(shown)}" IncludesLastItemInRange="{"true" if last else "false"}">'
            "<t:Items>" + "".join(self._item_xml(i) for i in page) + "</t:Items></m:RootFolder>"
        )
        return ok_message("FindItem", xml)

    def _kind_of(self, item: Item) -> str:
        if "_props" in item.fields:
            return str(item.fields.get("_CalendarItemType") or "")
        return str(item.fields.get("CalendarItemType") or "")

    def _when(self, item: Item) -> tuple[str, str]:
        start = next(iter(self._read(item, field_uri("calendar:Start"))), "")
        return start, next(iter(self._read(item, field_uri("calendar:End"))), start)

    def _overlaps(self, item: Item, start: datetime, end: datetime) -> bool:
        """In a CalendarView: not ending before StartDate, not starting on or after EndDate (EWS reference)."""
        first, last = self._when(item)
        try:
            return bool(first) and _ews_time(last) >= start and _ews_time(first) < end
        except ValueError:
            return False

    def _folder_xml(self, name: str, fields: frozenset[str] | None = None, op: ET.Element | None = None) -> str:
        """A folder as GetFolder / FindFolder / SyncFolderHierarchy answer it; the extended properties the
        request's FolderShape names that the emulator keeps (PidTagMessageSize) are added."""
        folder = self.tree.folders[name]
        mine = [i for i in self.items.values() if i.folder == name and not i.deleted]
        unread = sum(
            1 for i in mine if self._element(i) == "Message" and self._read(i, field_uri("message:IsRead")) != ["true"]
        )
        xml = self.tree.xml(folder, len(mine), unread, fields)
        extended = "".join(self._folder_extended(name, uri) for uri in _extended_paths(op))
        if not extended:
            return xml
        closing = xml.rindex("</t:")
        return xml[:closing] + extended + xml[closing:]

    def _folder_extended(self, name: str, uri: ET.Element) -> str:
        """PidTagMessageSize (0x0E08, [MS-OXPROPS]) of a folder: the bytes of its items (ours: and of the
        folders below it, so the root tells the mailbox's size); other folder extended properties are not kept."""
        try:
            tag = int(uri.get("PropertyTag", ""), 0)
        except ValueError:
            return ""
        if tag != 0x0E08:
            return ""
        keys = {name} | {f.key for f in self.tree.children(name, deep=True)}
        size = sum(self._size(i) for i in self.items.values() if i.folder in keys and not i.deleted)
        attrs = "".join(f' {k}="{escape(v)}"' for k, v in uri.attrib.items())
        return f"<t:ExtendedProperty><t:ExtendedFieldURI{attrs}/><t:Value>{size}</t:Value></t:ExtendedProperty>"

    def _size(self, item: Item) -> int:
        """An item's size in bytes: what Exchange computed when it was created, else its stored text."""
        return int(item.fields.get("_Size") or len(json.dumps(item.fields, default=str)))

    def _op_FindFolder(self, op: ET.Element) -> str:
        deep = op.get("Traversal") == "Deep"
        fields = ews_folders.shape(op)
        messages = []
        try:
            restriction = op.find(f"{{{M}}}Restriction")
            test = folder_restriction(restriction) if restriction is not None else None
        except FolderError as exc:
            return response_body("FindFolder", [error_message("FindFolder", exc.code, exc.message)])
        view = op.find(f"{{{M}}}IndexedPageFolderView")
        limit = int(view.get("MaxEntriesReturned", "1000")) if view is not None else 1000
        offset = int(view.get("Offset", "0")) if view is not None else 0
        for parent in self._folders_named(op.find(f"{{{M}}}ParentFolderIds")):
            if isinstance(parent, FolderError):
                messages.append(error_message("FindFolder", parent.code, parent.message))
                continue
            below = [f for f in self.tree.children(parent.key, deep) if test is None or test(f)]
            page = below[offset : offset + limit]
            last = offset + len(page) >= len(below)
            xml = (
                f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" TotalItemsInView="{len(below)}" '
                f'IncludesLastItemInRange="{"true" if last else "false"}"><t:Folders>'
                f"{''.join(self._folder_xml(f.key, fields, op) for f in page)}</t:Folders></m:RootFolder>"
            )
            messages.append(ok_message("FindFolder", xml))
        return response_body("FindFolder", messages)

    def _op_SyncFolderHierarchy(self, op: ET.Element) -> str:
        """Changes to the folders below SyncFolderId (the whole mailbox when absent) since SyncState."""
        named = self._folders_named(op.find(f"{{{M}}}SyncFolderId"))
        top = named[0] if named else self.tree.folders["root"]
        state = (op.findtext(f"{{{M}}}SyncState") or "").strip()
        try:
            if isinstance(top, FolderError):
                raise top
            since = ews_folders.read_sync_state(state, top.key, self.epoch) if state else 0
        except FolderError as exc:
            return response_body("SyncFolderHierarchy", [error_message("SyncFolderHierarchy", exc.code, exc.message)])
        changes, fields = [], ews_folders.shape(op)
        for f in self.tree.folders.values():
            if f.seq <= since or not self.tree.below(top.key, f):
                continue
            if f.deleted:
                if f.created <= since:
                    changes.append(f'<t:Delete><t:FolderId Id="{f.id}" ChangeKey="{f.change_key}"/></t:Delete>')
                continue
            kind = "Create" if f.created > since else "Update"
            changes.append(f"<t:{kind}>{self._folder_xml(f.key, fields, op)}</t:{kind}>")
        xml = (
            f"<m:SyncState>{ews_folders.sync_state(top.key, self.seq, self.epoch)}</m:SyncState>"
            "<m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange>"
            f"<m:Changes>{''.join(changes)}</m:Changes>"
        )
        return response_body("SyncFolderHierarchy", [ok_message("SyncFolderHierarchy", xml)])

    def _op_GetItem(self, op: ET.Element) -> str:
        messages = []
        self._shape = ews_items.requested(op)
        for ref in op.iter():
            if local_name(ref.tag) not in ("ItemId", "OccurrenceItemId", "RecurringMasterItemId") or ref.tag.startswith(
                f"{{{M}}}"
            ):
                continue
            try:
                item = self._by_ref(ref)
            except EwsError as exc:
                messages.append(error_message("GetItem", exc.code, exc.message))
                continue
            messages.append(ok_message("GetItem", f"<m:Items>{self._item_xml(item)}</m:Items>"))
        return response_body("GetItem", messages)

    def _item_xml(self, item: Item) -> str:
        f = item.fields
        if "_props" in item.fields:
            return self._generic_xml(item)
        element = self._element(item)
        parts = [
            f'<t:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/>',
            f'<t:ParentFolderId Id="{make_folder_id(item.folder)}" ChangeKey="AQAAAA=="/>',
            f"<t:ItemClass>{self.tree.folders[item.folder].folder_class.replace('IPF', 'IPM')}</t:ItemClass>",
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
        parts.append(f"<t:DateTimeCreated>{f.get('DateTimeSent') or iso(datetime.now(UTC))}</t:DateTimeCreated>")
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
        """Changes to items; a message updated with MessageDisposition SendOnly or SendAndSaveCopy is then sent
        (its copy saved in SavedItemFolderId, Sent Items by default)."""
        disposition = op.get("MessageDisposition", "")
        try:
            saved = self._target(op, "SavedItemFolderId", "sentitems")
        except EwsError as exc:
            return response_body("UpdateItem", [error_message("UpdateItem", exc.code, exc.message)])
        messages = []
        for change in op.iter(f"{{{T}}}ItemChange"):
            ref = change.find(f"{{{T}}}ItemId")
            try:
                item = self._by_ref(ref) if ref is not None else self._by_ref(change[0])
                if "_props" in item.fields:
                    fresh = self._update_generic(item, change)
                    element = self._element(fresh)
                    if element == "Message" and disposition in ("SendOnly", "SendAndSaveCopy"):
                        self._send_saved(fresh, saved if disposition == "SendAndSaveCopy" else "")  # may refuse
                        # Sent: the message has left the folder, so no id is returned (as CreateItem answers).
                        messages.append(
                            ok_message(
                                "UpdateItem", "<m:Items/><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>"
                            )
                        )
                        continue
                    messages.append(
                        ok_message(
                            "UpdateItem",
                            f'<m:Items><t:{element}><t:ItemId Id="{fresh.id}" ChangeKey="{fresh.change_key}"/>'
                            f"</t:{element}></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>",
                        )
                    )
                    continue
            except EwsError as exc:
                messages.append(error_message("UpdateItem", exc.code, exc.message))
                continue
            fields = dict(item.fields)
            try:
                for update in change.find(f"{{{T}}}Updates") or []:
                    uri_el = update.find(f"{{{T}}}FieldURI")
                    uri = uri_el.get("FieldURI", "") if uri_el is not None else ""
                    name = uri.split(":", 1)[-1]
                    if name not in ("Categories", "Subject", "IsRead", "Importance", "Sensitivity"):
                        raise EwsError("ErrorInvalidPropertySet", f"The property {uri} cannot be set.")
                    kind = local_name(update.tag)
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
                messages.append(error_message("UpdateItem", exc.code, exc.message))
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
            element = self._element(item)
            messages.append(
                ok_message(
                    "UpdateItem",
                    f'<m:Items><t:{element}><t:ItemId Id="{fresh.id}" '
                    f'ChangeKey="{fresh.change_key}"/></t:{element}></m:Items>'
                    "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>",
                )
            )
        return response_body("UpdateItem", messages)

    # --- items a client creates (stored as the properties it sent; see ews_items) ---

    def _drop(self, item: Item, quiet: bool = False) -> None:
        self.seq += 1
        item.deleted, item.seq = True, self.seq
        self.logs.setdefault(item.folder, ChangeLog()).touch(item.id)
        if not quiet:
            self._event("DeletedEvent", item)

    def _find(self, item_id: str) -> Item:
        """An item by id: ErrorInvalidIdMalformed for what is not an id, ErrorItemNotFound for a gone one."""
        if malformed_id(item_id):
            raise EwsError("ErrorInvalidIdMalformed", "Id is malformed.")
        item = self._lookup(item_id)
        if item is None:
            raise EwsError("ErrorItemNotFound", "The specified object was not found in the store.")
        return item

    def _read(self, item: Item, path: ET.Element) -> list[str]:
        """A property's values for a restriction or a sort, for created and seeded items alike."""
        if "_props" in item.fields:
            return ews_items.values(item.fields["_props"] + self._server_props(item), path)
        name = ews_items.element_of(path.get("FieldURI", ""))
        value = item.fields.get(name)
        if name == "ItemClass":
            value = self.tree.folders[item.folder].folder_class.replace("IPF", "IPM")
        if value is None or value == "":
            return []
        if isinstance(value, bool):
            return ["true" if value else "false"]
        if isinstance(value, dict):
            return [value.get("address", ""), value.get("name", "")]
        if isinstance(value, list):
            return [v.get("address", "") if isinstance(v, dict) else str(v) for v in value]
        return [str(value)]

    def _server_props(self, item: Item) -> list[ET.Element]:
        """The properties the server sets, or defaults, of a created item (for restrictions and sorting)."""
        have = {local_name(p.tag) for p in item.fields["_props"]}
        found = []
        for name in SERVER_DEFAULTS:
            if ("_" + name) in item.fields and name not in have:
                el = ET.Element(f"{{{T}}}{name}")
                el.text = str(item.fields["_" + name])
                found.append(el)
        return found

    def _generic_xml(self, item: Item) -> str:
        f = item.fields
        element = f["_element"]
        base, paths = self._shape
        props = ews_items.shaped(f["_props"], base, paths)
        asked = {ews_items.element_of(p.get("FieldURI", "")) for p in paths if local_name(p.tag) == "FieldURI"}
        every = base != "IdOnly"
        attachments = f.get("_attachments") or []
        server = [f'<t:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/>']
        extra = {
            "ParentFolderId": f'<t:ParentFolderId Id="{self.tree.folders[item.folder].id}" ChangeKey="AQAAAA=="/>',
            "DateTimeCreated": f"<t:DateTimeCreated>{f['_DateTimeCreated']}</t:DateTimeCreated>",
            "LastModifiedTime": f"<t:LastModifiedTime>{f['_LastModifiedTime']}</t:LastModifiedTime>",
            "Size": f"<t:Size>{f['_Size']}</t:Size>",
            "HasAttachments": f"<t:HasAttachments>{'true' if attachments else 'false'}</t:HasAttachments>",
            "Attachments": "<t:Attachments>"
            + "".join(self._attachment_xml(a, False) for a in attachments)
            + "</t:Attachments>"
            if attachments
            else "",
            "IsDraft": f"<t:IsDraft>{'true' if f.get('_draft') else 'false'}</t:IsDraft>"
            if element == "Message"
            else "",
            "TextBody": self._text_body(f["_props"]),
        }
        have = {local_name(p.tag) for p in props}
        have = {local_name(p.tag) for p in f["_props"]}
        for name in SERVER_DEFAULTS[3:]:
            value = f.get("_" + name)
            if value is not None and name not in have and (every or name in asked):
                extra[name] = f"<t:{name}>{escape(str(value))}</t:{name}>"
        for name, xml in extra.items():
            if every or name in asked:
                server.append(xml)
        if "MimeContent" in asked and "MimeContent" not in have:
            server.insert(0, ews_mime.mime_of(f["_props"], str(f.get("_DateTimeSent") or f["_DateTimeCreated"])))
        if f.get("_CalendarItemType") == "RecurringMaster":
            server.append(self._master_xml(item, every, asked))
        return f"<t:{element}>{''.join(server)}{''.join(ews_items.serialize(p) for p in props)}</t:{element}>"

    def _text_body(self, props: list[ET.Element]) -> str:
        """item:TextBody (Exchange 2013): the Body as plain text."""
        body = next((p for p in props if local_name(p.tag) == "Body"), None)
        if body is None:
            return ""
        text = body.text or ""
        if body.get("BodyType") == "HTML":
            text = re.sub(r"<[^>]+>", "", text)
        return f'<t:TextBody BodyType="Text">{escape(text)}</t:TextBody>'

    def _attachment_xml(self, a: dict[str, Any], content: bool) -> str:
        tag = a["kind"]
        body = f'<t:AttachmentId Id="{a["id"]}"/><t:Name>{escape(a["name"])}</t:Name>'
        if a.get("content_type"):
            body += f"<t:ContentType>{escape(a['content_type'])}</t:ContentType>"
        if a.get("content_id"):
            body += f"<t:ContentId>{escape(a['content_id'])}</t:ContentId>"
        body += f"<t:Size>{a['size']}</t:Size><t:LastModifiedTime>{a['modified']}</t:LastModifiedTime>"
        body += f"<t:IsInline>{'true' if a.get('inline') else 'false'}</t:IsInline>"
        if tag == "FileAttachment":
            body += f"<t:IsContactPhoto>{'true' if a.get('photo') else 'false'}</t:IsContactPhoto>"
            if content:
                body += f"<t:Content>{a['content']}</t:Content>"
        elif content:
            body += a["item"]
        return f"<t:{tag}>{body}</t:{tag}>"

    def _store(self, folder: str, element: ET.Element, draft: bool, item_id: str = "") -> Item:
        """A created item: the properties the client sent, and those the server sets."""
        fields = self._new_fields(folder, element, draft)
        return self._keep(folder, element, fields, item_id)

    def _new_fields(self, folder: str, element: ET.Element, draft: bool) -> dict[str, Any]:
        kind = local_name(element.tag)
        try:
            props = ews_mime.from_mime(ews_items.props_of(element))
        except ValueError as exc:
            raise EwsError("ErrorInvalidRequest", str(exc)) from None
        if kind == "CalendarItem":
            props = ews_times.to_midnights(props)
        self._resolve_owner(props)
        kind = "Message" if kind == "Item" and self.tree.folders[folder].item_element == "Message" else kind
        now = iso(datetime.now(UTC))
        fields: dict[str, Any] = {
            "_element": kind,
            "_props": props,
            "_draft": draft,
            "_DateTimeCreated": now,
            "_LastModifiedTime": now,
            "_Size": len(ews_items.serialize(element)),
            "_ItemClass": ews_items.ITEM_CLASS.get(kind, "IPM.Note"),
            "_DateTimeReceived": now,
            "_attachments": [],
            "_ReminderIsSet": "false",
        }
        if kind == "Message":
            fields["_DateTimeSent"] = now
            fields["_IsRead"] = "true" if draft else "false"
        if kind == "Task":  # a task with a Recurrence is itself the recurring one (see ews_tasks)
            fields["_IsRecurring"] = "true" if any(local_name(p.tag) == "Recurrence" for p in props) else "false"
            fields["_ChangeCount"] = "1"
        if kind == "CalendarItem":
            recurring = any(local_name(p.tag) == "Recurrence" for p in props)
            fields["_CalendarItemType"] = "RecurringMaster" if recurring else "Single"
            fields["_IsRecurring"] = "false"  # a master is not itself recurring (an instance is)
            fields["_UID"] = _uid(f"created:{self.seq}:{secrets.token_hex(6)}")  # shared by the series' instances
        return fields

    def _resolve_owner(self, props: list[ET.Element]) -> None:
        """The mailbox owner named by address alone gets its display name, as Exchange resolves a recipient
        or sender it knows (the stored properties are the server's own copies)."""
        for p in props:
            for box in p.iter(f"{{{T}}}Mailbox"):
                address = (box.findtext(f"{{{T}}}EmailAddress") or "").strip().lower()
                if address == self.owner.address.lower() and not box.findtext(f"{{{T}}}Name"):
                    name = box.find(f"{{{T}}}Name")
                    if name is None:
                        name = ET.Element(f"{{{T}}}Name")
                        box.insert(0, name)
                    name.text = self.owner.name or self.owner.address

    def _keep(self, folder: str, element: ET.Element, fields: dict[str, Any], item_id: str) -> Item:
        now = str(fields["_DateTimeCreated"])
        for att in _children(element, "Attachments"):  # its own; an attached item's stay with that item
            fields["_attachments"].append(self._new_attachment(att, item_id or now, folder))
        item_id = item_id or make_item_id(f"created:{self.seq}:{secrets.token_hex(6)}")
        self._put(folder, item_id, fields)
        if fields.get("_CalendarItemType") == "RecurringMaster":
            self._expand(self.items[item_id])
        return self.items[item_id]

    def _new_attachment(self, att: ET.Element, seed: str, folder: str) -> dict[str, Any]:
        kind = local_name(att.tag)
        if kind not in ("FileAttachment", "ItemAttachment", "ReferenceAttachment"):
            raise EwsError("ErrorInvalidRequest", f"Attachments of type {kind} are not supported.")
        content = att.findtext(f"{{{T}}}Content") or ""
        inner = next((c for c in att if local_name(c.tag) in ews_items.ITEM_ELEMENTS), None)
        item_xml = ""
        if inner is not None:  # an attached item is kept as a created one is, with an id of its own
            fields = self._new_fields(folder, inner, draft=False)
            for nested in _children(inner, "Attachments"):  # an attached item may have attachments too
                fields["_attachments"].append(self._new_attachment(nested, seed, folder))
            attached = Item(
                make_item_id(f"attached:{seed}:{self.seq}:{secrets.token_hex(4)}"), folder, fields, self.seq
            )
            attached.change_key = "CQAAABYAAA" + b64(hashlib.sha1(attached.id.encode()).digest())[:24]
            shape, self._shape = self._shape, ("AllProperties", [])
            item_xml = self._generic_xml(attached)
            self._shape = shape
        try:
            size = len(base64.b64decode(content)) if kind == "FileAttachment" else len(item_xml)
        except ValueError:
            raise EwsError("ErrorInvalidRequest", "The attachment's Content is not base64.") from None
        return {
            "id": ews_items.attachment_id(f"{seed}:{self.seq}:{secrets.token_hex(6)}"),
            "kind": kind,
            "name": att.findtext(f"{{{T}}}Name") or "",
            "content_type": att.findtext(f"{{{T}}}ContentType") or "",
            "content_id": att.findtext(f"{{{T}}}ContentId") or "",
            "inline": (att.findtext(f"{{{T}}}IsInline") or "false") == "true",
            "photo": (att.findtext(f"{{{T}}}IsContactPhoto") or "false") == "true",
            "content": content,
            "item": item_xml,
            "children": fields["_attachments"] if inner is not None else [],
            "size": size,
            "modified": iso(datetime.now(UTC)),
        }

    def _target(self, op: ET.Element, holder: str, default: str) -> str:
        folders = self._folders_named(op.find(f"{{{M}}}{holder}"))
        if not folders:
            return default
        folder = folders[0]
        if isinstance(folder, FolderError):
            raise EwsError(folder.code, folder.message)
        return folder.key

    def _op_CreateItem(self, op: ET.Element) -> str:
        disposition = op.get("MessageDisposition", "")
        holder = op.find(f"{{{M}}}Items")
        messages = []
        for element in list(holder) if holder is not None else []:
            kind = local_name(element.tag)
            try:
                if kind in ews_meetings.MEETING_RESPONSES:
                    messages.append(ews_meetings.respond(self, op, element, disposition))
                    continue
                if kind not in ews_items.ITEM_ELEMENTS:
                    raise EwsError("ErrorInvalidRequest", f"Items of type {kind} cannot be created.")
                if kind in ("Message", "MeetingRequest") and not disposition:
                    raise EwsError("ErrorInvalidRequest", "MessageDisposition is required for a message.")
                default = {
                    "CalendarItem": "calendar",
                    "Contact": "contacts",
                    "DistributionList": "contacts",
                    "Task": "tasks",
                }.get(kind, "drafts")
                if disposition == "SendAndSaveCopy" and kind == "Message":
                    default = "sentitems"
                folder = self._target(op, "SavedItemFolderId", default)
                to = [(m.findtext(f"{{{T}}}EmailAddress") or "") for m in element.iter(f"{{{T}}}Mailbox")]
                if kind == "Message" and disposition != "SaveOnly" and not any("@" in a for a in to):
                    raise EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.")
                if kind == "Message" and disposition in ("SendOnly", "SendAndSaveCopy"):
                    self.sent.append(
                        {
                            "subject": element.findtext(f"{{{T}}}Subject") or "",
                            "to": to,
                            "body": element.findtext(f"{{{T}}}Body") or "",
                            "attachments": _file_attachments(element),
                        }
                    )
                    if disposition == "SendOnly":
                        messages.append(ok_message("CreateItem", "<m:Items/>"))
                        continue
                item = self._store(folder, element, draft=kind == "Message" and disposition == "SaveOnly")
                if kind == "Message" and disposition == "SendAndSaveCopy":
                    me = ET.SubElement(ET.Element("x"), f"{{{T}}}From")
                    box = ET.SubElement(me, f"{{{T}}}Mailbox")
                    ET.SubElement(box, f"{{{T}}}EmailAddress").text = self.owner.address
                    if not any(local_name(p.tag) == "From" for p in item.fields["_props"]):
                        item.fields["_props"].append(me)
                    # Exchange answers a send with an empty Items: the copy's id is not returned.
                    messages.append(ok_message("CreateItem", "<m:Items/>"))
                    continue
            except EwsError as exc:
                messages.append(error_message("CreateItem", exc.code, exc.message))
                continue
            # The new item's id, and its attachments' ids (as CreateAttachment tells them).
            attached = "".join(
                f'<t:{a["kind"]}><t:AttachmentId Id="{a["id"]}" RootItemId="{item.id}" '
                f'RootItemChangeKey="{item.change_key}"/></t:{a["kind"]}>'
                for a in item.fields.get("_attachments") or []
            )
            element = item.fields["_element"]
            messages.append(
                ok_message(
                    "CreateItem",
                    f'<m:Items><t:{element}><t:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/>'
                    + (f"<t:Attachments>{attached}</t:Attachments>" if attached else "")
                    + f"</t:{element}></m:Items>",
                )
            )
        return response_body("CreateItem", messages)

    def _op_DeleteItem(self, op: ET.Element) -> str:
        how = op.get("DeleteType", "")
        if how not in ("HardDelete", "SoftDelete", "MoveToDeletedItems"):
            return response_body(
                "DeleteItem", [error_message("DeleteItem", "ErrorInvalidRequest", "DeleteType is required.")]
            )
        messages = []
        for ref in op.iter():
            if local_name(ref.tag) not in ("ItemId", "OccurrenceItemId") or ref.tag.startswith(f"{{{M}}}"):
                continue
            try:
                item = self._by_ref(ref)
            except EwsError as exc:
                messages.append(error_message("DeleteItem", exc.code, exc.message))
                continue
            if item.id in self.occurrences:  # an instance leaves its series (DeletedOccurrences)
                item.deleted = True
                self._touch_master(item)
            elif how == "MoveToDeletedItems" and item.folder != "deleteditems" and item.id in self.items:
                self._move(item, "deleteditems")
            else:
                self._drop(item)
            messages.append(ok_message("DeleteItem", ""))
        return response_body("DeleteItem", messages)

    def _by_ref(self, ref: ET.Element) -> Item:
        if local_name(ref.tag) == "OccurrenceItemId":
            master = self._find(ref.get("RecurringMasterId", ""))
            index = int(ref.get("InstanceIndex", "0"))
            occurrences = self._instances(master)
            if not 1 <= index <= len(occurrences):
                raise EwsError("ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange", "The index is out of range.")
            if occurrences[index - 1].deleted:
                raise EwsError(
                    "ErrorCalendarOccurrenceIsDeletedFromRecurrence", "The occurrence was deleted from the series."
                )
            return occurrences[index - 1]
        if local_name(ref.tag) == "RecurringMasterItemId":
            occurrence = self._find(ref.get("OccurrenceId", ""))
            series = self.items.get(str(occurrence.fields.get("Master") or ""))
            if series is None:
                raise EwsError("ErrorItemNotFound", "The item is not an occurrence of a series.")
            return series
        change_key = ref.get("ChangeKey")
        if change_key is not None and (len(change_key) < 8 or not set(change_key) <= BASE64):
            raise EwsError("ErrorInvalidChangeKey", "The change key is invalid.")
        return self._find(ref.get("Id", ""))

    def _move(self, item: Item, folder: str, keep: bool = False) -> Item:
        """An item moved (or copied) to a folder: a new id there, as Exchange gives it."""
        fields = copy.deepcopy(item.fields)
        new_id = make_item_id(f"moved:{item.id}:{self.seq}:{secrets.token_hex(4)}")
        if not keep:
            self._drop(item, quiet=True)
        self._put(folder, new_id, fields, quiet=True)
        self._event("CopiedEvent" if keep else "MovedEvent", self.items[new_id], item)
        return self.items[new_id]

    def _move_or_copy(self, op: ET.Element, name: str, keep: bool) -> str:
        try:
            folder = self._target(op, "ToFolderId", "")
            if not folder:
                raise EwsError("ErrorInvalidRequest", "ToFolderId is required.")
        except EwsError as exc:
            return response_body(name, [error_message(name, exc.code, exc.message)])
        messages = []
        for ref in op.iter(f"{{{T}}}ItemId"):
            try:
                item = self._find(ref.get("Id", ""))
                if item.id not in self.items:
                    raise EwsError("ErrorInvalidRequest", "An occurrence cannot be moved on its own.")
            except EwsError as exc:
                messages.append(error_message(name, exc.code, exc.message))
                continue
            moved = self._move(item, folder, keep)
            element = self._element(moved)
            messages.append(
                ok_message(
                    name,
                    f'<m:Items><t:{element}><t:ItemId Id="{moved.id}" ChangeKey="{moved.change_key}"/>'
                    f"</t:{element}></m:Items>",
                )
            )
        return response_body(name, messages)

    def _op_MoveItem(self, op: ET.Element) -> str:
        return self._move_or_copy(op, "MoveItem", False)

    def _op_CopyItem(self, op: ET.Element) -> str:
        return self._move_or_copy(op, "CopyItem", True)

    def _op_SendItem(self, op: ET.Element) -> str:
        """A saved draft sent: kept in Sent Items (or SavedItemFolderId) when SaveItemToFolder, else gone."""
        save = op.get("SaveItemToFolder", "true") == "true"
        messages = []
        try:
            folder = self._target(op, "SavedItemFolderId", "sentitems")
        except EwsError as exc:
            return response_body("SendItem", [error_message("SendItem", exc.code, exc.message)])
        for ref in op.iter(f"{{{T}}}ItemId"):
            try:
                item = self._find(ref.get("Id", ""))
                if self._element(item) != "Message" or "_props" not in item.fields:
                    raise EwsError("ErrorInvalidItemForOperationSendItem", "Only saved messages can be sent.")
                self._send_saved(item, folder if save else "")
            except EwsError as exc:
                messages.append(error_message("SendItem", exc.code, exc.message))
                continue
            messages.append(ok_message("SendItem", ""))
        return response_body("SendItem", messages)

    def _send_saved(self, item: Item, folder: str) -> None:
        """A saved message sent: its copy moved to ``folder`` (no longer a draft), or gone when that is empty."""
        props = item.fields["_props"]
        to = [(m.findtext(f"{{{T}}}EmailAddress") or "") for p in props for m in p.iter(f"{{{T}}}Mailbox")]
        if not any("@" in a for a in to):
            raise EwsError("ErrorInvalidRecipients", "At least one recipient isn't valid.")
        subject = next((p.text or "" for p in props if local_name(p.tag) == "Subject"), "")
        self.sent.append({"subject": subject, "to": to, "body": ""})
        if folder:
            moved = self._move(item, folder)
            moved.fields["_draft"] = False
        else:
            self._drop(item)

    def _op_MarkAsJunk(self, op: ET.Element) -> str:
        """Junk (or not junk); with MoveItem the item goes to Junk Email (or the Inbox) and its new id is told.
        Junk mail is filed by its sender, and the owner's own address is never blocked: an item with no sender, or
        from the owner, stays where it is (learned from exchangelib's live-server test: a message from the account's
        own address stays in the Inbox)."""
        junk, move = op.get("IsJunk") in ("true", "1"), op.get("MoveItem") in ("true", "1")
        messages = []
        for ref in op.iter(f"{{{T}}}ItemId"):
            try:
                item = self._find(ref.get("Id", ""))
            except EwsError as exc:
                messages.append(error_message("MarkAsJunk", exc.code, exc.message))
                continue
            target = "junkemail" if junk else "inbox"
            if move and item.folder != target and self._blockable_sender(item):
                item = self._move(item, target)
            messages.append(
                ok_message(
                    "MarkAsJunk", f'<m:MovedItemId Id="{item.id}" ChangeKey="{item.change_key}"/>' if move else ""
                )
            )
        return response_body("MarkAsJunk", messages)

    def _blockable_sender(self, item: Item) -> bool:
        """Whether junk filing can block the item's sender: it has one, and it is not the mailbox's owner."""
        if "_props" not in item.fields:
            sender = str((item.fields.get("From") or {}).get("address") or "")
        else:
            sender = next(
                (
                    (p.findtext(f".//{{{T}}}EmailAddress") or "").strip()
                    for p in item.fields["_props"]
                    if local_name(p.tag) in ("From", "Sender")
                ),
                "",
            )
        return bool(sender) and sender.lower() != self.owner.address.lower()

    def _op_ArchiveItem(self, op: ET.Element) -> str:
        """Items moved to the folder ArchiveSourceFolderId names (the Archive folder when it names none)."""
        messages = []
        try:
            target = self._target(op, "ArchiveSourceFolderId", "archive")
        except EwsError as exc:
            return response_body("ArchiveItem", [error_message("ArchiveItem", exc.code, exc.message)])
        for ref in op.iter(f"{{{T}}}ItemId"):
            try:
                item = self._find(ref.get("Id", ""))
            except EwsError as exc:
                messages.append(error_message("ArchiveItem", exc.code, exc.message))
                continue
            moved = self._move(item, target)
            element = self._element(moved)
            messages.append(
                ok_message(
                    "ArchiveItem",
                    f'<m:Items><t:{element}><t:ItemId Id="{moved.id}" ChangeKey="{moved.change_key}"/>'
                    f"</t:{element}></m:Items>",
                )
            )
        return response_body("ArchiveItem", messages)

    def _op_CreateAttachment(self, op: ET.Element) -> str:
        parent = op.find(f"{{{M}}}ParentItemId")
        try:
            item = self._find(parent.get("Id", "") if parent is not None else "")
            if "_props" not in item.fields:
                item.fields = dict(item.fields, _attachments=list(item.fields.get("_attachments") or []))
        except EwsError as exc:
            return response_body("CreateAttachment", [error_message("CreateAttachment", exc.code, exc.message)])
        messages = []
        holder = op.find(f"{{{M}}}Attachments")
        for att in list(holder) if holder is not None else []:
            try:
                record = self._new_attachment(att, item.id, item.folder)
            except EwsError as exc:
                messages.append(error_message("CreateAttachment", exc.code, exc.message))
                continue
            item.fields["_attachments"].append(record)
            self._put(item.folder, item.id, item.fields)
            item = self.items[item.id]
            messages.append(
                ok_message(
                    "CreateAttachment",
                    f'<m:Attachments><t:{record["kind"]}><t:AttachmentId Id="{record["id"]}" '
                    f'RootItemId="{item.id}" RootItemChangeKey="{item.change_key}"/></t:{record["kind"]}>'
                    "</m:Attachments>",
                )
            )
        return response_body("CreateAttachment", messages)

    def _attachment(self, attachment_id: str) -> tuple[Item, list[dict[str, Any]], dict[str, Any]]:
        """An attachment by id, also one of an attached item: its root item, the list holding it, and it."""
        for item in self.items.values():
            if item.deleted:
                continue
            holders = [item.fields.get("_attachments") or []]
            while holders:
                holder = holders.pop()
                for a in holder:
                    if a["id"] == attachment_id:
                        return item, holder, a
                    holders.append(a.get("children") or [])
        if malformed_id(attachment_id):
            raise EwsError("ErrorInvalidIdMalformed", "Id is malformed.")
        raise EwsError("ErrorInvalidAttachmentId", "The attachment ID is invalid.")

    def _op_GetAttachment(self, op: ET.Element) -> str:
        messages = []
        for ref in op.iter(f"{{{T}}}AttachmentId"):
            try:
                _, _, record = self._attachment(ref.get("Id", ""))
            except EwsError as exc:
                messages.append(error_message("GetAttachment", exc.code, exc.message))
                continue
            xml = f"<m:Attachments>{self._attachment_xml(record, True)}</m:Attachments>"
            messages.append(ok_message("GetAttachment", xml))
        return response_body("GetAttachment", messages)

    def _op_DeleteAttachment(self, op: ET.Element) -> str:
        messages = []
        for ref in op.iter(f"{{{T}}}AttachmentId"):
            try:
                item, holder, record = self._attachment(ref.get("Id", ""))
            except EwsError as exc:
                messages.append(error_message("DeleteAttachment", exc.code, exc.message))
                continue
            holder.remove(record)
            self._put(item.folder, item.id, item.fields)
            item = self.items[item.id]
            messages.append(
                ok_message(
                    "DeleteAttachment", f'<m:RootItemId RootItemId="{item.id}" RootItemChangeKey="{item.change_key}"/>'
                )
            )
        return response_body("DeleteAttachment", messages)

    def _expand(self, master: Item) -> None:
        """The instances of a created recurring master (kept with ids derived from their start)."""
        for old in [i for i in self.occurrences.values() if i.fields.get("Master") == master.id]:
            del self.occurrences[old.id]
        props = master.fields["_props"]
        base = {k: v for k, v in master.fields.items() if k not in ("_props", "_attachments")}
        for start, end in ews_items.occurrences(props):
            when = {"Start": iso(start), "End": iso(end)}
            copies = []
            for p in props:
                name = local_name(p.tag)
                if name == "Recurrence":
                    continue
                p = copy.deepcopy(p)
                if name in when:
                    p.text = when[name]
                copies.append(p)
            fields = dict(
                base,
                _props=copies,
                _attachments=[],
                _CalendarItemType="Occurrence",
                _IsRecurring="true",
                _OriginalStart=when["Start"],
                Master=master.id,
            )
            self._put_occurrence(make_item_id(f"occurrence:{master.id}:{when['Start']}"), fields)

    def _instances(self, master: Item) -> list[Item]:
        return [i for i in self.occurrences.values() if i.fields.get("Master") == master.id]

    def _master_xml(self, item: Item, every: bool, asked: set[str]) -> str:
        """FirstOccurrence, LastOccurrence, ModifiedOccurrences and DeletedOccurrences of a created master."""
        instances = self._instances(item)
        live = [i for i in instances if not i.deleted]
        parts = []

        def brief(tag: str, i: Item) -> str:
            start, end = self._when(i)
            return (
                f'<t:{tag}><t:ItemId Id="{i.id}" ChangeKey="{i.change_key}"/><t:Start>{start}</t:Start>'
                f"<t:End>{end}</t:End><t:OriginalStart>{i.fields['_OriginalStart']}</t:OriginalStart></t:{tag}>"
            )

        if live and (every or "FirstOccurrence" in asked):
            parts.append(brief("FirstOccurrence", live[0]))
        if live and (every or "LastOccurrence" in asked):
            parts.append(brief("LastOccurrence", live[-1]))
        changed = [i for i in live if i.fields.get("_CalendarItemType") == "Exception"]
        if changed and (every or "ModifiedOccurrences" in asked):
            parts.append(
                "<t:ModifiedOccurrences>"
                + "".join(brief("Occurrence", i) for i in changed)
                + "</t:ModifiedOccurrences>"
            )
        gone = [i for i in instances if i.deleted]
        if gone and (every or "DeletedOccurrences" in asked):
            parts.append(
                "<t:DeletedOccurrences>"
                + "".join(
                    f"<t:DeletedOccurrence><t:Start>{i.fields['_OriginalStart']}</t:Start></t:DeletedOccurrence>"
                    for i in gone
                )
                + "</t:DeletedOccurrences>"
            )
        return "".join(parts)

    def _touch_master(self, occurrence: Item) -> None:
        master = self.items.get(str(occurrence.fields.get("Master") or ""))
        if master is not None:
            self._put(master.folder, master.id, master.fields)

    def _update_generic(self, item: Item, change: ET.Element) -> Item:
        props = list(item.fields["_props"])
        try:
            for update in change.find(f"{{{T}}}Updates") or []:
                props = ews_items.apply_update(props, update)
        except ews_items.ItemError as exc:
            raise EwsError(exc.code, exc.message) from None
        if item.fields["_element"] == "CalendarItem":
            props = ews_times.to_midnights(props)
        props = [copy.deepcopy(p) if p.find(f".//{{{T}}}Mailbox") is not None else p for p in props]
        self._resolve_owner(props)
        fields = dict(item.fields, _props=props, _LastModifiedTime=iso(datetime.now(UTC)))
        uris = {u.get("FieldURI") for u in change.iter(f"{{{T}}}FieldURI")}
        fields["_read_change"] = uris == {"message:IsRead"}  # SyncFolderItems reports a ReadFlagChange
        if item.id in self.occurrences:  # a changed instance is an exception of its series
            fields["_CalendarItemType"] = "Exception"
            self._put_occurrence(item.id, fields)
            self._touch_master(item)
            return self.occurrences[item.id]
        if fields["_element"] == "CalendarItem":
            recurring = any(local_name(p.tag) == "Recurrence" for p in props)
            fields["_CalendarItemType"] = "RecurringMaster" if recurring else "Single"
            fields["_IsRecurring"] = "false"
        if fields["_element"] == "Task":
            parts = ews_tasks.split(item.fields["_props"], props, datetime.now(UTC).date())
            if parts is not None:
                return self._split_task(item, fields, *parts)
            fields["_IsRecurring"] = "true" if any(local_name(p.tag) == "Recurrence" for p in props) else "false"
        self._put(item.folder, item.id, fields)
        if fields["_element"] == "CalendarItem" and uris & {"calendar:Recurrence", "calendar:Start", "calendar:End"}:
            self._expand(self.items[item.id])
        return self.items[item.id]

    def _split_task(
        self, item: Item, fields: dict[str, Any], one_off: list[ET.Element], series: list[ET.Element]
    ) -> Item:
        """A recurring task's current occurrence split off as a new one-off task; the series moves on
        (ews_tasks). The one-off is what UpdateItem answers with."""
        count = int(str(item.fields.get("_ChangeCount") or "1")) + 1
        self._put(item.folder, item.id, dict(fields, _props=series, _ChangeCount=str(count), _IsRecurring="true"))
        new_id = make_item_id(f"task-occurrence:{item.id}:{self.seq}:{secrets.token_hex(4)}")
        self._put(item.folder, new_id, dict(fields, _props=one_off, _ChangeCount="1", _IsRecurring="false"))
        return self.items[new_id]

    # --- export and upload (ews_mime) ---

    def _op_ExportItems(self, op: ET.Element) -> str:
        messages = []
        for ref in op.iter(f"{{{T}}}ItemId"):
            try:
                item = self._by_ref(ref)
                if item.id not in self.items:
                    raise EwsError("ErrorInvalidOperation", "An occurrence cannot be exported on its own.")
            except EwsError as exc:
                messages.append(error_message("ExportItems", exc.code, exc.message))
                continue
            data = ews_mime.pack(item.fields)
            messages.append(
                ok_message(
                    "ExportItems",
                    f'<m:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/><m:Data>{data}</m:Data>',
                )
            )
        return response_body("ExportItems", messages)

    def _op_UploadItems(self, op: ET.Element) -> str:
        """Exported items put back: CreateNew makes a new item (new ids for it and its attachments), Update
        replaces the item ItemId names (a new ChangeKey), UpdateOrCreate does either."""
        messages = []
        for upload in op.iter(f"{{{T}}}Item"):
            action = upload.get("CreateAction", "")
            try:
                if action not in ("CreateNew", "Update", "UpdateOrCreate"):
                    raise EwsError("ErrorInvalidRequest", "CreateAction must be CreateNew, Update or UpdateOrCreate.")
                folder = self._upload_folder(upload)
                try:
                    fields = ews_mime.unpack(upload.findtext(f"{{{T}}}Data") or "")
                except ValueError as exc:
                    raise EwsError("ErrorInvalidRequest", str(exc)) from None
                ref = upload.find(f"{{{T}}}ItemId")
                target = self._lookup(ref.get("Id", "")) if ref is not None else None
                if action == "Update" and target is None:
                    raise EwsError("ErrorItemNotFound", "The specified object was not found in the store.")
                if target is not None and action != "CreateNew":
                    item_id = target.id
                else:
                    item_id = make_item_id(f"uploaded:{self.seq}:{secrets.token_hex(6)}")
                    _renumber(fields.get("_attachments") or [], item_id)
                self._put(folder, item_id, fields)
                if fields.get("_CalendarItemType") == "RecurringMaster":
                    self._expand(self.items[item_id])
            except EwsError as exc:
                messages.append(error_message("UploadItems", exc.code, exc.message))
                continue
            item = self.items[item_id]
            messages.append(ok_message("UploadItems", f'<m:ItemId Id="{item.id}" ChangeKey="{item.change_key}"/>'))
        return response_body("UploadItems", messages)

    def _upload_folder(self, upload: ET.Element) -> str:
        """The folder an upload's ParentFolderId names."""
        holder = upload.find(f"{{{T}}}ParentFolderId")
        if holder is None:
            raise EwsError("ErrorInvalidRequest", "ParentFolderId is required.")
        try:
            return self.tree.resolve(holder).key
        except FolderError as exc:
            raise EwsError(exc.code, exc.message) from None

    # --- people (ews_people) ---

    def _op_FindPeople(self, op: ET.Element) -> str:
        return ews_people.find_people(self, op)

    def _op_GetPersona(self, op: ET.Element) -> str:
        return ews_people.get_persona(self, op)

    # --- notifications (ews_notify) ---

    def _op_Subscribe(self, op: ET.Element) -> str:
        messages = []
        for request in op:
            try:
                folders: list[str] | None = None
                if request.get("SubscribeToAllFolders") not in ("true", "1"):
                    folders = []
                    for folder in self._folders_named(request.find(f"{{{T}}}FolderIds")):
                        if isinstance(folder, FolderError):
                            raise NotifyError(folder.code, folder.message)
                        folders.append(folder.key)
                messages.append(ok_message("Subscribe", self.notify.subscribe(request, folders)))
            except NotifyError as exc:
                messages.append(error_message("Subscribe", exc.code, exc.message))
        return response_body("Subscribe", messages)

    def _op_Unsubscribe(self, op: ET.Element) -> str:
        messages = []
        for sub in op.iter(f"{{{M}}}SubscriptionId"):
            try:
                self.notify.unsubscribe(sub.text or "")
                messages.append(ok_message("Unsubscribe", ""))
            except NotifyError as exc:
                messages.append(error_message("Unsubscribe", exc.code, exc.message))
        return response_body("Unsubscribe", messages)

    def _op_GetEvents(self, op: ET.Element) -> str:
        sub, mark = op.findtext(f"{{{M}}}SubscriptionId") or "", op.findtext(f"{{{M}}}Watermark") or ""
        try:
            return response_body("GetEvents", [ok_message("GetEvents", self.notify.get_events(sub, mark))])
        except NotifyError as exc:
            return response_body("GetEvents", [error_message("GetEvents", exc.code, exc.message)])

    def _op_GetStreamingEvents(self, op: ET.Element) -> list[str]:
        """The pending notifications in one SOAP document, then ConnectionStatus Closed in a second one
        (the documents of one streamed answer; ours closes at once, see ews_notify)."""
        ids = [s.text or "" for s in op.iter(f"{{{T}}}SubscriptionId")]
        minutes = op.findtext(f"{{{M}}}ConnectionTimeout") or ""
        name = "GetStreamingEvents"
        try:
            notes = self.notify.streaming(ids, int(minutes) if minutes.strip().isdigit() else 0)
        except InvalidSubscriptions as exc:
            error = error_message(name, exc.code, exc.message).replace(f"</m:{name}ResponseMessage>", "")
            return [response_body(name, [f"{error}{exc.detail()}</m:{name}ResponseMessage>"])]
        except NotifyError as exc:
            return [response_body(name, [error_message(name, exc.code, exc.message)])]
        status = "<m:ConnectionStatus>{}</m:ConnectionStatus>"
        return [
            response_body(name, [ok_message(name, notes + status.format("OK"))]),
            response_body(name, [ok_message(name, status.format("Closed"))]),
        ]

    def _config_key(self, op: ET.Element) -> tuple[str, str]:
        name_el = next((e for e in op.iter() if local_name(e.tag) in ("UserConfigurationName",)), None)
        if name_el is None:
            raise EwsError("ErrorInvalidRequest", "UserConfigurationName is required.")
        folders = self._folder_name(name_el) or ["calendar"]
        if folders[0].startswith("?"):
            raise EwsError("ErrorFolderNotFound", "The specified folder could not be found in the store.")
        return folders[0], name_el.get("Name", "")

    def _op_GetUserConfiguration(self, op: ET.Element) -> str:
        """A folder's user configuration, with the parts UserConfigurationProperties asks for (All, Id,
        Dictionary, XmlData, BinaryData)."""
        name = "GetUserConfiguration"
        try:
            key = self._config_key(op)
            if key not in self.configs:
                raise EwsError("ErrorItemNotFound", "The specified object was not found in the store.")
        except EwsError as exc:
            return response_body(name, [error_message(name, exc.code, exc.message)])
        asked = set((op.findtext(f"{{{M}}}UserConfigurationProperties") or "All").replace(",", " ").split())
        every = "All" in asked
        parts = self.config_parts.get(key, {})
        folder = self.tree.folders[key[0]]
        where = (
            f'<t:DistinguishedFolderId Id="{key[0]}"/>'
            if folder.distinguished
            else f'<t:FolderId Id="{folder.id}" ChangeKey="{folder.change_key}"/>'
        )
        xml = f'<m:UserConfiguration><t:UserConfigurationName Name="{escape(key[1])}">{where}</t:UserConfigurationName>'
        if every or "Id" in asked:
            xml += f'<t:ItemId Id="{make_item_id("config:" + key[0] + ":" + key[1])}" ChangeKey="BwAAAA=="/>'
        if (every or "Dictionary" in asked) and parts.get("Dictionary"):
            xml += parts["Dictionary"]
        if (every or "XmlData" in asked) and self.configs[key]:
            xml += f"<t:XmlData>{b64(self.configs[key])}</t:XmlData>"
        if (every or "BinaryData" in asked) and parts.get("BinaryData"):
            xml += f"<t:BinaryData>{parts['BinaryData']}</t:BinaryData>"
        return response_body(name, [ok_message(name, xml + "</m:UserConfiguration>")])

    def _set_config(self, op: ET.Element, create: bool, name: str) -> str:
        """Create or update a user configuration: the parts the request gives replace the stored ones."""
        try:
            key = self._config_key(op)
            if create and key in self.configs:
                raise EwsError("ErrorItemSave", "The user configuration already exists.")
            if not create and key not in self.configs:
                raise EwsError("ErrorItemNotFound", "The specified object was not found in the store.")
            given = {local_name(e.tag): e for e in op.iter() if e.tag.startswith(f"{{{T}}}")}
            data = self.configs.get(key, b"")
            if "XmlData" in given:
                try:
                    data = base64.b64decode(given["XmlData"].text or "", validate=True)
                    ET.fromstring(data)
                except (ValueError, ET.ParseError):
                    raise EwsError("ErrorInvalidRequest", "XmlData is not well-formed XML.") from None
            parts = dict(self.config_parts.get(key, {}))
            if "BinaryData" in given:
                raw = (given["BinaryData"].text or "").strip()
                try:
                    base64.b64decode(raw, validate=True)
                except ValueError:
                    raise EwsError("ErrorInvalidRequest", "BinaryData is not base64.") from None
                parts["BinaryData"] = raw
            if "Dictionary" in given:
                parts["Dictionary"] = _dictionary(given["Dictionary"])
        except EwsError as exc:
            return response_body(name, [error_message(name, exc.code, exc.message)])
        self.configs[key] = data
        self.config_parts[key] = parts
        return response_body(name, [ok_message(name, "")])

    def _op_CreateUserConfiguration(self, op: ET.Element) -> str:
        return self._set_config(op, True, "CreateUserConfiguration")

    def _op_UpdateUserConfiguration(self, op: ET.Element) -> str:
        return self._set_config(op, False, "UpdateUserConfiguration")

    def _op_DeleteUserConfiguration(self, op: ET.Element) -> str:
        name = "DeleteUserConfiguration"
        try:
            key = self._config_key(op)
            if key not in self.configs:
                raise EwsError("ErrorItemNotFound", "The specified object was not found in the store.")
        except EwsError as exc:
            return response_body(name, [error_message(name, exc.code, exc.message)])
        del self.configs[key]
        self.config_parts.pop(key, None)
        return response_body(name, [ok_message(name, "")])

    def category_colours(self) -> dict[str, str]:
        """Name -> colour of the master category list (for tests)."""
        data = self.configs.get(("calendar", "CategoryList"))
        if not data:
            return {}
        root = ET.fromstring(data)
        return {c.get("name", ""): c.get("color", "") for c in root.iter() if local_name(c.tag) == "category"}

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
    tag = local_name(node.tag)
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


def _renumber(attachments: list[dict[str, Any]], seed: str) -> None:
    """New ids for uploaded attachments (and those of attached items): a new item's are its own."""
    for n, a in enumerate(attachments):
        a["id"] = ews_items.attachment_id(f"{seed}:{n}:{secrets.token_hex(6)}")
        _renumber(a.get("children") or [], a["id"])


def _extended_paths(op: ET.Element | None) -> list[ET.Element]:
    """The ExtendedFieldURIs a request's FolderShape asks for."""
    shape = op.find(f"{{{M}}}FolderShape") if op is not None else None
    return list(shape.iter(f"{{{T}}}ExtendedFieldURI")) if shape is not None else []


def _dictionary(given: ET.Element) -> str:
    """A user configuration's Dictionary as Exchange keeps it: a Boolean key or value written as 1 / 0 comes
    back as true / false (xs:boolean's canonical form, as for item properties)."""
    kept = copy.deepcopy(given)
    for typed in kept.iter():
        if typed.findtext(f"{{{T}}}Type") == "Boolean":
            for value in typed.iter(f"{{{T}}}Value"):
                value.text = {"1": "true", "0": "false"}.get((value.text or "").strip(), value.text)
    return ET.tostring(kept, encoding="unicode")


def _children(element: ET.Element, tag: str) -> list[ET.Element]:
    """The children of ``element``'s child ``tag`` (types namespace); none when it has no such child."""
    holder = element.find(f"{{{T}}}{tag}")
    return list(holder) if holder is not None else []


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


def _file_attachments(message: ET.Element) -> list[tuple[str, str, bytes]]:
    """The FileAttachments sent inline with a message (``CreateItem`` with ``SendAndSaveCopy``)."""
    files = []
    for attachment in message.iter(f"{{{T}}}FileAttachment"):
        name = attachment.findtext(f"{{{T}}}Name") or ""
        try:
            content = base64.b64decode(attachment.findtext(f"{{{T}}}Content") or "", validate=True)
        except ValueError:
            content = b""
        if not name or not content:
            raise EwsError("ErrorInvalidAttachment", "A FileAttachment needs a Name and its Content.")
        files.append((name, attachment.findtext(f"{{{T}}}ContentType") or "", content))
    return files


def _folder_answer(operation: str, folder: Folder) -> str:
    """A folder operation's success: the folder's id and its new ChangeKey."""
    return ok_message(
        operation,
        f'<m:Folders><t:{folder.element}><t:FolderId Id="{folder.id}" ChangeKey="{folder.change_key}"/>'
        f"</t:{folder.element}></m:Folders>",
    )


def _envelopes(bodies: list[str]) -> Response:
    """Several SOAP documents in one streamed answer (GetStreamingEvents)."""
    parts = [_envelope(b).body for b in bodies]
    return Response(200, b"".join(parts), {"Content-Type": "text/xml; charset=utf-8"})


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
