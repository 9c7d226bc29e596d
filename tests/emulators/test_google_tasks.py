"""Google Tasks in the Gmail emulator's host: lists, the Task shape, paging, updatedMin, deleted and hidden
tasks, and the tasks scope."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

TASKS = "https://www.googleapis.com/auth/tasks"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=120, seed=4, names=["gmail"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


def get(host: EmulatorHost, path: str, **params: Any) -> requests.Response:
    token = host.info()["services"]["gmail"]["access_token"]
    return requests.get(
        host.url("gmail") + "/tasks/v1" + path,
        params=params,
        verify=str(host.ca_path),
        timeout=30,
        headers={"Authorization": f"Bearer {token}"},
    )


def all_pages(host: EmulatorHost, **params: Any) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    pages = 0
    token = ""
    while True:
        body = get(host, "/lists/@default/tasks", **params, **({"pageToken": token} if token else {})).json()
        assert body["kind"] == "tasks#tasks"
        pages += 1
        items += body.get("items", [])
        token = body.get("nextPageToken", "")
        if not token:
            return items, pages


def test_the_default_list_and_the_task_shape(host: EmulatorHost) -> None:
    lists = get(host, "/users/@me/lists").json()
    assert lists["kind"] == "tasks#taskLists"
    (default,) = lists["items"]
    assert default["kind"] == "tasks#taskList" and default["title"] == "My Tasks"
    assert get(host, "/users/@me/lists/@default").json()["id"] == default["id"]
    items, _ = all_pages(host, maxResults=100)
    assert len(items) >= 4
    for task in items:
        assert task["kind"] == "tasks#task" and task["etag"].startswith('"')
        assert task["status"] in ("needsAction", "completed")
        assert task["updated"].endswith("Z") and len(task["updated"]) == len("2026-01-01T00:00:00.000Z")
        assert task["webViewLink"].startswith("https://tasks.google.com/")
        assert isinstance(task["links"], list) and task["title"]
        if "due" in task:
            assert task["due"].endswith("T00:00:00.000Z")  # a date only: the API keeps no time of day
        assert ("completed" in task) == (task["status"] == "completed")
        assert get(host, f"/lists/{default['id']}/tasks/{task['id']}").json() == task


def test_pages_of_at_most_max_results_cover_every_task_once(host: EmulatorHost) -> None:
    items, pages = all_pages(host, maxResults=3)
    everything, _ = all_pages(host, maxResults=100)
    assert pages > 1 and [t["id"] for t in items] == [t["id"] for t in everything]
    assert len(get(host, "/lists/@default/tasks", maxResults=500).json()["items"]) <= 100  # the largest page
    assert len(get(host, "/lists/@default/tasks").json()["items"]) <= 20  # the default page


def test_updated_min_shows_what_changed_and_deleted_or_hidden_tasks_only_when_asked(host: EmulatorHost) -> None:
    svc = host.services["gmail"]
    everything, _ = all_pages(host, maxResults=100)
    since = max(t["updated"] for t in everything)
    time.sleep(0.01)
    new = svc.add_task("Send the quote", notes="Before Friday")
    gone = everything[0]["id"]
    svc.delete_task(gone)
    changed, _ = all_pages(host, maxResults=100, updatedMin=since, showDeleted="true", showHidden="true")
    by_id = {t["id"]: t for t in changed}
    assert by_id[new]["notes"] == "Before Friday" and by_id[new]["status"] == "needsAction"
    assert by_id[gone]["deleted"] is True
    assert all(t["updated"] >= since for t in changed)
    plain, _ = all_pages(host, maxResults=100, updatedMin=since)
    assert gone not in {t["id"] for t in plain}  # showDeleted defaults to false

    done = svc.add_task("Filed", done=True)
    svc.tasks.clear_completed()
    assert done not in {t["id"] for t in all_pages(host, maxResults=100)[0]}  # showHidden defaults to false
    hidden = {t["id"]: t for t in all_pages(host, maxResults=100, showHidden="true")[0]}
    assert hidden[done]["hidden"] is True
    not_completed = all_pages(host, maxResults=100, showCompleted="false")[0]
    assert all(t["status"] == "needsAction" for t in not_completed)
    assert get(host, "/lists/@default/tasks", updatedMin="yesterday").status_code == 400


def test_a_task_changed_while_paging_shifts_no_page(host: EmulatorHost) -> None:
    svc = host.services["gmail"]
    first = get(host, "/lists/@default/tasks", maxResults=2).json()
    rest_before = all_pages(host, maxResults=100)[0][2:]
    svc.update_task(first["items"][0]["id"], title="Edited meanwhile")
    after: list[str] = []
    token = first["nextPageToken"]
    while token:
        body = get(host, "/lists/@default/tasks", maxResults=2, pageToken=token).json()
        after += [t["id"] for t in body.get("items", [])]
        token = body.get("nextPageToken", "")
    assert after == [t["id"] for t in rest_before]


def test_reading_tasks_needs_a_tasks_scope(host: EmulatorHost) -> None:
    svc = host.services["gmail"]
    svc.grant_only(["https://www.googleapis.com/auth/gmail.modify"])
    try:
        refused = get(host, "/lists/@default/tasks")
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert error["errors"][0]["reason"] == "insufficientPermissions"
        assert error["details"][0]["metadata"]["service"] == "tasks.googleapis.com"
        assert "tasks.readonly" in refused.headers["WWW-Authenticate"]
        svc.grant_only([TASKS + ".readonly"])
        assert get(host, "/lists/@default/tasks").status_code == 200
    finally:
        svc.grant_only(None)
