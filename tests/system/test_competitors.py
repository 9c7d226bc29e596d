"""Competing sync software, through the command line a user runs: `syncbar connect-emulators` looks at setup,
`syncbar sync --once` looks again daily, `syncbar status` shows what was found.  The emulators seed each tool's
trace where the real one leaves it (docs/competitors.md): the user's OAuth grants, their login history, their
Einstein Activity Capture assignment, and the categories or labels in the mailbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.compose.cli import main
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews.connect import add_categories

CHECKLIST = ("App Manager", "Connected Apps OAuth Usage", "Login History")


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    kind = getattr(request, "param", "graph")
    with emulators(items=50, seed=9, names=[kind, "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


@pytest.fixture
def user(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret_service_env: dict[str, str],
) -> Any:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    monkeypatch.setenv("SYNCBAR_HOME", str(tmp_path / "home"))

    def run(*argv: str, at: timedelta | None = None) -> tuple[int, str]:
        if at is not None:
            monkeypatch.setenv("SYNCBAR_FAKE_NOW", (datetime.now(UTC) + at).isoformat())
        capsys.readouterr()
        code = main(list(argv))
        return code, capsys.readouterr().out

    return run


def set_up(host: EmulatorHost, run: Any) -> str:
    info = host.info()
    kind = next(n for n in host.services if n != "salesforce")
    code, out = run(
        "connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"], "--mailbox", kind
    )
    assert code == 0, out
    return str(out)


def sf(host: EmulatorHost) -> Any:
    return host.services["salesforce"]


def test_a_salesforce_for_outlook_grant_is_named_at_setup_with_the_checklist(served: EmulatorHost, user: Any) -> None:
    sf(served).tools.seed_tool("Salesforce for Outlook", logins=0)
    out = set_up(served, user)
    assert "Salesforce for Outlook (Salesforce OAuth grants: Salesforce for Outlook)" in out
    assert all(line in out for line in CHECKLIST)


def test_logins_through_salesforce_inbox_are_named(served: EmulatorHost, user: Any) -> None:
    sf(served).tools.seed_tool("Salesforce Inbox", token=False, logins=2)
    out = set_up(served, user)
    assert "Salesforce Inbox (Salesforce login history: Salesforce Inbox)" in out
    assert "OAuth grants" not in out.split("Ask your")[0]


def test_an_einstein_activity_capture_assignment_is_named(served: EmulatorHost, user: Any) -> None:
    sf(served).tools.assign_eac()
    out = set_up(served, user)
    assert "Einstein Activity Capture (Einstein Activity Capture: this user is assigned to a configuration)" in out


@pytest.mark.parametrize("served", ["graph", "gmail", "ews"], indirect=True)
def test_salesforce_for_outlook_categories_in_the_mailbox_are_named(served: EmulatorHost, user: Any) -> None:
    kind = next(n for n in served.services if n != "salesforce")
    box: Any = served.services[kind]
    if kind == "graph":
        box.master.append({"id": "c-sfo", "displayName": "Sync with Salesforce", "color": "preset4"})
        source = "mailbox categories"
    elif kind == "gmail":
        box.labels["Label_77"] = {"id": "Label_77", "name": "Sync with Salesforce", "type": "user"}
        source = "Gmail labels"
    else:
        key = ("calendar", "CategoryList")
        box.configs[key] = add_categories(box.configs[key], [("Sync with Salesforce", "4")], datetime.now(UTC))
        source = "mailbox categories"
    out = set_up(served, user)
    assert f"Salesforce for Outlook ({source}: Sync with Salesforce)" in out


def test_a_tool_that_appears_later_is_found_by_the_daily_look(served: EmulatorHost, user: Any) -> None:
    out = set_up(served, user)
    assert "Another sync tool" not in out
    sf(served).tools.seed_tool("Salesforce for Outlook")
    user("sync", "--once", at=timedelta(hours=2))
    _code, out = user("status", "--json")
    assert json.loads(out)["other_sync_tools"]["tools"] == []  # looked at setup; the next look is a day later
    user("sync", "--once", at=timedelta(hours=25))
    _code, out = user("status", "--json")
    assert json.loads(out)["other_sync_tools"]["tools"] == ["Salesforce for Outlook"]
    _code, out = user("status")
    assert "Salesforce for Outlook" in out and "Login History" in out


def test_without_permission_setup_says_what_could_not_be_checked_once(served: EmulatorHost, user: Any) -> None:
    sf(served).tools.hidden = {"OauthToken", "LoginHistory"}  # and Einstein Activity Capture is off
    out = set_up(served, user)
    assert "could check not everything" in out
    assert "Salesforce OAuth grants (INVALID_TYPE)" in out and "Einstein Activity Capture (INVALID_TYPE)" in out
    assert all(line in out for line in CHECKLIST)
    user("sync", "--once", at=timedelta(days=2))
    _code, out = user("status")
    assert "could check" not in out  # said once, in setup


def test_another_syncbar_profiles_marks_are_found_by_the_daily_look(served: EmulatorHost, user: Any) -> None:
    set_up(served, user)
    graph: Any = served.services["graph"]
    mid = graph.add_message("inbox", "Quote for Ana", sf(served).org.people[12].email, "alex.morgan@example.com")
    graph.items[mid].data["categories"] = ["Sync Error", "Sync Error: Last Name missing"]  # the other one's marks
    user("sync", "--once", at=timedelta(hours=25))
    _code, out = user("status", "--json")
    found = json.loads(out)["other_sync_tools"]
    assert found["tools"] == ["another Syncbar profile"]
    assert "Quote for Ana" in found["sightings"][0]["detail"]
