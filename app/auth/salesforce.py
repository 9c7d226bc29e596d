"""Salesforce sign-in: the OAuth web-server flow with PKCE and state on a loopback redirect.

Production (login.salesforce.com), sandbox (test.salesforce.com) or a custom
My Domain; the tokens go to the keyring only.  Salesforce compares
``redirect_uri`` exactly with the callback URLs registered on the External
Client App / Connected App, so the listener takes the fixed port and path of
the registered callback (``DEFAULT_SF_CALLBACK`` below, in the Salesforce CLI's style,
unless the company registered another); a random port could never match.  ``session_source`` gives the
provider an access token and refreshes it on demand; sign-out revokes the
refresh token at Salesforce and forgets it here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from app.auth import outage
from app.auth.loopback import authorize
from app.auth.tokens import TokenStore
from app.core.catalog import Catalog
from app.core.errors import AccountError
from app.net.session import TrustedSession

DEFAULT_SF_CALLBACK = "http://localhost:1717/OauthRedirect"


def callback_parts(url: str) -> tuple[str, int, str]:
    """(host, port, path) of a loopback callback URL; ValueError in words when it cannot be listened on."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or parts.hostname not in ("localhost", "127.0.0.1") or not port:
        raise ValueError(
            f"salesforce.callback_url {url!r} must be http://localhost:<port>/<path> (or 127.0.0.1) "
            "with an explicit port, exactly as registered on the Salesforce app"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"salesforce.callback_url {url!r} must not carry a query or a fragment")
    return parts.hostname, port, parts.path or "/"


LOGIN_URLS = {"production": "https://login.salesforce.com", "sandbox": "https://test.salesforce.com"}


class SalesforceAuth:
    def __init__(
        self,
        tokens: TokenStore,
        *,
        catalog: Catalog,
        login_url: str = LOGIN_URLS["production"],
        client_id: str,
        callback_url: str = DEFAULT_SF_CALLBACK,
        ca_file: str | None = None,
        key: str = "",
        token_timeout: float | None = None,
    ) -> None:
        self.tokens = tokens
        self.catalog = catalog
        self.outage = outage.Outage(catalog, "salesforce")
        self.login_url = login_url.rstrip("/")
        self.client_id = client_id
        self.callback_url = callback_url or DEFAULT_SF_CALLBACK
        self.http = TrustedSession(ca_file, timeout=outage.token_timeout(token_timeout))
        self.key = key  # keyring entry name, e.g. "salesforce:rep@example.com"

    def _post(self, path: str, data: dict[str, str]) -> requests.Response:
        try:
            return self.http.post(self.login_url + path, data=data)
        except requests.RequestException as exc:
            raise self.outage.from_exception(exc) from exc

    def _token_error(self, response: requests.Response) -> AccountError:
        """Salesforce's OAuth error for a refused grant; an outage for a 5xx or an answer that is no OAuth error."""
        if response.status_code >= 500:
            return self.outage.from_status(response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("error"):
            return self.outage.unreadable(response.status_code)
        service_code = str(body["error"])
        if service_code in outage.SERVER_SIDE_ERRORS:
            return self.outage.unavailable(service_code, service_code)
        entry = self.catalog.lookup("salesforce", service_code)
        return AccountError(entry.code, str(body.get("error_description") or service_code), service_code=service_code)

    def _token_answer(self, response: requests.Response) -> dict[str, Any]:
        """The token response's JSON, or an outage when a 200 carries something else (a proxy's page)."""
        if response.status_code != 200:
            raise self._token_error(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("access_token"):
            raise self.outage.unreadable()
        return body

    def sign_in(self, open_url: Callable[[str], object], cancelled: threading.Event | None = None) -> str:
        """Run the browser flow; store the tokens; return the Salesforce username."""
        try:
            host, port, path = callback_parts(self.callback_url)
        except ValueError as exc:
            raise AccountError("SYNC_SIGN_IN_FAILED", f"Syncbar cannot sign in to Salesforce: {exc}.") from exc
        grant = authorize(
            self.login_url + "/services/oauth2/authorize",
            {"client_id": self.client_id, "scope": "api refresh_token offline_access", "prompt": "login"},
            open_url,
            cancelled=cancelled,
            redirect_path=path,
            host=host,
            port=port,
            service="Salesforce",
        )
        response = self._post(
            "/services/oauth2/token",
            {
                "grant_type": "authorization_code",
                "code": grant.code,
                "client_id": self.client_id,
                "redirect_uri": grant.redirect_uri,
                "code_verifier": grant.verifier,
            },
        )
        token = self._token_answer(response)
        username = self._username(token)
        self.key = self.key or f"salesforce:{username}"
        self.tokens.save(
            self.key,
            {
                "access_token": token["access_token"],
                "refresh_token": token.get("refresh_token", ""),
                "instance_url": token["instance_url"],
                "username": username,
            },
        )
        return username

    def _username(self, token: dict[str, Any]) -> str:
        identity_url = token.get("id")
        if identity_url:
            try:
                answer = self.http.get(identity_url, headers={"Authorization": f"Bearer {token['access_token']}"})
                if answer.status_code == 200:
                    return str(answer.json().get("username") or answer.json().get("email") or "")
            except requests.RequestException:
                pass
        return str(token.get("username") or "salesforce-user")

    def session_source(self, force_refresh: bool) -> tuple[str, str]:
        """(instance_url, access_token), refreshed first when asked; AccountError when sign-in is needed."""
        secret = self.tokens.load(self.key)
        if not secret or (not secret.get("refresh_token") and not secret.get("access_token")):
            entry = self.catalog.lookup("salesforce", "invalid_grant")
            raise AccountError(entry.code, "Syncbar has no Salesforce sign-in for this account.")
        if force_refresh or not secret.get("access_token"):
            response = self._post(
                "/services/oauth2/token",
                {
                    "grant_type": "refresh_token",
                    "refresh_token": str(secret.get("refresh_token", "")),
                    "client_id": self.client_id,
                },
            )
            fresh = self._token_answer(response)
            secret["access_token"] = fresh["access_token"]
            secret["instance_url"] = fresh.get("instance_url", secret.get("instance_url"))
            if fresh.get("refresh_token"):
                secret["refresh_token"] = fresh["refresh_token"]
            self.tokens.save(self.key, secret)
        return str(secret["instance_url"]), str(secret["access_token"])

    def sign_out(self) -> None:
        """Revoke at Salesforce (best effort) and forget the tokens here."""
        secret = self.tokens.load(self.key) or {}
        token = secret.get("refresh_token") or secret.get("access_token")
        if token:
            try:
                self.http.post(self.login_url + "/services/oauth2/revoke", data={"token": token})
            except requests.RequestException:
                pass  # offline: the token is forgotten here all the same
        self.tokens.delete(self.key)
