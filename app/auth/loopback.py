"""OAuth 2 authorization-code sign-in with PKCE on a loopback redirect (RFC 8252).

    start listener on 127.0.0.1:<random> -> open the consent page in the browser
    -> one request arrives (or Cancel / time-out) -> state checked -> listener closed
    -> code exchanged for tokens (with the PKCE verifier)

The listener binds 127.0.0.1 only, on a port the OS picks, answers exactly one
request and closes.  A wrong ``state`` is refused.  Opening the browser is an
injected callable so the UI, the CLI and tests each do it their own way.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from app.core.errors import AccountError

SIGN_IN_CODE = "SYNC_SIGN_IN_FAILED"
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Syncbar</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2><p>{text}</p></body></html>"
)


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)[:96]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


class SignInCancelled(AccountError):
    def __init__(self, why: str) -> None:
        super().__init__(SIGN_IN_CODE, why)


class _OneShot(HTTPServer):
    allow_reuse_address = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.result: dict[str, str] | None = None
        self.expected_state = ""
        self.done = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    server: _OneShot

    def do_GET(self) -> None:
        params = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if "code" not in params and "error" not in params:
            # Browsers also ask for /favicon.ico; answer without ending the sign-in.
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ok = params.get("state") == self.server.expected_state and "code" in params
        title, text = (
            ("Signed in", "You can close this tab and return to Syncbar.")
            if ok
            else ("Sign-in did not complete", "Return to Syncbar and try again.")
        )
        body = PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.result = params
        self.server.done.set()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the query holds an authorization code: never log it


@dataclass(frozen=True)
class Authorization:
    code: str
    redirect_uri: str
    verifier: str


class Listener:
    """The loopback redirect target: bound to 127.0.0.1 on a free port, answers one sign-in, closes."""

    def __init__(self, redirect_path: str = "/callback") -> None:
        self._server = _OneShot()
        self.redirect_uri = f"http://127.0.0.1:{self._server.server_address[1]}{redirect_path}"

    def wait(self, state: str, *, timeout: float = 300.0, cancelled: threading.Event | None = None) -> dict[str, str]:
        """Serve until the sign-in answer arrives; return its parameters (state already checked)."""
        self._server.expected_state = state
        try:
            _serve_until_done(self._server, cancelled, timeout)
        finally:
            self.close()
        result = self._server.result
        if result is None:
            why = "Sign-in was cancelled." if cancelled is not None and cancelled.is_set() else "Sign-in timed out."
            raise SignInCancelled(why)
        if "error" in result:
            detail = result.get("error_description") or result["error"]
            raise SignInCancelled(f"The sign-in page answered: {detail}")
        if result.get("state") != state:
            raise SignInCancelled("The sign-in answer did not carry the state Syncbar sent; it was refused.")
        return result

    def close(self) -> None:
        self._server.done.set()
        self._server.server_close()


def authorize(
    authorize_url: str,
    params: dict[str, str],
    open_url: Callable[[str], object],
    *,
    timeout: float = 300.0,
    cancelled: threading.Event | None = None,
    redirect_path: str = "/callback",
) -> Authorization:
    """Run the browser part of the flow; return the code, the redirect URI and the PKCE verifier.

    ``params`` are the provider's own (client_id, scope...); this adds
    response_type, redirect_uri, state and the S256 code challenge.
    """
    pkce = Pkce.new()
    state = secrets.token_urlsafe(24)
    listener = Listener(redirect_path)
    query = dict(params)
    query.update(
        response_type="code",
        redirect_uri=listener.redirect_uri,
        state=state,
        code_challenge=pkce.challenge,
        code_challenge_method="S256",
    )
    result: dict[str, str] = {}
    error: list[BaseException] = []

    def serve() -> None:
        try:
            result.update(listener.wait(state, timeout=timeout, cancelled=cancelled))
        except BaseException as exc:  # handed to the caller's thread below
            error.append(exc)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        open_url(authorize_url + ("&" if "?" in authorize_url else "?") + urlencode(query))
        thread.join(timeout + 5)
    finally:
        listener.close()
    if error:
        raise error[0]
    if "code" not in result:
        raise SignInCancelled("Sign-in timed out.")
    return Authorization(result["code"], listener.redirect_uri, pkce.verifier)


def _serve_until_done(server: _OneShot, cancelled: threading.Event | None, timeout: float) -> None:
    server.timeout = 0.2
    deadline = time.monotonic() + timeout
    while not server.done.is_set() and time.monotonic() < deadline:
        if cancelled is not None and cancelled.is_set():
            return
        try:
            server.handle_request()
        except (TimeoutError, OSError):
            return
