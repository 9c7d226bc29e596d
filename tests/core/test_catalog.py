"""The error catalogue: coverage of every known failure, look-ups, user text, and file checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.catalog import SERVICES, Catalog, field_label, load_default, render_markdown
from app.core.model import Action, Fixer, RetryClass, Scope
from app.core.resources import ENV_VAR, resource_path

ROOT = Path(__file__).resolve().parents[2]

# Codes the engine and the other helpers already use: renaming one breaks them.
FIXED_CODES = {
    "MBX_CURSOR_EXPIRED",
    "SYNC_ANOTHER_RUNNING",
    "SYNC_UNKNOWN_ERROR",
    "DATA_REQUIRED_FIELD_MISSING",
    "SET_MISSING_FIELD_MAPPING",
    "SF_API_LIMIT_ORG",
    "SF_API_LIMIT_ALLOCATION",
    "MBX_AUTH_FAILED",
    "SF_AUTH_FAILED",
    "MBX_THROTTLED",
    "SF_ROW_LOCKED",
    "SF_RECORD_DELETED",
    "SYNC_NO_KEYRING",
    "SYNC_SIGN_IN_FAILED",
}
IGNORE_CODES = {
    "IGN_BOUNCED",
    "IGN_DO_NOT_MAIL",
    "IGN_GROUP_ADDRESS",
    "IGN_DUPLICATE_IN_BATCH",
    "IGN_INVALID_ADDRESS",
    "IGN_EMPTY_ADDRESS",
    "IGN_NO_MATCH",
    "IGN_BLOCKLISTED",
    "IGN_INTERNAL_ONLY",
    "IGN_BEFORE_WINDOW",
}
# Every failure a user of such a connector meets -> the entry that explains it.
FAILURES = {
    "initial fetch failure": "MBX_INITIAL_FETCH_FAILED",
    "insufficient permission": "SF_INSUFFICIENT_PERMISSION",
    "mailbox permission": "MBX_ACCESS_DENIED",
    "authentication failure / credentials changed (mailbox)": "MBX_AUTH_FAILED",
    "authentication failure / credentials changed (Salesforce)": "SF_AUTH_FAILED",
    "connection error": "NET_CONNECTION_FAILED",
    "service plan without API access (Salesforce)": "SF_API_DISABLED_FOR_ORG",
    "service plan without API access (mailbox)": "MBX_API_NOT_ENABLED",
    "API rate limit of the org": "SF_API_LIMIT_ORG",
    "API rate limit of our own allocation": "SF_API_LIMIT_ALLOCATION",
    "row/storage limit exceeded": "SF_STORAGE_FULL",
    "connector owner no longer admin / deactivated / removed": "SF_USER_INACTIVE",
    "dependent fields deleted": "SET_DEPENDENT_FIELD_DELETED",
    "missing field mappings": "SET_MISSING_FIELD_MAPPING",
    "another sync in progress": "SYNC_ANOTHER_RUNNING",
    "invalid or deleted organization": "SF_ORG_INVALID",
    "object permissions missing": "SF_OBJECT_PERMISSION_MISSING",
    "field permissions missing": "SF_FIELD_PERMISSION_MISSING",
    "org locked": "SF_ORG_LOCKED",
    "org unavailable": "SF_ORG_UNAVAILABLE",
    "server error": "SF_SERVER_ERROR",
    "unknown error": "SYNC_UNKNOWN_ERROR",
    "record already linked to another record": "SF_RECORD_ALREADY_LINKED",
    "text value given for a number field": "DATA_TEXT_FOR_NUMBER",
    "mandatory field missing": "DATA_REQUIRED_FIELD_MISSING",
    "invalid API parameter": "SF_INVALID_PARAMETER",
    "expired delta token": "MBX_CURSOR_EXPIRED",
}
# (service, service code) -> catalogue code, exactly as the services send them.
SERVICE_CODES = {
    ("salesforce", "INVALID_SESSION_ID"): "SF_AUTH_FAILED",
    ("salesforce", "invalid_grant"): "SF_AUTH_FAILED",
    ("salesforce", "REQUEST_LIMIT_EXCEEDED"): "SF_API_LIMIT_ORG",
    ("salesforce", "UNABLE_TO_LOCK_ROW"): "SF_ROW_LOCKED",
    ("salesforce", "STORAGE_LIMIT_EXCEEDED"): "SF_STORAGE_FULL",
    ("salesforce", "REQUIRED_FIELD_MISSING"): "DATA_REQUIRED_FIELD_MISSING",
    ("salesforce", "FIELD_CUSTOM_VALIDATION_EXCEPTION"): "DATA_VALIDATION_FAILED",
    ("salesforce", "STRING_TOO_LONG"): "DATA_VALUE_TOO_LONG",
    ("salesforce", "INVALID_EMAIL_ADDRESS"): "DATA_INVALID_EMAIL",
    ("salesforce", "DUPLICATE_VALUE"): "DATA_DUPLICATE_VALUE",
    ("salesforce", "DUPLICATES_DETECTED"): "DATA_DUPLICATE_DETECTED",
    ("salesforce", "INSUFFICIENT_ACCESS_OR_READONLY"): "SF_RECORD_ACCESS_DENIED",
    ("salesforce", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"): "SF_RECORD_ACCESS_DENIED",
    ("salesforce", "ENTITY_IS_DELETED"): "SF_RECORD_DELETED",
    ("salesforce", "INVALID_CROSS_REFERENCE_KEY"): "DATA_INVALID_REFERENCE",
    ("salesforce", "INVALID_FIELD"): "SET_DEPENDENT_FIELD_DELETED",
    ("salesforce", "INVALID_TYPE_ON_FIELD_IN_RECORD"): "DATA_TEXT_FOR_NUMBER",
    ("salesforce", "API_DISABLED_FOR_ORG"): "SF_API_DISABLED_FOR_ORG",
    ("salesforce", "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY"): "SF_RECORD_ACCESS_DENIED",
    ("salesforce", "SERVER_UNAVAILABLE"): "SF_ORG_UNAVAILABLE",
    ("salesforce", "UNKNOWN_EXCEPTION"): "SF_SERVER_ERROR",
    ("salesforce", "ALL_OR_NONE_OPERATION_ROLLED_BACK"): "SF_BATCH_ROLLED_BACK",
    ("salesforce", "INVALID_FIELD_FOR_INSERT_UPDATE"): "SF_FIELD_PERMISSION_MISSING",
    ("salesforce", "INACTIVE_OWNER_OR_USER"): "DATA_INACTIVE_OWNER",
    ("salesforce", "ORG_LOCKED"): "SF_ORG_LOCKED",
    ("salesforce", "ORG_IN_MAINTENANCE"): "SF_ORG_UNAVAILABLE",
    ("salesforce", "API_CURRENTLY_DISABLED"): "SF_INSUFFICIENT_PERMISSION",
    ("salesforce", "DUPLICATE_EXTERNAL_ID"): "SF_RECORD_ALREADY_LINKED",
    ("salesforce", "MALFORMED_ID"): "SF_INVALID_PARAMETER",
    ("salesforce", "INVALID_TYPE"): "SF_OBJECT_PERMISSION_MISSING",
    ("graph", "InvalidAuthenticationToken"): "MBX_AUTH_FAILED",
    ("graph", "ErrorAccessDenied"): "MBX_ACCESS_DENIED",
    ("graph", "ErrorItemNotFound"): "MBX_ITEM_NOT_FOUND",
    ("graph", "MailboxNotEnabledForRESTAPI"): "MBX_API_NOT_ENABLED",
    ("graph", "429"): "MBX_THROTTLED",
    ("graph", "TooManyRequests"): "MBX_THROTTLED",
    ("graph", "ApplicationThrottled"): "MBX_THROTTLED",
    ("graph", "SyncStateNotFound"): "MBX_CURSOR_EXPIRED",
    ("graph", "410"): "MBX_CURSOR_EXPIRED",
    ("graph", "503"): "MBX_SERVER_ERROR",
    ("gmail", "invalid_grant"): "MBX_AUTH_FAILED",
    ("gmail", "insufficientPermissions"): "MBX_SCOPE_NOT_GRANTED",
    ("gmail", "rateLimitExceeded"): "MBX_THROTTLED",
    ("gmail", "userRateLimitExceeded"): "MBX_THROTTLED",
    ("gmail", "404-history"): "MBX_CURSOR_EXPIRED",
    ("gmail", "notFound"): "MBX_ITEM_NOT_FOUND",
    ("gmail", "dailyLimitExceeded"): "MBX_DAILY_QUOTA",
    ("ews", "401"): "MBX_AUTH_FAILED",
    ("ews", "ErrorAccessDenied"): "MBX_ACCESS_DENIED",
    ("ews", "ErrorServerBusy"): "MBX_THROTTLED",
    ("ews", "ErrorItemNotFound"): "MBX_ITEM_NOT_FOUND",
    ("ews", "ErrorInvalidSyncStateData"): "MBX_CURSOR_EXPIRED",
    ("ews", "ErrorNonExistentMailbox"): "MBX_MAILBOX_NOT_FOUND",
    ("network", "timeout"): "NET_CONNECTION_FAILED",
    ("network", "dns"): "NET_CONNECTION_FAILED",
    ("network", "tls"): "NET_TLS_FAILED",
    ("network", "connection_reset"): "NET_CONNECTION_FAILED",
    ("engine", "another_sync_running"): "SYNC_ANOTHER_RUNNING",
    ("engine", "allocation_exhausted"): "SF_API_LIMIT_ALLOCATION",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_default()


def test_fixed_and_ignore_codes_all_have_entries(catalog: Catalog) -> None:
    missing = sorted(c for c in FIXED_CODES | IGNORE_CODES if c not in catalog)
    assert missing == []


@pytest.mark.parametrize(("failure", "code"), sorted(FAILURES.items()))
def test_every_known_failure_has_its_entry(catalog: Catalog, failure: str, code: str) -> None:
    assert code in catalog, f"{failure} lost its entry {code}"


@pytest.mark.parametrize(("pair", "code"), sorted(SERVICE_CODES.items()))
def test_lookup_of_each_service_code(catalog: Catalog, pair: tuple[str, str], code: str) -> None:
    assert catalog.lookup(*pair).code == code


def test_lookup_is_case_sensitive_and_per_service(catalog: Catalog) -> None:
    assert catalog.lookup("salesforce", "invalid_session_id").code == "SYNC_UNKNOWN_ERROR"
    assert catalog.lookup("graph", "INVALID_SESSION_ID").code == "SYNC_UNKNOWN_ERROR"
    assert catalog.lookup("nowhere", "timeout").code == "SYNC_UNKNOWN_ERROR"


def test_fixed_codes_keep_their_promised_behaviour(catalog: Catalog) -> None:
    cursor = catalog.get("MBX_CURSOR_EXPIRED")
    assert (cursor.scope, cursor.retry_class) == (Scope.ACCOUNT, RetryClass.TRANSIENT)
    assert "nothing to do" in cursor.recommendation.lower()
    unknown = catalog.get("SYNC_UNKNOWN_ERROR")
    assert (unknown.fixer, unknown.action) == (Fixer.SUPPORT, Action.CONTACT_SUPPORT)
    allocation = catalog.get("SF_API_LIMIT_ALLOCATION")
    assert (allocation.retry_class, allocation.fixer, allocation.action) == (
        RetryClass.SUSPENDED,
        Fixer.USER,
        Action.FIX_SETTING,
    )
    assert catalog.get("SF_API_LIMIT_ORG").retry_class is RetryClass.SUSPENDED
    for code in ("MBX_AUTH_FAILED", "SF_AUTH_FAILED"):
        assert catalog.get(code).retry_class is RetryClass.NEEDS_REAUTH
    row = catalog.get("SF_ROW_LOCKED")
    assert (row.scope, row.retry_class) == (Scope.ITEM, RetryClass.TRANSIENT)
    assert catalog.get("MBX_THROTTLED").retry_class is RetryClass.THROTTLED
    for code in IGNORE_CODES:
        entry = catalog.get(code)
        assert (entry.retry_class, entry.scope, entry.action) == (RetryClass.IGNORED, Scope.ITEM, Action.NONE)


def test_every_entry_explains_itself(catalog: Catalog) -> None:
    for entry in catalog.entries():
        assert entry.title.strip() and entry.reason.strip() and entry.recommendation.strip(), entry.code
        # Sales reps read these: no service jargon in the user text.
        for word in ("errorCode", "HTTP", "exception", "stack"):
            assert word not in entry.reason + entry.recommendation, (entry.code, word)


def test_every_retry_class_fixer_and_action_is_used(catalog: Catalog) -> None:
    entries = catalog.entries()
    assert {e.retry_class for e in entries} == set(RetryClass)
    assert {e.fixer for e in entries} == set(Fixer)
    assert {e.action for e in entries} == set(Action)


def test_unknown_code_falls_back_and_keeps_the_code_for_support(catalog: Catalog) -> None:
    assert catalog.get("NOPE_NOT_A_CODE").code == "SYNC_UNKNOWN_ERROR"
    assert "NOPE_NOT_A_CODE" not in catalog
    message = catalog.user_message("NOPE_NOT_A_CODE", "boom at line 3")
    assert message.code == "SYNC_UNKNOWN_ERROR"
    assert message.action is Action.CONTACT_SUPPORT
    assert message.detail == "NOPE_NOT_A_CODE: boom at line 3"


def test_user_message_carries_the_entry_and_the_services_words(catalog: Catalog) -> None:
    message = catalog.user_message("DATA_REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]")
    assert message.title == "Required field missing"
    assert message.action is Action.FIX_ITEM
    assert message.detail == "Required fields are missing: [LastName]"
    assert "mailbox" in message.recommendation


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (("LastName",), "Last Name missing"),
        (("Email",), "Email missing"),
        (("custom__c",), "Custom missing"),
        (("FirstName", "LastName"), "First Name, Last Name missing"),
        (("LastName", "LastName"), "Last Name missing"),
        ((), "A field missing"),
        (("A", "B", "C", "D", "E"), "A, B, C +2 missing"),
    ],
)
def test_mark_detail_uses_field_labels(catalog: Catalog, fields: tuple[str, ...], expected: str) -> None:
    assert catalog.mark_detail("DATA_REQUIRED_FIELD_MISSING", fields) == expected


def test_mark_detail_of_other_codes(catalog: Catalog) -> None:
    assert catalog.mark_detail("SF_FIELD_PERMISSION_MISSING", ["Region__c"]) == "No access to Region"
    assert catalog.mark_detail("SF_ROW_LOCKED") == "Record busy, will retry"
    assert catalog.mark_detail("SF_AUTH_FAILED") == ""  # account-level: no item is marked


@pytest.mark.parametrize(
    ("api_name", "label"),
    [
        ("LastName", "Last Name"),
        ("Email", "Email"),
        ("custom__c", "Custom"),
        ("ns__Deal_Size__c", "Deal Size"),
        ("AccountId", "Account"),
        ("SLAExpirationDate__c", "SLA Expiration Date"),
        ("WhoId", "Name"),
        ("MailingPostalCode", "Mailing Postal Code"),
    ],
)
def test_field_labels(api_name: str, label: str) -> None:
    assert field_label(api_name) == label


def test_to_json_round_trips_through_load(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"entries": catalog.to_json()}), encoding="utf-8")
    again = Catalog.load(path)
    assert again.entries() == catalog.entries()


def test_format_table_lists_every_code_readably(catalog: Catalog) -> None:
    table = catalog.format_table()
    for entry in catalog.entries():
        assert entry.code in table
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "Ignored items" in table


def test_docs_catalog_is_current(catalog: Catalog) -> None:
    doc = ROOT / "docs" / "catalog.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(catalog), (
        "docs/catalog.md is stale: run `python -m app.core.catalog docs/catalog.md`"
    )


# --- a broken catalogue file is refused with a message that says what is wrong ---


def _write(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"entries": entries}), encoding="utf-8")
    return path


def _good() -> list[dict[str, object]]:
    return load_default().to_json()


def _find(entries: list[dict[str, object]], code: str) -> dict[str, object]:
    return next(e for e in entries if e["code"] == code)


def test_duplicate_code_is_refused(tmp_path: Path) -> None:
    entries = _good()
    entries.append(dict(_find(entries, "SF_ROW_LOCKED"), service_codes=[]))
    with pytest.raises(ValueError, match="SF_ROW_LOCKED: code used by more than one entry"):
        Catalog.load(_write(tmp_path, entries))


def test_bad_enum_is_refused(tmp_path: Path) -> None:
    entries = _good()
    _find(entries, "SF_ROW_LOCKED")["retry_class"] = "sometimes"
    with pytest.raises(ValueError, match="RetryClass 'sometimes' is not one of"):
        Catalog.load(_write(tmp_path, entries))


def test_empty_recommendation_is_refused(tmp_path: Path) -> None:
    entries = _good()
    _find(entries, "MBX_THROTTLED")["recommendation"] = "  "
    with pytest.raises(ValueError, match=r"MBX_THROTTLED.*'recommendation' is empty"):
        Catalog.load(_write(tmp_path, entries))


def test_service_code_mapped_twice_is_refused(tmp_path: Path) -> None:
    entries = _good()
    taken = {"service": "salesforce", "code": "UNABLE_TO_LOCK_ROW"}
    _find(entries, "SF_SERVER_ERROR")["service_codes"] = [taken]
    with pytest.raises(ValueError, match="'UNABLE_TO_LOCK_ROW' is mapped by both"):
        Catalog.load(_write(tmp_path, entries))


def test_unknown_service_and_bad_code_name_are_refused(tmp_path: Path) -> None:
    entries = _good()
    _find(entries, "SF_SERVER_ERROR")["service_codes"] = [{"service": "outlook", "code": "x"}]
    _find(entries, "SF_ROW_LOCKED")["code"] = "row-locked"
    with pytest.raises(ValueError, match="2 problem") as info:
        Catalog.load(_write(tmp_path, entries))
    assert "outlook" in str(info.value) and "UPPER_SNAKE" in str(info.value)


def test_account_code_with_mark_and_missing_unknown_are_refused(tmp_path: Path) -> None:
    entries = [e for e in _good() if e["code"] != "SYNC_UNKNOWN_ERROR"]
    _find(entries, "SF_AUTH_FAILED")["mark_detail"] = "Sign in"
    with pytest.raises(ValueError) as info:
        Catalog.load(_write(tmp_path, entries))
    assert "mark_detail must be empty" in str(info.value)
    assert "SYNC_UNKNOWN_ERROR" in str(info.value)


def test_not_json_and_wrong_shape_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        Catalog.load(path)
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="'entries' list"):
        Catalog.load(path)


def test_resource_path_order_and_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resource_path("catalog.json") == ROOT / "resources" / "catalog.json"
    (tmp_path / "catalog.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert resource_path("catalog.json") == tmp_path / "catalog.json"
    with pytest.raises(FileNotFoundError, match=r"'nothing\.json' is missing; looked in: .*RESOURCES"):
        resource_path("nothing.json")
    with pytest.raises(ValueError):
        resource_path("../pyproject.toml")


def test_resource_path_finds_a_pyinstaller_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "only_in_bundle.txt").write_text("x", encoding="utf-8")
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("only_in_bundle.txt") == tmp_path / "resources" / "only_in_bundle.txt"


# --- what a person who edits catalog.json is told, exactly (mutation-checked) ---


def _problems(tmp_path: Path, entries: list[dict[str, object]]) -> list[str]:
    with pytest.raises(ValueError) as info:
        Catalog.load(_write(tmp_path, entries))
    return [line.strip()[2:] for line in str(info.value).splitlines() if line.strip().startswith("- ")]


def test_each_rule_between_fields_names_its_entry(tmp_path: Path) -> None:
    entries = _good()
    _find(entries, "IGN_BOUNCED")["retry_class"] = "transient"
    _find(entries, "IGN_GROUP_ADDRESS")["action"] = "retry_later"
    _find(entries, "SF_ROW_LOCKED")["mark_detail"] = ""
    _find(entries, "DATA_VALIDATION_FAILED")["mark_detail"] = "Fix {field}"
    _find(entries, "DATA_VALUE_TOO_LONG")["mark_detail"] = "Too long }"
    _find(entries, "SF_SERVER_ERROR")["service_codes"] = [{"service": "salesforce", "code": "UNABLE_TO_LOCK_ROW"}]
    problems = _problems(tmp_path, entries)
    assert "IGN_BOUNCED: IGN_ codes and only they have retry_class 'ignored'" in problems
    assert "IGN_GROUP_ADDRESS: an ignore reason has action 'none'" in problems
    assert "SF_ROW_LOCKED: item-level failures need a mark_detail for the mailbox mark" in problems
    assert "DATA_VALIDATION_FAILED: mark_detail may only use the {fields} placeholder" in problems
    assert "DATA_VALUE_TOO_LONG: mark_detail may only use the {fields} placeholder" in problems
    mapped = "salesforce code 'UNABLE_TO_LOCK_ROW' is mapped by both"
    assert [p for p in problems if p.startswith(mapped)] in (
        [f"{mapped} SF_SERVER_ERROR and SF_ROW_LOCKED"],
        [f"{mapped} SF_ROW_LOCKED and SF_SERVER_ERROR"],
    )
    assert "IGN_BOUNCED: item-level failures need a mark_detail for the mailbox mark" in problems  # now a failure
    assert len(problems) == 7, problems


def test_each_field_problem_names_the_entry_by_position_and_code(tmp_path: Path) -> None:
    entries = _good()
    at = next(i for i, e in enumerate(entries) if e["code"] == "SF_ROW_LOCKED")
    entry = entries[at]
    entry.update(scope="galaxy", retry_class="never", fixer="nobody", action="pray", title=3, reason=" ")
    entry["service_codes"] = [{"service": "salesforce"}, "UNABLE", {"service": "salesforce", "code": " "}]
    entries.append("not an object")
    entries.append({"code": 7, "service_codes": "all"})
    where = f"entry #{at} (SF_ROW_LOCKED)"
    last = len(entries) - 1
    problems = _problems(tmp_path, entries)
    assert f"{where}: 'title' must be a string" in problems
    assert f"{where}: 'reason' is empty" in problems
    assert f"{where}: Scope 'galaxy' is not one of item, account" in problems
    assert any(p.startswith(f"{where}: RetryClass 'never' is not one of transient, throttled") for p in problems)
    assert any(p.startswith(f"{where}: Fixer 'nobody' is not one of ") for p in problems)
    assert any(p.startswith(f"{where}: Action 'pray' is not one of ") for p in problems)
    assert f"{where}: service code {{'service': 'salesforce'}} needs a service in {SERVICES} and a code" in problems
    assert f"{where}: service code 'UNABLE' needs a service in {SERVICES} and a code" in problems
    assert (
        f"{where}: service code {{'service': 'salesforce', 'code': ' '}} needs a service in {SERVICES} and a code"
        in problems
    )
    assert f"entry #{last - 1}: expected an object" in problems
    assert any(
        p.startswith(f"entry #{last}: code must be UPPER_SNAKE with one of the prefixes MBX_, SF_") for p in problems
    )
    assert f"entry #{last}: 'service_codes' must be a list" in problems
    assert f"entry #{last}: 'title' must be a string" in problems


def test_an_entry_without_service_codes_loads(tmp_path: Path) -> None:
    entries = _good()
    del _find(entries, "SF_SERVER_ERROR")["service_codes"]
    assert Catalog.load(_write(tmp_path, entries)).get("SF_SERVER_ERROR").service_codes == ()


def test_an_empty_or_unreadable_catalogue_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'entries' list"):
        Catalog.load(_write(tmp_path, []))
    assert Catalog.load(_write(tmp_path, _good())).get("SF_ROW_LOCKED").title  # the same file, filled, loads
    assert Catalog.load().get("SF_ROW_LOCKED") == load_default().get("SF_ROW_LOCKED")  # the shipped file by default


def test_the_catalogue_needs_its_unknown_entry_to_be_built() -> None:
    from app.core.catalog import CatalogEntry

    with pytest.raises(ValueError, match="needs a SYNC_UNKNOWN_ERROR entry"):
        Catalog([e for e in load_default().entries() if e.code != "SYNC_UNKNOWN_ERROR"])
    only: list[CatalogEntry] = [load_default().get("SYNC_UNKNOWN_ERROR")]
    assert Catalog(only).lookup("salesforce", "UNABLE_TO_LOCK_ROW").code == "SYNC_UNKNOWN_ERROR"


def test_the_terminal_table_layout(catalog: Catalog) -> None:
    some = Catalog([catalog.get("SF_ROW_LOCKED"), catalog.get("SYNC_UNKNOWN_ERROR")])
    text = some.format_table(width=60)
    lines = text.split("\n")
    entry = catalog.get("SF_ROW_LOCKED")
    assert lines[:4] == ["Salesforce", "==========", "", f"SF_ROW_LOCKED  {entry.title}"]
    assert lines[4].startswith("  Why:   ") and all(len(line) <= 60 for line in lines)
    labels = [line[:9] for line in lines if line.startswith("  ") and not line.startswith("         ")]
    assert labels[:4] == ["  Why:   ", "  Do:    ", "  Kind:  ", "  Codes: "]
    assert "  Kind:  item, transient, fixed by" in text and "salesforce:UNABLE_TO_LOCK_ROW" in text
    assert any(line.startswith("         ") and line.strip() for line in lines)  # a wrapped line is indented
    syncbar = lines.index("Syncbar")
    assert lines[syncbar - 1] == "" and lines[syncbar + 1] == "=======" and lines[syncbar + 2] == ""
    assert text.endswith("\n") and not text.endswith("\n\n") and text.startswith("Salesforce")


def test_field_labels_at_the_edges() -> None:
    assert field_label("Budget__r") == "Budget" and field_label("ns__Budget__r") == "Budget"
    assert field_label("a__b__c__c") == "B C"  # only the first "__" is a namespace
    assert [field_label(n) for n in ("Id", "xId", "AbId", "ABId")] == ["Id", "X", "Ab", "AB Id"]
