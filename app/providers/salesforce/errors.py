"""Salesforce answers as catalogue codes: ``classify_salesforce_error(status, body, catalog=...)``.

Salesforce reports errors as ``[{"message", "errorCode", "fields"}]`` (REST),
``{"error", "error_description"}`` (OAuth) or per record as
``{"statusCode", "message", "fields"}`` (sObject Collections), and an invocable
action's results as ``[{"actionName", "isSuccess", "errors": [...]}]``.  Every
errorCode the catalogue knows maps to its entry.  A code it does not know (Salesforce
adds codes with releases, and orgs' triggers raise their own) is classified by what
the answer itself says, always keeping the service's words:

- HTTP 5xx -> the server error entry (retried, the cycle waits);
- a lock-like code (``..._LOCK...``) -> the row-locked entry (the item retries soon);
- HTTP 4xx with an error code (a data error about the record) -> ``DATA_REJECTED``: an item
  issue showing Salesforce's message, retried after the usual backoff, never quarantined at once;
- anything else (no error code, an unreadable body) -> the catalogue's unknown-error entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from app.core.catalog import Catalog

SERVICE = "salesforce"
UNKNOWN = "SYNC_UNKNOWN_ERROR"


@dataclass(frozen=True)
class SalesforceProblem:
    code: str  # catalogue code
    service_code: str  # Salesforce's errorCode / error
    message: str
    fields: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # DUPLICATES_DETECTED: the ids the duplicate rule matched


def _first_error(body: Any) -> tuple[str, str, tuple[str, ...], bool]:
    """(code, message, fields, whether it is a data API error: errorCode/statusCode, not OAuth's error)."""
    if isinstance(body, (bytes, str)):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            body = json.loads(text)
        except ValueError:
            return "", text[:500], (), False
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        if isinstance(first.get("errors"), list) and first["errors"]:  # an invocable action's result
            return _first_error(first["errors"])
        code = str(first.get("errorCode") or first.get("statusCode") or "")
        fields = first.get("fields") or []
        return code, str(first.get("message", "")), tuple(str(f) for f in fields), bool(code)
    if isinstance(body, dict):
        if "error" in body:  # OAuth endpoints
            return str(body["error"]), str(body.get("error_description", "")), (), False
        if "errorCode" in body or "statusCode" in body:
            return _first_error([body])
    return "", "", (), False


def classify_salesforce_error(status: int, body: Any, *, catalog: Catalog) -> SalesforceProblem:
    """The catalogue code for a Salesforce error answer (HTTP status plus body)."""
    service_code, message, fields, data_error = _first_error(body)
    if not service_code:
        # No errorCode: fall back on what the HTTP status means at Salesforce.
        service_code = {
            401: "INVALID_SESSION_ID",
            403: "INSUFFICIENT_ACCESS_OR_READONLY",
            500: "UNKNOWN_EXCEPTION",
            502: "SERVER_UNAVAILABLE",
            503: "SERVER_UNAVAILABLE",
            504: "SERVER_UNAVAILABLE",
        }.get(status, "UNKNOWN_EXCEPTION")
    entry = catalog.lookup(SERVICE, service_code)
    if entry.code == UNKNOWN:
        entry = catalog.get(_unknown_class(status, service_code, data_error and bool(message)))
    return SalesforceProblem(entry.code, service_code, message or service_code, fields)


def _unknown_class(status: int, service_code: str, data_error: bool) -> str:
    """The catalogue code for an errorCode the catalogue does not list, from the answer's shape."""
    if status >= 500:
        return "SF_SERVER_ERROR"
    if "LOCK" in service_code.upper():
        return "SF_ROW_LOCKED"
    if 400 <= status < 500 and data_error:
        return "DATA_REJECTED"
    return UNKNOWN


def record_error(errors: Any, *, catalog: Catalog) -> SalesforceProblem:
    """The problem of one record in an sObject Collections result (its first error)."""
    if not isinstance(errors, list) or not errors:
        unknown = catalog.get("SYNC_UNKNOWN_ERROR").code
        return SalesforceProblem(unknown, "UNKNOWN_EXCEPTION", "Salesforce rejected the record without saying why")
    problem = classify_salesforce_error(400, errors, catalog=catalog)
    return replace(problem, candidates=duplicate_matches(errors[0]))


def duplicate_matches(error: Any) -> tuple[str, ...]:
    """The record ids in a DUPLICATES_DETECTED error's ``duplicateResult.matchResults[].matchRecords[]``."""
    result = error.get("duplicateResult") if isinstance(error, dict) else None
    matches = result.get("matchResults") if isinstance(result, dict) else None
    found: list[str] = []
    for match in matches if isinstance(matches, list) else ():
        records = match.get("matchRecords") if isinstance(match, dict) else None
        for record in records if isinstance(records, list) else ():
            data = record.get("record") if isinstance(record, dict) else None
            ident = data.get("Id") if isinstance(data, dict) else None
            if isinstance(ident, str) and ident and ident not in found:
                found.append(ident)
    return tuple(found)
