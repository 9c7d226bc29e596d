"""Microsoft Graph over HTTP: auth header, refresh on 401, Retry-After, errors as catalogue codes.

Graph errors are ``{"error": {"code", "message", "innerError": {"request-id"...}}}``;
the code (or the HTTP status where the code says little) maps to a catalogue
entry.  Throttling (429, 503 with Retry-After) is waited out here when the
wait is short, and raised as the throttling code otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests

from app.core.catalog import load_default
from app.core.errors import AccountError, CursorExpired, ItemError
from app.providers.http import TrustedSession, network_error, retry_after_seconds

SERVICE = "graph"
MAX_INLINE_WAIT = 30.0  # seconds of Retry-After we sleep through instead of ending the cycle
MAX_THROTTLE_RETRIES = 3
# Outlook service limits: 4 concurrent requests per app and mailbox.  Threads of one client (the
# engine reads streams at once) share these slots, so the fifth request waits here, not at Graph.
MAILBOX_CONCURRENCY = 4

TokenSource = Callable[[bool], str]  # force_refresh -> access token; raises AccountError to re-authenticate


def graph_error(status: int, body: Any, headers: dict[str, str] | None = None) -> AccountError:
    """The catalogue error for a Graph error answer."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(error.get("code") or "") if isinstance(error, dict) else ""
    message = str(error.get("message") or "") if isinstance(error, dict) else ""
    inner = error.get("innerError") or error.get("innererror") or {} if isinstance(error, dict) else {}
    request_id = str(inner.get("request-id", "")) if isinstance(inner, dict) else ""
    catalog = load_default()
    if status == 429 or code in ("TooManyRequests", "ApplicationThrottled", "activityLimitReached"):
        entry = catalog.lookup(SERVICE, "429")
    elif status == 410 or code.lower() in ("syncstatenotfound", "resyncrequired", "syncstateinvalid"):
        entry = catalog.lookup(SERVICE, "SyncStateNotFound")
    else:
        entry = catalog.lookup(SERVICE, code or str(status))
        if entry.code == "SYNC_UNKNOWN_ERROR" and str(status) != code:
            # An error code we do not know: the HTTP status still says what kind of failure it is.
            entry = catalog.lookup(SERVICE, str(status))
    retry_after = retry_after_seconds(headers or {}, default=5.0) if status in (429, 503) else None
    return AccountError(
        entry.code,
        message or code or f"HTTP {status}",
        retry_after=retry_after,
        request_id=request_id,
        service_code=code or str(status),
    )


class GraphClient:
    def __init__(
        self,
        token_source: TokenSource,
        *,
        base_url: str = "https://graph.microsoft.com",
        ca_file: str | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        import time

        self.base = base_url.rstrip("/") + "/v1.0"
        self.http = TrustedSession(ca_file)
        self._token_source = token_source
        self._token: str | None = None
        self._sleep = sleep or time.sleep
        self._clock = time.monotonic
        self._slots = threading.BoundedSemaphore(MAILBOX_CONCURRENCY)
        self._lock = threading.Lock()
        self._token_lock = threading.Lock()
        self._resume_at = 0.0  # after a 429, no thread sends before the Retry-After ends
        self._waited = threading.local()  # .until: the end of the pause this thread has slept through
        self.calls = 0

    def _first_token(self) -> None:
        """One thread asks the token source; threads reading other streams meanwhile wait for it."""
        with self._token_lock:
            if self._token is None:
                self._token = self._token_source(False)

    def wait(self, seconds: float) -> None:
        """Sleep as this client does between throttled tries (injected in tests)."""
        self._sleep(seconds)

    def url(self, path: str) -> str:
        return path if path.startswith("https://") else self.base + path

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        """One Graph call (with at most one refresh and a few short throttling waits)."""
        refreshed = False
        throttled = 0
        while True:
            if self._token is None:
                self._first_token()
            hdrs = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
            hdrs.update(headers or {})
            waited = getattr(self._waited, "until", 0.0)  # the pause this thread already slept through
            with self._lock:
                pause = self._resume_at - self._clock() if waited < self._resume_at else 0.0
            if pause > 0:  # another thread was asked to wait: this one waits with it
                self._waited.until = self._resume_at
                self._sleep(pause)
            try:
                with self._slots:
                    self.calls += 1
                    response = self.http.request(method, self.url(path), json=json, headers=hdrs, params=params)
            except requests.RequestException as exc:
                raise network_error(exc, "Microsoft 365") from exc
            status = response.status_code
            resp_headers = dict(response.headers)
            body = _json(response)
            if status == 401 and not refreshed:
                refreshed = True
                self._token = self._token_source(True)
                continue
            if status in (429, 503) and throttled < MAX_THROTTLE_RETRIES:
                wait = retry_after_seconds(resp_headers, default=5.0)
                if wait <= MAX_INLINE_WAIT:
                    throttled += 1
                    with self._lock:  # the whole client waits: the limit is the mailbox's, not this call's
                        self._resume_at = self._waited.until = max(self._resume_at, self._clock() + wait)
                    self._sleep(wait)
                    continue
            if status >= 400:
                error = graph_error(status, body, resp_headers)
                if error.code == "MBX_CURSOR_EXPIRED":
                    raise CursorExpired(error.message, service_code=error.service_code)
                if status == 404:
                    raise ItemError(error.code, error.message, service_code=error.service_code)
                raise error
            return status, body, resp_headers


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        entry = load_default().lookup("network", "connection_reset")
        raise AccountError(
            entry.code, "Microsoft 365 sent an answer that could not be read.", service_code="malformed"
        ) from exc
