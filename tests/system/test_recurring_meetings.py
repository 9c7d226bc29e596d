"""Recurring meetings on each mailbox kind, through the commands a user runs: a weekly series with
occurrences before the history window and in it becomes one Salesforce Event per occurrence in the
window, each with its series' subject and attendee, and none for the older ones (docs/state.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

KINDS = ("graph", "gmail", "ews")


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=44, names=[request.param, "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host



def sf_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.mark.parametrize("served", KINDS, indirect=True)
def test_each_occurrence_in_the_window_is_one_event_with_its_series_people(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    kind = next(n for n in host.services if n != "salesforce")
    info = host.info()
    days = 30
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
        str(days),
    )
    assert code == 0, out
    assert host.seed is not None
    series = host.seed.series[0]
    start = before - timedelta(days=days)
    expected = sorted(s for s, _, _ in series.occurrences() if s >= start)
    spans = sorted((s, e) for s, e, _ in series.occurrences() if s >= start)
    older = [s for s, _, _ in series.occurrences() if s < start]
    assert expected and older, "the seeded series has occurrences in the window and before it"

    host.reset_calls()
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out
    counts = json.loads(out)["counts"]
    assert "IGN_EMPTY_ADDRESS" not in counts.get("event", {}).get("ignored", {}), counts
    if kind == "graph":  # the bare instances need their series: read once for all its occurrences
        assert host.calls("graph").get("events.get") == 1, host.calls("graph")

    sf: Any = host.services["salesforce"]
    logged = [r for r in sf.records["Event"].values() if r.get("Subject") == series.subject]
    assert sorted(sf_time(r["StartDateTime"]) for r in logged) == expected
    assert sorted((sf_time(r["StartDateTime"]), sf_time(r["EndDateTime"])) for r in logged) == spans
    attendee = series.attendees[0].address
    people = {p.id: p.email for p in sf.org.people}
    people.update({r["Id"]: r.get("Email") for r in sf.records.get("Contact", {}).values()})
    assert all(people.get(r.get("WhoId")) == attendee for r in logged), [r.get("WhoId") for r in logged]

    # A series created after the first read arrives through the change feed, occurrence by occurrence;
    # the first series is not logged again.
    first = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    later = replace(
        series, id="evt-series-later", subject="Monthly steering", start=first, end=first + timedelta(hours=1)
    )
    later = replace(later, weekly=3, moved=-1)
    host.services[kind].add_series(later)
    host.reset_calls()
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out
    counts = json.loads(out)["counts"]
    assert "IGN_EMPTY_ADDRESS" not in counts.get("event", {}).get("ignored", {}), counts
    if kind == "graph":
        assert host.calls("graph").get("events.get") == 1, host.calls("graph")
    new = [r for r in sf.records["Event"].values() if r.get("Subject") == "Monthly steering"]
    assert sorted(sf_time(r["StartDateTime"]) for r in new) == [s for s, _, _ in later.occurrences()]
    assert len([r for r in sf.records["Event"].values() if r.get("Subject") == series.subject]) == len(expected)
