"""Microsoft 365 sign-in with MSAL: a public client, the loopback code flow, silent refresh.

MSAL's token cache is serialised into the keyring (never a file).  The
provider asks ``token_source(force_refresh)`` for an access token; a refresh
that fails (revoked, password changed) raises the mailbox re-authentication
code, and the UI offers the sign-in again.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable

import msal
import requests

from app.auth import outage
from app.auth.loopback import Listener
from app.auth.tokens import TokenStore
from app.core.catalog import Catalog
from app.core.errors import AccountError
from app.net.session import TrustedSession

DEFAULT_AUTHORITY = "https://login.microsoftonline.com/organizations"

SCOPES = [
    "Mail.ReadWrite",
    "Mail.Send",
    "Calendars.ReadWrite",
    "Contacts.ReadWrite",
    "Tasks.ReadWrite",  # Microsoft To Do: read the default list's tasks, set the failure categories on them
    "MailboxSettings.ReadWrite",
    "User.Read",
]
# Exchange Online's delegated EWS permission: a token for the resource https://outlook.office365.com.
EWS_SCOPES = ["https://outlook.office365.com/EWS.AccessAsUser.All"]


class MicrosoftAuth:
    def __init__(
        self,
        tokens: TokenStore,
        *,
        catalog: Catalog,
        authority: str = DEFAULT_AUTHORITY,
        client_id: str,
        ca_file: str | None = None,
        key: str = "",
        username: str = "",
        scopes: list[str] | None = None,
        token_timeout: float | None = None,
    ) -> None:
        self.tokens = tokens
        self.catalog = catalog
        self.outage = outage.Outage(catalog, "microsoft")
        self.scopes = list(scopes or SCOPES)
        self._timeout = outage.token_timeout(token_timeout)
        self.key = key
        self.username = username
        self.cache = msal.SerializableTokenCache()
        saved = tokens.load(key) if key else None
        if saved and saved.get("msal_cache"):
            self.cache.deserialize(str(saved["msal_cache"]))
        self._client_id = client_id
        self._authority = authority
        self._ca_file = ca_file
        self._app: msal.PublicClientApplication | None = None

    @property
    def app(self) -> msal.PublicClientApplication:
        """MSAL's application, built on first use: building it reads the authority's discovery document,
        so a network failure or a throttled identity service is a recorded sync failure, not a crash."""
        if self._app is None:
            try:
                self._app = msal.PublicClientApplication(
                    self._client_id,
                    authority=self._authority,
                    token_cache=self.cache,
                    http_client=TrustedSession(self._ca_file, timeout=self._timeout),
                    instance_discovery=False,
                )
            except requests.RequestException as exc:
                raise self.outage.from_exception(exc) from exc
            except ValueError as exc:  # MSAL's words for an unreachable or refusing discovery endpoint
                text = str(exc)
                code = "429" if "HTTP status: 429" in f"{text} {exc.__context__}" else "503"
                entry = self.catalog.lookup("graph", code)
                raise AccountError(entry.code, f"Microsoft sign-in service: {text[:200]}", service_code=code) from exc
        return self._app

    def _save(self) -> None:
        if self.cache.has_state_changed and self.key:
            self.tokens.save(self.key, {"msal_cache": self.cache.serialize(), "username": self.username})

    def _error(self, result: dict[str, object] | None) -> AccountError:
        if result is not None and not result.get("error"):
            return self.outage.unreadable()  # a 200 whose JSON carries no token
        service_code = str((result or {}).get("error") or "invalid_grant")
        if service_code in outage.SERVER_SIDE_ERRORS:
            return self.outage.unavailable(service_code, service_code)
        entry = self.catalog.lookup("graph", "InvalidAuthenticationToken")
        detail = str((result or {}).get("error_description") or "Microsoft 365 asks you to sign in again.")
        return AccountError(entry.code, detail.splitlines()[0], service_code=service_code)

    def sign_in(self, open_url: Callable[[str], object], cancelled: threading.Event | None = None) -> str:
        # http://localhost without a path is what the admin registers (docs/admin.md): Entra ignores the
        # port of a localhost redirect URI, so the OS may pick any free one.
        listener = Listener("", host="localhost")
        with warnings.catch_warnings():
            # The loopback listener reads the code from the query string; MSAL's advice to use
            # form_post (a browser POST to a web server) does not fit a desktop app's one-shot listener.
            warnings.filterwarnings("ignore", message=r"response_mode='form_post'", category=UserWarning)
            flow = self.app.initiate_auth_code_flow(
                self.scopes, redirect_uri=listener.redirect_uri, prompt="select_account"
            )
        done = listener.answer(str(flow["auth_uri"]), str(flow["state"]), open_url, cancelled=cancelled)
        result = self.app.acquire_token_by_auth_code_flow(flow, done)
        if "access_token" not in result:
            raise self._error(result)
        claims = result.get("id_token_claims") or {}
        self.username = str(claims.get("preferred_username") or claims.get("email") or self.username)
        self.key = self.key or f"microsoft:{self.username}"
        self.cache.has_state_changed = True
        self._save()
        return self.username

    def token_source(self, force_refresh: bool) -> str:
        return self.access_token(force_refresh)[0]

    def access_token(self, force_refresh: bool) -> tuple[str, float]:
        """An access token for ``scopes`` and when it expires (epoch seconds), renewed by MSAL when due."""
        accounts = self.app.get_accounts(username=self.username or None) or self.app.get_accounts()
        if not accounts:
            raise self._error(None)
        try:
            result = self.app.acquire_token_silent_with_error(
                self.scopes, account=accounts[0], force_refresh=force_refresh
            )
        except requests.RequestException as exc:
            raise self.outage.from_exception(exc) from exc
        except msal.exceptions.MsalServiceError as exc:  # MSAL's raise_for_status: "HTTP Error: 503"
            status = str(exc).rpartition(":")[2].strip()
            raise self.outage.from_status(int(status) if status.isdigit() else 500) from exc
        except ValueError as exc:  # MSAL's json.loads of an answer that is not JSON
            raise self.outage.unreadable() from exc
        self._save()
        if not result or "access_token" not in result:
            raise self._error(result)
        return str(result["access_token"]), time.time() + float(result.get("expires_in") or 0)

    def sign_out(self) -> None:
        for account in self.app.get_accounts():
            self.app.remove_account(account)
        if self.key:
            self.tokens.delete(self.key)
