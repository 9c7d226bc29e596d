"""Keyring entries scoped by profile and by service kind, and the one-time move of older entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keyring.backends import fail

from app.auth import profile_secrets
from app.auth.tokens import SERVICE, ProcessKeyring, TokenStore
from app.compose.setup import new_profile
from app.core import profile

MSAL = {"msal_cache": '{"RefreshToken": {}}', "username": "rep@acme.com"}
GOOGLE = {"access_token": "ya29.a", "refresh_token": "1//r", "expires_at": 0.0, "account": ""}
SALESFORCE = {"access_token": "00D!a", "refresh_token": "5Aep", "instance_url": "https://acme.my.salesforce.com"}



@pytest.fixture(autouse=True)
def company_registrations(monkeypatch: pytest.MonkeyPatch) -> None:
    """A company's app registrations, as an IT department deploys them (new profiles need them)."""
    monkeypatch.setenv("SYNCBAR_MS_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("SYNCBAR_GOOGLE_CLIENT_ID", "123456789012-abcdefgh.apps.googleusercontent.com")
    monkeypatch.setenv("SYNCBAR_GOOGLE_CLIENT_SECRET", "GOCSPX-company-desktop-secret")
    monkeypatch.setenv("SYNCBAR_SF_CLIENT_ID", "3MVG9-company")


def legacy_home(config: Path, kind: str) -> None:
    """A profile as Syncbar wrote it before profiles had an id."""
    data = new_profile(kind, address="rep@acme.com").to_json()
    del data["profile_id"]
    data["mailbox"]["secret_key"] = "mailbox:primary"
    data["crm"]["secret_key"] = "salesforce:primary"
    config.mkdir(parents=True)
    (config / "profile.json").write_text(json.dumps(data))


def test_new_profiles_have_their_own_entries_per_service_kind() -> None:
    a, b = new_profile("graph"), new_profile("gmail")
    assert a.profile_id and b.profile_id and a.profile_id != b.profile_id
    names = {a.mailbox.secret_key, a.crm.secret_key, b.mailbox.secret_key, b.crm.secret_key}
    assert len(names) == 4
    assert a.mailbox.secret_key.endswith("/mailbox/graph") and b.mailbox.secret_key.endswith("/mailbox/gmail")
    assert a.crm.secret_key == f"{a.profile_id}/crm/salesforce"


def test_a_legacy_profile_moves_its_entries_once_and_keeps_its_id(tmp_path: Path) -> None:
    config = tmp_path / "config"
    legacy_home(config, "graph")
    keyring = ProcessKeyring([(SERVICE, "mailbox:primary", json.dumps(MSAL))])
    keyring.set_password(SERVICE, "salesforce:primary", json.dumps(SALESFORCE))
    tokens = TokenStore(keyring)
    prof = profile_secrets.load(config, tokens)
    assert prof is not None and prof.profile_id
    assert tokens.load(prof.mailbox.secret_key) == MSAL and tokens.load(prof.crm.secret_key) == SALESFORCE
    assert tokens.load("mailbox:primary") is None and tokens.load("salesforce:primary") is None
    again = profile.load(config)
    assert again is not None and again.profile_id == prof.profile_id
    assert again.mailbox.secret_key == prof.mailbox.secret_key
    assert profile_secrets.load(config, tokens) == again


def test_an_entry_written_for_another_kind_of_service_is_left_alone(tmp_path: Path) -> None:
    """The Google token another profile left under the shared name is never used as an Exchange password."""
    config = tmp_path / "config"
    legacy_home(config, "ews")
    tokens = TokenStore(ProcessKeyring([(SERVICE, "mailbox:primary", json.dumps(GOOGLE))]))
    prof = profile_secrets.load(config, tokens)
    assert prof is not None and prof.mailbox.secret_key.endswith("/mailbox/ews")
    assert tokens.load(prof.mailbox.secret_key) is None  # this profile asks to sign in again
    assert tokens.load("mailbox:primary") == GOOGLE  # the other profile's secret stays where it was


def test_without_a_keyring_a_legacy_profile_is_left_as_it_was(tmp_path: Path) -> None:
    config = tmp_path / "config"
    legacy_home(config, "gmail")
    before = (config / "profile.json").read_text()
    prof = profile_secrets.load(config, TokenStore(fail.Keyring()))
    assert prof is not None and prof.mailbox.secret_key == "mailbox:primary" and not prof.profile_id
    assert (config / "profile.json").read_text() == before


def test_the_id_given_to_a_legacy_profile_is_the_same_in_every_process(tmp_path: Path) -> None:
    """The app and `syncbar sync` may load the same legacy profile at once: both choose one id."""
    ids = set()
    for _ in range(2):
        config = tmp_path / "config"
        if config.exists():
            (config / "profile.json").unlink()
            config.rmdir()
        legacy_home(config, "graph")
        prof = profile_secrets.load(config, TokenStore(ProcessKeyring()))
        assert prof is not None
        ids.add(prof.profile_id)
    assert len(ids) == 1
