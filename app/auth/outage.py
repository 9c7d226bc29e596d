"""A token endpoint that fails is an outage of the sign-in service, never a lost sign-in nor a Syncbar fault.

Every sign-in (Salesforce, Microsoft for Graph and EWS, Google) renews its
access token at an OAuth 2 token endpoint.  What that endpoint can answer,
and what the user is told:

    a JSON error naming the grant (invalid_grant, ...)   -> the flow's "sign in again" code
    HTTP 5xx, a timeout, a refused or reset connection,
    HTML, garbage, JSON without a token, or an OAuth
    "temporarily_unavailable" / "server_error"           -> the service's "unavailable" code (transient:
                                                            retried with back-off, in minutes)
    a name that does not resolve, a certificate refused   -> the network codes, as for any call

RFC 6749 section 5.2 says a token endpoint's errors are JSON with an
``error`` member; anything else did not come from a working endpoint.
"""

from __future__ import annotations

import requests

from app.core.catalog import Catalog
from app.core.errors import AccountError
from app.net.errors import classify_network, network_error
from app.net.session import DEFAULT_TIMEOUT

# The catalogue's "this service is down" code for each sign-in, reached by the service's own code for a 503.
UNAVAILABLE = {"salesforce": ("salesforce", "503"), "microsoft": ("graph", "503"), "google": ("gmail", "503")}
NAMES = {"salesforce": "Salesforce", "microsoft": "Microsoft sign-in", "google": "Google sign-in"}
# OAuth error codes that say the server is in trouble, not the grant (RFC 6749 section 4.1.2.1).
SERVER_SIDE_ERRORS = frozenset({"temporarily_unavailable", "server_error"})


def token_timeout(seconds: float | None) -> tuple[float, float]:
    """(connect, read) seconds for token requests: ``seconds`` for both when given, else the default."""
    return (seconds, seconds) if seconds else DEFAULT_TIMEOUT


class Outage:
    """The errors of one sign-in's token endpoint (``flow``: salesforce, microsoft or google)."""

    def __init__(self, catalog: Catalog, flow: str) -> None:
        self.catalog = catalog
        self.flow = flow

    def unavailable(self, why: str, service_code: str) -> AccountError:
        """The service's "unavailable" error: ``why`` in plain words for Show details."""
        service, code = UNAVAILABLE[self.flow]
        entry = self.catalog.lookup(service, code)
        return AccountError(entry.code, f"{NAMES[self.flow]} token endpoint: {why}", service_code=service_code)

    def from_status(self, status: int) -> AccountError:
        return self.unavailable(f"HTTP {status}", f"token_endpoint_{status}")

    def unreadable(self, status: int | None = None) -> AccountError:
        where = f"HTTP {status} with an answer" if status else "an answer"
        return self.unavailable(f"{where} that is not an OAuth token response", "token_unreadable")

    def from_exception(self, exc: BaseException) -> AccountError:
        """A transport failure on the way to the token endpoint."""
        kind = classify_network(exc)
        if kind in ("dns", "tls"):
            return network_error(exc, NAMES[self.flow], self.catalog)
        if isinstance(exc, requests.HTTPError) and exc.response is not None:
            return self.from_status(exc.response.status_code)
        return self.unavailable(f"{type(exc).__name__} ({kind})", f"token_endpoint_{kind}")
