"""OAuth 2 authorization-code sign-in with PKCE on a loopback redirect (RFC 8252).

    bind 127.0.0.1:<port> -> serve in the background -> open the consent page
    -> requests arrive: wrong/missing state -> error page, keep waiting
                        right state         -> answer page, done
    -> done / Cancel (noticed within 0.1 s) / time-out -> listener shut down and closed
    -> code exchanged for tokens (with the PKCE verifier)

The listener binds 127.0.0.1 only.  The port is one the OS picks, or a fixed
one when the service matches the callback exactly (Salesforce); a taken fixed
port is reported in words.  Each connection is served on its own thread with a
read timeout, so an idle or slow connection can never hold the sign-in; a
request without the state Syncbar sent (a stray tab, another program) gets an
error page and the listener keeps waiting for the real answer.  Opening the
browser is an injected callable so the UI, the CLI and tests each do it their
own way; if it fails, the listener closes at once.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import html
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from app.core.errors import AccountError

SIGN_IN_CODE = "SYNC_SIGN_IN_FAILED"
CONNECTION_TIMEOUT = 10.0  # seconds one connection may take to send its request
POLL = 0.1  # how often the wait looks at Cancel and the deadline
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


class _Server(ThreadingHTTPServer):
    # A fixed port must be free again right after the last sign-in: its closed connections linger in
    # TIME_WAIT, which SO_REUSEADDR lets a new listener bind over on POSIX (a live listener still
    # refuses it). On Windows that option would let another program take a port in use, so there the
    # port is held exclusively instead.
    allow_reuse_address = sys.platform != "win32"
    daemon_threads = True  # a connection still open when the sign-in ends must not keep the app alive
    block_on_close = False

    def server_bind(self) -> None:
        exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
        if exclusive is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, exclusive, 1)
        super().server_bind()

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.result: dict[str, str] | None = None
        self.expected_state = ""
        self.done = threading.Event()
        self.refused = 0  # answers that did not carry the state (shown in the time-out message)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up or sent garbage: its connection is closed, the wait goes on (nothing to log)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = CONNECTION_TIMEOUT  # StreamRequestHandler sets it on the socket: an idle client is dropped

    def do_GET(self) -> None:
        params = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if "code" not in params and "error" not in params:
            # Browsers also ask for /favicon.ico; answer without ending the sign-in.
            self._page(404, "", "")
            return
        if self.server.done.is_set():
            self._page(410, "This sign-in has ended", "Return to Syncbar.")
            return
        if not secrets.compare_digest(params.get("state", "").encode(), self.server.expected_state.encode()):
            # Not the answer to the sign-in Syncbar started (a stray or forged request): refuse it and wait on.
            self.server.refused += 1
            self._page(
                400,
                "This sign-in answer was refused",
                "It did not come from the sign-in Syncbar started. Finish the sign-in in the browser window "
                "Syncbar opened, or return to Syncbar and start it again.",
            )
            return
        if "code" in params:
            self._page(200, "Signed in", "You can close this tab and return to Syncbar.")
        else:
            self._page(200, "Sign-in did not complete", "Return to Syncbar and try again.")
        self.server.result = params
        self.server.done.set()

    def _page(self, status: int, title: str, text: str) -> None:
        body = PAGE.format(title=html.escape(title), text=html.escape(text)).encode("utf-8") if title else b""
        self.send_response(status)
        if body:
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the query holds an authorization code: never log it


@dataclass(frozen=True)
class Authorization:
    code: str
    redirect_uri: str
    verifier: str


class Listener:
    """The loopback redirect target, bound to 127.0.0.1 until it has one sign-in answer.

    ``host`` is the name the redirect URI carries (``127.0.0.1`` or ``localhost``; the socket is
    127.0.0.1 either way), ``port`` 0 lets the OS pick one.
    """

    def __init__(
        self, redirect_path: str = "/callback", *, host: str = "127.0.0.1", port: int = 0, service: str = ""
    ) -> None:
        try:
            self._server = _Server(port)
        except OSError as exc:
            if port and exc.errno in (errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1)):
                raise AccountError(
                    SIGN_IN_CODE,
                    f"Port {port} on this computer is in use by another program, and the {service or 'sign-in'} "
                    f"callback http://{host}:{port}{redirect_path} needs it. Close the other program "
                    "(another sign-in still waiting, or a command-line tool such as the Salesforce CLI's "
                    "'sf org login web') and sign in again; if the port is always taken, your administrator "
                    "can register another callback (see docs/admin.md).",
                ) from exc
            raise
        self.redirect_uri = f"http://{host}:{self._server.server_address[1]}{redirect_path}"
        self._thread: threading.Thread | None = None

    def start(self, state: str) -> None:
        """Begin answering requests in the background (before the browser is sent to the consent page)."""
        self._server.expected_state = state
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL}, name="sign-in listener", daemon=True
        )
        self._thread.start()

    def result(self, *, timeout: float = 300.0, cancelled: threading.Event | None = None) -> dict[str, str]:
        """Wait for the answer carrying the state; return its parameters. Closes the listener."""
        deadline = time.monotonic() + timeout
        try:
            while not self._server.done.wait(POLL):
                if cancelled is not None and cancelled.is_set():
                    raise SignInCancelled("Sign-in was cancelled.")
                if time.monotonic() >= deadline:
                    refused = self._server.refused
                    more = f" ({refused} answer(s) without the right state were refused)" if refused else ""
                    raise SignInCancelled(f"Sign-in timed out{more}.")
        finally:
            self.close()
        result = self._server.result or {}
        if "error" in result:
            detail = result.get("error_description") or result["error"]
            raise SignInCancelled(f"The sign-in page answered: {detail}")
        return result

    def wait(self, state: str, *, timeout: float = 300.0, cancelled: threading.Event | None = None) -> dict[str, str]:
        """Serve until the sign-in answer arrives; return its parameters (state already checked)."""
        self.start(state)
        return self.result(timeout=timeout, cancelled=cancelled)

    def answer(
        self,
        url: str,
        state: str,
        open_url: Callable[[str], object],
        *,
        timeout: float = 300.0,
        cancelled: threading.Event | None = None,
    ) -> dict[str, str]:
        """Listen, send the browser to ``url``, wait for the answer; the listener is closed whatever happens."""
        self.start(state)
        try:
            open_url(url)
        except BaseException:
            self.close()
            raise
        return self.result(timeout=timeout, cancelled=cancelled)

    def close(self) -> None:
        self._server.done.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()


def authorize(
    authorize_url: str,
    params: dict[str, str],
    open_url: Callable[[str], object],
    *,
    timeout: float = 300.0,
    cancelled: threading.Event | None = None,
    redirect_path: str = "/callback",
    host: str = "127.0.0.1",
    port: int = 0,
    service: str = "",
) -> Authorization:
    """Run the browser part of the flow; return the code, the redirect URI and the PKCE verifier.

    ``params`` are the provider's own (client_id, scope...); this adds
    response_type, redirect_uri, state and the S256 code challenge.
    """
    pkce = Pkce.new()
    state = secrets.token_urlsafe(24)
    listener = Listener(redirect_path, host=host, port=port, service=service)
    query = dict(params)
    query.update(
        response_type="code",
        redirect_uri=listener.redirect_uri,
        state=state,
        code_challenge=pkce.challenge,
        code_challenge_method="S256",
    )
    url = authorize_url + ("&" if "?" in authorize_url else "?") + urlencode(query)
    result = listener.answer(url, state, open_url, timeout=timeout, cancelled=cancelled)
    if "code" not in result:
        raise SignInCancelled("The sign-in answer carried no authorization code.")
    return Authorization(result["code"], listener.redirect_uri, pkce.verifier)
