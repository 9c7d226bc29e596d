"""The sync cycle against the port fakes: what a user sees in Salesforce, in the mailbox and in the Issues tab."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.catalog import load_default
from app.core.engine import Engine, item_backoff
from app.core.model import IssueState, ItemKind, ItemState, Outcome, PushResult
from app.core.rules import Rules, RulesConfig
from app.core.service import KindProgress, Phase, Progress
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, account_error, contact, email

CATALOG = load_default()


class World:
    def __init__(self, tmp: Path, items: Sequence = (), **crm_kw: object) -> None:
        self.path = tmp / "syncbar.db"
        self.store = Store.open(self.path)
        self.mailbox = FakeMailbox(items)
        self.crm = FakeCrm(**crm_kw)  # type: ignore[arg-type]
        self.clock = Clock()
        self.rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))

    def engine(self, **kw: object) -> Engine:
        return Engine(self.store, self.mailbox, self.crm, self.rules, CATALOG, clock=self.clock, **kw)  # type: ignore[arg-type]

    def run(self, **kw: object):  # type: ignore[no-untyped-def]
        return self.engine(**kw).run()

    def state(self, key: str) -> ItemState:
        row = self.store.row(key)
        assert row is not None, key
        return row.state


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path, [email(i) for i in range(3)])


def test_emails_become_one_record_each_and_a_second_cycle_sends_nothing(world: World) -> None:
    first = world.run()
    assert first.ok and first.session.outcome is Outcome.CLEAN
    assert first.session.counts[ItemKind.EMAIL].new == 3
    assert len(world.crm.records) == 3
    calls = world.crm.api_calls
    second = world.run()
    assert len(world.crm.records) == 3
    assert second.session.counts == {}
    assert world.crm.api_calls == calls  # nothing due: no match, no push


def test_ignore_rules_count_by_reason_and_cost_no_write(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1, to="info@customer.com"), email(2, to="nobody@unknown.org"), email(3, to="")])
    result = w.run()
    ignored = result.session.counts[ItemKind.EMAIL].ignored
    assert ignored == {"IGN_GROUP_ADDRESS": 1, "IGN_NO_MATCH": 1, "IGN_EMPTY_ADDRESS": 1}
    assert w.crm.records == {}
    assert result.session.outcome is Outcome.CLEAN
    assert w.store.issues() == []


def test_missing_last_name_is_an_issue_with_a_mark_and_recovers_when_fixed(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(1, last="")])
    result = w.run()
    assert result.session.outcome is Outcome.ITEM_ISSUES
    [issue] = w.store.issues()
    assert issue.code == "DATA_REQUIRED_FIELD_MISSING" and "Last Name" in issue.message
    assert issue.mailbox_link == "https://mail.example/c1"
    assert w.mailbox.marks == {"c1": "Last Name missing"}
    assert "Sync Error" in w.mailbox.labels["c1"] and "Sync Error: Last Name missing" in w.mailbox.labels["c1"]
    # The user fills in the last name: the next cycle syncs it, closes the issue and removes both marks.
    w.mailbox.edit("c1", fields={"first_name": "Jo", "last_name": "Doe", "email": "person1@customer.com"})
    w.run()
    assert w.state("contact:c1") is ItemState.SYNCED
    assert w.store.issues() == []
    assert w.store.issues(IssueState.RESOLVED)[0].code == "DATA_REQUIRED_FIELD_MISSING"
    assert w.mailbox.marks == {}
    assert not any(label.startswith("Sync Error") for label in w.mailbox.labels["c1"])


def test_marking_an_item_does_not_make_it_look_edited(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(1, last="")])
    w.run()
    w.clock.advance(timedelta(seconds=10))
    again = w.run()  # the mark shows up in the delta as a change; the item is not retried early
    assert again.session.counts == {}
    assert w.store.row("contact:c1").attempts == 1  # type: ignore[union-attr]


def test_row_lock_is_retried_after_25_seconds_and_then_syncs(tmp_path: Path) -> None:
    locked = {"once": True}

    def reject(rec):  # type: ignore[no-untyped-def]
        if locked["once"]:
            locked["once"] = False
            return PushResult(rec.item_key, False, code="SF_ROW_LOCKED", message="unable to obtain exclusive access")
        return None

    w = World(tmp_path, [email(1)], reject=reject)
    w.run()
    row = w.store.row("email:m1")
    assert row is not None and row.state is ItemState.FAILED
    assert row.next_attempt == T0 + timedelta(seconds=25)
    w.clock.advance(timedelta(seconds=20))
    assert w.run().session.counts == {}  # not yet due
    w.clock.advance(timedelta(seconds=5))
    w.run()
    assert w.state("email:m1") is ItemState.SYNCED and len(w.crm.records) == 1


def test_item_backoff_grows_five_times_to_a_day() -> None:
    assert [item_backoff(n).total_seconds() for n in range(1, 6)] == [25, 125, 625, 3125, 15625]
    assert item_backoff(6) == timedelta(seconds=78125)
    assert item_backoff(7) == timedelta(hours=24)
    assert item_backoff(40) == timedelta(hours=24)


def test_an_item_failing_for_30_days_is_quarantined(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(1, last="")])
    for _ in range(40):
        w.run()
        w.clock.advance(timedelta(hours=24))
        if w.state("contact:c1") is ItemState.QUARANTINED:
            break
    assert w.state("contact:c1") is ItemState.QUARANTINED
    assert w.clock.now - T0 >= timedelta(days=30)
    before = w.store.row("contact:c1").attempts  # type: ignore[union-attr]
    w.clock.advance(timedelta(days=5))
    w.run()
    assert w.store.row("contact:c1").attempts == before  # type: ignore[union-attr]
    # Retry from the Issues tab brings it back.
    [issue] = w.store.issues()
    assert w.store.make_due([issue.item_key], w.clock()) == 1
    w.run()
    assert w.store.row("contact:c1").attempts == 1  # type: ignore[union-attr]


def test_an_item_is_given_up_at_the_try_thirty_days_after_its_first_failure(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(1, last="")])
    w.run()
    w.clock.advance(timedelta(days=30) - timedelta(seconds=1))
    w.run()
    assert w.state("contact:c1") is ItemState.FAILED  # a second short of thirty days: tried again later
    w.mailbox.add(contact(2, last=""))  # fails first now, and is tried again exactly thirty days later
    w.run()
    w.clock.advance(timedelta(days=30))
    w.run()
    assert w.state("contact:c2") is ItemState.QUARANTINED
    issue = next(i for i in w.store.issues() if i.item_key == "contact:c2")
    assert issue.next_attempt is None and issue.attempts == 2


def test_a_permanent_failure_is_quarantined_at_once(tmp_path: Path) -> None:
    w = World(
        tmp_path,
        [email(1)],
        reject=lambda rec: PushResult(rec.item_key, False, code="SF_INVALID_PARAMETER", message="bad"),
    )
    w.run()
    assert w.state("email:m1") is ItemState.QUARANTINED
    assert w.store.issues()[0].next_attempt is None


def test_an_account_error_stops_the_cycle_and_nothing_is_sent_twice(tmp_path: Path) -> None:
    w = World(tmp_path, [email(i) for i in range(5)])
    w.crm.faults.die_after_effect = False
    w.crm.faults.errors["push"] = [account_error("SF_SERVER_ERROR", "UNKNOWN_EXCEPTION")]
    result = w.run()
    assert result.session.outcome is Outcome.FAILED and result.session.error_code == "SF_SERVER_ERROR"
    assert [r.state for r in w.store.rows()] == [ItemState.PENDING] * 5
    [issue] = w.store.issues()
    assert issue.scope.value == "account" and issue.source.value == "Salesforce"
    assert issue.account == w.crm.account
    w.run()
    assert len(w.crm.records) == 5 and [r.state for r in w.store.rows()] == [ItemState.SYNCED] * 5
    assert w.store.issues() == []  # the account issue resolves when a cycle succeeds


def test_a_lost_answer_is_reconciled_not_resent(tmp_path: Path) -> None:
    w = World(tmp_path, [email(i) for i in range(4)])
    original = w.crm.push

    def push_then_fail(records):  # type: ignore[no-untyped-def]
        original(records)
        raise account_error("NET_CONNECTION_FAILED", "connection reset")

    w.crm.push = push_then_fail  # type: ignore[method-assign]
    assert w.run().session.error_code == "NET_CONNECTION_FAILED"
    w.crm.push = original  # type: ignore[method-assign]
    result = w.run()
    assert len(w.crm.records) == 4
    assert result.session.counts[ItemKind.EMAIL].new == 4


def test_an_expired_cursor_resyncs_everything_without_duplicates(world: World) -> None:
    world.run()
    world.mailbox.add(email(10))
    world.mailbox.expire_cursors()
    result = world.run()
    assert result.ok
    assert len(world.crm.records) == 4
    assert result.session.counts[ItemKind.EMAIL].new == 1


def test_an_edited_email_updates_its_record(world: World) -> None:
    world.run()
    world.mailbox.edit("m1", subject="Quote 1 (revised)")
    result = world.run()
    assert result.session.counts[ItemKind.EMAIL].updated == 1
    assert len(world.crm.records) == 3
    assert any(r.values.get("Subject") == "Quote 1 (revised)" for r in world.crm.records.values())


def test_an_item_deleted_before_it_synced_is_dropped(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(1, last="")])
    w.run()
    w.mailbox.remove("c1")
    w.run()
    assert w.state("contact:c1") is ItemState.REMOVED
    assert w.store.issues() == []


def test_rounds_hold_at_most_1000_records(tmp_path: Path) -> None:
    """Five collections of 200 fit one Salesforce composite call: the engine hands 1,000 at a time."""
    w = World(tmp_path, [email(i) for i in range(2450)])
    sizes: list[int] = []
    original = w.crm.push

    def spy(records):  # type: ignore[no-untyped-def]
        sizes.append(len(records))
        return original(records)

    w.crm.push = spy  # type: ignore[method-assign]
    seen: list[Progress] = []
    w.engine().run(seen.append)
    assert sizes == [1000, 1000, 450]
    writing = [p for p in seen if p.phase is Phase.WRITING]
    assert writing[0].done == 0 and writing[0].total == 2450 and writing[0].eta_seconds is None
    assert [p.done for p in writing] == [0, 1000, 2000, 2450] and writing[-1].total == 2450
    assert len(w.crm.records) == 2450


def test_progress_names_each_phase_in_order_with_counts_per_page_and_per_object(tmp_path: Path) -> None:
    """Reading moves page by page (50 here), not by the 1,000 of a round; the tallies are the session's."""

    def reject(rec):  # type: ignore[no-untyped-def]
        return PushResult(rec.item_key, False, code="SF_ROW_LOCKED", message="locked") if "m7" in rec.item_key else None

    w = World(tmp_path, [email(i) for i in range(120)], reject=reject)
    seen: list[Progress] = []
    w.engine().run(seen.append)
    phases = [p.phase for p in seen]
    order = [Phase.READING, Phase.MATCHING, Phase.WRITING, Phase.MARKING]
    assert sorted(phases, key=order.index) == phases and set(phases) == set(order)
    reading = [p.done for p in seen if p.phase is Phase.READING]
    assert reading == [0, 50, 100, 120] and all(p.total == 0 for p in seen if p.phase is Phase.READING)
    last_write = [p for p in seen if p.phase is Phase.WRITING][-1]
    assert last_write.done == last_write.total == 120
    assert last_write.kinds == (KindProgress(ItemKind.EMAIL, synced=109, failed=11),)
    marking = [p for p in seen if p.phase is Phase.MARKING]
    assert (marking[0].done, marking[-1].done, marking[-1].total) == (0, 11, 11)


def test_items_without_a_match_leave_no_round_half_empty_and_matching_is_one_call(tmp_path: Path) -> None:
    """1,100 emails of which 100 match nobody: 1,000 records in one push, all addresses in one match."""
    items = [email(i) for i in range(1000)] + [email(2000 + i, to=f"stranger{i}@unknown.example") for i in range(100)]
    w = World(tmp_path, items)
    sizes: list[int] = []
    matched: list[int] = []
    push, match = w.crm.push, w.crm.match

    def spy_push(records):  # type: ignore[no-untyped-def]
        sizes.append(len(records))
        return push(records)

    def spy_match(addresses):  # type: ignore[no-untyped-def]
        matched.append(len(addresses))
        return match(addresses)

    w.crm.push, w.crm.match = spy_push, spy_match  # type: ignore[method-assign]
    result = w.run()
    assert sizes == [1000] and matched == [101]
    assert result.session.counts[ItemKind.EMAIL].ignored == {"IGN_NO_MATCH": 100}


def test_the_same_message_in_inbox_and_sent_makes_one_record(tmp_path: Path) -> None:
    a = email(1, stream="sent")
    b = email(2, stream="inbox", headers={"Message-ID": "<m1@example.com>"})
    w = World(tmp_path, [a, b])
    result = w.run()
    assert len(w.crm.records) == 1
    assert result.session.counts[ItemKind.EMAIL].duplicate == 1


def test_disabled_kinds_are_not_sent(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1), contact(1)])
    w.run(kinds=[ItemKind.EMAIL])
    assert w.state("contact:c1") is ItemState.QUEUED
    assert len(w.crm.records) == 1


def test_a_rule_that_chokes_fails_only_its_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = World(tmp_path, [email(1), email(2)])
    original = w.rules.build

    def build(item, *a, **k):  # type: ignore[no-untyped-def]
        if item.mailbox_id == "m1":
            raise RuntimeError("boom")
        return original(item, *a, **k)

    monkeypatch.setattr(w.rules, "build", build)
    result = w.run()
    assert w.state("email:m1") is ItemState.QUARANTINED
    assert w.state("email:m2") is ItemState.SYNCED
    assert result.session.outcome is Outcome.ITEM_ISSUES
    assert w.store.issues()[0].code == "SYNC_UNKNOWN_ERROR"


class Killed(BaseException):
    """What a kill looks like from inside: nothing after it runs."""


def test_a_killed_session_is_recorded_as_interrupted_with_what_it_did(tmp_path: Path) -> None:
    w = World(tmp_path, [email(i) for i in range(5)])
    pushes = 0
    real_push = w.crm.push

    def push_then_die(records):  # type: ignore[no-untyped-def]
        nonlocal pushes
        pushes += 1
        if pushes == 2:
            raise Killed()
        return real_push(records)

    w.crm.push = push_then_die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        w.engine(batch_size=2).run()
    w.crm.push = real_push  # type: ignore[method-assign]
    second = w.run()
    assert second.session.outcome is Outcome.CLEAN
    older, _newer = sorted(w.store.sessions(), key=lambda s: s.id)
    assert older.outcome is Outcome.INTERRUPTED  # not "cancelled, nothing new"
    assert older.counts[ItemKind.EMAIL].new == 2  # the first batch of two was committed before the kill
    assert older.ended_at is not None and older.ended_at >= older.started_at
    assert len(w.crm.records) == 5  # nothing lost, nothing twice


def test_a_stream_not_granted_is_an_account_issue_while_the_rest_syncs(tmp_path: Path) -> None:
    from app.core.errors import StreamDenied
    from app.core.model import Scope

    w = World(tmp_path, [email(1), contact(2)])
    changes = w.mailbox.changes
    denied = {"contacts"}

    def reading(stream: str, cursor: str | None):  # type: ignore[no-untyped-def]
        if stream in denied:
            raise StreamDenied("MBX_SCOPE_NOT_GRANTED", 'The permission "Contacts" (contacts.read) was not granted')
        return changes(stream, cursor)

    w.mailbox.changes = reading  # type: ignore[method-assign]
    for _ in range(2):  # the issue stays one open issue while the permission is missing
        result = w.run()
        assert result.ok and result.session.outcome is Outcome.ITEM_ISSUES
        assert {r.object_type for r in w.crm.records.values()} == {"Task"}, "the mail synced"
        [issue] = w.store.issues()
        assert issue.scope is Scope.ACCOUNT and issue.code == "MBX_SCOPE_NOT_GRANTED"
        assert "contacts.read" in issue.message and issue.account == w.mailbox.account
    assert issue.attempts == 2
    assert CATALOG.user_message(issue.code).action.value == "reauthenticate"
    denied.clear()  # the user signs in again and allows it
    result = w.run()
    assert result.session.outcome is Outcome.CLEAN and w.store.issues() == []
    assert w.store.issues(IssueState.RESOLVED)[0].code == "MBX_SCOPE_NOT_GRANTED"
    assert any(r.object_type == "Contact" for r in w.crm.records.values())


def test_two_streams_denied_for_one_reason_are_one_issue_naming_both(tmp_path: Path) -> None:
    from app.core.errors import StreamDenied

    w = World(tmp_path, [email(1), contact(2)])
    changes = w.mailbox.changes
    words = {
        "contacts": 'The permission "Contacts" was not granted.',
        "inbox": 'The permission "Mail" was not granted.',
    }

    def reading(stream: str, cursor: str | None):  # type: ignore[no-untyped-def]
        if stream in words:
            raise StreamDenied("MBX_SCOPE_NOT_GRANTED", words[stream])
        return changes(stream, cursor)

    w.mailbox.changes = reading  # type: ignore[method-assign]
    w.run()
    [issue] = w.store.issues()
    assert all(text in issue.message for text in words.values()), issue.message


def test_a_detail_mark_with_commas_is_removed_whole_and_the_users_own_category_kept(tmp_path: Path) -> None:
    failing = {"on": True}

    def reject(rec):  # type: ignore[no-untyped-def]
        if failing["on"]:
            fields = ("LastName", "Email", "Company")
            return PushResult(rec.item_key, False, code="DATA_REQUIRED_FIELD_MISSING", message="x", fields=fields)
        return None

    w = World(tmp_path, [email(1)], reject=reject)
    w.mailbox.labels["m1"] = ("Customer, VIP",)  # the user's own category holds a comma too
    w.run()
    assert set(w.mailbox.labels["m1"]) == {
        "Customer, VIP",
        "Sync Error",
        "Sync Error: Last Name, Email, Company missing",
    }
    w.clock.advance(timedelta(seconds=10))
    w.run()  # the marked item comes back in the delta; its labels go through the ledger as a list
    failing["on"] = False
    w.clock.advance(timedelta(seconds=30))
    w.run()
    assert w.state("email:m1") is ItemState.SYNCED
    assert w.mailbox.labels["m1"] == ("Customer, VIP",)


def test_an_unexpected_error_in_a_provider_ends_the_session_with_a_fault_issue_and_its_traceback_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    w = World(tmp_path, [email(1), email(2)])
    w.crm.faults.errors["push"] = [KeyError("Id")]  # a provider bug, not a service's answer
    with caplog.at_level(logging.ERROR):
        result = w.run()
    assert not result.ok and result.error is not None and result.error.code == "SYNC_UNKNOWN_ERROR"
    assert result.session.outcome is Outcome.FAILED and result.session.error_code == "SYNC_UNKNOWN_ERROR"
    [issue] = w.store.issues()
    assert issue.code == "SYNC_UNKNOWN_ERROR" and issue.item_key == ""  # the account's issue, not an item's
    assert issue.account == OWNER and "KeyError" in issue.message
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info is not None and record.exc_info[0] is KeyError  # the traceback is in the log
    assert "Traceback" in caplog.text and "push" in caplog.text
    # Nothing was lost: the next cycle (the bug gone) sends both, once.
    w.run()
    assert len(w.crm.records) == 2 and w.store.issues() == []


def test_marks_the_mailbox_refuses_stay_pending_and_are_retried_next_cycle(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(1, last=""), contact(2, last="")])
    w.mailbox.refuse["c1"] = "MBX_THROTTLED"  # one answer of the batch is 429; the other applies
    w.run()
    assert w.mailbox.marks == {"c2": "Last Name missing"}
    assert [r.mailbox_id for r in w.store.marks_to_apply()] == ["c1"]
    del w.mailbox.refuse["c1"]
    w.clock.advance(timedelta(seconds=5))
    w.run()
    assert w.mailbox.marks == {"c1": "Last Name missing", "c2": "Last Name missing"}
    assert w.store.marks_to_apply() == []
    # Fixed in the mailbox, but the unmark of c2 is refused (404 in $batch): the red mark is removed next time.
    for key in ("c1", "c2"):
        w.mailbox.edit(key, fields={"first_name": "Jo", "last_name": "Doe", "email": f"person{key}@customer.com"})
    w.mailbox.refuse["c2"] = "MBX_ITEM_NOT_FOUND"
    w.clock.advance(timedelta(seconds=5))
    w.run()
    assert w.mailbox.marks == {"c2": "Last Name missing"}
    assert [r.mailbox_id for r in w.store.marks_to_remove()] == ["c2"]
    del w.mailbox.refuse["c2"]
    w.clock.advance(timedelta(seconds=5))
    w.run()
    assert w.mailbox.marks == {} and w.store.marks_to_remove() == []


# --- what a refused record leaves for the user, exactly (mutation-checked) ---


def test_a_record_salesforce_refuses_is_an_issue_with_its_words_fields_link_and_request(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1), email(2), email(3)])
    w.run()
    for n in (1, 2, 3):
        w.mailbox.edit(f"m{n}", subject=f"Quote {n} v2")
    w.crm.reject = lambda rec: (
        PushResult(
            rec.item_key, False, code="DATA_VALUE_TOO_LONG", message="too long", fields=("Subject",), request_id="r-9"
        )
        if rec.item_key == "email:m2"
        else None
    )
    w.clock.advance(timedelta(minutes=1))
    result = w.run()
    counts = result.session.counts[ItemKind.EMAIL]
    assert (counts.updated, counts.failed, counts.new) == (2, 1, 0)
    [issue] = w.store.issues()
    record_id = w.store.row("email:m2").record_id  # type: ignore[union-attr]
    assert (issue.code, issue.message, issue.request_id) == ("DATA_VALUE_TOO_LONG", "too long", "r-9")
    assert issue.source.value == "Salesforce" and issue.account == w.crm.account
    assert issue.crm_link == f"https://org.example/{record_id}" and record_id
    assert issue.next_attempt == w.clock() + timedelta(seconds=25)
    assert w.mailbox.marks == {"m2": CATALOG.mark_detail("DATA_VALUE_TOO_LONG", ("Subject",))}
    assert w.state("email:m1") is ItemState.SYNCED and w.state("email:m3") is ItemState.SYNCED


def test_an_account_problem_answered_for_one_record_still_records_the_others(tmp_path: Path) -> None:
    w = World(
        tmp_path,
        [email(1), email(2), email(3)],
        reject=lambda rec: (
            PushResult(rec.item_key, False, code="SF_STORAGE_FULL", message="storage full")
            if rec.item_key == "email:m1"
            else None
        ),
    )
    result = w.run()
    assert result.error is not None and (result.error.code, result.error.message) == ("SF_STORAGE_FULL", "storage full")
    assert result.error_source.value == "Salesforce" and result.error_account == w.crm.account
    assert w.state("email:m1") is ItemState.QUEUED  # waits, unblamed
    assert w.state("email:m2") is ItemState.SYNCED and w.state("email:m3") is ItemState.SYNCED
    [issue] = w.store.issues()
    assert (issue.code, issue.item_key, issue.message) == ("SF_STORAGE_FULL", "", "storage full")


def test_a_crm_answering_the_wrong_number_of_results_is_a_fault(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1), email(2)])
    real = w.crm.push
    w.crm.push = lambda records: real(records)[:1]  # type: ignore[method-assign]
    result = w.run()
    assert result.error is not None and result.error.code == "SYNC_UNKNOWN_ERROR"
    assert result.error.message == "the CRM answered 1 results for 2 records"
    assert [i.message for i in w.store.issues()] == ["the CRM answered 1 results for 2 records"]


def test_a_session_ends_with_its_time_its_usage_and_no_stale_account_issue(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1)])
    w.crm.faults.errors["match"] = [account_error("SF_SERVER_ERROR", "")]
    failed = w.run()
    assert failed.session.ended_at == w.clock() and w.store.issues()[0].message == "SF_SERVER_ERROR"
    w.clock.advance(timedelta(minutes=5))
    clean = w.run()
    assert clean.session.ended_at == w.clock() and w.store.issues() == []
    resolved = w.store.issues(IssueState.RESOLVED)
    assert resolved and resolved[0].last_seen <= w.clock()
    usage = w.store.api_usage_since(w.clock() - timedelta(hours=24))
    assert len(usage) == 2 and usage[-1].used == w.crm.api_calls and usage[-1].limit == 15000
    import threading

    stop = threading.Event()
    stop.set()
    w.mailbox.add(email(9))
    assert w.engine().run(cancelled=stop).session.outcome is Outcome.CANCELLED


# --- what support reads in the log, and the mark batches (mutation-checked) ---


def test_each_item_failure_is_one_log_line_support_can_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The log a support report carries names each failed item, its code, its attempt and when it is tried
    again (or that it was given up), and Salesforce's request id when there is one."""

    def reject(rec):  # type: ignore[no-untyped-def]
        if rec.item_key == "email:m1":
            return PushResult(rec.item_key, False, code="SF_ROW_LOCKED", message="locked", request_id="req-7")
        if rec.item_key == "email:m2":
            return PushResult(rec.item_key, False, code="SF_INVALID_PARAMETER", message="bad")
        return None

    w = World(tmp_path, [email(1), email(2), email(3)], reject=reject)
    with caplog.at_level(logging.INFO, logger="syncbar.engine"):
        result = w.run()
    assert (result.session.counts[ItemKind.EMAIL].failed, result.failed_items) == (2, 2)
    lines = sorted(r.getMessage() for r in caplog.records if r.name == "syncbar.engine" and "failed" in r.getMessage())
    assert lines == [
        "item email:m1 failed: SF_ROW_LOCKED (attempt 1, next try 09:00:25) request req-7",
        "item email:m2 failed: SF_INVALID_PARAMETER (attempt 1, quarantined)",
    ]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.getMessage() in lines)


def test_an_unexpected_error_is_logged_as_the_cycle_stopping(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    w = World(tmp_path, [email(1)])
    w.mailbox.faults.errors["changes"] = [RuntimeError("boom")]
    with caplog.at_level(logging.ERROR, logger="syncbar.engine"):
        result = w.run()
    assert result.error is not None and result.error.message == "RuntimeError: boom"
    [record] = [r for r in caplog.records if r.name == "syncbar.engine"]
    assert record.levelno == logging.ERROR and record.getMessage() == "the sync cycle stopped on an unexpected error"


def test_an_item_that_never_reached_salesforce_has_no_salesforce_link_or_request(tmp_path: Path) -> None:
    """A contact Syncbar cannot build (no last name) fails on this computer: its issue links the mailbox
    item only, and names no Salesforce request."""
    w = World(tmp_path, [contact(1, last="")])
    w.run()
    [issue] = w.store.issues()
    assert issue.crm_link == "" and issue.request_id == ""
    assert issue.mailbox_link == "https://mail.example/c1" and issue.account == w.mailbox.account


def test_many_marks_go_to_the_mailbox_in_batches_of_at_most_100(tmp_path: Path) -> None:
    w = World(tmp_path, [contact(n, last="") for n in range(150)])
    sizes: list[int] = []
    real_mark, real_unmark = w.mailbox.mark, w.mailbox.unmark

    def mark(marks):  # type: ignore[no-untyped-def]
        sizes.append(len(marks))
        return real_mark(marks)

    def unmark(marks):  # type: ignore[no-untyped-def]
        sizes.append(-len(marks))
        return real_unmark(marks)

    w.mailbox.mark, w.mailbox.unmark = mark, unmark  # type: ignore[method-assign]
    w.run()
    assert sizes == [100, 50]
    assert len(w.mailbox.marks) == 150 and w.store.marks_to_apply() == []
    for n in range(150):  # every contact fixed: every mark removed, again 100 at a time
        w.mailbox.edit(f"c{n}", fields={"first_name": "Jo", "last_name": "Doe", "email": f"p{n}@customer.com"})
    w.clock.advance(timedelta(minutes=1))
    sizes.clear()
    w.run()
    assert sizes == [-100, -50]
    assert w.mailbox.marks == {} and w.store.marks_to_remove() == []


def test_a_full_disk_is_handed_to_the_runner_not_reported_as_a_bug(tmp_path: Path) -> None:
    """SQLite finds no room mid-cycle: the cycle does not call it an unexpected error (SYNC_UNKNOWN_ERROR);
    the error goes up to the runner, which names it SYNC_DISK_FULL (tests/system/test_local_state.py)."""
    import sqlite3

    from app.core.local import storage_code

    w = World(tmp_path, [email(n, body="x" * 4000) for n in range(100)])
    with w.store.transaction() as tx:  # the database may not grow: as on a disk with no room left
        pages = tx.execute("PRAGMA page_count").fetchone()[0]
        tx.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        w.run()
    assert storage_code(caught.value) == "SYNC_DISK_FULL"
    assert [i.code for i in w.store.issues()] == []


def test_what_was_shortened_to_fit_is_noted_on_the_synced_item(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1, subject="s" * 300), email(2), email(3, subject="s" * 300, body="b" * 40_000)])
    w.run()
    assert w.store.row("email:m1").notes == "Subject truncated to 255 characters"  # type: ignore[union-attr]
    both = "Subject truncated to 255 characters; Description truncated to 32000 characters"
    assert w.store.row("email:m3").notes == both  # type: ignore[union-attr]
    assert w.store.row("email:m2").notes == ""  # type: ignore[union-attr]


def test_a_setting_problem_answered_for_one_record_blames_salesforce(tmp_path: Path) -> None:
    """An account-level code without a service prefix (a field mapping Salesforce no longer has) answered
    for one record is Salesforce's account's problem, shown on the Salesforce account."""
    w = World(
        tmp_path,
        [email(1)],
        reject=lambda rec: PushResult(rec.item_key, False, code="SET_MISSING_FIELD_MAPPING", message="no field"),
    )
    result = w.run()
    assert result.error is not None and result.error.code == "SET_MISSING_FIELD_MAPPING"
    assert result.error_source.value == "Salesforce" and result.error_account == w.crm.account
    [issue] = w.store.issues()
    assert issue.account == w.crm.account and issue.source.value == "Salesforce"


def test_a_refusal_without_a_code_is_an_unknown_error_on_the_item(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1)], reject=lambda rec: PushResult(rec.item_key, False, message="no reason given"))
    w.run()
    [issue] = w.store.issues()
    assert (issue.code, issue.item_key, issue.message) == ("SYNC_UNKNOWN_ERROR", "email:m1", "no reason given")


def test_the_pull_time_is_measured(tmp_path: Path) -> None:
    import time

    w = World(tmp_path, [email(n) for n in range(20)])
    started = time.perf_counter()
    result = w.run()
    assert 0 < result.pull_seconds <= time.perf_counter() - started


def test_an_account_issue_keeps_the_services_request_id_and_a_wordless_error_shows_its_code(tmp_path: Path) -> None:
    from app.core.errors import AccountError, StreamDenied

    w = World(tmp_path, [email(1), contact(2)])
    w.crm.faults.errors["match"] = [AccountError("SF_SERVER_ERROR", "", request_id="sf-req-1")]
    w.run()
    [issue] = w.store.issues()
    assert (issue.code, issue.message, issue.request_id) == ("SF_SERVER_ERROR", "SF_SERVER_ERROR", "sf-req-1")
    changes = w.mailbox.changes

    def reading(stream: str, cursor: str | None):  # type: ignore[no-untyped-def]
        if stream == "contacts":
            raise StreamDenied("MBX_SCOPE_NOT_GRANTED", "", request_id="mbx-req-2")
        return changes(stream, cursor)

    w.mailbox.changes = reading  # type: ignore[method-assign]
    w.clock.advance(timedelta(minutes=5))
    w.run()
    [denied] = w.store.issues()
    assert (denied.code, denied.message, denied.request_id) == (
        "MBX_SCOPE_NOT_GRANTED",
        "MBX_SCOPE_NOT_GRANTED",
        "mbx-req-2",
    )


def test_a_session_killed_after_its_push_shows_when_its_last_results_were_recorded(tmp_path: Path) -> None:
    """Killed while marking: the interrupted session still shows what it synced and when it last recorded it."""
    from tests.fakes import Crash

    w = World(tmp_path, [email(1), contact(2, last="")])
    real_push = w.crm.push

    def slow_push(records):  # type: ignore[no-untyped-def]
        w.clock.advance(timedelta(minutes=1))  # Salesforce took a minute to answer
        return real_push(records)

    w.crm.push = slow_push  # type: ignore[method-assign]
    w.mailbox.faults.errors["mark"] = [Crash("killed while marking")]  # type: ignore[list-item]
    with pytest.raises(Crash):
        w.run()
    w.clock.advance(timedelta(minutes=5))
    w.run()
    older = min(w.store.sessions(), key=lambda s: s.id)
    assert older.outcome is Outcome.INTERRUPTED and older.counts[ItemKind.EMAIL].new == 1
    assert older.ended_at == T0 + timedelta(minutes=1)


# --- what the progress bar is told, and when rounds go out (mutation-checked) ---


def test_progress_counts_up_to_every_due_item_and_ends_with_nothing_left(tmp_path: Path) -> None:
    w = World(tmp_path, [email(n) for n in range(5)] + [email(9, to="nobody@unknown.org")])
    seen: list[Progress] = []
    w.engine(batch_size=2).run(progress=seen.append)
    writing = [p for p in seen if p.phase is Phase.WRITING]
    assert writing[0].done == 0 and writing[0].total == 6 and writing[0].eta_seconds is None
    # Rounds of two: m0 m1, m2 m3, then m4 alone (m9 has no Contact or Lead): the last report counts m9 too.
    assert [(p.done, p.total) for p in writing] == [(0, 6), (2, 6), (4, 6), (5, 6), (6, 6)]
    assert all(p.eta_seconds is not None and p.eta_seconds >= 0 for p in writing[1:])
    assert seen[-1] is writing[-1] and seen[-1].eta_seconds == 0.0
    # A cycle where every due item is settled without Salesforce still ends at "all done, nothing left".
    w.mailbox.add(email(10, to="info@customer.com"))
    seen.clear()
    w.engine().run(progress=seen.append)
    assert (seen[-1].done, seen[-1].total, seen[-1].eta_seconds, seen[-1].phase) == (1, 1, 0.0, Phase.WRITING)


def test_a_full_round_is_sent_before_the_next_is_prepared(tmp_path: Path) -> None:
    """A kill while the second round is being prepared leaves the first one synced and recorded."""
    from tests.fakes import Crash

    w = World(tmp_path, [email(n) for n in range(4)])
    real = w.store.rows_by_keys
    calls = 0

    def rows_by_keys(keys):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 4:  # two screening reads, the first round's build, then the second round's
            raise Crash("killed while preparing the second round")
        return real(keys)

    w.store.rows_by_keys = rows_by_keys  # type: ignore[method-assign]
    with pytest.raises(Crash):
        w.engine(batch_size=2).run()
    assert len(w.crm.records) == 2
    assert [w.state(f"email:m{n}") for n in range(4)].count(ItemState.SYNCED) == 2


def test_the_time_left_is_the_pace_so_far_times_the_items_left(tmp_path: Path) -> None:
    """Each report's estimate is (time since writing began) / items done x items left, bounded by the
    times the reports arrived (Salesforce takes 0.2 s per round, so the rounds set the pace)."""
    import itertools
    import time

    w = World(tmp_path, [email(n) for n in range(6)])
    real_push = w.crm.push

    def slow_push(records):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        return real_push(records)

    w.crm.push = slow_push  # type: ignore[method-assign]
    seen: list[tuple[float, Progress]] = []
    before = time.monotonic()
    w.engine(batch_size=2).run(progress=lambda p: seen.append((time.monotonic(), p)))
    seen = [(at, p) for at, p in seen if p.phase is Phase.WRITING]  # the time left is measured on the writing
    first = seen[0][0]
    assert [p.done for _, p in seen] == [0, 2, 4, 6]
    for (earlier, _), (at, p) in itertools.pairwise(seen):
        left = p.total - p.done
        assert p.eta_seconds is not None
        assert (earlier - first) / p.done * left <= p.eta_seconds <= (at - before) / p.done * left, (p, at - before)
    assert seen[1][1].eta_seconds >= 0.2 / 2 * 4  # type: ignore[operator]  # one round of 0.2 s done, two to go


def test_each_kind_counts_every_item_it_looked_at(tmp_path: Path) -> None:
    w = World(tmp_path, [email(1), email(2, to="info@customer.com"), email(3, to=""), contact(4), contact(5, last="")])
    counts = w.run().session.counts
    assert (counts[ItemKind.EMAIL].total, counts[ItemKind.CONTACT].total) == (3, 2)
    assert sum(counts[ItemKind.EMAIL].ignored.values()) + counts[ItemKind.EMAIL].new == 3
    assert (counts[ItemKind.CONTACT].new, counts[ItemKind.CONTACT].failed) == (1, 1)


def test_without_an_activation_time_the_history_window_counts_back_from_the_cycles_time(tmp_path: Path) -> None:
    """A profile that kept no first sign-in time: what is older than its history window, seen from the time
    the cycle runs, is ignored as before the window; the rest syncs."""
    w = World(tmp_path, [email(1, when=T0 - timedelta(days=40)), email(2, when=T0 - timedelta(days=1))])
    w.rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=None, history_days=30))
    result = w.run()
    assert result.session.counts[ItemKind.EMAIL].ignored == {"IGN_BEFORE_WINDOW": 1}
    assert w.state("email:m1") is ItemState.IGNORED and w.state("email:m2") is ItemState.SYNCED


def test_a_screening_rule_that_chokes_fails_only_its_item_with_its_traceback_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    w = World(tmp_path, [email(1), email(2), email(3)])
    original = w.rules.screen

    def screen(item, now):  # type: ignore[no-untyped-def]
        if item.mailbox_id == "m1":
            raise ValueError("odd header")
        return original(item, now)

    monkeypatch.setattr(w.rules, "screen", screen)
    with caplog.at_level(logging.ERROR, logger="syncbar.engine"):
        result = w.run()
    assert result.ok and result.session.outcome is Outcome.ITEM_ISSUES
    [issue] = w.store.issues()
    assert (issue.item_key, issue.code, issue.message) == ("email:m1", "SYNC_UNKNOWN_ERROR", "ValueError: odd header")
    assert issue.mailbox_link == "https://mail.example/m1" and issue.attempts == 1
    assert w.state("email:m1") is ItemState.QUARANTINED  # our bug: stopped until Retry, not retried for ever
    assert w.state("email:m2") is ItemState.SYNCED and w.state("email:m3") is ItemState.SYNCED  # the rest go on
    counts = result.session.counts[ItemKind.EMAIL]
    assert (counts.total, counts.failed, counts.new) == (3, 1, 2)
    [record] = [r for r in caplog.records if r.name == "syncbar.engine"]
    assert record.getMessage() == "screening item email:m1 failed; it becomes an issue"
    assert record.exc_info is not None and record.exc_info[0] is ValueError


def test_every_copy_after_the_first_is_ignored_as_a_duplicate_and_the_rest_go_on(tmp_path: Path) -> None:
    # m2 and m8 carry m1's Message-ID (m8 without the angle brackets, read after other messages), with other text.
    copies = [email(2, stream="inbox", headers={"Message-ID": "<m1@example.com>"}, body="Fwd")]
    copies.append(email(8, stream="inbox", headers={"Message-ID": " m1@example.com "}, body="Re"))
    group = [email(n, to="info@customer.com") for n in (5, 7)]
    w = World(tmp_path, [email(1), *copies, email(4), *group, email(6)])
    result = w.run()
    counts = result.session.counts[ItemKind.EMAIL]
    assert (counts.duplicate, counts.new, counts.ignored) == (2, 3, {"IGN_GROUP_ADDRESS": 2})
    for key in ("email:m2", "email:m8"):
        row = w.store.row(key)
        assert row is not None and row.state is ItemState.IGNORED and row.last_code == "IGN_DUPLICATE_IN_BATCH"
    assert w.state("email:m4") is ItemState.SYNCED and w.state("email:m6") is ItemState.SYNCED
