"""The loopback sign-in listener: PKCE, state, 127.0.0.1 only, one request, then closed."""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from app.auth import loopback
from app.auth.loopback import Pkce, SignInCancelled, authorize
from app.core.errors import AccountError


def _browser(answer: dict[str, str] | None = None, *, wrong_state: bool = False):  # type: ignore[no-untyped-def]
    """A stand-in browser: reads the consent URL and calls the redirect URI like a consent page."""
    seen: dict[str, str] = {}

    def open_url(url: str) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
        seen.update(query)
        params = dict(answer or {"code": "the-code"})
        params["state"] = "forged" if wrong_state else query["state"]

        def go() -> None:
            with requests.Session() as s:
                s.get(query["redirect_uri"] + "?" + urlencode(params), timeout=5)

        threading.Thread(target=go, daemon=True).start()

    return open_url, seen


def test_code_flow_with_pkce_and_state() -> None:
    open_url, seen = _browser()
    grant = authorize("https://login.example/authorize", {"client_id": "cid"}, open_url, timeout=10)
    assert grant.code == "the-code"
    assert seen["client_id"] == "cid" and seen["response_type"] == "code"
    assert seen["code_challenge_method"] == "S256"
    digest = hashlib.sha256(grant.verifier.encode()).digest()
    assert seen["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    redirect = urlsplit(grant.redirect_uri)
    assert redirect.hostname == "127.0.0.1" and redirect.port and redirect.port > 1024
    # The listener is closed after its one request.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(grant.redirect_uri + "?code=again", timeout=2)


def test_wrong_or_missing_state_gets_an_error_page_and_the_right_answer_still_signs_in() -> None:
    pages: list[tuple[int, str]] = []
    browser: list[threading.Thread] = []

    def open_url(url: str) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}

        def go() -> None:
            redirect = query["redirect_uri"]
            for params in ({"code": "stray", "state": "forged"}, {"code": "stray"}, {"error": "access_denied"}):
                answer = requests.get(redirect + "?" + urlencode(params), timeout=5)
                pages.append((answer.status_code, answer.text))
            good = requests.get(redirect + "?" + urlencode({"code": "the-code", "state": query["state"]}), timeout=5)
            pages.append((good.status_code, good.text))

        browser.append(threading.Thread(target=go, daemon=True))
        browser[0].start()

    grant = authorize("https://login.example/authorize", {"client_id": "cid"}, open_url, timeout=10)
    assert grant.code == "the-code"
    browser[0].join(5)  # the listener has its answer before the browser has read the page
    assert [status for status, _ in pages] == [400, 400, 400, 200]
    assert all("refused" in text for _, text in pages[:3]) and "Signed in" in pages[3][1]


def test_an_idle_connection_cannot_hold_the_listener() -> None:
    idle: list[socket.socket] = []

    def open_url(url: str) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
        port = urlsplit(query["redirect_uri"]).port
        assert port is not None
        # A connection that never sends a byte, then the browser's real answer.
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))

        def go() -> None:
            requests.get(query["redirect_uri"] + "?" + urlencode({"code": "c", "state": query["state"]}), timeout=5)

        threading.Thread(target=go, daemon=True).start()

    started = time.monotonic()
    grant = authorize("https://login.example/authorize", {}, open_url, timeout=10)
    assert grant.code == "c" and time.monotonic() - started < 3
    idle[0].close()


def test_a_connection_is_dropped_after_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loopback._Handler, "timeout", 0.5)
    listener = loopback.Listener()
    listener.start("s")
    port = urlsplit(listener.redirect_uri).port
    assert port is not None
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(b"GET /callback?code=c")  # a request line that never ends
            started = time.monotonic()
            assert conn.recv(1024) == b""  # the listener hung up on it
            assert time.monotonic() - started < 3
    finally:
        listener.close()


def test_cancel_ends_the_wait_within_a_second() -> None:
    cancelled = threading.Event()
    threading.Timer(0.3, cancelled.set).start()
    started = time.monotonic()
    with pytest.raises(SignInCancelled, match="cancelled"):
        authorize("https://login.example/authorize", {}, lambda url: None, timeout=60, cancelled=cancelled)
    assert time.monotonic() - started < 0.3 + 1.0


def test_a_browser_that_fails_to_open_ends_the_sign_in_at_once() -> None:
    def broken(url: str) -> None:
        raise OSError("no browser")

    started = time.monotonic()
    with pytest.raises(OSError, match="no browser"):
        authorize("https://login.example/authorize", {}, broken, timeout=60)
    assert time.monotonic() - started < 1.0


def test_error_answer_and_cancel_and_timeout() -> None:
    open_url, _ = _browser({"error": "access_denied", "error_description": "The user said no"})
    with pytest.raises(SignInCancelled, match="The user said no"):
        authorize("https://login.example/authorize", {}, open_url, timeout=10)
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(SignInCancelled, match="cancelled"):
        authorize("https://login.example/authorize", {}, lambda url: None, timeout=10, cancelled=cancelled)
    with pytest.raises(SignInCancelled, match="timed out"):
        authorize("https://login.example/authorize", {}, lambda url: None, timeout=0.5)


def test_pkce_verifier_is_long_and_random() -> None:
    a, b = Pkce.new(), Pkce.new()
    assert a.verifier != b.verifier
    assert 43 <= len(a.verifier) <= 128


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_fixed_callback_port_serves_one_sign_in_after_another() -> None:
    port = _free_port()
    for _ in range(3):  # the previous sign-in's closed connections must not keep the port
        open_url, _ = _browser()
        grant = authorize(
            "https://login.example/authorize",
            {},
            open_url,
            timeout=10,
            host="localhost",
            port=port,
            redirect_path="/cb",
        )
        assert grant.redirect_uri == f"http://localhost:{port}/cb"


def test_a_fixed_port_in_use_is_said_in_words() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(AccountError, match=f"Port {port} on this computer is in use by another program"):
            authorize("https://login.example/authorize", {}, lambda url: None, port=port, service="Salesforce")


def test_a_state_with_any_characters_is_refused_like_any_wrong_one(capfd: pytest.CaptureFixture[str]) -> None:
    listener = loopback.Listener()
    listener.start("right")
    try:
        answer = requests.get(listener.redirect_uri + "?" + urlencode({"code": "c", "state": "fälschung"}), timeout=5)
        assert answer.status_code == 400 and "refused" in answer.text
        with socket.create_connection(("127.0.0.1", urlsplit(listener.redirect_uri).port or 0), timeout=5) as conn:
            conn.sendall(b"\xff\xfe garbage\r\n\r\n")
            conn.recv(1024)
        good = requests.get(listener.redirect_uri + "?" + urlencode({"code": "c", "state": "right"}), timeout=5)
        assert good.status_code == 200
        assert listener.result(timeout=5)["code"] == "c"
    finally:
        listener.close()
    assert "Traceback" not in capfd.readouterr().err
