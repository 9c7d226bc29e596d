"""``Retry-After`` as seconds, in either form RFC 9110 allows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(headers: Mapping[str, str], default: float = 5.0, now: datetime | None = None) -> float:
    """Retry-After as seconds, in either form RFC 9110 allows: delay-seconds (Graph sends fractions,
    "2.128") or an HTTP-date (the seconds until then); anything else is ``default``."""
    value = (headers.get("Retry-After") or headers.get("retry-after") or "").strip()
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
