"""Transport failures as the catalogue's network codes: timeout, dns, tls, connection_reset."""

from __future__ import annotations

import socket
import ssl

import requests

from app.core.catalog import Catalog
from app.core.errors import AccountError


def network_error(exc: BaseException, service: str, catalog: Catalog) -> AccountError:
    """Turn a transport failure into the catalogue's network code, naming the service."""
    kind = classify_network(exc)
    entry = catalog.lookup("network", kind)
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
