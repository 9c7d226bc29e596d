"""An honest "time left" for a running cycle, from the rate measured while it writes.

    no estimate ──writing starts──▶ measuring ──≥ min_seconds and two estimates agree──▶ shown
         ▲                               │                                                 │
         └──────── another phase, or the total changed ◀───────────────────────────────────┘

An estimate is the finish time predicted at one progress report: now + items left / (items
written / seconds spent writing).  It is shown only once writing has run ``min_seconds`` and two
consecutive estimates predict finishes within ``agree`` of each other, or within ``slack`` seconds
near the end (a rate read off the first round is noise).  Between reports the time counts down; once
past the predicted finish with items still to write it is what the rate measured up to this moment
implies, so a stalled round makes it grow rather than stick at "less than a minute"; each report
re-estimates it.
Times are the caller's monotonic seconds (no clock read here).
"""

from __future__ import annotations

from app.core.service import Phase, Progress


class TimeLeft:
    def __init__(self, min_seconds: float = 10.0, agree: float = 0.25, slack: float = 5.0) -> None:
        self.min_seconds = min_seconds
        self.agree = agree
        self.slack = slack  # seconds: estimates closer than the display's rounding agree however short
        self._start: tuple[float, int] | None = None  # (when writing began, items done then)
        self._total = 0
        self._done = 0
        self._finish: float | None = None  # the latest predicted finish
        self._stable = False

    def reset(self) -> None:
        self._start, self._finish, self._stable, self._total, self._done = None, None, False, 0, 0

    def observe(self, progress: Progress, at: float) -> None:
        """A progress report received at ``at``."""
        if progress.phase is not Phase.WRITING or progress.total <= 0:
            self.reset()
            return
        if self._start is None or progress.total != self._total or progress.done < self._done:
            self.reset()
            self._start, self._total, self._done = (at, progress.done), progress.total, progress.done
            return
        if progress.done == self._done:
            return  # the same count again: nothing new was measured
        self._done = progress.done
        began, done_then = self._start
        spent, written = at - began, progress.done - done_then
        if spent <= 0 or written <= 0:
            return
        finish = at + (self._total - progress.done) * spent / written
        previous, self._finish = self._finish, finish
        if previous is not None and spent >= self.min_seconds:
            left_now, left_before = finish - at, previous - at
            tolerance = max(self.agree * max(left_now, left_before), self.slack)
            self._stable = abs(left_now - left_before) <= tolerance
        else:
            self._stable = False

    def seconds(self, at: float) -> float | None:
        """Seconds left at ``at``, or None while there is no stable estimate (or nothing is left)."""
        if not self._stable or self._start is None or self._finish is None or self._done >= self._total:
            return None
        left = self._finish - at
        return left if left > 0 else self._floor(at)  # overdue: the rate measured up to now, not "0 s"

    def _floor(self, at: float) -> float:
        """What the rate measured up to ``at`` implies for the items not yet reported done."""
        if self._start is None:
            return 0.0
        began, done_then = self._start
        written = self._done - done_then
        return (self._total - self._done) * (at - began) / written if written > 0 else 0.0
