"""The Salesforce emulator driven by the real, unpatched simple-salesforce (and plain HTTP for OAuth)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=200, seed=1, names=["salesforce"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    """The opt-in org variant: an admin installed our external-id field Syncbar_Key__c."""
    certs = tmp_path_factory.mktemp("certs")
    with emulators(items=60, seed=1, names=["salesforce"], cert_dir=certs, org="custom-key") as h:
        yield h


@pytest.fixture
def svc(host: EmulatorHost) -> Any:
    host.clear_faults()
    return host.services["salesforce"]


def session(host: EmulatorHost) -> requests.Session:
    s = requests.Session()
    s.verify = str(host.ca_path)
    return s


def client(host: EmulatorHost, token: str | None = None) -> Salesforce:
    creds = host.info()["services"]["salesforce"]
    return Salesforce(
        instance_url=creds["instance_url"],
        session_id=token or creds["access_token"],
        session=session(host),
        version="59.0",
    )


def registration(host: EmulatorHost) -> tuple[str, str]:
    """The emulator's External Client App, as ``serve --json`` prints it: (consumer key, callback)."""
    creds = host.info()["services"]["salesforce"]
    return str(creds["client_id"]), str(creds["callback_url"])


def fresh_tokens(host: EmulatorHost) -> dict[str, Any]:
    """The web-server flow with PKCE, as a desktop app runs it."""
    base = host.url("salesforce")
    client_id, callback = registration(host)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    http = session(host)
    answer = http.get(
        base + "/services/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": callback,
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    token = http.post(
        base + "/services/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "client_id": client_id,
            "redirect_uri": callback,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.text
    return dict(token.json())


def test_query_with_in_and_or_and_pagination(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    people = svc.records["Contact"]
    emails = sorted(str(r["Email"]) for r in people.values())[:3]
    quoted = ", ".join(f"'{e.upper()}'" for e in emails)
    found = sf.query(
        f"SELECT Id, Email FROM Contact WHERE Email IN ({quoted}) OR (LastName = 'Nobody' AND Email != null)"
    )
    assert sorted(r["Email"] for r in found["records"]) == emails  # e-mail comparison ignores case, as SOQL's does
    assert found["records"][0]["attributes"]["type"] == "Contact"
    for n in range(2100):
        svc._store("Task", f"00T{n:012d}XYZ", {"Subject": f"bulk {n}"})
    page = sf.query("SELECT Id, Subject FROM Task WHERE Subject LIKE 'bulk%'")
    assert page["done"] is False and len(page["records"]) == 2000
    assert page["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    everything = sf.query_all("SELECT Id FROM Task WHERE Subject LIKE 'bulk%'")
    assert everything["totalSize"] == 2100 and len(everything["records"]) == 2100
    limited = sf.query("SELECT Id FROM Task WHERE Subject LIKE 'bulk%' LIMIT 5")
    assert limited["totalSize"] == 5 and limited["done"] is True


def test_malformed_soql_and_unknown_column_raise_the_library_errors(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    with pytest.raises(SalesforceMalformedRequest) as bad:
        sf.query("SELECT Id FROM Contact WHERE")
    assert bad.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as col:
        sf.query("SELECT Nope FROM Contact")
    assert col.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_create_update_delete_upsert_and_describe(keyed: EmulatorHost) -> None:
    sf = client(keyed)
    made = sf.Contact.create({"LastName": "Lovelace", "Email": "ada.crud@engines.example"})
    assert made["success"] and made["id"].startswith("003") and len(made["id"]) == 18
    assert sf.Contact.update(made["id"], {"Title": "Countess"}) == 204
    assert sf.Contact.get(made["id"])["Title"] == "Countess"
    first = sf.Task.upsert("Syncbar_Key__c/k-crud-1", {"Subject": "Logged"})
    again = sf.Task.upsert("Syncbar_Key__c/k-crud-1", {"Subject": "Logged again"})
    assert (first, again) == (201, 204) or (first, again) == (201, 200)
    tasks = sf.query("SELECT Id, Subject FROM Task WHERE Syncbar_Key__c = 'k-crud-1'")["records"]
    assert [t["Subject"] for t in tasks] == ["Logged again"]
    fields = {f["name"]: f for f in sf.Contact.describe()["fields"]}
    assert fields["LastName"]["nillable"] is False and fields["LastName"]["length"] == 80
    assert fields["Syncbar_Key__c"]["externalId"] is True and fields["Email"]["type"] == "email"
    assert sf.Contact.delete(made["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.get(made["id"])


def test_record_rules_of_a_real_org(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    cases = [
        ({"FirstName": "No"}, "REQUIRED_FIELD_MISSING", ["LastName"]),
        ({"LastName": "x" * 81}, "STRING_TOO_LONG", ["LastName"]),
        ({"LastName": "Bad", "Email": "not-an-address"}, "INVALID_EMAIL_ADDRESS", ["Email"]),
        ({"LastName": "Odd", "Shoe_Size__c": 42}, "INVALID_FIELD", ["Shoe_Size__c"]),
    ]
    for values, code, fields in cases:
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.Contact.create(values)
        assert caught.value.content[0]["errorCode"] == code and caught.value.content[0]["fields"] == fields
    existing = next(iter(svc.records["Contact"].values()))["Email"]
    with pytest.raises(SalesforceMalformedRequest) as dup:
        sf.Contact.create({"LastName": "Twin", "Email": existing})
    assert dup.value.content[0]["errorCode"] == "DUPLICATES_DETECTED"
    found = dup.value.content[0]["duplicateResult"]  # the rule and the records it matched, as Salesforce answers
    ids = [m["record"]["Id"] for r in found["matchResults"] for m in r["matchRecords"]]
    assert found["allowSave"] is False and ids
    assert all(svc.records["Contact"].get(i, {}).get("Email") == existing for i in ids if i.startswith("003"))
    with pytest.raises(SalesforceMalformedRequest) as rule:
        sf.Task.create({"Subject": "[BLOCKED] do not log"})
    assert rule.value.content[0]["errorCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"


def test_row_locked_once_and_contact_deleted_after_match(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    locked = next(p for p in svc.records["Contact"].values() if p["Id"] in svc.locked_once)
    with pytest.raises(SalesforceMalformedRequest) as first:
        sf.Task.create({"Subject": "call", "WhoId": locked["Id"]})
    assert first.value.content[0]["errorCode"] == "UNABLE_TO_LOCK_ROW"
    assert sf.Task.create({"Subject": "call", "WhoId": locked["Id"]})["success"]
    doomed_id = next(iter(svc.delete_after_match))
    doomed = svc.records["Contact"][doomed_id]
    assert sf.query(f"SELECT Id FROM Contact WHERE Email = '{doomed['Email']}'")["totalSize"] == 1
    with pytest.raises(SalesforceMalformedRequest) as gone:
        sf.Task.create({"Subject": "follow up", "WhoId": doomed_id})
    assert gone.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def collection(records: list[dict[str, Any]], all_or_none: bool = False) -> dict[str, Any]:
    return {"allOrNone": all_or_none, "records": records}


def test_collections_mixed_results_in_order_and_all_or_none(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    good = {"attributes": {"type": "Task"}, "Subject": "collection ok"}
    bad = {"attributes": {"type": "Contact"}, "FirstName": "Nameless"}
    mixed = sf.restful("composite/sobjects", method="POST", json=collection([good, bad, good]))
    assert [r["success"] for r in mixed] == [True, False, True]
    assert mixed[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING" and "id" not in mixed[1]
    before = len(svc.records["Task"])
    rolled = sf.restful("composite/sobjects", method="POST", json=collection([good, bad], all_or_none=True))
    codes = [r["errors"][0]["statusCode"] for r in rolled]
    assert codes == ["ALL_OR_NONE_OPERATION_ROLLED_BACK", "REQUIRED_FIELD_MISSING"]
    assert len(svc.records["Task"]) == before
    with pytest.raises(SalesforceMalformedRequest) as too_many:
        sf.restful("composite/sobjects", method="POST", json=collection([good] * 201))
    assert too_many.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_more_than_ten_chunks_in_one_collection_is_refused(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    task = {"attributes": {"type": "Task"}, "Subject": "chunked"}
    event = {
        "attributes": {"type": "Event"},
        "Subject": "chunked",
        "StartDateTime": "2026-01-05T10:00:00.000Z",
        "DurationInMinutes": 30,
    }
    before = len(svc.records["Task"])
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful("composite/sobjects", method="POST", json=collection([task, event] * 6))  # 12 chunks
    assert refused.value.content[0]["errorCode"] == "EXCEEDED_MAX_TYPES_LIMIT"
    assert len(svc.records["Task"]) == before
    ten = sf.restful("composite/sobjects", method="POST", json=collection([task, event] * 5))
    assert all(r["success"] for r in ten)


def test_task_subtype_is_create_only(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    fields = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert fields["TaskSubtype"]["createable"] is True and fields["TaskSubtype"]["updateable"] is False
    made = sf.Task.create({"Subject": "Email: hello", "TaskSubtype": "Email"})
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Task.update(made["id"], {"Subject": "Email: hello again", "TaskSubtype": "Email"})
    assert refused.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert refused.value.content[0]["fields"] == ["TaskSubtype"]
    assert sf.Task.update(made["id"], {"Subject": "Email: hello again"}) == 204


def test_converted_leads_are_in_the_org_and_long_text_is_not_filterable(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    converted = sf.query("SELECT Id, Email, ConvertedContactId FROM Lead WHERE IsConverted = true")["records"]
    assert converted and all(r["ConvertedContactId"].startswith("003") for r in converted)
    fields = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    assert fields["IsConverted"]["updateable"] is False
    with pytest.raises(SalesforceMalformedRequest) as frozen:
        sf.Lead.update(converted[0]["Id"], {"Title": "Still here"})
    assert frozen.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.query("SELECT Id FROM Task WHERE Description = 'x'")
    assert refused.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "can not be filtered" in refused.value.content[0]["message"]


@pytest.mark.parametrize(
    ("operation", "method", "path", "body"),
    [
        ("sobject.create", "POST", "sobjects/Task", {"Subject": "dropped single"}),
        (
            "collections.create",
            "POST",
            "composite/sobjects",
            {"allOrNone": False, "records": [{"attributes": {"type": "Task"}, "Subject": "dropped collection"}]},
        ),
        (
            "composite",
            "POST",
            "composite",
            {
                "compositeRequest": [
                    {
                        "method": "POST",
                        "url": "/services/data/v59.0/sobjects/Task",
                        "referenceId": "t",
                        "body": {"Subject": "dropped composite"},
                    }
                ]
            },
        ),
    ],
)
def test_commit_then_drop_the_connection(
    host: EmulatorHost, svc: Any, operation: str, method: str, path: str, body: dict[str, Any]
) -> None:
    sf = client(host)
    host.inject("salesforce", Fault("drop_after_commit", operation))
    with pytest.raises(requests.ConnectionError):
        sf.restful(path, method=method, json=body)
    subject = json.dumps(body).split('"Subject": "')[1].split('"')[0]
    assert [t for t in svc.records["Task"].values() if t["Subject"] == subject], "the write was not committed"


def test_a_standard_org_has_no_field_of_ours_and_enhanced_email(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    for object_type in ("Contact", "Task", "Event"):
        fields = {f["name"] for f in sf.restful(f"sobjects/{object_type}/describe")["fields"]}
        assert "Syncbar_Key__c" not in fields
    with pytest.raises(SalesforceMalformedRequest) as write:
        sf.Task.create({"Subject": "keyed", "Syncbar_Key__c": "k-1"})
    assert write.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Syncbar_Key__c'" in write.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as query:
        sf.query("SELECT Id FROM Task WHERE Syncbar_Key__c = 'k-1'")
    assert query.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceResourceNotFound):
        sf.restful("composite/sobjects/Task/Syncbar_Key__c", method="PATCH", json=collection([]))
    email = {f["name"] for f in sf.restful("sobjects/EmailMessage/describe")["fields"]}
    assert {"MessageIdentifier", "ThreadIdentifier", "FromAddress", "ToAddress", "MessageDate", "Status"} <= email
    message = sf.EmailMessage.create(
        {"Subject": "Logged mail", "Status": "3", "Incoming": False, "MessageIdentifier": "<abc@mail.example>"}
    )
    found = sf.query("SELECT Id FROM EmailMessage WHERE MessageIdentifier = '<abc@mail.example>'")["records"]
    assert [r["Id"] for r in found] == [message["id"]]


def test_upsert_collection_by_external_id_reports_created(keyed: EmulatorHost) -> None:
    sf = client(keyed)
    rec = [{"attributes": {"type": "Task"}, "Subject": f"up {n}", "Syncbar_Key__c": f"up-{n}"} for n in range(3)]
    first = sf.restful("composite/sobjects/Task/Syncbar_Key__c", method="PATCH", json=collection(rec))
    replay = sf.restful("composite/sobjects/Task/Syncbar_Key__c", method="PATCH", json=collection(rec))
    assert [r["created"] for r in first] == [True] * 3 and [r["created"] for r in replay] == [False] * 3
    assert [r["id"] for r in first] == [r["id"] for r in replay]


def test_composite_with_five_collections_is_one_api_call(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    host.reset_calls()
    used_before = svc.used
    subs = [
        {
            "method": "POST",
            "url": "/services/data/v59.0/composite/sobjects",
            "referenceId": f"c{n}",
            "body": collection([{"attributes": {"type": "Task"}, "Subject": f"packed {n}.{i}"} for i in range(200)]),
        }
        for n in range(5)
    ]
    answer = sf.restful("composite", method="POST", json={"allOrNone": False, "compositeRequest": subs})
    assert [r["httpStatusCode"] for r in answer["compositeResponse"]] == [200] * 5
    assert all(all(x["success"] for x in r["body"]) for r in answer["compositeResponse"])
    assert host.calls("salesforce") == {"composite": 1} and svc.used == used_before + 1
    six = [
        *subs,
        {"method": "GET", "url": "/services/data/v59.0/query?q=SELECT+Id+FROM+Task+LIMIT+1", "referenceId": "q"},
    ]
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful("composite", method="POST", json={"compositeRequest": six})


def test_limit_info_header_and_daily_limit(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    sf.query("SELECT Id FROM User")
    used = sf.api_usage["api-usage"]
    assert used.used == svc.used and used.total == svc.daily_limit
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] == svc.daily_limit
    saved = svc.used
    try:
        host.inject("salesforce", Fault("daily_limit", operation="query"))
        with pytest.raises(SalesforceRefusedRequest) as refused:
            sf.query("SELECT Id FROM User")
        assert refused.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    finally:
        svc.used = saved


def test_oauth_pkce_refresh_and_revoke(host: EmulatorHost, svc: Any) -> None:
    token = fresh_tokens(host)
    assert {"access_token", "refresh_token", "instance_url", "id", "signature", "issued_at", "token_type"} <= set(token)
    http = session(host)
    who = http.get(token["id"], headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert who["username"] == svc.org.username
    assert client(host, token["access_token"]).query("SELECT Id FROM User")["totalSize"] == 1
    refreshed = http.post(
        svc.base_url + "/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": registration(host)[0],
        },
    )
    assert refreshed.status_code == 200 and refreshed.json()["access_token"] != token["access_token"]
    wrong = fresh_tokens_with_wrong_verifier(host)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    saved = (dict(svc.access), dict(svc.refresh))
    try:
        assert http.post(svc.base_url + "/services/oauth2/revoke", data={"token": token["refresh_token"]}).ok
        again = http.post(
            svc.base_url + "/services/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": token["refresh_token"],
                "client_id": registration(host)[0],
            },
        )
        assert again.status_code == 400 and again.json() == {
            "error": "invalid_grant",
            "error_description": "expired access/refresh token",
        }
        with pytest.raises(SalesforceExpiredSession):
            client(host, token["access_token"]).query("SELECT Id FROM User")
    finally:
        svc.access.update(saved[0])
        svc.refresh.update(saved[1])


def fresh_tokens_with_wrong_verifier(host: EmulatorHost) -> requests.Response:
    base = host.url("salesforce")
    client_id, callback = registration(host)
    http = session(host)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"right").digest()).rstrip(b"=").decode()
    answer = http.get(
        base + "/services/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": callback,
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    return http.post(
        base + "/services/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "redirect_uri": callback,
            "code_verifier": "wrong",
        },
    )


def test_the_registration_looks_like_an_external_client_apps(host: EmulatorHost) -> None:
    client_id, callback = registration(host)
    assert client_id.startswith("3MVG9") and len(client_id) == 85
    parts = urlsplit(callback)
    assert (parts.scheme, parts.hostname, parts.path) == ("http", "localhost", "/OauthRedirect") and parts.port


def _authorize(host: EmulatorHost, client_id: str, redirect_uri: str) -> requests.Response:
    return session(host).get(
        host.url("salesforce") + "/services/oauth2/authorize",
        params={"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": "s"},
        allow_redirects=False,
    )


def test_an_unknown_app_is_refused_on_salesforces_error_page(host: EmulatorHost) -> None:
    _, callback = registration(host)
    answer = _authorize(host, "syncbar-desktop", callback)
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "error=invalid_client_id&error_description=client%20identifier%20invalid" in answer.text


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.replace("localhost", "127.0.0.1"),
        lambda u: u + "/",
        lambda u: u.replace("/OauthRedirect", "/oauthredirect"),
        lambda u: u.replace(str(urlsplit(u).port), str((urlsplit(u).port or 0) + 1)),
    ],
    ids=["other-host", "trailing-slash", "other-case", "other-port"],
)
def test_only_the_registered_callback_is_accepted_exactly(host: EmulatorHost, change: Any) -> None:
    client_id, callback = registration(host)
    answer = _authorize(host, client_id, change(callback))
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration" in answer.text
    assert _authorize(host, client_id, callback).status_code == 302


def test_the_token_endpoint_refuses_an_unknown_app(host: EmulatorHost) -> None:
    answer = session(host).post(
        host.url("salesforce") + "/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": "5Aep-anything", "client_id": "syncbar-desktop"},
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_client_id", "error_description": "client identifier invalid"}


def test_the_registration_outlives_a_reset(host: EmulatorHost) -> None:
    before = registration(host)
    host.reset()
    assert registration(host) == before


@pytest.mark.parametrize("kind", ["status", "throttle", "delay", "reset", "truncate", "malformed", "revoke"])
def test_each_fault_kind_is_observed(host: EmulatorHost, svc: Any, kind: str) -> None:
    sf = client(host)
    saved = (dict(svc.access), dict(svc.refresh))
    host.inject(
        "salesforce",
        Fault(
            kind,
            operation="query",
            status=503,
            code="SERVER_UNAVAILABLE",
            message="down for maintenance",
            delay=0.3,
            retry_after=2,
        ),
    )
    try:
        if kind == "status":
            with pytest.raises(Exception) as caught:
                sf.query("SELECT Id FROM User")
            assert caught.value.status == 503 and caught.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
        elif kind == "throttle":
            with pytest.raises(SalesforceRefusedRequest) as caught:
                sf.query("SELECT Id FROM User")
            assert caught.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        elif kind == "delay":
            import time

            start = time.monotonic()
            assert sf.query("SELECT Id FROM User")["totalSize"] == 1
            assert time.monotonic() - start >= 0.3
        elif kind in ("reset", "truncate"):
            with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError, ValueError)):
                sf.query("SELECT Id FROM User")
        elif kind == "malformed":
            with pytest.raises((json.JSONDecodeError, ValueError, requests.exceptions.JSONDecodeError)):
                sf.query("SELECT Id FROM User")
        else:
            with pytest.raises(SalesforceExpiredSession):
                sf.query("SELECT Id FROM User")
        if kind != "revoke":  # the fault fired once; the next call is answered normally
            assert sf.query("SELECT Id FROM User")["totalSize"] == 1
    finally:
        svc.access.update(saved[0])
        svc.refresh.update(saved[1])
        host.clear_faults()


def test_call_counters_are_exact(host: EmulatorHost, svc: Any) -> None:
    sf = client(host)
    host.reset_calls()
    sf.query("SELECT Id FROM User")
    sf.query("SELECT Id FROM User")
    sf.Contact.describe()
    sf.Task.create({"Subject": "count me"})
    assert host.calls("salesforce") == {"query": 2, "describe": 1, "sobject.create": 1}


def test_shapes_match_the_published_samples(host: EmulatorHost, svc: Any, wire_samples: Path) -> None:
    """Key sets and value types of our answers equal those of Salesforce's documented ones."""
    samples = wire_samples / "salesforce"

    def load(name: str) -> Any:
        return json.loads((samples / name).read_text())

    sf = client(host)
    for n in range(2100 - len(svc.records["Account"])):
        svc._store("Account", f"001{n:012d}QRS", {"Name": f"Acct {n}"})
    page = sf.query("SELECT Id, Name FROM Account")
    sample = load("query_response_nextRecordsUrl.json")
    assert set(page) == set(sample) and type(page["totalSize"]) is type(sample["totalSize"])
    assert set(page["records"][0]["attributes"]) == set(sample["records"][0]["attributes"])
    last = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
    assert set(last) == set(load("query_more_response_last_page.json"))
    assert set(sf.Task.create({"Subject": "shape"})) == set(load("create_response.json"))
    good = {"attributes": {"type": "Task"}, "Subject": "shape ok"}
    bad = {"attributes": {"type": "Contact"}, "FirstName": "no last name"}
    mixed = sf.restful("composite/sobjects", method="POST", json=collection([bad, good]))
    ref = load("composite_sobjects_create_response_mixed.json")
    assert [set(r) for r in mixed] == [set(r) for r in ref]
    assert set(mixed[0]["errors"][0]) == set(ref[0]["errors"][0])
    rolled = sf.restful("composite/sobjects", method="POST", json=collection([bad, good], all_or_none=True))
    ref = load("composite_sobjects_create_response_allornone_true.json")
    assert rolled[1]["errors"][0]["statusCode"] == ref[1]["errors"][0]["statusCode"]
    assert [set(r) for r in rolled] == [set(r) for r in ref]
    with pytest.raises(SalesforceMalformedRequest) as missing:
        sf.Contact.create({"FirstName": "x"})
    assert [set(e) for e in missing.value.content] == [set(e) for e in load("error_required_field_missing.json")]
    composite = sf.restful(
        "composite",
        method="POST",
        json={
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v59.0/sobjects/Account",
                    "referenceId": "NewAccount",
                    "body": {"Name": "Composite Co"},
                },
                {
                    "method": "GET",
                    "url": "/services/data/v59.0/sobjects/Account/@{NewAccount.id}",
                    "referenceId": "Info",
                },
            ]
        },
    )
    ref = load("composite_response.json")
    assert set(composite) == set(ref)
    assert [set(r) for r in composite["compositeResponse"]] == [set(r) for r in ref["compositeResponse"][:2]]
    assert composite["compositeResponse"][1]["body"]["Name"] == "Composite Co"
    limits = sf.limits()
    ref = load("limits_response.json")
    assert set(limits["DailyApiRequests"]) == set(ref["DailyApiRequests"])
    token = fresh_tokens(host)
    assert set(load("oauth_token_response_web_server.json")) <= set(token)
    refused = session(host).post(
        svc.base_url + "/services/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": "nope"}
    )
    assert set(refused.json()) == set(load("oauth_error_invalid_grant_refresh.json"))
