"""A first sync through the realistic network mode, as a user runs it: `syncbar emulators serve --rtt 30`,
`syncbar connect-emulators`, `syncbar sync --once`.  Every email reaches Salesforce once, and the
emulators record no limit broken: no request over a concurrency or rate limit, none sent before a
wait the service asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import control_request
from tests.system.user_session import User

ROOT = Path(__file__).resolve().parents[2]
ITEMS = {"graph": 400, "gmail": 300, "ews": 400}  # Gmail's quota makes its read the slow one (~6 s)


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    kind = request.param
    command = [sys.executable, "-m", "app", "emulators", "serve", "--json", "--rtt", "30"]
    command += ["--items", str(ITEMS[kind]), "--seed", "7", "--services", f"{kind},salesforce"]
    command += ["--cert-dir", str(tmp_path / "certs")]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield {"kind": kind, **info}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()



@pytest.mark.parametrize("served", ["graph", "gmail", "ews"], indirect=True)
def test_first_sync_keeps_every_published_limit(
    served: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    ca = Path(served["ca_file"])
    code, out = user.run(
        "connect-emulators", "--emulators-url", served["control_url"], "--ca-file", str(ca), "--mailbox", served["kind"]
    )
    assert code == 0, out
    assert control_request(served["control_url"], ca, "GET", "/violations") == []  # signing in broke nothing
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out  # synced (1: with the seeded item issues)
    counts = json.loads(out)["counts"]
    emails = counts["email"]
    assert emails["new"] + emails["failed"] + sum(emails["ignored"].values()) >= ITEMS[served["kind"]] * 0.9
    violations = control_request(served["control_url"], ca, "GET", "/violations")
    assert violations == [], violations[:5]
    calls = control_request(served["control_url"], ca, "GET", "/calls")[served["kind"]]
    if served["kind"] == "gmail":
        assert calls.get("batch", 0) >= ITEMS["gmail"] // 50  # messages read in batches of 50
        assert "messages.get" not in calls
