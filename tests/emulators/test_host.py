"""The emulator host: HTTPS with its own CA, counters, every fault kind, the control API."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest
import requests

from app.emulators.base import Fault, Request, Response, Service
from app.emulators.host import EmulatorHost, control_request, running
from app.emulators.tls import ensure_certificates, self_signed


class Echo(Service):
    """A tiny JSON service: GET /things/<n> answers {"n": n}."""

    name = "echo"

    def __init__(self) -> None:
        super().__init__()
        self.revoked = False
        self.limit_hit = False

    def operation(self, request: Request) -> str:
        return request.path.strip("/").split("/")[0] or "root"

    def handle(self, request: Request) -> Response:
        if self.revoked:
            return self.error_response(401, "revoked", "token revoked")
        if self.limit_hit:
            return self.error_response(403, "limit", "daily limit")
        return Response.json(200, {"path": request.path, "body": request.body.decode(), "big": "x" * 1000})

    def error_response(self, status: int, code: str, message: str) -> Response:
        return Response.json(status, {"error": {"code": code, "message": message}})

    def throttle_response(self, retry_after: float) -> Response:
        return Response.json(429, {"error": {"code": "throttled"}}, {"Retry-After": str(retry_after)})

    def malformed_body(self) -> bytes:
        return b'{"path": "/x", "bo'

    def revoke_tokens(self) -> None:
        self.revoked = True

    def exhaust_daily_limit(self) -> None:
        self.limit_hit = True

    def credentials(self) -> dict[str, Any]:
        return {"access_token": "t0k"}


@pytest.fixture
def host(cert_dir: Path) -> Any:
    with running([Echo()], cert_dir=cert_dir) as h:
        yield h


@pytest.fixture
def session(host: EmulatorHost) -> Any:
    with requests.Session() as s:
        s.verify = str(host.ca_path)
        yield s


def test_https_with_generated_ca_and_counts(host: EmulatorHost, session: requests.Session) -> None:
    url = host.url("echo")
    assert url.startswith("https://127.0.0.1:")
    for _ in range(3):
        assert session.get(url + "/things/1").json()["path"] == "/things/1"
    session.post(url + "/other", data=b"hello")
    assert host.calls("echo") == {"things": 3, "other": 1}
    host.reset_calls()
    assert host.calls("echo") == {}


def test_unverified_client_is_refused(host: EmulatorHost) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(host.url("echo") + "/x", timeout=5)


def test_status_and_throttle_faults_use_service_bodies(host: EmulatorHost, session: requests.Session) -> None:
    url = host.url("echo")
    host.inject("echo", Fault("status", operation="things", status=503, code="down", message="maintenance"))
    host.inject("echo", Fault("throttle", operation="things", retry_after=2.5))
    first = session.get(url + "/things/1")
    assert first.status_code == 503 and first.json()["error"]["code"] == "down"
    second = session.get(url + "/things/1")
    assert second.status_code == 429 and second.headers["Retry-After"] == "2.5"
    assert session.get(url + "/things/1").status_code == 200
    # Faulted calls are still calls the client made.
    assert host.calls("echo")["things"] == 3


def test_fault_matches_only_its_operation(host: EmulatorHost, session: requests.Session) -> None:
    host.inject("echo", Fault("status", operation="things", status=500, count=2))
    assert session.get(host.url("echo") + "/other").status_code == 200
    assert session.get(host.url("echo") + "/things").status_code == 500


def test_reset_truncate_and_malformed(host: EmulatorHost, session: requests.Session) -> None:
    url = host.url("echo") + "/things/1"
    host.inject("echo", Fault("reset"))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(url)
    host.inject("echo", Fault("truncate"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        session.get(url)
    host.inject("echo", Fault("malformed"))
    response = session.get(url)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert session.get(url).status_code == 200  # the connection pool recovers


def test_delay_revoke_and_daily_limit(host: EmulatorHost, session: requests.Session) -> None:
    url = host.url("echo") + "/things/1"
    host.inject("echo", Fault("delay", delay=0.3))
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(url, timeout=0.1)
    host.inject("echo", Fault("daily_limit"))
    assert session.get(url).status_code == 403
    host.inject("echo", Fault("revoke"))
    assert session.get(url).status_code == 401


def test_probability_fault_is_seeded(cert_dir: Path) -> None:
    import random

    with running([Echo()], cert_dir=cert_dir, rng=random.Random(7)) as h, requests.Session() as s:
        s.verify = str(h.ca_path)
        h.inject("echo", Fault("status", status=500, probability=0.5))
        codes = [s.get(h.url("echo") + "/p").status_code for _ in range(40)]
    assert 5 < codes.count(500) < 35


def test_control_api(host: EmulatorHost, session: requests.Session) -> None:
    info = control_request(host.control_url, host.ca_path, "GET", "/info")
    assert info["services"]["echo"]["access_token"] == "t0k"
    control_request(
        host.control_url, host.ca_path, "POST", "/faults", {"service": "echo", "kind": "status", "status": 418}
    )
    assert session.get(host.url("echo") + "/things").status_code == 418
    assert control_request(host.control_url, host.ca_path, "GET", "/calls") == {"echo": {"things": 1}}
    with pytest.raises(Exception, match="400"):
        control_request(host.control_url, host.ca_path, "POST", "/faults", {"service": "echo", "kind": "nope"})


def test_unknown_fault_kind_and_service_are_refused(host: EmulatorHost) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("explode")
    with pytest.raises(KeyError):
        host.inject("nosuch", Fault("reset"))


def test_certificates_are_reused_and_untrusted_one_fails(cert_dir: Path, tmp_path: Path) -> None:
    first = ensure_certificates(cert_dir)
    again = ensure_certificates(cert_dir)
    assert first.ca_path.read_bytes() == again.ca_path.read_bytes()
    bad = self_signed(tmp_path)
    with EmulatorHost([Echo()], certs=bad) as h:
        context = ssl.create_default_context(cafile=str(first.ca_path))
        import urllib.request

        with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
            urllib.request.urlopen(h.url("echo") + "/x", context=context, timeout=5)


def test_call_log_keeps_queries_and_soap_bodies_only(host: EmulatorHost, session: requests.Session) -> None:
    url = host.url("echo")
    session.get(url + "/things", params={"$filter": "receivedDateTime ge 2026-01-01T00:00:00Z"})
    session.post(url + "/soap", data=b"<Restriction/>", headers={"Content-Type": "text/xml; charset=utf-8"})
    session.post(url + "/token", data={"refresh_token": "secret-value"})
    log = control_request(host.control_url, host.ca_path, "GET", "/calls/log?service=echo")
    assert [c["operation"] for c in log] == ["things", "soap", "token"]
    assert log[0]["query"] == {"$filter": ["receivedDateTime ge 2026-01-01T00:00:00Z"]}
    assert log[1]["body"] == "<Restriction/>"
    assert log[2]["body"] == ""  # a form body may hold a token: never kept
    host.reset_calls()
    assert host.call_log() == []
