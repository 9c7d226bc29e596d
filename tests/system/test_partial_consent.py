"""Google's granular consent through the product: the user signed in without ticking the calendar.

`syncbar sync --once` syncs the mail, records one account-level issue naming the missing permission with
Sign in again as its fix, and does not stop the account; once the permission is granted, the calendar
syncs and the issue is resolved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

MAIL_ONLY = [
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.labels",
    "https://www.googleapis.com/auth/gmail.send",
    "https://www.googleapis.com/auth/tasks.readonly",  # granted too: only the calendar is left out
]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=33, names=["gmail", "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


def test_mail_syncs_when_the_calendar_was_not_granted(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    assert user.connect(host, "gmail")[0] == 0
    gmail: Any = host.services["gmail"]
    gmail.grant_only(MAIL_ONLY)

    code, out = user.run("sync", "--once", "--json")
    assert code == 1, out  # finished with issues (the seeded troublesome items, and this one)
    session = json.loads(out)
    assert session["counts"]["email"]["new"] > 0, "the mail synced"
    assert "event" not in session["counts"] or session["counts"]["event"]["total"] == 0
    _, out = user.run("issues", "--json", "--code", "MBX_SCOPE_NOT_GRANTED")
    [issue] = json.loads(out)
    assert issue["scope"] == "account" and issue["account"] == gmail.owner.address
    assert "calendar.events" in issue["message"] and "Google Calendar" in issue["message"]
    assert "Sign in again" in issue["recommendation"]
    _, out = user.run("status", "--json")
    status = json.loads(out)
    assert status["state"] != "needs_reauth" and not status["error_code"], "the account keeps syncing"

    gmail.grant_only(None)  # signed in again with every permission
    _, out = user.run("sync", "--once", "--json")
    assert json.loads(out)["counts"]["event"]["new"] > 0
    _, out = user.run("issues", "--json", "--code", "MBX_SCOPE_NOT_GRANTED")
    assert json.loads(out) == []
