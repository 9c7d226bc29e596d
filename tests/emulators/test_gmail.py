"""The Gmail emulator driven by the real google-auth-oauthlib / google-auth and by Syncbar's Gmail provider."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.auth.google import GoogleAuth
from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.wiring import headless_browser
from app.core.catalog import load_default
from app.core.errors import AccountError, CursorExpired
from app.core.ports import Mark
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.gmail import GmailClient, GmailMailbox

CATALOG = load_default()


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=120, seed=2, names=["gmail"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture
def svc(host: EmulatorHost) -> Any:
    host.clear_faults()
    return host.services["gmail"]


def creds(host: EmulatorHost) -> dict[str, Any]:
    return dict(host.info()["services"]["gmail"])


def get(host: EmulatorHost, path: str, **params: Any) -> requests.Response:
    return requests.get(
        host.url("gmail") + path,
        params=params,
        verify=str(host.ca_path),
        timeout=30,
        headers={"Authorization": f"Bearer {creds(host)['access_token']}"},
    )


def mailbox(host: EmulatorHost, sleeps: list[float] | None = None, page_size: int = 50) -> GmailMailbox:
    c = creds(host)
    client = GmailClient(
        lambda force: str(c["access_token"]),
        base_url=host.url("gmail"),
        ca_file=str(host.ca_path),
        sleep=sleeps.append if sleeps is not None else (lambda s: None),
        catalog=CATALOG,
    )
    return GmailMailbox(c["username"], client, page_size=page_size, history_days=365)  # the whole seeded mailbox


def test_the_registration_is_a_desktop_client_with_its_secret(host: EmulatorHost) -> None:
    c = creds(host)
    assert re.fullmatch(r"[0-9]{12}-[0-9a-z]{32}\.apps\.googleusercontent\.com", c["client_id"])
    assert c["client_secret"].startswith("GOCSPX-") and len(c["client_secret"]) == 35


def _consent(host: EmulatorHost, client_id: str, redirect_uri: str) -> requests.Response:
    return requests.get(
        creds(host)["auth_uri"],
        params={
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "https://www.googleapis.com/auth/gmail.modify",
            "state": "s",
            "code_challenge": "A" * 43,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        verify=str(host.ca_path),
    )


def _exchange(host: EmulatorHost, **form: str) -> requests.Response:
    return requests.post(creds(host)["token_uri"], data=form, verify=str(host.ca_path))


def test_an_unknown_client_is_refused(host: EmulatorHost) -> None:
    page = _consent(host, "syncbar-desktop.apps.googleusercontent.com", "http://127.0.0.1:9/")
    assert page.status_code == 401 and "Location" not in page.headers
    assert "Error 401: invalid_client" in page.text and "The OAuth client was not found." in page.text
    token = _exchange(
        host, client_id="syncbar-desktop.apps.googleusercontent.com", grant_type="refresh_token", refresh_token="1//x"
    )
    assert token.status_code == 401
    assert token.json() == {"error": "invalid_client", "error_description": "The OAuth client was not found."}


def test_a_desktop_client_redirects_to_the_loopback_only(host: EmulatorHost) -> None:
    c = creds(host)
    assert _consent(host, c["client_id"], "http://127.0.0.1:51234/").status_code == 302
    page = _consent(host, c["client_id"], "https://evil.example/cb")
    assert page.status_code == 400 and "Error 400: redirect_uri_mismatch" in page.text


def test_the_code_exchange_needs_the_client_secret(host: EmulatorHost) -> None:
    c = creds(host)
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:9/"

    def code() -> str:
        answer = requests.get(
            c["auth_uri"],
            params={
                "client_id": c["client_id"],
                "redirect_uri": redirect,
                "response_type": "code",
                "state": "s",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
            allow_redirects=False,
            verify=str(host.ca_path),
        )
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]

    form = {"client_id": c["client_id"], "grant_type": "authorization_code", "redirect_uri": redirect}
    missing = _exchange(host, code=code(), code_verifier=verifier, **form)
    assert missing.status_code == 400
    assert missing.json() == {"error": "invalid_request", "error_description": "client_secret is missing."}
    wrong = _exchange(host, code=code(), code_verifier=verifier, client_secret="GOCSPX-wrong", **form)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    right = _exchange(host, code=code(), code_verifier=verifier, client_secret=c["client_secret"], **form)
    assert right.status_code == 200 and right.json()["access_token"].startswith("ya29.")


def test_google_libraries_sign_in_refresh_and_see_revocation(host: EmulatorHost, svc: Any) -> None:
    c = creds(host)
    auth = GoogleAuth(
        TokenStore(ProcessKeyring()),
        client_id=c["client_id"],
        client_secret=c["client_secret"],
        endpoints={"auth_uri": c["auth_uri"], "token_uri": c["token_uri"], "revoke_uri": c["revoke_uri"]},
        ca_file=str(host.ca_path),
        key="google:test",
        catalog=CATALOG,
    )
    assert auth.sign_in(headless_browser(str(host.ca_path)), account=c["username"]) == c["username"]
    first = auth.token_source(False)
    assert first.startswith("ya29.") and first in svc.access
    refreshed = auth.token_source(True)  # google-auth's refresh against our token endpoint
    assert refreshed != first and refreshed in svc.access
    token, refresh = c["access_token"], c["refresh_token"]
    auth.sign_out()  # revokes the grant: every token of it stops working
    with pytest.raises(AccountError) as caught:
        auth.token_source(True)
    assert caught.value.code == "MBX_AUTH_FAILED"
    svc.access[token] = 4102444800.0  # the shared test token back for the other tests
    svc.refresh.add(refresh)


def test_list_query_history_and_expired_history(host: EmulatorHost, svc: Any) -> None:
    profile = get(host, "/gmail/v1/users/me/profile").json()
    assert set(profile) == {"emailAddress", "messagesTotal", "threadsTotal", "historyId"}
    inbox = get(host, "/gmail/v1/users/me/messages", q="in:inbox", maxResults=500).json()
    sent = get(host, "/gmail/v1/users/me/messages", q="in:sent", maxResults=500).json()
    both = get(host, "/gmail/v1/users/me/messages", q="{in:inbox in:sent}", maxResults=500).json()
    assert both["resultSizeEstimate"] == inbox["resultSizeEstimate"] + sent["resultSizeEstimate"]
    page = get(host, "/gmail/v1/users/me/messages", q="{in:inbox in:sent}", maxResults=7).json()
    assert len(page["messages"]) == 7 and page["nextPageToken"]
    new = svc.add_message("inbox", "Fresh", "buyer@customer.example", "alex.morgan@example.com")
    history = get(
        host, "/gmail/v1/users/me/history", startHistoryId=profile["historyId"], historyTypes="messageAdded"
    ).json()
    assert [h["messagesAdded"][0]["message"]["id"] for h in history["history"]] == [new]
    svc.expire_history()
    gone = get(host, "/gmail/v1/users/me/history", startHistoryId=profile["historyId"])
    assert gone.status_code == 404 and gone.json()["error"]["errors"][0]["reason"] == "notFound"


def test_full_message_decodes_legacy_charset_subject(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host, page_size=200)
    items = []
    cursor = None
    while True:
        page = box.changes("mail", cursor)
        items += page.items
        cursor = page.cursor
        if not page.more:
            break
    subjects = {i.subject for i in items}
    assert "Angebot für Müller – Größe 3" in subjects
    empty = [i for i in items if i.sender is not None and not i.sender.address]
    assert empty and empty[0].sender is not None and empty[0].sender.name == "Unknown sender"


def test_labels_marks_in_one_batch_call_and_palette(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host, page_size=100)
    items = box.changes("mail", None).items[:40]
    host.reset_calls()
    results = box.mark([Mark(i.mailbox_id, "mail", "Last Name missing") for i in items])
    assert all(r.ok for r in results)
    assert svc.label_names(items[0].mailbox_id) >= {"Sync Error", "Sync Error/Last Name missing"}
    calls = host.calls("gmail")
    assert calls["messages.batchModify"] == 1
    red = next(lab for lab in svc.labels.values() if lab["name"] == "Sync Error")
    assert red["color"]["backgroundColor"] == "#cc3a21"
    box.unmark([Mark(i.mailbox_id, "mail", "Last Name missing") for i in items])
    assert not {n for n in svc.label_names(items[0].mailbox_id) if n.startswith("Sync Error")}
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {creds(host)['access_token']}"
    bad = s.post(
        host.url("gmail") + "/gmail/v1/users/me/labels",
        verify=str(host.ca_path),
        json={"name": "Off palette", "color": {"backgroundColor": "#123456", "textColor": "#ffffff"}},
    )
    assert bad.status_code == 400
    dup = s.post(host.url("gmail") + "/gmail/v1/users/me/labels", json={"name": "Sync Error"}, verify=str(host.ca_path))
    assert dup.status_code == 409
    many = s.post(
        host.url("gmail") + "/gmail/v1/users/me/messages/batchModify",
        verify=str(host.ca_path),
        json={"ids": [items[0].mailbox_id] * 1001, "addLabelIds": ["STARRED"]},
    )
    assert many.status_code == 400


def test_calendar_sync_token_and_red_marker(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    page = box.changes("calendar", None)
    assert page.items and not page.more
    event = page.items[0]
    box.mark([Mark(event.mailbox_id, "calendar", "Subject missing")])
    assert svc.events[event.mailbox_id].data["colorId"] == "11"
    again = box.changes("calendar", page.cursor)  # the colour change comes back as a change
    assert [i.mailbox_id for i in again.items] == [event.mailbox_id]
    box.unmark([Mark(event.mailbox_id, "calendar", "")])
    assert "colorId" not in svc.events[event.mailbox_id].data
    svc.expire_history()
    with pytest.raises(CursorExpired):
        box.changes("calendar", again.cursor)


def test_throttling_is_waited_out_and_daily_limit_is_a_suspension(host: EmulatorHost, svc: Any) -> None:
    sleeps: list[float] = []
    box = mailbox(host, sleeps)
    host.inject("gmail", Fault("throttle", operation="messages.list", retry_after=2))
    assert box.changes("mail", None).items and sleeps == [2.0]
    host.inject("gmail", Fault("daily_limit"))
    with pytest.raises(AccountError) as caught:
        box.changes("mail", None)
    assert caught.value.code == "MBX_DAILY_QUOTA"
    svc.daily_exhausted = False


def test_shapes_match_the_published_samples(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    samples = wire_samples / "gmail"

    def load(name: str) -> Any:
        return json.loads((samples / name).read_text())

    assert set(get(host, "/gmail/v1/users/me/profile").json()) == set(load("users_getProfile_response.json"))
    listing = get(host, "/gmail/v1/users/me/messages", maxResults=3).json()
    ref = load("messages_list_response.json")
    assert set(listing) == set(ref) and set(listing["messages"][0]) == set(ref["messages"][0])
    meta = get(host, f"/gmail/v1/users/me/messages/{listing['messages'][0]['id']}", format="metadata").json()
    ref_meta = load("messages_get_metadata_response.json")
    assert set(meta) == set(ref_meta) and set(meta["payload"]) == set(ref_meta["payload"])
    assert type(meta["internalDate"]) is type(ref_meta["internalDate"])
    labels = get(host, "/gmail/v1/users/me/labels").json()
    ref_labels = load("labels_list_response.json")
    assert set(labels) == set(ref_labels)
    assert {k for lab in labels["labels"] for k in lab} >= {k for lab in ref_labels["labels"] for k in lab}
    start = get(host, "/gmail/v1/users/me/profile").json()["historyId"]
    mid = svc.add_message("sent", "Shape", "alex.morgan@example.com", "buyer@customer.example")
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {creds(host)['access_token']}"
    s.post(
        host.url("gmail") + "/gmail/v1/users/me/messages/batchModify",
        verify=str(host.ca_path),
        json=load("messages_batchModify_request.json") | {"ids": [mid]},
    )
    history = get(host, "/gmail/v1/users/me/history", startHistoryId=start).json()
    ref_history = load("history_list_response.json")
    assert set(history) == set(ref_history)
    kinds = {k for h in history["history"] for k in h}
    assert {"id", "messages", "messagesAdded", "labelsAdded"} <= kinds
    added = next(h for h in history["history"] if "labelsAdded" in h)["labelsAdded"][0]
    assert set(added) == set(ref_history["history"][0]["labelsAdded"][0])
    bad = requests.get(
        host.url("gmail") + "/gmail/v1/users/me/profile",
        verify=str(host.ca_path),
        headers={"Authorization": "Bearer nope"},
        timeout=30,
    ).json()
    ref_err = load("error_401_authError.json")
    assert set(bad["error"]) == set(ref_err["error"]) and bad["error"]["errors"] == ref_err["error"]["errors"]
    created = s.post(
        host.url("gmail") + "/gmail/v1/users/me/labels",
        verify=str(host.ca_path),
        json=load("labels_create_request.json"),
    )
    assert set(created.json()) == set(load("labels_create_response.json"))
    host.inject("gmail", Fault("daily_limit"))
    limited = get(host, "/gmail/v1/users/me/profile").json()
    assert limited == load("error_403_dailyLimitExceeded.json")
    svc.daily_exhausted = False


def test_google_api_python_client_lists_labels_and_batch_modifies(host: EmulatorHost, svc: Any) -> None:
    """An independent client nobody here wrote: the published discovery document, pointed at the emulator."""
    import google.oauth2.credentials
    import googleapiclient
    import httplib2
    from google_auth_httplib2 import AuthorizedHttp
    from googleapiclient.discovery import build_from_document

    doc = json.loads((Path(googleapiclient.__file__).parent / "discovery_cache/documents/gmail.v1.json").read_text())
    doc["rootUrl"] = host.url("gmail") + "/"
    c = creds(host)
    credentials = google.oauth2.credentials.Credentials(  # type: ignore[no-untyped-call]
        token=c["access_token"],
        refresh_token=c["refresh_token"],
        token_uri=c["token_uri"],
        client_id=c["client_id"],
        client_secret=c["client_secret"],
    )
    http = AuthorizedHttp(credentials, http=httplib2.Http(ca_certs=str(host.ca_path)))
    gmail = build_from_document(doc, http=http)
    labels = gmail.users().labels().list(userId="me").execute()
    assert {"INBOX", "SENT"} <= {lab["id"] for lab in labels["labels"]}
    listed = gmail.users().messages().list(userId="me", q="in:inbox", maxResults=3).execute()
    ids = [m["id"] for m in listed["messages"]]
    gmail.users().messages().batchModify(userId="me", body={"ids": ids, "addLabelIds": ["STARRED"]}).execute()
    assert all("STARRED" in svc.mails[i].labels for i in ids)
    one = gmail.users().messages().modify(userId="me", id=ids[0], body={"removeLabelIds": ["STARRED"]}).execute()
    assert "STARRED" not in one["labelIds"]
    full = gmail.users().messages().get(userId="me", id=ids[0], format="full").execute()
    assert full["payload"]["mimeType"] == "multipart/alternative"
    for connection in http.http.connections.values():  # httplib2 keeps its sockets open; close them
        connection.close()


def test_quota_units_are_counted_and_the_per_user_budget_throttles(host: EmulatorHost, svc: Any) -> None:
    before = svc.units_used
    get(host, "/gmail/v1/users/me/profile")
    get(host, "/gmail/v1/users/me/messages", maxResults=1)
    assert svc.units_used - before == 1 + 5
    svc.units_per_minute = svc.units_used  # the budget is spent
    svc._spent = [(svc._spent[-1][0], svc.units_per_minute)]
    limited = get(host, "/gmail/v1/users/me/profile")
    assert limited.status_code == 429 and float(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    svc.units_per_minute, svc._spent = 15_000, []


def _call(host: EmulatorHost, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method,
        host.url("gmail") + path,
        json=body,
        verify=str(host.ca_path),
        timeout=30,
        headers={"Authorization": f"Bearer {creds(host)['access_token']}"},
    )


def test_each_draft_save_is_a_new_message_and_send_makes_it_sent(host: EmulatorHost, svc: Any) -> None:
    import base64

    def raw(text: str) -> dict[str, Any]:
        mime = f"From: {svc.owner.address}\r\nTo: buyer@customer.example\r\nSubject: Offer\r\n\r\n{text}"
        return {"message": {"raw": base64.urlsafe_b64encode(mime.encode()).decode().rstrip("=")}}

    start = get(host, "/gmail/v1/users/me/profile").json()["historyId"]
    created = _call(host, "POST", "/gmail/v1/users/me/drafts", raw("v1")).json()
    assert created["id"].startswith("r-") and created["message"]["labelIds"] == ["DRAFT"]
    assert created["message"]["threadId"] == created["message"]["id"]
    updated = _call(host, "PUT", f"/gmail/v1/users/me/drafts/{created['id']}", raw("v2")).json()
    assert updated["id"] == created["id"] and updated["message"]["id"] != created["message"]["id"]
    assert updated["message"]["threadId"] == created["message"]["threadId"]
    assert get(host, f"/gmail/v1/users/me/messages/{created['message']['id']}").status_code == 404
    full = get(host, f"/gmail/v1/users/me/drafts/{created['id']}").json()
    assert full["message"]["labelIds"] == ["DRAFT"] and full["message"]["payload"]["headers"]
    sent = _call(host, "POST", "/gmail/v1/users/me/drafts/send", {"id": created["id"]}).json()
    assert sent["labelIds"] == ["SENT"] and sent["id"] != updated["message"]["id"]
    assert _call(host, "GET", f"/gmail/v1/users/me/drafts/{created['id']}").status_code == 404
    history = get(
        host, "/gmail/v1/users/me/history", startHistoryId=start, historyTypes=["messageAdded", "messageDeleted"]
    ).json()["history"]
    seen = [
        (kind, e[kind][0]["message"]["id"])
        for e in history
        for kind in ("messagesAdded", "messagesDeleted")
        if kind in e
    ]
    first, second = created["message"]["id"], updated["message"]["id"]
    assert seen == [
        ("messagesAdded", first),
        ("messagesAdded", second),
        ("messagesDeleted", first),
        ("messagesAdded", sent["id"]),
        ("messagesDeleted", second),
    ]
    added = {
        e["messagesAdded"][0]["message"]["id"]: e["messagesAdded"][0]["message"]["labelIds"]
        for e in history
        if "messagesAdded" in e
    }
    assert added[first] == ["DRAFT"] and added[sent["id"]] == ["SENT"]
    no_recipient = _call(host, "POST", "/gmail/v1/users/me/drafts", {"message": {"raw": "U3ViamVjdDogeA0KDQp4"}}).json()
    refused = _call(host, "POST", "/gmail/v1/users/me/drafts/send", {"id": no_recipient["id"]})
    assert refused.status_code == 400


def test_spam_and_trash_are_left_out_of_lists_unless_asked(host: EmulatorHost, svc: Any) -> None:
    spam = svc.add_message("spam", "Cheap watches", "spammer@bulk.example", svc.owner.address)
    kept = svc.add_message("inbox", "Binned later", "buyer@customer.example", svc.owner.address)
    assert _call(host, "POST", f"/gmail/v1/users/me/messages/{kept}/trash").json()["labelIds"][-1] == "TRASH"

    def ids(**params: Any) -> set[str]:
        page = get(host, "/gmail/v1/users/me/messages", maxResults=500, **params).json()
        return {m["id"] for m in page.get("messages", [])}

    assert not {spam, kept} & ids()
    assert {spam, kept} <= ids(includeSpamTrash="true")
    assert ids(q="in:spam") == {spam}
    _call(host, "POST", f"/gmail/v1/users/me/messages/{kept}/untrash")
    assert kept in ids()


def test_provider_reads_no_drafts_spam_trash_or_chats(host: EmulatorHost, svc: Any) -> None:
    box = mailbox(host)
    cursor = None
    while True:
        page = box.changes("mail", cursor)
        cursor = page.cursor
        if not page.more:
            break
    draft = svc.drafts.write("Proposal", svc.owner.address, "buyer@customer.example", "first words")
    for words in ("more words", "final words"):
        svc.drafts.write("Proposal", svc.owner.address, "buyer@customer.example", words, draft)
    svc.add_message("spam", "Win a prize", "spammer@bulk.example", svc.owner.address)
    svc.add_message("chat", "Hangouts chat", "buyer@customer.example", svc.owner.address)
    binned = svc.add_message("inbox", "Old news", "buyer@customer.example", svc.owner.address)
    svc.drafts.move_to_trash(binned)
    page = box.changes("mail", cursor)
    assert [i.subject for i in page.items] == []
    sent = svc.drafts.send_now(draft)
    page = box.changes("mail", page.cursor)
    assert [(i.mailbox_id, i.subject, i.direction.value) for i in page.items] == [(sent, "Proposal", "outbound")]


MAIL_ONLY = [
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.labels",
    "https://www.googleapis.com/auth/gmail.send",
]


def test_partial_consent_grants_some_scopes_and_the_rest_answers_403(host: EmulatorHost, svc: Any) -> None:
    from app.core.errors import StreamDenied

    svc.grant_only(MAIL_ONLY)
    try:
        c = creds(host)
        auth = GoogleAuth(
            TokenStore(ProcessKeyring()),
            client_id=c["client_id"],
            client_secret=c["client_secret"],
            endpoints={"auth_uri": c["auth_uri"], "token_uri": c["token_uri"], "revoke_uri": c["revoke_uri"]},
            ca_file=str(host.ca_path),
            key="google:partial",
            catalog=CATALOG,
        )
        # The sign-in stands with fewer scopes than asked (oauthlib reports the change as a Warning).
        assert auth.sign_in(headless_browser(str(host.ca_path)), account=c["username"]) == c["username"]
        refreshed = requests.post(
            c["token_uri"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": c["refresh_token"],
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
            },
            verify=str(host.ca_path),
            timeout=30,
        ).json()
        assert set(refreshed["scope"].split()) == set(MAIL_ONLY)
        denied = get(host, "/calendar/v3/calendars/primary/events")
        assert denied.status_code == 403
        error = denied.json()["error"]
        assert error["errors"][0]["reason"] == "insufficientPermissions" and error["status"] == "PERMISSION_DENIED"
        assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
        assert 'error="insufficient_scope"' in denied.headers["WWW-Authenticate"]
        assert get(host, "/gmail/v1/users/me/profile").status_code == 200
        box = mailbox(host)
        assert box.changes("mail", None).items
        with pytest.raises(StreamDenied) as caught:
            box.changes("calendar", None)
        assert caught.value.code == "MBX_SCOPE_NOT_GRANTED" and "calendar.events" in caught.value.message
        event = next(iter(svc.events))
        mail = box.changes("mail", None).items[0]
        results = box.mark([Mark(event, "calendar", "x"), Mark(mail.mailbox_id, "mail", "x")])
        assert [(r.ok, r.code) for r in results] == [(False, "MBX_SCOPE_NOT_GRANTED"), (True, "")]
        box.unmark([Mark(mail.mailbox_id, "mail", "x")])
    finally:
        svc.grant_only(None)


def test_draft_shapes_match_the_published_samples(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    samples = wire_samples / "gmail"

    def load(name: str) -> Any:
        return json.loads((samples / name).read_text())

    created = _call(host, "POST", "/gmail/v1/users/me/drafts", load("drafts_create_request.json")).json()
    ref = load("drafts_create_response.json")
    assert set(created) == set(ref) and set(created["message"]) == set(ref["message"])
    assert created["message"]["labelIds"] == ref["message"]["labelIds"] and created["id"].startswith("r-")
    fetched = get(host, f"/gmail/v1/users/me/drafts/{created['id']}").json()
    ref_get = load("drafts_get_response.json")
    assert set(fetched) == set(ref_get) and set(fetched["message"]) == set(ref_get["message"])
    assert set(fetched["message"]["payload"]) >= set(ref_get["message"]["payload"])
    assert type(fetched["message"]["internalDate"]) is type(ref_get["message"]["internalDate"])
    request = load("drafts_send_request.json") | {"id": created["id"]}
    assert set(request) == {"id"}
    sent = _call(host, "POST", "/gmail/v1/users/me/drafts/send", request).json()
    ref_sent = load("drafts_send_response.json")
    assert set(sent) == set(ref_sent) and sent["labelIds"] == ref_sent["labelIds"]


def test_calendar_window_bounds_are_rfc3339(host: EmulatorHost, svc: Any) -> None:
    s = requests.Session()
    s.verify = str(host.ca_path)
    s.headers["Authorization"] = f"Bearer {creds(host)['access_token']}"
    url = host.url("gmail") + "/calendar/v3/calendars/primary/events"
    starts = sorted(e.data["start"]["dateTime"] for e in svc.events.values())
    low, high = starts[len(starts) // 4], starts[3 * len(starts) // 4]
    body = s.get(url, params={"timeMin": low, "timeMax": high, "maxResults": "2500"}).json()
    shown = [e["start"]["dateTime"] for e in body["items"]]
    assert shown and all(t < high for t in shown) and all(e["end"]["dateTime"] > low for e in body["items"])
    assert s.get(url, params={"timeMin": "2026-01-01"}).status_code == 400  # no time, no offset
    assert s.get(url, params={"timeMax": "2026-01-01T00:00:00"}).status_code == 400


def test_recurring_event_is_expanded_only_with_single_events(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    s = requests.Session()
    s.verify = str(host.ca_path)
    s.headers["Authorization"] = f"Bearer {creds(host)['access_token']}"
    url = host.url("gmail") + "/calendar/v3/calendars/primary/events"
    series = next(e.data for e in svc.events.values() if "recurrence" in e.data)

    def listed(**params: str) -> list[dict[str, Any]]:
        return [e for e in s.get(url, params={"maxResults": "2500", **params}).json()["items"]]

    expanded = [e for e in listed(singleEvents="true") if e.get("recurringEventId") == series["id"]]
    assert series["id"] not in {e["id"] for e in listed(singleEvents="true")}
    assert len(expanded) == int(series["recurrence"][0].rsplit("=", 1)[1])
    sample = json.loads((wire_samples / "gmail" / "calendar_events_list_singleevents_response.json").read_text())
    ref = sample["items"][1]
    assert set(ref) - {"updated", "etag"} <= set(expanded[0]) and "recurrence" not in expanded[0]
    assert all(e["id"].startswith(series["id"] + "_") and e["iCalUID"] == series["iCalUID"] for e in expanded)
    assert all(e["summary"] == series["summary"] and e["attendees"] == series["attendees"] for e in expanded)
    plain = [e for e in listed() if series["id"] in (e["id"], e.get("recurringEventId"))]
    moved = [e for e in expanded if e["start"] != e["originalStartTime"]]
    assert len(moved) == 1 and {e["id"] for e in plain} == {series["id"], moved[0]["id"]}
    assert s.get(url, params={"orderBy": "startTime"}).status_code == 400  # only with singleEvents
    window = listed(singleEvents="true", timeMin=expanded[6]["start"]["dateTime"])
    assert len([e for e in window if e.get("recurringEventId") == series["id"]]) == len(expanded) - 6


def test_list_after_filter_in_epoch_seconds_and_dates(host: EmulatorHost, svc: Any) -> None:
    s = requests.Session()
    s.verify = str(host.ca_path)
    s.headers["Authorization"] = f"Bearer {creds(host)['access_token']}"
    url = host.url("gmail") + "/gmail/v1/users/me/messages"
    listed = (m for m in svc.mails.values() if not m.deleted and not {"SPAM", "TRASH"} & set(m.labels))
    stamps = sorted(m.internal_ms / 1000 for m in listed)  # spam and trash are not listed unless asked
    bound = int(stamps[len(stamps) // 2])
    body = s.get(url, params={"q": f"after:{bound}", "maxResults": "500"}).json()
    assert body["resultSizeEstimate"] == sum(1 for t in stamps if t > bound)
    unreadable = s.get(url, params={"q": "after:someday"})
    assert unreadable.status_code == 200 and unreadable.json()["resultSizeEstimate"] == 0
