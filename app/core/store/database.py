"""The store's database: one SQLite file in WAL mode, a connection per thread, atomic writes, migrations.

Every write is a transaction (``transaction()``: ``BEGIN IMMEDIATE`` under one
write lock per process, so writers take turns and readers never wait).  Each
thread gets its own connection, so the UI's reads never wait on the engine.
The tables' own modules (ledger, issues, sessions, settings, usage) build on
this class; ``Store`` puts them together.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from app.core.store.schema import MIGRATIONS, SCHEMA_VERSION


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


def to_datetime(text: str) -> datetime:
    """A stamp that is always set (``from_ts`` for one that may be '')."""
    value = from_ts(text)
    assert value is not None
    return value


class Database:
    """The SQLite file.  Open with ``open(path)``; ``":memory:"`` is not supported (WAL needs a file)."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._immutable = False
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._conn_lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> Self:
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        store.migrate()
        return store

    @classmethod
    def open_read_only(cls, path: Path, *, immutable: bool = False) -> Self:
        """For reading on a read-only home or a full disk (``status``, ``issues``...): nothing is written.

        ``immutable`` reads the main file as it is, without the WAL's shared-memory
        file, which a read-only folder or a full disk cannot hold.
        """
        if not path.exists():
            raise StoreError(f"The database {path} does not exist and its folder cannot be written.")
        store = cls(path, read_only=True)
        store._immutable = immutable
        version = store._user_version()
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
                for statement in MIGRATIONS[number].split(";"):
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

    def _user_version(self) -> int:
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])
