"""Gmail's HTTP batch endpoint: ``POST /batch/gmail/v1``, whole requests in one multipart/mixed body.

Shapes from Google's "Batching requests" guide for the Gmail API:

- the body is ``multipart/mixed``; each part has ``Content-Type: application/http`` and an optional
  ``Content-ID``, and holds a whole HTTP request whose URL is a path only (a full URL is refused);
- the outer request's headers (Authorization...) apply to every part unless the part sets its own;
  ``Content-`` headers do not carry over;
- at most 100 parts: more is a 400 "Inner request count exceeds the limit. Received: N, Limit: 100";
- the answer is ``multipart/mixed`` with one ``application/http`` part per request, in the same
  order, each ``Content-ID: <response-ID>`` and a whole HTTP response (status line, headers, body);
- every part is a request of its own for quota: n parts cost what n requests cost, and a part
  over the limit gets its own 429/403 while the others succeed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from app.emulators.base import Request, Response

PATH = "/batch/gmail/v1"
MAX_PARTS = 100


class BatchError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parts_of(request: Request) -> list[tuple[str, Request]]:
    """The inner requests with their Content-ID ("" when none), or ``BatchError``."""
    content_type = request.headers.get("content-type", "")
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.lower().startswith("multipart/mixed") or match is None:
        raise BatchError("Invalid content type for a batch request: multipart/mixed with a boundary is required")
    delimiter = b"--" + match.group(1).encode("latin-1")
    chunks = request.body.split(delimiter)
    inner: list[tuple[str, Request]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        inner.append(_part(chunk.strip(b"\r\n"), request))
    if not inner:
        raise BatchError("A batch request must contain at least one request")
    if len(inner) > MAX_PARTS:
        raise BatchError(f"Inner request count exceeds the limit. Received: {len(inner)}, Limit: {MAX_PARTS}")
    return inner


def _part(chunk: bytes, outer: Request) -> tuple[str, Request]:
    head, _, http = chunk.partition(b"\r\n\r\n")
    part_headers = _headers(head.decode("latin-1").split("\r\n"))
    if part_headers.get("content-type", "").lower() != "application/http":
        raise BatchError("Each part of a batch request must have Content-Type: application/http")
    request_head, _, body = http.partition(b"\r\n\r\n")
    lines = request_head.decode("latin-1").split("\r\n")
    words = lines[0].split(" ")
    if len(words) < 2 or not words[1].startswith("/"):
        raise BatchError("Each request in a batch must name a path only (no scheme or host)")
    method, target = words[0].upper(), words[1]
    url = urlsplit(target)
    headers = {k: v for k, v in outer.headers.items() if not k.startswith("content-") and k != "content-length"}
    headers.update(_headers(lines[1:]))
    inner = Request(
        method=method,
        path=url.path,
        query=parse_qs(url.query, keep_blank_values=True),
        headers=headers,
        body=body.rstrip(b"\r\n") if body.strip() else b"",
    )
    return part_headers.get("content-id", "").strip(), inner


def _headers(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def answer(parts: list[tuple[str, Request]], handle: Callable[[Request], Response]) -> Response:
    """Each part answered by ``handle`` (quota and all), in one multipart/mixed response."""
    boundary = "batch_" + secrets.token_urlsafe(12)
    out: list[bytes] = []
    for content_id, inner in parts:
        response = handle(inner)
        reason = HTTPStatus(response.status).phrase if response.status in HTTPStatus._value2member_map_ else ""
        head = [f"HTTP/1.1 {response.status} {reason}".rstrip()]
        head += [f"{k}: {v}" for k, v in response.headers.items()]
        head.append(f"Content-Length: {len(response.body)}")
        part_head = ["Content-Type: application/http"]
        if content_id:
            cid = content_id.strip("<>")
            part_head.append(f"Content-ID: <response-{cid}>")
        out.append(
            f"--{boundary}\r\n".encode()
            + "\r\n".join(part_head).encode()
            + b"\r\n\r\n"
            + "\r\n".join(head).encode("latin-1")
            + b"\r\n\r\n"
            + response.body
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return Response(200, b"".join(out), {"Content-Type": f"multipart/mixed; boundary={boundary}"})
