"""The support report removes secrets and keeps what support needs: every catalogue code survives."""

from __future__ import annotations

import json

import pytest

from app.compose.report import REDACTED, redact
from app.core.catalog import load_default


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


def test_every_catalogue_code_survives_in_the_report_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A store holding an issue of every code: issues.json keeps each code; no file loses a code it carries."""
    import random
    from datetime import UTC, datetime

    from app.compose import report
    from app.core.model import Source
    from app.core.runner import SyncService
    from app.core.scheduler import Scheduler
    from app.core.store import Store

    catalog = load_default()
    store = Store.open(tmp_path / "s.db")
    now = datetime.now(UTC)
    codes = [e.code for e in catalog.entries()]
    for n, code in enumerate(codes):
        store.record_account_issue(code=code, source=Source.ENGINE, account=f"a{n}@example.com", message="m", now=now)
    svc = SyncService(
        store, catalog, Scheduler(store, catalog, rng=random.Random(1)), tmp_path / "lock", connect=None, rules=None
    )
    files = {f.name: f.text or "" for f in report.build(svc, profile=None, log_file=None, secrets=["s3cr3t-value"])}
    issues = json.loads(files["issues.json"])
    for part in ("open", "recent"):
        kept = {i["code"] for i in issues[part]}
        assert kept == set(codes), (part, sorted(set(codes) - kept))
    assert REDACTED not in files["issues.json"]  # nothing in it looked like a secret
    listed = [
        line.split()[0] for line in files["summary.txt"].splitlines() if line.startswith("  ") and "attempts" in line
    ]
    assert len(listed) == 50 and set(listed) <= set(codes)  # the summary lists 50, each code whole
