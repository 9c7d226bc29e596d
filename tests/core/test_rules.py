"""The sync rules: ignore reasons (each with items that must and must not hit it), dedupe, and build."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.catalog import load_default
from app.core.model import CrmMatch, Direction, ItemKind, MailItem, Person, idempotency_key
from app.core.rules import Rules, RulesConfig, normalize_address

OWNER = "alex.morgan@syncbar-demo.example"
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
ACTIVATED = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
CUSTOMER = "dana.fox@customer.example"
CONFIG = RulesConfig(
    owner_addresses=frozenset({OWNER}),
    internal_domains=frozenset({"syncbar-demo.example"}),
    blocklist=frozenset({"rival@competitor.example", "@spam.example"}),
    do_not_mail=frozenset({"quiet@customer.example"}),
    activated_at=ACTIVATED,
)
RULES = Rules(CONFIG)
CONTACT = CrmMatch(CUSTOMER, "003000000000001AAA", "Contact", account_id="001000000000001AAA", name="Dana Fox")
LEAD = CrmMatch("lee@prospect.example", "00Q000000000001AAA", "Lead", name="Lee")


def mail(sender: str | None = CUSTOMER, *to: str, **kw: object) -> MailItem:
    fields: dict[str, object] = dict(
        kind=ItemKind.EMAIL,
        mailbox_id=kw.pop("mailbox_id", "m1"),
        stream="inbox",
        subject="Quote",
        body="Hello",
        sender=Person(sender) if sender is not None else None,
        recipients=tuple(Person(a) for a in (to or (OWNER,))),
        occurred_at=NOW,
        direction=Direction.INBOUND,
    )
    fields.update(kw)
    return MailItem(**fields)  # type: ignore[arg-type]


def contact(**values: str) -> MailItem:
    base = {"first_name": "Dana", "last_name": "Fox", "email": CUSTOMER}
    base.update(values)
    return MailItem(ItemKind.CONTACT, "c1", "contacts", fields=base)


# --- history window ---


@pytest.mark.parametrize(
    ("occurred", "code"),
    [
        (ACTIVATED - timedelta(days=30), ""),  # exactly on the edge of the default 30 days: kept
        (ACTIVATED - timedelta(days=30, seconds=1), "IGN_BEFORE_WINDOW"),
        (ACTIVATED - timedelta(days=400), "IGN_BEFORE_WINDOW"),
        (NOW + timedelta(days=30), ""),  # future (a meeting next month)
        ((ACTIVATED - timedelta(days=30, seconds=1)).replace(tzinfo=None), "IGN_BEFORE_WINDOW"),  # naive = UTC
    ],
)
def test_history_window_edges(occurred: datetime, code: str) -> None:
    assert RULES.pre_match(mail(occurred_at=occurred), NOW) == code


def test_history_window_counts_from_now_before_activation_and_skips_contacts() -> None:
    rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), history_days=1))
    assert rules.pre_match(mail(occurred_at=NOW - timedelta(hours=23)), NOW) == ""
    assert rules.pre_match(mail(occurred_at=NOW - timedelta(hours=25)), NOW) == "IGN_BEFORE_WINDOW"
    assert rules.pre_match(contact(), NOW) == ""


def test_a_meeting_going_on_when_the_window_opens_is_inside_it() -> None:
    edge = ACTIVATED - timedelta(days=30)

    def meeting(start: datetime, end: datetime) -> MailItem:
        return mail(kind=ItemKind.EVENT, stream="calendar", occurred_at=start, end_at=end)

    assert RULES.pre_match(meeting(edge - timedelta(minutes=30), edge + timedelta(minutes=30)), NOW) == ""
    assert RULES.pre_match(meeting(edge - timedelta(hours=2), edge), NOW) == "IGN_BEFORE_WINDOW"  # over at the edge
    assert RULES.pre_match(meeting(edge - timedelta(hours=2), edge - timedelta(hours=1)), NOW) == "IGN_BEFORE_WINDOW"
    assert RULES.pre_match(mail(occurred_at=edge - timedelta(minutes=30)), NOW) == "IGN_BEFORE_WINDOW"  # mail: its time


# --- addresses ---


@pytest.mark.parametrize(
    ("sender", "code"),
    [
        ("", "IGN_EMPTY_ADDRESS"),
        ("   ", "IGN_EMPTY_ADDRESS"),
        (None, "IGN_EMPTY_ADDRESS"),
        ("jordan.lee@@customer.example", "IGN_INVALID_ADDRESS"),
        ("jordan.lee", "IGN_INVALID_ADDRESS"),
        ("jordan lee@customer.example", "IGN_INVALID_ADDRESS"),
        ("jordan@[192.0.2.1]", "IGN_INVALID_ADDRESS"),
        (".jordan@customer.example", "IGN_INVALID_ADDRESS"),
        ("jordan@customer", "IGN_INVALID_ADDRESS"),
        ("  Dana.Fox@Customer.Example  ", ""),
        ("dana.fox@customer.example.", ""),  # trailing dot of a fully qualified domain
        ('"dana fox"@customer.example', ""),  # quoted local part
        ("jürgen@bücher.example", ""),  # IDN domain, Unicode local part
        ("Dana Fox <dana.fox@customer.example>", ""),
    ],
)
def test_empty_and_invalid_addresses(sender: str | None, code: str) -> None:
    assert RULES.pre_match(mail(sender), NOW) == code


def test_outbound_mail_without_recipients_is_empty() -> None:
    assert RULES.pre_match(mail(OWNER, OWNER), NOW) == "IGN_EMPTY_ADDRESS"


def test_contact_without_or_with_broken_email() -> None:
    assert RULES.pre_match(contact(email=""), NOW) == "IGN_EMPTY_ADDRESS"
    assert RULES.pre_match(contact(email="dana@"), NOW) == "IGN_INVALID_ADDRESS"
    assert RULES.pre_match(contact(), NOW) == ""


def test_normalize_address() -> None:
    assert normalize_address("  Dana.Fox@Customer.Example. ") == "dana.fox@customer.example"
    assert normalize_address("jo@xn--bcher-kva.example") == "jo@bücher.example"
    assert normalize_address("Dana <DANA@X.EXAMPLE>") == "dana@x.example"
    assert normalize_address(None) == ""


# --- bounce ---


@pytest.mark.parametrize(
    ("sender", "headers", "bounced"),
    [
        ("MAILER-DAEMON@mx.example.net", {}, True),
        ("postmaster@customer.example", {}, True),
        (CUSTOMER, {"X-Failed-Recipients": "old@gone.example"}, True),
        (CUSTOMER, {"Auto-Submitted": "auto-replied"}, True),
        (CUSTOMER, {"auto-submitted": "auto-generated"}, True),
        (CUSTOMER, {"Content-Type": "multipart/report; report-type=delivery-status"}, True),
        (CUSTOMER, {"Auto-Submitted": "no"}, False),
        (CUSTOMER, {"Content-Type": "multipart/alternative"}, False),
        (CUSTOMER, {}, False),
    ],
)
def test_bounces(sender: str, headers: dict[str, str], bounced: bool) -> None:
    expected = "IGN_BOUNCED" if bounced else ""
    assert RULES.pre_match(mail(sender, headers=headers), NOW) == expected


# --- group, do-not-mail, blocklist, internal ---


@pytest.mark.parametrize(
    ("sender", "code"),
    [
        ("info@customer.example", "IGN_GROUP_ADDRESS"),
        ("INFO@customer.example", "IGN_GROUP_ADDRESS"),
        ("noreply@customer.example", "IGN_GROUP_ADDRESS"),
        ("no-reply@customer.example", "IGN_GROUP_ADDRESS"),
        ("no_reply@customer.example", "IGN_GROUP_ADDRESS"),
        ("support+ticket123@customer.example", "IGN_GROUP_ADDRESS"),
        ("information@customer.example", ""),
        ("sales.lead.dana@customer.example", ""),
    ],
)
def test_group_addresses(sender: str, code: str) -> None:
    assert RULES.pre_match(mail(sender), NOW) == code


def test_a_person_among_group_addresses_is_still_synced() -> None:
    item = mail(OWNER, "support@customer.example", CUSTOMER)
    assert RULES.pre_match(item, NOW) == ""
    assert RULES.addresses_to_match(item) == [CUSTOMER]


def test_do_not_mail_wins_over_other_people() -> None:
    assert RULES.pre_match(mail("Quiet@Customer.example"), NOW) == "IGN_DO_NOT_MAIL"
    assert RULES.pre_match(mail(OWNER, CUSTOMER, "quiet@customer.example"), NOW) == "IGN_DO_NOT_MAIL"
    assert RULES.pre_match(mail("quieter@customer.example"), NOW) == ""


@pytest.mark.parametrize(
    ("sender", "code"),
    [
        ("rival@competitor.example", "IGN_BLOCKLISTED"),
        ("anyone@spam.example", "IGN_BLOCKLISTED"),
        ("anyone@eu.spam.example", "IGN_BLOCKLISTED"),  # a domain entry covers its subdomains
        ("friend@competitor.example", ""),
        ("anyone@notspam.example", ""),
    ],
)
def test_blocklist(sender: str, code: str) -> None:
    assert RULES.pre_match(mail(sender), NOW) == code


def test_blocked_address_does_not_hide_a_customer_on_the_same_mail() -> None:
    item = mail(OWNER, "rival@competitor.example", CUSTOMER)
    assert RULES.pre_match(item, NOW) == ""
    assert RULES.addresses_to_match(item) == [CUSTOMER]


@pytest.mark.parametrize(
    ("people", "code"),
    [
        (("sam.rivera@syncbar-demo.example",), "IGN_INTERNAL_ONLY"),
        (("sam@SYNCBAR-DEMO.example", "kim@eu.syncbar-demo.example"), "IGN_INTERNAL_ONLY"),
        (("sam@syncbar-demo.example", CUSTOMER), ""),
        (("sam@syncbar-demo.example.evil.example",), ""),
    ],
)
def test_internal_only(people: tuple[str, ...], code: str) -> None:
    assert RULES.pre_match(mail(OWNER, *people), NOW) == code


def test_without_internal_domains_colleagues_are_people() -> None:
    rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER})))
    assert rules.pre_match(mail("sam@syncbar-demo.example"), NOW) == ""


def test_addresses_to_match_are_lower_cased_unique_and_not_ours() -> None:
    item = mail("Dana.Fox@Customer.example", OWNER.upper(), "lee@prospect.example", "DANA.FOX@customer.example")
    assert RULES.addresses_to_match(item) == [CUSTOMER, "lee@prospect.example"]
    assert RULES.addresses_to_match(mail("info@customer.example")) == []


def test_tasks_need_no_address() -> None:
    task = MailItem(ItemKind.TASK, "t1", "tasks", subject="Call back", occurred_at=NOW - timedelta(days=90))
    assert RULES.pre_match(task, NOW) == ""


_SOME_ADDRESSES = st.sampled_from(
    [
        OWNER,
        OWNER.upper(),
        CUSTOMER,
        "Dana <DANA.FOX@Customer.Example.>",
        "quiet@customer.example",
        "rival@competitor.example",
        "x@sub.spam.example",
        "colleague@syncbar-demo.example",
        "info@customer.example",
        "Sales+eu@customer.example",
        "mailer-daemon@customer.example",
        "lee@prospect.example",
        "not an address",
        "jo@[192.0.2.1]",
        "",
        " ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(list(ItemKind)),
    sender=st.none() | _SOME_ADDRESSES,
    to=st.lists(_SOME_ADDRESSES, max_size=4),
    auto_reply=st.booleans(),
)
def test_rules_answer_for_an_address_seen_before_as_for_a_new_one(
    kind: ItemKind, sender: str | None, to: list[str], auto_reply: bool
) -> None:
    """The rules remember what they found about each address; a Rules that saw it answers as a fresh one."""
    item = MailItem(
        kind,
        "m1",
        "inbox",
        sender=Person(sender) if sender is not None else None,
        recipients=tuple(Person(a) for a in to),
        occurred_at=NOW,
        fields={"email": to[0]} if to else {},
        headers={"Auto-Submitted": "auto-replied"} if auto_reply else {},
    )
    fresh = Rules(CONFIG)
    expected = (fresh.pre_match(item, NOW), fresh.addresses_to_match(item))
    assert RULES.screen(item, NOW) == expected
    assert (RULES.pre_match(item, NOW), RULES.addresses_to_match(item)) == expected


def test_ignore_codes_are_in_the_catalogue() -> None:
    catalog = load_default()
    for code in (
        "IGN_BEFORE_WINDOW",
        "IGN_EMPTY_ADDRESS",
        "IGN_INVALID_ADDRESS",
        "IGN_BOUNCED",
        "IGN_GROUP_ADDRESS",
        "IGN_DO_NOT_MAIL",
        "IGN_BLOCKLISTED",
        "IGN_INTERNAL_ONLY",
        "IGN_NO_MATCH",
        "IGN_DUPLICATE_IN_BATCH",
    ):
        assert code in catalog


# --- dedupe ---


# --- build ---


def test_email_becomes_a_completed_task_linked_to_the_contact() -> None:
    built = RULES.build(
        mail(OWNER, "lee@prospect.example", CUSTOMER),
        {CUSTOMER: CONTACT, LEAD.address: LEAD},
        account="sf-user",
        existing_id="00T000000000001AAA",
    )
    assert built.record is not None and not built.ignore_code and not built.error_code
    record = built.record
    assert record.object_type == "Task"
    assert record.idempotency_key == idempotency_key("sf-user", "email:m1")
    assert record.existing_id == "00T000000000001AAA"
    assert dict(record.values) == {
        "Subject": "Quote",
        "Description": "Hello",
        "ActivityDate": "2024-05-10",
        "Status": "Completed",
        "TaskSubtype": "Email",
        "WhoId": CONTACT.record_id,
        "WhatId": CONTACT.account_id,
    }


def test_lead_is_used_when_no_contact_matches_and_has_no_what() -> None:
    built = RULES.build(mail("lee@prospect.example"), {LEAD.address: LEAD}, account="a")
    assert built.record is not None
    assert built.record.values["WhoId"] == LEAD.record_id and "WhatId" not in built.record.values


def test_email_and_event_without_a_match_are_ignored() -> None:
    assert RULES.build(mail(), {}, account="a").ignore_code == "IGN_NO_MATCH"
    event = MailItem(
        ItemKind.EVENT,
        "e1",
        "calendar",
        subject="Demo",
        sender=Person(OWNER),
        recipients=(Person("nobody@else.example"),),
        occurred_at=NOW,
    )
    assert RULES.build(event, {CUSTOMER: CONTACT}, account="a").ignore_code == "IGN_NO_MATCH"


def test_event_becomes_an_event() -> None:
    event = MailItem(
        ItemKind.EVENT,
        "e1",
        "calendar",
        subject="Demo",
        body="Agenda",
        sender=Person(OWNER),
        recipients=(Person(CUSTOMER),),
        occurred_at=NOW,
        end_at=NOW + timedelta(hours=1),
        fields={"location": "Room 4"},
    )
    built = RULES.build(event, {CUSTOMER: CONTACT}, account="a")
    assert built.record is not None and built.record.object_type == "Event"
    assert dict(built.record.values) == {
        "Subject": "Demo",
        "Description": "Agenda",
        "StartDateTime": "2024-05-10T12:00:00.000Z",
        "EndDateTime": "2024-05-10T13:00:00.000Z",
        "Location": "Room 4",
        "WhoId": CONTACT.record_id,
    }


def test_event_without_end_or_start() -> None:
    event = MailItem(ItemKind.EVENT, "e1", "calendar", sender=Person(CUSTOMER), occurred_at=NOW)
    built = RULES.build(event, {CUSTOMER: CONTACT}, account="a")
    assert built.record is not None and built.record.values["EndDateTime"] == built.record.values["StartDateTime"]
    assert any("End time" in n for n in built.notes)
    no_start = MailItem(ItemKind.EVENT, "e2", "calendar", sender=Person(CUSTOMER))
    assert RULES.build(no_start, {CUSTOMER: CONTACT}, account="a").error_fields == ("StartDateTime",)


def test_contact_becomes_a_contact() -> None:
    built = RULES.build(contact(phone="+49 221 555", title="Buyer"), {}, account="a")
    assert built.record is not None and built.record.object_type == "Contact"
    assert dict(built.record.values) == {
        "FirstName": "Dana",
        "LastName": "Fox",
        "Email": CUSTOMER,
        "Phone": "+49 221 555",
        "Title": "Buyer",
    }


def test_contact_without_last_name_fails_before_sending() -> None:
    built = RULES.build(contact(last_name="  "), {}, account="a")
    assert built.record is None
    assert (built.error_code, built.error_fields) == ("DATA_REQUIRED_FIELD_MISSING", ("LastName",))
    assert load_default().mark_detail(built.error_code, built.error_fields) == "Last Name missing"


def test_contact_already_in_salesforce_updates_it() -> None:
    built = RULES.build(contact(), {CUSTOMER: CONTACT}, account="a")
    assert built.record is not None and built.record.existing_id == CONTACT.record_id
    assert "WhoId" not in built.record.values


def test_contact_with_a_broken_email_fails_with_the_email_code() -> None:
    built = RULES.build(contact(email="dana@@x.example"), {}, account="a")
    assert (built.error_code, built.error_fields) == ("DATA_INVALID_EMAIL", ("Email",))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("notStarted", "Not Started"),
        ("NotStarted", "Not Started"),
        ("needsAction", "Not Started"),
        ("completed", "Completed"),
        ("waitingOnOthers", "Waiting on someone else"),
        ("", "Not Started"),
        ("weird", "Not Started"),
    ],
)
def test_task_status_is_mapped(status: str, expected: str) -> None:
    task = MailItem(ItemKind.TASK, "t1", "tasks", subject="Call back", fields={"status": status, "due": "2024-06-01"})
    built = RULES.build(task, {}, account="a")
    assert built.record is not None
    assert built.record.values["Status"] == expected
    assert built.record.values["ActivityDate"] == "2024-06-01"
    assert "WhoId" not in built.record.values
    assert any("not known" in n for n in built.notes) == (status == "weird")


def test_task_with_a_matching_counterpart_gets_a_who() -> None:
    task = MailItem(ItemKind.TASK, "t1", "tasks", subject="Call", recipients=(Person(CUSTOMER),))
    built = RULES.build(task, {CUSTOMER: CONTACT}, account="a")
    assert built.record is not None and built.record.values["WhoId"] == CONTACT.record_id


def test_truncation_is_a_note_not_a_failure() -> None:
    subject = "Detailed requirements for the regional roll-out " + "and its phases " * 18
    built = RULES.build(mail(subject=subject, body="x" * 40000), {CUSTOMER: CONTACT}, account="a")
    assert built.record is not None and not built.error_code
    assert len(str(built.record.values["Subject"])) == 255
    assert len(str(built.record.values["Description"])) == 32000
    assert built.notes == ("Subject truncated to 255 characters", "Description truncated to 32000 characters")


def test_control_characters_are_removed_and_empty_subject_gets_a_default() -> None:
    built = RULES.build(mail(subject="", body="a\x00b\x1bc\r\nd\te"), {CUSTOMER: CONTACT}, account="a")
    assert built.record is not None
    assert built.record.values["Subject"] == "(no subject)"
    assert built.record.values["Description"] == "abc\nd\te"


# --- property: build never raises and stays within Salesforce's lengths ---

_TEXT = st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=400) | st.sampled_from(
    ["", "\u202eevil\u202c", "👩‍👩‍👧" * 200, "e\u0301" * 300, "🇩🇪" * 200, "\x00\x01\x7f"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=_TEXT, body=_TEXT, big=st.booleans(), last=_TEXT, due=_TEXT, status=_TEXT)
def test_build_never_raises_on_arbitrary_text(
    subject: str, body: str, big: bool, last: str, due: str, status: str
) -> None:
    if big:
        body = (body or "ß") * (1_000_000 // max(1, len(body or "ß")))
    items = [
        mail(subject=subject, body=body),
        MailItem(
            ItemKind.EVENT,
            "e",
            "calendar",
            subject=subject,
            body=body,
            sender=Person(CUSTOMER),
            occurred_at=NOW,
            fields={"location": last},
        ),
        contact(first_name=subject, last_name=last, title=body[:500]),
        MailItem(ItemKind.TASK, "t", "tasks", subject=subject, body=body, fields={"due": due, "status": status}),
    ]
    limits = {"Subject": 255, "Description": 32000, "FirstName": 40, "LastName": 80, "Title": 128, "Location": 255}
    for item in items:
        built = RULES.build(item, {CUSTOMER: CONTACT}, account="a")
        assert (built.record is None) == bool(built.error_code or built.ignore_code)
        if built.record is None:
            continue
        for name, value in built.record.values.items():
            if name in limits:
                text = str(value)
                assert len(text.encode("utf-16-le", "surrogatepass")) // 2 <= limits[name]
                assert not any(ord(c) < 32 and c not in "\t\n" for c in text)
