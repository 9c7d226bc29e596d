"""The EWS emulator's folder tree and the items a client creates, driven by the real exchangelib (and raw SOAP
where an error code is the point): what exchangelib's own live-server tests taught us a mailbox must do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.catalog import load_default
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews import EwsConnection, EwsSettings
from tests.emulators.test_ews import soap

CATALOG = load_default()


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=7, names=["ews"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture
def account(host: EmulatorHost) -> Any:
    c = host.info()["services"]["ews"]
    settings = EwsSettings(
        address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(host.ca_path)
    )
    return EwsConnection(settings, c["password"], catalog=CATALOG).account()


def test_a_new_mailbox_has_exchanges_distinguished_folders(host: EmulatorHost, account: Any) -> None:
    answer = soap(
        host,
        "<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds>"
        '<t:DistinguishedFolderId Id="root"/><t:DistinguishedFolderId Id="drafts"/>'
        '<t:DistinguishedFolderId Id="deleteditems"/><t:DistinguishedFolderId Id="junkemail"/>'
        '<t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>',
    ).text
    assert answer.count('ResponseClass="Success"') == 5
    assert "<t:DisplayName></t:DisplayName>" in answer  # the mailbox root has no name
    for name in ("Drafts", "Deleted Items", "Junk Email"):
        assert f"<t:DisplayName>{name}</t:DisplayName>" in answer
    assert "<t:TasksFolder>" in answer and "<t:FolderClass>IPF.Task</t:FolderClass>" in answer
    assert account.drafts.name == "Drafts" and account.trash.name == "Deleted Items"
    names = {f.name for f in account.msg_folder_root.children}
    assert {"Inbox", "Drafts", "Sent Items", "Deleted Items", "Outbox", "Calendar", "Contacts", "Tasks"} <= names

    refused = soap(
        host,
        '<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:DistinguishedFolderId Id="inbox"/>'
        "</m:FolderIds></m:DeleteFolder>",
    ).text
    assert "ErrorDeleteDistinguishedFolder" in refused
    assert (
        "ErrorFolderNotFound"
        in soap(
            host,
            "<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>"
            '<t:FolderId Id="AAMkADdGhpcyBmb2xkZXIgd2FzIG5ldmVyIG1hZGU="/></m:FolderIds></m:GetFolder>',
        ).text
    )


def test_folders_are_created_found_renamed_deleted_and_synced(account: Any) -> None:
    from exchangelib import Folder, Q
    from exchangelib.errors import ErrorFolderExists
    from exchangelib.folders import FolderCollection

    parent = Folder(parent=account.inbox, name="Projects").save()
    state_before = list(parent.sync_hierarchy())
    assert state_before == [] and parent.folder_sync_state
    child = Folder(parent=parent, name="Acme").save()
    with pytest.raises(ErrorFolderExists):
        Folder(parent=parent, name="acme").save()  # names are unique per parent, whatever their case
    assert [(kind, f.id) for kind, f in parent.sync_hierarchy()] == [("create", child.id)]
    assert [f.name for f in account.inbox.children if f.name.startswith("Proj")] == ["Projects"]
    below_inbox = FolderCollection(account=account, folders=[account.inbox])
    assert [f.id for f in below_inbox.find_folders(q=Q(name="Acme"), depth="Deep")] == [child.id]
    assert list(below_inbox.find_folders(q=Q(name="Nothing like it"), depth="Deep")) == []

    elsewhere = Folder(parent=account.inbox, name="Elsewhere").save()
    child.move(elsewhere)
    assert [f.name for f in elsewhere.children] == ["Acme"] and list(parent.children) == []
    child.move(parent)
    assert [(kind, f.id) for kind, f in parent.sync_hierarchy()] == [("update", child.id)]  # gone and back
    elsewhere.delete()
    child.name = "Acme Corp"
    child.save(update_fields=["name"])
    assert [(kind, f.name) for kind, f in parent.sync_hierarchy()] == [("update", "Acme Corp")]
    child_id = child.id
    child.delete()
    assert [(kind, f.id) for kind, f in parent.sync_hierarchy()] == [("delete", child_id)]
    parent.delete()
    assert "Projects" not in {f.name for f in account.inbox.children}


def test_a_saved_message_comes_back_as_exchange_keeps_it(host: EmulatorHost, account: Any) -> None:
    from exchangelib import Message

    long_subject = "Quote " + "x" * 300  # more than exchangelib lets through: sent as raw SOAP
    created = soap(
        host,
        '<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/>'
        f"</m:SavedItemFolderId><m:Items><t:Message><t:Subject>{long_subject}</t:Subject>"
        "<t:ReminderIsSet>1</t:ReminderIsSet></t:Message></m:Items></m:CreateItem>",
    ).text
    assert "<t:Message><t:ItemId Id=" in created
    long_one = account.drafts.get(subject__startswith="Quote xxx")
    assert long_one.subject == long_subject[:255] and long_one.reminder_is_set is True
    long_one.delete()
    draft = Message(
        account=account,
        folder=account.drafts,
        subject="Quote for Acme Inc",
        body="Hello",
        to_recipients=["buyer@example.org"],
        categories=["Quote-7"],
        reminder_is_set=True,  # sent as xs:boolean "1"; Exchange answers "true"
    )
    draft.save()
    assert draft.id and draft.changekey
    fresh = account.drafts.get(id=draft.id)
    assert fresh.subject == "Quote for Acme Inc"
    assert fresh.reminder_is_set is True
    assert fresh.is_draft is True
    assert [r.email_address for r in fresh.to_recipients] == ["buyer@example.org"]
    mine = account.drafts.filter(categories__contains=["Quote-7"])
    assert [m.id for m in mine.filter(subject__icontains="QUOTE")] == [draft.id]
    assert mine.filter(subject__contains="QUOTE").count() == 0  # ContainmentComparison Exact
    assert [m.id for m in mine.filter(subject__startswith="Quote for")] == [draft.id]
    assert account.drafts.filter(categories__contains=["Quote-7"], reminder_is_set=False).count() == 0

    fresh.subject = "Quote for Acme"
    fresh.save(update_fields=["subject"])
    assert account.drafts.get(id=draft.id).subject == "Quote for Acme"
    fresh.delete()
    assert account.drafts.filter(categories__contains=["Quote-7"]).count() == 0


def test_sync_folder_items_reports_create_update_read_flag_and_delete(account: Any) -> None:
    from exchangelib import Folder, Message

    folder = Folder(parent=account.inbox, name="Sync check").save()
    assert list(folder.sync_items()) == []
    message = Message(account=account, folder=folder, subject="One", is_read=False)
    message.save()
    assert [(kind, i.id) for kind, i in folder.sync_items()] == [("create", message.id)]
    message.subject = "Two"
    message.save(update_fields=["subject"])
    assert [kind for kind, _ in folder.sync_items()] == ["update"]
    message.is_read = True
    message.save(update_fields=["is_read"])
    [(kind, (item, read))] = list(folder.sync_items())
    assert (kind, item.id, read) == ("read_flag_change", message.id, True)
    message_id = message.id
    message.delete()
    assert [(kind, i.id) for kind, i in folder.sync_items()] == [("delete", message_id)]
    folder.delete()


def test_delete_to_trash_move_and_malformed_ids(host: EmulatorHost, account: Any) -> None:
    from exchangelib import Message

    message = Message(account=account, folder=account.drafts, subject="Moving", categories=["Move-1"])
    message.save()
    message.move(account.inbox)
    moved = account.inbox.get(categories__contains=["Move-1"])
    assert moved.id == message.id and account.drafts.filter(categories__contains=["Move-1"]).count() == 0
    moved.move_to_trash()
    assert account.trash.get(categories__contains=["Move-1"]).subject == "Moving"

    answer = soap(
        host,
        '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="XXX"/>'
        "</m:ItemIds></m:GetItem>",
    ).text
    assert "ErrorInvalidIdMalformed" in answer


def test_calendar_items_contacts_and_tasks_are_created(account: Any) -> None:
    from exchangelib import CalendarItem, Contact, Task
    from exchangelib.indexed_properties import EmailAddress

    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    event = CalendarItem(
        account=account, folder=account.calendar, subject="Review", start=start, end=start + timedelta(hours=1)
    )
    event.save()
    got = account.calendar.get(id=event.id)
    assert (got.subject, got.start, got.end, got.type) == ("Review", start, start + timedelta(hours=1), "Single")
    contact = Contact(
        account=account,
        folder=account.contacts,
        display_name="Dana Lee",
        given_name="Dana",
        surname="Lee",
        email_addresses=[EmailAddress(email="dana@example.org", label="EmailAddress1")],
    )
    contact.save()
    got_contact = account.contacts.get(id=contact.id)
    assert [e.email for e in got_contact.email_addresses] == ["dana@example.org"]
    task = Task(account=account, folder=account.tasks, subject="Call Dana", status="InProgress")
    task.save()
    assert account.tasks.get(id=task.id).status == "InProgress"


def test_file_attachments_are_added_read_and_removed(account: Any) -> None:
    from exchangelib import FileAttachment, Message

    message = Message(account=account, folder=account.drafts, subject="With a file", categories=["Att-1"])
    message.save()
    message.attach(FileAttachment(name="quote.pdf", content=b"%PDF-1.4 quote", content_type="application/pdf"))
    fresh = account.drafts.get(id=message.id)
    assert fresh.has_attachments is True
    [attachment] = fresh.attachments
    assert (attachment.name, attachment.content, attachment.size) == ("quote.pdf", b"%PDF-1.4 quote", 14)
    fresh.detach(attachment)
    assert account.drafts.get(id=message.id).attachments == []


def test_a_sent_draft_is_delivered_and_kept_in_sent_items(host: EmulatorHost, account: Any) -> None:
    from exchangelib import Message

    svc = host.services["ews"]
    draft = Message(account=account, folder=account.drafts, subject="Proposal", to_recipients=["cto@example.org"])
    draft.save()
    draft.send()
    assert svc.sent[-1]["subject"] == "Proposal" and svc.sent[-1]["to"] == ["cto@example.org"]
    assert account.drafts.filter(subject="Proposal").count() == 0
    assert account.sent.filter(subject="Proposal").count() == 1


def test_system_folders_stay_and_a_folder_keeps_its_class(host: EmulatorHost, account: Any) -> None:
    from exchangelib import Folder
    from exchangelib.errors import ErrorCannotDeleteObject, ErrorObjectTypeChanged

    common_views = account.root / "Common Views"
    with pytest.raises(ErrorCannotDeleteObject):
        common_views.delete()
    assert "Common Views" in {f.name for f in account.root.children}
    answer = soap(
        host,
        "<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds>"
        '<t:DistinguishedFolderId Id="recipientcache"/></m:FolderIds></m:GetFolder>',
    ).text
    assert "<t:DistinguishedFolderId>recipientcache</t:DistinguishedFolderId>" in answer
    assert "<t:FolderClass>IPF.Contact.RecipientCache</t:FolderClass>" in answer

    plain = Folder(parent=account.inbox, name="Plain").save()
    assert plain.refresh().folder_class is None  # created without a class, it keeps none
    plain.folder_class = "IPF.Task"
    with pytest.raises(ErrorObjectTypeChanged):
        plain.save()
    plain.delete()


def test_a_created_series_expands_and_its_instances_change_and_go(host: EmulatorHost, account: Any) -> None:
    from exchangelib import CalendarItem
    from exchangelib.errors import ErrorInvalidOperation
    from exchangelib.recurrence import DailyPattern, Recurrence

    start = datetime(2026, 5, 4, 8, tzinfo=UTC)
    end = start + timedelta(hours=2)
    master = CalendarItem(
        account=account,
        folder=account.calendar,
        subject="Stand-up",
        start=start,
        end=end,
        recurrence=Recurrence(pattern=DailyPattern(interval=1), start=start.date(), number=4),
        categories=["Series-1"],
    ).save()
    master.refresh()
    assert (master.type, master.is_recurring) == ("RecurringMaster", False)
    assert master.first_occurrence.start == start
    assert master.last_occurrence.start == start + timedelta(days=3)
    assert master.recurrence.boundary.start == start.date()  # a date, with its time zone on the wire

    def view() -> list[Any]:
        found = account.calendar.view(start=start, end=end + timedelta(days=3))
        return [i for i in found if i.categories == ["Series-1"]]

    instances = view()
    assert [(i.type, i.is_recurring, i.start) for i in instances] == [
        ("Occurrence", True, start + timedelta(days=n)) for n in range(4)
    ]
    assert len({i.uid for i in instances} | {master.uid}) == 1
    second = instances[1]
    second.start += timedelta(hours=1)
    second.end += timedelta(hours=1)
    second.save()
    instances[2].delete()
    master.refresh()
    [moved] = master.modified_occurrences
    assert (moved.id, moved.original_start) == (second.id, start + timedelta(days=1))
    assert [d.start for d in master.deleted_occurrences] == [start + timedelta(days=2)]
    assert [i.type for i in view()] == ["Occurrence", "Exception", "Occurrence"]
    back = soap(
        host,
        "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>"
        f'<t:RecurringMasterItemId OccurrenceId="{second.id}"/></m:ItemIds></m:GetItem>',
    ).text
    assert f'<t:ItemId Id="{master.id}"' in back
    with pytest.raises(ErrorInvalidOperation):
        account.calendar.view(start=start, end=end).filter(subject="Stand-up").count()
    master.delete()


def test_change_keys_archive_text_body_and_attached_items(host: EmulatorHost, account: Any) -> None:
    from exchangelib import HTMLBody, ItemAttachment, Message
    from exchangelib.errors import ErrorInvalidChangeKey

    message = Message(
        account=account, folder=account.drafts, subject="Keys", body=HTMLBody("<p>Hello <b>there</b></p>")
    )
    message.save()
    fresh = account.drafts.get(id=message.id)
    assert fresh.text_body == "Hello there"
    [result] = account.bulk_delete([(message.id, "XXX")])
    assert isinstance(result, ErrorInvalidChangeKey)

    inner = Message(account=account, subject="Inner", reminder_is_set=True)
    message.attach(ItemAttachment(name="forwarded", item=inner))
    [attached] = account.drafts.get(id=message.id).attachments
    assert (attached.item.subject, attached.item.reminder_is_set) == ("Inner", True)
    assert attached.item.id  # an attached item has an id of its own

    archived_id, _ = message.archive(to_folder=account.trash)
    assert account.trash.get(id=archived_id).subject == "Keys"
    assert account.drafts.filter(subject="Keys").count() == 0
