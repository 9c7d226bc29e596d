"""Microsoft Graph over HTTP: what its answers mean, on the shared bearer loop (``app.net.bearer``).

Graph errors are ``{"error": {"code", "message", "innerError": {"request-id"...}}}``;
the code (or the HTTP status where the code says little) maps to a catalogue
entry.  Throttling (429, 503 with Retry-After) is waited out by the bearer loop when the
wait is short, and raised as the throttling code otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from app.core.catalog import Catalog
from app.core.errors import AccountError, CursorExpired, ItemError, SyncbarError
from app.net.bearer import BearerClient, SharedPause
from app.net.bearer import TokenSource as TokenSource  # the provider's callers name it from here
from app.net.retry_after import retry_after_seconds
from app.net.session import TrustedSession

SERVICE = "graph"
# Outlook service limits: 4 concurrent requests per app and mailbox.  Threads of one client (the
# engine reads streams at once) share these slots, so the fifth request waits here, not at Graph.
MAILBOX_CONCURRENCY = 4


def graph_error(status: int, body: Any, headers: Mapping[str, str] | None = None, *, catalog: Catalog) -> AccountError:
    """The catalogue error for a Graph error answer."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(error.get("code") or "") if isinstance(error, dict) else ""
    message = str(error.get("message") or "") if isinstance(error, dict) else ""
    inner = error.get("innerError") or error.get("innererror") or {} if isinstance(error, dict) else {}
    request_id = str(inner.get("request-id", "")) if isinstance(inner, dict) else ""
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


class GraphAnswers:
    """Graph's half of the bearer loop: 429 and 503 wait their Retry-After; errors as catalogue codes."""

    name = "Microsoft 365"

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def throttle_wait(self, status: int, body: Any, headers: Mapping[str, str], tries: int) -> float | None:
        return retry_after_seconds(headers, default=5.0) if status in (429, 503) else None

    def error(self, status: int, body: Any, headers: Mapping[str, str], path: str) -> SyncbarError:
        error = graph_error(status, body, headers, catalog=self.catalog)
        if error.code == "MBX_CURSOR_EXPIRED":
            return CursorExpired(error.message, service_code=error.service_code)
        if status == 404:
            return ItemError(error.code, error.message, service_code=error.service_code)
        return error


class GraphClient:
    def __init__(
        self,
        token_source: TokenSource,
        *,
        catalog: Catalog,
        base_url: str = "https://graph.microsoft.com",
        ca_file: str | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.base = base_url.rstrip("/") + "/v1.0"
        self.catalog = catalog
        self._sleep = sleep or time.sleep
        # After a 429 no thread sends before the Retry-After ends: the whole client waits with it.
        session, answers, pause = TrustedSession(ca_file), GraphAnswers(catalog), SharedPause(self.wait)
        self.bearer = BearerClient(
            session, token_source, catalog, answers, pacing=pause, sleep=self.wait, concurrency=MAILBOX_CONCURRENCY
        )

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
        answer = self.bearer.request(
            method,
            self.url(path),
            path=path,
            headers={"Accept": "application/json", **(headers or {})},
            params=params,
            json=json,
        )
        return answer.status, answer.body, answer.headers
