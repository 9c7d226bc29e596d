"""HTTP plumbing every provider shares: a session that keeps its trust setting, and network errors as codes.

``requests`` lets ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` override a
session's own ``verify``; a provider told to trust one CA file (the emulators'
CA in the demo, a company proxy's CA in real life) must keep trusting exactly
that, so ``TrustedSession`` puts its own setting back after the environment is
merged.  Proxies from the environment still apply.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
import requests.adapters

from app.core.catalog import load_default
from app.core.errors import AccountError

DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds)


class TrustedSession(requests.Session):
    """A ``requests.Session`` whose ``verify`` wins over the environment, with default timeouts."""

    def __init__(self, ca_file: str | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        if ca_file:
            self.verify = ca_file
        self.default_timeout = timeout
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=8)
        self.mount("https://", adapter)

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if isinstance(self.verify, str) and verify in (None, True):
            settings["verify"] = self.verify
        return settings

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)


def network_error(exc: BaseException, service: str) -> AccountError:
    """Turn a transport failure into the catalogue's network code, naming the service."""
    kind = classify_network(exc)
    entry = load_default().lookup("network", kind)
    return AccountError(entry.code, f"{service}: {exc.__class__.__name__}: {_short(exc)}", service_code=kind)


def classify_network(exc: BaseException) -> str:
    """One of: timeout, dns, tls, connection_reset (the network service codes in the catalogue)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
        if current is None and chain[-1].args and isinstance(chain[-1].args[0], BaseException):
            current = chain[-1].args[0]
    for item in chain:
        if isinstance(item, requests.exceptions.SSLError | ssl.SSLError):
            return "tls"
    for item in chain:
        if isinstance(item, requests.exceptions.Timeout | socket.timeout | TimeoutError):
            return "timeout"
    text = " ".join(str(item) for item in chain)
    if (
        isinstance(exc, socket.gaierror)
        or "Name or service not known" in text
        or "getaddrinfo" in text
        or "NameResolutionError" in text
        or "Failed to resolve" in text
    ):
        return "dns"
    if "timed out" in text.lower():
        return "timeout"
    return "connection_reset"


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:297] + "..."


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
