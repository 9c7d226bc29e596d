"""Google sign-in for Gmail: the installed-app flow on a loopback redirect, refresh with google-auth.

Tokens live in the keyring.  ``token_source(force_refresh)`` refreshes with
google-auth; a revoked or expired grant raises the mailbox re-authentication
code.  Sign-out revokes the grant at Google.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2.credentials
import requests
from google_auth_oauthlib.flow import InstalledAppFlow

from app.auth import outage
from app.auth.loopback import Listener
from app.auth.tokens import TokenStore
from app.core.catalog import Catalog
from app.core.errors import AccountError
from app.net.session import TrustedSession

log = logging.getLogger("syncbar.auth")
SCOPES = [
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.labels",
    "https://www.googleapis.com/auth/gmail.send",
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/tasks.readonly",  # Google Tasks: read only (tasks carry no marks)
]
GOOGLE = {
    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
    "token_uri": "https://oauth2.googleapis.com/token",
    "revoke_uri": "https://oauth2.googleapis.com/revoke",
}


class GoogleAuth:
    def __init__(
        self,
        tokens: TokenStore,
        *,
        catalog: Catalog,
        client_id: str,
        client_secret: str,  # a Desktop app client's secret: Google requires it in the code exchange
        endpoints: dict[str, str] | None = None,
        ca_file: str | None = None,
        key: str = "",
        token_timeout: float | None = None,
    ) -> None:
        self.tokens = tokens
        self.catalog = catalog
        self.outage = outage.Outage(catalog, "google")
        self.client_id = client_id
        self.client_secret = client_secret
        self.endpoints = dict(GOOGLE, **(endpoints or {}))
        self.ca_file = ca_file
        self.timeout = outage.token_timeout(token_timeout)
        self.http = TrustedSession(ca_file, timeout=self.timeout)
        self.key = key

    def _reauth(self, detail: str) -> AccountError:
        entry = self.catalog.lookup("gmail", "invalid_grant")
        return AccountError(entry.code, detail, service_code="invalid_grant")

    def _refresh_error(self, exc: google.auth.exceptions.RefreshError) -> AccountError:
        """Google's word on a refused grant asks for a sign-in; an outage or an unreadable answer does not.

        google-auth marks 5xx (and 429, 408) answers ``retryable`` after its own three tries; its second
        argument is the decoded answer, a dict for JSON and a string for anything else.
        """
        answer = exc.args[1] if len(exc.args) > 1 else None
        error = str(answer.get("error") or "") if isinstance(answer, dict) else ""
        if exc.retryable or error in outage.SERVER_SIDE_ERRORS:
            return self.outage.unavailable(str(exc)[:200], error or "token_endpoint_5xx")
        if not error:
            return self.outage.unreadable()
        return self._reauth(f"Google refused to renew the sign-in ({error}): it was revoked or expired.")

    def sign_in(
        self, open_url: Callable[[str], object], cancelled: threading.Event | None = None, account: str = ""
    ) -> str:
        config = {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.endpoints["auth_uri"],
                "token_uri": self.endpoints["token_uri"],
                "redirect_uris": ["http://127.0.0.1"],
            }
        }
        flow = InstalledAppFlow.from_client_config(config, SCOPES, autogenerate_code_verifier=True)
        listener = Listener()
        flow.redirect_uri = listener.redirect_uri
        url, state = flow.authorization_url(access_type="offline", prompt="consent")
        done = listener.answer(url, state, open_url, cancelled=cancelled)
        try:
            token = flow.fetch_token(code=done["code"], verify=self.ca_file or True)
        except Warning as changed:
            # Granular consent: the user may untick some permissions, and the token answer then
            # names only the scopes granted.  oauthlib raises that as a Warning carrying the
            # token; the sign-in stands, and a sync reports what the missing permission covers.
            granted = getattr(changed, "token", None)
            if not isinstance(granted, dict) or not granted.get("access_token"):
                raise self._reauth(f"Google did not complete the sign-in: {changed}") from changed
            token = granted
        except Exception as exc:  # oauthlib raises its own error types for error answers
            log.warning("Google's token answer did not complete the sign-in", exc_info=True)
            raise self._reauth(f"Google did not complete the sign-in: {exc}") from exc
        self.key = self.key or f"google:{account or 'me'}"
        self.tokens.save(
            self.key,
            {
                "access_token": token.get("access_token", ""),
                "refresh_token": token.get("refresh_token", ""),
                "expires_at": float(token.get("expires_at") or 0),
                "account": account,
            },
        )
        return account

    def token_source(self, force_refresh: bool) -> str:
        secret = self.tokens.load(self.key)
        if not secret or not secret.get("refresh_token"):
            raise self._reauth("Syncbar has no Google sign-in for this account.")
        expired = float(secret.get("expires_at") or 0) <= datetime.now(UTC).timestamp() + 60
        if secret.get("access_token") and not force_refresh and not expired:
            return str(secret["access_token"])
        creds = google.oauth2.credentials.Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token=str(secret["refresh_token"]),
            token_uri=self.endpoints["token_uri"],
            client_id=self.client_id,
            client_secret=self.client_secret,
        )
        request = google.auth.transport.requests.Request(session=self.http)
        try:
            # google-auth asks for a 120-second timeout unless told otherwise; ours is the token timeout.
            creds.refresh(functools.partial(request, timeout=self.timeout))  # type: ignore[no-untyped-call]
        except google.auth.exceptions.RefreshError as exc:
            raise self._refresh_error(exc) from exc
        except google.auth.exceptions.TransportError as exc:
            raise self.outage.from_exception(exc.__cause__ or exc) from exc
        except (TypeError, ValueError, KeyError) as exc:  # a 200 whose body is not JSON (a proxy's page)
            raise self.outage.unreadable() from exc
        secret["access_token"] = creds.token
        secret["expires_at"] = creds.expiry.replace(tzinfo=UTC).timestamp() if creds.expiry else 0
        self.tokens.save(self.key, secret)
        return str(creds.token)

    def sign_out(self) -> None:
        secret = self.tokens.load(self.key) or {}
        token = secret.get("refresh_token") or secret.get("access_token")
        if token:
            try:
                self.http.post(self.endpoints["revoke_uri"], data={"token": token})
            except requests.RequestException:
                pass
        self.tokens.delete(self.key)
