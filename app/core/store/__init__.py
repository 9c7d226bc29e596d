"""The embedded store: SQLite in WAL mode, the one place sync state lives.

Tables (see docs/state.md for the item life cycle), each with its own module:

    items     the ledger (``ledger.py``): one row per mailbox item ever seen, its
              state, its CRM record, its retry schedule and, while it is not yet
              synced, its content (``rows.py``: so a crash after the cursor
              moved loses nothing)
    cursors   one delta cursor per mailbox stream (``settings.py``)
    sessions  one row per sync cycle with per-object counts, kept 30 days (``sessions.py``)
    issues    failures as records: one open issue per item, per account code (``issues.py``)
    settings  small JSON values: pause, scheduler state, counters (``settings.py``)
    api_calls, api_usage
              the API calls we spent and what the CRM reported about its API usage (``usage.py``)

The schema and its migrations are in ``schema.py``; the file, its connections
and transactions in ``database.py``.  Every write is a transaction; a page's
items and the cursor after it commit together, and an item's PENDING intent
commits before the CRM call.  Each thread gets its own connection, so the UI's
reads never wait on the engine.
"""

from __future__ import annotations

from app.core.store.database import Database, StoreError, from_ts, ts
from app.core.store.issues import ISSUE_ORDER, IssueLog, IssueQuery
from app.core.store.ledger import IngestStats, Ledger
from app.core.store.rows import LedgerRow, item_from_json, item_to_json
from app.core.store.schema import SCHEMA_VERSION
from app.core.store.sessions import SESSION_RETENTION, SessionLog
from app.core.store.settings import Cursors, Settings
from app.core.store.usage import ApiUsageLog

__all__ = [
    "ISSUE_ORDER",
    "SCHEMA_VERSION",
    "SESSION_RETENTION",
    "IngestStats",
    "IssueQuery",
    "LedgerRow",
    "Store",
    "StoreError",
    "from_ts",
    "item_from_json",
    "item_to_json",
    "ts",
]


class Store(Ledger, IssueLog, SessionLog, Settings, Cursors, ApiUsageLog, Database):
    """The SQLite database.  Open with ``Store.open(path)``; ``":memory:"`` is not supported (WAL needs a file)."""
