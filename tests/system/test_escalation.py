"""The escalation email, through the command line a user runs: `syncbar sync --once` while one side's sign-in
is revoked, the days passing with SYNCBAR_FAKE_NOW.  The mail goes through the side that still works: the
mailbox (Graph sendMail) when Salesforce fails, Salesforce's emailSimple action when the mailbox fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.compose import paths
from app.compose.cli import main
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def host(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=5, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as served:
        yield served


def syncbar(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], at: timedelta, *argv: str
) -> int:
    monkeypatch.setenv("SYNCBAR_HOME", str(home))
    monkeypatch.setenv("SYNCBAR_FAKE_NOW", (T0 + at).isoformat())
    capsys.readouterr()
    code = main(list(argv))
    capsys.readouterr()
    return code


def set_up(
    host: EmulatorHost, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **choices: Any
) -> None:
    info = host.info()
    argv = ["connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"]]
    assert syncbar(home, monkeypatch, capsys, timedelta(0), *argv, "--mailbox", "graph") == 0
    profile = paths.resolve(str(home)).config / "profile.json"
    data = json.loads(profile.read_text())
    data["choices"].update(choices)
    profile.write_text(json.dumps(data))
    assert syncbar(home, monkeypatch, capsys, timedelta(0), "sync", "--once") in (0, 1)


def escalations(host: EmulatorHost, through: str) -> list[Any]:
    if through == "mailbox":
        return [m for m in host.services["graph"].sent if m["subject"] == "Syncbar has stopped syncing"]  # type: ignore[attr-defined]
    return list(host.services["salesforce"].actions.outbox)  # type: ignore[attr-defined]


@pytest.mark.parametrize("revoked", ["salesforce", "graph"])
def test_a_revoked_sign_in_is_escalated_once_through_the_other_side_then_daily(
    host: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret_service_env: dict[str, str],
    revoked: str,
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    home = tmp_path / "home"
    set_up(host, home, monkeypatch, capsys, escalate_after_minutes=60)
    through = "mailbox" if revoked == "salesforce" else "salesforce"
    host.services[revoked].revoke_tokens()
    for minutes in (1, 30, 59):
        assert syncbar(home, monkeypatch, capsys, timedelta(minutes=minutes), "sync", "--once") != 0
    assert escalations(host, "mailbox") == escalations(host, "salesforce") == []  # not blocked long enough yet
    for minutes in (61, 90, 180, 23 * 60):
        syncbar(home, monkeypatch, capsys, timedelta(minutes=minutes), "sync", "--once")
    sent = escalations(host, through)
    assert len(sent) == 1, sent  # once per problem
    assert escalations(host, "mailbox" if through == "salesforce" else "salesforce") == []
    mailbox_address = host.info()["services"]["graph"]["username"]
    if through == "salesforce":
        assert sent[0].to == (mailbox_address,) and "MBX_" in sent[0].body
    else:
        assert [r["emailAddress"]["address"] for r in sent[0]["toRecipients"]] == [mailbox_address]
        assert "SF_AUTH_FAILED" in sent[0]["body"]["content"]
    # A second day: told once more, not at every cycle.
    for minutes in (25 * 60, 26 * 60, 30 * 60):
        syncbar(home, monkeypatch, capsys, timedelta(minutes=minutes), "sync", "--once")
    assert len(escalations(host, through)) == 2


def test_no_escalation_when_turned_off(
    host: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret_service_env: dict[str, str],
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    home = tmp_path / "home"
    set_up(host, home, monkeypatch, capsys, escalate_after_minutes=60, escalation_email=False)
    host.services["salesforce"].revoke_tokens()
    for hours in (0, 2, 30):
        syncbar(home, monkeypatch, capsys, timedelta(hours=hours, minutes=1), "sync", "--once")
    assert escalations(host, "mailbox") == escalations(host, "salesforce") == []
