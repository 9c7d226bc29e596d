"""The Graph emulator driven by the real MSAL (sign-in, refresh, revocation) and by Syncbar's Graph provider."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from app.auth.microsoft import MicrosoftAuth
from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.wiring import headless_browser
from app.core.errors import AccountError, CursorExpired
from app.core.ports import Mark
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.graph import GraphClient, GraphMailbox


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=120, seed=2, names=["graph"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture
def svc(host: EmulatorHost) -> Any:
    host.clear_faults()
    return host.services["graph"]


def creds(host: EmulatorHost) -> dict[str, Any]:
    return dict(host.info()["services"]["graph"])


def http(host: EmulatorHost, token: str | None = None) -> requests.Session:
    s = requests.Session()
    s.verify = str(host.ca_path)
    s.headers["Authorization"] = f"Bearer {token or creds(host)['access_token']}"
    return s


def mailbox(host: EmulatorHost, sleeps: list[float] | None = None, page_size: int = 50) -> GraphMailbox:
    c = creds(host)
    client = GraphClient(
        lambda force: str(c["access_token"]),
        base_url=host.url("graph"),
        ca_file=str(host.ca_path),
        sleep=(sleeps.append if sleeps is not None else None),
    )
    return GraphMailbox(c["username"], client, page_size=page_size, history_days=365)  # the whole seeded mailbox


def signed_in(host: EmulatorHost) -> MicrosoftAuth:
    c = creds(host)
    auth = MicrosoftAuth(
        TokenStore(ProcessKeyring()),
        authority=c["authority"],
        client_id=c["client_id"],
        ca_file=str(host.ca_path),
        key="microsoft:test",
    )
    assert auth.sign_in(headless_browser(str(host.ca_path))) == c["username"]
    return auth


def test_msal_signs_in_refreshes_and_sees_revocation(host: EmulatorHost, svc: Any) -> None:
    auth = signed_in(host)
    first = auth.token_source(False)
    assert first in svc.access
    assert auth.token_source(False) == first  # from MSAL's cache, no call
    refreshed = auth.token_source(True)  # refresh_token grant
    assert refreshed != first and refreshed in svc.access
    me = http(host, refreshed).get(host.url("graph") + "/v1.0/me").json()
    assert me["userPrincipalName"] == creds(host)["username"]
    host.inject("graph", Fault("revoke", operation="me"))
    assert http(host, refreshed).get(host.url("graph") + "/v1.0/me").status_code == 401
    with pytest.raises(AccountError) as caught:
        auth.token_source(True)
    assert caught.value.service_code == "invalid_grant"
    assert caught.value.code == "MBX_AUTH_FAILED"
    svc.access[creds(host)["access_token"]] = 4102444800.0  # give the shared test token back


def test_pkce_and_redirect_are_checked(host: EmulatorHost, svc: Any) -> None:
    base = f"{creds(host)['authority']}/oauth2/v2.0"
    s = requests.Session()
    s.verify = str(host.ca_path)
    client_id = creds(host)["client_id"]
    answer = s.get(
        base + "/authorize",
        params={
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": "http://localhost:9",
            "scope": "Mail.ReadWrite offline_access",
            "state": "xyz",
            "code_challenge": "A" * 43,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
    )
    assert answer.status_code == 302 and "state=xyz" in answer.headers["Location"]
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    bad = s.post(
        base + "/token",
        data={
            "client_id": client_id,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost:9",
            "code_verifier": "wrong-verifier",
        },
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    assert bad.json()["error_codes"] == [501481]


def _authorize(host: EmulatorHost, client_id: str, redirect_uri: str) -> requests.Response:
    return requests.get(
        f"{creds(host)['authority']}/oauth2/v2.0/authorize",
        params={
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": "Mail.ReadWrite offline_access",
            "state": "s",
            "code_challenge": "A" * 43,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        verify=str(host.ca_path),
    )


def test_the_registration_is_a_public_client_with_a_localhost_redirect(host: EmulatorHost) -> None:
    c = creds(host)
    assert uuid.UUID(c["client_id"]) and c["redirect_uri"] == "http://localhost"
    # Entra ignores the port of a localhost redirect URI (native apps take any free port).
    for uri in ("http://localhost:9", "http://localhost:51234", "http://localhost:51234/"):
        assert _authorize(host, c["client_id"], uri).status_code == 302, uri


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:9", "http://localhost:9/callback", "https://evil.example/", "http://localhost.evil:9"]
)
def test_an_unregistered_redirect_uri_gets_entras_error_page(host: EmulatorHost, uri: str) -> None:
    answer = _authorize(host, creds(host)["client_id"], uri)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert f"AADSTS50011: The redirect URI &#x27;{uri}&#x27; specified in the request does not match" in answer.text


def test_an_unknown_app_is_refused_with_aadsts700016(host: EmulatorHost) -> None:
    unknown = "11111111-2222-3333-4444-555555555555"
    page = _authorize(host, unknown, "http://localhost:9")
    assert page.status_code == 400 and "Location" not in page.headers
    assert f"AADSTS700016: Application with identifier &#x27;{unknown}&#x27; was not found" in page.text
    token = requests.post(
        creds(host)["token_url"],
        data={"client_id": "syncbar-desktop", "grant_type": "refresh_token", "refresh_token": "x"},
        verify=str(host.ca_path),
    )
    body = token.json()
    assert token.status_code == 400 and body["error"] == "unauthorized_client" and body["error_codes"] == [700016]
    assert body["error_description"].startswith(
        "AADSTS700016: Application with identifier 'syncbar-desktop' was not found in the directory"
    )
    assert body["error_uri"] == "https://login.microsoftonline.com/error?code=700016"


def test_delta_pages_select_and_preferences(host: EmulatorHost, svc: Any) -> None:
    s = http(host)
    url = host.url("graph") + "/v1.0/me/mailFolders/inbox/messages/delta"
    first = s.get(
        url, params={"$select": "subject,from"}, headers={"Prefer": 'odata.maxpagesize=5, IdType="ImmutableId"'}
    )
    assert first.status_code == 200
    assert "odata.maxpagesize=5" in first.headers["Preference-Applied"]
    assert 'IdType="ImmutableId"' in first.headers["Preference-Applied"]
    body = first.json()
    assert len(body["value"]) == 5 and "@odata.nextLink" in body
    assert set(body["value"][0]) == {"@odata.type", "@odata.etag", "subject", "from", "id"}
    # The selection travels inside the skip token: the next page keeps it without $select.
    second = s.get(body["@odata.nextLink"], headers={"Prefer": "odata.maxpagesize=5"}).json()
    assert set(second["value"][0]) == {"@odata.type", "@odata.etag", "subject", "from", "id"}
    ids = {v["id"] for v in body["value"]} | {v["id"] for v in second["value"]}
    assert len(ids) == 10


def test_full_read_then_changes_and_expired_state(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    cursor, seen = None, []
    while True:
        page = box.changes("sentitems", cursor)
        seen += [i.mailbox_id for i in page.items]
        cursor = page.cursor
        if not page.more:
            break
    assert len(seen) == len(set(seen)) == sum(1 for e in svc.items.values() if e.collection == "sentitems")
    new = svc.add_message("sentitems", "Proposal v2", "alex.morgan@example.com", "buyer@customer.example")
    gone = seen[0]
    svc.delete_item(gone)
    page = box.changes("sentitems", cursor)
    assert [i.mailbox_id for i in page.items] == [new] and list(page.removed) == [gone]
    assert page.items[0].recipients[0].address == "buyer@customer.example"
    svc.expire_sync_state()
    with pytest.raises(CursorExpired):
        box.changes("sentitems", page.cursor)
    raw = http(host).get(page.cursor.partition(";")[2])  # the delta link behind the window's start
    assert raw.status_code == 410 and raw.json()["error"]["code"] == "syncStateNotFound"


def test_calendar_needs_a_window_and_contacts_stream(host: EmulatorHost, svc: Any) -> None:
    s = http(host)
    bad = s.get(host.url("graph") + "/v1.0/me/calendarView/delta")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "ErrorInvalidParameter"
    box = mailbox(host)
    events = box.changes("calendar", None)
    assert events.items and all(e.occurred_at is not None and e.end_at is not None for e in events.items)
    contacts = box.changes("contacts", None)
    assert any(c.fields["email"] for c in contacts.items)


def test_marks_create_red_master_category_and_keep_own_categories(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    item = box.changes("inbox", None).items[0]
    svc._patch(svc.items[item.mailbox_id], {"categories": ["Customer"]})
    host.reset_calls()
    [result] = box.mark([Mark(item.mailbox_id, "inbox", "Last Name missing", labels=("Customer",))])
    assert result.ok
    assert svc.categories_of(item.mailbox_id) == ["Customer", "Sync Error", "Sync Error: Last Name missing"]
    colours = {c["displayName"]: c["color"] for c in svc.master}
    assert colours["Sync Error"] == "preset0" and colours["Sync Error: Last Name missing"] == "none"
    assert host.calls("graph") == {"masterCategories.list": 1, "batch": 2}  # create categories, then patch
    [undone] = box.unmark([Mark(item.mailbox_id, "inbox", "Last Name missing", labels=("Customer",))])
    assert undone.ok and svc.categories_of(item.mailbox_id) == ["Customer"]


def test_marking_45_items_takes_3_batches(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host, page_size=100)
    items = box.changes("inbox", None).items[:45]
    assert len(items) == 45
    box.mark([Mark(items[0].mailbox_id, "inbox", "warm-up")])
    host.reset_calls()
    results = box.mark([Mark(i.mailbox_id, "inbox", "warm-up") for i in items])
    assert all(r.ok for r in results)
    assert host.calls("graph") == {"batch": 3}


def test_batch_limit_and_per_request_errors(host: EmulatorHost, svc: Any) -> None:
    s = http(host)
    url = host.url("graph") + "/v1.0/$batch"
    too_many = [{"id": str(i), "method": "GET", "url": "/me"} for i in range(21)]
    answer = s.post(url, json={"requests": too_many})
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "BadRequest"
    mixed = s.post(
        url,
        json={
            "requests": [
                {"id": "1", "method": "GET", "url": "/me"},
                {
                    "id": "2",
                    "method": "PATCH",
                    "url": "/me/messages/AAMkAGnope",
                    "body": {"categories": []},
                    "headers": {"Content-Type": "application/json"},
                },
            ]
        },
    ).json()
    by_id = {r["id"]: r for r in mixed["responses"]}
    assert by_id["1"]["status"] == 200 and by_id["2"]["status"] == 404
    assert by_id["2"]["body"]["error"]["code"] == "ErrorItemNotFound"


def test_a_mark_refused_inside_the_batch_is_answered_not_ok_and_the_others_apply(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    first, second = box.changes("inbox", None).items[:2]
    svc.delete_item(second.mailbox_id)  # its PATCH in the $batch answers 404
    results = box.mark([Mark(first.mailbox_id, "inbox", "Bad"), Mark(second.mailbox_id, "inbox", "Bad")])
    assert [(r.mailbox_id, r.ok) for r in results] == [(first.mailbox_id, True), (second.mailbox_id, False)]
    assert results[1].code == "MBX_ITEM_NOT_FOUND"
    assert "Sync Error" in svc.categories_of(first.mailbox_id)


def test_throttling_with_fractional_retry_after_is_waited_out(host: EmulatorHost, svc: Any) -> None:
    sleeps: list[float] = []
    box = mailbox(host, sleeps)
    host.inject("graph", Fault("throttle", operation="messages.delta", retry_after=1.5))
    page = box.changes("inbox", None)
    assert page.items and sleeps == [1.5]
    host.inject("graph", Fault("throttle", operation="messages.delta", retry_after=600))
    with pytest.raises(AccountError) as caught:
        box.changes("inbox", None)
    assert caught.value.retry_after == 600 and caught.value.code.startswith("MBX_")


def test_send_mail_notifies_the_user(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    box.send_notification("Syncbar needs you", "10 syncs in a row failed.")
    assert svc.sent[-1]["subject"] == "Syncbar needs you"
    assert svc.sent[-1]["toRecipients"][0]["emailAddress"]["address"] == box.account


def test_shapes_match_the_published_samples(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    samples = wire_samples / "graph"

    def load(name: str) -> Any:
        return json.loads((samples / name).read_text())

    s = http(host)
    url = host.url("graph") + "/v1.0/me/mailFolders/inbox/messages/delta"
    page = s.get(url, params={"$select": "subject,sender,isRead"}, headers={"Prefer": "odata.maxpagesize=2"}).json()
    sample = load("messages_delta_page_nextlink.json")
    assert set(page) == set(sample)
    assert set(page["value"][0]) == set(sample["value"][0])
    assert type(page["value"][0]["isRead"]) is type(sample["value"][0]["isRead"])
    assert set(page["value"][0]["sender"]["emailAddress"]) == set(sample["value"][0]["sender"]["emailAddress"])
    removed_sample = load("messages_delta_page_deltalink_removed.json")["value"][0]
    item_id = page["value"][0]["id"]
    cursor = page["@odata.nextLink"]
    while True:
        body = s.get(cursor).json()
        if "@odata.deltaLink" in body:
            cursor = body["@odata.deltaLink"]
            break
        cursor = body["@odata.nextLink"]
    svc.delete_item(item_id)
    delta = s.get(cursor).json()
    assert set(delta) == set(load("messages_delta_page_deltalink_removed.json"))
    assert set(delta["value"][0]) == set(removed_sample) and delta["value"][0]["@removed"] == {"reason": "deleted"}
    err = s.get(host.url("graph") + "/v1.0/me", headers={"Authorization": "Bearer nope"}).json()
    ref = load("error_401_invalid_authentication_token.json")
    assert set(err["error"]) == set(ref["error"]) and set(err["error"]["innerError"]) == set(ref["error"]["innerError"])
    assert err["error"]["code"] == ref["error"]["code"]
    listing = s.get(host.url("graph") + "/v1.0/me/outlook/masterCategories").json()
    assert set(listing) == set(load("mastercategories_list_response.json"))
    assert set(listing["value"][0]) == set(load("mastercategories_list_response.json")["value"][0])
    created = s.post(
        host.url("graph") + "/v1.0/me/outlook/masterCategories", json=load("mastercategories_create_request.json")
    )
    assert created.status_code == 201 and set(created.json()) == set(load("mastercategories_create_response.json"))
    again = s.post(
        host.url("graph") + "/v1.0/me/outlook/masterCategories", json=load("mastercategories_create_request.json")
    )
    assert again.status_code == 409
    batch = s.post(host.url("graph") + "/v1.0/$batch", json={"requests": [{"id": "1", "method": "GET", "url": "/me"}]})
    ref_batch = load("batch_response.json")["responses"][0]
    assert set(batch.json()["responses"][0]) == set(ref_batch)
    # Throttling, compared value by value with the published 429: tests/emulators/test_wire_values.py.
    token_ref = load("identity_token_response_authcode.json")
    assert set(token_ref) <= set(json.loads(svc._tokens(["Mail.ReadWrite"], "n").body))
    grant_ref = load("identity_token_error_invalid_grant_v1.json")
    got = s.post(
        creds(host)["token_url"],
        data={"client_id": creds(host)["client_id"], "grant_type": "refresh_token", "refresh_token": "revoked"},
    )
    # Recorded v2 answers also carry "error_uri" (wire_samples' note); the documented keys are all there.
    assert got.status_code == 400 and set(grant_ref) <= set(got.json()) <= set(grant_ref) | {"error_uri"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_batch_step_is_throttled_on_its_own(host: EmulatorHost, svc: Any) -> None:
    from app.emulators.graph_batch import MailboxBudget

    clock = FakeClock()
    svc.budget = MailboxBudget(limit=5, window=60.0, clock=clock)
    try:
        steps = [{"id": str(i), "method": "GET", "url": "/me"} for i in range(8)]
        answer = http(host).post(host.url("graph") + "/v1.0/$batch", json={"requests": steps})
        assert answer.status_code == 200  # the batch itself succeeds; its steps carry their own status
        by_id = {r["id"]: r for r in answer.json()["responses"]}
        assert [by_id[str(i)]["status"] for i in range(8)] == [200] * 5 + [429] * 3
        throttled = by_id["7"]
        assert throttled["body"]["error"]["code"] == "TooManyRequests"
        assert float(throttled["headers"]["Retry-After"]) == pytest.approx(60.0)
        clock.now += 61
        again = http(host).post(host.url("graph") + "/v1.0/$batch", json={"requests": steps[5:]}).json()
        assert [r["status"] for r in again["responses"]] == [200] * 3
    finally:
        svc.budget = MailboxBudget()


def test_provider_resends_only_throttled_steps_after_their_retry_after(host: EmulatorHost, svc: Any) -> None:
    from app.emulators.graph_batch import MailboxBudget

    box = mailbox(host, page_size=100)
    items = box.changes("inbox", None).items[:12]
    box.mark([Mark(items[0].mailbox_id, "inbox", "Salesforce busy")])  # the master categories exist
    clock = FakeClock()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += seconds

    box.client._sleep = sleep
    svc.budget = MailboxBudget(limit=8, window=30.0, clock=clock)
    svc.batch_steps.clear()
    try:
        results = box.mark([Mark(i.mailbox_id, "inbox", "Salesforce busy") for i in items])
    finally:
        svc.budget = MailboxBudget()
    assert all(r.ok for r in results)
    assert [len(steps) for steps in svc.batch_steps] == [12, 4]
    assert svc.batch_steps[1] == [str(i) for i in range(8, 12)], "only the throttled steps are sent again"
    assert sleeps == [pytest.approx(30.0)], "the retry waits the steps' Retry-After, not at once"
    assert all("Sync Error: Salesforce busy" in svc.categories_of(i.mailbox_id) for i in items)


def test_throttled_steps_past_the_inline_wait_are_left_for_a_later_cycle(host: EmulatorHost, svc: Any) -> None:
    from app.emulators.graph_batch import MailboxBudget

    box = mailbox(host, page_size=100)
    items = box.changes("inbox", None).items[:3]
    box.mark([Mark(items[0].mailbox_id, "inbox", "Salesforce busy")])
    sleeps: list[float] = []
    box.client._sleep = sleeps.append
    svc.budget = MailboxBudget(limit=1, window=600.0)
    try:
        results = box.mark([Mark(i.mailbox_id, "inbox", "Salesforce busy") for i in items])
    finally:
        svc.budget = MailboxBudget()
    assert [r.ok for r in results] == [True, False, False] and sleeps == []
    assert results[1].code == results[2].code and results[1].code.startswith("MBX_")


def test_contacts_delta_uses_the_documented_folder_path(host: EmulatorHost, svc: Any) -> None:
    s = http(host)
    refused = s.get(host.url("graph") + "/v1.0/me/contacts/delta")
    assert refused.status_code == 400
    folder = s.get(host.url("graph") + "/v1.0/me/contactFolders/contacts").json()
    assert folder["displayName"] == "Contacts" and folder["id"]
    host.reset_calls()
    box = mailbox(host, page_size=5)
    page = box.changes("contacts", None)
    assert f"/me/contactFolders/{folder['id']}/contacts/delta" in page.cursor
    assert host.calls("graph") == {"contactFolders.get": 1, "contacts.delta": 1}
    while page.more:
        page = box.changes("contacts", page.cursor)
    assert host.calls("graph")["contactFolders.get"] == 1, "the delta link carries the folder"


def test_a_throttled_batch_step_has_the_published_shapes(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    from app.emulators.graph_batch import MailboxBudget

    ref_step = json.loads((wire_samples / "graph" / "batch_response.json").read_text())["responses"][0]
    ref_429 = json.loads((wire_samples / "graph" / "error_429_throttled.json").read_text())
    svc.budget = MailboxBudget(limit=0)
    try:
        answer = http(host).post(
            host.url("graph") + "/v1.0/$batch", json={"requests": [{"id": "1", "method": "GET", "url": "/me"}]}
        )
    finally:
        svc.budget = MailboxBudget()
    [step] = answer.json()["responses"]
    assert set(step) == set(ref_step) and step["status"] == 429
    assert set(step["body"]["error"]) <= set(ref_429["error"]) and step["body"]["error"]["code"] == "TooManyRequests"


def test_message_delta_filter_on_received_time_only(host: EmulatorHost, svc: Any) -> None:
    s = http(host)
    url = host.url("graph") + "/v1.0/me/mailFolders/inbox/messages/delta"
    stamps = sorted(
        e.data["receivedDateTime"] for e in svc.items.values() if e.collection == "inbox" and not e.removed
    )
    bound = stamps[len(stamps) // 2]
    got: list[str] = []
    params: dict[str, str] | None = {"$filter": f"receivedDateTime ge {bound}", "$select": "receivedDateTime"}
    next_url = url
    while next_url:
        body = s.get(next_url, params=params, headers={"Prefer": "odata.maxpagesize=50"}).json()
        got += [v["receivedDateTime"] for v in body["value"]]
        next_url, params = body.get("@odata.nextLink", ""), None
    assert got and min(got) >= bound and len(got) == sum(1 for t in stamps if t >= bound)
    refused = s.get(url, params={"$filter": "subject eq 'x'"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "ErrorInvalidUrlQuery"
    assert s.get(url, params={"$filter": "receivedDateTime ge yesterday"}).status_code == 400
    contacts = s.get(host.url("graph") + "/v1.0/me/contacts/delta", params={"$filter": f"receivedDateTime ge {bound}"})
    assert contacts.status_code == 400


def test_recurring_series_in_calendar_view_delta_and_its_master(
    host: EmulatorHost, svc: Any, wire_samples: Path
) -> None:
    s = http(host)
    samples = wire_samples / "graph"
    masters = [e.data for e in svc.items.values() if e.data.get("type") == "seriesMaster"]
    assert masters
    master_id = masters[0]["id"]
    instances = [e.data for e in svc.items.values() if e.data.get("seriesMasterId") == master_id]
    starts = sorted(i["start"]["dateTime"][:19] + "Z" for i in instances)
    low, high = starts[3], starts[-4]  # a window holding some of the series, not all of it
    listed: list[dict[str, Any]] = []
    url = host.url("graph") + "/v1.0/me/calendarView/delta"
    params: dict[str, str] | None = {"startDateTime": low, "endDateTime": high}
    while url:
        body = s.get(url, params=params, headers={"Prefer": "odata.maxpagesize=100"}).json()
        listed += body["value"]
        url, params = body.get("@odata.nextLink", ""), None
    of_series = [v for v in listed if v.get("seriesMasterId") == master_id]
    assert master_id not in {v["id"] for v in listed}, "calendarView does not list the master"
    assert 0 < len(of_series) < len(instances)
    sample = json.loads((samples / "calendarview_delta_occurrence_item.json").read_text())
    assert all(set(v) == set(sample) for v in of_series)
    assert {v["type"] for v in of_series} <= {"occurrence", "exception"}
    master = s.get(host.url("graph") + f"/v1.0/me/events/{master_id}").json()
    ref = json.loads((samples / "event_get_seriesmaster.json").read_text())
    assert master["type"] == "seriesMaster" and master["seriesMasterId"] is None
    assert set(master["recurrence"]) == set(ref["recurrence"]) and set(master["recurrence"]["range"]) == set(
        ref["recurrence"]["range"]
    )
    assert master["subject"] and master["attendees"] and master["organizer"]
    exception = next(i for i in instances if i["type"] == "exception")
    full = s.get(host.url("graph") + f"/v1.0/me/events/{exception['id']}").json()
    assert full["seriesMasterId"] == master_id and full["subject"] == master["subject"]


def test_a_filtered_round_cut_at_the_limit_is_followed_by_a_full_read(host: EmulatorHost, svc: Any) -> None:
    svc.filtered_delta_limit = 20  # Graph's is 5,000
    try:
        c = creds(host)
        client = GraphClient(
            lambda force: str(c["access_token"]), base_url=host.url("graph"), ca_file=str(host.ca_path)
        )
        box = GraphMailbox(c["username"], client, page_size=15, history_days=365, filtered_limit=20)
        host.reset_calls()
        seen: set[str] = set()
        cursor = None
        while True:
            page = box.changes("inbox", cursor)
            seen |= {i.mailbox_id for i in page.items}
            cursor = page.cursor
            if not page.more:
                break
        inbox = {e.data["id"] for e in svc.items.values() if e.collection == "inbox" and not e.removed}
        assert len(inbox) > 20 and seen == inbox
        firsts = [
            call["query"]
            for call in host.call_log("graph")
            if call["operation"] == "messages.delta" and not {"$skiptoken", "$deltatoken"} & set(call["query"])
        ]
        assert ["$filter" in q for q in firsts] == [True, False]
    finally:
        svc.filtered_delta_limit = 5000


def test_an_edited_series_comes_again_and_a_deleted_one_is_removed(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    cursor = None
    while True:
        page = box.changes("calendar", cursor)
        cursor = page.cursor
        if not page.more:
            break
    master = next(e.data for e in svc.items.values() if e.data.get("type") == "seriesMaster" and not e.removed)
    s = http(host)
    edited = s.patch(host.url("graph") + f"/v1.0/me/events/{master['id']}", json={"subject": "Renamed review"})
    assert edited.status_code == 200
    page = box.changes("calendar", cursor)
    assert page.items and {i.subject for i in page.items} == {"Renamed review"}
    assert all(i.recipients and i.sender for i in page.items)
    svc.delete_item(master["id"])
    gone = box.changes("calendar", page.cursor)
    assert {i.mailbox_id for i in page.items} <= set(gone.removed) and not gone.items
