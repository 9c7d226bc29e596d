"""What ``syncbar issues`` prints cannot drive the terminal: a subject or a service's message holding escape
sequences, a carriage return or a bidi override is printed without them (run as a user runs it, a process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.compose.paths import resolve
from app.compose.terminal import clean, json_text
from app.core.model import ItemKind, ItemState, Source
from app.core.store import LedgerRow, Store

HOSTILE = (
    "Invoice\x1b[2J\x1b[31mRED\x1b[0m"  # clear screen, colour
    "\x1b]0;pwned\x07"  # window title
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\rFAKE\x08\x9b31m\u202eevil\u202c"  # carriage return, backspace, a one-byte CSI, a bidi override
    "\nsecond line"
)
CONTROL = [chr(c) for c in range(0x20) if chr(c) not in "\n"] + [chr(c) for c in range(0x7F, 0xA0)] + ["\u202e"]


def _plant(home: Path) -> None:
    paths = resolve(str(home)).ensure()
    store = Store.open(paths.database)
    now = datetime.now(UTC)
    row = LedgerRow(
        key="email:1",
        kind=ItemKind.EMAIL,
        stream="inbox",
        mailbox_id="1",
        title=HOSTILE,
        web_link="",
        fingerprint="",
        state=ItemState.FAILED,
        idem_key="",
        record_id="",
        record_type="",
        last_code="",
        last_message="",
        attempts=1,
        next_attempt=None,
        first_failed=None,
        labels=(),
        marked="",
        mark_want="",
        sent_fp="",
        notes="",
        payload=None,
    )
    with store.transaction() as tx:
        store.record_item_issue(
            tx,
            row=row,
            code="DATA_VALIDATION_FAILED",
            source=Source.SALESFORCE,
            account="rep@example.com",
            message=HOSTILE,
            attempts=1,
            next_attempt=None,
            now=now,
        )
    store.close()


def _run(home: Path, *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app", *argv],
        env=dict(os.environ, SYNCBAR_HOME=str(home)),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


def test_syncbar_issues_prints_no_terminal_controls(tmp_path: Path) -> None:
    _plant(tmp_path / "home")
    text = _run(tmp_path / "home", "issues")
    assert "Invoice" in text and "RED" in text and "FAKE" in text and "second line" in text
    body = text.replace("\n", "")
    assert not [c for c in CONTROL if c in body], repr(text)
    assert "pwned" not in text and "evil.example" not in text  # the sequences go, not only their ESC byte
    assert len(text.strip().splitlines()) == 2  # one issue, two lines: the subject's newline made no third


def test_syncbar_issues_json_escapes_every_control(tmp_path: Path) -> None:
    _plant(tmp_path / "home")
    text = _run(tmp_path / "home", "issues", "--json")
    assert not [c for c in CONTROL if c in text.replace("\n", "")], repr(text)
    [issue] = json.loads(text)
    assert issue["item"] == HOSTILE  # JSON keeps the value exactly; only its printing is escaped


def test_clean_keeps_words_and_drops_controls() -> None:
    assert clean("a\x1b[1mb\x1b[0m\tc\nd") == "ab c d"
    assert clean("x\ny", one_line=False) == "x\ny"
    assert clean("Räksmörgås 日本 ✓") == "Räksmörgås 日本 ✓"
    assert json.loads(json_text({"v": "\x9b\u202e"})) == {"v": "\x9b\u202e"}


def test_status_and_sessions_print_a_services_words_without_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The service's message (SF_AUTH_FAILED here) reaches `syncbar status` cleaned; sessions too."""
    import argparse
    import random
    import threading

    from app.compose import commands
    from app.core.catalog import load_default
    from app.core.rules import Rules, RulesConfig
    from app.core.runner import SyncService
    from app.core.scheduler import Scheduler
    from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, account_error, email

    catalog = load_default()
    store = Store.open(tmp_path / "s.db")
    mailbox, crm = FakeMailbox([email(1)]), FakeCrm()
    crm.faults.errors["match"] = [account_error("SF_AUTH_FAILED", HOSTILE)]
    svc = SyncService(
        store,
        catalog,
        Scheduler(store, catalog, rng=random.Random(1)),
        tmp_path / "lock",
        connect=lambda: (mailbox, crm),
        rules=Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0)),
        mailbox_account=f"{OWNER}\x1b[8m",
        crm_account=crm.account,
        clock=Clock(),
    )
    svc.run_cycle(lambda p: None, threading.Event())
    assert commands.cmd_status(svc, argparse.Namespace(json=False)) == 0
    assert commands.cmd_sessions(svc, argparse.Namespace(json=False, days=7)) == 0
    out = capsys.readouterr().out
    assert "SF_AUTH_FAILED" in out and "Service said: Invoice" in out, out
    assert not [c for c in CONTROL if c in out.replace("\n", "")], repr(out)
    assert "pwned" not in out
