"""The store's own reads that no cycle test reaches: Salesforce API usage over a window, and a read-only
open that refuses a database of another schema (it cannot migrate what it may not write); and the
batched writes of the ledger (a page in a few statements, many items settled at once) against what
writing one item at a time did."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.model import ApiUsage, Direction, ItemKind, ItemState, MailItem, Person, Source
from app.core.store import SCHEMA_VERSION, IngestStats, IssueQuery, Store, StoreError, item_from_json, item_to_json
from tests.fakes import T0, email


def test_api_usage_since_gives_the_window_oldest_first_and_keeps_two_days(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    for hours_ago, used in ((47, 100), (30, 200), (1, 400), (20, 300)):
        store.record_usage(used, 15000, T0 - timedelta(hours=hours_ago))
    assert store.api_usage_since(T0 - timedelta(hours=24)) == [
        ApiUsage(300, 15000, T0 - timedelta(hours=20)),
        ApiUsage(400, 15000, T0 - timedelta(hours=1)),
    ]
    store.record_usage(500, 16000, T0 + timedelta(hours=2))  # the 47-hour-old observation is now 49 hours old
    assert [(u.used, u.limit) for u in store.api_usage_since(T0 - timedelta(days=3))] == [
        (200, 15000),
        (300, 15000),
        (400, 15000),
        (500, 16000),
    ]
    assert store.api_usage_since(T0 + timedelta(hours=3)) == []
    store.close()


def test_a_read_only_open_reads_the_current_schema_and_refuses_another(tmp_path: Path) -> None:
    path = tmp_path / "syncbar.db"
    Store.open(path).close()
    readable = Store.open_read_only(path)
    assert readable.api_usage_since(T0) == [] and readable.issues() == []
    readable.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    with pytest.raises(StoreError, match=f"has schema {SCHEMA_VERSION - 1} and this Syncbar needs {SCHEMA_VERSION}"):
        Store.open_read_only(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1  # nothing was migrated


def test_a_page_holding_an_item_twice_is_written_as_if_one_copy_followed_the_other(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    first, edited = email(1), email(1, subject="Quote 1, revised")
    relabelled = dataclasses.replace(edited, labels=("Customers",))
    stats = store.ingest("sent", [first, edited, relabelled, email(2)], [], "c1", T0)
    assert stats == IngestStats(new=2, changed=1, unchanged=1)
    row = store.row(first.key)
    assert row is not None and row.state is ItemState.QUEUED
    assert row.fingerprint == edited.fingerprint() and item_from_json(row.payload or "") == edited
    assert row.labels == ("Customers",)
    store.close()


def test_ingest_requeues_what_changed_keeps_an_intent_and_only_relabels_the_unchanged(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    items = [email(n) for n in range(1, 5)]
    store.ingest("sent", items, [], "c1", T0)
    with store.transaction() as tx:
        store.set_synced(tx, items[0].key, "00T1", T0)
        store.set_failed(
            tx,
            items[1].key,
            code="X",
            message="",
            attempts=3,
            next_attempt=T0 + timedelta(hours=1),
            first_failed=T0,
            quarantined=False,
            mark="",
            now=T0,
        )
    store.mark_pending([(items[2].key, "idem3", "Task", "{}")], T0)
    later = T0 + timedelta(minutes=5)
    page = [
        email(1, subject="edited"),  # synced, changed: sent again as an update
        email(2, subject="edited"),  # failed, changed: a fresh try
        email(3, subject="edited"),  # pending, changed: the intent stays, the content is the new one
        dataclasses.replace(items[3], labels=("VIP",)),  # unchanged but for its categories
    ]
    assert store.ingest("sent", page, [], "c2", later) == IngestStats(changed=3, unchanged=1)
    rows = {n: store.row(items[n - 1].key) for n in range(1, 5)}
    assert all(r is not None for r in rows.values())
    one, two, three, four = (rows[n] for n in range(1, 5))
    assert one and one.state is ItemState.QUEUED and one.record_id == "00T1" and one.payload
    assert two and two.state is ItemState.QUEUED and two.attempts == 0 and two.next_attempt is None
    assert three and three.state is ItemState.PENDING and three.idem_key == "idem3"
    assert three.fingerprint == page[2].fingerprint() and three.sent_fp == items[2].fingerprint()
    assert (
        four
        and four.state is ItemState.QUEUED
        and four.labels == ("VIP",)
        and four.fingerprint == items[3].fingerprint()
    )
    assert store.cursor("sent") == "c2"
    store.close()


def test_settling_many_items_resolves_their_open_issues_and_no_other(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    items = [email(n) for n in range(1, 5)]
    store.ingest("sent", items, [], "c1", T0)
    with store.transaction() as tx:
        for item in items:
            row = store.row(item.key)
            assert row is not None
            store.record_item_issue(
                tx,
                row=row,
                code="X",
                source=Source.ENGINE,
                account="a",
                message="",
                attempts=1,
                next_attempt=None,
                now=T0,
            )
    later = T0 + timedelta(minutes=1)
    with store.transaction() as tx:
        store.set_synced_many(tx, [(items[0].key, "00T1", "a note")], later)
        store.set_ignored_many(tx, [(items[1].key, "IGN_NO_MATCH")], later)
    open_keys = {i.item_key for i in store.issues()}
    assert open_keys == {items[2].key, items[3].key}
    synced, ignored = store.row(items[0].key), store.row(items[1].key)
    assert synced and synced.state is ItemState.SYNCED and synced.record_id == "00T1" and synced.notes == "a note"
    assert synced.payload is None
    assert ignored and ignored.state is ItemState.IGNORED and ignored.last_code == "IGN_NO_MATCH"
    store.close()


def test_fingerprints_and_payloads_are_what_earlier_versions_wrote() -> None:
    """A fingerprint computed differently would make every item in the ledger look edited and send it again."""
    item = MailItem(
        ItemKind.EVENT,
        "AAMk1",
        "calendar",
        subject="Réunion — Q4",
        body="Ligne 1\nLigne 2 ✓",
        sender=Person("dana@customer.example", "Dana Fox"),
        recipients=(Person("rep@example.com", "Rep"),),
        occurred_at=T0,
        end_at=T0 + timedelta(hours=1),
        direction=Direction.INBOUND,
        fields={"location": "Göteborg", "categories": "Blue"},
        headers={"Message-ID": "<x@y>"},
        labels=("Blue",),
    )
    assert item.fingerprint() == "b0eed503c6db37f77611a60a1482df3e"  # computed by the version before batching
    payload = item_to_json(item)
    assert payload.startswith('{"kind": "event", "mailbox_id": "AAMk1", "stream": "calendar", "subject": "Réunion')
    assert item_from_json(payload) == item


def test_a_days_issues_are_those_seen_that_day_in_sql_as_in_memory(tmp_path: Path) -> None:
    """The General tab's chart leads to a day's issues: first seen before its end, last seen after its start."""
    store = Store.open(tmp_path / "syncbar.db")
    store.record_account_issue(code="SF_DAILY_LIMIT", source=Source.SALESFORCE, account="a", message="", now=T0)
    store.record_account_issue(
        code="SF_DAILY_LIMIT", source=Source.SALESFORCE, account="a", message="", now=T0 + timedelta(days=2)
    )  # the same issue, seen again two days later
    store.record_account_issue(
        code="SYNC_NETWORK", source=Source.MAILBOX, account="b", message="", now=T0 + timedelta(days=3)
    )
    day_after = IssueQuery(seen_from=T0 + timedelta(days=1), seen_before=T0 + timedelta(days=2))
    before = IssueQuery(seen_from=T0 - timedelta(days=2), seen_before=T0 - timedelta(days=1))
    last = IssueQuery(seen_from=T0 + timedelta(days=3), seen_before=T0 + timedelta(days=4))
    for query, codes in ((day_after, ["SF_DAILY_LIMIT"]), (before, []), (last, ["SYNC_NETWORK"]), (IssueQuery(), 2)):
        found = [i.code for i in store.issue_page(query, 0, 10)]
        assert (found if isinstance(codes, list) else len(found)) == codes
        assert store.count_issues(query) == len(found)
        in_memory = [i.code for i in store.issues(None) if query.seen_in_window(i.first_seen, i.last_seen)]
        assert sorted(in_memory) == sorted(found)
    store.close()
