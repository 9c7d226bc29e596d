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
from app.core.store.issues import resolve_item_issue, resolve_item_issues
from app.core.store.rows import SELECT_ROWS, LedgerRow, item_to_json, row_of


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
        stamp = ts(now)
        with self.transaction() as tx:
            new, changed, unchanged = _Page(tx, stamp).write(items)
            gone = 0
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
        r = self._conn().execute(SELECT_ROWS + " WHERE key=?", (key,)).fetchone()
        return row_of(r) if r else None

    def rows(self, state: ItemState | None = None) -> list[LedgerRow]:
        if state is None:
            cur = self._conn().execute(SELECT_ROWS + " ORDER BY seen_at, key")
        else:
            cur = self._conn().execute(SELECT_ROWS + " WHERE state=? ORDER BY seen_at, key", (state.value,))
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
            for r in self._conn().execute(f"{SELECT_ROWS} WHERE key IN ({marks})", tuple(chunk)):
                found[r[0]] = row_of(r)
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

    def set_synced_many(self, tx: sqlite3.Connection, settled: Sequence[tuple[str, str, str]], now: datetime) -> None:
        """``set_synced`` for many items at once: (key, record id, notes) each."""
        stamp = ts(now)
        tx.executemany(
            "UPDATE items SET state=?, record_id=?, last_code='', last_message='', attempts=0, next_attempt='',"
            " first_failed='', mark_want='', notes=?, payload=NULL, sent_values='', updated_at=? WHERE key=?",
            [(ItemState.SYNCED.value, record_id, notes, stamp, key) for key, record_id, notes in settled],
        )
        resolve_item_issues(tx, [key for key, _, _ in settled], stamp)

    def set_ignored_many(self, tx: sqlite3.Connection, settled: Sequence[tuple[str, str]], now: datetime) -> None:
        """``set_ignored`` for many items at once: (key, code) each."""
        stamp = ts(now)
        tx.executemany(
            "UPDATE items SET state=?, last_code=?, last_message='', attempts=0, next_attempt='', first_failed='',"
            " mark_want='', payload=NULL, updated_at=? WHERE key=?",
            [(ItemState.IGNORED.value, code, stamp, key) for key, code in settled],
        )
        resolve_item_issues(tx, [key for key, _ in settled], stamp)

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
            SELECT_ROWS + " WHERE state IN (?, ?) AND marked!=mark_want ORDER BY key",
            (ItemState.FAILED.value, ItemState.QUARANTINED.value),
        )
        return [row_of(r) for r in cur]

    def marks_to_remove(self) -> list[LedgerRow]:
        """Items marked in the mailbox that no longer fail."""
        cur = self._conn().execute(
            SELECT_ROWS + " WHERE marked!='' AND state NOT IN (?, ?) ORDER BY key",
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


class _Page:
    """One page's items written in a few statements (``ingest``): what the ledger knows of them is read
    at once, and inserts and updates go to SQLite in batches, each batch holding an item once."""

    def __init__(self, tx: sqlite3.Connection, stamp: str) -> None:
        self.tx = tx
        self.stamp = stamp
        self.inserts: list[tuple[str, ...]] = []
        self.relabels: list[tuple[str, str]] = []
        self.contents: list[tuple[str, ...]] = []  # a PENDING item's new content (its intent is kept)
        self.requeues: list[tuple[str, ...]] = []

    def write(self, items: Sequence[MailItem]) -> tuple[int, int, int]:
        """(new, changed, unchanged) as ``ingest`` counts them."""
        new = changed = unchanged = 0
        known = self._known([item.key for item in items])
        batched: set[str] = set()
        for item in items:
            key = item.key
            if key in batched:  # the same item twice in a page: its first copy is written first
                self.flush()
                batched.clear()
            batched.add(key)
            fingerprint = item.fingerprint()
            own_labels = _labels_json(item.own_labels())
            row = known.get(key)
            if row is None:
                self.inserts.append(
                    (
                        key,
                        item.kind.value,
                        item.stream,
                        item.mailbox_id,
                        _title(item),
                        item.web_link,
                        fingerprint,
                        ItemState.QUEUED.value,
                        own_labels,
                        item_to_json(item),
                        self.stamp,
                        self.stamp,
                    )
                )
                known[key] = (ItemState.QUEUED.value, fingerprint, own_labels)
                new += 1
                continue
            state, old_fingerprint, old_labels = row
            if old_fingerprint == fingerprint and state != ItemState.REMOVED.value:
                if own_labels != old_labels:
                    self.relabels.append((own_labels, key))
                    known[key] = (state, fingerprint, own_labels)
                unchanged += 1
                continue
            changed += 1
            content = (fingerprint, item_to_json(item), _title(item), item.web_link, own_labels)
            if state == ItemState.PENDING.value:
                # Its CRM call may be in flight from a crashed cycle: keep the intent,
                # take the new content; reconcile decides, then it is sent as an update.
                self.contents.append((*content, self.stamp, key))
            else:
                self.requeues.append((*content, ItemState.QUEUED.value, self.stamp, key))
                state = ItemState.QUEUED.value
            known[key] = (state, fingerprint, own_labels)
        self.flush()
        return new, changed, unchanged

    def _known(self, keys: Sequence[str]) -> dict[str, tuple[str, str, str]]:
        """key -> (state, fingerprint, labels) of the items the ledger has already."""
        found: dict[str, tuple[str, str, str]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, state, fingerprint, labels in self.tx.execute(
                f"SELECT key, state, fingerprint, labels FROM items WHERE key IN ({marks})", chunk
            ):
                found[key] = (state, fingerprint, labels)
        return found

    def flush(self) -> None:
        tx = self.tx
        if self.inserts:
            tx.executemany(
                "INSERT INTO items(key, kind, stream, mailbox_id, title, web_link, fingerprint, state,"
                " labels, payload, seen_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                self.inserts,
            )
        if self.relabels:
            tx.executemany("UPDATE items SET labels=? WHERE key=?", self.relabels)
        if self.contents:
            tx.executemany(
                "UPDATE items SET fingerprint=?, payload=?, title=?, web_link=?, labels=?, updated_at=? WHERE key=?",
                self.contents,
            )
        if self.requeues:
            tx.executemany(
                "UPDATE items SET fingerprint=?, payload=?, title=?, web_link=?, labels=?, state=?,"
                " attempts=0, next_attempt='', first_failed='', updated_at=? WHERE key=?",
                self.requeues,
            )
        self.inserts, self.relabels, self.contents, self.requeues = [], [], [], []


def _labels_json(labels: Sequence[str]) -> str:
    return json.dumps(list(labels)) if labels else "[]"


def _title(item: MailItem) -> str:
    if item.kind is ItemKind.CONTACT:
        name = " ".join(p for p in (item.fields.get("first_name", ""), item.fields.get("last_name", "")) if p)
        return (name or item.fields.get("email", "") or item.subject)[:200]
    return (item.subject or "(no subject)")[:200]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
