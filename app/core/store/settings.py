"""Settings (small JSON values: pause, scheduler state, counters) and the delta cursor of each mailbox stream.

A page's cursor is written by ``Ledger.ingest`` in the same transaction as the
page's items; here it is only read, or cleared for a full resync.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from app.core.store.database import Database


class Settings(Database):
    """The ``settings`` table."""

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


class Cursors(Database):
    """The ``cursors`` table."""

    def cursor(self, stream: str) -> str | None:
        row = self._conn().execute("SELECT cursor FROM cursors WHERE stream=?", (stream,)).fetchone()
        return str(row["cursor"]) if row else None

    def cursors(self) -> dict[str, str]:
        return {r["stream"]: r["cursor"] for r in self._conn().execute("SELECT stream, cursor FROM cursors")}

    def clear_cursor(self, stream: str) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM cursors WHERE stream=?", (stream,))
