"""The store's schema: the numbered migrations that build it, in order.

``PRAGMA user_version`` holds how many have run; ``Database.migrate`` runs the
rest.  A migration is never edited once released: a change is a new one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE items (
        key           TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        stream        TEXT NOT NULL,
        mailbox_id    TEXT NOT NULL,
        title         TEXT NOT NULL DEFAULT '',
        web_link      TEXT NOT NULL DEFAULT '',
        fingerprint   TEXT NOT NULL,
        state         TEXT NOT NULL,
        idem_key      TEXT NOT NULL DEFAULT '',
        record_id     TEXT NOT NULL DEFAULT '',
        record_type   TEXT NOT NULL DEFAULT '',
        last_code     TEXT NOT NULL DEFAULT '',
        last_message  TEXT NOT NULL DEFAULT '',
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_attempt  TEXT NOT NULL DEFAULT '',
        first_failed  TEXT NOT NULL DEFAULT '',
        labels        TEXT NOT NULL DEFAULT '[]',
        marked        TEXT NOT NULL DEFAULT '',
        mark_want     TEXT NOT NULL DEFAULT '',
        sent_fp       TEXT NOT NULL DEFAULT '',
        notes         TEXT NOT NULL DEFAULT '',
        payload       TEXT,
        seen_at       TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX items_state ON items(state, next_attempt);
    CREATE INDEX items_idem ON items(idem_key);
    CREATE TABLE cursors (
        stream      TEXT PRIMARY KEY,
        cursor      TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        account     TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        outcome     TEXT NOT NULL,
        counts      TEXT NOT NULL DEFAULT '{}',
        error_code  TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX sessions_started ON sessions(started_at);
    CREATE TABLE issues (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        code          TEXT NOT NULL,
        scope         TEXT NOT NULL,
        source        TEXT NOT NULL,
        account       TEXT NOT NULL,
        state         TEXT NOT NULL,
        first_seen    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 1,
        next_attempt  TEXT NOT NULL DEFAULT '',
        kind          TEXT NOT NULL DEFAULT '',
        item_key      TEXT NOT NULL DEFAULT '',
        item_title    TEXT NOT NULL DEFAULT '',
        mailbox_link  TEXT NOT NULL DEFAULT '',
        crm_link      TEXT NOT NULL DEFAULT '',
        message       TEXT NOT NULL DEFAULT '',
        request_id    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX issues_open ON issues(state, item_key);
    CREATE TABLE settings (
        name   TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    CREATE TABLE api_calls (
        account  TEXT NOT NULL,
        at       TEXT NOT NULL,
        count    INTEGER NOT NULL
    );
    CREATE INDEX api_calls_at ON api_calls(account, at);
    CREATE TABLE api_usage (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        observed_at  TEXT NOT NULL,
        used         INTEGER NOT NULL,
        lim          INTEGER NOT NULL
    );
    """,
    # v2: the Issues tab pages through the log in its sort order (100,000 issues open at once).
    """
    CREATE INDEX issues_by_last_seen ON issues(last_seen, id);
    CREATE INDEX issues_by_state_last_seen ON issues(state, last_seen, id)
    """,
    # v3: the values of a create in flight, so reconcile can find the record in an org without our key field.
    """
    ALTER TABLE items ADD COLUMN sent_values TEXT NOT NULL DEFAULT ''
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
