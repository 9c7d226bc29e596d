"""Mailbox tasks become Salesforce Tasks on Microsoft 365 (To Do) and Gmail (Google Tasks), end to end:
`syncbar connect-emulators --mailbox KIND`, then `syncbar sync --once` twice.  The first sync creates one
Salesforce Task per mailbox task, with its status, priority and due date; the second creates only what is
new in the mailbox and updates what was edited, never a second record for a task already synced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

KINDS = ("graph", "gmail")


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=41, names=[request.param, "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


def mailbox_tasks(host: EmulatorHost, kind: str) -> dict[str, dict[str, Any]]:
    """Task id -> the task as its service keeps it (live tasks only)."""
    svc: Any = host.services[kind]
    if kind == "graph":
        return {i: e.data for i, e in svc.todo.tasks.items() if not e.removed}
    return {i: t.data for i, t in svc.tasks.tasks.items() if not t.data.get("deleted")}


def title_of(kind: str, task: dict[str, Any]) -> str:
    return str(task["title"])


def salesforce_tasks(host: EmulatorHost, titles: set[str]) -> list[dict[str, Any]]:
    sf: Any = host.services["salesforce"]
    return [r for r in sf.records["Task"].values() if r.get("Subject") in titles]


@pytest.mark.parametrize("served", KINDS, indirect=True)
def test_mailbox_tasks_become_salesforce_tasks_once(
    served: EmulatorHost,
    user: User,
) -> None:
    host = served
    kind = next(n for n in host.services if n != "salesforce")
    svc: Any = host.services[kind]
    assert user.connect(host, kind)[0] == 0

    tasks = mailbox_tasks(host, kind)
    titles = {title_of(kind, t) for t in tasks.values()}
    assert len(titles) == len(tasks) >= 4, "the seed has tasks with distinct titles"
    _, out = user.run("sync", "--once", "--json")
    counts = json.loads(out)["counts"]
    assert counts["task"]["new"] == len(tasks) and counts["task"]["failed"] == 0, counts["task"]
    created = salesforce_tasks(host, titles)
    assert sorted(r["Subject"] for r in created) == sorted(titles), "one Salesforce Task per mailbox task"
    done = {title_of(kind, t) for t in tasks.values() if t.get("status") == "completed"}
    for record in created:
        assert record["Status"] == ("Completed" if record["Subject"] in done else record["Status"])
        assert record["Status"] in ("Not Started", "In Progress", "Completed")
        assert record.get("TaskSubtype") != "Email"
    dated = [t for t in tasks.values() if t.get("dueDateTime" if kind == "graph" else "due")]
    assert dated and all(r.get("ActivityDate") for r in created if r["Subject"] in {title_of(kind, t) for t in dated})

    # A new task, an edited one, nothing else: the second sync creates one record and updates one.
    due = datetime.now(UTC) + timedelta(days=3)
    if kind == "graph":
        svc.add_task("Book the kick-off", body="With the whole team", due=due)
    else:
        svc.add_task("Book the kick-off", notes="With the whole team", due=due)
    edited_id = next(iter(tasks))
    svc.update_task(edited_id, title="Renamed in the mailbox")
    _, out = user.run("sync", "--once", "--json")
    counts = json.loads(out)["counts"]
    assert counts["task"]["new"] == 1 and counts["task"]["updated"] == 1, counts["task"]
    sf: Any = host.services["salesforce"]
    every = [r for r in sf.records["Task"].values() if r.get("TaskSubtype") != "Email"]
    subjects = [r["Subject"] for r in every]
    assert subjects.count("Book the kick-off") == 1 and subjects.count("Renamed in the mailbox") == 1
    assert title_of(kind, tasks[edited_id]) not in subjects  # updated in place, not created again
    [kick_off] = [r for r in every if r["Subject"] == "Book the kick-off"]
    assert kick_off["ActivityDate"] == due.date().isoformat() and kick_off["Description"] == "With the whole team"

    # And a third sync with no change writes nothing to Salesforce.
    before = len(sf.records["Task"])
    _, out = user.run("sync", "--once", "--json")
    assert json.loads(out)["counts"].get("task", {}).get("new", 0) == 0 and len(sf.records["Task"]) == before
