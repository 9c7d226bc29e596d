"""The loopback sign-in listener: PKCE, state, 127.0.0.1 only, one request, then closed."""

from __future__ import annotations

import base64
import hashlib
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from app.auth.loopback import Pkce, SignInCancelled, authorize


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


def test_wrong_state_is_refused() -> None:
    open_url, _ = _browser(wrong_state=True)
    with pytest.raises(SignInCancelled, match="state"):
        authorize("https://login.example/authorize", {"client_id": "cid"}, open_url, timeout=10)


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
