"""A bug turned into a code still leaves its traceback in the log (redacted there by app/compose/logs.py)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import ItemState, Outcome
from app.core.rules import Rules, RulesConfig
from app.core.runner import SyncService
from app.core.scheduler import Scheduler
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, email

CATALOG = load_default()


def _rules() -> Rules:
    return Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))


def _tracebacks(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    # app/compose/logs.py's filter (installed by any earlier test that set up the log) formats the traceback into
    # exc_text and drops exc_info on the record every handler sees
    def has(r: logging.LogRecord) -> bool:
        if r.exc_info:
            return text in str(r.exc_info[1])
        return "Traceback" in (r.exc_text or "") and text in (r.exc_text or "")

    return [r for r in caplog.records if r.levelno >= logging.WARNING and has(r)]


@pytest.mark.parametrize("step", ["screen", "build"])
def test_a_rule_that_chokes_on_an_item_logs_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, step: str
) -> None:
    store = Store.open(tmp_path / "syncbar.db")
    rules = _rules()
    original = getattr(rules, step)

    def choke(item, *a, **k):  # type: ignore[no-untyped-def]
        if item.mailbox_id == "m1":
            raise RuntimeError(f"boom in {step}")
        return original(item, *a, **k)

    monkeypatch.setattr(rules, step, choke)
    engine = Engine(store, FakeMailbox([email(1), email(2)]), FakeCrm(), rules, CATALOG, clock=Clock())
    with caplog.at_level(logging.WARNING):
        result = engine.run()
    assert result.session.outcome is Outcome.ITEM_ISSUES
    assert store.row("email:m1").state is ItemState.QUARANTINED  # type: ignore[union-attr]
    logged = _tracebacks(caplog, f"boom in {step}")
    assert len(logged) == 1
    assert "email:m1" in logged[0].getMessage()


def test_a_provider_that_fails_to_connect_on_a_bug_logs_its_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(tmp_path / "syncbar.db")

    def connect():  # type: ignore[no-untyped-def]
        raise KeyError("client_id")  # a provider bug, not a SyncbarError

    service = SyncService(
        store,
        CATALOG,
        Scheduler(store, CATALOG),
        tmp_path / "sync.lock",
        connect=connect,
        rules=_rules(),
        mailbox_account="me@example.com",
        clock=Clock(),
    )
    with caplog.at_level(logging.WARNING):
        session = service.run_cycle(lambda p: None, threading.Event())
    assert session.outcome is Outcome.FAILED
    assert session.error_code == "SYNC_UNKNOWN_ERROR"
    assert len(_tracebacks(caplog, "client_id")) == 1
