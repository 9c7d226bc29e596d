"""The EWS emulator driven by the real exchangelib through Syncbar's EWS provider, and its SOAP shapes."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from app.core.catalog import load_default
from app.core.errors import AccountError
from app.core.ports import Mark
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews import EwsConnection, EwsMailbox, EwsSettings

CATALOG = load_default()

M = "{http://schemas.microsoft.com/exchange/services/2006/messages}"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=300, seed=4, names=["ews"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture
def svc(host: EmulatorHost) -> Any:
    host.clear_faults()
    return host.services["ews"]


def mailbox(
    host: EmulatorHost, password: str | None = None, sleeps: list[float] | None = None, page_size: int = 100
) -> EwsMailbox:
    c = host.info()["services"]["ews"]
    settings = EwsSettings(
        address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(host.ca_path)
    )
    return EwsMailbox(
        EwsConnection(settings, password or c["password"], catalog=CATALOG),
        page_size=page_size,
        history_days=365,  # the whole seeded mailbox (30 days back from the seed's day)
        sleep=sleeps.append if sleeps is not None else (lambda s: None),
    )


def read_all(box: EwsMailbox, stream: str) -> list[Any]:
    items, cursor = [], None
    while True:
        page = box.changes(stream, cursor)
        items += page.items
        cursor = page.cursor
        if not page.more:
            return items


def soap(host: EmulatorHost, body: str, headers: dict[str, str] | None = None) -> requests.Response:
    c = host.info()["services"]["ews"]
    envelope = (
        '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"'
        ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">'
        '<s:Header><t:RequestServerVersion Version="Exchange2016"/></s:Header>'
        f"<s:Body>{body}</s:Body></s:Envelope>"
    )
    auth = base64.b64encode(f"{c['username']}:{c['password']}".encode()).decode()
    return requests.post(
        c["endpoint"],
        data=envelope.encode(),
        verify=str(host.ca_path),
        timeout=30,
        headers={"Authorization": f"Basic {auth}", "Content-Type": "text/xml; charset=utf-8", **(headers or {})},
    )


T = "{http://schemas.microsoft.com/exchange/services/2006/types}"


def texts(xml: bytes | str, tag: str) -> list[str]:
    """The text of every EWS element (messages or types namespace) named ``tag``, in document order."""
    ews = "{http://schemas.microsoft.com/exchange/services/2006/"
    return [el.text or "" for el in ET.fromstring(xml).iter() if el.tag.startswith(ews) and el.tag.endswith("}" + tag)]


def save_draft(host: EmulatorHost, subject: str) -> tuple[str, str]:
    answer = soap(
        host,
        '<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/>'
        f"</m:SavedItemFolderId><m:Items><t:Message><t:Subject>{subject}</t:Subject></t:Message></m:Items>"
        "</m:CreateItem>",
    )
    ref = next(ET.fromstring(answer.content).iter(f"{T}ItemId"))
    return ref.get("Id", ""), ref.get("ChangeKey", "")


def test_all_streams_read_through_exchangelib(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    emails = read_all(box, "inbox") + read_all(box, "sent")
    assert len(emails) == sum(1 for i in svc.items.values() if i.folder in ("inbox", "sentitems"))
    assert all(e.sender is not None and e.occurred_at is not None for e in emails if e.sender and e.sender.address)
    events = read_all(box, "calendar")
    assert events and all(e.end_at is not None for e in events)
    contacts = read_all(box, "contacts")
    assert any(c.fields["email"] for c in contacts) and any(c.fields["last_name"] for c in contacts)
    assert read_all(box, "tasks")


def test_wrong_password_is_a_sign_in_problem(host: EmulatorHost, svc: Any) -> None:
    with pytest.raises(AccountError) as caught:
        mailbox(host, password="not-the-password").changes("inbox", None)
    assert caught.value.code == "MBX_AUTH_FAILED"


def test_server_busy_back_off_is_honoured(host: EmulatorHost, svc: Any) -> None:
    sleeps: list[float] = []
    box = mailbox(host, sleeps=sleeps)
    box.changes("contacts", None)  # connected first: the fault hits a sync call
    host.inject("ews", Fault("throttle", operation="SyncFolderItems", retry_after=1.5))
    assert box.changes("contacts", None).items
    assert sleeps == [1.5]
    host.inject("ews", Fault("throttle", operation="SyncFolderItems", retry_after=300))
    with pytest.raises(AccountError) as caught:
        box.changes("contacts", None)
    assert caught.value.code == "MBX_THROTTLED" and caught.value.retry_after == 300


def test_marks_in_chunks_of_100_and_red_master_category(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host, page_size=250)
    items = read_all(box, "inbox")[:250]
    assert len(items) >= 150
    box.mark([Mark(items[0].mailbox_id, "inbox", "warm-up")])
    host.reset_calls()
    marks = [Mark(i.mailbox_id, "inbox", "Last Name missing", labels=("Customer",)) for i in items]
    assert all(r.ok for r in box.mark(marks))
    assert host.calls("ews").get("UpdateItem") == -(-len(items) // 100)
    assert svc.categories_of(items[5].mailbox_id) == ["Customer", "Sync Error", "Sync Error: Last Name missing"]
    assert svc.category_colours()["Sync Error"] == "0"  # red
    assert svc.category_colours()["Sync Error: Last Name missing"] == "-1"  # white: no colour
    assert all(r.ok for r in box.unmark(marks))
    assert svc.categories_of(items[5].mailbox_id) == ["Customer"]


def test_master_category_list_keeps_outlooks_xml(host: EmulatorHost, svc: Any) -> None:
    """Our categories are added to Outlook's list; its namespace, categories and attributes stay as they were."""
    import xml.etree.ElementTree as ET

    before = svc.category_list_xml()
    box = mailbox(host)
    item = read_all(box, "inbox")[0]  # the windowed first read may start with an empty page
    assert all(r.ok for r in box.mark([Mark(item.mailbox_id, "inbox", "Company, Last Name missing")]))
    after = svc.category_list_xml()
    assert b"ns0:" not in after and b'xmlns="CategoryList.xsd"' in after
    closing = before.rindex(b"</categories>")
    assert after.startswith(before[:closing]), "Outlook's own categories were rewritten"
    root = ET.fromstring(after)
    assert root.tag == "{CategoryList.xsd}categories" and root.get("default") == "Red category"
    listed = {c.get("name"): c.attrib for c in root}
    seeded = {c.get("name"): c.attrib for c in ET.fromstring(before)}
    assert all(listed[name] == attrs for name, attrs in seeded.items())
    assert listed["Sync Error"]["color"] == "0"
    assert listed["Sync Error: Company, Last Name missing"]["color"] == "-1"
    assert listed["Sync Error"]["lastTimeUsed"] and listed["Sync Error"]["guid"].startswith("{")


def test_notification_mail_is_sent(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    box.send_notification("Syncbar needs you", "10 syncs in a row failed.")
    assert svc.sent[-1]["subject"] == "Syncbar needs you" and svc.sent[-1]["to"] == [box.account]


def test_shapes_match_the_published_samples(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    samples = wire_samples / "ews"

    def children(xml: bytes | str, tag: str) -> list[str]:
        root = ET.fromstring(xml)
        found = next(root.iter(f"{M}{tag}"))
        return [el.tag.rsplit("}", 1)[-1] for el in found]

    ours = soap(
        host,
        "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
        '<m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId>'
        "<m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>",
    )
    assert ours.status_code == 200
    ref = (samples / "syncfolderitems_response_initial.xml").read_text()
    assert children(ours.content, "SyncFolderItemsResponseMessage") == children(ref, "SyncFolderItemsResponseMessage")
    bad = soap(
        host,
        "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
        '<m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId>'
        "<m:SyncState>bm90IGEgc3RhdGU=</m:SyncState><m:MaxChangesReturned>5</m:MaxChangesReturned>"
        "</m:SyncFolderItems>",
    )
    ref_bad = (samples / "syncfolderitems_response_error_invalid_syncstate.xml").read_text()
    assert children(bad.content, "SyncFolderItemsResponseMessage") == children(
        ref_bad, "SyncFolderItemsResponseMessage"
    )
    host.inject("ews", Fault("throttle", retry_after=297.749))
    busy = soap(
        host,
        "<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>"
        '<m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>',
    )
    ref_busy = ET.fromstring((samples / "error_server_busy_fault.xml").read_bytes())
    got = ET.fromstring(busy.content)
    assert busy.status_code == 500
    assert [e.tag for e in got.iter()] == [e.tag for e in ref_busy.iter()]
    value = next(e for e in got.iter() if e.tag.endswith("}Value"))
    assert value.get("Name") == "BackOffMilliseconds" and value.text == "297749"


def test_plain_exchangelib_lists_walks_and_sets_categories(host: EmulatorHost, svc: Any) -> None:
    """exchangelib used directly, the way its own documentation shows (autodiscover off, endpoint given)."""
    c = host.info()["services"]["ews"]
    conn = EwsConnection(
        EwsSettings(address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(host.ca_path)),
        c["password"],
        catalog=CATALOG,
    )
    account = conn.account()
    newest = list(account.inbox.all().order_by("-datetime_received")[:5])
    assert len(newest) == 5
    assert [m.datetime_received for m in newest] == sorted((m.datetime_received for m in newest), reverse=True)
    assert account.inbox.all().count() == sum(1 for i in svc.items.values() if i.folder == "inbox" and not i.deleted)
    assert {"Inbox", "Sent Items", "Calendar", "Contacts", "Tasks"} <= {f.name for f in account.root.walk()}
    assert {f.name for _, f in account.root.sync_hierarchy()} >= {"Inbox", "Calendar", "Deleted Items", "Drafts"}
    message = newest[0]
    message.categories = ["Customer", "Sync Error"]
    message.save(update_fields=["categories"])
    assert svc.categories_of(message.id) == ["Customer", "Sync Error"]


def test_find_item_restriction_on_received_time_and_calendar_view(host: EmulatorHost, svc: Any) -> None:
    stamps = sorted(i.fields["DateTimeReceived"] for i in svc.items.values() if i.folder == "inbox" and not i.deleted)
    bound = stamps[len(stamps) // 2]

    def find(inner: str, folder: str = "inbox") -> str:
        return soap(
            host,
            '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
            f'{inner}<m:ParentFolderIds><t:DistinguishedFolderId Id="{folder}"/></m:ParentFolderIds></m:FindItem>',
        ).text

    def restriction(value: str, field: str = "item:DateTimeReceived") -> str:
        return (
            '<m:IndexedPageItemView MaxEntriesReturned="1000" Offset="0" BasePoint="Beginning"/>'
            f'<m:Restriction><t:IsGreaterThanOrEqualTo><t:FieldURI FieldURI="{field}"/>'
            f'<t:FieldURIOrConstant><t:Constant Value="{value}"/></t:FieldURIOrConstant>'
            "</t:IsGreaterThanOrEqualTo></m:Restriction>"
        )

    answer = find(restriction(bound))
    assert f'TotalItemsInView="{sum(1 for t in stamps if t >= bound)}"' in answer
    assert "ErrorInvalidValueForProperty" in find(restriction("last week"))
    subject = next(i.fields["Subject"] for i in svc.items.values() if i.folder == "inbox" and not i.deleted)
    same = sum(
        1
        for i in svc.items.values()
        if i.folder == "inbox" and not i.deleted and i.fields["Subject"].lower() >= subject.lower()
    )
    assert f'TotalItemsInView="{same}"' in find(restriction(subject, "item:Subject"))
    instances = [i for i in svc.items.values() if i.folder == "calendar"] + list(svc.occurrences.values())
    events = sorted(
        (i.fields["Start"], i.fields["End"]) for i in instances if i.fields["CalendarItemType"] != "RecurringMaster"
    )
    low, high = events[len(events) // 4][0], events[3 * len(events) // 4][0]
    view = find(f'<m:CalendarView StartDate="{low}" EndDate="{high}"/>', "calendar")
    assert f'TotalItemsInView="{sum(1 for s, e in events if e >= low and s < high)}"' in view
    assert "ErrorCalendarEndDateIsEarlierThanStartDate" in find(
        f'<m:CalendarView StartDate="{high}" EndDate="{low}"/>', "calendar"
    )
    assert "ErrorCalendarFolderIsInvalidForCalendarView" in find(
        f'<m:CalendarView StartDate="{low}" EndDate="{high}"/>'
    )


def test_recurring_master_and_its_expanded_instances(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    """exchangelib reads the series the way its documentation shows: the master unexpanded, the instances
    from a calendar view, each occurrence with the series' subject and attendees."""
    from exchangelib import EWSDateTime

    c = host.info()["services"]["ews"]
    conn = EwsConnection(
        EwsSettings(address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(host.ca_path)),
        c["password"],
        catalog=CATALOG,
    )
    account = conn.account()
    masters = [i for i in account.calendar.all() if i.type == "RecurringMaster"]
    assert len(masters) == 1
    master = masters[0]
    assert master.recurrence.boundary.number == 20 and master.first_occurrence and master.last_occurrence
    spans = sorted((o.fields["Start"], o.fields["End"]) for o in svc.occurrences.values())
    starts = [s for s, _ in spans]
    low = EWSDateTime.from_string(starts[5])
    high = EWSDateTime.from_string(starts[-5])
    shown = [i for i in account.calendar.view(start=low, end=high) if i.uid == master.uid]
    assert shown and all(i.type in ("Occurrence", "Exception") for i in shown)
    assert master.id not in {i.id for i in shown}
    assert len(shown) == sum(1 for s, e in spans if e >= starts[5] and s < starts[-5]) < len(spans)
    full = account.fetch(ids=[(shown[0].id, shown[0].changekey)])
    item = next(iter(full))
    assert item.subject == master.subject and item.required_attendees and item.organizer
    ref = ET.fromstring((wire_samples / "ews" / "getitem_response_recurringmaster.xml").read_bytes())
    T = "{http://schemas.microsoft.com/exchange/services/2006/types}"
    ours = soap(
        host,
        "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
        f'<m:ItemIds><t:ItemId Id="{master.id}"/></m:ItemIds></m:GetItem>',
    )
    got = ET.fromstring(ours.content)
    for tag in ("Recurrence", "FirstOccurrence", "LastOccurrence"):
        mine, theirs = next(got.iter(f"{T}{tag}")), next(ref.iter(f"{T}{tag}"))
        assert [e.tag for e in mine.iter()] == [e.tag for e in theirs.iter()], tag


def test_pull_subscription_reports_each_change_once_after_its_watermark(host: EmulatorHost, svc: Any) -> None:
    """Subscribe (pull) / GetEvents / Unsubscribe, with the event elements of the EWS reference."""
    types = "".join(f"<t:EventType>{e}Event</t:EventType>" for e in ("Created", "Modified", "Deleted", "Moved"))
    answer = soap(
        host,
        '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="drafts"/></t:FolderIds>'
        f"<t:EventTypes>{types}</t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>",
    )
    assert texts(answer.content, "ResponseCode") == ["NoError"]
    [sub], [mark] = texts(answer.content, "SubscriptionId"), texts(answer.content, "Watermark")

    def events(watermark: str) -> tuple[ET.Element, str]:
        got = soap(
            host,
            f"<m:GetEvents><m:SubscriptionId>{sub}</m:SubscriptionId><m:Watermark>{watermark}</m:Watermark>"
            "</m:GetEvents>",
        )
        note = next(ET.fromstring(got.content).iter(f"{M}Notification"))
        return note, texts(got.content, "Watermark")[-1]

    note, mark = events(mark)
    assert [e.tag for e in note][3:] == [f"{T}StatusEvent"]  # nothing happened yet
    soap(
        host,
        '<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="inbox"/>'
        "</m:SavedItemFolderId><m:Items><t:Message><t:Subject>elsewhere</t:Subject></t:Message></m:Items>"
        "</m:CreateItem>",
    )  # not in Drafts: not reported
    draft, change_key = save_draft(host, "watched")
    soap(
        host,
        '<m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly"><m:ItemChanges>'
        f'<t:ItemChange><t:ItemId Id="{draft}" ChangeKey="{change_key}"/><t:Updates><t:SetItemField>'
        '<t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>renamed</t:Subject></t:Message>'
        "</t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>",
    )
    soap(
        host,
        f'<m:DeleteItem DeleteType="MoveToDeletedItems"><m:ItemIds><t:ItemId Id="{draft}"/></m:ItemIds></m:DeleteItem>',
    )
    note, later = events(mark)
    kinds = [e.tag.rpartition("}")[2] for e in note][3:]
    assert kinds == ["CreatedEvent", "ModifiedEvent", "MovedEvent"]
    created, _, moved = list(note)[3:]
    drafts = svc.tree.folders["drafts"].id
    assert created.find(f"{T}ItemId").get("Id") == draft and created.find(f"{T}ParentFolderId").get("Id") == drafts
    assert moved.find(f"{T}OldItemId").get("Id") == draft and moved.find(f"{T}OldParentFolderId").get("Id") == drafts
    assert moved.find(f"{T}ParentFolderId").get("Id") == svc.tree.folders["deleteditems"].id
    assert [e.tag for e in events(later)[0]][3:] == [f"{T}StatusEvent"]  # acknowledged: not told again
    bad = soap(
        host,
        f"<m:GetEvents><m:SubscriptionId>{sub}</m:SubscriptionId><m:Watermark>bm9wZQ==</m:Watermark></m:GetEvents>",
    )
    assert texts(bad.content, "ResponseCode") == ["ErrorInvalidWatermark"]
    gone = f"<m:Unsubscribe><m:SubscriptionId>{sub}</m:SubscriptionId></m:Unsubscribe>"
    assert texts(soap(host, gone).content, "ResponseCode") == ["NoError"]
    assert texts(soap(host, gone).content, "ResponseCode") == ["ErrorSubscriptionNotFound"]


def test_pull_subscription_lapses_when_not_polled_within_its_timeout(host: EmulatorHost, svc: Any) -> None:
    now = [1000.0]
    clock, svc.notify.clock = svc.notify.clock, lambda: now[0]
    try:
        answer = soap(
            host,
            '<m:Subscribe><m:PullSubscriptionRequest SubscribeToAllFolders="true"><t:EventTypes>'
            "<t:EventType>CreatedEvent</t:EventType></t:EventTypes><t:Timeout>2</t:Timeout>"
            "</m:PullSubscriptionRequest></m:Subscribe>",
        )
        [sub], [mark] = texts(answer.content, "SubscriptionId"), texts(answer.content, "Watermark")
        poll = f"<m:GetEvents><m:SubscriptionId>{sub}</m:SubscriptionId><m:Watermark>{mark}</m:Watermark></m:GetEvents>"
        now[0] += 119
        assert texts(soap(host, poll).content, "ResponseCode") == ["NoError"]
        now[0] += 121
        assert texts(soap(host, poll).content, "ResponseCode") == ["ErrorSubscriptionNotFound"]
    finally:
        svc.notify.clock = clock


def test_streaming_subscription_streams_pending_events_then_closes(host: EmulatorHost, svc: Any) -> None:
    affinity = {"X-PreferServerAffinity": "true"}
    answer = soap(
        host,
        '<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="drafts"/>'
        "</t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType></t:EventTypes>"
        "</m:StreamingSubscriptionRequest></m:Subscribe>",
        affinity,
    )
    assert answer.cookies.get("X-BackEndOverrideCookie")  # the mailbox server the group stays with
    [sub] = texts(answer.content, "SubscriptionId")
    assert texts(answer.content, "Watermark") == []  # a streaming subscription has none
    draft, _ = save_draft(host, "streamed")
    stream = (
        f"<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>{sub}</t:SubscriptionId></m:SubscriptionIds>"
        "<m:ConnectionTimeout>1</m:ConnectionTimeout></m:GetStreamingEvents>"
    )
    body = soap(host, stream, affinity).content
    documents = [d for d in body.split(b"<?xml") if d]
    assert len(documents) == 2  # the notifications, then the end of the stream
    first, last = (b"<?xml" + d for d in documents)
    assert texts(first, "ConnectionStatus") == ["OK"] and texts(last, "ConnectionStatus") == ["Closed"]
    assert [e.get("Id") for e in ET.fromstring(first).iter(f"{T}ItemId")] == [draft]
    again = soap(host, stream).content
    assert b"CreatedEvent" not in again  # each event is streamed once
    wrong = stream.replace(
        f"<t:SubscriptionId>{sub}", "<t:SubscriptionId>AAA-</t:SubscriptionId><t:SubscriptionId>" + sub
    )
    refused = soap(host, wrong).content
    assert texts(refused, "ResponseCode") == ["ErrorInvalidSubscription"]
    assert texts(refused, "MessageText") == ["Subscription is invalid."]
    assert next(ET.fromstring(refused).iter(f"{M}ErrorSubscriptionIds"))[0].text == "AAA-"


def test_push_subscription_ends_only_by_answering_a_notification(host: EmulatorHost, svc: Any) -> None:
    def push(url: str) -> requests.Response:
        return soap(
            host,
            '<m:Subscribe><m:PushSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds>'
            "<t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes>"
            f"<t:StatusFrequency>30</t:StatusFrequency><t:URL>{url}</t:URL></m:PushSubscriptionRequest></m:Subscribe>",
        )

    answer = push("https://listener.example.com/ews")
    [sub] = texts(answer.content, "SubscriptionId")
    assert texts(answer.content, "Watermark")
    ended = soap(host, f"<m:Unsubscribe><m:SubscriptionId>{sub}</m:SubscriptionId></m:Unsubscribe>")
    assert texts(ended.content, "ResponseCode") == ["ErrorInvalidSubscription"]
    assert texts(push("listener").content, "ResponseCode") == ["ErrorInvalidPushSubscriptionUrl"]


def create(host: EmulatorHost, item: str, folder: str, disposition: str = "SaveOnly") -> tuple[str, str]:
    """CreateItem of one item element in a distinguished folder: its (Id, ChangeKey)."""
    answer = soap(
        host,
        f'<m:CreateItem MessageDisposition="{disposition}" SendMeetingInvitations="SendToNone">'
        f'<m:SavedItemFolderId><t:DistinguishedFolderId Id="{folder}"/></m:SavedItemFolderId>'
        f"<m:Items>{item}</m:Items></m:CreateItem>",
    )
    ref = next(ET.fromstring(answer.content).iter(f"{T}ItemId"))
    return ref.get("Id", ""), ref.get("ChangeKey", "")


def update(host: EmulatorHost, ref: tuple[str, str], uri: str, value: str, disposition: str = "SaveOnly") -> bytes:
    return soap(
        host,
        f'<m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="{disposition}"><m:ItemChanges>'
        f'<t:ItemChange><t:ItemId Id="{ref[0]}" ChangeKey="{ref[1]}"/><t:Updates><t:SetItemField>'
        f'<t:FieldURI FieldURI="{uri}"/>{value}</t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges>'
        "</m:UpdateItem>",
    ).content


def get_item(host: EmulatorHost, item_id: str) -> bytes:
    return soap(
        host,
        "<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>"
        f'<m:ItemIds><t:ItemId Id="{item_id}"/></m:ItemIds></m:GetItem>',
    ).content


def test_a_saved_message_updated_with_a_send_disposition_is_sent(host: EmulatorHost, svc: Any) -> None:
    """UpdateItem with MessageDisposition SendAndSaveCopy: changed, sent, its copy in Sent Items, no id told."""
    to = "<t:ToRecipients><t:Mailbox><t:EmailAddress>dana@example.net</t:EmailAddress></t:Mailbox></t:ToRecipients>"
    draft = create(host, f"<t:Message><t:Subject>draft to send</t:Subject>{to}</t:Message>", "drafts")
    answer = update(
        host, draft, "item:Subject", "<t:Message><t:Subject>sent at last</t:Subject></t:Message>", "SendAndSaveCopy"
    )
    assert texts(answer, "ResponseCode") == ["NoError"]
    assert list(next(ET.fromstring(answer).iter(f"{M}Items"))) == []
    assert svc.sent[-1]["subject"] == "sent at last" and svc.sent[-1]["to"] == ["dana@example.net"]
    assert texts(get_item(host, draft[0]), "ResponseCode") == ["ErrorItemNotFound"]  # it left Drafts
    copies = [i for i in svc.items.values() if i.folder == "sentitems" and not i.deleted and "_props" in i.fields]
    assert any("sent at last" in ET.tostring(p, encoding="unicode") for i in copies for p in i.fields["_props"])
    lonely = create(host, "<t:Message><t:Subject>nobody</t:Subject></t:Message>", "drafts")
    refused = update(host, lonely, "item:Subject", "<t:Message><t:Subject>x</t:Subject></t:Message>", "SendOnly")
    assert texts(refused, "ResponseCode") == ["ErrorInvalidRecipients"]


def test_mark_as_junk_moves_mail_from_a_sender_that_can_be_blocked(host: EmulatorHost, svc: Any) -> None:
    def junk(item_id: str) -> bytes:
        return soap(
            host,
            '<m:MarkAsJunk IsJunk="true" MoveItem="true"><m:ItemIds>'
            f'<t:ItemId Id="{item_id}"/></m:ItemIds></m:MarkAsJunk>',
        ).content

    me = svc.owner.address
    mine = f"<t:From><t:Mailbox><t:EmailAddress>{me}</t:EmailAddress></t:Mailbox></t:From>"
    for sender in ("", mine):
        saved, _ = create(host, f"<t:Message><t:Subject>not blocked</t:Subject>{sender}</t:Message>", "inbox")
        kept = junk(saved)
        assert texts(kept, "ResponseCode") == ["NoError"]
        assert next(ET.fromstring(kept).iter(f"{M}MovedItemId")).get("Id") == saved
        assert svc.items[saved].folder == "inbox" and not svc.items[saved].deleted
    received = next(i.id for i in svc.items.values() if i.folder == "inbox" and not i.deleted and i.fields.get("From"))
    moved = next(ET.fromstring(junk(received)).iter(f"{M}MovedItemId")).get("Id")
    assert moved != received and svc.items[moved].folder == "junkemail"


def test_a_contacts_name_parts_hold_at_most_255_characters(host: EmulatorHost, svc: Any) -> None:
    ref = create(host, "<t:Contact><t:GivenName>Kim</t:GivenName></t:Contact>", "contacts")
    for field in ("GivenName", "MiddleName", "Surname"):
        longest = update(host, ref, f"contacts:{field}", f"<t:Contact><t:{field}>{'k' * 255}</t:{field}></t:Contact>")
        assert texts(longest, "ResponseCode") == ["NoError"]
        ref = (ref[0], next(ET.fromstring(longest).iter(f"{T}ItemId")).get("ChangeKey", ""))
        too_long = update(host, ref, f"contacts:{field}", f"<t:Contact><t:{field}>{'k' * 256}</t:{field}></t:Contact>")
        assert texts(too_long, "ResponseCode") == ["ErrorPropertyUpdate"]
    assert texts(get_item(host, ref[0]), "GivenName") == ["k" * 255]


def test_an_all_day_event_runs_from_midnight_to_midnight_in_its_time_zones(host: EmulatorHost, svc: Any) -> None:
    """Berlin is UTC+1 in early March: 10 March 15:30 UTC starts at 9 March 23:00 UTC, an end on 12 March 09:00
    UTC goes on to 12 March 23:00 UTC; an end already at a midnight of its zone stays."""
    zones = '<t:StartTimeZone Id="W. Europe Standard Time"/><t:EndTimeZone Id="{end}"/>'
    item_id, _ = create(
        host,
        "<t:CalendarItem><t:Subject>offsite</t:Subject><t:Start>2026-03-10T15:30:00Z</t:Start>"
        "<t:End>2026-03-12T09:00:00Z</t:End><t:IsAllDayEvent>true</t:IsAllDayEvent>"
        + zones.format(end="W. Europe Standard Time")
        + "</t:CalendarItem>",
        "calendar",
    )
    got = get_item(host, item_id)
    assert texts(got, "Start") == ["2026-03-09T23:00:00Z"] and texts(got, "End") == ["2026-03-12T23:00:00Z"]
    at_midnight, _ = create(
        host,
        "<t:CalendarItem><t:Subject>holiday</t:Subject><t:Start>2026-07-01T00:00:00Z</t:Start>"
        "<t:End>2026-07-02T00:00:00Z</t:End><t:IsAllDayEvent>true</t:IsAllDayEvent>"
        + zones.format(end="UTC")
        + "</t:CalendarItem>",
        "calendar",
    )
    got = get_item(host, at_midnight)  # Berlin is UTC+2 in July: the start goes back to 30 June 22:00 UTC
    assert texts(got, "Start") == ["2026-06-30T22:00:00Z"] and texts(got, "End") == ["2026-07-02T00:00:00Z"]
    timed, _ = create(
        host,
        "<t:CalendarItem><t:Subject>meeting</t:Subject><t:Start>2026-03-10T15:30:00Z</t:Start>"
        "<t:End>2026-03-10T16:00:00Z</t:End></t:CalendarItem>",
        "calendar",
    )
    assert texts(get_item(host, timed), "Start") == ["2026-03-10T15:30:00Z"]  # not all day: as sent


def test_find_item_answers_for_each_folder_it_names(host: EmulatorHost, svc: Any) -> None:
    answer = soap(
        host,
        '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
        '<m:IndexedPageItemView MaxEntriesReturned="5" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds>'
        '<t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="sentitems"/>'
        '<t:FolderId Id="AAMkADnotafolderAAA="/></m:ParentFolderIds></m:FindItem>',
    ).content
    assert texts(answer, "ResponseCode") == ["NoError", "NoError", "ErrorFolderNotFound"]
    totals = [el.get("TotalItemsInView") for el in ET.fromstring(answer).iter(f"{M}RootFolder")]
    live = [sum(1 for i in svc.items.values() if i.folder == f and not i.deleted) for f in ("inbox", "sentitems")]
    assert totals == [str(n) for n in live]


def test_an_id_only_folder_shape_gives_just_the_properties_asked_for(host: EmulatorHost, svc: Any) -> None:
    def find(shape: str) -> ET.Element:
        answer = soap(
            host,
            f'<m:FindFolder Traversal="Shallow"><m:FolderShape>{shape}</m:FolderShape><m:ParentFolderIds>'
            '<t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>',
        ).content
        return next(ET.fromstring(answer).iter(f"{T}Folders"))[0]

    names = find(
        '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/>'
        "</t:AdditionalProperties>"
    )
    assert [e.tag.rpartition("}")[2] for e in names] == ["FolderId", "DisplayName"]
    assert [e.tag.rpartition("}")[2] for e in find("<t:BaseShape>IdOnly</t:BaseShape>")] == ["FolderId"]
    assert {"DisplayName", "ChildFolderCount", "TotalCount"} <= {
        e.tag.rpartition("}")[2] for e in find("<t:BaseShape>Default</t:BaseShape>")
    }


def test_created_attachments_are_told_and_attached_items_keep_their_own(host: EmulatorHost, svc: Any) -> None:
    """CreateItem answers the new attachments' ids; an attached item's attachments stay with that item, and each
    is read by its own id; an id that names no attachment is ErrorInvalidAttachmentId."""
    inner = (
        "<t:ItemAttachment><t:Name>level 2</t:Name><t:Message><t:Subject>deepest</t:Subject></t:Message>"
        "</t:ItemAttachment>"
    )
    middle = (
        f"<t:ItemAttachment><t:Name>level 1</t:Name><t:Message><t:Subject>middle</t:Subject>"
        f"<t:Attachments>{inner}</t:Attachments></t:Message></t:ItemAttachment>"
    )
    answer = soap(
        host,
        '<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:Subject>outer</t:Subject>'
        f"<t:Attachments>{middle}<t:FileAttachment><t:Name>a.txt</t:Name><t:Content>aGk=</t:Content>"
        "</t:FileAttachment></t:Attachments></t:Message></m:Items></m:CreateItem>",
    ).content
    item_id = next(ET.fromstring(answer).iter(f"{T}ItemId")).get("Id")
    told = [a.get("Id") for a in ET.fromstring(answer).iter(f"{T}AttachmentId")]
    assert len(told) == 2 and all(
        a.get("RootItemId") == item_id for a in ET.fromstring(answer).iter(f"{T}AttachmentId")
    )
    assert len(svc.items[item_id].fields["_attachments"]) == 2  # the nested one is not the outer item's

    def attachment(attachment_id: str) -> bytes:
        return soap(
            host,
            f'<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="{attachment_id}"/></m:AttachmentIds>'
            "</m:GetAttachment>",
        ).content

    middle_xml = attachment(told[0])
    assert "middle" in texts(middle_xml, "Subject")
    nested = [a.get("Id") for a in ET.fromstring(middle_xml).iter(f"{T}AttachmentId")][1:]
    assert texts(attachment(nested[0]), "Subject") == ["deepest"]
    deleted = soap(
        host,
        f'<m:DeleteAttachment><m:AttachmentIds><t:AttachmentId Id="{told[1]}"/></m:AttachmentIds></m:DeleteAttachment>',
    ).content
    assert texts(deleted, "ResponseCode") == ["NoError"]
    assert texts(attachment(told[1]), "ResponseCode") == ["ErrorInvalidAttachmentId"]


def test_exported_items_upload_as_new_items_or_over_their_copies(host: EmulatorHost, svc: Any) -> None:
    source = create(
        host,
        '<t:Message><t:Subject>to export</t:Subject><t:Body BodyType="Text">kept</t:Body>'
        "<t:Attachments><t:FileAttachment><t:Name>f.txt</t:Name><t:Content>aGk=</t:Content></t:FileAttachment>"
        "</t:Attachments></t:Message>",
        "inbox",
    )
    gone, _ = create(host, "<t:Message><t:Subject>deleted</t:Subject></t:Message>", "inbox")
    soap(host, f'<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="{gone}"/></m:ItemIds></m:DeleteItem>')
    exported = soap(
        host,
        f'<m:ExportItems><m:ItemIds><t:ItemId Id="{source[0]}"/><t:ItemId Id="{gone}"/></m:ItemIds></m:ExportItems>',
    ).content
    assert texts(exported, "ResponseCode") == ["NoError", "ErrorItemNotFound"]
    [data] = texts(exported, "Data")
    drafts = svc.tree.folders["drafts"]

    def upload(action: str, data: str, item_id: str = "") -> bytes:
        ref = f'<t:ItemId Id="{item_id}"/>' if item_id else ""
        return soap(
            host,
            f'<m:UploadItems><m:Items><t:Item CreateAction="{action}"><t:ParentFolderId Id="{drafts.id}"/>'
            f"{ref}<t:Data>{data}</t:Data></t:Item></m:Items></m:UploadItems>",
        ).content

    created = upload("CreateNew", data)
    new = next(ET.fromstring(created).iter(f"{M}ItemId"))
    assert new.get("Id") != source[0] and svc.items[new.get("Id")].folder == "drafts"
    copy = get_item(host, new.get("Id", ""))
    assert texts(copy, "Subject") == ["to export"] and texts(copy, "Body") == ["kept"]
    original_attachment = svc.items[source[0]].fields["_attachments"][0]["id"]
    assert [a.get("Id") for a in ET.fromstring(copy).iter(f"{T}AttachmentId")] != [original_attachment]
    again = next(ET.fromstring(upload("Update", data, new.get("Id", ""))).iter(f"{M}ItemId"))
    assert again.get("Id") == new.get("Id") and again.get("ChangeKey") != new.get("ChangeKey")
    assert texts(upload("Update", data, gone), "ResponseCode") == ["ErrorItemNotFound"]
    assert texts(upload("CreateNew", "bm90IGV4cG9ydGVk"), "ResponseCode") == ["ErrorInvalidRequest"]


def test_mime_content_is_read_on_create_and_built_when_asked(host: EmulatorHost, svc: Any) -> None:
    from email import message_from_bytes, policy

    raw = (
        b"From: Robin <robin@example.org>\r\nTo: kim@example.net\r\nSubject: from MIME\r\n"
        b'Content-Type: text/plain; charset="utf-8"\r\n\r\nBody from MIME\r\n'
    )
    mime = base64.b64encode(raw).decode()
    item_id, _ = create(host, f"<t:Message><t:MimeContent>{mime}</t:MimeContent></t:Message>", "inbox")
    got = get_item(host, item_id)
    assert texts(got, "Subject") == ["from MIME"] and [b.strip() for b in texts(got, "Body")] == ["Body from MIME"]
    assert "robin@example.org" in texts(got, "EmailAddress") and "kim@example.net" in texts(got, "EmailAddress")
    plain, _ = create(
        host,
        '<t:Message><t:Subject>built</t:Subject><t:Body BodyType="Text">plain words</t:Body>'
        "<t:ToRecipients><t:Mailbox><t:EmailAddress>kim@example.net</t:EmailAddress></t:Mailbox></t:ToRecipients>"
        "</t:Message>",
        "inbox",
    )
    asked = soap(
        host,
        "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"
        '<t:FieldURI FieldURI="item:MimeContent"/></t:AdditionalProperties></m:ItemShape>'
        f'<m:ItemIds><t:ItemId Id="{plain}"/></m:ItemIds></m:GetItem>',
    ).content
    [content] = texts(asked, "MimeContent")
    message = message_from_bytes(base64.b64decode(content), policy=policy.default)
    assert message["Subject"] == "built" and message["To"] == "kim@example.net"
    assert message.get_content().strip() == "plain words"
    assert texts(get_item(host, plain), "MimeContent") == []  # only when asked for


def test_query_string_finds_items_by_aqs_terms(host: EmulatorHost, svc: Any) -> None:
    """FindItem with an AQS QueryString: property terms, phrases, free text, AND / OR / NOT; the owner named by
    address alone is resolved to its display name, so a search by name finds it."""
    me = svc.owner.address
    to = f"<t:ToRecipients><t:Mailbox><t:EmailAddress>{me}</t:EmailAddress></t:Mailbox></t:ToRecipients>"
    first, _ = create(
        host,
        f'<t:Message><t:Subject>Quarterly plan</t:Subject><t:Body BodyType="Text">budget review</t:Body>{to}'
        "</t:Message>",
        "drafts",
    )
    second, _ = create(host, "<t:Message><t:Subject>Quarterly lunch</t:Subject></t:Message>", "drafts")

    def search(query: str) -> list[str]:
        answer = soap(
            host,
            '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
            f'<m:QueryString ResetCache="true">{query}</m:QueryString>'
            '<m:ParentFolderIds><t:DistinguishedFolderId Id="drafts"/></m:ParentFolderIds></m:FindItem>',
        ).content
        return sorted(el.get("Id", "") for el in ET.fromstring(answer).iter(f"{T}ItemId"))

    assert search("Subject:quarterly") == sorted([first, second])
    assert search("Subject:quarterly AND Body:budget") == [first]
    assert search(f"To:{me} AND Subject:plan") == [first]
    name = svc.owner.name or me
    assert search(f'Participants:"{name}" Subject:quarterly') == [first]
    assert search("Subject:lunch OR Body:review") == sorted([first, second])
    assert search("quarterly NOT budget") == [second]
    assert search("Subject:nothing-like-it") == []
    named = texts(get_item(host, first), "Name")
    assert name in named


def test_user_configurations_keep_dictionary_xml_and_binary_data(host: EmulatorHost, svc: Any) -> None:
    name = '<t:UserConfigurationName Name="SyncbarTest"><t:DistinguishedFolderId Id="inbox"/></t:UserConfigurationName>'
    dictionary = (
        "<t:Dictionary><t:DictionaryEntry><t:DictionaryKey><t:Type>String</t:Type><t:Value>colour</t:Value>"
        "</t:DictionaryKey><t:DictionaryValue><t:Type>Integer32</t:Type><t:Value>7</t:Value></t:DictionaryValue>"
        "</t:DictionaryEntry><t:DictionaryEntry><t:DictionaryKey><t:Type>Boolean</t:Type><t:Value>1</t:Value>"
        "</t:DictionaryKey><t:DictionaryValue><t:Type>Boolean</t:Type><t:Value>0</t:Value></t:DictionaryValue>"
        "</t:DictionaryEntry></t:Dictionary>"
    )
    xml_data, binary = base64.b64encode(b"<a>1</a>").decode(), base64.b64encode(b"\x00\x01").decode()

    def get(properties: str) -> bytes:
        return soap(
            host,
            f"<m:GetUserConfiguration>{name.replace('t:UserConfigurationName', 'm:UserConfigurationName')}"
            f"<m:UserConfigurationProperties>{properties}</m:UserConfigurationProperties></m:GetUserConfiguration>",
        ).content

    assert texts(get("All"), "ResponseCode") == ["ErrorItemNotFound"]
    body = f"<m:UserConfiguration>{name}{dictionary}<t:XmlData>{xml_data}</t:XmlData>"
    body += f"<t:BinaryData>{binary}</t:BinaryData></m:UserConfiguration>"
    created = soap(host, f"<m:CreateUserConfiguration>{body}</m:CreateUserConfiguration>").content
    assert texts(created, "ResponseCode") == ["NoError"]
    again = soap(host, f"<m:CreateUserConfiguration>{body}</m:CreateUserConfiguration>").content
    assert texts(again, "ResponseCode") == ["ErrorItemSave"]
    every = get("All")
    assert texts(every, "XmlData") == [xml_data] and texts(every, "BinaryData") == [binary]
    assert texts(every, "Value") == ["colour", "7", "true", "false"]  # xs:boolean in its canonical form
    assert texts(every, "ItemId") == [""]
    only = get("XmlData")
    assert texts(only, "XmlData") == [xml_data] and texts(only, "BinaryData") == [] and texts(only, "Value") == []
    changed = base64.b64encode(b"\x02").decode()
    update = f"<m:UserConfiguration>{name}<t:BinaryData>{changed}</t:BinaryData></m:UserConfiguration>"
    assert texts(
        soap(host, f"<m:UpdateUserConfiguration>{update}</m:UpdateUserConfiguration>").content, "ResponseCode"
    ) == ["NoError"]
    after = get("All")
    assert texts(after, "BinaryData") == [changed] and texts(after, "XmlData") == [xml_data]  # the rest kept
    bare = name.replace("t:UserConfigurationName", "m:UserConfigurationName")
    delete = f"<m:DeleteUserConfiguration>{bare}</m:DeleteUserConfiguration>"
    assert texts(soap(host, delete).content, "ResponseCode") == ["NoError"]
    assert texts(soap(host, delete).content, "ResponseCode") == ["ErrorItemNotFound"]


def test_a_folders_message_size_property_counts_its_items(host: EmulatorHost, svc: Any) -> None:
    def size(folder: str) -> int:
        answer = soap(
            host,
            "<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"
            '<t:ExtendedFieldURI PropertyTag="0xe08" PropertyType="Long"/></t:AdditionalProperties></m:FolderShape>'
            f'<m:FolderIds><t:DistinguishedFolderId Id="{folder}"/></m:FolderIds></m:GetFolder>',
        ).content
        [value] = texts(answer, "Value")
        return int(value)

    before = size("inbox")
    assert before > 0 and size("root") >= before  # the root counts the whole mailbox
    create(host, "<t:Message><t:Subject>adds bytes</t:Subject></t:Message>", "inbox")
    assert size("inbox") > before


def test_meeting_responses_cancel_accept_and_decline(host: EmulatorHost, svc: Any) -> None:
    """CreateItem's response objects: the organizer cancels (the meeting goes, attendees are told), an attendee
    accepts or declines someone else's meeting; a response without ReferenceItemId or to the wrong meeting is
    refused."""
    me = svc.owner.address
    guest = "<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>sam@example.net</t:EmailAddress>"
    guest += "</t:Mailbox></t:Attendee></t:RequiredAttendees>"
    meeting, _ = create(
        host,
        "<t:CalendarItem><t:Subject>Review</t:Subject><t:Start>2026-12-10T10:00:00Z</t:Start>"
        f"<t:End>2026-12-10T11:00:00Z</t:End>{guest}</t:CalendarItem>",
        "calendar",
    )

    def respond(kind: str, item_id: str = "", disposition: str = "SendAndSaveCopy") -> bytes:
        ref = f'<t:ReferenceItemId Id="{item_id}"/>' if item_id else ""
        return soap(
            host,
            f'<m:CreateItem MessageDisposition="{disposition}"><m:Items><t:{kind}>{ref}</t:{kind}></m:Items>'
            "</m:CreateItem>",
        ).content

    alone, _ = create(
        host,
        "<t:CalendarItem><t:Subject>Just me</t:Subject><t:Start>2026-12-10T10:00:00Z</t:Start>"
        f"<t:End>2026-12-10T11:00:00Z</t:End>{guest.replace('sam@example.net', me)}</t:CalendarItem>",
        "calendar",
    )
    assert texts(respond("CancelCalendarItem", alone), "ResponseCode") == ["ErrorInvalidRecipients"]
    assert texts(respond("AcceptItem"), "ResponseCode") == ["ErrorMissingInformationReferenceItemId"]
    assert texts(respond("AcceptItem", meeting), "ResponseCode") == ["ErrorInvalidReferenceItem"]  # it is mine
    cancelled = respond("CancelCalendarItem", meeting)
    assert texts(cancelled, "ResponseCode") == ["NoError"]
    notice = next(ET.fromstring(cancelled).iter(f"{T}MeetingCancellation"))[0].get("Id", "")
    assert svc.items[notice].folder == "sentitems"
    assert svc.sent[-1]["to"] == ["sam@example.net"] and svc.sent[-1]["subject"] == "Canceled: Review"
    assert texts(get_item(host, meeting), "ResponseCode") == ["ErrorItemNotFound"]
    assert texts(respond("CancelCalendarItem", meeting), "ResponseCode") == ["ErrorItemNotFound"]

    organizer = "<t:Organizer><t:Mailbox><t:EmailAddress>lee@example.org</t:EmailAddress></t:Mailbox></t:Organizer>"
    invited = [
        create(
            host,
            f"<t:CalendarItem><t:Subject>{subject}</t:Subject><t:Start>2026-12-11T10:00:00Z</t:Start>"
            f"<t:End>2026-12-11T11:00:00Z</t:End>{organizer}</t:CalendarItem>",
            "calendar",
        )[0]
        for subject in ("Planning", "Offsite")
    ]
    accepted, declined = invited
    assert me not in texts(get_item(host, accepted), "EmailAddress")
    assert texts(respond("CancelCalendarItem", accepted), "ResponseCode") == ["ErrorInvalidReferenceItem"]
    assert texts(respond("AcceptItem", accepted, "SendOnly"), "ResponseCode") == ["NoError"]
    assert svc.sent[-1]["to"] == ["lee@example.org"] and svc.sent[-1]["subject"] == "Accepted: Planning"
    assert texts(get_item(host, accepted), "MyResponseType") == ["Accept"]
    assert texts(respond("DeclineItem", declined, "SendOnly"), "ResponseCode") == ["NoError"]
    assert svc.items[declined].deleted and svc.sent[-1]["subject"] == "Declined: Offsite"


def test_a_distribution_list_keeps_its_members(host: EmulatorHost, svc: Any) -> None:
    group, change_key = create(
        host, "<t:DistributionList><t:DisplayName>Board</t:DisplayName></t:DistributionList>", "contacts"
    )
    got = get_item(host, group)
    assert texts(got, "DisplayName") == ["Board"] and texts(got, "ItemClass") == ["IPM.DistList"]
    assert next(ET.fromstring(got).iter(f"{M}Items"))[0].tag == f"{T}DistributionList"
    members = "".join(
        f"<t:Member><t:Mailbox><t:EmailAddress>{a}</t:EmailAddress><t:MailboxType>OneOff</t:MailboxType>"
        "</t:Mailbox></t:Member>"
        for a in ("ann@example.net", "bo@example.net")
    )
    answer = update(
        host,
        (group, change_key),
        "distributionlist:Members",
        f"<t:DistributionList><t:Members>{members}</t:Members></t:DistributionList>",
    )
    assert texts(answer, "ResponseCode") == ["NoError"]
    assert texts(get_item(host, group), "EmailAddress") == ["ann@example.net", "bo@example.net"]


def test_find_people_and_get_persona_read_the_contacts(host: EmulatorHost, svc: Any) -> None:
    contacts = [i for i in svc.items.values() if i.folder == "contacts" and not i.deleted and "_props" not in i.fields]
    target = next(c for c in contacts if c.fields["EmailAddresses"])
    name = target.fields["DisplayName"]

    def find(
        extra: str = "",
        view: str = '<m:IndexedPageItemView MaxEntriesReturned="500" Offset="0" BasePoint="Beginning"/>',
    ) -> ET.Element:
        answer = soap(
            host,
            "<m:FindPeople><m:PersonaShape><t:BaseShape>IdOnly</t:BaseShape></m:PersonaShape>"
            f'{view}{extra}<m:ParentFolderId><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderId>'
            "</m:FindPeople>",
        ).content
        return next(ET.fromstring(answer).iter(f"{M}FindPeopleResponse"))

    every = find()
    live = [i for i in svc.items.values() if i.folder == "contacts" and not i.deleted and svc._element(i) == "Contact"]
    assert every.get("ResponseClass") == "Success"
    assert every.findtext(f"{M}TotalNumberOfPeopleInView") == str(len(live))
    assert every.findtext(f"{M}FirstMatchingRowIndex") == "0"
    shown = [p.findtext(f"{T}DisplayName") for p in every.iter(f"{M}Persona")]
    assert len(shown) == len(live) and shown == sorted(shown, key=lambda n: (n or "").lower())
    restricted = find(
        '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="persona:DisplayName"/><t:FieldURIOrConstant>'
        f'<t:Constant Value="{name}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>'
    )
    [persona] = [p for p in restricted.iter(f"{M}Persona") if p.findtext(f"{T}DisplayName") == name]
    assert persona.find(f"{T}EmailAddress/{T}EmailAddress").text == target.fields["EmailAddresses"][0]
    assert [
        p.findtext(f"{T}DisplayName")
        for p in find(f'<m:QueryString>DisplayName:"{name}"</m:QueryString>').iter(f"{M}Persona")
    ] == [name]
    page = find(view='<m:IndexedPageItemView MaxEntriesReturned="2" Offset="1" BasePoint="Beginning"/>')
    assert [p.findtext(f"{T}DisplayName") for p in page.iter(f"{M}Persona")] == shown[1:3]

    persona_id = persona.find(f"{T}PersonaId").get("Id")
    got = soap(host, f'<m:GetPersona><t:PersonaId Id="{persona_id}"/></m:GetPersona>').content
    message = next(ET.fromstring(got).iter(f"{M}GetPersonaResponseMessage"))
    assert message.get("ResponseClass") == "Success"
    assert next(message.iter(f"{T}SourceId")).get("Id") == target.id
    assert next(message.iter(f"{T}Surname")).text == target.fields["Surname"]
    bad = soap(host, '<m:GetPersona><t:PersonaId Id="AAA="/></m:GetPersona>').content
    assert texts(bad, "ResponseCode") == ["ErrorInvalidIdMalformed"]


def test_public_folders_are_not_available(host: EmulatorHost, svc: Any) -> None:
    """The mailbox's organisation has no public folders: Exchange answers that no public folder server is there."""
    answer = soap(
        host,
        '<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>'
        '<m:ParentFolderIds><t:DistinguishedFolderId Id="publicfoldersroot"/></m:ParentFolderIds></m:FindFolder>',
    ).content
    assert texts(answer, "ResponseCode") == ["ErrorNoPublicFolderReplicaAvailable"]


def test_a_folders_permission_set_is_kept(host: EmulatorHost, svc: Any) -> None:
    made = soap(
        host,
        '<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderId><m:Folders>'
        "<t:Folder><t:DisplayName>Shared with Kim</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>",
    ).content
    ref = next(ET.fromstring(made).iter(f"{T}FolderId"))
    permissions = (
        "<t:PermissionSet><t:Permissions><t:Permission><t:UserId><t:PrimarySmtpAddress>kim@example.net"
        "</t:PrimarySmtpAddress></t:UserId><t:PermissionLevel>Reviewer</t:PermissionLevel></t:Permission>"
        "</t:Permissions></t:PermissionSet>"
    )

    def change(update: str) -> None:
        answer = soap(
            host,
            f'<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="{ref.get("Id")}"/><t:Updates>'
            f"{update}</t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>",
        ).content
        assert texts(answer, "ResponseCode") == ["NoError"]

    def shown() -> list[str]:
        return texts(
            soap(
                host,
                "<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape>"
                f'<m:FolderIds><t:FolderId Id="{ref.get("Id")}"/></m:FolderIds></m:GetFolder>',
            ).content,
            "PrimarySmtpAddress",
        )

    assert shown() == []
    uri = '<t:FieldURI FieldURI="folder:PermissionSet"/>'
    change(f"<t:SetFolderField>{uri}<t:Folder>{permissions}</t:Folder></t:SetFolderField>")
    assert shown() == ["kim@example.net"]
    change(f"<t:DeleteFolderField>{uri}</t:DeleteFolderField>")
    assert shown() == []


def test_completing_a_recurring_task_splits_off_the_occurrence(host: EmulatorHost, svc: Any) -> None:
    """UpdateItem (task): a change of a non-regenerating task's dates, or its completion, creates a one-off task
    (the answer names it); the series moves to its next occurrence with one occurrence fewer. A regenerating
    task whose start moves is changed in place, and completing it counts its next occurrence from today."""
    from datetime import UTC, datetime, timedelta

    def recurring(pattern: str, start: str, count: int) -> str:
        return (
            f"<t:Recurrence><t:{pattern}><t:Interval>1</t:Interval></t:{pattern}><t:NumberedRecurrence>"
            f"<t:StartDate>{start}</t:StartDate><t:NumberOfOccurrences>{count}</t:NumberOfOccurrences>"
            "</t:NumberedRecurrence></t:Recurrence>"
        )

    def task_update(ref: tuple[str, str], uri: str, value: str) -> str:
        answer = update(host, ref, uri, f"<t:Task>{value}</t:Task>")
        assert texts(answer, "ResponseCode") == ["NoError"]
        return next(ET.fromstring(answer).iter(f"{T}ItemId")).get("Id", "")

    series = create(
        host,
        f"<t:Task><t:Subject>Daily check</t:Subject>{recurring('DailyRecurrence', '2016-01-01', 4)}</t:Task>",
        "tasks",
    )
    got = get_item(host, series[0])
    assert texts(got, "IsRecurring") == ["true"] and texts(got, "ChangeCount") == ["1"]
    moved = task_update(series, "task:Recurrence", recurring("DailyRecurrence", "2016-02-01", 4))
    assert moved != series[0]
    assert texts(get_item(host, moved), "IsRecurring") == ["false"]
    after = get_item(host, series[0])
    assert texts(after, "DueDate") == ["2016-01-02T00:00:00Z"] and texts(after, "NumberOfOccurrences") == ["3"]
    assert texts(after, "ChangeCount") == ["2"]
    change_key = next(ET.fromstring(after).iter(f"{T}ItemId")).get("ChangeKey", "")
    done = task_update((series[0], change_key), "task:Status", "<t:Status>Completed</t:Status>")
    assert texts(get_item(host, done), "Status") == ["Completed"]
    after = get_item(host, series[0])
    assert texts(after, "DueDate") == ["2016-02-01T00:00:00Z"] and texts(after, "NumberOfOccurrences") == ["2"]
    assert texts(after, "Status") == ["NotStarted"]

    regenerating = create(
        host,
        f"<t:Task><t:Subject>Water plants</t:Subject>{recurring('DailyRegeneration', '2016-01-01', 4)}</t:Task>",
        "tasks",
    )
    same = task_update(regenerating, "task:Recurrence", recurring("DailyRegeneration", "2016-01-02", 4))
    assert same == regenerating[0]
    change_key = next(ET.fromstring(get_item(host, same)).iter(f"{T}ItemId")).get("ChangeKey", "")
    task_update((same, change_key), "task:Status", "<t:Status>Completed</t:Status>")
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert texts(get_item(host, same), "DueDate") == [f"{tomorrow}T00:00:00Z"]
