"""The Gmail and Calendar APIs over HTTP: bearer token, refresh on 401, quota waits, errors as codes.

Google errors are ``{"error": {"code", "message", "errors": [{"reason"}], "status"}}``;
the first reason (rateLimitExceeded, insufficientPermissions, notFound…)
maps to a catalogue entry.  A 404 from history.list and a 410 from
events.list mean the cursor is too old: ``CursorExpired``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from app.core.catalog import load_default
from app.core.errors import AccountError, CursorExpired, ItemError
from app.providers.http import TrustedSession, network_error, retry_after_seconds

SERVICE = "gmail"
MAX_INLINE_WAIT = 30.0
MAX_THROTTLE_RETRIES = 3
THROTTLE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")

TokenSource = Callable[[bool], str]


def gmail_error(status: int, body: Any, path: str = "") -> AccountError:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if isinstance(error, str):  # OAuth-style {"error": "invalid_grant"}
        reason, message = error, str(body.get("error_description", ""))
    else:
        reasons = [str(e.get("reason", "")) for e in error.get("errors", []) or [] if isinstance(e, dict)]
        reason = reasons[0] if reasons else str(error.get("status", ""))
        message = str(error.get("message", ""))
    catalog = load_default()
    if status == 404 and "/history" in path:
        reason = "404-history"
    if status == 401 and reason in ("", "authError", "UNAUTHENTICATED"):
        reason = "invalid_grant"
    entry = catalog.lookup(SERVICE, reason or str(status))
    return AccountError(entry.code, message or reason or f"HTTP {status}", service_code=reason or str(status))


class GmailClient:
    def __init__(
        self,
        token_source: TokenSource,
        *,
        base_url: str = "https://gmail.googleapis.com",
        calendar_url: str | None = None,
        ca_file: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.calendar_base = (
            calendar_url or ("https://www.googleapis.com" if "googleapis.com" in base_url else base_url)
        ).rstrip("/")
        self.http = TrustedSession(ca_file)
        self._token_source = token_source
        self._token: str | None = None
        self._sleep = sleep
        self.calls = 0

    def _url(self, path: str) -> str:
        return (self.calendar_base if path.startswith("/calendar/") else self.base) + path

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        missing_ok: bool = False,
        conflict_ok: bool = False,
    ) -> Any:
        refreshed = False
        throttled = 0
        while True:
            if self._token is None:
                self._token = self._token_source(False)
            headers = {"Authorization": f"Bearer {self._token}"}
            try:
                self.calls += 1
                response = self.http.request(method, self._url(path), params=params, json=json, headers=headers)
            except requests.RequestException as exc:
                raise network_error(exc, "Gmail") from exc
            status = response.status_code
            body = _json(response)
            if status == 401 and not refreshed:
                refreshed = True
                self._token = self._token_source(True)
                continue
            reason = _reason(body)
            if (status == 429 or reason in THROTTLE_REASONS) and throttled < MAX_THROTTLE_RETRIES:
                wait = retry_after_seconds(dict(response.headers), default=2.0**throttled)
                if wait <= MAX_INLINE_WAIT:
                    throttled += 1
                    self._sleep(wait)
                    continue
            if status < 400:
                return body
            if status == 404 and missing_ok:
                return None
            if status == 409 and conflict_ok:
                return None
            error = gmail_error(status, body, path)
            if status == 410 or error.code == "MBX_CURSOR_EXPIRED":
                raise CursorExpired(error.message, service_code=error.service_code)
            if status == 404:
                raise ItemError(error.code, error.message, service_code=error.service_code)
            if status in (429, 403) and error.service_code in THROTTLE_REASONS:
                error.retry_after = retry_after_seconds(dict(response.headers), default=60.0)
            raise error

    def get(self, path: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
        return self.request("GET", path, params=params, missing_ok=missing_ok)

    def post(self, path: str, body: Any, *, conflict_ok: bool = False) -> Any:
        return self.request("POST", path, json=body, conflict_ok=conflict_ok)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, json=body)


def _reason(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        errors = body["error"].get("errors") or []
        if errors and isinstance(errors[0], dict):
            return str(errors[0].get("reason", ""))
    return ""


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        entry = load_default().lookup("network", "connection_reset")
        raise AccountError(
            entry.code, "Gmail sent an answer that could not be read.", service_code="malformed"
        ) from exc
