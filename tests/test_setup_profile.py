"""Profiles for real accounts: the endpoints, the company's app registrations, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.compose.exits import UsageError
from app.compose.registrations import RegistrationError
from app.compose.setup import new_profile
from app.core.profile import SyncChoices

MS_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
GOOGLE_ID = "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com"
SF_ID = "3MVG9" + "A" * 80


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder holding a company's registrations.json; no system file, no environment."""
    for name in (
        "SYNCBAR_MS_CLIENT_ID",
        "SYNCBAR_MS_AUTHORITY",
        "SYNCBAR_GOOGLE_CLIENT_ID",
        "SYNCBAR_GOOGLE_CLIENT_SECRET",
        "SYNCBAR_SF_CLIENT_ID",
        "SYNCBAR_SF_CALLBACK_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SYNCBAR_REGISTRATIONS", str(tmp_path / "nowhere.json"))
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "registrations.json").write_text(
        json.dumps(
            {
                "microsoft": {"client_id": MS_ID},
                "google": {"client_id": GOOGLE_ID, "client_secret": "GOCSPX-company-desktop-secret"},
                "salesforce": {"client_id": SF_ID},
            }
        )
    )
    return folder


def test_microsoft_365_profile_uses_the_public_endpoints_and_the_registrations(config: Path) -> None:
    prof = new_profile("graph", choices=SyncChoices(tasks=False), config=config)
    assert prof.mailbox.base_url == "https://graph.microsoft.com"
    assert prof.mailbox.authority == "https://login.microsoftonline.com/organizations"
    assert prof.mailbox.client_id == MS_ID
    assert prof.crm.client_id == SF_ID and prof.crm.callback_url == "http://localhost:1717/OauthRedirect"
    assert prof.crm.login_url == "https://login.salesforce.com" and not prof.choices.tasks
    assert prof.mailbox.account == "" and prof.choices.activated_at  # filled in by the sign-in


def test_gmail_profile_carries_the_desktop_clients_secret(config: Path) -> None:
    prof = new_profile("gmail", config=config)
    assert prof.mailbox.client_id == GOOGLE_ID and prof.mailbox.client_secret == "GOCSPX-company-desktop-secret"


def test_the_environment_wins_over_the_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCBAR_MS_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("SYNCBAR_SF_CLIENT_ID", "3MVG9-company")
    monkeypatch.setenv("SYNCBAR_SF_CALLBACK_URL", "http://localhost:7788/sf/callback")
    prof = new_profile("graph", salesforce_login_url="https://acme.my.salesforce.com/", config=config)
    assert prof.mailbox.client_id == "11111111-2222-3333-4444-555555555555"
    assert prof.crm.client_id == "3MVG9-company" and prof.crm.login_url == "https://acme.my.salesforce.com"
    assert prof.crm.callback_url == "http://localhost:7788/sf/callback"


def test_without_registrations_setup_says_exactly_what_is_missing(config: Path) -> None:
    (config / "registrations.json").unlink()
    with pytest.raises(RegistrationError) as caught:
        new_profile("gmail", config=config)
    text = str(caught.value)
    assert "google.client_id" in text and "SYNCBAR_GOOGLE_CLIENT_ID" in text
    assert "google.client_secret" in text and "salesforce.client_id" in text
    assert "microsoft" not in text  # a Gmail profile does not need it
    assert str(config / "registrations.json") in text and "docs/admin.md" in text


def test_wrong_values_are_named(config: Path) -> None:
    (config / "registrations.json").write_text(
        json.dumps(
            {
                "microsoft": {"client_id": "syncbar-desktop"},
                "salesforce": {"client_id": SF_ID, "callback_url": "http://127.0.0.1/callback"},
            }
        )
    )
    with pytest.raises(RegistrationError) as caught:
        new_profile("graph", config=config)
    assert "'syncbar-desktop' is not an Application (client) ID (a GUID)" in str(caught.value)
    assert "explicit port" in str(caught.value)


def test_exchange_needs_an_address_and_salesforce_an_https_login(config: Path) -> None:
    with pytest.raises(UsageError, match="address"):
        new_profile("ews", address="", config=config)
    prof = new_profile("ews", address="rep@acme.com", ews_url="https://mail.acme.com/EWS/Exchange.asmx", config=config)
    assert prof.mailbox.account == "rep@acme.com" and prof.mailbox.username == "rep@acme.com"
    with pytest.raises(UsageError, match="https://"):
        new_profile("gmail", salesforce_login_url="login.salesforce.com", config=config)
    with pytest.raises(UsageError, match="unknown mailbox kind"):
        new_profile("imap", config=config)
