"""Small text helpers the mailbox providers share: HTML bodies to plain text, timestamps."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6])\s*/?>")
_SCRIPT = re.compile(r"(?is)<(script|style)[^>]*>.*?</\1>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def html_to_text(markup: str) -> str:
    """Readable plain text from an HTML body (what a CRM activity shows)."""
    text = _SCRIPT.sub("", markup)
    text = _BLOCK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 from a mailbox API ("2026-11-20T09:30:00Z", 7-digit fractions, no zone = UTC)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    # Graph sends 7 fractional digits; keep at most the 6 Python reads.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
