"""The realistic network mode: round trips, the published limits with the services' own answers, and
the record of violations a test fails on; and Gmail's batch endpoint."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from app.emulators.host import EmulatorHost, control_request
from app.emulators.network import Network
from app.emulators.serve import emulators


@pytest.fixture
def realistic(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    rtt = getattr(request, "param", 0.2)
    names = ["graph", "gmail", "ews"]
    with emulators(items=60, seed=5, names=names, cert_dir=tmp_path / "certs", network=Network(rtt)) as host:
        yield host


def token(host: EmulatorHost, service: str) -> str:
    return str(host.info()["services"][service]["access_token"])


def graph_get(host: EmulatorHost, path: str = "/v1.0/me") -> requests.Response:
    return requests.get(
        host.url("graph") + path,
        headers={"Authorization": f"Bearer {token(host, 'graph')}"},
        verify=str(host.ca_path),
        timeout=30,
    )


def test_each_request_takes_the_round_trip(realistic: EmulatorHost) -> None:
    started = time.perf_counter()
    assert graph_get(realistic).status_code == 200
    assert time.perf_counter() - started >= 0.2
    assert realistic.network is not None and realistic.network.violations() == []


def test_graph_answers_a_fifth_concurrent_request_with_mailbox_concurrency(realistic: EmulatorHost) -> None:
    network = realistic.network
    assert network is not None
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: graph_get(realistic), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert network.violations() == []  # four at once is allowed
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: graph_get(realistic), range(8)))
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    error = refused[0].json()["error"]
    assert error["code"] == "ApplicationThrottled"
    assert "MailboxConcurrency" in error["message"]
    assert float(refused[0].headers["Retry-After"]) > 0
    assert {v.limit for v in network.violations()} >= {"concurrency"}
    assert network.peak("graph") >= 5
    # Asked to wait, the client comes back at once: that is a violation too.
    graph_get(realistic)
    assert "retry-after" in {v.limit for v in network.violations()}


@pytest.mark.parametrize("realistic", [3.0], indirect=True)  # 32 TLS handshakes overlap even when busy
def test_ews_answers_over_27_concurrent_requests_with_server_busy(realistic: EmulatorHost) -> None:
    def post(_: int) -> requests.Response:
        return requests.post(
            realistic.url("ews") + "/EWS/Exchange.asmx",
            data=b"<x/>",
            headers={"Content-Type": "text/xml"},
            verify=str(realistic.ca_path),
            timeout=30,
        )

    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(post, range(32)))
    busy = [a for a in answers if b"ErrorServerBusy" in a.content]
    assert busy, [a.status_code for a in answers]
    assert b"BackOffMilliseconds" in busy[0].content
    assert busy[0].status_code == 500
    assert realistic.network is not None
    assert "concurrency" in {v.limit for v in realistic.network.violations()}


def batch_body(parts: list[str], boundary: str = "b0undary") -> bytes:
    chunks = [
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <item{i}>\r\n\r\n{line}\r\n\r\n"
        for i, line in enumerate(parts)
    ]
    return ("".join(chunks) + f"--{boundary}--\r\n").encode()


def gmail_batch(host: EmulatorHost, parts: list[str]) -> requests.Response:
    return requests.post(
        host.url("gmail") + "/batch/gmail/v1",
        data=batch_body(parts),
        headers={
            "Authorization": f"Bearer {token(host, 'gmail')}",
            "Content-Type": "multipart/mixed; boundary=b0undary",
        },
        verify=str(host.ca_path),
        timeout=30,
    )


def answers_of(response: requests.Response) -> list[tuple[str, int, Any]]:
    """(Content-ID, status, JSON body) of each part of a multipart/mixed batch answer."""
    boundary = response.headers["Content-Type"].split("boundary=")[1]
    out = []
    for chunk in response.content.split(b"--" + boundary.encode())[1:-1]:
        head, _, http = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        content_id = next(
            line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n") if b"Content-ID" in line
        )
        status_head, _, body = http.partition(b"\r\n\r\n")
        status = int(status_head.split(b"\r\n")[0].split(b" ")[1])
        out.append((content_id, status, json.loads(body) if body.strip() else None))
    return out


@pytest.mark.parametrize("realistic", [0.0], indirect=True)
def test_gmail_batch_answers_each_part_in_order_and_charges_each(realistic: EmulatorHost) -> None:
    svc: Any = realistic.services["gmail"]
    ids = list(svc.mails)[:3]
    used = svc.units_used
    answer = gmail_batch(realistic, [f"GET /gmail/v1/users/me/messages/{i}?format=full" for i in ids])
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("multipart/mixed; boundary=")
    parts = answers_of(answer)
    assert [p[0] for p in parts] == ["<response-item0>", "<response-item1>", "<response-item2>"]
    assert [p[1] for p in parts] == [200, 200, 200]
    assert [p[2]["id"] for p in parts] == ids
    assert svc.units_used - used == 15  # 3 messages.get at 5 units each, the batch itself free
    assert realistic.calls("gmail").get("batch") == 1


@pytest.mark.parametrize("realistic", [0.0], indirect=True)
def test_gmail_batch_refuses_what_gmail_refuses(realistic: EmulatorHost) -> None:
    svc: Any = realistic.services["gmail"]
    one = f"GET /gmail/v1/users/me/messages/{next(iter(svc.mails))}"
    too_many = gmail_batch(realistic, [one] * 101)
    assert too_many.status_code == 400
    assert "Inner request count exceeds the limit. Received: 101, Limit: 100" in too_many.text
    full_url = gmail_batch(realistic, ["GET https://gmail.googleapis.com/gmail/v1/users/me/profile"])
    assert full_url.status_code == 400
    missing = answers_of(gmail_batch(realistic, ["GET /gmail/v1/users/me/messages/0000000000000000"]))
    assert missing[0][1] == 404


@pytest.mark.parametrize("realistic", [0.0], indirect=True)
def test_gmail_per_user_rate_refuses_parts_over_250_units_a_second(realistic: EmulatorHost) -> None:
    svc: Any = realistic.services["gmail"]
    ids = list(svc.mails)[:100]
    for mail in list(svc.mails.values())[:100]:
        svc._message(mail, "minimal")  # built and parsed beforehand, so the batch is answered at once
    parts = answers_of(gmail_batch(realistic, [f"GET /gmail/v1/users/me/messages/{i}?format=minimal" for i in ids]))
    statuses = [p[1] for p in parts]
    assert 50 <= statuses.count(200) < 100  # one second's 250 units, and what refilled meanwhile
    refused = [p for p in parts if p[1] == 403]
    assert refused, statuses
    assert refused[0][2]["error"]["errors"][0]["reason"] == "userRateLimitExceeded"
    assert realistic.network is not None
    assert {v.limit for v in realistic.network.violations()} == {"rate"}
    time.sleep(0.3)  # refilled: 75 units
    again = answers_of(gmail_batch(realistic, [f"GET /gmail/v1/users/me/messages/{ids[0]}?format=minimal"]))
    assert again[0][1] == 200


def test_off_by_default_no_limits_no_round_trip(tmp_path: Path) -> None:
    with emulators(items=60, seed=5, names=["graph"], cert_dir=tmp_path / "certs") as host:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: graph_get(host), range(8)))
        assert [a.status_code for a in answers] == [200] * 8
        assert host.network is None


def test_serve_rtt_option_and_violations_endpoint(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "app", "emulators", "serve", "--json", "--services", "graph", "--rtt", "150"]
    command += ["--cert-dir", str(tmp_path / "certs")]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        ca = Path(info["ca_file"])
        url = info["services"]["graph"]["base_url"] + "/v1.0/me"
        auth = {"Authorization": f"Bearer {info['services']['graph']['access_token']}"}
        started = time.perf_counter()
        assert requests.get(url, headers=auth, verify=str(ca), timeout=30).status_code == 200
        assert time.perf_counter() - started >= 0.15
        assert control_request(info["control_url"], ca, "GET", "/violations") == []
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: requests.get(url, headers=auth, verify=str(ca), timeout=30), range(8)))
        found = control_request(info["control_url"], ca, "GET", "/violations")
        assert found and found[0]["service"] == "graph" and found[0]["limit"] == "concurrency"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
