"""The embedded store: SQLite in WAL mode, the one place sync state lives.

Tables (see docs/state.md for the item life cycle):

    items     the ledger: one row per mailbox item ever seen, its state, its
              CRM record, its retry schedule and, while it is not yet synced,
              its content (so a crash after the cursor moved loses nothing)
    cursors   one delta cursor per mailbox stream
    sessions  one row per sync cycle with per-object counts (kept 30 days)
    issues    failures as records (one open issue per item, per account code)
    settings  small JSON values: pause, scheduler state, counters
    api_usage what the CRM reported about its API usage

Every write is a transaction; a page's items and the cursor after it commit
together, and an item's PENDING intent commits before the CRM call.  Each
thread gets its own connection, so the UI's reads never wait on the engine.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.model import (
    Direction,
    Issue,
    IssueState,
    ItemKind,
    ItemState,
    MailItem,
    ObjectCounts,
    Outcome,
    Person,
    Scope,
    Session,
    Source,
)

SESSION_RETENTION = timedelta(days=30)

_MIGRATIONS: tuple[str, ...] = (
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
    # v4: the Issues tab names an item by subject, correspondent and date (two mails both called "Hello").
    """
    ALTER TABLE issues ADD COLUMN item_who TEXT NOT NULL DEFAULT '';
    ALTER TABLE issues ADD COLUMN item_at TEXT NOT NULL DEFAULT ''
    """,
)

SCHEMA_VERSION = len(_MIGRATIONS)

# Issues tab columns -> the SQL that orders by them.
ISSUE_ORDER = {
    "last_seen": "last_seen",
    "first_seen": "first_seen",
    "source": "source",
    "kind": "kind",
    "item": "item_title COLLATE NOCASE",
    "code": "code",
    "message": "code",
    "attempts": "attempts",
    "state": "state",
    "mailbox": "mailbox_link",
    "crm": "crm_link",
}


@dataclass(frozen=True)
class IssueQuery:
    """Which issues, in which order: what the Issues tab asks the store for."""

    state: str = ""  # "" = any state
    kind: str = ""  # "" = any; "account" = account-level issues
    source: str = ""
    scope: str = ""  # "" = any; "item" or "account"
    text: str = ""  # searched in item, account, code and message (case-insensitive)
    codes: tuple[str, ...] = ()  # also matched: codes whose catalogue title holds the text
    order: str = "last_seen"
    descending: bool = True

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.state:
            clauses.append("state=?")
            args.append(self.state)
        if self.kind:
            clauses.append("kind=?")
            args.append("" if self.kind == "account" else self.kind)
        if self.source:
            clauses.append("source=?")
            args.append(self.source)
        if self.scope:
            clauses.append("scope=?")
            args.append(self.scope)
        if self.text:
            like = "%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            fields = " OR ".join(
                f"{f} LIKE ? ESCAPE '\\'" for f in ("item_title", "item_who", "account", "code", "message")
            )
            args += [like] * 5
            if self.codes:
                fields += f" OR code IN ({','.join('?' * len(self.codes))})"
                args += list(self.codes)
            clauses.append(f"({fields})")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


class StoreError(Exception):
    """The database cannot be used; the message names the file and what to do."""


def ts(moment: datetime | None) -> str:
    """A datetime as sortable UTC text ('' for none)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_ts(text: str | None) -> datetime | None:
    if not text:
        return None
    # fromisoformat (C) reads what ts() writes about 20 times faster than strptime; this matters when the
    # Issues tab loads 100,000 issues.
    return datetime.fromisoformat(text[:-1] if text.endswith("Z") else text).replace(tzinfo=UTC)


def _dt(text: str) -> datetime:
    value = from_ts(text)
    assert value is not None
    return value


# --- item content (kept while an item is not yet synced) ------------------------


def item_to_json(item: MailItem) -> str:
    def person(p: Person | None) -> list[str] | None:
        return [p.address, p.name] if p else None

    return json.dumps(
        {
            "kind": item.kind.value,
            "mailbox_id": item.mailbox_id,
            "stream": item.stream,
            "subject": item.subject,
            "body": item.body,
            "sender": person(item.sender),
            "recipients": [[p.address, p.name] for p in item.recipients],
            "occurred_at": item.occurred_at.isoformat() if item.occurred_at else None,
            "end_at": item.end_at.isoformat() if item.end_at else None,
            "direction": item.direction.value,
            "web_link": item.web_link,
            "fields": dict(item.fields),
            "headers": dict(item.headers),
            "labels": list(item.labels),
        },
        ensure_ascii=False,
    )


def item_from_json(text: str) -> MailItem:
    data = json.loads(text)
    sender = data.get("sender")
    return MailItem(
        kind=ItemKind(data["kind"]),
        mailbox_id=data["mailbox_id"],
        stream=data["stream"],
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        sender=Person(sender[0], sender[1]) if sender else None,
        recipients=tuple(Person(a, n) for a, n in data.get("recipients", [])),
        occurred_at=datetime.fromisoformat(data["occurred_at"]) if data.get("occurred_at") else None,
        end_at=datetime.fromisoformat(data["end_at"]) if data.get("end_at") else None,
        direction=Direction(data.get("direction", "none")),
        web_link=data.get("web_link", ""),
        fields=dict(data.get("fields", {})),
        headers=dict(data.get("headers", {})),
        labels=tuple(str(label) for label in data.get("labels", [])),
    )


@dataclass(frozen=True)
class LedgerRow:
    """One item as the ledger holds it."""

    key: str
    kind: ItemKind
    stream: str
    mailbox_id: str
    title: str
    web_link: str
    fingerprint: str
    state: ItemState
    idem_key: str
    record_id: str
    record_type: str
    last_code: str
    last_message: str
    attempts: int
    next_attempt: datetime | None
    first_failed: datetime | None
    labels: tuple[str, ...]
    marked: str  # the detail text of the mark on the mailbox item ('' = not marked)
    mark_want: str  # the detail the item should carry ('' = no mark)
    sent_fp: str  # the fingerprint of the content last sent to the CRM
    notes: str
    payload: str | None
    sent_values: str = ""  # JSON of the values of the write in flight (PENDING), '' otherwise

    def item(self) -> MailItem:
        if self.payload is None:
            raise StoreError(f"the content of {self.key} is no longer kept")
        return item_from_json(self.payload)


def _row(r: sqlite3.Row) -> LedgerRow:
    return LedgerRow(
        key=r["key"],
        kind=ItemKind(r["kind"]),
        stream=r["stream"],
        mailbox_id=r["mailbox_id"],
        title=r["title"],
        web_link=r["web_link"],
        fingerprint=r["fingerprint"],
        state=ItemState(r["state"]),
        idem_key=r["idem_key"],
        record_id=r["record_id"],
        record_type=r["record_type"],
        last_code=r["last_code"],
        last_message=r["last_message"],
        attempts=r["attempts"],
        next_attempt=from_ts(r["next_attempt"]),
        first_failed=from_ts(r["first_failed"]),
        labels=tuple(json.loads(r["labels"] or "[]")),
        marked=r["marked"],
        mark_want=r["mark_want"],
        sent_fp=r["sent_fp"],
        notes=r["notes"],
        payload=r["payload"],
        sent_values=r["sent_values"],
    )


@dataclass(frozen=True)
class IngestStats:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


class Store:
    """The SQLite database.  Open with ``Store.open(path)``; ``":memory:"`` is not supported (WAL needs a file)."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._immutable = False
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._conn_lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        store.migrate()
        return store

    @classmethod
    def open_read_only(cls, path: Path, *, immutable: bool = False) -> Store:
        """For reading on a read-only home or a full disk (``status``, ``issues``...): nothing is written.

        ``immutable`` reads the main file as it is, without the WAL's shared-memory
        file, which a read-only folder or a full disk cannot hold.
        """
        if not path.exists():
            raise StoreError(f"The database {path} does not exist and its folder cannot be written.")
        store = cls(path, read_only=True)
        store._immutable = immutable
        version = store.schema_version()
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{path} has schema {version} and this Syncbar needs {SCHEMA_VERSION}; "
                "it can only be brought up to date where it can be written."
            )
        return store

    # --- connections and transactions ---

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                if self.read_only:
                    conn = self._connect_read_only()
                else:
                    conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA busy_timeout=30000")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"The database {self.path} cannot be opened ({exc}).") from exc
            self._local.conn = conn
            with self._conn_lock:
                self._connections.append(conn)
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        # A WAL database needs its -shm file to be read; where the folder cannot be written,
        # ``immutable`` reads the main file as it is (the last checkpoint; nobody can write it anyway).
        uri = "file:" + urllib.parse.quote(str(self.path)) + "?mode=ro"
        if self._immutable or not os.access(self.path.parent, os.W_OK):
            uri += "&immutable=1"
        return sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it commits, or none of it."""
        conn = self._conn()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._conn_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def migrate(self) -> None:
        conn = self._conn()
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a Syncbar database ({exc}). Move it aside to start fresh.") from exc
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer Syncbar (schema {version}, this one knows {SCHEMA_VERSION}). "
                "Update Syncbar, or move the file aside to start fresh."
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as tx:
                # Another process (the app's cycle and a `sync --once` started together) may have
                # migrated meanwhile: the version read under the write lock decides.
                if int(tx.execute("PRAGMA user_version").fetchone()[0]) > number:
                    continue
                for statement in _MIGRATIONS[number].split(";"):
                    if statement.strip():
                        tx.execute(statement)
                tx.execute(f"PRAGMA user_version={number + 1}")

    def damaged(self) -> str:
        """SQLite's own check of every page and index (``PRAGMA quick_check``): "" when sound, else what it found."""
        try:
            rows = [str(r[0]) for r in self._conn().execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return "" if rows == ["ok"] else "; ".join(rows)

    def schema_version(self) -> int:
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])

    # --- settings ---

    def get_setting(self, name: str, default: Any = None) -> Any:
        row = self._conn().execute("SELECT value FROM settings WHERE name=?", (name,)).fetchone()
        return json.loads(row["value"]) if row else default

    def set_setting(self, name: str, value: Any, tx: sqlite3.Connection | None = None) -> None:
        sql = "INSERT INTO settings(name, value) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET value=excluded.value"
        if tx is not None:
            tx.execute(sql, (name, json.dumps(value)))
            return
        with self.transaction() as conn:
            conn.execute(sql, (name, json.dumps(value)))

    def delete_setting(self, name: str) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM settings WHERE name=?", (name,))

    def setting_names(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cur = self._conn().execute("SELECT name FROM settings WHERE name LIKE ? ESCAPE '\\'", (escaped + "%",))
        return [str(r["name"]) for r in cur]

    # --- cursors ---

    def cursor(self, stream: str) -> str | None:
        row = self._conn().execute("SELECT cursor FROM cursors WHERE stream=?", (stream,)).fetchone()
        return str(row["cursor"]) if row else None

    def cursors(self) -> dict[str, str]:
        return {r["stream"]: r["cursor"] for r in self._conn().execute("SELECT stream, cursor FROM cursors")}

    def clear_cursor(self, stream: str) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM cursors WHERE stream=?", (stream,))

    # --- the ledger ---

    def ingest(
        self,
        stream: str,
        items: Sequence[MailItem],
        removed: Sequence[str],
        cursor: str,
        now: datetime,
    ) -> IngestStats:
        """Record one page of changes and the cursor after it, atomically.

        New items are queued with their content.  A changed item (new
        fingerprint) is queued again: an update when it was synced, a fresh
        try when it had failed or was quarantined.  Unchanged items are left
        alone, so replaying a page (after a crash or a full resync) creates
        nothing twice.
        """
        new = changed = unchanged = gone = 0
        stamp = ts(now)
        with self.transaction() as tx:
            for item in items:
                fingerprint = item.fingerprint()
                own_labels = json.dumps(list(item.own_labels()))
                row = tx.execute("SELECT state, fingerprint FROM items WHERE key=?", (item.key,)).fetchone()
                payload = item_to_json(item)
                title = _title(item)
                if row is None:
                    tx.execute(
                        "INSERT INTO items(key, kind, stream, mailbox_id, title, web_link, fingerprint, state,"
                        " labels, payload, seen_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            item.key,
                            item.kind.value,
                            item.stream,
                            item.mailbox_id,
                            title,
                            item.web_link,
                            fingerprint,
                            ItemState.QUEUED.value,
                            own_labels,
                            payload,
                            stamp,
                            stamp,
                        ),
                    )
                    new += 1
                    continue
                state = ItemState(row["state"])
                if row["fingerprint"] == fingerprint and state is not ItemState.REMOVED:
                    tx.execute("UPDATE items SET labels=? WHERE key=?", (own_labels, item.key))
                    unchanged += 1
                    continue
                changed += 1
                if state is ItemState.PENDING:
                    # Its CRM call may be in flight from a crashed cycle: keep the intent,
                    # take the new content; reconcile decides, then it is sent as an update.
                    tx.execute(
                        "UPDATE items SET fingerprint=?, payload=?, title=?, web_link=?, labels=?, updated_at=?"
                        " WHERE key=?",
                        (fingerprint, payload, title, item.web_link, own_labels, stamp, item.key),
                    )
                    continue
                tx.execute(
                    "UPDATE items SET fingerprint=?, payload=?, title=?, web_link=?, labels=?, state=?,"
                    " attempts=0, next_attempt='', first_failed='', updated_at=? WHERE key=?",
                    (
                        fingerprint,
                        payload,
                        title,
                        item.web_link,
                        own_labels,
                        ItemState.QUEUED.value,
                        stamp,
                        item.key,
                    ),
                )
            for mailbox_id in removed:
                rows = tx.execute(
                    "SELECT key, state FROM items WHERE mailbox_id=? AND stream=?", (mailbox_id, stream)
                ).fetchall()
                for r in rows:
                    if ItemState(r["state"]) in (ItemState.SYNCED, ItemState.PENDING, ItemState.REMOVED):
                        continue  # a synced record stays in Salesforce; a pending one is reconciled first
                    tx.execute(
                        "UPDATE items SET state=?, payload=NULL, updated_at=? WHERE key=?",
                        (ItemState.REMOVED.value, stamp, r["key"]),
                    )
                    self._resolve_item_issue(tx, r["key"], stamp)
                    gone += 1
            tx.execute(
                "INSERT INTO cursors(stream, cursor, updated_at) VALUES(?,?,?)"
                " ON CONFLICT(stream) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stream, cursor, stamp),
            )
        return IngestStats(new, changed, unchanged, gone)

    def row(self, key: str) -> LedgerRow | None:
        r = self._conn().execute("SELECT * FROM items WHERE key=?", (key,)).fetchone()
        return _row(r) if r else None

    def rows(self, state: ItemState | None = None) -> list[LedgerRow]:
        if state is None:
            cur = self._conn().execute("SELECT * FROM items ORDER BY seen_at, key")
        else:
            cur = self._conn().execute("SELECT * FROM items WHERE state=? ORDER BY seen_at, key", (state.value,))
        return [_row(r) for r in cur]

    def state_counts(self) -> dict[ItemState, int]:
        cur = self._conn().execute("SELECT state, COUNT(*) AS n FROM items GROUP BY state")
        return {ItemState(r["state"]): int(r["n"]) for r in cur}

    def due_keys(self, now: datetime, kinds: Sequence[ItemKind]) -> list[str]:
        """Items to try this cycle: queued ones, then failed ones whose time has come."""
        if not kinds:
            return []
        marks = ",".join("?" for _ in kinds)
        cur = self._conn().execute(
            f"SELECT key FROM items WHERE kind IN ({marks}) AND (state=? OR (state=? AND next_attempt<=?))"
            " ORDER BY CASE state WHEN ? THEN 0 ELSE 1 END, seen_at, key",
            (
                *[k.value for k in kinds],
                ItemState.QUEUED.value,
                ItemState.FAILED.value,
                ts(now),
                ItemState.FAILED.value,
            ),
        )
        return [str(r["key"]) for r in cur]

    def rows_by_keys(self, keys: Sequence[str]) -> list[LedgerRow]:
        found: dict[str, LedgerRow] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            for r in self._conn().execute(f"SELECT * FROM items WHERE key IN ({marks})", tuple(chunk)):
                found[r["key"]] = _row(r)
        return [found[k] for k in keys if k in found]

    def pending(self) -> list[LedgerRow]:
        return self.rows(ItemState.PENDING)

    def mark_pending(self, intents: Sequence[tuple[str, str, str, str]], now: datetime) -> None:
        """Write the intent before the CRM call: (key, idempotency key, object type, JSON of the values sent)."""
        with self.transaction() as tx:
            tx.executemany(
                "UPDATE items SET state=?, idem_key=?, record_type=?, sent_fp=fingerprint, sent_values=?, updated_at=?"
                " WHERE key=?",
                [(ItemState.PENDING.value, idem, obj, values, ts(now), key) for key, idem, obj, values in intents],
            )

    def linked_records(self, record_ids: Sequence[str]) -> dict[str, str]:
        """Which of these CRM record ids an item already owns: record id -> item key."""
        found: dict[str, str] = {}
        ids = list(dict.fromkeys(i for i in record_ids if i))
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for key, record_id in self._conn().execute(
                f"SELECT key, record_id FROM items WHERE record_id IN ({marks})", part
            ):
                found[record_id] = key
        return found

    def set_synced(self, tx: sqlite3.Connection, key: str, record_id: str, now: datetime, notes: str = "") -> None:
        stamp = ts(now)
        tx.execute(
            "UPDATE items SET state=?, record_id=?, last_code='', last_message='', attempts=0, next_attempt='',"
            " first_failed='', mark_want='', notes=?, payload=NULL, sent_values='', updated_at=? WHERE key=?",
            (ItemState.SYNCED.value, record_id, notes, stamp, key),
        )
        self._resolve_item_issue(tx, key, stamp)

    def set_ignored(self, tx: sqlite3.Connection, key: str, code: str, now: datetime) -> None:
        stamp = ts(now)
        tx.execute(
            "UPDATE items SET state=?, last_code=?, last_message='', attempts=0, next_attempt='', first_failed='',"
            " mark_want='', payload=NULL, updated_at=? WHERE key=?",
            (ItemState.IGNORED.value, code, stamp, key),
        )
        self._resolve_item_issue(tx, key, stamp)

    def set_queued(self, tx: sqlite3.Connection, key: str, now: datetime) -> None:
        tx.execute("UPDATE items SET state=?, updated_at=? WHERE key=?", (ItemState.QUEUED.value, ts(now), key))

    def set_failed(
        self,
        tx: sqlite3.Connection,
        key: str,
        *,
        code: str,
        message: str,
        attempts: int,
        next_attempt: datetime | None,
        first_failed: datetime,
        quarantined: bool,
        mark: str,
        now: datetime,
    ) -> None:
        state = ItemState.QUARANTINED if quarantined else ItemState.FAILED
        tx.execute(
            "UPDATE items SET state=?, last_code=?, last_message=?, attempts=?, next_attempt=?, first_failed=?,"
            " mark_want=?, updated_at=? WHERE key=?",
            (state.value, code, message, attempts, ts(next_attempt), ts(first_failed), mark, ts(now), key),
        )

    def set_record(self, tx: sqlite3.Connection, key: str, record_id: str, now: datetime) -> None:
        """A record exists for a reconciled item whose content changed since: queue it as an update."""
        tx.execute(
            "UPDATE items SET state=?, record_id=?, updated_at=? WHERE key=?",
            (ItemState.QUEUED.value, record_id, ts(now), key),
        )

    def set_marked(self, tx: sqlite3.Connection, key: str, detail: str) -> None:
        tx.execute("UPDATE items SET marked=? WHERE key=?", (detail, key))

    def foreign_marks(self, mark: str, limit: int = 20) -> list[str]:
        """Titles of items that carry a "Sync Error" mark this profile never put there.

        Our marks go only on items that failed, and every failure is an issue that stays on
        record (resolved or not); an item read with a mark, never marked by us and never an
        issue of ours, was marked by another Syncbar profile on the same mailbox.
        """
        rows = self._conn().execute(
            "SELECT title FROM items WHERE marked='' AND (labels LIKE ? ESCAPE '\\' OR labels LIKE ? ESCAPE '\\')"
            " AND key NOT IN (SELECT item_key FROM issues WHERE item_key != '') LIMIT ?",
            (f'%"{_like(mark)}"%', f'%"{_like(mark)}: %', limit),
        )
        return [str(r["title"]) for r in rows]

    def marks_to_apply(self) -> list[LedgerRow]:
        """Failed or quarantined items whose mailbox mark is missing or out of date."""
        cur = self._conn().execute(
            "SELECT * FROM items WHERE state IN (?, ?) AND marked!=mark_want ORDER BY key",
            (ItemState.FAILED.value, ItemState.QUARANTINED.value),
        )
        return [_row(r) for r in cur]

    def marks_to_remove(self) -> list[LedgerRow]:
        """Items marked in the mailbox that no longer fail."""
        cur = self._conn().execute(
            "SELECT * FROM items WHERE marked!='' AND state NOT IN (?, ?) ORDER BY key",
            (ItemState.FAILED.value, ItemState.QUARANTINED.value),
        )
        return [_row(r) for r in cur]

    def make_due(self, keys: Sequence[str], now: datetime) -> int:
        """User Retry: failed, quarantined or ignored-by-user items are tried at the next cycle."""
        done = 0
        with self.transaction() as tx:
            for key in keys:
                cur = tx.execute(
                    "UPDATE items SET state=?, next_attempt=?, attempts=0, first_failed='' WHERE key=?"
                    " AND state IN (?,?) AND payload IS NOT NULL",
                    (ItemState.FAILED.value, ts(now), key, ItemState.FAILED.value, ItemState.QUARANTINED.value),
                )
                done += cur.rowcount
        return done

    # --- issues ---

    def _resolve_item_issue(self, tx: sqlite3.Connection, key: str, stamp: str) -> None:
        tx.execute(
            "UPDATE issues SET state=?, last_seen=? WHERE item_key=? AND state=?",
            (IssueState.RESOLVED.value, stamp, key, IssueState.OPEN.value),
        )

    def record_item_issue(
        self,
        tx: sqlite3.Connection,
        *,
        row: LedgerRow,
        code: str,
        source: Source,
        account: str,
        message: str,
        attempts: int,
        next_attempt: datetime | None,
        now: datetime,
        crm_link: str = "",
        request_id: str = "",
    ) -> None:
        stamp = ts(now)
        who, at = _correspondent(row)
        existing = tx.execute(
            "SELECT id FROM issues WHERE item_key=? AND state IN (?, ?)",
            (row.key, IssueState.OPEN.value, IssueState.IGNORED.value),
        ).fetchone()
        if existing:
            tx.execute(
                "UPDATE issues SET code=?, source=?, last_seen=?, attempts=?, next_attempt=?, message=?,"
                " item_title=?, item_who=?, item_at=?, mailbox_link=?, crm_link=?, request_id=? WHERE id=?",
                (
                    code,
                    source.value,
                    stamp,
                    attempts,
                    ts(next_attempt),
                    message,
                    row.title,
                    who,
                    ts(at),
                    row.web_link,
                    crm_link,
                    request_id,
                    existing["id"],
                ),
            )
            return
        tx.execute(
            "INSERT INTO issues(code, scope, source, account, state, first_seen, last_seen, attempts, next_attempt,"
            " kind, item_key, item_title, item_who, item_at, mailbox_link, crm_link, message, request_id)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                code,
                Scope.ITEM.value,
                source.value,
                account,
                IssueState.OPEN.value,
                stamp,
                stamp,
                attempts,
                ts(next_attempt),
                row.kind.value,
                row.key,
                row.title,
                who,
                ts(at),
                row.web_link,
                crm_link,
                message,
                request_id,
            ),
        )

    def record_account_issue(
        self,
        *,
        code: str,
        source: Source,
        account: str,
        message: str,
        now: datetime,
        next_attempt: datetime | None = None,
        request_id: str = "",
    ) -> None:
        stamp = ts(now)
        with self.transaction() as tx:
            existing = tx.execute(
                "SELECT id, attempts FROM issues WHERE scope=? AND code=? AND account=? AND state=?",
                (Scope.ACCOUNT.value, code, account, IssueState.OPEN.value),
            ).fetchone()
            if existing:
                tx.execute(
                    "UPDATE issues SET last_seen=?, attempts=?, next_attempt=?, message=?, request_id=? WHERE id=?",
                    (stamp, existing["attempts"] + 1, ts(next_attempt), message, request_id, existing["id"]),
                )
                return
            tx.execute(
                "INSERT INTO issues(code, scope, source, account, state, first_seen, last_seen, next_attempt,"
                " message, request_id) VALUES(?,?,?,?,?,?,?,?,?,?)",
                (
                    code,
                    Scope.ACCOUNT.value,
                    source.value,
                    account,
                    IssueState.OPEN.value,
                    stamp,
                    stamp,
                    ts(next_attempt),
                    message,
                    request_id,
                ),
            )

    def resolve_account_issues(self, now: datetime, keep: Sequence[str] = ()) -> int:
        """Resolve the open account issues, except those whose code is in ``keep`` (still true)."""
        marks = ",".join("?" * len(keep))
        with self.transaction() as tx:
            cur = tx.execute(
                "UPDATE issues SET state=?, last_seen=? WHERE scope=? AND state=?"
                + (f" AND code NOT IN ({marks})" if keep else ""),
                (IssueState.RESOLVED.value, ts(now), Scope.ACCOUNT.value, IssueState.OPEN.value, *keep),
            )
            return cur.rowcount

    def issues(self, state: IssueState | None = IssueState.OPEN, code: str = "") -> list[Issue]:
        sql = "SELECT * FROM issues"
        args: list[str] = []
        where: list[str] = []
        if state is not None:
            where.append("state=?")
            args.append(state.value)
        if code:
            where.append("code=?")
            args.append(code)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY last_seen DESC, id DESC"
        return [_issue(r) for r in self._conn().execute(sql, args)]

    def count_issues(self, query: IssueQuery) -> int:
        where, args = query.where()
        return int(self._conn().execute("SELECT COUNT(*) FROM issues" + where, args).fetchone()[0])

    def issue_page(self, query: IssueQuery, offset: int, limit: int) -> list[Issue]:
        """One page of the issues ``query`` selects, in its order (ties broken by id)."""
        where, args = query.where()
        order = ISSUE_ORDER.get(query.order, "last_seen")
        direction = "DESC" if query.descending else "ASC"
        sql = f"SELECT * FROM issues{where} ORDER BY {order} {direction}, id {direction} LIMIT ? OFFSET ?"
        return [_issue(r) for r in self._conn().execute(sql, [*args, limit, offset])]

    def issue(self, issue_id: int) -> Issue | None:
        r = self._conn().execute("SELECT * FROM issues WHERE id=?", (issue_id,)).fetchone()
        return _issue(r) if r else None

    def set_issue_state(self, issue_ids: Sequence[int], state: IssueState, now: datetime) -> None:
        with self.transaction() as tx:
            for issue_id in issue_ids:
                tx.execute("UPDATE issues SET state=?, last_seen=? WHERE id=?", (state.value, ts(now), issue_id))

    def ignore_items(self, keys: Sequence[str], now: datetime) -> None:
        """The user chose to stop retrying: quarantine the items (they keep their mark until they change)."""
        with self.transaction() as tx:
            for key in keys:
                tx.execute(
                    "UPDATE items SET state=?, next_attempt='' WHERE key=? AND state=?",
                    (ItemState.QUARANTINED.value, key, ItemState.FAILED.value),
                )
                tx.execute(
                    "UPDATE issues SET state=?, last_seen=? WHERE item_key=? AND state=?",
                    (IssueState.IGNORED.value, ts(now), key, IssueState.OPEN.value),
                )

    # --- sessions ---

    def begin_session(self, account: str, now: datetime) -> Session:
        with self.transaction() as tx:
            cur = tx.execute(
                "INSERT INTO sessions(account, started_at, outcome) VALUES(?,?,?)",
                (account, ts(now), Outcome.RUNNING.value),
            )
            session_id = int(cur.lastrowid or 0)
            # A session left RUNNING was killed or crashed: it ended, with the counts its last
            # committed batch saved (see ``save_progress``).
            tx.execute(
                "UPDATE sessions SET outcome=?, ended_at=COALESCE(NULLIF(ended_at, ''), started_at) "
                "WHERE outcome=? AND id<?",
                (Outcome.INTERRUPTED.value, Outcome.RUNNING.value, session_id),
            )
            tx.execute("DELETE FROM sessions WHERE started_at<?", (ts(now - SESSION_RETENTION),))
        return Session(id=session_id, account=account, started_at=now)

    def save_progress(self, tx: sqlite3.Connection, session: Session, now: datetime) -> None:
        """A running session's counts so far, in the transaction that settled them (a kill loses none)."""
        counts = {kind.value: c.to_json() for kind, c in session.counts.items()}
        tx.execute(
            "UPDATE sessions SET counts=?, ended_at=? WHERE id=? AND outcome=?",
            (json.dumps(counts), ts(now), session.id, Outcome.RUNNING.value),
        )

    def save_session(self, session: Session) -> None:
        counts = {kind.value: c.to_json() for kind, c in session.counts.items()}
        with self.transaction() as tx:
            tx.execute(
                "UPDATE sessions SET ended_at=?, outcome=?, counts=?, error_code=? WHERE id=?",
                (ts(session.ended_at), session.outcome.value, json.dumps(counts), session.error_code, session.id),
            )

    def sessions(self, since: datetime | None = None) -> list[Session]:
        cur = self._conn().execute(
            "SELECT * FROM sessions WHERE started_at>=? ORDER BY started_at DESC, id DESC", (ts(since) or "",)
        )
        return [_session(r) for r in cur]

    def session(self, session_id: int) -> Session | None:
        r = self._conn().execute("SELECT * FROM sessions WHERE id=?", (session_id,)).fetchone()
        return _session(r) if r else None

    def last_session(self, finished: bool = True, outcomes: Sequence[Outcome] = ()) -> Session | None:
        """The newest session: a finished one unless ``finished`` is False; one of ``outcomes`` if given."""
        sql, args = "SELECT * FROM sessions WHERE 1", list[str]()
        if finished:
            sql, args = sql + " AND outcome!=?", [Outcome.RUNNING.value]
        if outcomes:
            sql += f" AND outcome IN ({','.join('?' * len(outcomes))})"
            args += [o.value for o in outcomes]
        r = self._conn().execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return _session(r) if r else None

    # --- API usage ---

    def record_usage(self, used: int, limit: int, now: datetime) -> None:
        with self.transaction() as tx:
            tx.execute("INSERT INTO api_usage(observed_at, used, lim) VALUES(?,?,?)", (ts(now), used, limit))
            tx.execute("DELETE FROM api_usage WHERE observed_at<?", (ts(now - timedelta(days=2)),))

    def record_calls(self, account: str, at: datetime, count: int) -> None:
        """API calls Syncbar spent (for the rolling 24-hour allocation); kept two days."""
        with self.transaction() as tx:
            tx.execute("INSERT INTO api_calls(account, at, count) VALUES(?,?,?)", (account, ts(at), count))
            tx.execute("DELETE FROM api_calls WHERE at<?", (ts(at - timedelta(days=2)),))

    def calls_since(self, account: str, since: datetime) -> list[tuple[datetime, int]]:
        cur = self._conn().execute(
            "SELECT at, count FROM api_calls WHERE account=? AND at>=? ORDER BY at", (account, ts(since))
        )
        return [(_dt(r["at"]), int(r["count"])) for r in cur]

    def latest_usage(self) -> tuple[int, int, datetime] | None:
        r = self._conn().execute("SELECT * FROM api_usage ORDER BY id DESC LIMIT 1").fetchone()
        return (int(r["used"]), int(r["lim"]), _dt(r["observed_at"])) if r else None


def _title(item: MailItem) -> str:
    if item.kind is ItemKind.CONTACT:
        name = " ".join(p for p in (item.fields.get("first_name", ""), item.fields.get("last_name", "")) if p)
        return (name or item.fields.get("email", "") or item.subject)[:200]
    return (item.subject or "(no subject)")[:200]


def _correspondent(row: LedgerRow) -> tuple[str, datetime | None]:
    """Who the item is with (the sender of a received mail, the first recipient of a sent one) and its date."""
    if row.payload is None:
        return "", None
    try:
        item = row.item()
    except (ValueError, KeyError, TypeError):  # an old payload shape: the issue keeps its subject only
        return "", None
    if item.kind is ItemKind.CONTACT:
        return item.fields.get("email", ""), None
    people = item.recipients if item.direction is Direction.OUTBOUND else ()
    person = people[0] if people else item.sender or (item.recipients[0] if item.recipients else None)
    who = (person.name or person.address) if person is not None else ""
    return who[:200], item.occurred_at


def _issue(r: sqlite3.Row) -> Issue:
    return Issue(
        id=int(r["id"]),
        code=r["code"],
        scope=Scope(r["scope"]),
        source=Source(r["source"]),
        account=r["account"],
        state=IssueState(r["state"]),
        first_seen=_dt(r["first_seen"]),
        last_seen=_dt(r["last_seen"]),
        attempts=int(r["attempts"]),
        next_attempt=from_ts(r["next_attempt"]),
        kind=ItemKind(r["kind"]) if r["kind"] else None,
        item_key=r["item_key"],
        item_title=r["item_title"],
        item_who=r["item_who"],
        item_at=from_ts(r["item_at"]),
        mailbox_link=r["mailbox_link"],
        crm_link=r["crm_link"],
        message=r["message"],
        request_id=r["request_id"],
    )


def _session(r: sqlite3.Row) -> Session:
    raw = json.loads(r["counts"] or "{}")
    counts = {ItemKind(k): ObjectCounts.from_json(v) for k, v in raw.items()}
    return Session(
        id=int(r["id"]),
        account=r["account"],
        started_at=_dt(r["started_at"]),
        ended_at=from_ts(r["ended_at"]),
        outcome=Outcome(r["outcome"]),
        counts=counts,
        error_code=r["error_code"],
    )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
