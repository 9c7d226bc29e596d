"""Microsoft To Do in the Graph emulator: lists, task shapes, paging, delta and the Tasks scopes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from app.auth.microsoft import MicrosoftAuth
from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.wiring import headless_browser
from app.core.catalog import load_default
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

STATUSES = {"notStarted", "inProgress", "completed", "waitingOnOthers", "deferred"}


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=120, seed=3, names=["graph"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


def http(host: EmulatorHost, token: str | None = None) -> requests.Session:
    s = requests.Session()
    s.verify = str(host.ca_path)
    s.headers["Authorization"] = f"Bearer {token or host.info()['services']['graph']['access_token']}"
    return s


def url(host: EmulatorHost, path: str) -> str:
    return host.url("graph") + "/v1.0" + path


def default_list(host: EmulatorHost) -> str:
    lists = http(host).get(url(host, "/me/todo/lists")).json()["value"]
    (default,) = [x for x in lists if x["wellknownListName"] == "defaultList"]
    assert default["displayName"] == "Tasks"
    return str(default["id"])


def tasks_path(list_id: str, rest: str = "") -> str:
    return f"/me/todo/lists/{quote(list_id, safe='')}/tasks{rest}"


def delta_round(host: EmulatorHost, link: str, page: int = 3) -> tuple[list[dict[str, Any]], str, int]:
    """Follow next links to the delta link: (values, delta link, pages)."""
    values: list[dict[str, Any]] = []
    pages = 0
    session = http(host)
    while True:
        body = session.get(link, headers={"Prefer": f"odata.maxpagesize={page}"}).json()
        pages += 1
        values += body["value"]
        if "@odata.nextLink" in body:
            assert "@odata.deltaLink" not in body
            link = body["@odata.nextLink"]
            continue
        return values, str(body["@odata.deltaLink"]), pages


def test_the_default_list_holds_the_seeded_tasks_in_the_todo_task_shape(host: EmulatorHost) -> None:
    list_id = default_list(host)
    seeded = host.services["graph"].todo
    body = http(host).get(url(host, tasks_path(list_id)), params={"$top": "1000"}).json()
    tasks = body["value"]
    assert len(tasks) == len([t for t in seeded.tasks.values() if not t.removed]) >= 4
    for task in tasks:
        assert task["@odata.type"] == "#microsoft.graph.todoTask"
        assert task["status"] in STATUSES and task["importance"] in {"low", "normal", "high"}
        assert set(task["body"]) == {"content", "contentType"}
        assert task["createdDateTime"].endswith("Z") and task["lastModifiedDateTime"].endswith("Z")
        assert isinstance(task["categories"], list) and task["@odata.etag"].startswith('W/"')
        if "dueDateTime" in task:
            assert task["dueDateTime"]["timeZone"] == "UTC" and "T" in task["dueDateTime"]["dateTime"]
        assert ("completedDateTime" in task) == (task["status"] == "completed")


def test_listing_tasks_pages_with_next_links(host: EmulatorHost) -> None:
    list_id = default_list(host)
    link: str | None = url(host, tasks_path(list_id)) + "?$top=2"
    seen: list[str] = []
    while link:
        body = http(host).get(link).json()
        assert len(body["value"]) <= 2
        seen += [t["id"] for t in body["value"]]
        link = body.get("@odata.nextLink")
    assert len(seen) == len(set(seen)) >= 4


def test_delta_pages_then_reports_only_changes_and_deletions(host: EmulatorHost) -> None:
    svc = host.services["graph"]
    list_id = default_list(host)
    first, delta_link, pages = delta_round(host, url(host, tasks_path(list_id, "/delta")))
    assert pages > 1 and len({t["id"] for t in first}) == len(first)
    again, delta_link, _ = delta_round(host, delta_link)
    assert again == []  # nothing changed

    new = svc.add_task("Call the supplier", body="About the order", status="inProgress")
    gone = first[0]["id"]
    svc.delete_task(gone)
    changes, delta_link, _ = delta_round(host, delta_link)
    by_id = {c["id"]: c for c in changes}
    assert by_id[new]["title"] == "Call the supplier" and by_id[new]["status"] == "inProgress"
    assert by_id[gone] == {"@odata.type": "#microsoft.graph.todoTask", "id": gone, "@removed": {"reason": "deleted"}}

    svc.expire_sync_state()
    assert http(host).get(delta_link).status_code == 410


def test_a_task_is_read_patched_and_completed(host: EmulatorHost) -> None:
    list_id = default_list(host)
    task_id = host.services["graph"].add_task("Renew the contract")
    path = url(host, tasks_path(list_id, "/" + quote(task_id, safe="")))
    assert http(host).get(path).json()["title"] == "Renew the contract"
    patched = http(host).patch(path, json={"categories": ["Sync Error"], "status": "completed"}).json()
    assert patched["categories"] == ["Sync Error"] and patched["completedDateTime"]["timeZone"] == "UTC"
    refused = http(host).patch(path, json={"subject": "no such property"})
    assert refused.status_code == 400
    assert http(host).get(url(host, tasks_path(list_id, "/nope"))).status_code == 404


def test_to_do_needs_a_tasks_scope_and_writing_needs_read_write(host: EmulatorHost) -> None:
    svc = host.services["graph"]
    c = host.info()["services"]["graph"]

    def signed_in(withheld: list[str]) -> str:
        svc.withhold_consent(withheld)
        try:
            auth = MicrosoftAuth(
                TokenStore(ProcessKeyring()),
                catalog=load_default(),
                authority=c["authority"],
                client_id=c["client_id"],
                ca_file=str(host.ca_path),
                key="microsoft:todo",
                scopes=["Mail.ReadWrite", "Tasks.Read", "Tasks.ReadWrite", "User.Read"],
            )
            auth.sign_in(headless_browser(str(host.ca_path)))
            return auth.token_source(False)
        finally:
            svc.withhold_consent([])

    without = signed_in(["Tasks.Read", "Tasks.ReadWrite"])
    refused = http(host, without).get(url(host, "/me/todo/lists"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ErrorAccessDenied"
    assert http(host, without).get(url(host, "/me")).status_code == 200  # the rest still works

    read_only = signed_in(["Tasks.ReadWrite"])
    list_id = default_list(host)
    assert http(host, read_only).get(url(host, tasks_path(list_id))).status_code == 200
    created = http(host, read_only).post(url(host, tasks_path(list_id)), json={"title": "x"})
    assert created.status_code == 403
