"""Connecting to Exchange with exchangelib: credentials, endpoint, trust, links, errors as codes.

Autodiscover or an explicit EWS URL (Advanced setup); Basic, NTLM or OAuth 2
credentials.  A private CA (the emulators', or a company's) is trusted for its
own endpoint only, through exchangelib's documented adapter hook
``BaseProtocol.HTTP_ADAPTER_CLS``.
"""

from __future__ import annotations

import threading
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import requests
import requests.adapters

from app.core.catalog import load_default
from app.core.errors import AccountError, ItemError, SyncbarError
from app.providers.http import network_error

SERVICE = "ews"
CATEGORY_LIST = "CategoryList"
RED = "0"  # Outlook category colour 0 is red ([MS-OXOCFG] 2.2.5.2)


class _TrustAdapter(requests.adapters.HTTPAdapter):
    """Forces the registered CA file for the endpoints registered with it; others are untouched."""

    trusted: ClassVar[dict[str, str]] = {}
    _lock = threading.Lock()

    @classmethod
    def register(cls, url: str, ca_file: str) -> None:
        parts = urlsplit(url)
        with cls._lock:
            cls.trusted[f"{parts.hostname}:{parts.port or 443}"] = ca_file

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        ca_file = self.trusted.get(f"{parts.hostname}:{parts.port or 443}")
        if ca_file:
            kwargs["verify"] = ca_file
        return super().send(request, *args, **kwargs)


@dataclass(frozen=True)
class EwsSettings:
    address: str  # primary SMTP address
    username: str = ""
    endpoint: str = ""  # explicit EWS URL; empty: autodiscover
    auth_type: str = "basic"  # basic | ntlm | oauth2
    ca_file: str = ""
    owa_url: str = ""  # base of Outlook on the web links; default: the endpoint's host


class EwsConnection:
    def __init__(self, settings: EwsSettings, secret: str) -> None:
        """``secret``: the password, or the OAuth 2 access token for auth_type oauth2."""
        self.settings = settings
        self.address = settings.address
        self._secret = secret
        self._account: Any = None
        self._lock = threading.Lock()

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
        from exchangelib.protocol import BaseProtocol

        s = self.settings
        if s.ca_file and s.endpoint:
            _TrustAdapter.register(s.endpoint, s.ca_file)
            BaseProtocol.HTTP_ADAPTER_CLS = _TrustAdapter
        if s.auth_type == "oauth2":
            credentials: Any = OAuth2AuthorizationCodeCredentials(
                access_token={"access_token": self._secret, "token_type": "Bearer"}
            )
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
                return Account(s.address, config=config, autodiscover=False, access_type=DELEGATE)
            return Account(s.address, credentials=credentials, autodiscover=True, access_type=DELEGATE)
        except Exception as exc:
            raise ews_error(exc) from exc

    def web_link(self, item_id: str) -> str:
        base = self.settings.owa_url
        if not base:
            parts = urlsplit(self.settings.endpoint or "https://outlook.office365.com/EWS/Exchange.asmx")
            base = f"{parts.scheme}://{parts.netloc}"
        return f"{base.rstrip('/')}/owa/?ItemID={quote(item_id, safe='')}&exvsurl=1&viewmodel=ReadMessageItem"

    def ensure_master_category(self, name: str) -> None:
        """Make sure the master category list holds ``name`` in red."""
        from exchangelib.errors import ErrorItemNotFound

        folder = self.account().calendar
        try:
            config = folder.get_user_configuration(name=CATEGORY_LIST, properties="XmlData")
            raw = config.xml_data or b""
        except ErrorItemNotFound:
            config, raw = None, b""
        root = ET.fromstring(raw) if raw else ET.Element("categories")
        namespace = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        names = {c.get("name") for c in root.iter(f"{namespace}category")}
        if name in names:
            return
        ET.SubElement(
            root,
            f"{namespace}category",
            {
                "name": name,
                "color": RED,
                "keyboardShortcut": "0",
                "usageCount": "0",
                "guid": "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "syncbar:" + name)) + "}",
                "renameOnFirstUse": "0",
            },
        )
        data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        if config is None:
            folder.create_user_configuration(name=CATEGORY_LIST, xml_data=data)
        else:
            folder.update_user_configuration(name=CATEGORY_LIST, xml_data=data)


def ews_error(exc: BaseException) -> SyncbarError:
    """The catalogue error for an exchangelib exception (ItemError for one missing item)."""
    from exchangelib.errors import (
        ErrorItemNotFound,
        ErrorServerBusy,
        ResponseMessageError,
        TransportError,
        UnauthorizedError,
    )

    catalog = load_default()
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
        return network_error(exc, "Exchange")
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, requests.RequestException | ConnectionError | TimeoutError):
        # exchangelib re-raises a dropped connection as ErrorTimeoutExpired("Reraised from ..."): the network.
        return network_error(cause, "Exchange")
    if isinstance(exc, ResponseMessageError):
        # Exchange's own answer (ErrorAccessDenied, ErrorNonExistentMailbox...): exchangelib derives these
        # from TransportError, but they are the server speaking, not the network failing.
        entry = catalog.lookup(SERVICE, name)
        return AccountError(entry.code, str(exc) or name, service_code=name)
    if isinstance(exc, TransportError):
        return network_error(exc, "Exchange")
    entry = catalog.lookup(SERVICE, name)
    return AccountError(entry.code, str(exc) or name, service_code=name)
