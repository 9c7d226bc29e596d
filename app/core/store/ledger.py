"""The ledger: one row per mailbox item ever seen, its state, its CRM record, its retry schedule, its mark
in the mailbox and, while it is not yet synced, its content (see docs/state.md for the life cycle).

``ingest`` records a page of changes and the cursor after it in one transaction;
an item's PENDING intent (``mark_pending``) commits before the CRM call; the
``set_*`` methods settle items inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.model import ItemKind, ItemState, MailItem
from app.core.store.database import Database, ts
from app.core.store.issues import resolve_item_issue
from app.core.store.rows import LedgerRow, item_to_json, row_of


@dataclass(frozen=True)
class IngestStats:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


class Ledger(Database):
    """The ``items`` table (and, in ``ingest``, the stream's cursor)."""

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
                    resolve_item_issue(tx, r["key"], stamp)
                    gone += 1
            tx.execute(
                "INSERT INTO cursors(stream, cursor, updated_at) VALUES(?,?,?)"
                " ON CONFLICT(stream) DO UPDATE SET cursor=excluded.cursor, updated_at=excluded.updated_at",
                (stream, cursor, stamp),
            )
        return IngestStats(new, changed, unchanged, gone)

    def row(self, key: str) -> LedgerRow | None:
        r = self._conn().execute("SELECT * FROM items WHERE key=?", (key,)).fetchone()
        return row_of(r) if r else None

    def rows(self, state: ItemState | None = None) -> list[LedgerRow]:
        if state is None:
            cur = self._conn().execute("SELECT * FROM items ORDER BY seen_at, key")
        else:
            cur = self._conn().execute("SELECT * FROM items WHERE state=? ORDER BY seen_at, key", (state.value,))
        return [row_of(r) for r in cur]

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
                found[r["key"]] = row_of(r)
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
        resolve_item_issue(tx, key, stamp)

    def set_ignored(self, tx: sqlite3.Connection, key: str, code: str, now: datetime) -> None:
        stamp = ts(now)
        tx.execute(
            "UPDATE items SET state=?, last_code=?, last_message='', attempts=0, next_attempt='', first_failed='',"
            " mark_want='', payload=NULL, updated_at=? WHERE key=?",
            (ItemState.IGNORED.value, code, stamp, key),
        )
        resolve_item_issue(tx, key, stamp)

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
        return [row_of(r) for r in cur]

    def marks_to_remove(self) -> list[LedgerRow]:
        """Items marked in the mailbox that no longer fail."""
        cur = self._conn().execute(
            "SELECT * FROM items WHERE marked!='' AND state NOT IN (?, ?) ORDER BY key",
            (ItemState.FAILED.value, ItemState.QUARANTINED.value),
        )
        return [row_of(r) for r in cur]

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


def _title(item: MailItem) -> str:
    if item.kind is ItemKind.CONTACT:
        name = " ".join(p for p in (item.fields.get("first_name", ""), item.fields.get("last_name", "")) if p)
        return (name or item.fields.get("email", "") or item.subject)[:200]
    return (item.subject or "(no subject)")[:200]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
