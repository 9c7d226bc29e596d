"""The issue log: failures as records (one open issue per item, one per account and code), and the
queries the Issues tab pages through.

An item's issue is written in the transaction that records its failure
(``record_item_issue``) and resolved in the one that settles the item
(``resolve_item_issue``, called by the ledger).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.model import Direction, Issue, IssueState, ItemKind, ItemState, Scope, Source
from app.core.store.database import Database, from_ts, to_datetime, ts
from app.core.store.rows import LedgerRow

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
    # Seen in [seen_from, seen_before): first seen before its end and last seen after its start (a chart's day).
    seen_from: datetime | None = None
    seen_before: datetime | None = None

    def seen_in_window(self, first_seen: datetime, last_seen: datetime) -> bool:
        """Whether an issue seen from ``first_seen`` to ``last_seen`` falls in the window (no window: yes)."""
        if self.seen_from is not None and last_seen < self.seen_from:
            return False
        return self.seen_before is None or first_seen < self.seen_before

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
        if self.seen_from is not None:
            clauses.append("last_seen>=?")
            args.append(ts(self.seen_from))
        if self.seen_before is not None:
            clauses.append("first_seen<?")
            args.append(ts(self.seen_before))
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


def resolve_item_issue(tx: sqlite3.Connection, key: str, stamp: str) -> None:
    """The item ``key`` was settled (synced, ignored, removed): its open issue is resolved."""
    tx.execute(
        "UPDATE issues SET state=?, last_seen=? WHERE item_key=? AND state=?",
        (IssueState.RESOLVED.value, stamp, key, IssueState.OPEN.value),
    )


def resolve_item_issues(tx: sqlite3.Connection, keys: Sequence[str], stamp: str) -> None:
    """``resolve_item_issue`` for many settled items: one look for those with an open issue (most have none,
    and a look costs a fraction of an update that finds nothing), then an update for each of them."""
    open_keys: list[str] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        open_keys += [
            str(r[0])
            for r in tx.execute(
                f"SELECT DISTINCT item_key FROM issues WHERE state=? AND item_key IN ({marks})",
                (IssueState.OPEN.value, *chunk),
            )
        ]
    if open_keys:
        tx.executemany(
            "UPDATE issues SET state=?, last_seen=? WHERE item_key=? AND state=?",
            [(IssueState.RESOLVED.value, stamp, key, IssueState.OPEN.value) for key in open_keys],
        )


class IssueLog(Database):
    """The ``issues`` table."""

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
        candidates: Sequence[str] = (),
    ) -> None:
        stamp = ts(now)
        who, at = _correspondent(row)
        found = "\n".join(candidates)
        existing = tx.execute(
            "SELECT id FROM issues WHERE item_key=? AND state IN (?, ?)",
            (row.key, IssueState.OPEN.value, IssueState.IGNORED.value),
        ).fetchone()
        if existing:
            tx.execute(
                "UPDATE issues SET code=?, source=?, last_seen=?, attempts=?, next_attempt=?, message=?,"
                " item_title=?, item_who=?, item_at=?, mailbox_link=?, crm_link=?, request_id=?, candidates=?"
                " WHERE id=?",
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
                    found,
                    existing["id"],
                ),
            )
            return
        tx.execute(
            "INSERT INTO issues(code, scope, source, account, state, first_seen, last_seen, attempts, next_attempt,"
            " kind, item_key, item_title, item_who, item_at, mailbox_link, crm_link, message, request_id,"
            " candidates) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
                found,
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
        first_seen=to_datetime(r["first_seen"]),
        last_seen=to_datetime(r["last_seen"]),
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
        candidates=tuple(line for line in str(r["candidates"]).split("\n") if line),
    )
