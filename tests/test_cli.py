"""The command line as a user meets it: empty home, catalogue, exit codes, the support report."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from app.compose import commands, report
from app.compose.cli import main
from app.core.catalog import load_default
from app.core.model import ItemKind, ObjectCounts, Outcome, Session
from app.core.rules import Rules, RulesConfig
from app.core.runner import SyncService
from app.core.scheduler import Scheduler
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, account_error, contact, email

CATALOG = load_default()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNCBAR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["status"], 0),
        (["issues"], 0),
        (["sessions"], 0),
        (["sync", "--once"], 2),
        (["pause"], 2),
        (["resume"], 2),
        (["accounts", "list"], 0),
    ],
)
def test_an_empty_home_says_no_account_is_set_up(
    home: Path, argv: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == code
    out = capsys.readouterr()
    assert "No account is set up yet" in out.out + out.err


def test_status_json_on_an_empty_home(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "not_set_up" and "No account is set up" in data["message"]


def test_catalog_json_lists_every_entry_with_reason_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    codes = {e["code"] for e in entries}
    assert {e.code for e in CATALOG.entries()} == codes
    for needed in ("SF_AUTH_FAILED", "SF_API_LIMIT_ORG", "SF_ORG_LOCKED", "SYNC_ANOTHER_RUNNING", "IGN_GROUP_ADDRESS"):
        assert needed in codes
    for e in entries:
        assert e["reason"].strip() and e["recommendation"].strip() and e["retry_class"] and e["fixer"]


def test_version_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("syncbar ")


def test_a_bad_profile_is_named_with_its_path(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "config").mkdir(parents=True)
    (home / "config" / "profile.json").write_text("{not json")
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert "profile.json" in err and "cannot be read" in err


def session(outcome: Outcome, code: str = "") -> Session:
    return Session(1, OWNER, T0, T0, outcome, {ItemKind.EMAIL: ObjectCounts(total=1)}, code)


@pytest.mark.parametrize(
    ("outcome", "code", "expected"),
    [
        (Outcome.CLEAN, "", 0),
        (Outcome.ITEM_ISSUES, "", 1),
        (Outcome.FAILED, "SF_AUTH_FAILED", 3),
        (Outcome.FAILED, "MBX_AUTH_FAILED", 3),
        (Outcome.FAILED, "SF_API_LIMIT_ORG", 4),
        (Outcome.FAILED, "NET_CONNECTION_FAILED", 4),
        (Outcome.FAILED, "SYNC_ANOTHER_RUNNING", 5),
    ],
)
def test_exit_codes(outcome: Outcome, code: str, expected: int) -> None:
    assert commands.exit_code(session(outcome, code), CATALOG) == expected


def test_the_support_report_removes_tokens_and_by_default_addresses(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    mailbox, crm = FakeMailbox([email(1), contact(1, last="")]), FakeCrm()
    svc = SyncService(
        store,
        CATALOG,
        Scheduler(store, CATALOG, rng=random.Random(1)),
        tmp_path / "lock",
        connect=lambda: (mailbox, crm),
        rules=Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0)),
        mailbox_account=OWNER,
        crm_account=crm.account,
        clock=Clock(),
    )
    svc.run_cycle(lambda p: None, threading.Event())
    token = "00D5g000004Xyz1!AQ4AQFakeSessionTokenValue123"
    crm.faults.errors["match"] = [account_error("SF_AUTH_FAILED", f"session {token} rejected for alice@customer.com")]
    mailbox.add(email(2))
    svc.run_cycle(lambda p: None, threading.Event())
    log = tmp_path / "syncbar.log"
    log.write_text(f"GET /x Authorization: Bearer abc.def.ghi\nrefresh_token=1//0gSecretRefresh{'x' * 30}\n")
    files = report.build(svc, profile=None, log_file=log, secrets=["abc.def.ghi"])
    out = report.write(files, tmp_path / "r.zip")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        blob = "".join(zf.read(n).decode() for n in names)
    assert {"summary.txt", "issues.json", "sessions.json", "versions.json", "config.json", "log.txt"} <= names
    assert "SF_AUTH_FAILED" in blob and "DATA_REQUIRED_FIELD_MISSING" in blob
    assert token not in blob and "abc.def.ghi" not in blob and "0gSecretRefresh" not in blob
    assert "alice@customer.com" not in blob
    kept = report.build(svc, profile=None, log_file=log, keep_personal=True)
    kept_blob = "".join(f.text or "" for f in kept)
    assert "alice@customer.com" in kept_blob and token not in kept_blob


def test_the_login_entry_command_starts_the_app_minimized(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The autostart entry runs `syncbar --minimized`: it must start the tray app, not fail on the option."""
    from app.compose import autostart, desktop
    from app.compose.cli import main

    seen: list[bool] = []
    monkeypatch.setattr(desktop, "run", lambda paths, minimized=False: seen.append(minimized) or 0)
    command = autostart.entry_text().split("Exec=", 1)[1].splitlines()[0]
    assert command.endswith(" --minimized")
    assert main(["--minimized"]) == 0 and seen == [True]


def test_the_progress_line_names_the_phase_and_has_no_total_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from app.core.service import Phase, Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    monkeypatch.setattr(sys, "stderr", out)
    show = commands._progress_printer()
    show(Progress(1_000, 0, None, Phase.READING))
    show(Progress(2_000, 6_000, None, Phase.WRITING))
    lines = [line.strip() for line in out.getvalue().split("\r") if line.strip()]
    assert lines == ["Reading the mailbox: 1,000", "Writing to Salesforce: 2,000 of 6,000"]
