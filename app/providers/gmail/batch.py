"""Reading many messages from Gmail at the speed its quota allows: batch requests, paced and concurrent.

Gmail's per-user limit is 250 quota units a second (a moving average that allows short bursts) and
``messages.get`` costs 5 units, so at most 50 messages a second can be read however they are sent.
One HTTP batch request (``POST /batch/gmail/v1``) carries up to 100 calls (Google recommends 50 at
most); each part still costs its units.  So:

    ids -> batches of 50 (250 units, one second's quota) -> each batch waits for its units in a
    token bucket (``QuotaPacer``, a little under the published rate, so the server's own bucket
    never runs dry) -> up to ``CONCURRENT_BATCHES`` batches in flight -> a part the server still
    refuses (rateLimitExceeded / userRateLimitExceeded) is sent again after the wait the service
    asks for (Retry-After), or exponential backoff when it names none; the pacer drains too, so
    the other batches slow down with it.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

PATH = "/batch/gmail/v1"
BATCH_PARTS = 50  # Google: "Sending batches larger than 50 requests is not recommended"
CONCURRENT_BATCHES = 4  # batches in flight: enough to cover a round trip at the quota's pace
UNITS_PER_SECOND = 250  # per user, "Usage limits"
PACE = 0.9  # the share of the published rate the client uses: arrival jitter never overdraws Gmail's bucket
# Quota units per Gmail method ("Usage limits"); Calendar calls are not counted in Gmail's quota.
UNITS = {
    "users.getProfile": 1,
    "messages.list": 5,
    "messages.get": 5,
    "messages.batchModify": 50,
    "messages.send": 100,
    "history.list": 2,
    "labels.list": 1,
    "labels.create": 5,
}


def units_for(method: str, path: str) -> int:
    """The quota units one call costs (0 for what is not Gmail API quota: Calendar, OAuth)."""
    rest = path.split("?", 1)[0].removeprefix("/gmail/v1/users/me")
    if rest == path.split("?", 1)[0]:
        return 0
    if rest == "/profile":
        return UNITS["users.getProfile"]
    if rest == "/history":
        return UNITS["history.list"]
    if rest.startswith("/labels"):
        return UNITS["labels.create" if method == "POST" else "labels.list"]
    if rest == "/messages":
        return UNITS["messages.list"]
    if rest in ("/messages/batchModify", "/messages/send"):
        return UNITS["messages." + rest.rsplit("/", 1)[-1]]
    return UNITS["messages.get"]


class QuotaPacer:
    """A token bucket shared by every thread of one client: ``take(units)`` returns once they are spent."""

    def __init__(
        self,
        units_per_second: float = UNITS_PER_SECOND * PACE,
        burst: float = UNITS_PER_SECOND,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = units_per_second
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = burst
        self._at = clock()

    def take(self, units: float) -> float:
        """Spend ``units``, waiting until the bucket holds them; returns the wait."""
        if units <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            self._tokens -= units  # reserved now; a debt is paid by waiting
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait

    def drain(self, seconds: float) -> None:
        """The service refused for rate: nothing more is sent for ``seconds`` (every thread waits)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._tokens + (now - self._at) * self.rate, 0.0) - seconds * self.rate
            self._at = now

    # ``app.net.bearer.Pacing``: a call waits for its own units; a refusal for rate drains the bucket.
    def before(self, method: str, path: str) -> None:
        self.take(units_for(method, path))

    def throttled(self, wait: float) -> None:
        self.drain(wait)


def encode(requests: list[str]) -> tuple[bytes, str]:
    """A multipart/mixed batch body of GET requests (path and query only), and its boundary."""
    boundary = "batch_" + secrets.token_hex(12)
    chunks = [
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <{i}>\r\n\r\nGET {target}\r\n\r\n"
        for i, target in enumerate(requests)
    ]
    return ("".join(chunks) + f"--{boundary}--\r\n").encode("utf-8"), boundary


def decode(content_type: str, body: bytes, count: int) -> list[tuple[int, dict[str, str], Any]]:
    """The batch answer as (status, headers, JSON) per request, in the order they were sent.

    Parts are paired by ``Content-ID: <response-N>`` (Google may answer in any order); a request
    without an answer gets status 0, and is sent again by the caller.
    """
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    answers: list[tuple[int, dict[str, str], Any]] = [(0, {}, None)] * count
    if match is None:
        return answers
    for position, chunk in enumerate(body.split(b"--" + match.group(1).encode("latin-1"))[1:]):
        if chunk.startswith(b"--"):
            break
        head, _, http = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        cid = re.search(rb"Content-ID:\s*<response-(\d+)>", head, re.IGNORECASE)
        index = int(cid.group(1)) if cid else position
        status_block, _, payload = http.partition(b"\r\n\r\n")
        lines = status_block.decode("latin-1").split("\r\n")
        words = lines[0].split(" ")
        if len(words) < 2 or not words[1].isdigit() or not 0 <= index < count:
            continue
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        try:
            data = json.loads(payload) if payload.strip() else None
        except ValueError:
            data = None
        answers[index] = (int(words[1]), headers, data)
    return answers
