"""The store's own reads that no cycle test reaches: Salesforce API usage over a window, and a read-only
open that refuses a database of another schema (it cannot migrate what it may not write)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.model import ApiUsage
from app.core.store import SCHEMA_VERSION, Store, StoreError
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
