"""The lean GetItem path gives exactly the MailItems the exchangelib object model gave, item by item.

The reference below is the mapping the provider used on exchangelib's objects (``Account.fetch``
with every field) before the lean path replaced it; both read the same ids from the EWS emulator's
seeded mailbox plus items a client created (drafts with and without recipients, an HTML body, a
contact with several addresses, a task with a due date, a meeting), so the properties the lean path
asks for are checked against what the server sends when asked for everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.catalog import load_default
from app.core.model import Direction, ItemKind, MailItem, Person
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews import EwsConnection, EwsMailbox, EwsSettings
from app.providers.ews.mailbox import KIND

CATALOG = load_default()


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EwsMailbox]:
    with emulators(items=200, seed=7, names=["ews"], cert_dir=tmp_path_factory.mktemp("certs")) as host:
        yield _mailbox(host)


def _mailbox(host: EmulatorHost) -> EwsMailbox:
    c = host.info()["services"]["ews"]
    settings = EwsSettings(
        address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(host.ca_path)
    )
    box = EwsMailbox(EwsConnection(settings, c["password"], catalog=CATALOG), history_days=365, sleep=lambda s: None)
    _create_items(box.connection.account())
    return box


def _create_items(account: Any) -> None:
    from exchangelib import CalendarItem, Contact, EWSDate, HTMLBody, Mailbox, Message, Task
    from exchangelib.indexed_properties import EmailAddress, PhoneNumber

    Message(
        account=account,
        folder=account.inbox,
        subject="Draft with recipients",
        body=HTMLBody("<p>Hello <b>there</b></p><p>Second &amp; last</p>"),
        to_recipients=[Mailbox(email_address="ada@example.com", name="Ada")],
        cc_recipients=[Mailbox(email_address="bo@example.com")],
    ).save()
    Message(account=account, folder=account.inbox, subject="", body="").save()  # an empty draft
    Contact(
        account=account,
        folder=account.contacts,
        display_name="Cy Created",
        given_name="Cy",
        surname="Created",
        company_name="Acme",
        job_title="Buyer",
        email_addresses=[
            EmailAddress(label="EmailAddress1", email="cy@acme.example"),
            EmailAddress(label="EmailAddress2", email="cy.home@example.org"),
        ],
        phone_numbers=[PhoneNumber(label="BusinessPhone", phone_number="+46 8 123 45")],
    ).save()
    Task(
        account=account,
        folder=account.tasks,
        subject="Call back",
        body="About the offer",
        due_date=EWSDate(2026, 12, 20),
    ).save()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    CalendarItem(
        account=account,
        folder=account.calendar,
        subject="Created meeting",
        body="Agenda",
        start=start,
        end=start + timedelta(hours=1),
        location="Room 4",
        required_attendees=["dee@example.com"],
    ).save()


def _ids(box: EwsMailbox, stream: str) -> list[tuple[str | None, str | None]]:
    """Every id the stream holds: the whole folder (SyncFolderItems), and for the calendar its window's
    instances too (each occurrence and exception has its own id)."""
    ids: list[tuple[str | None, str | None]] = []
    state: str | None = None
    while True:
        page = box._sync_page(stream, state, 512)
        ids += [(item_id, key) for _, item_id, key in page.changes]
        state = page.state
        if page.last:
            break
    if stream == "calendar":
        ids += [(i, key) for i, key, _ in box._window_view()]
    return ids


def _reference(
    box: EwsMailbox, stream: str, ids: list[tuple[str | None, str | None]]
) -> tuple[list[MailItem], set[str]]:
    """The exchangelib path: ``Account.fetch`` (every field) mapped as the provider mapped it."""
    fetched = list(box.connection.account().fetch(ids=ids))
    assert not [f for f in fetched if isinstance(f, Exception)]
    masters = {str(o.uid) for o in fetched if getattr(o, "type", None) == "RecurringMaster"}
    items = [_item(box, stream, o) for o in fetched if getattr(o, "type", None) != "RecurringMaster"]
    return items, masters


@pytest.mark.parametrize("stream", ["inbox", "sent", "calendar", "contacts", "tasks"])
def test_lean_items_equal_exchangelib_items(box: EwsMailbox, stream: str) -> None:
    ids = _ids(box, stream)
    assert len(ids) >= 3
    expected, masters = _reference(box, stream, ids)
    reads = [
        read for start in range(0, len(ids), 100) for read in box._get(stream, ids[start : start + 100], shared=False)
    ]
    got = [read.item for read in reads if read.item is not None]
    assert {read.master_uid for read in reads if read.item is None} == masters
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs
    if stream == "calendar":
        assert masters, "the seeded calendar has recurring series"
    if stream == "inbox":
        draft = next(i for i in got if i.subject == "Draft with recipients")
        assert "Hello" in draft.body and "<p>" not in draft.body
        assert [p.address for p in draft.recipients] == ["ada@example.com", "bo@example.com"]


def test_read_expands_a_series_into_its_window_instances(box: EwsMailbox) -> None:
    ids = _ids(box, "calendar")
    items = box._read("calendar", ids)
    expected, _ = _reference(box, "calendar", ids)
    instances = [(i, key) for i, key, uid in box._window_view()]
    assert len(items) > len(expected) - len(instances)  # the masters' instances came in place of the masters
    by_id = {i.mailbox_id: i for i in expected}
    for item in items:
        if item.mailbox_id in by_id:
            assert item == by_id[item.mailbox_id]


# --- the reference mapping (exchangelib objects -> MailItem), as the provider had it ---


def _item(box: EwsMailbox, stream: str, obj: Any) -> MailItem:
    kind = KIND[stream]
    categories = tuple(obj.categories or ()) if getattr(obj, "categories", None) else ()
    common: dict[str, Any] = {
        "mailbox_id": str(obj.id),
        "stream": stream,
        "labels": categories,
        "web_link": box.connection.web_link(str(obj.id)),
    }
    if kind is ItemKind.EMAIL:
        recipients = [*(obj.to_recipients or []), *(obj.cc_recipients or [])]
        when = obj.datetime_sent if stream == "sent" else obj.datetime_received
        return MailItem(
            kind=kind,
            subject=str(obj.subject or ""),
            body=_text(obj),
            sender=_person(obj.sender or getattr(obj, "author", None)),
            recipients=tuple(p for p in (_person(r) for r in recipients) if p is not None),
            occurred_at=_dt(when),
            direction=Direction.OUTBOUND if stream == "sent" else Direction.INBOUND,
            fields={"changekey": str(obj.changekey or "")},
            headers={"message-id": str(getattr(obj, "message_id", "") or "")},
            **common,
        )
    if kind is ItemKind.EVENT:
        attendees = [a.mailbox for a in (obj.required_attendees or []) + (obj.optional_attendees or [])]
        return MailItem(
            kind=kind,
            subject=str(obj.subject or ""),
            body=_text(obj),
            sender=_person(obj.organizer),
            recipients=tuple(p for p in (_person(a) for a in attendees) if p is not None),
            occurred_at=_dt(obj.start),
            end_at=_dt(obj.end),
            fields={"location": str(obj.location or "")},
            **common,
        )
    if kind is ItemKind.CONTACT:
        emails = list(obj.email_addresses or [])
        phones = list(obj.phone_numbers or [])
        return MailItem(
            kind=kind,
            subject=str(obj.display_name or ""),
            fields={
                "first_name": str(obj.given_name or ""),
                "last_name": str(obj.surname or ""),
                "email": str(emails[0].email) if emails else "",
                "company": str(obj.company_name or ""),
                "phone": str(phones[0].phone_number) if phones else "",
                "title": str(obj.job_title or ""),
            },
            **common,
        )
    due = _dt(obj.due_date)
    return MailItem(
        kind=kind,
        subject=str(obj.subject or ""),
        body=_text(obj),
        occurred_at=due,
        fields={
            "due": due.date().isoformat() if due else "",
            "status": str(obj.status or ""),
            "priority": str(getattr(obj, "importance", "") or ""),
        },
        **common,
    )


def _person(mailbox: Any) -> Person | None:
    if mailbox is None:
        return None
    address = str(getattr(mailbox, "email_address", "") or "").strip()
    name = str(getattr(mailbox, "name", "") or "")
    return Person(address, name) if address or name else None


def _text(obj: Any) -> str:
    from app.providers.textutil import html_to_text

    body = getattr(obj, "text_body", None) or getattr(obj, "body", None) or ""
    text = str(body)
    return html_to_text(text) if type(body).__name__ == "HTMLBody" else text


def _dt(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return datetime.fromtimestamp(value.timestamp(), UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
