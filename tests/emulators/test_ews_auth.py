"""How the two EWS emulators let a client in, as the real servers do, and how Syncbar's EWS sign-in picks
what the server offers: on premises NTLM (a real handshake) or Basic where enabled; Exchange Online
only the tenant's bearer tokens for Exchange, with ``WWW-Authenticate: Bearer`` on every refusal."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests_ntlm import HttpNtlmAuth

from app.auth.tokens import ProcessKeyring, TokenStore
from app.core.catalog import load_default
from app.core.errors import AccountError
from app.emulators import tenant
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.ews import EwsConnection, EwsMailbox, EwsSettings
from app.providers.ews.connect import choose_password_auth

CATALOG = load_default()

PROBE = (
    '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
    '<s:Body><m:GetFolder xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/></s:Body>'
    "</s:Envelope>"
)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=2, names=["ews", "graph"], cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture(scope="module")
def online(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=2, names=["ews-online", "graph"], cert_dir=tmp_path_factory.mktemp("c")) as h:
        yield h


@pytest.fixture
def ews(host: EmulatorHost) -> Iterator[Any]:
    svc: Any = host.services["ews"]
    yield svc
    svc.allow_ntlm = svc.allow_basic = True


def post(host: EmulatorHost, **kwargs: Any) -> requests.Response:
    url = host.info()["services"]["ews"]["endpoint"]
    with requests.Session() as session:
        return session.post(url, data=PROBE, verify=str(host.ca_path), **kwargs)


def test_on_premises_answers_a_real_ntlm_handshake_and_refuses_a_wrong_password(host: EmulatorHost, ews: Any) -> None:
    c = host.info()["services"]["ews"]
    bare = post(host)
    assert bare.status_code == 401 and bare.headers["WWW-Authenticate"] == 'NTLM, Basic realm="mail.example.com"'
    for user in (c["username"], c["address"]):
        assert post(host, auth=HttpNtlmAuth(user, c["password"])).status_code == 200
    refused = post(host, auth=HttpNtlmAuth(c["username"], "not-the-password"))
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("NTLM")
    ews.allow_basic = False
    basic = "Basic " + base64.b64encode(f"{c['username']}:{c['password']}".encode()).decode()
    answer = post(host, headers={"Authorization": basic})
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "NTLM"


def test_sign_in_picks_ntlm_then_basic_as_the_server_offers(host: EmulatorHost, ews: Any) -> None:
    url = host.info()["services"]["ews"]["endpoint"]
    ca = str(host.ca_path)
    assert choose_password_auth(url, ca, catalog=CATALOG) == "ntlm"
    ews.allow_ntlm = False
    assert choose_password_auth(url, ca, catalog=CATALOG) == "basic"
    ews.allow_basic = False
    with pytest.raises(AccountError, match="takes no password sign-in"):
        choose_password_auth(url, ca, catalog=CATALOG)
    with pytest.raises(AccountError, match="does not start with https://"):
        choose_password_auth(url.replace("https://", "http://"), ca, catalog=CATALOG)


def test_exchange_online_takes_only_the_tenants_tokens_for_exchange(online: EmulatorHost) -> None:
    c = online.info()["services"]["ews"]
    assert c["mode"] == "online" and "password" not in c
    ews: Any = online.services["ews"]
    basic = "Basic " + base64.b64encode(f"{c['username']}:anything".encode()).decode()
    graph_token = online.info()["services"]["graph"]["access_token"]  # a token for Graph, not for Exchange
    forged = tenant.issue({"aud": tenant.EXCHANGE, "scp": tenant.EWS_SCOPE, "upn": c["address"]})[:-4] + "AAAA"
    expired = tenant.issue({"aud": tenant.EXCHANGE, "scp": tenant.EWS_SCOPE, "upn": c["address"]}, lifetime=-60)
    for headers in (
        {},
        {"Authorization": basic},
        {"Authorization": f"Bearer {graph_token}"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {expired}"},
    ):
        answer = post(online, headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["WWW-Authenticate"].startswith('Bearer client_id="00000002-0000-0ff1-ce00-000000000000"')
    assert "2000008" in post(online, headers={"Authorization": f"Bearer {expired}"}).headers["x-ms-diagnostics"]
    assert ews.schemes == {}


def test_the_identity_platform_issues_one_resource_per_token(online: EmulatorHost) -> None:
    from app.auth.microsoft import EWS_SCOPES, SCOPES, MicrosoftAuth

    graph = online.info()["services"]["graph"]
    answer = requests.post(
        graph["token_url"],
        data={
            "client_id": graph["client_id"],
            "grant_type": "refresh_token",
            "refresh_token": graph["refresh_token"],
            "scope": " ".join(SCOPES + EWS_SCOPES),
        },
        verify=str(online.ca_path),
    )
    assert answer.status_code == 400 and answer.json()["error_codes"] == [28000]
    # MSAL with the EWS scope gets a token Exchange Online takes and Graph refuses.
    auth = MicrosoftAuth(
        TokenStore(ProcessKeyring()),
        authority=graph["authority"],
        client_id=graph["client_id"],
        ca_file=str(online.ca_path),
        scopes=EWS_SCOPES,
        catalog=CATALOG,
    )
    token = auth.app.acquire_token_by_refresh_token(graph["refresh_token"], EWS_SCOPES)["access_token"]
    assert post(online, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    me = requests.get(
        online.url("graph") + "/v1.0/me",
        headers={"Authorization": f"Bearer {token}"},
        verify=str(online.ca_path),
    )
    assert me.status_code == 401


def test_an_access_token_exchangelib_finds_expired_is_renewed_through_the_token_source(
    online: EmulatorHost, tmp_path: Path
) -> None:
    c = online.info()["services"]["ews"]
    calls: list[bool] = []

    def source(force: bool) -> tuple[str, float]:
        calls.append(force)
        token = tenant.issue({"aud": tenant.EXCHANGE, "scp": tenant.EWS_SCOPE, "upn": c["address"]})
        # The first token is one the client believes expired a minute ago: requests-oauthlib raises
        # TokenExpiredError before sending it, exchangelib calls refresh(), the source is asked again.
        return token, time.time() + (3600 if len(calls) > 1 else -60)

    settings = EwsSettings(
        address=c["address"], endpoint=c["endpoint"], auth_type="oauth2", ca_file=str(online.ca_path)
    )
    box = EwsMailbox(EwsConnection(settings, token_source=source, catalog=CATALOG), history_days=365)
    page = box.changes("inbox", None)
    while not page.items and page.more:  # the windowed first read may start with a page of ids only
        page = box.changes("inbox", page.cursor)
    assert page.items
    assert calls[:2] == [False, True]
