"""The history window every mailbox provider reads, and the cursors that remember it.

The window starts ``history_days`` before activation (now, when unset): the same start the rules use
for ``IGN_BEFORE_WINDOW``.  A provider asks the server for that window on a stream's first read and
keeps its start in front of the stream's cursor (``since=<UTC time>;<the service's cursor>``).  When
the user widens the window later, the start moves back past what was read: the cursor is then
refused with ``CursorExpired`` and the engine reads the stream again, this time from the new start
(items already synced keep their fingerprint, so nothing is sent twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from app.core.errors import CursorExpired
from app.core.ports import ChangePage

PREFIX = "since="
SLACK = timedelta(minutes=1)  # a window anchored on "now" moves forward; only a real widening counts


def window_start(history_days: int, activated_at: datetime | None, now: datetime) -> datetime:
    anchor = activated_at or now
    if anchor.tzinfo is None:
        anchor = anchor.replace(tzinfo=UTC)
    return anchor - timedelta(days=history_days)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windowed(start: datetime, cursor: str | None, read: Callable[[str | None], ChangePage]) -> ChangePage:
    """One page of a windowed stream: ``read`` gets the service's own cursor; the page's cursor keeps
    the window start it was read with."""
    since: datetime | None = None
    inner = cursor
    if cursor and cursor.startswith(PREFIX):
        stamp, _, inner = cursor[len(PREFIX) :].partition(";")
        since = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if start < since - SLACK:
            raise CursorExpired(
                f"the history window now starts {rfc3339(start)}, before the {rfc3339(since)} read so far",
                service_code="HistoryWindowWidened",
            )
    page = read(inner or None)
    kept = start if not cursor else since
    if kept is None:  # a cursor from before the window was kept: left as it was
        return page
    return replace(page, cursor=f"{PREFIX}{rfc3339(kept)};{page.cursor}")
