"""Connecting to Exchange with exchangelib: credentials, endpoint, trust, links, errors as codes.

Autodiscover or an explicit EWS URL (Advanced setup, ``https://`` only);
NTLM or Basic with a password on premises, OAuth 2 for Exchange Online: an
injected ``token_source(force_refresh) -> (access token, expires at)`` (MSAL
with the EWS scope) feeds ``_RenewedToken``, an exchangelib credential that
asks it again when exchangelib finds the token expired, and once more when
Exchange answers 401 (``EwsConnection.renew``).  A private CA (the
emulators', or a company's) is trusted for our account's endpoint only, on the
sessions of our account's own ``Protocol`` (``_trusting_protocol``), never by
setting exchangelib's process-wide ``BaseProtocol.HTTP_ADAPTER_CLS``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import quoteattr

import requests
import requests.adapters

from app.core.catalog import UNKNOWN, Catalog
from app.core.errors import AccountError, ItemError, SyncbarError
from app.net.errors import network_error
from app.net.session import TrustedSession

log = logging.getLogger("syncbar.ews")
SERVICE = "ews"
SIGN_IN_CODE = "SYNC_SIGN_IN_FAILED"
CATEGORY_LIST = "CategoryList"
CATEGORY_NS = "CategoryList.xsd"  # the list's default namespace ([MS-OXOCFG] 2.2.5.2.2)
RED = "0"  # Outlook category colour 0 is red ([MS-OXOCFG] 2.2.5.2)
NO_COLOUR = "-1"  # -1: a category without colour, shown white


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 443}"


def _trusting_protocol(endpoint: str, ca_file: str) -> type:
    """exchangelib's ``Protocol`` whose sessions trust ``ca_file`` for ``endpoint`` (and nothing else).

    exchangelib makes every session of a protocol with ``cls.get_adapter()``, an instance of the class
    attribute ``HTTP_ADAPTER_CLS``.  Its documentation sets that attribute on ``BaseProtocol``, which trusts
    the CA for every exchangelib session in the process; set on a subclass, it holds for the protocol objects
    made from that subclass: our account's.  The adapter still forces the CA for the endpoint's host only, so a
    token endpoint mounted on the same session keeps the system's trust.
    """
    from exchangelib.protocol import Protocol

    where = _host_port(endpoint)

    class TrustAdapter(requests.adapters.HTTPAdapter):
        def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
            if _host_port(request.url or "") == where:
                kwargs["verify"] = ca_file
            return super().send(request, *args, **kwargs)

    class TrustingProtocol(Protocol):  # type: ignore[misc]  # exchangelib has no type hints
        HTTP_ADAPTER_CLS = TrustAdapter

    return TrustingProtocol


TokenSource = Callable[[bool], tuple[str, float]]


def https_problem(url: str) -> str:
    """Why an EWS URL cannot be used ('' when it can): a password or a token goes only over https://."""
    if url and not url.strip().lower().startswith("https://"):
        return (
            f"The Exchange address {url.strip()} does not start with https://. Syncbar sends your password "
            "or sign-in only over an encrypted connection: use the https:// address of Exchange Web Services "
            "(usually https://mail.<your company>/EWS/Exchange.asmx; ask your IT department)."
        )
    return ""


def choose_password_auth(url: str, ca_file: str | None = None, *, catalog: Catalog) -> str:
    """What a password signs in with at this EWS URL: NTLM when the server offers it, else Basic when it
    offers that; asked the way exchangelib does (a POST without credentials, read ``WWW-Authenticate``).
    Without a URL (autodiscover) exchangelib asks the server itself."""
    if not url:
        return "ntlm"
    problem = https_problem(url)
    if problem:
        raise AccountError(SIGN_IN_CODE, problem)
    try:
        with TrustedSession(ca_file) as session:
            answer = session.post(url, data=b"", headers={"Content-Type": "text/xml; charset=utf-8"})
    except requests.RequestException as exc:
        raise network_error(exc, "Exchange", catalog) from exc
    offered = {part.strip().split(" ")[0].lower() for part in answer.headers.get("WWW-Authenticate", "").split(",")}
    if "ntlm" in offered or "negotiate" in offered:
        return "ntlm"
    if "basic" in offered:
        return "basic"
    words = answer.headers.get("WWW-Authenticate", "").split(" ")[0] or f"HTTP {answer.status_code}"
    raise AccountError(
        SIGN_IN_CODE,
        f"The Exchange server at {url} takes no password sign-in (it offers: {words}). "
        "For Exchange Online (Microsoft 365), choose the Microsoft sign-in instead of a password.",
    )


@dataclass(frozen=True)
class EwsSettings:
    address: str  # primary SMTP address
    username: str = ""
    endpoint: str = ""  # explicit EWS URL; empty: autodiscover
    auth_type: str = "basic"  # basic | ntlm | oauth2
    ca_file: str = ""
    owa_url: str = ""  # base of Outlook on the web links; default: the endpoint's host


class EwsConnection:
    def __init__(
        self, settings: EwsSettings, secret: str = "", *, catalog: Catalog, token_source: TokenSource | None = None
    ) -> None:
        """``secret``: the password (ntlm, basic); ``token_source``: the access tokens for auth_type oauth2."""
        problem = https_problem(settings.endpoint)
        if problem:
            raise ValueError(problem)
        if settings.auth_type == "oauth2" and token_source is None:
            raise ValueError("Exchange Online (oauth2) needs a token source")
        self.settings = settings
        self.catalog = catalog
        self.address = settings.address
        self._secret = secret
        self._token_source = token_source
        self._credentials: Any = None
        self._account: Any = None
        self._lock = threading.Lock()

    def error(self, exc: BaseException) -> SyncbarError:
        """The catalogue error for an exchangelib exception (``ews_error`` with this connection's catalogue)."""
        return ews_error(exc, self.catalog)

    def renew(self) -> bool:
        """After a 401: a fresh access token when the connection uses OAuth (True), else False."""
        if self._credentials is None:
            return False
        self._credentials.renew()
        account = self._account
        if account is not None:
            account.protocol.close()  # pooled sessions still carry the old token
        return True

    def account(self) -> Any:
        with self._lock:
            if self._account is None:
                self._account = self._connect()
            return self._account

    def _connect(self) -> Any:
        from exchangelib import (
            BASIC,
            DELEGATE,
            NTLM,
            OAUTH2,
            Account,
            Configuration,
            Credentials,
            FailFast,
            OAuth2AuthorizationCodeCredentials,
        )
        from exchangelib.protocol import Protocol

        s = self.settings
        if s.auth_type == "oauth2":
            assert self._token_source is not None
            credentials: Any = _renewed_token_class(OAuth2AuthorizationCodeCredentials)(self._token_source)
            self._credentials = credentials
            auth = OAUTH2
        else:
            credentials = Credentials(s.username or s.address, self._secret)
            auth = NTLM if s.auth_type == "ntlm" else BASIC
        try:
            if s.endpoint:
                config = Configuration(
                    service_endpoint=s.endpoint,
                    credentials=credentials,
                    auth_type=auth,
                    retry_policy=FailFast(),
                )
                if not s.ca_file:
                    return Account(s.address, config=config, autodiscover=False, access_type=DELEGATE)
                # exchangelib keeps one protocol per endpoint and credentials, and Account asks that cache:
                # ours goes in first (replacing one that would not trust the CA), so the account uses it.
                with contextlib.suppress(KeyError):
                    del Protocol[config]
                protocol = _trusting_protocol(s.endpoint, s.ca_file)(config=config)
                account = Account(s.address, config=config, autodiscover=False, access_type=DELEGATE)
                account.protocol = protocol
                return account
            return Account(s.address, credentials=credentials, autodiscover=True, access_type=DELEGATE)
        except SyncbarError:
            raise  # the token source's own verdict (sign in again, the sign-in service is down)
        except Exception as exc:
            raise self.error(exc) from exc

    def web_link(self, item_id: str) -> str:
        return f"{self._owa}/owa/?ItemID={quote(item_id, safe='')}&exvsurl=1&viewmodel=ReadMessageItem"

    @functools.cached_property
    def _owa(self) -> str:
        """Where Outlook on the web links point: the setting, else the EWS endpoint's host."""
        base = self.settings.owa_url
        if not base:
            parts = urlsplit(self.settings.endpoint or "https://outlook.office365.com/EWS/Exchange.asmx")
            base = f"{parts.scheme}://{parts.netloc}"
        return base.rstrip("/")

    def ensure_master_categories(self, wanted: Mapping[str, str]) -> set[str]:
        """Make sure the master category list defines each name with its colour; the names it holds now.

        The list is Outlook's own XML ([MS-OXOCFG] 2.2.5.2.2): the missing categories are inserted
        as text before its closing tag, so every namespace, attribute and unknown element Outlook
        or another client wrote comes back as it was ([MS-OXOCFG] 3.1.4.2.3: rewrite unknown tags
        and attributes as-is).
        """
        from exchangelib.errors import ErrorItemNotFound

        folder = self.account().calendar
        try:
            config = folder.get_user_configuration(name=CATEGORY_LIST, properties="XmlData")
            raw = config.xml_data or b""
        except ErrorItemNotFound:
            config, raw = None, b""
        names = category_names(raw)
        missing = [name for name in wanted if name not in names]
        if not missing:
            return names
        data = add_categories(raw, [(name, wanted[name]) for name in missing], datetime.now(UTC))
        if config is None:
            folder.create_user_configuration(name=CATEGORY_LIST, xml_data=data)
        else:
            folder.update_user_configuration(name=CATEGORY_LIST, xml_data=data)
        return names | set(missing)


def category_names(raw: bytes) -> set[str]:
    """The category names a CategoryList XML document defines (any namespace prefix)."""
    if not raw.strip():
        return set()
    root = ET.fromstring(raw)
    return {str(c.get("name")) for c in root.iter() if c.tag.rsplit("}", 1)[-1] == "category"}


def add_categories(raw: bytes, categories: Sequence[tuple[str, str]], now: datetime) -> bytes:
    """The CategoryList document with ``(name, colour)`` categories appended, the rest byte for byte."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")
    text = raw.decode("utf-8-sig") if raw.strip() else ""
    if not text:
        text = (
            f'<?xml version="1.0"?><categories default="" lastSavedSession="0" lastSavedTime="{stamp}"'
            f' xmlns="{CATEGORY_NS}"/>'
        )
    closing = re.search(r"</([\w.-]+:)?categories\s*>\s*$", text)
    empty = re.search(r"<([\w.-]+:)?categories\b[^>]*?(/>)\s*$", text)
    match = closing or empty
    if match is None:
        raise ValueError("the master category list is not a <categories> document")
    prefix = match.group(1) or ""
    added = "".join(_category_xml(prefix, name, colour, stamp) for name, colour in categories)
    if closing is not None:
        text = text[: closing.start()] + added + text[closing.start() :]
    else:
        assert empty is not None
        text = text[: empty.start(2)] + ">" + added + f"</{prefix}categories>" + text[empty.end(2) :]
    return text.encode("utf-8")


def _category_xml(prefix: str, name: str, colour: str, stamp: str) -> str:
    never = "1601-01-01T00:00:00.000"
    attributes = {
        "name": name,
        "color": colour,
        "keyboardShortcut": "0",
        "usageCount": "0",
        "lastTimeUsedNotes": never,
        "lastTimeUsedJournal": never,
        "lastTimeUsedContacts": never,
        "lastTimeUsedTasks": never,
        "lastTimeUsedCalendar": never,
        "lastTimeUsedMail": never,
        "lastTimeUsed": stamp,  # [MS-OXOCFG] 3.1.4.2.3: MUST be set on every category
        "lastSessionUsed": "0",
        "guid": "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "syncbar:" + name)) + "}",
        "renameOnFirstUse": "0",
    }
    return f"<{prefix}category " + " ".join(f"{k}={quoteattr(v)}" for k, v in attributes.items()) + "/>"


def _renewed_token_class(base: type) -> type:
    """exchangelib's authorization-code credential fed by our token source (exchangelib is imported lazily)."""

    class _RenewedToken(base):  # type: ignore[misc]
        """An access token exchangelib uses until it expires; ``refresh`` is exchangelib's hook for that moment
        ("the calling application [refreshes] tokens itself by subclassing and implementing refresh()")."""

        def __init__(self, source: TokenSource) -> None:
            self._source = source
            token, expires_at = source(False)
            super().__init__(access_token=_token(token, expires_at))

        def refresh(self, session: Any) -> None:
            self.renew()

        def renew(self) -> None:
            token, expires_at = self._source(True)
            with self.lock:
                self.access_token = _token(token, expires_at)

    return _RenewedToken


def _token(token: str, expires_at: float) -> dict[str, Any]:
    # requests-oauthlib raises TokenExpiredError once expires_at has passed; exchangelib then calls refresh().
    return {"access_token": token, "token_type": "Bearer", "expires_at": expires_at}


def ews_error(exc: BaseException, catalog: Catalog) -> SyncbarError:
    """The catalogue error for an exchangelib exception (ItemError for one missing item)."""
    from exchangelib.errors import (
        ErrorItemNotFound,
        ErrorServerBusy,
        ResponseMessageError,
        TransportError,
        UnauthorizedError,
    )

    if isinstance(exc, SyncbarError):
        return exc  # already ours: a token source's verdict raised inside an exchangelib call
    name = type(exc).__name__
    if isinstance(exc, UnauthorizedError):
        entry = catalog.lookup(SERVICE, "401")
        return AccountError(entry.code, "Exchange did not accept the credentials.", service_code="401")
    if isinstance(exc, ErrorServerBusy):
        entry = catalog.lookup(SERVICE, "ErrorServerBusy")
        return AccountError(
            entry.code, str(exc), retry_after=float(exc.back_off or 60.0), service_code="ErrorServerBusy"
        )
    if isinstance(exc, ErrorItemNotFound):
        entry = catalog.lookup(SERVICE, "ErrorItemNotFound")
        return ItemError(entry.code, str(exc), service_code=name)
    if isinstance(exc, requests.RequestException | ConnectionError | TimeoutError):
        return network_error(exc, "Exchange", catalog)
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, requests.RequestException | ConnectionError | TimeoutError):
        # exchangelib re-raises a dropped connection as ErrorTimeoutExpired("Reraised from ..."): the network.
        return network_error(cause, "Exchange", catalog)
    if isinstance(exc, ResponseMessageError):
        # Exchange's own answer (ErrorAccessDenied, ErrorNonExistentMailbox...): exchangelib derives these
        # from TransportError, but they are the server speaking, not the network failing.
        entry = catalog.lookup(SERVICE, name)
        return AccountError(entry.code, str(exc) or name, service_code=name)
    if isinstance(exc, TransportError):
        return network_error(exc, "Exchange", catalog)
    entry = catalog.lookup(SERVICE, name)
    if entry.code == UNKNOWN:  # neither Exchange's answer nor the network: a bug here or in exchangelib
        log.warning("an unexpected %s while talking to Exchange", name, exc_info=exc)
    return AccountError(entry.code, str(exc) or name, service_code=name)
