"""The EWS emulator's folder tree: distinguished folders, folders a client creates, and the folder operations.

Shapes follow Microsoft's EWS reference: "CreateFolder operation", "DeleteFolder operation" (a
distinguished folder answers ErrorDeleteDistinguishedFolder), "UpdateFolder operation", "EmptyFolder
operation", "FindFolder operation" (Traversal Shallow / Deep, a Restriction on folder properties),
"GetFolder operation", "SyncFolderHierarchy operation" (Create / Update / Delete changes below the
SyncFolderId after an opaque SyncState) and "DistinguishedFolderId" (the well-known names and the
FolderClass each folder has in a new Exchange 2016 mailbox).
"""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"

# distinguished id -> (element, FolderClass, display name, parent).  The mailbox root has no display
# name; "Top of Information Store" (msgfolderroot) holds the folders a user sees; Recoverable Items and
# Finder (searchfolders) are outside it, as in a new Exchange 2016 mailbox.
DISTINGUISHED: dict[str, tuple[str, str, str, str]] = {
    "root": ("Folder", "", "", ""),
    "msgfolderroot": ("Folder", "", "Top of Information Store", "root"),
    "recoverableitemsroot": ("Folder", "", "Recoverable Items", "root"),
    "recoverableitemsdeletions": ("Folder", "", "Deletions", "recoverableitemsroot"),
    "recoverableitemspurges": ("Folder", "", "Purges", "recoverableitemsroot"),
    "recoverableitemsversions": ("Folder", "", "Versions", "recoverableitemsroot"),
    "searchfolders": ("Folder", "", "Finder", "root"),
    "inbox": ("Folder", "IPF.Note", "Inbox", "msgfolderroot"),
    "drafts": ("Folder", "IPF.Note", "Drafts", "msgfolderroot"),
    "sentitems": ("Folder", "IPF.Note", "Sent Items", "msgfolderroot"),
    "deleteditems": ("Folder", "IPF.Note", "Deleted Items", "msgfolderroot"),
    "outbox": ("Folder", "IPF.Note", "Outbox", "msgfolderroot"),
    "junkemail": ("Folder", "IPF.Note", "Junk Email", "msgfolderroot"),
    "archive": ("Folder", "IPF.Note", "Archive", "msgfolderroot"),
    "conversationhistory": ("Folder", "", "Conversation History", "msgfolderroot"),
    "calendar": ("CalendarFolder", "IPF.Appointment", "Calendar", "msgfolderroot"),
    "contacts": ("ContactsFolder", "IPF.Contact", "Contacts", "msgfolderroot"),
    "tasks": ("TasksFolder", "IPF.Task", "Tasks", "msgfolderroot"),
    "notes": ("Folder", "IPF.StickyNote", "Notes", "msgfolderroot"),
    "journal": ("Folder", "IPF.Journal", "Journal", "msgfolderroot"),
    "syncissues": ("Folder", "IPF.Note", "Sync Issues", "msgfolderroot"),
    "conflicts": ("Folder", "", "Conflicts", "syncissues"),
    "localfailures": ("Folder", "", "Local Failures", "syncissues"),
    "serverfailures": ("Folder", "", "Server Failures", "syncissues"),
    "recipientcache": ("ContactsFolder", "IPF.Contact.RecipientCache", "Recipient Cache", "contacts"),
    "temporarysaves": ("Folder", "", "TemporarySaves", "root"),
    "peoplecentricconversationbuddies": (
        "ContactsFolder",
        "IPF.Contact.PeopleCentricConversationBuddies",
        "PeopleCentricConversation Buddies",
        "contacts",
    ),
}
# The other folders Exchange 2016 makes in every mailbox (not distinguished, not user-visible for most):
# key -> (element, FolderClass, display name, parent).
SYSTEM: dict[str, tuple[str, str, str, str]] = {
    "sys-commonviews": ("Folder", "", "Common Views", "root"),
    "sys-deferredaction": ("Folder", "", "Deferred Action", "root"),
    "sys-exchangesyncdata": ("Folder", "", "ExchangeSyncData", "root"),
    "sys-freebusy": ("Folder", "", "Freebusy Data", "root"),
    "sys-location": ("Folder", "", "Location", "root"),
    "sys-mailboxassociations": ("Folder", "", "MailboxAssociations", "root"),
    "sys-reminders": ("SearchFolder", "Outlook.Reminder", "Reminders", "root"),
    "sys-schedule": ("Folder", "", "Schedule", "root"),
    "sys-shortcuts": ("Folder", "", "Shortcuts", "root"),
    "sys-spooler": ("Folder", "", "Spooler Queue", "root"),
    "sys-system": ("Folder", "", "System", "root"),
    "sys-views": ("Folder", "", "Views", "root"),
    "sys-conversationactions": ("Folder", "IPF.Configuration", "Conversation Action Settings", "msgfolderroot"),
    "sys-quickstep": ("Folder", "IPF.Configuration", "Quick Step Settings", "msgfolderroot"),
    "sys-rss": ("Folder", "IPF.Note.OutlookHomepage", "RSS Feeds", "msgfolderroot"),
    "sys-externalcontacts": ("ContactsFolder", "IPF.Contact", "ExternalContacts", "msgfolderroot"),
    "sys-personmetadata": ("ContactsFolder", "IPF.Contact", "PersonMetadata", "msgfolderroot"),
    "sys-galcontacts": ("ContactsFolder", "IPF.Contact.GalContacts", "GAL Contacts", "contacts"),
    "sys-orgcontacts": (
        "ContactsFolder",
        "IPF.Contact.OrganizationalContacts",
        "Organizational Contacts",
        "contacts",
    ),
}
FOLDER_ELEMENTS = ("Folder", "CalendarFolder", "ContactsFolder", "TasksFolder", "SearchFolder")
# The item element a folder holds, by its class (EWS reference, "Items").
ITEM_BY_CLASS = {"IPF.Appointment": "CalendarItem", "IPF.Contact": "Contact", "IPF.Task": "Task"}
# Folder properties a FindFolder restriction may test.
FOLDER_FIELDS = {"folder:DisplayName": "name", "folder:FolderClass": "folder_class"}


def folder_id(key: str) -> str:
    return "AAMkAD" + base64.b64encode(hashlib.sha1(f"folder:{key}".encode()).digest()).decode()[:40] + "AAA="


@dataclass
class Folder:
    key: str
    parent: str
    element: str
    folder_class: str
    name: str
    distinguished: bool
    system: bool = False  # one of the mailbox's own folders: it cannot be deleted
    seq: int = 0
    created: int = 0
    deleted: bool = False
    permission_set: str = ""  # the PermissionSet element an UpdateFolder set, as given

    @property
    def id(self) -> str:
        return folder_id(self.key)

    @property
    def change_key(self) -> str:
        return "AQAAABYAAA" + base64.b64encode(hashlib.sha1(f"{self.key}:{self.seq}".encode()).digest()).decode()[:16]

    @property
    def item_element(self) -> str:
        return ITEM_BY_CLASS.get(".".join(self.folder_class.split(".")[:2]), "Message")


class FolderError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


NOT_FOUND = ("ErrorFolderNotFound", "The specified folder could not be found in the store.")


class FolderTree:
    """Every folder of the mailbox; ``step`` is the shared change counter of the mailbox's store."""

    def __init__(self, step: Any) -> None:
        self.step = step
        self.folders: dict[str, Folder] = {}
        self.by_id: dict[str, str] = {}
        for key, (element, cls, name, parent) in DISTINGUISHED.items():
            self._add(Folder(key, parent, element, cls, name, True))
        for key, (element, cls, name, parent) in SYSTEM.items():
            self._add(Folder(key, parent, element, cls, name, False, system=True))

    def _add(self, folder: Folder) -> Folder:
        folder.seq = folder.created = self.step()
        self.folders[folder.key] = folder
        self.by_id[folder.id] = folder.key
        return folder

    def get(self, key: str) -> Folder:
        folder = self.folders.get(key)
        if folder is None or folder.deleted:
            raise FolderError(*NOT_FOUND)
        return folder

    def resolve(self, el: ET.Element) -> Folder:
        """A DistinguishedFolderId or FolderId element to its folder."""
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "DistinguishedFolderId":
            key = el.get("Id", "")
            if key == "publicfoldersroot":  # an organisation without public folders answers this
                raise FolderError(
                    "ErrorNoPublicFolderReplicaAvailable", "There are no public folder servers available."
                )
            if key not in DISTINGUISHED:  # a well-known folder this mailbox does not have
                raise FolderError(*NOT_FOUND)
            return self.get(key)
        fid = el.get("Id", "")
        if fid not in self.by_id:
            if not fid.startswith("AAMkAD"):
                raise FolderError("ErrorInvalidIdMalformed", "Id is malformed.")
            raise FolderError(*NOT_FOUND)
        return self.get(self.by_id[fid])

    def children(self, key: str, deep: bool = False) -> list[Folder]:
        found = []
        for f in self.folders.values():
            if f.parent == key and not f.deleted:
                found.append(f)
                if deep:
                    found += self.children(f.key, True)
        return found

    def below(self, key: str, f: Folder) -> bool:
        while f.parent:
            if f.parent == key:
                return True
            parent = self.folders.get(f.parent)
            if parent is None:
                return False
            f = parent
        return False

    def create(self, parent: Folder, element: str, folder_class: str, name: str) -> Folder:
        if not name:
            raise FolderError("ErrorInvalidRequest", "A folder needs a DisplayName.")
        if any(c.name.lower() == name.lower() for c in self.children(parent.key)):
            raise FolderError("ErrorFolderExists", f"Could not create folder '{name}'. A folder with that name exists.")
        if not folder_class:  # a plain Folder keeps no class; the typed ones get theirs
            folder_class = {"CalendarFolder": "IPF.Appointment", "ContactsFolder": "IPF.Contact"}.get(element, "")
            folder_class = folder_class or {"TasksFolder": "IPF.Task"}.get(element, "")
        key = "f" + hashlib.sha1(f"{parent.key}/{name}/{self.step()}".encode()).hexdigest()[:16]
        return self._add(Folder(key, parent.key, element, folder_class, name, False))

    def touch(self, folder: Folder) -> None:
        folder.seq = self.step()

    def delete(self, folder: Folder) -> None:
        if folder.distinguished:
            raise FolderError("ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
        if folder.system:
            raise FolderError("ErrorCannotDeleteObject", "The object cannot be deleted.")
        for child in [*self.children(folder.key, True), folder]:
            child.deleted = True
            child.seq = self.step()

    def xml(self, folder: Folder, total: int, unread: int, fields: frozenset[str] | None = None) -> str:
        """A folder element with the properties ``fields`` names (all when None); its FolderId always."""
        parts = {
            "ParentFolderId": f'<t:ParentFolderId Id="{folder_id(folder.parent)}" ChangeKey="AQAAAA=="/>'
            if folder.parent
            else "",
            "FolderClass": f"<t:FolderClass>{escape(folder.folder_class)}</t:FolderClass>"
            if folder.folder_class
            else "",
            # Exchange 2013 and later tell a well-known folder's name (folder:DistinguishedFolderId)
            "DistinguishedFolderId": f"<t:DistinguishedFolderId>{folder.key}</t:DistinguishedFolderId>"
            if folder.distinguished
            else "",
            "DisplayName": f"<t:DisplayName>{escape(folder.name)}</t:DisplayName>",
            "TotalCount": f"<t:TotalCount>{total}</t:TotalCount>",
            "ChildFolderCount": f"<t:ChildFolderCount>{len(self.children(folder.key))}</t:ChildFolderCount>",
            "UnreadCount": f"<t:UnreadCount>{unread}</t:UnreadCount>" if folder.element != "ContactsFolder" else "",
            "PermissionSet": folder.permission_set,
        }
        shown = "".join(v for k, v in parts.items() if fields is None or k in fields)
        return (
            f'<t:{folder.element}><t:FolderId Id="{folder.id}" ChangeKey="{folder.change_key}"/>{shown}'
            f"</t:{folder.element}>"
        )


def shape(op: ET.Element) -> frozenset[str] | None:
    """The folder properties a request's FolderShape asks for: with BaseShape IdOnly, the FolderId and the
    AdditionalProperties only (EWS reference, "BaseShape"); None (all we keep) for Default, AllProperties
    or no shape."""
    holder = op.find(f"{{{M}}}FolderShape")
    if holder is None or (holder.findtext(f"{{{T}}}BaseShape") or "").strip() != "IdOnly":
        return None
    return frozenset(uri.get("FieldURI", "").rpartition(":")[2] for uri in holder.iter(f"{{{T}}}FieldURI"))


def folder_restriction(element: ET.Element) -> Any:
    """A test for folders from a FindFolder Restriction: comparisons of DisplayName / FolderClass, And/Or/Not."""
    children = list(element)
    if len(children) != 1:
        raise FolderError("ErrorSchemaValidation", "The request failed schema validation.")
    return _folder_search(children[0])


def _folder_search(node: ET.Element) -> Any:
    tag = node.tag.rsplit("}", 1)[-1]
    if tag in ("And", "Or"):
        parts = [_folder_search(c) for c in node]
        combine = all if tag == "And" else any
        return lambda f: combine(p(f) for p in parts)
    if tag == "Not":
        inner = folder_restriction(node)
        return lambda f: not inner(f)
    uri = node.find(f"{{{T}}}FieldURI")
    attr = FOLDER_FIELDS.get(uri.get("FieldURI", "") if uri is not None else "")
    if attr is None:
        raise FolderError("ErrorUnsupportedPathForQuery", "The property can not be used with this type of restriction.")
    if tag == "Exists":
        return lambda f: bool(getattr(f, attr))
    constant = node.find(f".//{{{T}}}Constant")
    value = (constant.get("Value", "") if constant is not None else "").lower()
    if tag == "Contains":
        mode = node.get("ContainmentMode", "Substring")
        fold = node.get("ContainmentComparison", "Exact").startswith("Ignore")
        exact = constant.get("Value", "") if constant is not None else ""

        def text(f: Folder) -> tuple[str, str]:
            return (getattr(f, attr).lower(), value) if fold else (getattr(f, attr), exact)

        if mode == "FullString":
            return lambda f: text(f)[0] == text(f)[1]
        if mode == "Prefixed":
            return lambda f: text(f)[0].startswith(text(f)[1])
        return lambda f: text(f)[1] in text(f)[0]
    compare = {
        "IsEqualTo": lambda a, b: a == b,
        "IsNotEqualTo": lambda a, b: a != b,
        "IsGreaterThan": lambda a, b: a > b,
        "IsGreaterThanOrEqualTo": lambda a, b: a >= b,
        "IsLessThan": lambda a, b: a < b,
        "IsLessThanOrEqualTo": lambda a, b: a <= b,
    }.get(tag)
    if compare is None:
        raise FolderError("ErrorInvalidRestriction", f"The restriction element '{tag}' is not supported.")
    return lambda f: compare(getattr(f, attr).lower(), value)


def sync_state(key: str, upto: int, epoch: int) -> str:
    return base64.b64encode(json.dumps({"h": key, "u": upto, "e": epoch}).encode()).decode()


def read_sync_state(text: str, key: str, epoch: int) -> int:
    """The step a SyncFolderHierarchy state was taken at; FolderError for a state of another folder or epoch."""
    try:
        state = json.loads(base64.b64decode(text))
        if state["h"] != key or int(state["e"]) != epoch:
            raise ValueError("another folder")
        return int(state["u"])
    except (ValueError, KeyError, TypeError):
        raise FolderError(
            "ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid."
        ) from None
