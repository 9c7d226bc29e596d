"""The support report removes secrets and keeps what support needs: every catalogue code survives."""

from __future__ import annotations

import json

import pytest

from app.core.catalog import load_default
from app.report import REDACTED, redact


def test_every_catalogue_code_survives_in_json_and_text() -> None:
    for entry in load_default().entries():
        as_json = json.dumps({"code": entry.code, "error_code": entry.code, "message": f"code={entry.code}"})
        kept = redact(as_json)
        assert json.loads(kept)["code"] == entry.code and json.loads(kept)["error_code"] == entry.code, kept


@pytest.mark.parametrize(
    "text",
    [
        "GET /callback?code=M.C507_BAY.2.U.abc123&state=xyz",
        "POST body: grant_type=authorization_code&code=4/0AfJohXk9&redirect_uri=http://localhost",
        "redirect code=aPrx8gZ2bZ&state=1",
    ],
)
def test_oauth_codes_in_urls_and_forms_are_removed(text: str) -> None:
    out = redact(text)
    assert REDACTED in out
    for secret in ("M.C507_BAY.2.U.abc123", "4/0AfJohXk9", "aPrx8gZ2bZ"):
        assert secret not in out
