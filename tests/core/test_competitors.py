"""The look for other sync software: daily, a notice the first time a tool shows, and the words for setup."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from pathlib import Path

from app.core.catalog import load_default
from app.core.competitors import CompetitorCheck, Sighting, Traces, merge, tool_for_app, unchecked, warning
from app.core.errors import AccountError
from app.core.rules import Rules, RulesConfig
from app.core.runner import SyncService
from app.core.scheduler import NoticeKind, Scheduler
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, email

CATALOG = load_default()


def service(tmp_path: Path, mailbox: FakeMailbox, crm: FakeCrm, clock: Clock, notices: list) -> SyncService:  # type: ignore[type-arg]
    store = Store.open(tmp_path / "syncbar.db")
    return SyncService(
        store,
        CATALOG,
        Scheduler(store, CATALOG, rng=random.Random(3)),
        tmp_path / "sync.lock",
        connect=lambda: (mailbox, crm),
        rules=Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0)),
        mailbox_account=mailbox.account,
        crm_account=crm.account,
        clock=clock,
        on_notice=notices.append,
        competitors=CompetitorCheck(store),
    )


def test_a_tool_found_by_the_daily_look_is_told_once(tmp_path: Path) -> None:
    mailbox, crm, clock, notices = FakeMailbox([email(1)]), FakeCrm(), Clock(), []
    svc = service(tmp_path, mailbox, crm, clock, notices)
    svc.run_cycle(lambda p: None, threading.Event())
    assert not [n for n in notices if n.kind is NoticeKind.COMPETITOR]
    mailbox.categories.append("Added to Salesforce")
    clock.advance(timedelta(hours=3))
    svc.run_cycle(lambda p: None, threading.Event())  # looked less than a day ago
    assert not [n for n in notices if n.kind is NoticeKind.COMPETITOR]
    clock.advance(timedelta(days=1))
    svc.run_cycle(lambda p: None, threading.Event())
    [told] = [n for n in notices if n.kind is NoticeKind.COMPETITOR]
    assert "Salesforce for Outlook (mailbox categories: Added to Salesforce)" in told.message
    assert "Connected Apps OAuth Usage" in told.message
    clock.advance(timedelta(days=2))
    svc.run_cycle(lambda p: None, threading.Event())
    assert len([n for n in notices if n.kind is NoticeKind.COMPETITOR]) == 1  # the same tool is not told again


def test_a_side_that_cannot_be_read_is_an_unreadable_source_not_a_failed_cycle(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    crm, mailbox = FakeCrm(), FakeMailbox([])
    crm.faults.errors["sync_tool_traces"] = [AccountError("SF_INSUFFICIENT_ACCESS", "no")]
    mailbox.faults.errors["sync_tool_traces"] = [AccountError("MBX_SCOPE_NOT_GRANTED", "no")]
    scan, new = CompetitorCheck(store).run([crm, mailbox], T0)
    assert new == [] and scan.checked == [] and len(scan.unreadable) == 2
    text = unchecked(scan)
    assert text.startswith("Syncbar could check nothing") and "Login History" in text and not warning(scan)


def test_connected_app_labels_name_their_tool() -> None:
    assert tool_for_app("Salesforce for Outlook") == "Salesforce for Outlook"
    assert tool_for_app("Salesforce Inbox for Outlook") == "Salesforce Inbox"
    assert tool_for_app("Syncbar") == "" and tool_for_app("Salesforce CLI") == ""
    scan = merge([Traces((Sighting("Lightning Sync", "Salesforce login history", "Lightning Sync"),), ("x",))], T0)
    assert scan.tools == ["Lightning Sync"] and "App Manager" in warning(scan)


def test_marks_this_profile_never_made_are_another_syncbar_profiles(tmp_path: Path) -> None:
    from dataclasses import replace

    theirs = replace(email(2), labels=("Sync Error", "Sync Error: Last Name missing"))
    mailbox, crm, clock, notices = FakeMailbox([email(1), theirs]), FakeCrm(), Clock(), []
    svc = service(tmp_path, mailbox, crm, clock, notices)
    svc.run_cycle(lambda p: None, threading.Event())
    [told] = [n for n in notices if n.kind is NoticeKind.COMPETITOR]
    assert "another Syncbar profile (Syncbar marks in the mailbox: 1 item(s) marked by it" in told.message


def test_this_profiles_own_marks_are_not_another_profiles(tmp_path: Path) -> None:
    from dataclasses import replace

    from app.core.model import PushResult

    marked = replace(email(3), labels=("Sync Error", "Sync Error: Rejected by a validation rule"))
    crm = FakeCrm(reject=lambda r: PushResult(r.item_key, False, code="DATA_VALIDATION_FAILED", message="rule"))
    mailbox, clock, notices = FakeMailbox([marked]), Clock(), []
    svc = service(tmp_path, mailbox, crm, clock, notices)
    svc.run_cycle(lambda p: None, threading.Event())  # it failed here: the mark is ours
    assert svc.store.foreign_marks("Sync Error") == []
    assert not [n for n in notices if n.kind is NoticeKind.COMPETITOR]
