"""The store's own reads that no cycle test reaches: Salesforce API usage over a window, and a read-only
open that refuses a database of another schema (it cannot migrate what it may not write)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.model import ApiUsage, Source
from app.core.store import SCHEMA_VERSION, IssueQuery, Store, StoreError
from tests.fakes import T0


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
