"""Connecting to Exchange with exchangelib: credentials, endpoint, trust, links, errors as codes.

Autodiscover or an explicit EWS URL (Advanced setup); Basic, NTLM or OAuth 2
credentials.  A private CA (the emulators', or a company's) is trusted for its
own endpoint only, through exchangelib's documented adapter hook
``BaseProtocol.HTTP_ADAPTER_CLS``.
"""

from __future__ import annotations

import re
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import quoteattr

import requests
import requests.adapters

from app.core.catalog import load_default
from app.core.errors import AccountError, ItemError, SyncbarError
from app.providers.http import network_error

SERVICE = "ews"
CATEGORY_LIST = "CategoryList"
CATEGORY_NS = "CategoryList.xsd"  # the list's default namespace ([MS-OXOCFG] 2.2.5.2.2)
RED = "0"  # Outlook category colour 0 is red ([MS-OXOCFG] 2.2.5.2)
NO_COLOUR = "-1"  # -1: a category without colour, shown white


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
