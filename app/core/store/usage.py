"""API usage: the calls Syncbar spent (``api_calls``, for the rolling 24-hour allocation) and what
Salesforce reported about the org's usage (``api_usage``); both kept two days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.model import ApiUsage
from app.core.store.database import Database, to_datetime, ts


class ApiUsageLog(Database):
    """The ``api_calls`` and ``api_usage`` tables."""

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
        return [(to_datetime(r["at"]), int(r["count"])) for r in cur]

    def api_usage_since(self, since: datetime) -> list[ApiUsage]:
        """What Salesforce reported from ``since`` on, oldest first: the org's calls in its rolling
        24 hours against its allocation, one observation per cycle (for the General tab's usage line)."""
        cur = self._conn().execute(
            "SELECT observed_at, used, lim FROM api_usage WHERE observed_at>=? ORDER BY observed_at, id", (ts(since),)
        )
        return [ApiUsage(int(r["used"]), int(r["lim"]), to_datetime(r["observed_at"])) for r in cur]
