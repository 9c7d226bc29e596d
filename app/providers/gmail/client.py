"""The Gmail, Calendar and Tasks APIs over HTTP: what their answers mean, on the shared bearer loop (app.net).

Google errors are ``{"error": {"code", "message", "errors": [{"reason"}], "status"}}``;
the first reason (rateLimitExceeded, insufficientPermissions, notFound…)
maps to a catalogue entry.  A 404 from history.list and a 410 from
events.list mean the cursor is too old: ``CursorExpired``.  Every call first waits for its quota
units (``batch.QuotaPacer``); a throttling answer drains the pacer for its wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from app.core.catalog import Catalog
from app.core.errors import AccountError, CursorExpired, ItemError, SyncbarError
from app.net.bearer import MAX_INLINE_WAIT, BearerClient, TokenSource
from app.net.retry_after import retry_after_seconds
from app.net.session import TrustedSession
from app.providers.gmail import batch
from app.providers.gmail.batch import QuotaPacer, units_for

SERVICE = "gmail"
MAX_PART_RETRIES = 6  # a batch part refused for rate is sent again at most this often
THROTTLE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")


def gmail_error(status: int, body: Any, path: str = "", *, catalog: Catalog) -> AccountError:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if isinstance(error, str):  # OAuth-style {"error": "invalid_grant"}
        reason, message = error, str(body.get("error_description", ""))
    else:
        reasons = [str(e.get("reason", "")) for e in error.get("errors", []) or [] if isinstance(e, dict)]
        reason = reasons[0] if reasons else str(error.get("status", ""))
        message = str(error.get("message", ""))
    if status == 404 and "/history" in path:
        reason = "404-history"
    if status == 401 and reason in ("", "authError", "UNAUTHENTICATED"):
        reason = "invalid_grant"
    entry = catalog.lookup(SERVICE, reason or str(status))
    return AccountError(entry.code, message or reason or f"HTTP {status}", service_code=reason or str(status))


class GmailAnswers:
    """Gmail's half of the bearer loop: rate answers wait their Retry-After (else 1, 2, 4 s); errors as codes."""

    name = "Gmail"

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def throttle_wait(self, status: int, body: Any, headers: Mapping[str, str], tries: int) -> float | None:
        if status == 429 or _reason(body) in THROTTLE_REASONS:
            return retry_after_seconds(headers, default=2.0**tries)
        return None

    def error(self, status: int, body: Any, headers: Mapping[str, str], path: str) -> SyncbarError:
        error = gmail_error(status, body, path, catalog=self.catalog)
        if status == 410 or error.code == "MBX_CURSOR_EXPIRED":
            return CursorExpired(error.message, service_code=error.service_code)
        if status == 404:
            return ItemError(error.code, error.message, service_code=error.service_code)
        if status in (429, 403) and error.service_code in THROTTLE_REASONS:
            error.retry_after = retry_after_seconds(headers, default=60.0)
        return error


class GmailClient:
    def __init__(
        self,
        token_source: TokenSource,
        *,
        catalog: Catalog,
        base_url: str = "https://gmail.googleapis.com",
        calendar_url: str | None = None,
        tasks_url: str | None = None,
        ca_file: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        pacer: QuotaPacer | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.calendar_base = (
            calendar_url or ("https://www.googleapis.com" if "googleapis.com" in base_url else base_url)
        ).rstrip("/")
        self.catalog = catalog
        self.tasks_base = (
            tasks_url or ("https://tasks.googleapis.com" if "googleapis.com" in base_url else base_url)
        ).rstrip("/")
        self._sleep = sleep
        # Every call waits for its quota units here, so the per-user rate is never exceeded.
        self.pacer = pacer or QuotaPacer()
        session, answers = TrustedSession(ca_file), GmailAnswers(catalog)
        self.bearer = BearerClient(session, token_source, catalog, answers, pacing=self.pacer, sleep=sleep)

    def _url(self, path: str) -> str:
        if path.startswith("/tasks/"):
            return self.tasks_base + path
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
        """One call's JSON; None for a 404 with ``missing_ok`` or a 409 with ``conflict_ok``."""
        accept = ((404,) if missing_ok else ()) + ((409,) if conflict_ok else ())
        answer = self.bearer.request(method, self._url(path), path=path, params=params, json=json, accept=accept)
        return answer.body if answer.status < 400 else None

    def get_many(self, targets: Sequence[str]) -> list[Any]:
        """Several GETs (path and query) through batch requests; each answer, or None where it is gone (404).

        Batches of ``batch.BATCH_PARTS``, up to ``batch.CONCURRENT_BATCHES`` in flight, each waiting
        for its quota units first (``app.providers.gmail.batch``).
        """
        results: list[Any] = [None] * len(targets)
        if not targets:
            return results
        self.bearer.token()
        chunks = [
            list(range(i, min(i + batch.BATCH_PARTS, len(targets)))) for i in range(0, len(targets), batch.BATCH_PARTS)
        ]
        if len(chunks) == 1:
            self._batch(targets, chunks[0], results)
        else:
            with ThreadPoolExecutor(
                min(len(chunks), batch.CONCURRENT_BATCHES), thread_name_prefix="gmail-batch"
            ) as pool:
                for done in [pool.submit(self._batch, targets, chunk, results) for chunk in chunks]:
                    done.result()
        return results

    def _batch(self, targets: Sequence[str], indexes: list[int], results: list[Any]) -> None:
        pending, tries, refreshed = list(indexes), 0, False
        while pending:
            self.pacer.take(sum(units_for("GET", targets[i]) for i in pending))
            body, boundary = batch.encode([targets[i] for i in pending])
            headers = {"Content-Type": f"multipart/mixed; boundary={boundary}"}
            response = self.bearer.send("POST", self.base + batch.PATH, data=body, headers=headers)
            if response.status_code != 200:
                outer = self.bearer.decode(response)
                if response.status_code == 401 and not refreshed:
                    refreshed = True
                    self.bearer.refresh()
                    continue
                raise gmail_error(response.status_code, outer, batch.PATH, catalog=self.catalog)
            answers = batch.decode(response.headers.get("Content-Type", ""), response.content, len(pending))
            retry: list[int] = []
            wait, reauth = 0.0, False
            for index, (status, part_headers, data) in zip(pending, answers, strict=True):
                if status == 200:
                    results[index] = data
                elif status == 404:
                    results[index] = None
                elif status == 401 and not refreshed:
                    reauth = True
                    retry.append(index)
                elif status in (0, 429, 500, 503) or _reason(data) in THROTTLE_REASONS:
                    retry.append(index)
                    wait = max(wait, retry_after_seconds(part_headers, default=2.0**tries))
                else:
                    raise gmail_error(status, data, targets[index], catalog=self.catalog)
            if retry and tries >= MAX_PART_RETRIES:
                error = gmail_error(429, {}, batch.PATH, catalog=self.catalog)
                error.retry_after = max(wait, 60.0)
                raise error
            if reauth:
                refreshed = True
                self.bearer.refresh()
            if wait:
                self.pacer.drain(wait)
                self._sleep(min(wait, MAX_INLINE_WAIT))
            pending, tries = retry, tries + 1

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
