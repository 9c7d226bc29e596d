"""The mails Syncbar writes for the user speak the user's language: the escalation email and the support note."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core import mail_words

SINCE = datetime(2026, 11, 26, 5, 38, tzinfo=UTC)


def escalation() -> tuple[str, str]:
    return mail_words.escalation(
        side="salesforce",
        hours=3,
        since=SINCE,
        title="T",
        reason="R",
        fix="F",
        account="anna@company.example",
        code="SF_AUTH_FAILED",
    )


def test_english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCBAR_LANG", "en")
    subject, body = escalation()
    assert subject == "Syncbar has stopped syncing"
    assert "because of Salesforce for about 3 hours (since 2026-11-26 05:38 UTC)" in body
    assert "What to do: F" in body and "Error code: SF_AUTH_FAILED" in body
    subject, body = mail_words.support_request("", "report.json, log.txt", "SF_ROW_LOCKED")
    assert subject == "Syncbar support request: SF_ROW_LOCKED" and "(nothing written)" in body


def test_swedish_when_the_user_reads_swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCBAR_LANG", "sv")
    subject, body = escalation()
    assert subject == "Syncbar har slutat synka"
    assert "på grund av Salesforce på ungefär 3 timmar (sedan 2026-11-26 05:38 UTC)" in body
    assert "Gör så här: F" in body and "Felkod: SF_AUTH_FAILED" in body
    assert "What to do" not in body and "hour" not in body
    subject, body = mail_words.support_request("Det tog stopp", "report.json")
    assert subject == "Supportärende för Syncbar" and "Det tog stopp" in body and "Hello" not in body
