"""Exchange's private CA is trusted on our account's sessions, for its endpoint only, never process-wide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import requests.adapters
from exchangelib.protocol import BaseProtocol, Protocol

from app.core.catalog import load_default
from app.providers.ews import EwsConnection, EwsSettings

ENDPOINT = "https://ews.example.test/EWS/Exchange.asmx"


def test_the_ca_holds_for_our_accounts_endpoint_and_nowhere_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # "True" below is the session's own default
        monkeypatch.delenv(name, raising=False)
    ca = tmp_path / "ca.pem"
    ca.write_text("a CA file")
    settings = EwsSettings(
        address="rep@example.test", username="rep", endpoint=ENDPOINT, auth_type="basic", ca_file=str(ca)
    )
    account = EwsConnection(settings, "pw", catalog=load_default()).account()  # builds sessions lazily: no request
    assert BaseProtocol.HTTP_ADAPTER_CLS is requests.adapters.HTTPAdapter, "exchangelib's default is left alone"

    verified: list[tuple[str, Any]] = []

    def send(self: Any, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        verified.append((str(request.url), kwargs.get("verify")))
        raise requests.ConnectionError("recorded, not sent")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    ours = account.protocol.raw_session(ENDPOINT)
    token_url = "https://login.example.test/token"
    ours.mount(token_url, type(account.protocol).get_adapter())  # as exchangelib mounts an OAuth token endpoint
    other = Protocol.raw_session("https://other.example.test/EWS/Exchange.asmx")  # another exchangelib user's
    for session, url in ((ours, ENDPOINT), (ours, token_url), (other, "https://other.example.test/EWS/Exchange.asmx")):
        with pytest.raises(requests.ConnectionError):
            session.post(url, data=b"")
    assert verified == [
        (ENDPOINT, str(ca)),
        (token_url, True),
        ("https://other.example.test/EWS/Exchange.asmx", True),
    ]


def test_without_a_ca_file_the_account_uses_exchangelibs_own_protocol() -> None:
    settings = EwsSettings(
        address="rep@example.test",
        username="rep",
        endpoint="https://plain.example.test/EWS/Exchange.asmx",
        auth_type="basic",
    )
    account = EwsConnection(settings, "pw", catalog=load_default()).account()
    assert type(account.protocol) is Protocol
