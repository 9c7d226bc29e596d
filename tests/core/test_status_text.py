"""What the state says, by who must act: waiting (amber, nothing to do), a sign-in, or a fix (red);
Sync now off with its reason where it would be refused; Try now where a person may have fixed the cause."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.errors import SyncbarError
from app.core.model import RetryClass
from app.core.scheduler import Scheduler
from app.core.service import Progress, StatusSnapshot, SyncState
from app.core.status_text import SELF_HEALING, Tone, mailbox_service, present, status_line, waiting
from app.core.store import Store

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> Catalog:
    monkeypatch.setenv("SYNCBAR_LANG", "en")
    return Catalog.load()


def _snap(state: SyncState, code: str = "", **kw: object) -> StatusSnapshot:
    return StatusSnapshot(state, "alex@example.com", "rep@acme.com", error_code=code, **kw)  # type: ignore[arg-type]


def test_every_self_healing_code_waits_in_amber_and_says_its_time_once(catalog: Catalog) -> None:
    until = NOW + timedelta(hours=2, minutes=38)
    at = until.astimezone().strftime("%H:%M") if until.astimezone().date() == NOW.astimezone().date() else ""
    healing = [e for e in catalog.entries() if e.retry_class in SELF_HEALING]
    assert {e.retry_class for e in healing} == set(SELF_HEALING)
    for entry in healing:
        state = SyncState.SUSPENDED if entry.retry_class is RetryClass.SUSPENDED else SyncState.BACKING_OFF
        snap = _snap(state, entry.code, suspended_until=until, next_run_at=until)
        view = present(snap, catalog, NOW)
        assert view.tone is Tone.WAITING, entry.code
        assert view.line == f"Waiting: {entry.title}"  # no "Sync error:", no time in the heading
        assert "Sync error" not in view.line + view.box_text
        assert view.box_text.endswith("Nothing to do.") and view.next_line == ""
        said = (view.line + view.box_text + view.next_line + view.sync_reason).count(at) if at else 1
        assert said == 1, (entry.code, view)
        # The tray's one line carries the time, once.
        line = status_line(snap, catalog, NOW)
        assert line.startswith("Waiting: ") and (not at or line.count(at) == 1)


def test_waits_that_would_be_refused_turn_sync_now_off_and_offer_try_now(catalog: Catalog) -> None:
    daily = present(
        _snap(SyncState.SUSPENDED, "SF_API_LIMIT_ORG", suspended_until=NOW + timedelta(hours=3)), catalog, NOW
    )
    assert not daily.sync_enabled and daily.try_now and "Try now" in daily.sync_reason
    throttled = present(_snap(SyncState.BACKING_OFF, "MBX_THROTTLED", next_run_at=NOW), catalog, NOW)
    assert not throttled.sync_enabled and throttled.try_now
    outage = present(_snap(SyncState.BACKING_OFF, "NET_CONNECTION_FAILED", next_run_at=NOW), catalog, NOW)
    assert outage.tone is Tone.WAITING and outage.sync_enabled and not outage.try_now  # a retry costs nothing


def test_red_only_when_a_person_must_act(catalog: Catalog) -> None:
    for entry in catalog.entries():
        if entry.retry_class not in (RetryClass.NEEDS_USER_FIX, RetryClass.PERMANENT):
            continue
        snap = _snap(SyncState.BACKING_OFF, entry.code, next_run_at=NOW + timedelta(hours=1))
        view = present(snap, catalog, NOW)
        assert view.tone is Tone.ERROR and not waiting(snap, catalog), entry.code
        assert view.try_now and view.sync_enabled and entry.recommendation in view.box_text


def test_a_sign_in_names_the_service_once_and_blocks_sync_now(catalog: Catalog) -> None:
    mailbox = present(
        _snap(SyncState.NEEDS_REAUTH, "MBX_AUTH_FAILED"), catalog, NOW, mailbox_service=mailbox_service("gmail")
    )
    assert mailbox.tone is Tone.SIGNIN and mailbox.service == "Gmail" and mailbox.line == "Sign-in needed"
    assert not mailbox.sync_enabled and "Gmail" in mailbox.sync_reason and mailbox.box_text == ""
    crm = present(_snap(SyncState.NEEDS_REAUTH, "SF_AUTH_FAILED"), catalog, NOW, mailbox_service="Exchange")
    assert crm.service == "Salesforce"
    assert {mailbox_service(k) for k in ("graph", "gmail", "ews")} == {"Microsoft 365", "Gmail", "Exchange"}
    # A mailbox refusing once is retried quietly first: that is a wait, not a sign-in yet.
    assert waiting(_snap(SyncState.BACKING_OFF, "MBX_AUTH_FAILED"), catalog)
    # Signed in again: the sync that clears the old code starts at once; no red, no "click Sign in again".
    after = present(_snap(SyncState.IDLE, "SF_AUTH_FAILED"), catalog, NOW)
    assert after.tone is Tone.WAITING and "Sign in" not in after.box_text


def test_sync_now_while_paused_says_it_runs_once(catalog: Catalog) -> None:
    once = _snap(SyncState.SYNCING, paused=True, progress=Progress(10, 100))
    assert status_line(once, catalog, NOW) == "Syncing once; still paused"
    paused = present(_snap(SyncState.PAUSED, paused=True), catalog, NOW)
    assert paused.tone is Tone.PAUSED and paused.sync_enabled and "stays paused" in paused.sync_reason


def test_swedish_waiting_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.resources import resource_path

    monkeypatch.setenv("SYNCBAR_LANG", "sv")
    swedish = Catalog.load().translated(resource_path("catalog_sv.json"))
    view = present(
        _snap(SyncState.SUSPENDED, "SF_API_LIMIT_ORG", suspended_until=NOW + timedelta(hours=1)), swedish, NOW
    )
    assert view.line.startswith("Väntar: ") and view.box_text.endswith("Du behöver inte göra något.")


def test_try_now_checks_once_through_a_suspension(tmp_path: Path, catalog: Catalog) -> None:
    sched = Scheduler(Store.open(tmp_path / "s.db"), catalog, rng=random.Random(1))
    until = NOW + timedelta(hours=5)
    sched.started(NOW)
    sched.record(SyncbarError("SF_API_LIMIT_ORG", resume_at=until), NOW)
    assert sched.blocked(NOW) == "suspended"
    sched.request()  # Sync now is not a way through a limit
    assert not sched.due(NOW)
    sched.try_now()
    assert sched.blocked(NOW) is None and sched.due(NOW) and sched.next_run(NOW) == NOW
    sched.started(NOW)  # the one check runs ...
    sched.record(SyncbarError("SF_API_LIMIT_ORG", resume_at=until), NOW)  # ... and the limit still holds
    assert not sched.due(NOW + timedelta(minutes=1)) and sched.blocked(NOW) == "suspended"
    sched.try_now()
    sched.started(NOW)
    sched.record(None, NOW)  # the admin raised it: the suspension is gone
    assert sched.blocked(NOW) is None and sched.state().suspended_until == ""


def test_try_now_does_not_skip_a_needed_sign_in(tmp_path: Path, catalog: Catalog) -> None:
    sched = Scheduler(Store.open(tmp_path / "s.db"), catalog, rng=random.Random(1))
    sched.started(NOW)
    sched.record(SyncbarError("SF_AUTH_FAILED"), NOW)
    sched.try_now()
    assert sched.blocked(NOW) == "needs_reauth" and not sched.due(NOW)
