"""Salesforce emulator: the standard invocable actions Syncbar calls (``emailSimple``).

Shapes from the REST API Developer Guide ("Invocable Actions", "Standard
Invocable Actions") and the Actions Developer Guide ("Simple Email Actions"):

    GET  /services/data/vNN.N/actions                         {"standard": ..., "custom": ...}
    GET  /services/data/vNN.N/actions/standard                the list of standard actions
    POST /services/data/vNN.N/actions/standard/emailSimple    {"inputs": [{emailAddresses, emailSubject,
                                                              emailBody, senderType?, senderAddress?}]}
         -> 200 [{"actionName": "emailSimple", "errors": null, "isSuccess": true, "outputValues": null}]
         -> 400 [{... "isSuccess": false, "errors": [{"statusCode", "message", "fields"}]}] when refused

Rules kept: emailBody and emailSubject are required; at most five recipients
(``emailAddresses`` comma-separated plus ``emailAddressesArray``); each counts
against the org's daily single-email limit (GMT day; a Developer Edition org has
15), refused past it with ``SINGLE_EMAIL_LIMIT_EXCEEDED``.  The sent mail is kept
in ``outbox`` for tests.  This module imports nothing from the rest of ``app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_RECIPIENTS = 5
DAILY_SINGLE_EMAIL = 15  # Developer Edition and trial orgs (the org's /limits SingleEmail.Max)
LIMIT_MESSAGE = "The daily limit for the org would be exceeded by this request."
STANDARD = [
    {"label": "Send Email", "name": "emailSimple", "type": "EMAILSIMPLE"},
    {"label": "Post to Chatter", "name": "chatterPost", "type": "CHATTERPOST"},
]


@dataclass(frozen=True)
class SentEmail:
    to: tuple[str, ...]
    subject: str
    body: str
    sender: str  # the running user's address (senderType CurrentUser)
    sent_at: datetime


class Actions:
    def __init__(self, sender: Callable[[], str], clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sender = sender
        self.clock = clock
        self.daily_limit = DAILY_SINGLE_EMAIL
        self.outbox: list[SentEmail] = []

    def sent_today(self) -> int:
        today = self.clock().date()
        return sum(len(m.to) for m in self.outbox if m.sent_at.date() == today)

    def remaining(self) -> int:
        return max(0, self.daily_limit - self.sent_today())

    def handle(self, method: str, rest: str, body: Any, version: str) -> tuple[int, Any]:
        """``rest`` is the path after ``/services/data/vNN.N``."""
        if rest == "/actions" and method == "GET":
            base = f"/services/data/v{version}/actions"
            return 200, {"standard": f"{base}/standard", "custom": f"{base}/custom"}
        if rest == "/actions/standard" and method == "GET":
            return 200, {"actions": STANDARD}
        if rest == "/actions/standard/emailSimple" and method == "POST":
            inputs = body.get("inputs") if isinstance(body, dict) else None
            if not isinstance(inputs, list) or not inputs:
                return 400, [_error("JSON_PARSER_ERROR", "Invalid value for inputs: a list of inputs is required")]
            results = [self._email(one) for one in inputs]
            status = 200 if all(r["isSuccess"] for r in results) else 400
            return status, results
        return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]

    def _email(self, values: Any) -> dict[str, Any]:
        if not isinstance(values, dict):
            return _failed("INVALID_TYPE", "Cannot deserialize instance of inputs")
        for name in ("emailSubject", "emailBody"):
            if not str(values.get(name) or "").strip():
                return _failed("REQUIRED_FIELD_MISSING", f"Missing required input parameter: {name}", [name])
        listed = [a.strip() for a in str(values.get("emailAddresses") or "").split(",") if a.strip()]
        array = values.get("emailAddressesArray") or []
        to = tuple(listed + [str(a).strip() for a in array if str(a).strip()])
        if not to:
            return _failed(
                "REQUIRED_FIELD_MISSING", "Missing required input parameter: emailAddresses", ["emailAddresses"]
            )
        if len(to) > MAX_RECIPIENTS:
            return _failed("LIMIT_EXCEEDED", f"You can send an email to up to {MAX_RECIPIENTS} recipients.")
        if self.sent_today() + len(to) > self.daily_limit:
            return _failed("SINGLE_EMAIL_LIMIT_EXCEEDED", LIMIT_MESSAGE)
        self.outbox.append(
            SentEmail(to, str(values["emailSubject"]), str(values["emailBody"]), self.sender(), self.clock())
        )
        return {"actionName": "emailSimple", "errors": None, "isSuccess": True, "outputValues": None}


def _error(code: str, message: str, fields: list[str] | None = None) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": fields or []}


def _failed(code: str, message: str, fields: list[str] | None = None) -> dict[str, Any]:
    return {
        "actionName": "emailSimple",
        "errors": [_error(code, message, fields)],
        "isSuccess": False,
        "outputValues": None,
    }
