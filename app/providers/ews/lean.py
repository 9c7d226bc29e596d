"""The hot read path: GetItem built by hand, sent on our own sessions, parsed straight into ``MailItem``.

exchangelib turns each GetItem answer into its object model (every field of the item class,
about 1 ms per item); the first sync reads thousands of items, so this module asks only for the
properties the mapping needs and walks the answer's XML once.  exchangelib still owns what it does
well: the sessions come from the account's ``Protocol.create_session`` (credentials, NTLM, OAuth,
our trust adapter), the envelope from its ``wrap`` (RequestServerVersion, the OAuth identity), and
every error is raised as its own exception class (HTTP status through the retry policy, SOAP faults
with BackOffMilliseconds, per-item ResponseCodes), so ``EwsMailbox._run`` and ``ews_error`` map
them to catalogue codes exactly as before.

The sessions are a small pool of our own, never exchangelib's: a reader holding one of ours never
waits for one of exchangelib's, so its pool shrinking on ErrorServerBusy cannot deadlock us.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.core.model import Direction, ItemKind, MailItem, Person

M = "{http://schemas.microsoft.com/exchange/services/2006/messages}"
T = "{http://schemas.microsoft.com/exchange/services/2006/types}"
SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"
CHUNK = 100  # ids per GetItem (exchangelib's own chunk size)
# Exchange's default throttling policy lets a user have 27 EWS requests in flight (EWSMaxConcurrency);
# ours stay below it with room for exchangelib's own session and a request of another client.
OWN_LIMIT = 24
COMMON = ("item:Subject", "item:Body", "item:TextBody", "item:Categories")
PROPERTIES = {
    ItemKind.EMAIL: (
        *COMMON,
        "message:Sender",
        "message:From",
        "message:ToRecipients",
        "message:CcRecipients",
        "item:DateTimeSent",
        "item:DateTimeReceived",
        "message:InternetMessageId",
    ),
    ItemKind.EVENT: (
        *COMMON,
        "calendar:Organizer",
        "calendar:RequiredAttendees",
        "calendar:OptionalAttendees",
        "calendar:Start",
        "calendar:End",
        "calendar:Location",
        "calendar:CalendarItemType",
        "calendar:UID",
    ),
    ItemKind.CONTACT: (
        "item:Categories",
        "contacts:DisplayName",
        "contacts:GivenName",
        "contacts:Surname",
        "contacts:EmailAddresses",
        "contacts:CompanyName",
        "contacts:PhoneNumbers",
        "contacts:JobTitle",
    ),
    ItemKind.TASK: (*COMMON, "task:DueDate", "task:Status", "item:Importance"),
}


@dataclass(frozen=True)
class Read:
    """One item GetItem returned: its ``MailItem``, or the UID of a recurring series (not an item)."""

    item: MailItem | None
    master_uid: str = ""


class Sessions:
    """Sessions for the lean requests, all made by the account's protocol (credentials, NTLM, OAuth, trust).

    ``shared``: exchangelib's own pooled session (one, already signed in: NTLM signs in once per
    connection, with two extra round trips), for the requests of an ordinary round, one per folder;
    taken only after everything that might itself ask exchangelib's pool (the server version) is known.
    Otherwise a session of our own pool, for the bulk of a first read: folders and GetItem chunks at
    once.  A reader holding one of ours never waits for exchangelib's, so exchangelib shrinking its pool
    on ErrorServerBusy while others wait cannot deadlock us.  A session is given back after a good
    answer and dropped after a failed one (the next is made with the credentials as they are then).
    """

    def __init__(self, protocol: Callable[[], Any], limit: int = OWN_LIMIT) -> None:
        self._protocol = protocol
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(limit)  # our requests in flight at once

    def post(self, service: Any, payload: Any, *, shared: bool = False) -> Any:
        """The SOAP body of ``payload`` sent as ``service`` (an exchangelib service), errors raised as exchangelib's."""
        protocol = self._protocol()
        data = service.wrap(content=payload, api_version=service.account.version.api_version)
        headers = service._extra_headers()
        if shared:
            return self._send(protocol, data, headers, shared)
        with self._slots:
            return self._send(protocol, data, headers, shared)

    def _send(self, protocol: Any, data: bytes, headers: dict[str, str], shared: bool) -> Any:
        from exchangelib.errors import ErrorTimeoutExpired, TransportError, UnauthorizedError
        from exchangelib.util import CONNECTION_ERRORS, TLS_ERRORS
        from oauthlib.oauth2 import InvalidClientIdError, TokenExpiredError  # type: ignore[import-untyped]

        session, keep, drop = self._take(protocol, shared)
        try:
            answer = session.post(
                protocol.service_endpoint, headers=headers, data=data, allow_redirects=False, timeout=protocol.TIMEOUT
            )
        except TLS_ERRORS as exc:
            drop(session)
            raise TransportError(str(exc)) from exc
        except CONNECTION_ERRORS as exc:
            drop(session)
            raise ErrorTimeoutExpired(f"Reraised from {type(exc).__name__}({exc})") from exc
        except (InvalidClientIdError, TokenExpiredError) as exc:
            drop(session)
            raise UnauthorizedError(f"The access token was refused ({type(exc).__name__})") from exc
        except BaseException:
            drop(session)
            raise
        try:
            protocol.retry_policy.raise_response_errors(answer)
            body = soap_body(answer.content)
        except BaseException:
            drop(session)
            raise
        finally:
            answer.close()
        keep(session)
        return body

    def _take(self, protocol: Any, shared: bool) -> tuple[Any, Callable[[Any], None], Callable[[Any], None]]:
        """A session, and what to do with it after a good answer and after a failed one."""
        if shared:
            return protocol.get_session(), protocol.release_session, protocol.retire_session
        with self._lock:
            session = self._idle.pop() if self._idle else None
        return session or protocol.create_session(), self._give_back, _close

    def _give_back(self, session: Any) -> None:
        with self._lock:
            self._idle.append(session)

    def close(self) -> None:
        """Drop every idle session (after a 401: they carry the old token)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for session in idle:
            session.close()


def _close(session: Any) -> None:
    session.close()


def soap_body(content: bytes) -> Any:
    """The SOAP Body of an answer, parsed whole with exchangelib's own parser and errors.

    exchangelib's services hand the parser ``response.iter_content()``, whose default chunk is one
    byte: a Python call per byte of the answer, most of the CPU a GetItem page costs.  The answer is
    already read (no streaming), so its bytes go to the parser at once.
    """
    from exchangelib.errors import MalformedResponseError, SOAPError
    from exchangelib.util import ParseError, to_xml

    try:
        root = to_xml(content)
    except ParseError as exc:
        raise SOAPError(f"Bad SOAP response: {exc}") from exc
    body = root.find(f"{SOAP}Body")
    if body is None:
        raise MalformedResponseError("No Body element in SOAP response")
    return body


def get_items_payload(ids: Sequence[tuple[str | None, str | None]], kind: ItemKind) -> Any:
    from lxml import etree  # type: ignore[import-untyped]

    root = etree.Element(f"{M}GetItem", nsmap={"m": M[1:-1], "t": T[1:-1]})
    shape = etree.SubElement(root, f"{M}ItemShape")
    etree.SubElement(shape, f"{T}BaseShape").text = "IdOnly"
    extra = etree.SubElement(shape, f"{T}AdditionalProperties")
    for uri in PROPERTIES[kind]:
        etree.SubElement(extra, f"{T}FieldURI", FieldURI=uri)
    refs = etree.SubElement(root, f"{M}ItemIds")
    for item_id, change_key in ids:
        attrs = {"Id": str(item_id)}
        if change_key:
            attrs["ChangeKey"] = str(change_key)
        etree.SubElement(refs, f"{T}ItemId", attrs)
    return root


def messages(body: Any, name: str, catch: tuple[type[BaseException], ...] = ()) -> Iterator[Any]:
    """The ``<name>ResponseMessage`` elements of a successful answer; a SOAP fault or an error message raised
    as exchangelib's exception (the message skipped instead when the error is one of ``catch``)."""
    from exchangelib.errors import SOAPError
    from exchangelib.services import GetItem

    response = body.find(f"{M}{name}Response")
    if response is None:
        fault = body.find(f"{SOAP}Fault")
        if fault is None:
            raise SOAPError(f"Unknown SOAP response (expected {name}Response or Fault)")
        GetItem._raise_soap_errors(fault=fault)  # a classmethod: the same for every service
    for message in response.iter(f"{M}{name}ResponseMessage"):
        code = message.findtext(f"{M}ResponseCode")
        if message.get("ResponseClass") == "Success" and code == "NoError":
            yield message
            continue
        exc = GetItem._get_exception(
            code=code, text=message.findtext(f"{M}MessageText"), msg_xml=message.find(f"{M}MessageXml")
        )
        if not isinstance(exc, catch):
            raise exc


def answered_items(body: Any) -> Iterator[Any]:
    """The item elements of a GetItem answer; an item gone since it was listed is skipped (its delete comes
    in a later round), any other error raised as exchangelib's exception."""
    from exchangelib.services import GetItem

    for message in messages(body, "GetItem", GetItem.ERRORS_TO_CATCH_IN_RESPONSE):
        container = message.find(f"{M}Items")
        if container is not None:
            yield from container


def to_read(stream: str, kind: ItemKind, element: Any, web_link: Callable[[str], str]) -> Read:
    """One answered item as the mapping sees it (the same ``MailItem`` the exchangelib objects gave)."""
    fields = {child.tag: child for child in element}
    if kind is ItemKind.EVENT and _text(fields, "CalendarItemType") == "RecurringMaster":
        return Read(None, str(_text(fields, "UID")))
    ref = fields[f"{T}ItemId"]
    item_id = str(ref.get("Id"))
    categories = _categories(fields)
    common: dict[str, Any] = {
        "mailbox_id": item_id,
        "stream": stream,
        "labels": categories,
        "web_link": web_link(item_id),
    }
    if kind is ItemKind.EMAIL:
        sender = fields.get(f"{T}Sender")
        if sender is None or sender.find(f"{T}Mailbox") is None:
            sender = fields.get(f"{T}From")
        recipients = [*_mailboxes(fields, "ToRecipients"), *_mailboxes(fields, "CcRecipients")]
        when = "DateTimeSent" if stream == "sent" else "DateTimeReceived"
        return Read(
            MailItem(
                kind=kind,
                subject=str(_text(fields, "Subject") or ""),
                body=_body(fields),
                sender=_person(sender.find(f"{T}Mailbox") if sender is not None else None),
                recipients=tuple(p for p in (_person(r) for r in recipients) if p is not None),
                occurred_at=_when(_text(fields, when)),
                direction=Direction.OUTBOUND if stream == "sent" else Direction.INBOUND,
                fields={"changekey": str(ref.get("ChangeKey") or "")},
                headers={"message-id": str(_text(fields, "InternetMessageId") or "")},
                **common,
            )
        )
    if kind is ItemKind.EVENT:
        organizer = fields.get(f"{T}Organizer")
        attendees = [
            a.find(f"{T}Mailbox")
            for name in ("RequiredAttendees", "OptionalAttendees")
            if (group := fields.get(f"{T}{name}")) is not None
            for a in group.iter(f"{T}Attendee")
        ]
        return Read(
            MailItem(
                kind=kind,
                subject=str(_text(fields, "Subject") or ""),
                body=_body(fields),
                sender=_person(organizer.find(f"{T}Mailbox") if organizer is not None else None),
                recipients=tuple(p for p in (_person(a) for a in attendees) if p is not None),
                occurred_at=_when(_text(fields, "Start")),
                end_at=_when(_text(fields, "End")),
                fields={"location": str(_text(fields, "Location") or "")},
                **common,
            )
        )
    if kind is ItemKind.CONTACT:
        emails = _entries(fields, "EmailAddresses")
        phones = _entries(fields, "PhoneNumbers")
        return Read(
            MailItem(
                kind=kind,
                subject=str(_text(fields, "DisplayName") or ""),
                fields={
                    "first_name": str(_text(fields, "GivenName") or ""),
                    "last_name": str(_text(fields, "Surname") or ""),
                    "email": str(emails[0]) if emails else "",
                    "company": str(_text(fields, "CompanyName") or ""),
                    "phone": str(phones[0]) if phones else "",
                    "title": str(_text(fields, "JobTitle") or ""),
                },
                **common,
            )
        )
    due = _due(_text(fields, "DueDate"))
    return Read(
        MailItem(
            kind=kind,
            subject=str(_text(fields, "Subject") or ""),
            body=_body(fields),
            occurred_at=due,
            # The fields every provider's task carries (the mapping's due, status and priority).
            fields={
                "due": due.date().isoformat() if due else "",
                "status": str(_text(fields, "Status") or ""),
                "priority": str(_text(fields, "Importance") or "Normal"),  # Exchange's default, as exchangelib reads it
            },
            **common,
        )
    )


def _text(fields: dict[str, Any], name: str) -> str | None:
    element = fields.get(f"{T}{name}")
    return None if element is None else element.text


def _categories(fields: dict[str, Any]) -> tuple[str, ...]:
    element = fields.get(f"{T}Categories")
    if element is None:
        return ()
    return tuple(s.text for s in element.iter(f"{T}String"))


def _mailboxes(fields: dict[str, Any], name: str) -> list[Any]:
    element = fields.get(f"{T}{name}")
    return [] if element is None else list(element.iter(f"{T}Mailbox"))


def _entries(fields: dict[str, Any], name: str) -> list[str | None]:
    element = fields.get(f"{T}{name}")
    return [] if element is None else [e.text for e in element.iter(f"{T}Entry")]


def _person(mailbox: Any) -> Person | None:
    if mailbox is None:
        return None
    address = str(mailbox.findtext(f"{T}EmailAddress") or "").strip()
    name = str(mailbox.findtext(f"{T}Name") or "")
    return Person(address, name) if address or name else None


def _body(fields: dict[str, Any]) -> str:
    """TextBody (Exchange 2013 and later) when the server sends it, else Body (HTML made plain text)."""
    from app.providers.textutil import html_to_text

    text = _text(fields, "TextBody")
    if text:
        return text
    body = fields.get(f"{T}Body")
    if body is None or not body.text:
        return ""
    return html_to_text(body.text) if body.get("BodyType") == "HTML" else str(body.text)


def _when(value: str | None) -> datetime | None:
    """An EWS dateTime as an aware UTC datetime (what exchangelib's EWSDateTime gave, through its timestamp)."""
    if not value:
        return None
    if len(value) == 20 and value[4] == value[7] == "-" and value[10] == "T" and value[13] == value[16] == ":":
        # The form Exchange writes (2026-11-08T05:59:46Z), read without strptime's cost: the same value.
        with contextlib.suppress(ValueError):
            return datetime(
                int(value[0:4]),
                int(value[5:7]),
                int(value[8:10]),
                int(value[11:13]),
                int(value[14:16]),
                int(value[17:19]),
                tzinfo=UTC,
            )
    try:
        if value.endswith("Z"):
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        else:
            parsed = datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None
    return datetime.fromtimestamp(parsed.timestamp(), UTC)


def _due(value: str | None) -> datetime | None:
    """task:DueDate is a date (exchangelib reads the dateTime's own calendar day), at midnight UTC."""
    if not value:
        return None
    day: date | None
    if len(value) == 25:
        day = datetime.fromisoformat(value).date()
    else:
        moment = _when(value)
        day = moment.date() if moment is not None else None
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
