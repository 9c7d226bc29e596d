"""Where Chat with support goes: the company's registrations.json "support" (or the environment), a visible
default without it, and the user's own choice in Settings above both."""

from __future__ import annotations

import json
from pathlib import Path

from app.compose import registrations, wiring
from app.core.profile import CrmSettings, MailboxSettings, Profile


def test_company_file_environment_default_and_the_users_choice(tmp_path: Path) -> None:
    system = tmp_path / "system.json"
    none = registrations.load(tmp_path, environ={}, system=system).support
    assert none.address == registrations.DEFAULT_SUPPORT_ADDRESS and not none.configured
    system.write_text(json.dumps({"support": {"address": "help@corp.example", "url": "https://help.corp.example"}}))
    company = registrations.load(tmp_path, environ={}, system=system).support
    assert (company.address, company.url, company.configured) == (
        "help@corp.example",
        "https://help.corp.example",
        True,
    )
    env = {"SYNCBAR_SUPPORT_ADDRESS": "desk@corp.example"}
    assert registrations.load(tmp_path, environ=env, system=system).support.address == "desk@corp.example"
    system.write_text(json.dumps({"support": {"address": "not an address", "url": "http://plain.example"}}))
    wrong = registrations.load(tmp_path, environ={}, system=system)
    assert wrong.support.address == registrations.DEFAULT_SUPPORT_ADDRESS and wrong.support.url == ""
    assert "support" not in wrong.problems  # a sign-in never waits on the support contact

    (tmp_path / "registrations.json").write_text(json.dumps({"support": {"address": "beside@corp.example"}}))
    prof = Profile(MailboxSettings("graph", "me@corp.example", "k"), CrmSettings("me@corp.example", "s"))
    assert wiring.support_contact(prof, tmp_path).address == "beside@corp.example"
    prof.choices.support_address = registrations.DEFAULT_SUPPORT_ADDRESS  # an older profile's stored default
    assert wiring.support_contact(prof, tmp_path).address == "beside@corp.example"
    prof.choices.support_address = "mine@corp.example"
    assert wiring.support_contact(prof, tmp_path).address == "mine@corp.example"
