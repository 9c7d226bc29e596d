"""The Graph emulator's per-mailbox request budget: what throttles a request, or one step of a ``$batch``.

Rules ("Microsoft Graph throttling guidance": Outlook service limits and
"Throttling and batching"; ../shared/wire_samples/graph/batch_throttling_facts.txt):

- an app may make at most 10,000 requests to one mailbox in 10 minutes; a
  request over the budget is answered 429 ``TooManyRequests`` with a
  ``Retry-After`` saying when the budget has room again;
- each step of a JSON batch is evaluated against the budget on its own: the
  batch answers 200, and a throttled step is a sub-response with status 429,
  its own ``Retry-After`` in the sub-response's ``headers`` (a decimal number
  of seconds) and the same error body as a plain 429; other steps succeed.

The clock is injectable so a test can let time pass without sleeping.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAILBOX_LIMIT = 10_000
MAILBOX_WINDOW = 600.0  # seconds


class MailboxBudget:
    """A sliding window of the requests one app made to one mailbox."""

    def __init__(
        self,
        limit: int = MAILBOX_LIMIT,
        window: float = MAILBOX_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._times: deque[float] = deque()
        self.throttled = 0  # requests and batch steps refused so far (tests read it)

    def take(self) -> float | None:
        """Spend one request: None when it may run, else the seconds until the budget has room."""
        now = self.clock()
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) < self.limit:
            self._times.append(now)
            return None
        self.throttled += 1
        # The request waits for the oldest one in the window to leave it; steps refused after it in
        # the same batch get the same answer (a client retries them all after the longest wait).
        oldest = self._times[0] if self._times else now
        return max(0.001, oldest + self.window - now)


def retry_after_header(seconds: float) -> str:
    """Graph writes Retry-After inside a batch as decimal seconds (e.g. "0.249")."""
    return f"{seconds:.3f}"
