"""Exchange sign-in as it works today, through the commands a user runs against the EWS emulator:
Exchange Online with OAuth (MSAL and the EWS scope; a token that has expired is renewed, no new sign-in),
on-premises Exchange with NTLM, and an ``http://`` EWS address refused before any password is sent."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from app.compose.exits import UsageError
from app.compose.setup import new_profile
from app.core.profile import CrmSettings, MailboxSettings, Profile
from app.emulators.base import Fault
from app.emulators.serve import emulators
from tests.system.syncbar_cli import syncbar


@pytest.fixture
def env(secret_service_env: dict[str, str]) -> dict[str, str]:
    return dict(os.environ, DBUS_SESSION_BUS_ADDRESS=secret_service_env["DBUS_SESSION_BUS_ADDRESS"])


def connect(home: Path, env: dict[str, str], info: dict[str, Any]) -> None:
    code, out = syncbar(
        home, env, "connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"],
        "--mailbox", "ews",
    )  # fmt: skip
    assert code == 0, out


def new_mail(host: Any, subject: str) -> None:
    customer = host.services["salesforce"].org.people[12].email
    host.services["ews"].add_message("inbox", subject, customer, host.services["ews"].owner.address)


def test_exchange_online_signs_in_with_oauth_and_renews_an_expired_token(tmp_path: Path, env: dict[str, str]) -> None:
    with emulators(items=60, seed=5, names=["ews-online", "graph", "salesforce"], cert_dir=tmp_path / "c") as host:
        ews: Any = host.services["ews"]
        home = tmp_path / "home"
        connect(home, env, host.info())
        profile = json.loads((home / "config" / "profile.json").read_text())["mailbox"]
        assert profile["auth_type"] == "oauth2" and profile["authority"].startswith("https://127.0.0.1:")
        code, session = syncbar(home, env, "sync", "--once", "--json")
        assert code in (0, 1) and session["error_code"] == "", session
        assert session["counts"]["email"]["new"] > 0
        assert set(ews.schemes) == {"bearer"}, ews.schemes  # nothing but the tenant's tokens got in

        # The access token's life ends: Exchange refuses it (401, Bearer), Syncbar renews it through MSAL
        # at the token endpoint and the cycle goes on, with no new sign-in.
        token_calls = host.calls("graph").get("identity.token", 0)
        host.inject("ews", Fault("expire"))
        new_mail(host, "Order after expiry")
        code, session = syncbar(home, env, "sync", "--once", "--json")
        assert code in (0, 1) and session["error_code"] == "", session
        assert session["counts"]["email"]["new"] == 1, session
        assert host.calls("graph").get("identity.token", 0) > token_calls  # renewed, with the refresh token

        # Signed out at the tenant: the refresh fails with invalid_grant, and only now is a sign-in asked for.
        host.services["graph"].revoke_tokens()
        host.inject("ews", Fault("expire"))
        new_mail(host, "Order after revocation")
        code, session = syncbar(home, env, "sync", "--once", "--json")
        assert code == 3 and session["error_code"] == "MBX_AUTH_FAILED", session


def test_exchange_on_premises_signs_in_with_ntlm(tmp_path: Path, env: dict[str, str]) -> None:
    with emulators(items=60, seed=6, names=["ews", "salesforce"], cert_dir=tmp_path / "c") as host:
        ews: Any = host.services["ews"]
        ews.allow_basic = False  # Windows authentication only, as on a default Exchange Server EWS directory
        home = tmp_path / "home"
        connect(home, env, host.info())
        assert json.loads((home / "config" / "profile.json").read_text())["mailbox"]["auth_type"] == "ntlm"
        code, session = syncbar(home, env, "sync", "--once", "--json")
        assert code in (0, 1) and session["error_code"] == "", session
        assert session["counts"]["email"]["new"] > 0
        assert set(ews.schemes) == {"ntlm"}, ews.schemes

        ews.revoke_tokens()  # the password changed on the server: the NTLM handshake now fails
        new_mail(host, "Order after password change")
        code, session = syncbar(home, env, "sync", "--once", "--json")
        assert code == 3 and session["error_code"] == "MBX_AUTH_FAILED", session


def test_an_http_ews_address_is_refused_at_setup_and_at_load(tmp_path: Path, env: dict[str, str]) -> None:
    url = "http://mail.acme.com/EWS/Exchange.asmx"
    with pytest.raises(UsageError, match="does not start with https://"):
        new_profile("ews", address="rep@acme.com", ews_url=url)
    # A profile edited by hand (or written by an older version): every command stops before sending anything.
    mailbox = MailboxSettings(kind="ews", account="rep@acme.com", secret_key="mailbox", base_url=url)
    crm = CrmSettings(account="rep@acme.com", secret_key="crm", client_id="3MVG9-example")
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "profile.json").write_text(json.dumps(Profile(mailbox, crm).to_json()))
    code, out = syncbar(home, env, "sync", "--once")
    assert code == 2, out
    assert f"the Exchange address {url} does not start with https://" in out
