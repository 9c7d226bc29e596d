"""``BearerClient``: the one request loop of the services that take an OAuth bearer token (Graph, Gmail).

One ``request``, as states::

    token in hand? ──no──> ask the token source once (other threads wait for it)
        │
    pacing.before ──> send with "Authorization: Bearer <token>" ──transport failure──> network code
        │
    answer ──401, not refreshed yet──────────────> refresh the token (once) ──> send again
        │  ──throttling (the service says which),
        │    wait <= max_inline_wait, tries left──> pacing.throttled(wait), sleep(wait) ──> send again
        │  ──2xx/3xx, or a status the caller accepts──> Answer (the JSON decoded)
        └──anything else──> the service's error: a catalogue code, Retry-After on throttling

A body that is not JSON is the service sending something unreadable (the network's connection_reset code,
service code ``malformed``).  What differs between services is passed in, not copied: ``ServiceAnswers``
(its name, which answers throttle and how long they ask to wait, its error mapping) and ``Pacing`` (what a
request waits for before it is sent, and what a throttling answer does to the requests that follow).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple, Protocol

import requests

from app.core.catalog import Catalog
from app.core.errors import AccountError, SyncbarError
from app.net.errors import network_error

TokenSource = Callable[[bool], str]  # force_refresh -> access token; raises AccountError to re-authenticate
MAX_INLINE_WAIT = 30.0  # seconds of Retry-After slept through instead of ending the cycle
MAX_THROTTLE_RETRIES = 3


class Answer(NamedTuple):
    status: int
    body: Any  # the decoded JSON, None for an empty body
    headers: dict[str, str]


class ServiceAnswers(Protocol):
    """What one service's answers mean."""

    @property
    def name(self) -> str:
        """The service in the user's words ("Microsoft 365", "Gmail")."""
        ...

    def throttle_wait(self, status: int, body: Any, headers: Mapping[str, str], tries: int) -> float | None:
        """Seconds to wait before sending again when the answer is throttling (``tries`` waits so far), else None."""
        ...

    def error(self, status: int, body: Any, headers: Mapping[str, str], path: str) -> SyncbarError:
        """The catalogue error for an error answer to ``path``."""
        ...


class Pacing(Protocol):
    def before(self, method: str, path: str) -> None:
        """Wait until this request may be sent."""
        ...

    def throttled(self, wait: float) -> None:
        """A throttling answer asked for ``wait`` seconds (the client sleeps them after this)."""
        ...


class Unpaced:
    """Every request goes at once; a throttling answer holds back only the request that got it."""

    def before(self, method: str, path: str) -> None:
        return None

    def throttled(self, wait: float) -> None:
        return None


class SharedPause:
    """After a throttling answer no thread of the client sends before its wait ends: the limit is the
    account's, not one call's.  A thread that slept through a pause already does not sleep it again."""

    def __init__(self, sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic) -> None:
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._waited = threading.local()  # .until: the end of the pause this thread has slept through

    def before(self, method: str, path: str) -> None:
        waited = getattr(self._waited, "until", 0.0)
        with self._lock:
            pause = self._resume_at - self._clock() if waited < self._resume_at else 0.0
        if pause > 0:  # another thread was asked to wait: this one waits with it
            self._waited.until = self._resume_at
            self._sleep(pause)

    def throttled(self, wait: float) -> None:
        with self._lock:
            self._resume_at = self._waited.until = max(self._resume_at, self._clock() + wait)


class BearerClient:
    """Requests with a bearer token on one session; see the module's states."""

    def __init__(
        self,
        session: requests.Session,
        token_source: TokenSource,
        catalog: Catalog,
        answers: ServiceAnswers,
        *,
        pacing: Pacing | None = None,
        sleep: Callable[[float], None] = time.sleep,
        concurrency: int | None = None,
        max_inline_wait: float = MAX_INLINE_WAIT,
        max_throttle_retries: int = MAX_THROTTLE_RETRIES,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.answers = answers
        self.pacing: Pacing = pacing or Unpaced()
        self.max_inline_wait = max_inline_wait
        self.max_throttle_retries = max_throttle_retries
        self._token_source = token_source
        self._token: str | None = None
        self._token_lock = threading.Lock()
        self._sleep = sleep
        # Requests in flight at once (None: no limit); threads past it wait here, not at the service.
        self._slots = threading.BoundedSemaphore(concurrency) if concurrency else None
        self.calls = 0  # requests sent (benchmarks and tests read it)

    def token(self) -> str:
        """The access token in hand; the first is asked for once while other threads wait for it."""
        token = self._token
        if token is None:
            with self._token_lock:
                if self._token is None:
                    self._token = self._token_source(False)
                token = self._token
        return token

    def refresh(self) -> None:
        """A fresh access token from the token source (after the service refused the one in hand)."""
        self._token = self._token_source(True)

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | None = None,
    ) -> requests.Response:
        """One request with the token, counted; a transport failure raises the network code."""
        sent = {"Authorization": f"Bearer {self.token()}", **(headers or {})}
        try:
            with self._slots or contextlib.nullcontext():
                self.calls += 1
                return self.session.request(method, url, headers=sent, params=params, json=json, data=data)
        except requests.RequestException as exc:
            raise network_error(exc, self.answers.name, self.catalog) from exc

    def decode(self, response: requests.Response) -> Any:
        """The answer's JSON (None when empty); a body that is not JSON raises."""
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            entry = self.catalog.lookup("network", "connection_reset")
            raise AccountError(
                entry.code, f"{self.answers.name} sent an answer that could not be read.", service_code="malformed"
            ) from exc

    def request(
        self,
        method: str,
        url: str,
        *,
        path: str = "",
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        accept: Collection[int] = (),
    ) -> Answer:
        """One call: at most one refresh and a few short throttling waits; an error answer raises the
        service's error unless its status is in ``accept``.  ``path`` (default ``url``) names the call
        to the pacing and the error mapping."""
        path = path or url
        refreshed = False
        throttled = 0
        while True:
            self.token()
            self.pacing.before(method, path)
            response = self.send(method, url, headers=headers, params=params, json=json)
            status = response.status_code
            answer_headers = dict(response.headers)
            body = self.decode(response)
            if status == 401 and not refreshed:
                refreshed = True
                self.refresh()
                continue
            if throttled < self.max_throttle_retries:
                wait = self.answers.throttle_wait(status, body, answer_headers, throttled)
                if wait is not None and wait <= self.max_inline_wait:
                    throttled += 1
                    self.pacing.throttled(wait)
                    self._sleep(wait)
                    continue
            if status >= 400 and status not in accept:
                raise self.answers.error(status, body, answer_headers, path)
            return Answer(status, body, answer_headers)
