"""People of the EWS emulator's mailbox: FindPeople and GetPersona read a persona per contact.

Shapes follow Microsoft's EWS reference: "FindPeople operation" (PersonaShape, IndexedPageItemView,
Restriction, SortOrder, ParentFolderId, QueryString; answered in FindPeopleResponse itself with
TotalNumberOfPeopleInView, FirstMatchingRowIndex and FirstLoadedRowIndex), "GetPersona operation"
(answered in GetPersonaResponseMessage itself) and "Persona" (PersonaId, PersonaType, DisplayName,
EmailAddress, GivenName, Surname, Attributions).  What is ours: one persona per contact, where Exchange
links the contacts and directory entries of one person into one persona.
"""

from __future__ import annotations

import functools
import hashlib
import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

from app.emulators.ews_common import EwsError, Item, M, T, b64, field_uri, local_name, malformed_id
from app.emulators.ews_folders import FolderError

# ``svc`` below is the EwsService answering the request; it is typed Any because ews imports this module
# (a module-level import back would be a cycle, which tests/test_layers.py refuses).
EwsService = Any


def persona_id(item_id: str) -> str:
    """A contact's persona id (ours: one persona per contact; Exchange links contacts of one person)."""
    return "AAQkAD" + b64(hashlib.sha1(f"persona:{item_id}".encode()).digest()).rstrip("=") + "AAA="


def persona_xml(svc: EwsService, contact: Item, full: bool) -> str:
    """The persona ("Persona", EWS reference) of one contact: its id, name and first e-mail address; GetPersona
    adds the name parts and the contact it comes from (Attributions)."""
    read = functools.partial(svc._read, contact)
    name = next(iter(read(field_uri("contacts:DisplayName"))), "")
    address = next((a for a in read(field_uri("contacts:EmailAddresses")) if "@" in a), "")
    xml = f'<t:PersonaId Id="{persona_id(contact.id)}"/><t:PersonaType>Person</t:PersonaType>'
    xml += f"<t:DisplayName>{escape(name)}</t:DisplayName>"
    if address:
        xml += (
            f"<t:EmailAddress><t:Name>{escape(name)}</t:Name><t:EmailAddress>{escape(address)}</t:EmailAddress>"
            "<t:RoutingType>SMTP</t:RoutingType></t:EmailAddress>"
        )
    if full:
        for tag, uri in (("GivenName", "contacts:GivenName"), ("Surname", "contacts:Surname")):
            value = next(iter(read(field_uri(uri))), "")
            if value:
                xml += f"<t:{tag}>{escape(value)}</t:{tag}>"
        folder = svc.tree.folders[contact.folder]
        xml += (
            f'<t:Attributions><t:Attribution><t:Id>0</t:Id><t:SourceId Id="{contact.id}" '
            f'ChangeKey="{contact.change_key}"/><t:DisplayName>Outlook</t:DisplayName>'
            "<t:IsWritable>true</t:IsWritable><t:IsQuickContact>false</t:IsQuickContact>"
            f'<t:IsHidden>false</t:IsHidden><t:FolderId Id="{folder.id}" ChangeKey="{folder.change_key}"/>'
            "</t:Attribution></t:Attributions>"
        )
    return f"<m:Persona>{xml}</m:Persona>"  # in the messages namespace, as FindPeople and GetPersona answer


def find_people(svc: EwsService, op: ET.Element) -> str:
    """The people of a contacts folder (one persona per contact), with Restriction, SortOrder, an AQS
    QueryString and IndexedPageItemView paging. Answered in FindPeopleResponse itself (no
    ResponseMessages), with TotalNumberOfPeopleInView, FirstMatchingRowIndex and FirstLoadedRowIndex."""
    try:
        named = svc._folders_named(op.find(f"{{{M}}}ParentFolderId"))
        if not named:
            raise EwsError("ErrorInvalidRequest", "ParentFolderId is required.")
        if isinstance(named[0], FolderError):
            raise EwsError(named[0].code, named[0].message)
        folder = named[0].key
        restriction, query = op.find(f"{{{M}}}Restriction"), op.find(f"{{{M}}}QueryString")
        tests = [svc._item_restriction(restriction)] if restriction is not None else []
        tests += [svc._query_string(query.text or "")] if query is not None else []
    except EwsError as exc:
        return (
            f'<m:FindPeopleResponse xmlns:m="{M}" xmlns:t="{T}" ResponseClass="Error">'
            f"<m:MessageText>{escape(exc.message)}</m:MessageText><m:ResponseCode>{exc.code}</m:ResponseCode>"
            "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:FindPeopleResponse>"
        )
    people = [
        i
        for i in svc.items.values()
        if i.folder == folder and not i.deleted and svc._element(i) == "Contact" and all(t(i) for t in tests)
    ]
    people.sort(key=lambda i: (next(iter(svc._read(i, field_uri("contacts:DisplayName"))), "").lower(), i.id))
    for order in reversed(list(op.iter(f"{{{T}}}FieldOrder"))):
        path = next(iter(order), None)
        if path is not None:
            people.sort(key=functools.partial(svc._sort_key, path=path), reverse=order.get("Order") == "Descending")
    view = op.find(f"{{{M}}}IndexedPageItemView")
    limit = int(view.get("MaxEntriesReturned", "100")) if view is not None else 100
    offset = int(view.get("Offset", "0")) if view is not None else 0
    page = "".join(persona_xml(svc, i, False) for i in people[offset : offset + limit])
    return (
        f'<m:FindPeopleResponse xmlns:m="{M}" xmlns:t="{T}" ResponseClass="Success">'
        f"<m:ResponseCode>NoError</m:ResponseCode><m:People>{page}</m:People>"
        f"<m:TotalNumberOfPeopleInView>{len(people)}</m:TotalNumberOfPeopleInView>"
        f"<m:FirstMatchingRowIndex>{offset}</m:FirstMatchingRowIndex>"
        f"<m:FirstLoadedRowIndex>{offset}</m:FirstLoadedRowIndex></m:FindPeopleResponse>"
    )


def get_persona(svc: EwsService, op: ET.Element) -> str:
    """One persona by its PersonaId, answered in GetPersonaResponseMessage itsvc."""
    ref = next((e for e in op.iter() if local_name(e.tag) == "PersonaId"), None)
    wanted = ref.get("Id", "") if ref is not None else ""
    found = next((i for i in svc.items.values() if persona_id(i.id) == wanted and not i.deleted), None)
    if found is None or svc._element(found) != "Contact":
        code, text = (
            ("ErrorInvalidIdMalformed", "Id is malformed.")
            if malformed_id(wanted) or not wanted.startswith("AAQkAD")
            else ("ErrorItemNotFound", "The specified object was not found in the store.")
        )
        return (
            f'<m:GetPersonaResponseMessage xmlns:m="{M}" xmlns:t="{T}" ResponseClass="Error">'
            f"<m:MessageText>{text}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode>"
            "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:GetPersonaResponseMessage>"
        )
    persona = persona_xml(svc, found, True)
    return (
        f'<m:GetPersonaResponseMessage xmlns:m="{M}" xmlns:t="{T}" ResponseClass="Success">'
        f"<m:ResponseCode>NoError</m:ResponseCode>{persona}</m:GetPersonaResponseMessage>"
    )
