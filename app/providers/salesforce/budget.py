"""Our own Salesforce API allocation: a share of the org's daily limit over a rolling 24 hours.

Orgs suspend integrations that burn their daily limit, so Syncbar spends at
most ``percent`` (default 10 %) of it.  Every call is logged (persistently, in
the core store, through ``CallLog``); before each call the last 24 hours are
summed, and a call that would pass the allocation raises the catalogue's
allocation code with the moment enough calls leave the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from app.core.errors import AccountError

WINDOW = timedelta(hours=24)
ALLOCATION_CODE = "SF_API_LIMIT_ALLOCATION"


class CallLog(Protocol):
    def record_calls(self, account: str, at: datetime, count: int) -> None: ...

    def calls_since(self, account: str, since: datetime) -> Sequence[tuple[datetime, int]]: ...


class MemoryCallLog:
    """A CallLog for one process (tests, benchmarks, the emulators' demo)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, datetime, int]] = []

    def record_calls(self, account: str, at: datetime, count: int) -> None:
        self.entries.append((account, at, count))

    def calls_since(self, account: str, since: datetime) -> list[tuple[datetime, int]]:
        return [(at, n) for acc, at, n in self.entries if acc == account and at >= since]


class Allocation:
    def __init__(
        self,
        log: CallLog,
        account: str,
        clock: Callable[[], datetime],
        percent: float = 10.0,
        daily_limit: int | None = None,
    ) -> None:
        if not 0 < percent <= 100:
            raise ValueError("the API allocation must be between 0 and 100 percent of the daily limit")
        self.log = log
        self.account = account
        self.clock = clock
        self.percent = percent
        self.daily_limit = daily_limit

    @property
    def allowed(self) -> int | None:
        if self.daily_limit is None:
            return None
        return max(1, int(self.daily_limit * self.percent / 100))

    def used(self) -> int:
        now = self.clock()
        return sum(n for _, n in self.log.calls_since(self.account, now - WINDOW))

    def check(self, cost: int = 1) -> None:
        """Raise if ``cost`` more calls would pass the allocation."""
        allowed = self.allowed
        if allowed is None:
            return
        now = self.clock()
        entries = sorted(self.log.calls_since(self.account, now - WINDOW))
        used = sum(n for _, n in entries)
        if used + cost <= allowed:
            return
        # Walk the window from its oldest call until enough calls have left it.
        excess = used + cost - allowed
        freed = 0
        resume_at = now + WINDOW
        for at, n in entries:
            freed += n
            if freed >= excess:
                resume_at = at + WINDOW
                break
        raise AccountError(
            ALLOCATION_CODE,
            f"Syncbar has used {used} of its {allowed} Salesforce API calls for the last 24 hours "
            f"({self.percent:g} % of the org's daily limit of {self.daily_limit}).",
            resume_at=resume_at,
            service_code="allocation",
        )

    def spent(self, cost: int = 1) -> None:
        self.log.record_calls(self.account, self.clock(), cost)

    def observe_limit(self, limit: int) -> None:
        if limit > 0:
            self.daily_limit = limit
