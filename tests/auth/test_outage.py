"""What a token endpoint's answer means: only the endpoint's own word on the grant asks for a sign-in."""

from __future__ import annotations

import json

import google.auth.exceptions
import pytest
import requests

from app.auth.google import GoogleAuth
from app.auth.outage import Outage
from app.auth.salesforce import SalesforceAuth
from app.auth.tokens import ProcessKeyring, TokenStore
from app.core.catalog import load_default

CATALOG = load_default()


def answer(status: int, body: object, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = (json.dumps(body) if not isinstance(body, str) else body).encode()
    response.headers["Content-Type"] = content_type
    return response


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (400, {"error": "invalid_grant", "error_description": "expired access/refresh token"}, "SF_AUTH_FAILED"),
        (400, {"error": "temporarily_unavailable"}, "SF_ORG_UNAVAILABLE"),
        (400, "<html><body>Bad request</body></html>", "SF_ORG_UNAVAILABLE"),  # a proxy's page, not Salesforce
        (503, {"error": "invalid_grant"}, "SF_ORG_UNAVAILABLE"),  # a 5xx is an outage whatever it says
        (502, "<html>502 Bad Gateway</html>", "SF_ORG_UNAVAILABLE"),
    ],
)
def test_salesforce_token_answers(status: int, body: object, code: str) -> None:
    auth = SalesforceAuth(
        TokenStore(ProcessKeyring()), login_url="https://login.example.com", client_id="x", catalog=CATALOG
    )
    assert auth._token_error(answer(status, body)).code == code


def test_salesforce_200_without_a_token_is_an_outage() -> None:
    auth = SalesforceAuth(
        TokenStore(ProcessKeyring()), login_url="https://login.example.com", client_id="x", catalog=CATALOG
    )
    for body in ("<html>Sign in to the Wi-Fi</html>", {"instance_url": "https://x"}):
        with pytest.raises(Exception) as caught:
            auth._token_answer(answer(200, body))
        assert getattr(caught.value, "code", "") == "SF_ORG_UNAVAILABLE"


RefreshError = google.auth.exceptions.RefreshError


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (RefreshError("invalid_grant: Token has been revoked.", {"error": "invalid_grant"}), "MBX_AUTH_FAILED"),
        (RefreshError("backendError", {"error": "x"}, retryable=True), "MBX_SERVER_ERROR"),
        (RefreshError("<html>502</html>"), "MBX_SERVER_ERROR"),
        (RefreshError("No access token in response.", {"expires_in": 3599}), "MBX_SERVER_ERROR"),
    ],
)  # fmt: skip
def test_google_refresh_errors(error: RefreshError, code: str) -> None:
    auth = GoogleAuth(TokenStore(ProcessKeyring()), client_id="id", client_secret="GOCSPX-x", catalog=CATALOG)
    assert auth._refresh_error(error).code == code


def test_transport_failures() -> None:
    assert (
        Outage(CATALOG, "microsoft").from_exception(requests.ReadTimeout("read timed out")).code == "MBX_SERVER_ERROR"
    )
    assert (
        Outage(CATALOG, "salesforce").from_exception(requests.ConnectionError("refused")).code == "SF_ORG_UNAVAILABLE"
    )
    dns = requests.ConnectionError("Failed to resolve 'login.example.com' (Name or service not known)")
    assert (
        Outage(CATALOG, "google").from_exception(dns).code == "NET_CONNECTION_FAILED"
    )  # the user's network, not Google
    assert Outage(CATALOG, "google").from_exception(requests.exceptions.SSLError("bad cert")).code == "NET_TLS_FAILED"
