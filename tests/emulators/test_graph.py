"""The Graph emulator driven by the real MSAL (sign-in, refresh, revocation) and by Syncbar's Graph provider."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from app.auth.microsoft import MicrosoftAuth
from app.auth.tokens import ProcessKeyring, TokenStore
from app.core.errors import AccountError, CursorExpired
from app.core.ports import Mark
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.graph import GraphClient, GraphMailbox
from app.wiring import headless_browser


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
    return GraphMailbox(c["username"], client, page_size=page_size)


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
    answer = s.get(
        base + "/authorize",
        params={
            "client_id": "syncbar-desktop",
            "response_type": "code",
            "redirect_uri": "http://127.0.0.1:9/cb",
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
            "client_id": "syncbar-desktop",
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/cb",
            "code_verifier": "wrong-verifier",
        },
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    assert bad.json()["error_codes"] == [501481]


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
    raw = http(host).get(page.cursor)
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
        data={"client_id": "syncbar-desktop", "grant_type": "refresh_token", "refresh_token": "revoked"},
    )
    assert got.status_code == 400 and set(got.json()) == set(grant_ref)
