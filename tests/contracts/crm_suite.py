"""The CrmPort contract: the same checks for the fake and the real Salesforce provider."""

from __future__ import annotations

from app.core.model import CrmRecord, idempotency_key
from tests.contracts.harness import CrmHarness


def _task(key_suffix: str, who: str = "", subject: str = "Contract task") -> CrmRecord:
    item_key = f"email:contract-{key_suffix}"
    values: dict[str, object] = {"Subject": subject, "Status": "Completed", "TaskSubtype": "Email"}
    if who:
        values["WhoId"] = who
    return CrmRecord(item_key, idempotency_key("contract", item_key), "Task", values)


def check_match_prefers_contacts_and_ignores_case(h: CrmHarness) -> None:
    contact = h.backdoor.add_person("Contact", "Ada", "Lovelace", "ada@engines.example")
    h.backdoor.add_person("Lead", "Ada", "Lovelace", "ada@engines.example")
    lead = h.backdoor.add_person("Lead", "Bo", "Lead", "bo@leads.example")
    found = h.port.match(["ADA@engines.example", "bo@leads.example", "nobody@nowhere.example"])
    assert found["ada@engines.example"].record_id == contact
    assert found["ada@engines.example"].object_type == "Contact"
    assert found["bo@leads.example"].record_id == lead and found["bo@leads.example"].object_type == "Lead"
    assert "nobody@nowhere.example" not in found


def check_push_results_in_order_and_reconcile_finds_them(h: CrmHarness) -> None:
    who = h.backdoor.add_person("Contact", "Cy", "Push", "cy@push.example")
    records = [_task("a", who, "Push a"), _task("b", who, "Push b"), _task("c", who, "Push c")]
    first = h.port.push(records)
    assert [r.item_key for r in first] == [r.item_key for r in records]
    assert all(r.ok and r.record_id for r in first)
    # The answer was lost (a crash, a dropped connection): reconcile finds each record, so nothing is resent.
    found = h.port.reconcile(records)
    assert found == {r.idempotency_key: res.record_id for r, res in zip(records, first, strict=True)}
    for record in records:
        assert h.backdoor.count("Task", "Subject", str(record.values["Subject"])) == 1


def check_bad_record_fails_alone(h: CrmHarness) -> None:
    who = h.backdoor.add_person("Contact", "Di", "Bad", "di@bad.example")
    good = _task("good", who)
    bad = CrmRecord(
        "contact:bad",
        idempotency_key("contract", "contact:bad"),
        "Contact",
        {"FirstName": "No", "Email": "no@last.example"},
    )
    results = h.port.push([good, bad])
    assert results[0].ok
    assert not results[1].ok and results[1].code == "DATA_REQUIRED_FIELD_MISSING"
    assert "LastName" in results[1].fields


def check_reconcile_finds_pushed_keys(h: CrmHarness) -> None:
    who = h.backdoor.add_person("Contact", "Ed", "Rec", "ed@rec.example")
    record = _task("rec", who)
    pushed = h.port.push([record])[0]
    never_sent = _task("never-sent", who, subject="Never sent")
    found = h.port.reconcile([record, never_sent])
    assert found == {record.idempotency_key: pushed.record_id}


def check_reconcile_gives_each_record_to_one_create(h: CrmHarness) -> None:
    """Two items with the same content (the same short reply twice a day): one committed, one never sent."""
    who = h.backdoor.add_person("Contact", "Kim", "Twice", "kim@twice.example")
    first, second = _task("twice-1", who, "Thanks!"), _task("twice-2", who, "Thanks!")
    pushed = h.port.push([first])[0]
    found = h.port.reconcile([first, second])
    assert list(found.values()) == [pushed.record_id]


def check_reconcile_finds_contacts_and_events(h: CrmHarness) -> None:
    who = h.backdoor.add_person("Contact", "Lu", "Meets", "lu@meets.example")
    contact_key = "contact:contract-rec"
    contact = CrmRecord(
        contact_key,
        idempotency_key("contract", contact_key),
        "Contact",
        {"FirstName": "Mo", "LastName": "Created", "Email": "mo@created.example"},
    )
    event_key = "event:contract-rec"
    event = CrmRecord(
        event_key,
        idempotency_key("contract", event_key),
        "Event",
        {
            "Subject": "Quarterly review",
            "StartDateTime": "2026-03-02T09:00:00.000Z",
            "EndDateTime": "2026-03-02T10:00:00.000Z",
            "WhoId": who,
        },
    )
    pushed = h.port.push([contact, event])
    assert all(r.ok for r in pushed), pushed
    found = h.port.reconcile([contact, event])
    assert found == {contact.idempotency_key: pushed[0].record_id, event.idempotency_key: pushed[1].record_id}


def check_existing_record_is_updated_not_duplicated(h: CrmHarness) -> None:
    contact = h.backdoor.add_person("Contact", "Fay", "Known", "fay@known.example")
    item_key = "contact:contract-known"
    record = CrmRecord(
        item_key,
        idempotency_key("contract", item_key),
        "Contact",
        {"LastName": "Known", "FirstName": "Fay", "Email": "fay@known.example", "Title": "CTO"},
        existing_id=contact,
    )
    result = h.port.push([record])[0]
    assert result.ok, result
    assert result.record_id == contact and not result.created
    assert h.backdoor.count("Contact", "Email", "fay@known.example") == 1  # updated, no second Contact


def check_converted_lead_is_not_matched(h: CrmHarness) -> None:
    h.backdoor.add_person("Lead", "Gil", "Former", "gil@converted.example", converted=True)
    open_lead = h.backdoor.add_person("Lead", "Hal", "Open", "hal@open.example")
    found = h.port.match(["gil@converted.example", "hal@open.example"])
    assert "gil@converted.example" not in found
    assert found["hal@open.example"].record_id == open_lead


def check_email_task_update_leaves_create_only_fields_alone(h: CrmHarness) -> None:
    who = h.backdoor.add_person("Contact", "Ivy", "Update", "ivy@update.example")
    record = _task("upd", who, subject="Email: first words")
    made = h.port.push([record])[0]
    assert made.ok, made
    changed = CrmRecord(
        record.item_key,
        record.idempotency_key,
        "Task",
        dict(record.values, Subject="Email: second words"),  # TaskSubtype rides along, as the mapping builds it
        existing_id=made.record_id,
    )
    updated = h.port.push([changed])[0]
    assert updated.ok and updated.record_id == made.record_id, updated
    stored = h.backdoor.values("Task", made.record_id)
    assert stored["Subject"] == "Email: second words" and stored["TaskSubtype"] == "Email"


def check_many_alternating_types_are_created(h: CrmHarness) -> None:
    who = h.backdoor.add_person("Contact", "Jo", "Mixed", "jo@mixed.example")
    records: list[CrmRecord] = []
    for n in range(12):  # Task, Event, Task, ...: 24 runs of one type, in the order given
        records.append(_task(f"mix-t{n}", who, subject=f"Mixed task {n}"))
        item_key = f"event:contract-mix-e{n}"
        values = {
            "Subject": f"Mixed meeting {n}",
            "StartDateTime": f"2026-02-{n + 1:02d}T10:00:00.000Z",
            "EndDateTime": f"2026-02-{n + 1:02d}T10:30:00.000Z",
            "WhoId": who,
        }
        records.append(CrmRecord(item_key, idempotency_key("contract", item_key), "Event", values))
    results = h.port.push(records)
    assert [r.item_key for r in results] == [r.item_key for r in records]
    assert all(r.ok for r in results), [r for r in results if not r.ok][:2]


def check_record_link(h: CrmHarness) -> None:
    assert h.port.record_link("003000000000001AAA").startswith("https://")


CHECKS = [
    check_match_prefers_contacts_and_ignores_case,
    check_push_results_in_order_and_reconcile_finds_them,
    check_bad_record_fails_alone,
    check_reconcile_finds_pushed_keys,
    check_reconcile_gives_each_record_to_one_create,
    check_reconcile_finds_contacts_and_events,
    check_existing_record_is_updated_not_duplicated,
    check_converted_lead_is_not_matched,
    check_email_task_update_leaves_create_only_fields_alone,
    check_many_alternating_types_are_created,
    check_record_link,
]
