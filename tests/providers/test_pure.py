"""Provider pieces that need no service: error mapping, SOQL chunks, the allocation, message parsing."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from app.core.catalog import load_default
from app.core.errors import AccountError
from app.providers.gmail.mailbox import message_item
from app.providers.graph.client import graph_error
from app.providers.salesforce.budget import Allocation, MemoryCallLog
from app.providers.salesforce.errors import classify_salesforce_error, record_error
from app.providers.salesforce.soql import in_chunks, in_list, quote
from app.providers.textutil import html_to_text, parse_time

CATALOG = load_default()


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}], "SF_AUTH_FAILED"),
        (400, {"error": "invalid_grant", "error_description": "expired access/refresh token"}, "SF_AUTH_FAILED"),
        (
            403,
            [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
            "SF_API_LIMIT_ORG",
        ),
        (
            400,
            [
                {
                    "message": "Required fields are missing: [LastName]",
                    "errorCode": "REQUIRED_FIELD_MISSING",
                    "fields": ["LastName"],
                }
            ],
            "DATA_REQUIRED_FIELD_MISSING",
        ),
        (503, "<html>down</html>", "SF_ORG_UNAVAILABLE"),
        # Codes the catalogue does not know: classified by status and shape, never a silent quarantine.
        (400, [{"message": "Trigger said no", "errorCode": "SOMETHING_NEW"}], "DATA_REJECTED"),
        (500, [{"message": "?", "errorCode": "SOMETHING_NEW"}], "SF_SERVER_ERROR"),
        (400, [{"message": "busy", "errorCode": "RECORD_LOCK_TIMEOUT"}], "SF_ROW_LOCKED"),
        (400, {"error": "something_new", "error_description": "?"}, "SYNC_UNKNOWN_ERROR"),
    ],
)
def test_salesforce_errors_map_to_catalogue(status: int, body: object, code: str) -> None:
    assert classify_salesforce_error(status, body, catalog=CATALOG).code == code


def test_record_error_keeps_fields_and_words() -> None:
    problem = record_error(
        [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [LastName]",
                "fields": ["LastName"],
            }
        ],
        catalog=CATALOG,
    )
    assert problem.code == "DATA_REQUIRED_FIELD_MISSING" and problem.fields == ("LastName",)
    assert record_error([], catalog=CATALOG).code == "SYNC_UNKNOWN_ERROR"
    novel = record_error(
        [{"statusCode": "NEW_ORG_RULE", "message": "Region must be set", "fields": []}], catalog=CATALOG
    )
    assert (novel.code, novel.service_code, novel.message) == ("DATA_REJECTED", "NEW_ORG_RULE", "Region must be set")


def test_a_duplicate_rule_error_keeps_the_records_it_matched() -> None:
    """DUPLICATES_DETECTED names its matches in duplicateResult.matchResults[].matchRecords[].record.Id."""
    match = {"record": {"attributes": {"type": "Lead"}, "Id": "00Q000000000001AAA"}, "matchConfidence": 100.0}
    other = {"record": {"attributes": {"type": "Contact"}, "Id": "003000000000002AAA"}}
    error = {
        "statusCode": "DUPLICATES_DETECTED",
        "message": "Use one of these records?",
        "fields": [],
        "duplicateResult": {
            "allowSave": False,
            "matchResults": [
                {"entityType": "Lead", "matchRecords": [match, match]},
                {"entityType": "Contact", "matchRecords": [other, {"record": None}]},
                "not a match result",
            ],
        },
    }
    problem = record_error([error], catalog=CATALOG)
    assert problem.code == "DATA_DUPLICATE_DETECTED"
    assert problem.candidates == ("00Q000000000001AAA", "003000000000002AAA")  # each once, in the answer's order
    plain = record_error(
        [{"statusCode": "DUPLICATES_DETECTED", "message": "Use one of these records?"}], catalog=CATALOG
    )
    assert plain.candidates == ()  # an answer without the details (sObject Collections may omit them)


def test_collections_respect_the_ten_chunk_rule() -> None:
    from app.core.model import CrmRecord
    from app.providers.salesforce.client import collections_of

    def chunks(part: list[tuple[int, CrmRecord]]) -> int:
        types = [r.object_type for _, r in part]
        return sum(1 for i, t in enumerate(types) if i == 0 or t != types[i - 1])

    # 12 types alternating: sent in that order they would be 24 chunks in one request.
    records = [(i, CrmRecord(f"k{i}", f"i{i}", f"Type{i % 12:02d}__c", {})) for i in range(24)]
    parts = collections_of(records)
    assert [chunks(p) for p in parts] == [10, 2]
    assert sorted(i for p in parts for i, _ in p) == list(range(24))
    mixed = [(i, CrmRecord(f"k{i}", f"i{i}", ("Task", "Event", "Contact")[i % 3], {})) for i in range(450)]
    parts = collections_of(mixed)
    assert [len(p) for p in parts] == [200, 200, 50] and all(chunks(p) <= 3 for p in parts)


def test_soql_quoting_and_chunks() -> None:
    assert quote("o'brien\\x@a.example") == "'o\\'brien\\\\x@a.example'"
    assert quote("a\nb") == "'ab'"
    values = [f"person{i}@example.com" for i in range(2000)]
    chunks = list(in_chunks(values, budget=1000))
    assert sum(len(c) for c in chunks) == 2000
    assert all(len(in_list(c)) <= 1000 + 2 for c in chunks)


def test_allocation_suspends_until_calls_leave_the_window() -> None:
    now = [datetime(2026, 11, 24, 12, tzinfo=UTC)]
    log = MemoryCallLog()
    allocation = Allocation(log, "rep", lambda: now[0], percent=10, daily_limit=100)  # 10 calls a day
    for minute in range(10):
        now[0] = datetime(2026, 11, 24, 12, minute, tzinfo=UTC)
        allocation.check()
        allocation.spent()
    with pytest.raises(AccountError) as caught:
        allocation.check()
    assert caught.value.code == "SF_API_LIMIT_ALLOCATION"
    assert caught.value.resume_at == datetime(2026, 11, 24, 12, 0, tzinfo=UTC) + timedelta(hours=24)
    now[0] = datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC)
    allocation.check()  # the first call has left the window


def test_graph_errors() -> None:
    throttled = graph_error(
        429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, {"Retry-After": "2.5"}, catalog=CATALOG
    )
    assert throttled.code == "MBX_THROTTLED" and throttled.retry_after == 2.5
    assert (
        graph_error(401, {"error": {"code": "InvalidAuthenticationToken"}}, catalog=CATALOG).code == "MBX_AUTH_FAILED"
    )
    assert graph_error(410, {"error": {"code": "syncStateNotFound"}}, catalog=CATALOG).code == "MBX_CURSOR_EXPIRED"
    assert graph_error(502, {"error": {"code": "Whatever"}}, catalog=CATALOG).code == "MBX_SERVER_ERROR"


def test_gmail_message_with_legacy_charset() -> None:
    body = "Grüße aus Köln".encode("iso-8859-1")
    data = {
        "id": "abc",
        "labelIds": ["INBOX"],
        "internalDate": "1777484709000",
        "payload": {
            "mimeType": "text/plain",
            "headers": [
                {"name": "From", "value": "=?iso-8859-1?q?J=FCrgen_M=FCller?= <jm@kunde.example>"},
                {"name": "To", "value": "rep@example.com"},
                {"name": "Subject", "value": "=?ISO-8859-1?Q?Angebot_f=FCr_M=FCller?="},
                {"name": "Content-Type", "value": "text/plain; charset=iso-8859-1"},
            ],
            "body": {"data": base64.urlsafe_b64encode(body).decode()},
        },
    }
    item = message_item(data, "rep@example.com")
    assert item.subject == "Angebot für Müller"
    assert item.sender is not None and item.sender.name == "Jürgen Müller"
    assert item.body == "Grüße aus Köln"
    assert item.direction.value == "inbound"


def test_text_helpers() -> None:
    assert html_to_text("<p>Hi&amp;bye</p><style>x{}</style><div>two</div>") == "Hi&bye\ntwo"
    assert parse_time("2026-01-09T07:40:00.1234567") == datetime(2026, 1, 9, 7, 40, 0, 123456, tzinfo=UTC)
    assert parse_time("not a date") is None


def test_category_list_additions_keep_prefixes_and_unknown_parts() -> None:
    from app.providers.ews.connect import add_categories, category_names

    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    prefixed = (
        b'<?xml version="1.0"?><c:categories xmlns:c="CategoryList.xsd" default="Work" extra="kept">'
        b'<c:category name="Work" color="4" custom="x"/><c:unknown/></c:categories>\n'
    )
    grown = add_categories(prefixed, [("Sync Error", "0"), ("Sync Error: A, B & <C>", "-1")], now)
    assert grown.startswith(prefixed[: prefixed.rindex(b"</c:categories>")])
    assert category_names(grown) == {"Work", "Sync Error", "Sync Error: A, B & <C>"}
    assert b'<c:category name="Sync Error" color="0"' in grown and b"ns0" not in grown
    empty = add_categories(b'<categories xmlns="CategoryList.xsd" default=""/>', [("Sync Error", "0")], now)
    assert category_names(empty) == {"Sync Error"} and empty.startswith(b'<categories xmlns="CategoryList.xsd"')
    fresh = add_categories(b"", [("Sync Error", "0")], now)
    assert b'xmlns="CategoryList.xsd"' in fresh and category_names(fresh) == {"Sync Error"}


def test_window_cursor_keeps_its_start_and_refuses_a_wider_window() -> None:
    from app.core.errors import CursorExpired
    from app.core.ports import ChangePage
    from app.providers.window import window_start, windowed

    activated = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    seven = window_start(7, activated, activated + timedelta(days=20))
    assert seven == datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    asked: list[str | None] = []

    def read(inner: str | None) -> ChangePage:
        asked.append(inner)
        return ChangePage([], [], "token-2", False)

    page = windowed(seven, None, read)
    assert page.cursor == "since=2026-10-25T12:00:00Z;token-2" and asked == [None]
    assert windowed(seven, page.cursor, read).cursor == page.cursor and asked[-1] == "token-2"
    narrower = window_start(3, activated, activated)
    assert windowed(narrower, page.cursor, read).cursor == page.cursor  # a narrower window needs no new read
    with pytest.raises(CursorExpired):
        windowed(window_start(30, activated, activated), page.cursor, read)
    assert windowed(seven, "legacy-token", read).cursor == "token-2"  # a cursor from before: left as it was
