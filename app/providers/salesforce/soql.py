"""Building SOQL safely: quoting, and ``IN`` lists chunked by the query-length limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

# A REST query travels in the URL; Salesforce accepts long URLs but proxies and
# the composite subrequest URL are safer well below 16 KB.  Values count raw.
MAX_IN_CHARS = 8000


def quote(value: str) -> str:
    """A SOQL string literal: backslash and single quote escaped, control characters removed."""
    cleaned = "".join(ch for ch in value if ch >= " " or ch == "\t")
    return "'" + cleaned.replace("\\", "\\\\").replace("'", "\\'") + "'"


def in_chunks(values: Sequence[str], budget: int = MAX_IN_CHARS) -> Iterator[list[str]]:
    """Split values so that each ``IN (...)`` list stays within ``budget`` characters."""
    chunk: list[str] = []
    size = 0
    for value in values:
        cost = len(quote(value)) + 1
        if chunk and size + cost > budget:
            yield chunk
            chunk, size = [], 0
        chunk.append(value)
        size += cost
    if chunk:
        yield chunk


def in_list(values: Sequence[str]) -> str:
    return "(" + ",".join(quote(v) for v in values) + ")"
