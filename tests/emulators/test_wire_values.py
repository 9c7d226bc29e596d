"""The values Syncbar's error classifiers read, checked against the services' published samples
(../shared/wire_samples): the errorCode / statusCode / fields of Salesforce, the error code and reasons of
Graph and Gmail, Exchange's ResponseCode and BackOffMilliseconds, and the Retry-After forms.

Each check runs the published answer and the emulator's answer to the same situation through the same
classifier: both must say the same catalogue code and carry the same values.  The emulators are brought
into the situation the way the real service gets there (over its budget, a missing field, a busy
server), never by injecting the value the test then reads back.
"""

from __future__ import annotations

import base64
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from app.core.catalog import load_default
from app.core.errors import AccountError
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.net.retry_after import retry_after_seconds
from app.providers.ews import EwsConnection, EwsMailbox, EwsSettings
from app.providers.gmail import GmailClient
from app.providers.gmail.client import gmail_error
from app.providers.graph import graph_error
from app.providers.salesforce.errors import classify_salesforce_error, record_error
from tests.emulators.conftest import wire_samples_at

CATALOG = load_default()

ERRORS = "{http://schemas.microsoft.com/exchange/services/2006/errors}"
TYPES = "{http://schemas.microsoft.com/exchange/services/2006/types}"
DECIMAL_SECONDS = re.compile(r"^\d+(\.\d+)?$")  # RFC 9110 delay-seconds, with Graph's published fractions


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=31, cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


def sample(wire_samples: Path, name: str) -> Any:
    return json.loads((wire_samples / name).read_text())


def published_header(wire_samples: Path, name: str, header: str) -> str:
    """A header value the sample's source note quotes from the published answer."""
    text = (wire_samples / name).read_text()
    found = re.search(rf"^\s*{re.escape(header)}:\s*(\S+)\s*$", text, re.MULTILINE)
    assert found, f"{name} quotes no {header} header"
    return found.group(1)


def bearer(host: EmulatorHost, service: str) -> requests.Session:
    s = requests.Session()
    s.verify = str(host.ca_path)
    s.headers["Authorization"] = f"Bearer {host.info()['services'][service]['access_token']}"
    return s


def test_missing_samples_fail_under_ci_and_skip_elsewhere(tmp_path: Path) -> None:
    gone = {"SYNCBAR_WIRE_SAMPLES": str(tmp_path / "nowhere")}
    with pytest.raises(pytest.fail.Exception, match="CI must provide the wire samples"):
        wire_samples_at({**gone, "CI": "true"})
    with pytest.raises(pytest.skip.Exception):
        wire_samples_at(gone)


def test_retry_after_forms_the_services_publish_are_read_as_seconds(wire_samples: Path) -> None:
    graph = published_header(wire_samples, "graph/error_429_throttled.source.txt", "Retry-After")
    assert graph == "2.128" and retry_after_seconds({"Retry-After": graph}) == pytest.approx(2.128)
    assert retry_after_seconds({"retry-after": "0.249"}) == pytest.approx(0.249)  # a $batch sub-response's
    assert retry_after_seconds({"Retry-After": "120"}) == 120.0
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    date = format_datetime(now + timedelta(seconds=90), usegmt=True)  # RFC 9110's other form: an HTTP-date
    assert retry_after_seconds({"Retry-After": date}, now=now) == 90.0
    assert retry_after_seconds({"Retry-After": format_datetime(now - timedelta(hours=1), usegmt=True)}, now=now) == 0.0
    assert retry_after_seconds({"Retry-After": "soon"}, default=7.0) == 7.0


def test_graph_throttling_matches_the_published_429(host: EmulatorHost, wire_samples: Path) -> None:
    ref = sample(wire_samples, "graph/error_429_throttled.json")
    ref_header = published_header(wire_samples, "graph/error_429_throttled.source.txt", "Retry-After")
    graph: Any = host.services["graph"]
    graph.exhaust_daily_limit()  # over its limits, the mailbox is throttled for a while
    try:
        answer = bearer(host, "graph").get(host.url("graph") + "/v1.0/me/mailFolders/inbox/messages/delta")
    finally:
        graph.throttled_until = 0.0
    body = answer.json()
    assert answer.status_code == 429
    assert body["error"]["code"] == ref["error"]["code"] == "TooManyRequests"
    assert body["error"]["message"] == ref["error"]["message"]
    for key in ("code", "status"):
        assert body["error"]["innerError"][key] == ref["error"]["innerError"][key] == "429"
    header = answer.headers["Retry-After"]
    assert DECIMAL_SECONDS.match(header) and DECIMAL_SECONDS.match(ref_header), (header, ref_header)
    assert 0 < float(header) <= 60  # what the emulator's own throttle window has left
    ours = graph_error(429, body, dict(answer.headers), catalog=CATALOG)
    theirs = graph_error(429, ref, {"Retry-After": ref_header}, catalog=CATALOG)
    assert ours.code == theirs.code == "MBX_THROTTLED"
    assert theirs.retry_after == pytest.approx(2.128) and ours.retry_after == pytest.approx(float(header))


def test_graph_invalid_token_matches_the_published_401(host: EmulatorHost, wire_samples: Path) -> None:
    ref = sample(wire_samples, "graph/error_401_invalid_authentication_token.json")
    answer = requests.get(
        host.url("graph") + "/v1.0/me",
        headers={"Authorization": "Bearer nope"},
        verify=str(host.ca_path),
        timeout=30,
    )
    assert answer.status_code == 401
    body = answer.json()
    assert body["error"]["code"] == ref["error"]["code"]
    assert (
        graph_error(401, body, catalog=CATALOG).code == graph_error(401, ref, catalog=CATALOG).code == "MBX_AUTH_FAILED"
    )
    assert graph_error(401, body, catalog=CATALOG).request_id  # the request id support asks for is read from innerError


def test_graph_batch_sub_responses_carry_what_the_classifier_reads(host: EmulatorHost, wire_samples: Path) -> None:
    ref = sample(wire_samples, "graph/batch_response.json")
    refused = [r for r in ref["responses"] if r["status"] >= 400]
    assert refused, "the published $batch answer has refused sub-responses"
    answer = bearer(host, "graph").post(
        host.url("graph") + "/v1.0/$batch",
        json={
            "requests": [
                {
                    "id": "1",
                    "method": "PATCH",
                    "url": "/me/messages/AAMkAGnope",
                    "headers": {"Content-Type": "application/json"},
                    "body": {"categories": []},
                }
            ]
        },
    )
    assert answer.status_code == 200  # the batch itself succeeds whatever its parts answer
    [ours] = answer.json()["responses"]
    assert set(ours) == set(refused[0]) and type(ours["status"]) is type(refused[0]["status"])
    assert set(ours["body"]["error"]) >= {"code", "message"} and set(refused[0]["body"]["error"]) >= {"code", "message"}
    assert graph_error(ours["status"], ours["body"], catalog=CATALOG).code == "MBX_ITEM_NOT_FOUND"
    # The published refusals: a 403 is the mailbox's access problem; a 405 (a method the target does not
    # allow) can only be our own mistake, a bug.
    read = {(r["status"], graph_error(r["status"], r["body"], catalog=CATALOG).code) for r in refused}
    assert read == {(403, "MBX_ACCESS_DENIED"), (405, "SYNC_UNKNOWN_ERROR")}, read


def test_gmail_errors_carry_the_published_reasons(host: EmulatorHost, wire_samples: Path) -> None:
    gmail: Any = host.services["gmail"]
    s = bearer(host, "gmail")
    profile = host.url("gmail") + "/gmail/v1/users/me/profile"
    for name, expected in (
        ("error_403_rateLimitExceeded.json", "MBX_THROTTLED"),
        ("error_403_userRateLimitExceeded.json", "MBX_THROTTLED"),
        ("error_403_dailyLimitExceeded.json", "MBX_DAILY_QUOTA"),
        ("error_401_authError.json", "MBX_AUTH_FAILED"),
    ):
        ref = sample(wire_samples, "gmail/" + name)
        assert gmail_error(ref["error"]["code"], ref, catalog=CATALOG).code == expected, name
    before = gmail.units_per_minute
    gmail.units_per_minute = 0  # every call is over the per-minute budget
    try:
        answer = s.get(host.url("gmail") + "/gmail/v1/users/me/messages", params={"maxResults": 1})
    finally:
        gmail.units_per_minute = before
    body = answer.json()
    ref = sample(wire_samples, "gmail/error_403_rateLimitExceeded.json")
    assert answer.status_code in (403, 429)
    assert body["error"]["errors"][0]["reason"] == ref["error"]["errors"][0]["reason"]
    assert body["error"]["errors"][0]["domain"] == ref["error"]["errors"][0]["domain"]
    assert gmail_error(answer.status_code, body, catalog=CATALOG).code == "MBX_THROTTLED"
    assert DECIMAL_SECONDS.match(answer.headers.get("Retry-After", "")), answer.headers
    gmail.daily_exhausted = True
    try:
        limited = s.get(profile)
    finally:
        gmail.daily_exhausted = False
    ref = sample(wire_samples, "gmail/error_403_dailyLimitExceeded.json")
    assert limited.status_code == ref["error"]["code"] == 403
    assert limited.json()["error"]["errors"] == ref["error"]["errors"]
    assert (
        gmail_error(403, limited.json(), catalog=CATALOG).code
        == gmail_error(403, ref, catalog=CATALOG).code
        == "MBX_DAILY_QUOTA"
    )


def test_gmail_client_reads_the_throttle_the_emulator_sends(host: EmulatorHost) -> None:
    """The wait the client takes is the one the service's answer says, read by the client, not by us."""
    gmail: Any = host.services["gmail"]
    c = host.info()["services"]["gmail"]
    sleeps: list[float] = []
    client = GmailClient(
        lambda force: str(c["access_token"]),
        base_url=host.url("gmail"),
        ca_file=str(host.ca_path),
        sleep=sleeps.append,
        catalog=CATALOG,
    )
    before = gmail.units_per_minute
    gmail.units_per_minute = 0
    try:
        with pytest.raises(AccountError) as caught:
            client.request("GET", "/gmail/v1/users/me/messages", params={"maxResults": 1})
    finally:
        gmail.units_per_minute = before
    assert caught.value.code == "MBX_THROTTLED"
    assert sleeps and all(0 < s <= 60 for s in sleeps)


def test_salesforce_errors_carry_the_published_codes_and_fields(host: EmulatorHost, wire_samples: Path) -> None:
    from simple_salesforce import Salesforce
    from simple_salesforce.exceptions import SalesforceMalformedRequest

    creds = host.info()["services"]["salesforce"]
    s = requests.Session()
    s.verify = str(host.ca_path)
    sf = Salesforce(instance_url=creds["instance_url"], session_id=creds["access_token"], session=s, version="59.0")
    ref = sample(wire_samples, "salesforce/error_required_field_missing.json")
    with pytest.raises(SalesforceMalformedRequest) as missing:
        sf.Contact.create({"FirstName": "x"})
    ours = missing.value.content
    assert ours[0]["errorCode"] == ref[0]["errorCode"] and ours[0]["fields"] == ref[0]["fields"]
    assert ours[0]["message"] == ref[0]["message"]
    a, b = classify_salesforce_error(400, ours, catalog=CATALOG), classify_salesforce_error(400, ref, catalog=CATALOG)
    assert (a.code, a.fields) == (b.code, b.fields) == ("DATA_REQUIRED_FIELD_MISSING", ("LastName",))
    mixed = sample(wire_samples, "salesforce/composite_sobjects_create_response_mixed.json")
    assert (
        record_error(mixed[0]["errors"], catalog=CATALOG).code == "DATA_DUPLICATE_DETECTED"
    )  # statusCode, not errorCode, here
    rolled_ref = sample(wire_samples, "salesforce/composite_sobjects_create_response_allornone_true.json")
    bad = {"attributes": {"type": "Contact"}, "FirstName": "no last name"}
    good = {"attributes": {"type": "Task"}, "Subject": "fine"}
    rolled = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": [bad, good]})
    assert rolled[0]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert rolled[0]["errors"][0]["fields"] == ["LastName"]
    ref_rolled = next(r for r in rolled_ref if r["errors"] and r["errors"][0]["statusCode"].startswith("ALL_OR_NONE"))
    assert rolled[1]["errors"][0]["statusCode"] == ref_rolled["errors"][0]["statusCode"]
    assert (
        record_error(rolled[1]["errors"], catalog=CATALOG).code
        == record_error(ref_rolled["errors"], catalog=CATALOG).code
        == "SF_BATCH_ROLLED_BACK"
    )
    refused = s.post(
        creds["instance_url"] + "/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": "nope", "client_id": creds["client_id"]},
    )
    ref_grant = sample(wire_samples, "salesforce/oauth_error_invalid_grant_refresh.json")
    assert refused.status_code == 400 and refused.json()["error"] == ref_grant["error"] == "invalid_grant"
    assert (
        classify_salesforce_error(400, refused.json(), catalog=CATALOG).code
        == classify_salesforce_error(400, ref_grant, catalog=CATALOG).code
    )


def test_exchange_server_busy_matches_the_published_fault_and_its_back_off(
    host: EmulatorHost, wire_samples: Path
) -> None:
    ref = ET.fromstring((wire_samples / "ews/error_server_busy_fault.xml").read_bytes())
    ref_back_off = next(e for e in ref.iter(f"{TYPES}Value") if e.get("Name") == "BackOffMilliseconds").text or ""
    ews: Any = host.services["ews"]
    c = host.info()["services"]["ews"]
    settings = EwsSettings(
        address=c["address"], username=c["username"], endpoint=c["endpoint"], ca_file=str(host.ca_path)
    )
    box = EwsMailbox(EwsConnection(settings, c["password"], catalog=CATALOG), sleep=lambda s: None)
    box.changes("inbox", None)  # connected first, as a running sync is
    ews.busy_until = time.time() + 30  # the server is busy for a while, as Exchange throttles
    try:
        auth = base64.b64encode(f"{c['username']}:{c['password']}".encode()).decode()
        answer = requests.post(
            c["endpoint"],
            data=b'<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
            verify=str(host.ca_path),
            timeout=30,
            headers={"Authorization": f"Basic {auth}", "Content-Type": "text/xml; charset=utf-8"},
        )
        got = ET.fromstring(answer.content)
        back_off = next(e for e in got.iter(f"{TYPES}Value") if e.get("Name") == "BackOffMilliseconds").text or ""
        assert answer.status_code == 500
        assert re.fullmatch(r"\d+", ref_back_off.strip()) and re.fullmatch(r"\d+", back_off.strip()), back_off
        assert 0 < int(back_off) <= 30_000
        code = next(got.iter(f"{ERRORS}ResponseCode")).text or ""
        assert code.strip() == (next(ref.iter(f"{ERRORS}ResponseCode")).text or "").strip() == "ErrorServerBusy"
        assert next(got.iter("faultcode")).text == next(ref.iter("faultcode")).text
        with pytest.raises(AccountError) as caught:
            box.changes("inbox", None)
    finally:
        ews.busy_until = 0.0
    assert caught.value.code == "MBX_THROTTLED"
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 30
