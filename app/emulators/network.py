"""The realistic network mode: a round trip per request, and each service's published limits enforced.

Off by default (the emulators then answer at once and limit only what they always limit).  With
``Network(rtt=0.1)`` given to the host, a request's life becomes:

    arrives -> counted in flight for its mailbox -> over the service's concurrency limit? the
    service's own refusal (429 / ErrorServerBusy / REQUEST_LIMIT_EXCEEDED), recorded as a violation
    -> waits the round trip -> the service answers (its own rate limits apply, in this mode too)
    -> no longer in flight

The whole round trip counts as in flight: a client that waits for each answer before it sends
the next request never has more in flight here than it has itself, and one that sends too many
at once is caught even though the emulator itself answers in microseconds.

Every refusal a limit causes is a violation: a client that paces itself to the published limits
never meets one, so a test fails on ``violations()`` being non-empty.  A request sent before a
wait the service asked for (Retry-After, BackOffMilliseconds) is one too.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.emulators.base import Limits, Response


@dataclass
class Violation:
    service: str
    limit: str  # "concurrency", "rate", "retry-after"
    operation: str
    detail: str
    at: float = field(default_factory=time.monotonic)

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "limit": self.limit, "operation": self.operation, "detail": self.detail}


class Network:
    """Round trips, in-flight counts and the record of violations, for every service of one host."""

    def __init__(
        self,
        rtt: float = 0.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rtt < 0:
            raise ValueError("the round trip cannot be negative")
        self.rtt = rtt
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._started: dict[str, list[float]] = defaultdict(list)  # service -> start times of requests in flight
        self._peak: dict[str, int] = defaultdict(int)
        self._blocked_until: dict[str, float] = {}
        self._violations: list[Violation] = []

    # -- what tests and the bench read ------------------------------------------------------------

    def violations(self) -> list[Violation]:
        with self._lock:
            return list(self._violations)

    def peak(self, service: str) -> int:
        """The most requests this service had in flight at once."""
        with self._lock:
            return self._peak[service]

    def reset(self) -> None:
        with self._lock:
            self._violations.clear()
            self._peak.clear()
            self._blocked_until.clear()

    def record(self, service: str, limit: str, operation: str, detail: str, wait: float = 0.0) -> None:
        """A limit refused a request (services call this for their own rate limits)."""
        with self._lock:
            self._violations.append(Violation(service, limit, operation, detail))
            if wait > 0:
                self._blocked_until[service] = max(self._blocked_until.get(service, 0.0), self._clock() + wait)

    def asked_to_wait(self, service: str, wait: float) -> None:
        """The service told the client to wait ``wait`` seconds; a request before then is a violation."""
        with self._lock:
            self._blocked_until[service] = max(self._blocked_until.get(service, 0.0), self._clock() + wait)

    # -- a request's passage ----------------------------------------------------------------------

    def enter(self, service: str, operation: str, limits: Limits) -> tuple[float, Response | None]:
        """Count a request in flight; the service's refusal if a limit is exceeded (it is counted anyway:
        the client sent it).  Returns the request's start time, which ``leave`` takes back."""
        with self._lock:
            now = self._clock()
            started = self._started[service]
            started.append(now)
            self._peak[service] = max(self._peak[service], len(started))
            blocked = self._blocked_until.get(service, 0.0)
            if now < blocked:
                self._violations.append(
                    Violation(service, "retry-after", operation, f"sent {blocked - now:.3f} s before the wait ended")
                )
            if limits.concurrent is None or limits.refuse is None:
                return now, None
            counted = sum(1 for t in started if now - t >= limits.long_running) if limits.long_running else len(started)
            if counted <= limits.concurrent:
                return now, None
            self._violations.append(
                Violation(service, "concurrency", operation, f"{counted} in flight, limit {limits.concurrent}")
            )
            self._blocked_until[service] = max(blocked, now + limits.wait)
            return now, limits.refuse(limits.wait)

    def travel(self) -> None:
        """The round trip: the request reaching the service and its answer coming back."""
        if self.rtt:
            self._sleep(self.rtt)

    def leave(self, service: str, started: float) -> None:
        with self._lock:
            try:
                self._started[service].remove(started)
            except ValueError:
                pass

    def reject(self, service: str, response: Response) -> None:
        """An answer that tells the client to wait: remember how long, so an early retry is seen."""
        wait = _asked_wait(response)
        if wait is not None:
            self.asked_to_wait(service, wait)


def _asked_wait(response: Response) -> float | None:
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        try:
            return float(retry_after)
        except ValueError:
            return None
    if response.status >= 500 and b"BackOffMilliseconds" in response.body:
        text = response.body.decode("utf-8", "replace")
        start = text.find('"BackOffMilliseconds">') + len('"BackOffMilliseconds">')
        digits = text[start : text.find("<", start)]
        if digits.isdigit():
            return int(digits) / 1000
    return None
