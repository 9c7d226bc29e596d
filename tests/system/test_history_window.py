"""The history window on each mailbox kind, through the commands a user runs: with `--history-days 7`
the first read asks the server for those 7 days only (the emulators' call log shows the filter each
API offers) and nothing older reaches Salesforce, nor even the ignored counts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.compose import paths
from app.core import profile
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

KINDS = ("graph", "gmail", "ews")
DAYS = 7


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=33, names=[request.param, "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host



def older_mail(host: EmulatorHost, kind: str, start: datetime) -> int:
    """How many messages the emulator holds from before ``start`` (the test needs some)."""
    svc: Any = host.services[kind]
    if kind == "gmail":
        return sum(1 for m in svc.mails.values() if m.internal_ms / 1000 < start.timestamp())
    if kind == "graph":
        stamps = [e.data["receivedDateTime"] for e in svc.items.values() if e.collection in ("inbox", "sentitems")]
    else:
        stamps = [i.fields["DateTimeReceived"] for i in svc.items.values() if i.folder in ("inbox", "sentitems")]
    return sum(1 for s in stamps if datetime.fromisoformat(s.replace("Z", "+00:00")) < start)


def window_filters(host: EmulatorHost, kind: str) -> tuple[list[datetime], list[datetime]]:
    """The lower bounds the first read sent for mail and for the calendar, read from the call log."""
    log = host.call_log(kind)
    mail: list[datetime] = []
    calendar: list[datetime] = []
    if kind == "graph":
        for call in log:
            if call["operation"] == "messages.delta" and "$deltatoken" not in call["query"]:
                if "$skiptoken" in call["query"]:
                    continue
                field, op, value = call["query"]["$filter"][0].split()
                assert (field, op) == ("receivedDateTime", "ge")
                mail.append(datetime.fromisoformat(value.replace("Z", "+00:00")))
            if call["operation"] == "events.delta" and "startDateTime" in call["query"]:
                calendar.append(datetime.fromisoformat(call["query"]["startDateTime"][0].replace("Z", "+00:00")))
    elif kind == "gmail":
        for call in log:
            if call["operation"] == "messages.list":
                found = re.search(r"\bafter:(\d+)\b", call["query"]["q"][0])
                assert found, call["query"]
                mail.append(datetime.fromtimestamp(int(found.group(1)), UTC))
            if call["operation"] == "events.list" and "timeMin" in call["query"]:
                calendar.append(datetime.fromisoformat(call["query"]["timeMin"][0].replace("Z", "+00:00")))
    else:
        for call in log:
            if call["operation"] != "FindItem":
                continue
            body = call["body"]
            restricted = re.search(
                r'IsGreaterThanOrEqualTo>\s*<t:FieldURI FieldURI="item:DateTimeReceived"\s*/>\s*'
                r'<t:FieldURIOrConstant>\s*<t:Constant Value="([^"]+)"',
                body,
            )
            view = re.search(r'<m:CalendarView[^>]*StartDate="([^"]+)"', body)
            assert restricted or view, body
            if restricted:
                mail.append(datetime.fromisoformat(restricted.group(1).replace("Z", "+00:00")))
            if view:
                calendar.append(datetime.fromisoformat(view.group(1).replace("Z", "+00:00")))
    return mail, calendar


def downloaded_before(host: EmulatorHost, kind: str, start: datetime) -> list[str]:
    """Ids of messages older than ``start`` whose content the mailbox asked for (Gmail and EWS read
    each message by id; Graph's filtered delta is checked through its filter)."""
    svc: Any = host.services[kind]
    old: list[str] = []
    for call in host.call_log(kind):
        if kind == "gmail" and call["operation"] == "messages.get":
            mail = svc.mails[call["path"].rsplit("/", 1)[-1]]
            if mail.internal_ms / 1000 < start.timestamp():
                old.append(mail.id)
        if kind == "ews" and call["operation"] == "GetItem":
            for item_id in re.findall(r'ItemId Id="([^"]+)"', call["body"]):
                item = svc.items.get(item_id)
                received = item.fields.get("DateTimeReceived") if item is not None else None
                if received and datetime.fromisoformat(received.replace("Z", "+00:00")) < start:
                    old.append(item_id)
    return old


@pytest.mark.parametrize("served", KINDS, indirect=True)
def test_first_read_asks_only_for_the_window(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    kind = next(n for n in host.services if n != "salesforce")
    info = host.info()
    before = datetime.now(UTC)
    code, out = user.run(
        "connect-emulators",
        "--emulators-url",
        info["control_url"],
        "--ca-file",
        info["ca_file"],
        "--mailbox",
        kind,
        "--history-days",
        str(DAYS),
    )
    assert code == 0, out
    start = before - timedelta(days=DAYS)
    assert older_mail(host, kind, start) > 10, "the seeded mailbox holds mail older than the window"
    host.reset_calls()

    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out
    session = json.loads(out)

    mail, calendar = window_filters(host, kind)
    assert mail and calendar, host.call_log(kind)
    slack = timedelta(minutes=5)  # between our `before` and the activation time the profile records
    for bound in mail + calendar:
        assert start - slack <= bound <= start + slack, (bound, start)

    # No message older than the window was downloaded (Graph's filtered delta pages hold the messages).
    assert not downloaded_before(host, kind, start - slack)

    # Nothing older than the window was read: it is neither synced nor counted as ignored.
    ignored = {reason for c in session["counts"].values() for reason in c["ignored"]}
    assert "IGN_BEFORE_WINDOW" not in ignored, session["counts"]
    synced = sum(c["new"] for c in session["counts"].values())
    assert synced > 0, session["counts"]
    sf: Any = host.services["salesforce"]
    email_days = [
        r["ActivityDate"]
        for r in sf.records["Task"].values()
        if r.get("TaskSubtype") == "Email" and r.get("ActivityDate")
    ]
    assert email_days
    assert min(date.fromisoformat(d) for d in email_days) >= (start - slack).date()


@pytest.mark.parametrize("served", KINDS, indirect=True)
def test_a_wider_window_later_reads_the_older_mail_once(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    kind = next(n for n in host.services if n != "salesforce")
    home = user.home
    info = host.info()
    before = datetime.now(UTC)
    argv = ["--emulators-url", info["control_url"], "--ca-file", info["ca_file"], "--mailbox", kind]
    code, out = user.run("connect-emulators", *argv, "--history-days", str(DAYS))
    assert code == 0, out
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out
    sf: Any = host.services["salesforce"]

    def email_days() -> list[date]:
        return [
            date.fromisoformat(r["ActivityDate"])
            for r in sf.records["Task"].values()
            if r.get("TaskSubtype") == "Email" and r.get("ActivityDate")
        ]

    first = email_days()
    assert min(first) >= (before - timedelta(days=DAYS, minutes=5)).date()

    # Settings > What to sync: 30 days instead of 7.
    config = paths.resolve(str(home)).config
    prof = profile.load(config)
    assert prof is not None
    prof.choices.history_days = 30
    profile.save(config, prof)
    host.reset_calls()
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out
    mail, calendar = window_filters(host, kind)
    wide = before - timedelta(days=30)
    assert mail and all(abs(bound - wide) < timedelta(minutes=5) for bound in mail + calendar), (mail, calendar)
    second = email_days()
    assert min(second) < (before - timedelta(days=DAYS)).date(), "the older mail is synced now"
    new = json.loads(out)["counts"]["email"]["new"]
    assert len(second) == len(first) + new, "one Task per newly synced email: nothing was sent twice"

    # And the next cycle reads changes only.
    host.reset_calls()
    code, out = user.run("sync", "--once", "--json")
    assert window_filters(host, kind) == ([], [])
    assert len(email_days()) == len(second)
