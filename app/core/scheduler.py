"""When the next cycle runs, and what a failed cycle means for the user.

State (persisted in the store's settings, so it survives restarts):

    paused            the user paused syncing (Sync now still runs once)
    requested         Sync now was asked for
    probe             Try now: the next cycle runs even while suspended (a person may have fixed the cause);
                      its success clears the suspension, its failure sets it again
    backoff_until     a transient or throttled failure: wait (jittered, or Retry-After)
    suspended_until   a limit resets then (daily API limit, our allocation)
    needs_reauth      a sign-in is needed; nothing runs until credentials_updated()
    failures          consecutive failed cycles; a notice at the first
    rejections        consecutive mailbox sign-in rejections; re-auth asked at 6
    blocked_since     the first failed cycle of this run of failures (cleared by a good cycle)
    escalated_at      when the escalation email for ``escalated_problem`` went out

Escalation (``escalation``): once syncing has been blocked for the set time
(needing a sign-in, suspended or failing), the user is emailed once per
problem (the failing side and its code), and again at most once a day while
it lasts.  The service sends it through the side that still works.

``record`` turns a cycle's result into notices the UI shows (tray message,
banner, escalation email) — the scheduler itself shows nothing.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from app.core.catalog import Catalog
from app.core.errors import SyncbarError
from app.core.model import RetryClass
from app.core.store import Store, from_ts, ts

DEFAULT_INTERVAL = timedelta(minutes=15)
TRANSIENT_BASE = timedelta(seconds=30)
TRANSIENT_CAP = timedelta(minutes=30)
USER_FIX_RETRY = timedelta(hours=1)
DEFAULT_SUSPENSION = timedelta(hours=1)
DEFAULT_THROTTLE = timedelta(seconds=60)
REJECTIONS_BEFORE_REAUTH = 6
ESCALATION_REPEAT = timedelta(days=1)
MAILBOX_REJECTION_CODES = frozenset({"MBX_AUTH_FAILED", "MBX_SCOPE_NOT_GRANTED"})
SETTING = "scheduler"


class NoticeKind(StrEnum):
    FIRST_FAILURE = "first_failure"  # the first failed cycle of a run of failures
    REAUTH = "reauth"  # a sign-in is needed
    SUSPENDED = "suspended"  # waiting until a limit resets
    ESCALATE = "escalate"  # blocked for the set time: the user was emailed
    RECOVERED = "recovered"  # a cycle succeeded after failures
    COMPETITOR = "competitor"  # another sync tool was found (message: the warning with the admin's checklist)
    ITEM_ISSUES = "item_issues"  # items failed for the first time in this cycle (code: theirs, if one)


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    code: str = ""
    account: str = ""
    message: str = ""
    until: datetime | None = None
    failures: int = 0


@dataclass
class SchedulerState:
    paused: bool = False
    requested: bool = False
    probe: bool = False
    backoff_until: str = ""
    suspended_until: str = ""
    needs_reauth: bool = False
    reauth_account: str = ""
    failures: int = 0
    rejections: int = 0
    blocked_since: str = ""
    escalated_at: str = ""
    escalated_problem: str = ""
    last_started: str = ""
    last_ended: str = ""
    last_ok: str = ""
    error_code: str = ""
    error_source: str = ""
    error_account: str = ""
    error_message: str = ""
    seen_codes: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Any) -> SchedulerState:
        if not isinstance(data, dict):
            return cls()
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class Scheduler:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        *,
        interval: timedelta = DEFAULT_INTERVAL,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.interval = interval
        self.rng = rng or random.Random()

    # --- state ---

    def state(self) -> SchedulerState:
        return SchedulerState.from_json(self.store.get_setting(SETTING))

    def _save(self, state: SchedulerState) -> None:
        self.store.set_setting(SETTING, asdict(state))

    # --- user actions ---

    def pause(self) -> None:
        """Pause: nothing runs until Resume; a Sync now asked before the pause is dropped with it."""
        state = self.state()
        state.paused = True
        state.requested = state.probe = False
        self._save(state)

    def resume(self) -> None:
        state = self.state()
        state.paused = False
        self._save(state)

    def request(self) -> None:
        """Sync now: overrides the interval, a pause and a backoff; not a suspension or a needed sign-in."""
        state = self.state()
        state.requested = True
        self._save(state)

    def try_now(self) -> None:
        """Try now: check once, even through a suspension (a limit raised, a service back); not a needed sign-in."""
        state = self.state()
        state.requested = state.probe = True
        self._save(state)

    def blocked(self, now: datetime) -> str | None:
        """Why Sync now would not run now: "needs_reauth", "suspended", or None (paused does not block it)."""
        state = self.state()
        if state.needs_reauth:
            return "needs_reauth"
        suspended = from_ts(state.suspended_until)
        if suspended is not None and now < suspended and not state.probe:
            return "suspended"
        return None

    def credentials_updated(self) -> None:
        state = self.state()
        state.needs_reauth = False
        state.reauth_account = ""
        state.rejections = 0
        state.backoff_until = ""
        state.requested = True
        self._save(state)

    # --- timing ---

    def due(self, now: datetime) -> bool:
        state = self.state()
        return self._blocked(state, now) is None and (state.requested or self._interval_due(state, now))

    def next_run(self, now: datetime) -> datetime | None:
        """When the next cycle will start by itself (None: not until the user acts)."""
        state = self.state()
        if state.needs_reauth or (state.paused and not state.requested):
            return None
        backoff = from_ts(state.backoff_until)
        if state.requested:
            base = now
        elif backoff is not None:
            base = backoff  # a retry after a failure does not wait for the interval as well
        else:
            base = self._interval_at(state, now)
        suspended = from_ts(state.suspended_until)
        if state.probe:
            return base
        return max(base, suspended) if suspended is not None else base

    def _blocked(self, state: SchedulerState, now: datetime) -> str | None:
        if state.needs_reauth:
            return "needs_reauth"
        suspended = from_ts(state.suspended_until)
        if suspended is not None and now < suspended and not state.probe:
            return "suspended"
        if state.requested:
            return None
        if state.paused:
            return "paused"
        backoff = from_ts(state.backoff_until)
        if backoff is not None and now < backoff:
            return "backoff"
        return None

    def _interval_at(self, state: SchedulerState, now: datetime) -> datetime:
        last = from_ts(state.last_started)
        return now if last is None else last + self.interval

    def _interval_due(self, state: SchedulerState, now: datetime) -> bool:
        if from_ts(state.backoff_until) is not None:
            return True  # a retry after backoff does not wait for the interval as well
        return now >= self._interval_at(state, now)

    # --- after a cycle ---

    def started(self, now: datetime) -> None:
        state = self.state()
        state.requested = state.probe = False
        state.last_started = ts(now)
        self._save(state)

    def record(self, error: SyncbarError | None, now: datetime, *, source: str = "", account: str = "") -> list[Notice]:
        """Account for a finished cycle; return what the user must be told."""
        state = self.state()
        state.last_ended = ts(now)
        notices: list[Notice] = []
        if error is None:
            if state.failures:
                notices.append(Notice(NoticeKind.RECOVERED, failures=state.failures))
            state.failures = state.rejections = 0
            state.blocked_since = state.escalated_at = state.escalated_problem = ""
            state.backoff_until = state.suspended_until = ""
            state.error_code = state.error_source = state.error_account = state.error_message = ""
            state.last_ok = ts(now)
            self._save(state)
            return notices
        if error.code == "SYNC_ANOTHER_RUNNING":
            # Not a failure of this account: the other process is syncing it.
            state.backoff_until = ts(now + timedelta(seconds=30))
            self._save(state)
            return notices
        entry = self.catalog.get(error.code)
        state.failures += 1
        state.blocked_since = state.blocked_since or ts(now)
        state.error_code, state.error_source = error.code, source
        state.error_account, state.error_message = account, error.message or str(error)
        message = error.message or entry.title
        if state.failures == 1 or error.code not in state.seen_codes:
            notices.append(Notice(NoticeKind.FIRST_FAILURE, error.code, account, message, failures=state.failures))
            if error.code not in state.seen_codes:
                state.seen_codes = [*state.seen_codes, error.code][-50:]
        retry = entry.retry_class
        if error.code in MAILBOX_REJECTION_CODES:
            state.rejections += 1
            # A mailbox may refuse a few times and then accept again; the sixth refusal in a row asks.
            reauth = state.rejections >= REJECTIONS_BEFORE_REAUTH
            retry = RetryClass.NEEDS_REAUTH if reauth else RetryClass.TRANSIENT
        else:
            state.rejections = 0
        state.backoff_until = state.suspended_until = ""
        if retry is RetryClass.NEEDS_REAUTH:
            if not state.needs_reauth:
                notices.append(Notice(NoticeKind.REAUTH, error.code, account, message, failures=state.failures))
            state.needs_reauth, state.reauth_account = True, account
        elif retry is RetryClass.SUSPENDED:
            until = error.resume_at or now + DEFAULT_SUSPENSION
            state.suspended_until = ts(until)
            notices.append(Notice(NoticeKind.SUSPENDED, error.code, account, message, until=until))
        elif retry is RetryClass.THROTTLED:
            wait = timedelta(seconds=error.retry_after) if error.retry_after else DEFAULT_THROTTLE
            state.backoff_until = ts(now + wait * (1 + 0.1 * self.rng.random()))
        elif retry is RetryClass.TRANSIENT:
            exponent = min(state.failures - 1, 12)
            wait = min(TRANSIENT_BASE * (2**exponent), TRANSIENT_CAP) * self.rng.uniform(0.8, 1.2)
            if error.retry_after:
                wait = max(wait, timedelta(seconds=error.retry_after))
            state.backoff_until = ts(now + wait)
        else:  # needs a fix by someone, or permanent: look again now and then
            state.backoff_until = ts(now + USER_FIX_RETRY * self.rng.uniform(0.9, 1.1))
        self._save(state)
        return _one_per_event(notices)

    # --- escalation ---

    def escalation(self, now: datetime, after: timedelta) -> Notice | None:
        """The escalation email due now, if any: blocked for ``after``, not yet told about this problem today."""
        state = self.state()
        since = from_ts(state.blocked_since)
        if since is None or not state.error_code or now - since < after:
            return None
        last = from_ts(state.escalated_at)
        problem = _problem(state)
        if last is not None and state.escalated_problem == problem and now - last < ESCALATION_REPEAT:
            return None
        return Notice(
            NoticeKind.ESCALATE,
            state.error_code,
            state.error_account,
            state.error_message,
            until=since,  # blocked since then
            failures=state.failures,
        )

    def escalated(self, now: datetime) -> None:
        """The escalation email went out: the next one for this problem waits a day."""
        state = self.state()
        state.escalated_at, state.escalated_problem = ts(now), _problem(state)
        self._save(state)

    def blocked_source(self) -> str:
        """The side that fails ("salesforce", "mailbox", "engine"...), "" when nothing is blocked."""
        state = self.state()
        return state.error_source if state.blocked_since else ""


def _one_per_event(notices: list[Notice]) -> list[Notice]:
    """One pop-up per failed cycle: a needed sign-in or a wait says more than "the first failure" does."""
    specific = [n for n in notices if n.kind in (NoticeKind.REAUTH, NoticeKind.SUSPENDED)]
    return specific[:1] or notices[:1]


def _problem(state: SchedulerState) -> str:
    return f"{state.error_source}:{state.error_code}"
