"""Profiles for real accounts: the endpoints and app registrations, and clear errors for bad input."""

from __future__ import annotations

import pytest

from app.commands import UsageError
from app.profile import SyncChoices
from app.setup import new_profile


def test_microsoft_365_profile_uses_the_public_endpoints() -> None:
    prof = new_profile("graph", choices=SyncChoices(tasks=False))
    assert prof.mailbox.base_url == "https://graph.microsoft.com"
    assert prof.mailbox.authority.startswith("https://login.microsoftonline.com/")
    assert prof.crm.login_url == "https://login.salesforce.com" and not prof.choices.tasks
    assert prof.mailbox.account == "" and prof.choices.activated_at  # filled in by the sign-in


def test_company_registrations_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCBAR_MS_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("SYNCBAR_SF_CLIENT_ID", "3MVG9-company")
    prof = new_profile("graph", salesforce_login_url="https://acme.my.salesforce.com/")
    assert prof.mailbox.client_id == "11111111-2222-3333-4444-555555555555"
    assert prof.crm.client_id == "3MVG9-company" and prof.crm.login_url == "https://acme.my.salesforce.com"


def test_exchange_needs_an_address_and_salesforce_an_https_login() -> None:
    with pytest.raises(UsageError, match="address"):
        new_profile("ews", address="")
    prof = new_profile("ews", address="rep@acme.com", ews_url="https://mail.acme.com/EWS/Exchange.asmx")
    assert prof.mailbox.account == "rep@acme.com" and prof.mailbox.username == "rep@acme.com"
    with pytest.raises(UsageError, match="https://"):
        new_profile("gmail", salesforce_login_url="login.salesforce.com")
    with pytest.raises(UsageError, match="unknown mailbox kind"):
        new_profile("imap")
