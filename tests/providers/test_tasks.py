"""The tasks streams of the Microsoft 365 (To Do) and Gmail (Google Tasks) providers, on their emulators:
the task item they make, incremental reads, deletions, Retry's fetch, marks, and a permission not granted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.core.catalog import load_default
from app.core.errors import StreamDenied
from app.core.mapping import DEFAULT_MAPPING
from app.core.model import ItemKind, MailItem
from app.core.ports import MailboxPort, Mark
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews.connect import EwsConnection, EwsSettings
from app.providers.ews.mailbox import EwsMailbox
from app.providers.gmail import GmailClient, GmailMailbox
from app.providers.gmail.tasks import task_item as google_task_item
from app.providers.graph import GraphClient, GraphMailbox
from app.providers.graph.todo import task_item as todo_task_item


@pytest.fixture(autouse=True)
def _no_ca_bundle_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=120, seed=5, names=["graph", "gmail"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h

CATALOG = load_default()


def graph(host: EmulatorHost, page_size: int = 3) -> GraphMailbox:
    c = host.info()["services"]["graph"]
    client = GraphClient(
        lambda force: str(c["access_token"]), catalog=CATALOG, base_url=host.url("graph"), ca_file=str(host.ca_path)
    )
    return GraphMailbox(c["username"], client, page_size=page_size)


def gmail(host: EmulatorHost) -> GmailMailbox:
    c = host.info()["services"]["gmail"]
    client = GmailClient(
        lambda force: str(c["access_token"]),
        catalog=CATALOG,
        base_url=host.url("gmail"),
        ca_file=str(host.ca_path),
        sleep=lambda s: None,
    )
    return GmailMailbox(c["username"], client)


def read_round(mailbox: MailboxPort, cursor: str | None) -> tuple[list[MailItem], list[str], str, int]:
    items: list[MailItem] = []
    removed: list[str] = []
    pages = 0
    while True:
        page = mailbox.changes("tasks", cursor)
        pages += 1
        items += page.items
        removed += page.removed
        cursor = page.cursor
        if not page.more:
            return items, removed, cursor, pages


def test_a_to_do_task_becomes_the_core_task_item() -> None:
    item = todo_task_item(
        {
            "id": "AAkALg==",
            "title": "Call Ada",
            "status": "waitingOnOthers",
            "importance": "high",
            "body": {"content": "<p>About the <b>renewal</b></p>", "contentType": "html"},
            # Stockholm's midnight of 11 July, as Graph gives it in UTC
            "dueDateTime": {"dateTime": "2026-07-10T22:00:00.0000000", "timeZone": "UTC"},
            "categories": ["Red category"],
        }
    )
    assert item.kind is ItemKind.TASK and item.stream == "tasks" and item.subject == "Call Ada"
    assert item.body.strip() == "About the renewal"
    assert dict(item.fields) == {"due": "2026-07-11", "status": "waitingOnOthers", "priority": "high"}
    assert item.occurred_at == datetime(2026, 7, 11, tzinfo=UTC) and item.labels == ("Red category",)
    assert item.web_link == "https://to-do.office.com/tasks/id/AAkALg%3D%3D/details"
    # Pacific midnight (07:00 UTC) keeps its date too
    late = todo_task_item({"id": "x", "dueDateTime": {"dateTime": "2026-07-11T07:00:00.0000000", "timeZone": "UTC"}})
    assert late.fields["due"] == "2026-07-11"
    assert DEFAULT_MAPPING.map_value("Status", item.fields["status"]) == "Waiting on someone else"
    assert DEFAULT_MAPPING.map_value("Priority", item.fields["priority"]) == "High"


def test_a_google_task_becomes_the_core_task_item() -> None:
    item = google_task_item(
        {
            "kind": "tasks#task",
            "id": "MTIz",
            "title": "Send the quote",
            "notes": "Before Friday",
            "status": "needsAction",
            "due": "2026-12-05T00:00:00.000Z",
            "webViewLink": "https://tasks.google.com/task/MTIz?sa=6",
        }
    )
    assert item.kind is ItemKind.TASK and item.stream == "tasks" and item.body == "Before Friday"
    assert dict(item.fields) == {"due": "2026-12-05", "status": "needsAction", "priority": ""}
    assert item.web_link.startswith("https://tasks.google.com/")
    assert DEFAULT_MAPPING.map_value("Status", "needsAction") == "Not Started"
    assert DEFAULT_MAPPING.map_value("Priority", "") == "Normal"


@pytest.mark.parametrize("kind", ["graph", "gmail"])
def test_the_first_read_has_every_seeded_task_and_the_next_only_what_changed(host: EmulatorHost, kind: str) -> None:
    mailbox: Any = graph(host) if kind == "graph" else gmail(host)
    svc = host.services[kind]
    assert "tasks" in mailbox.streams()
    items, removed, cursor, pages = read_round(mailbox, None)
    seeded = svc.todo.tasks if kind == "graph" else svc.tasks.tasks
    assert {i.mailbox_id for i in items} == set(seeded) and removed == []
    assert all(i.kind is ItemKind.TASK and i.subject for i in items)
    if kind == "graph":
        assert pages > 1  # the delta was paged (3 a page)

    again, removed, cursor, _ = read_round(mailbox, cursor)
    unchanged = {i.mailbox_id: i.fingerprint() for i in items}
    assert all(unchanged.get(i.mailbox_id) == i.fingerprint() for i in again)  # nothing new to send

    if kind == "graph":
        new = svc.add_task("Prepare the demo", body="For Acme", status="inProgress")
        svc.update_task(items[1].mailbox_id, title="Edited title")
        svc.delete_task(items[0].mailbox_id)
    else:
        new = svc.add_task("Prepare the demo", notes="For Acme")
        svc.update_task(items[1].mailbox_id, title="Edited title")
        svc.delete_task(items[0].mailbox_id)
    changed, removed, cursor, _ = read_round(mailbox, cursor)
    by_id = {i.mailbox_id: i for i in changed}
    assert by_id[new].subject == "Prepare the demo" and by_id[new].body == "For Acme"
    assert by_id[items[1].mailbox_id].subject == "Edited title"
    assert removed == [items[0].mailbox_id] and items[0].mailbox_id not in by_id

    fetched = mailbox.fetch("tasks", new)
    assert fetched.fingerprint() == by_id[new].fingerprint()


def test_graph_marks_a_failed_task_with_categories_and_takes_them_off(host: EmulatorHost) -> None:
    mailbox = graph(host)
    svc = host.services["graph"]
    task_id = svc.add_task("Marked task")
    [ok] = mailbox.mark([Mark(task_id, "tasks", "Subject too long", ())])
    assert ok.ok
    assert svc.todo.categories_of(task_id) == ["Sync Error", "Sync Error: Subject too long"]
    [ok] = mailbox.unmark([Mark(task_id, "tasks", "", ("Sync Error", "Sync Error: Subject too long"))])
    assert ok.ok and svc.todo.categories_of(task_id) == []


def test_gmail_has_nothing_to_mark_a_task_with_and_calls_nothing(host: EmulatorHost) -> None:
    mailbox = gmail(host)
    before = dict(host.calls("gmail"))
    results = mailbox.mark([Mark("abc", "tasks", "Subject too long", ())])
    assert [r.ok for r in results] == [True] and mailbox.unmark([Mark("abc", "tasks", "", ())])[0].ok
    assert dict(host.calls("gmail")) == before


def test_a_tasks_permission_not_granted_stops_only_the_tasks_stream(host: EmulatorHost) -> None:
    gsvc = host.services["gmail"]
    gsvc.grant_only(["https://www.googleapis.com/auth/gmail.modify"])
    try:
        with pytest.raises(StreamDenied) as caught:
            gmail(host).changes("tasks", None)
        assert caught.value.code == "MBX_SCOPE_NOT_GRANTED" and "tasks.readonly" in caught.value.message
    finally:
        gsvc.grant_only(None)

    msvc = host.services["graph"]
    msvc.withhold_consent(["Tasks.ReadWrite"])
    try:
        token, _ = msvc._issue(["Mail.ReadWrite", "Tasks.ReadWrite"])  # what the sign-in gets without consent
    finally:
        msvc.withhold_consent([])
    client = GraphClient(lambda force: token, catalog=CATALOG, base_url=host.url("graph"), ca_file=str(host.ca_path))
    mailbox = GraphMailbox("x@example.com", client)
    with pytest.raises(StreamDenied) as denied:
        mailbox.changes("tasks", None)
    assert denied.value.code == "MBX_SCOPE_NOT_GRANTED" and "Tasks.ReadWrite" in denied.value.message
    assert mailbox.changes("contacts", None).items  # the rest of the mailbox still reads


def test_all_three_kinds_make_task_items_with_the_same_fields(tmp_path_factory: pytest.TempPathFactory) -> None:
    with emulators(items=120, seed=5, names=["ews"], cert_dir=tmp_path_factory.mktemp("ews-certs")) as ews_host:
        c = ews_host.info()["services"]["ews"]
        settings = EwsSettings(
            address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(ews_host.ca_path)
        )
        ews_items, _, _, _ = read_round(EwsMailbox(EwsConnection(settings, c["password"], catalog=CATALOG)), None)
    assert ews_items and all(set(i.fields) == {"due", "status", "priority"} for i in ews_items)
    dated = [i for i in ews_items if i.occurred_at is not None]
    assert dated and all(i.fields["due"] == i.occurred_at.date().isoformat() for i in dated if i.occurred_at)
    graph_item = todo_task_item({"id": "a", "title": "t"})
    google_item = google_task_item({"id": "b", "title": "t"})
    assert set(graph_item.fields) == set(google_item.fields) == {"due", "status", "priority"}
