"""Sessions: one row per sync cycle with its outcome and per-object counts, kept 30 days."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

from app.core.model import ItemKind, ObjectCounts, Outcome, Session
from app.core.store.database import Database, from_ts, to_datetime, ts

SESSION_RETENTION = timedelta(days=30)


class SessionLog(Database):
    """The ``sessions`` table."""

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


def _session(r: sqlite3.Row) -> Session:
    raw = json.loads(r["counts"] or "{}")
    counts = {ItemKind(k): ObjectCounts.from_json(v) for k, v in raw.items()}
    return Session(
        id=int(r["id"]),
        account=r["account"],
        started_at=to_datetime(r["started_at"]),
        ended_at=from_ts(r["ended_at"]),
        outcome=Outcome(r["outcome"]),
        counts=counts,
        error_code=r["error_code"],
    )
