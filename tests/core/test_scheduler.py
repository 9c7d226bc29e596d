"""Scheduler, cross-process lock and the application service: when cycles run and what the user is told."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.catalog import load_default
from app.core.errors import AccountError, SyncbarError
from app.core.lock import SyncLock
from app.core.model import IssueState, Outcome
from app.core.rules import Rules, RulesConfig
from app.core.runner import SyncService
from app.core.scheduler import NoticeKind, Scheduler
from app.core.service import SyncState
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, account_error, contact, email

CATALOG = load_default()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "syncbar.db")


@pytest.fixture
def sched(store: Store) -> Scheduler:
    return Scheduler(store, CATALOG, rng=random.Random(1))


def test_interval_and_sync_now(sched: Scheduler) -> None:
    assert sched.due(T0)  # never ran
    sched.started(T0)
    sched.record(None, T0)
    assert not sched.due(T0 + timedelta(minutes=14))
    assert sched.due(T0 + timedelta(minutes=15))
    sched.request()
    assert sched.due(T0 + timedelta(minutes=1))
    sched.started(T0 + timedelta(minutes=1))
    assert not sched.due(T0 + timedelta(minutes=2))


def test_pause_is_persisted_and_sync_now_still_runs_once(store: Store, sched: Scheduler) -> None:
    sched.pause()
    again = Scheduler(store, CATALOG)  # a restart reads the pause back
    assert again.state().paused and not again.due(T0 + timedelta(hours=5))
    assert again.next_run(T0) is None
    again.request()
    assert again.due(T0)
    again.started(T0)
    assert not again.due(T0 + timedelta(hours=1))
    again.resume()
    assert again.due(T0 + timedelta(hours=1))


def test_transient_failures_back_off_with_jitter(sched: Scheduler) -> None:
    waits = []
    now = T0
    for _ in range(6):
        sched.started(now)
        sched.record(account_error("SF_SERVER_ERROR"), now)
        until = sched.next_run(now)
        assert until is not None
        waits.append((until - now).total_seconds())
        assert not sched.due(now + timedelta(seconds=waits[-1] - 1))
        now = until
        assert sched.due(now)
    assert 24 <= waits[0] <= 36  # 30 s ± 20 %
    assert all(b > a for a, b in itertools.pairwise(waits))
    assert waits[-1] <= 30 * 60 * 1.2


def test_throttling_waits_as_long_as_the_service_asks(sched: Scheduler) -> None:
    sched.record(SyncbarError("MBX_THROTTLED", "slow down", retry_after=120), T0)
    assert not sched.due(T0 + timedelta(seconds=119))
    assert sched.due(T0 + timedelta(seconds=133))


def test_suspension_until_the_limit_resets_is_exposed(store: Store, sched: Scheduler) -> None:
    reset = T0 + timedelta(hours=7)
    notices = sched.record(SyncbarError("SF_API_LIMIT_ORG", "TotalRequests Limit exceeded.", resume_at=reset), T0)
    assert [n.kind for n in notices] == [NoticeKind.SUSPENDED]  # one notice per event
    assert notices[0].until == reset
    sched.request()  # Sync now does not spend calls the org does not have
    assert not sched.due(T0 + timedelta(hours=6))
    assert sched.due(reset)
    assert sched.next_run(T0) == reset


def test_salesforce_credentials_need_a_sign_in_at_once(sched: Scheduler) -> None:
    notices = sched.record(account_error("SF_AUTH_FAILED", "expired access/refresh token"), T0, account="rep@org")
    assert NoticeKind.REAUTH in [n.kind for n in notices]
    assert not sched.due(T0 + timedelta(days=3)) and sched.next_run(T0) is None
    sched.credentials_updated()
    assert sched.due(T0)


def test_six_mailbox_rejections_in_a_row_ask_for_a_sign_in(sched: Scheduler) -> None:
    now = T0
    kinds = []
    for _ in range(6):
        kinds.append([n.kind for n in sched.record(account_error("MBX_AUTH_FAILED"), now)])
        now = sched.next_run(now) or now
    assert kinds[0] == [NoticeKind.FIRST_FAILURE]
    assert all(NoticeKind.REAUTH not in k for k in kinds[:5])
    assert NoticeKind.REAUTH in kinds[5]
    assert sched.state().needs_reauth


def test_escalation_once_blocked_for_the_set_time_once_per_problem_and_daily(sched: Scheduler) -> None:
    after = timedelta(hours=4)
    seen = [[n.kind for n in sched.record(account_error("SF_SERVER_ERROR"), T0)] for _ in range(12)]
    assert seen[0] == [NoticeKind.FIRST_FAILURE] and all(k == [] for k in seen[1:])  # no count-based email
    assert sched.escalation(T0 + timedelta(hours=3, minutes=59), after) is None
    due = sched.escalation(T0 + after, after)
    assert due is not None and due.kind is NoticeKind.ESCALATE and due.code == "SF_SERVER_ERROR"
    assert due.until == T0  # blocked since the first failure
    sched.escalated(T0 + after)
    assert sched.escalation(T0 + timedelta(hours=23), after) is None  # once per problem...
    assert sched.escalation(T0 + after + timedelta(days=1), after) is not None  # ...repeated daily
    sched.record(account_error("SF_ORG_UNAVAILABLE", "maintenance"), T0 + timedelta(hours=5))
    assert sched.escalation(T0 + timedelta(hours=5), after) is not None  # another problem: told too
    assert [n.kind for n in sched.record(None, T0)] == [NoticeKind.RECOVERED]
    assert sched.state().failures == 0 and sched.escalation(T0 + timedelta(days=9), after) is None


def test_the_lock_admits_one_sync_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "sync.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; from app.core.lock import SyncLock\n"
                f"l = SyncLock(Path({str(path)!r})); l.acquire(); print('held', flush=True); sys.stdin.read()"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AccountError) as caught:
            SyncLock(path).acquire()
        assert caught.value.code == "SYNC_ANOTHER_RUNNING"
        assert str(holder.pid) in caught.value.message
    finally:
        holder.kill()
        holder.communicate()
    with SyncLock(path) as lock:  # the kernel released it when the holder died
        assert lock.held


def make_service(
    tmp_path: Path,
    mailbox: FakeMailbox,
    crm: FakeCrm,
    clock: Clock,
    notices: list,  # type: ignore[type-arg]
    escalate_after: timedelta | None = None,
) -> SyncService:
    store = Store.open(tmp_path / "syncbar.db")
    return SyncService(
        store,
        CATALOG,
        Scheduler(store, CATALOG, rng=random.Random(2)),
        tmp_path / "sync.lock",
        connect=lambda: (mailbox, crm),
        rules=Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0)),
        mailbox_account=mailbox.account,
        crm_account=crm.account,
        clock=clock,
        on_notice=notices.append,
        escalate_after=escalate_after,
    )


def test_service_status_tells_the_truth(tmp_path: Path) -> None:
    mailbox, crm, clock, notices = FakeMailbox([email(1), contact(1, last="")]), FakeCrm(), Clock(), []
    svc = make_service(tmp_path, mailbox, crm, clock, notices)
    session = svc.run_cycle(lambda p: None, threading.Event())
    assert session.outcome is Outcome.ITEM_ISSUES
    status = svc.status()
    assert status.state is SyncState.IDLE and not status.last_session_clean and status.open_issues == 1
    assert status.last_sync_at == session.ended_at
    [issue] = svc.issues()
    svc.ignore([issue.id])
    assert svc.issues() == [] and svc.issues(IssueState.IGNORED)[0].id == issue.id
    svc.retry([issue.id])
    assert svc.issues()[0].id == issue.id and svc.due(clock())
    crm.faults.errors["match"] = [account_error("SF_AUTH_FAILED", "expired access/refresh token")]
    clock.advance(timedelta(minutes=15))
    assert [n.kind for n in notices] == [NoticeKind.ITEM_ISSUES]  # the first cycle's failed item
    notices.clear()
    failed = svc.run_cycle(lambda p: None, threading.Event())
    assert failed.outcome is Outcome.FAILED
    status = svc.status()
    assert status.state is SyncState.NEEDS_REAUTH and status.error_code == "SF_AUTH_FAILED"
    assert status.last_sync_at == session.ended_at  # "last synced" names the last cycle that synced, not the failed one
    assert status.error_account == crm.account
    assert [n.kind for n in notices] == [NoticeKind.REAUTH]  # losing a sign-in: one pop-up, not two
    svc.credentials_updated(crm.account)
    assert svc.due(clock())


def test_service_escalates_through_the_mailbox_when_salesforce_fails(tmp_path: Path) -> None:
    mailbox, crm, clock, notices = FakeMailbox([email(1)]), FakeCrm(), Clock(), []
    svc = make_service(tmp_path, mailbox, crm, clock, notices, escalate_after=timedelta(hours=1))
    for _ in range(4):
        crm.faults.errors["match"] = [account_error("SF_ORG_UNAVAILABLE", "maintenance")]
        svc.run_cycle(lambda p: None, threading.Event())
        clock.advance(timedelta(minutes=20))
    assert len(mailbox.sent) == 1 and crm.emails == []
    subject, body = mailbox.sent[0]
    assert "stopped syncing" in subject and "SF_ORG_UNAVAILABLE" in body and "Salesforce" in body
    assert notices[-1].kind is NoticeKind.ESCALATE
    assert not svc.escalation_due(clock())


def test_service_escalates_through_salesforce_when_the_mailbox_fails(tmp_path: Path) -> None:
    mailbox, crm, clock, notices = FakeMailbox([email(1)]), FakeCrm(), Clock(), []
    svc = make_service(tmp_path, mailbox, crm, clock, notices, escalate_after=timedelta(hours=1))
    for _ in range(3):
        mailbox.faults.errors["changes"] = [account_error("MBX_AUTH_FAILED")]
        mailbox.faults.errors["send_notification"] = [account_error("MBX_AUTH_FAILED")]
        svc.run_cycle(lambda p: None, threading.Event())
        clock.advance(timedelta(minutes=40))
    assert mailbox.sent == [] and len(crm.emails) == 1
    to, _subject, body = crm.emails[0]
    assert to == mailbox.account and "MBX_AUTH_FAILED" in body and "your mailbox" in body


def test_service_sends_no_escalation_when_turned_off(tmp_path: Path) -> None:
    mailbox, crm, clock, notices = FakeMailbox([email(1)]), FakeCrm(), Clock(), []
    svc = make_service(tmp_path, mailbox, crm, clock, notices, escalate_after=None)
    for _ in range(5):
        crm.faults.errors["match"] = [account_error("SF_ORG_UNAVAILABLE", "maintenance")]
        svc.run_cycle(lambda p: None, threading.Event())
        clock.advance(timedelta(hours=10))
    assert mailbox.sent == [] and crm.emails == [] and not svc.escalation_due(clock())


def test_a_second_cycle_while_one_runs_is_refused(tmp_path: Path) -> None:
    mailbox, crm, clock = FakeMailbox([email(1)]), FakeCrm(), Clock()
    svc = make_service(tmp_path, mailbox, crm, clock, [])
    with SyncLock(tmp_path / "sync.lock"), pytest.raises(AccountError) as caught:
        svc.run_cycle(lambda p: None, threading.Event())
    assert caught.value.code == "SYNC_ANOTHER_RUNNING"
    assert crm.records == {}


def test_not_set_up(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    svc = SyncService(store, CATALOG, Scheduler(store, CATALOG), tmp_path / "l", connect=None, rules=None)
    assert svc.status().state is SyncState.NOT_SET_UP and not svc.due(T0)


# --- what each notice says, and how long each kind of failure waits (mutation-checked) ---


class Edges(random.Random):
    """A jitter source that always answers the low (or the high) end of the range asked for."""

    def __init__(self, high: bool) -> None:
        super().__init__(0)
        self.high = high

    def uniform(self, a: float, b: float) -> float:
        return b if self.high else a

    def random(self) -> float:
        return 1.0 if self.high else 0.0


def test_each_notice_names_the_code_the_account_the_words_and_the_count(store: Store) -> None:
    from app.core.scheduler import Notice

    sched = Scheduler(store, CATALOG, rng=random.Random(3))
    first = sched.record(account_error("SF_SERVER_ERROR", "UNKNOWN_EXCEPTION"), T0, source="Salesforce", account="a@o")
    assert first == [Notice(NoticeKind.FIRST_FAILURE, "SF_SERVER_ERROR", "a@o", "UNKNOWN_EXCEPTION", failures=1)]
    state = sched.state()
    assert (state.error_code, state.error_source, state.error_account, state.error_message) == (
        "SF_SERVER_ERROR",
        "Salesforce",
        "a@o",
        "UNKNOWN_EXCEPTION",
    )
    # A different code on the second failure in a row is told too; the same code again is not.
    second = sched.record(account_error("SF_ORG_UNAVAILABLE", "down"), T0, account="a@o")
    assert second == [Notice(NoticeKind.FIRST_FAILURE, "SF_ORG_UNAVAILABLE", "a@o", "down", failures=2)]
    assert sched.record(account_error("SF_ORG_UNAVAILABLE", "down"), T0, account="a@o") == []
    # Without the service's words, the catalogue's title is what the user reads.
    untitled = SyncbarError("SF_AUTH_FAILED", "")
    reauth = sched.record(untitled, T0, account="a@o")
    title = CATALOG.get("SF_AUTH_FAILED").title
    assert reauth == [Notice(NoticeKind.REAUTH, "SF_AUTH_FAILED", "a@o", title, failures=4)]  # one pop-up
    assert sched.state().error_message == str(untitled) and sched.state().reauth_account == "a@o"
    reset = T0 + timedelta(hours=3)
    limited = sched.record(SyncbarError("SF_API_LIMIT_ORG", "limit", resume_at=reset), T0, account="a@o")
    assert limited[-1] == Notice(NoticeKind.SUSPENDED, "SF_API_LIMIT_ORG", "a@o", "limit", until=reset)
    for _ in range(4):
        sched.record(account_error("SF_SERVER_ERROR", "again"), T0, account="a@o")
    # Failing cycles in a row tell nothing more (the escalation email goes by time blocked, not by count).
    assert sched.record(account_error("SF_SERVER_ERROR", "again"), T0, account="a@o") == []
    assert sched.record(None, T0) == [Notice(NoticeKind.RECOVERED, failures=10)]


def test_a_recovery_clears_every_trace_of_the_failure(store: Store) -> None:
    from app.core.scheduler import SchedulerState

    sched = Scheduler(store, CATALOG, rng=random.Random(3))
    sched.started(T0)
    for _ in range(10):
        sched.record(account_error("SF_SERVER_ERROR", "x"), T0, source="Salesforce", account="a@o")
    sched.record(None, T0 + timedelta(minutes=1))
    state = sched.state()
    assert state == SchedulerState(
        last_started=state.last_started,
        last_ended=state.last_ended,
        last_ok=state.last_ok,
        seen_codes=["SF_SERVER_ERROR"],
    )
    assert state.last_ok == state.last_ended != "" and state.last_ok.startswith("2026-11-20T09:01")
    # A new run of failures is told once again; no count of failures escalates (the email goes by time blocked).
    told = [n.kind for _ in range(10) for n in sched.record(account_error("SF_SERVER_ERROR"), T0)]
    assert told.count(NoticeKind.FIRST_FAILURE) == 1 and NoticeKind.ESCALATE not in told


def test_another_sync_running_is_no_failure_and_waits_30_seconds(sched: Scheduler) -> None:
    sched.started(T0)
    assert sched.record(SyncbarError("SYNC_ANOTHER_RUNNING", "busy"), T0) == []
    assert sched.state().failures == 0 and sched.state().error_code == ""
    assert not sched.due(T0 + timedelta(seconds=29)) and sched.due(T0 + timedelta(seconds=30))


def test_waits_by_kind_at_the_jitter_edges(store: Store) -> None:
    for high in (False, True):
        sched = Scheduler(store, CATALOG, rng=Edges(high))
        sched.credentials_updated()
        sched.started(T0)
        sched.record(account_error("SF_SERVER_ERROR"), T0)  # transient: 30 s, ± 20 %
        assert sched.next_run(T0) == T0 + timedelta(seconds=36 if high else 24)
        for _ in range(14):
            sched.record(account_error("SF_SERVER_ERROR"), T0)
        assert sched.next_run(T0) == T0 + timedelta(minutes=30) * (1.2 if high else 0.8)  # the cap
        sched.record(None, T0)
        sched.record(account_error("SF_SERVER_ERROR", retry_after=400), T0)  # the service asks for longer
        assert sched.next_run(T0) == T0 + timedelta(seconds=400)
        sched.record(None, T0)
        sched.record(account_error("MBX_THROTTLED"), T0)  # throttled without Retry-After: a minute, + 10 %
        assert sched.next_run(T0) == T0 + timedelta(seconds=66 if high else 60)
        sched.record(None, T0)
        sched.record(account_error("SF_ORG_LOCKED"), T0)  # someone must fix it: look again in an hour ± 10 %
        assert sched.next_run(T0) == T0 + timedelta(minutes=66 if high else 54)
        sched.record(None, T0)
        sched.record(account_error("SF_API_LIMIT_ORG"), T0)  # a limit without a reset time: an hour
        assert sched.next_run(T0) == T0 + timedelta(hours=1)
        assert sched.state().suspended_until != ""
        sched.record(None, T0)
        assert sched.state().suspended_until == sched.state().backoff_until == ""


def test_the_default_jitter_source_works(store: Store) -> None:
    sched = Scheduler(store, CATALOG)
    sched.record(account_error("MBX_THROTTLED"), T0)
    until = sched.next_run(T0)
    assert until is not None and T0 + timedelta(seconds=60) <= until <= T0 + timedelta(seconds=66)


def test_a_sign_in_starts_the_count_of_refusals_again(sched: Scheduler) -> None:
    for _ in range(5):
        sched.record(account_error("MBX_AUTH_FAILED"), T0)
    sched.record(account_error("SF_SERVER_ERROR"), T0)  # another failure breaks the run of refusals
    for _ in range(5):
        sched.record(account_error("MBX_AUTH_FAILED"), T0)
    assert not sched.state().needs_reauth
    sched.record(account_error("MBX_AUTH_FAILED"), T0)
    assert sched.state().needs_reauth and sched.state().reauth_account == ""
    sched.credentials_updated()
    state = sched.state()
    assert (state.needs_reauth, state.reauth_account, state.rejections, state.backoff_until) == (False, "", 0, "")
    assert sched.due(T0)
    for _ in range(5):
        sched.record(account_error("MBX_AUTH_FAILED"), T0)
    assert not sched.state().needs_reauth  # five after a sign-in are not six


def test_seen_codes_keep_the_last_fifty(sched: Scheduler) -> None:
    codes = [e.code for e in CATALOG.entries() if not e.code.startswith("IGN_") and e.code != "SYNC_ANOTHER_RUNNING"]
    assert len(codes) > 50
    for code in codes:
        sched.record(account_error(code), T0)
    assert sched.state().seen_codes == codes[-50:]


def test_the_next_run_after_a_clean_cycle_is_one_interval_later(store: Store) -> None:
    sched = Scheduler(store, CATALOG, interval=timedelta(minutes=20))
    sched.request()
    sched.started(T0)
    sched.record(None, T0 + timedelta(minutes=2))
    state = sched.state()
    assert state.requested is False and state.paused is False
    assert sched.next_run(T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=20)
    sched.pause()
    sched.resume()
    assert sched.state().paused is False


def test_a_fresh_scheduler_runs_now_and_a_failure_without_source_names_none(sched: Scheduler) -> None:
    assert sched.next_run(T0) == T0
    sched.record(account_error("SF_AUTH_FAILED"), T0)
    state = sched.state()
    assert state.error_source == "" and state.error_account == ""
    assert state.backoff_until == "" and state.suspended_until == ""  # a sign-in, not a wait
