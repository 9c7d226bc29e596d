"""Field mapping: the org check, value coercion before sending, and safe text truncation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.core.catalog import load_default
from app.core.mapping import (
    DEFAULT_MAPPING,
    CoercionError,
    FieldInfo,
    FieldRule,
    check_mapping,
    clean_text,
    coerce,
    is_valid_address,
    truncate,
    utf16_length,
)
from app.core.model import ItemKind

TEXT = FieldInfo("string", 255)


def org() -> dict[str, dict[str, FieldInfo]]:
    """A describe of a plain org where the default mapping fits."""
    task = {
        "Subject": TEXT,
        "Description": FieldInfo("textarea", 32000),
        "ActivityDate": FieldInfo("date"),
        "Status": FieldInfo("picklist", 40, nillable=False, defaulted_on_create=True),
        "Priority": FieldInfo("picklist", 40, nillable=False, defaulted_on_create=True),
        "TaskSubtype": FieldInfo("picklist", 40),
        "WhoId": FieldInfo("reference", 18),
        "WhatId": FieldInfo("reference", 18),
        "OwnerId": FieldInfo("reference", 18, nillable=False, defaulted_on_create=True),
        "Id": FieldInfo("id", 18, nillable=False, createable=False),
        "IsClosed": FieldInfo("boolean", nillable=False, createable=False),
        "IsReminderSet": FieldInfo("boolean", nillable=False),
    }
    event = {
        "Subject": TEXT,
        "Description": FieldInfo("textarea", 32000),
        "StartDateTime": FieldInfo("datetime"),
        "EndDateTime": FieldInfo("datetime"),
        "Location": TEXT,
        "WhoId": FieldInfo("reference", 18),
    }
    contact = {
        "FirstName": FieldInfo("string", 40),
        "LastName": FieldInfo("string", 80, nillable=False),
        "Email": FieldInfo("email", 80),
        "Phone": FieldInfo("phone", 40),
        "Title": FieldInfo("string", 128),
    }
    return {"Task": task, "Event": event, "Contact": contact}


def codes(describe: Mapping[str, Mapping[str, FieldInfo]]) -> set[tuple[str, str, str]]:
    return {(p.code, p.object_type, p.field) for p in check_mapping(DEFAULT_MAPPING, describe)}


def test_default_mapping_fits_a_plain_org() -> None:
    assert check_mapping(DEFAULT_MAPPING, org()) == []


def test_deleted_field_is_found() -> None:
    describe = org()
    del describe["Event"]["Location"]
    assert codes(describe) == {("SET_DEPENDENT_FIELD_DELETED", "Event", "Location")}


def test_required_field_without_mapping_is_found() -> None:
    describe = org()
    describe["Contact"]["Region__c"] = FieldInfo("picklist", 40, nillable=False)
    problems = check_mapping(DEFAULT_MAPPING, describe)
    assert [(p.code, p.field) for p in problems] == [("SET_MISSING_FIELD_MAPPING", "Region__c")]
    assert "required" in problems[0].message
    # Mapping it (here with a default) fixes it.
    fixed = DEFAULT_MAPPING.with_rule(ItemKind.CONTACT, FieldRule("region", "Region__c", "EMEA", "picklist"))
    assert check_mapping(fixed, describe) == []


def test_text_mapped_to_a_number_field_is_found() -> None:
    describe = org()
    describe["Event"]["Location"] = FieldInfo("double")
    assert codes(describe) == {("DATA_TEXT_FOR_NUMBER", "Event", "Location")}


def test_read_only_field_and_missing_object_are_found() -> None:
    describe = org()
    describe["Contact"]["Title"] = FieldInfo("string", 128, createable=False)
    del describe["Event"]
    assert codes(describe) == {
        ("SF_FIELD_PERMISSION_MISSING", "Contact", "Title"),
        ("SF_OBJECT_PERMISSION_MISSING", "Event", ""),
    }


def test_shared_task_object_reports_a_problem_once() -> None:
    describe = org()
    del describe["Task"]["Subject"]  # email and task items both write Task.Subject
    problems = check_mapping(DEFAULT_MAPPING, describe)
    assert [(p.code, p.object_type, p.field) for p in problems] == [("SET_DEPENDENT_FIELD_DELETED", "Task", "Subject")]


def test_problem_codes_are_catalogued() -> None:
    catalog = load_default()
    for code in (
        "SET_DEPENDENT_FIELD_DELETED",
        "SET_MISSING_FIELD_MAPPING",
        "DATA_TEXT_FOR_NUMBER",
        "SF_FIELD_PERMISSION_MISSING",
        "SF_OBJECT_PERMISSION_MISSING",
        "DATA_INVALID_EMAIL",
    ):
        assert code in catalog


def test_field_info_from_describe_json() -> None:
    info = FieldInfo.from_describe(
        {
            "name": "LastName",
            "type": "string",
            "length": 80,
            "nillable": False,
            "createable": True,
            "defaultedOnCreate": False,
        }
    )
    assert info == FieldInfo("string", 80, nillable=False, createable=True, defaulted_on_create=False)


# --- coerce ---


@pytest.mark.parametrize(
    ("value", "sf_type", "expected"),
    [
        ("42", "int", 42),
        (" 1,234 ", "int", 1234),
        ("3.0", "int", 3),
        (7, "double", 7.0),
        ("1,234.50", "currency", 1234.5),
        ("12.5%", "percent", 12.5),
        ("-0.25", "double", -0.25),
        ("yes", "boolean", True),
        ("False", "boolean", False),
        ("", "boolean", False),
        (True, "boolean", True),
        ("2024-05-10", "date", "2024-05-10"),
        ("2024-05-10T23:30:00+02:00", "date", "2024-05-10"),
        (date(2024, 1, 2), "date", "2024-01-02"),
        (datetime(2024, 5, 10, 12, 0, tzinfo=timezone(timedelta(hours=2))), "datetime", "2024-05-10T10:00:00.000Z"),
        ("2024-05-10T12:00:00Z", "datetime", "2024-05-10T12:00:00.000Z"),
        (datetime(2024, 5, 10, 12, 0), "datetime", "2024-05-10T12:00:00.000Z"),
        (" dana@customer.example ", "email", "dana@customer.example"),
        (12, "string", "12"),
        (datetime(2024, 5, 10, tzinfo=UTC), "string", "2024-05-10T00:00:00+00:00"),
    ],
)
def test_coerce_accepts(value: object, sf_type: str, expected: object) -> None:
    result = coerce(value, sf_type)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "sf_type", "code", "words"),
    [
        ("twelve", "double", "DATA_TEXT_FOR_NUMBER", "not a number"),
        ("3.5", "int", "DATA_TEXT_FOR_NUMBER", "whole number"),
        ("NaN", "double", "DATA_TEXT_FOR_NUMBER", "finite"),
        ("1e999", "double", "DATA_TEXT_FOR_NUMBER", "too large"),
        (True, "int", "DATA_TEXT_FOR_NUMBER", "yes/no"),
        ("maybe", "boolean", "DATA_TEXT_FOR_NUMBER", "yes or no"),
        ("10/05/2024", "date", "DATA_TEXT_FOR_NUMBER", "YYYY-MM-DD"),
        ("soon", "datetime", "DATA_TEXT_FOR_NUMBER", "date and time"),
        ("dana@@customer.example", "email", "DATA_INVALID_EMAIL", "not a valid email"),
    ],
)
def test_coerce_refuses_with_a_clear_message(value: object, sf_type: str, code: str, words: str) -> None:
    with pytest.raises(CoercionError, match=words) as info:
        coerce(value, sf_type)
    assert info.value.code == code


# --- addresses and text ---


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("a@b.example", True),
        ('"john doe"@example.com', True),
        ('"a@b"@example.com', True),
        ("jürgen@bücher.example", True),
        ("jo@xn--bcher-kva.example", True),
        ("a@b.example.", True),
        ("user+tag@example.com", True),
        ("o'brien@example.ie", True),
        ("", False),
        ("a@@b.example", False),
        ("a@b", False),
        ("a b@c.example", False),
        (".a@b.example", False),
        ("a..b@c.example", False),
        ("a.@b.example", False),
        ("a@-b.example", False),
        ("a@b.123", False),
        ("a@[192.0.2.1]", False),
        ("a@b .example", False),
        ("@b.example", False),
        ("a@", False),
        ("a\u3000b@c.example", False),
        ("x" * 65 + "@b.example", False),
    ],
)
def test_is_valid_address(address: str, valid: bool) -> None:
    assert is_valid_address(address) is valid


def test_clean_text() -> None:
    assert clean_text("a\x00b\x07c\r\nd\re\tf\x7fg\x85h") == "abc\nd\ne\tfgh"
    assert clean_text("lone \ud800 surrogate \uffff") == "lone  surrogate "
    assert clean_text("שלום \u200f RTL stays") == "שלום \u200f RTL stays"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("abcdefghij", 10, "abcdefghij"),
        ("abcdefghijk", 10, "abcdefghi…"),
        ("abc🇩🇪🇫🇷xyz", 9, "abc🇩🇪…"),  # never half a flag
        ("ab" + "e\u0301" * 3, 5, "ab" + "e\u0301…"),  # never an accent without its letter
        ("hi 👩‍👩‍👧 there", 8, "hi…"),  # never half a family emoji
        ("😀😀😀", 5, "😀😀…"),  # an emoji counts as two, as in Salesforce
        ("word   more", 8, "word…"),
    ],
)
def test_truncate_at_character_boundaries(text: str, limit: int, expected: str) -> None:
    result, cut = truncate(text, limit)
    assert result == expected
    assert cut == (text != expected)
    assert utf16_length(result) <= limit


def test_truncate_a_megabyte_quickly() -> None:
    result, cut = truncate("ab😀" * 300_000, 32000)
    assert cut and utf16_length(result) <= 32000 and utf16_length(result) >= 31990
