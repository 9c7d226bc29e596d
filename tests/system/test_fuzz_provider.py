"""Fuzzing through rules, engine and the real Salesforce provider (over HTTPS to its emulator), and the
Gmail provider's MIME reading.  Never a crash; each item ends synced within Salesforce's limits, ignored
with a reason, or an issue with a clear code."""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import ItemState, MailItem
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.gmail.mailbox import message_item
from app.providers.salesforce import SalesforceCrm
from tests.core.test_fuzz_engine import items, odd_text
from tests.fakes import OWNER, T0, Clock, FakeMailbox

CATALOG = load_default()
EXAMPLES = 200 if os.environ.get("SYNCBAR_SLOW") == "1" else 20


@pytest.fixture(scope="module", params=["standard", "custom-key"])
def sf(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    """Both org variants: a standard org, and one where an admin installed Syncbar_Key__c."""
    certs = tmp_path_factory.mktemp("certs")
    with emulators(items=50, seed=31, names=["salesforce"], cert_dir=certs, org=request.param) as host:
        svc: Any = host.services["salesforce"]
        with svc.lock:  # the fuzzed items' usual correspondents exist in the org
            svc._create("Contact", {"FirstName": "Alice", "LastName": "Customer", "Email": "alice@customer.com"})
            svc._create("Lead", {"LastName": "Prospect", "Company": "Prospect", "Email": "bob@prospect.com"})
        yield host


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(batch=items())
def test_fuzzed_items_through_the_salesforce_provider(batch: list[MailItem], sf: EmulatorHost) -> None:
    creds = sf.info()["services"]["salesforce"]
    crm = SalesforceCrm(
        creds["username"],
        lambda force: (creds["instance_url"], creds["access_token"]),
        ca_file=str(sf.ca_path),
        catalog=CATALOG,
    )
    records: Any = sf.services["salesforce"].records
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "s.db")
        try:
            mailbox = FakeMailbox(batch, streams=("inbox", "contacts"))
            rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))
            result = Engine(store, mailbox, crm, rules, CATALOG, clock=Clock()).run()
            assert result.error is None, result.error
            open_issues = {i.item_key: i for i in store.issues()}
            for item in batch:
                row = store.row(item.key)
                assert row is not None
                if row.state is ItemState.SYNCED:
                    stored = next((r for t in records.values() for r in t.values() if r["Id"] == row.record_id), None)
                    assert stored is not None, "synced to a record Salesforce does not have"
                    assert len(str(stored.get("Subject") or "")) <= 255
                elif row.state is ItemState.IGNORED:
                    assert row.last_code.startswith("IGN_")
                else:
                    issue = open_issues[item.key]
                    assert issue.code in CATALOG and issue.code != "SYNC_UNKNOWN_ERROR", issue
                    assert issue.message
        finally:
            store.close()


def _part(draw: st.DrawFn, depth: int) -> dict[str, Any]:
    mime = draw(
        st.sampled_from(
            [
                "text/plain",
                "text/html",
                "multipart/alternative",
                "multipart/mixed",
                "application/octet-stream",
                "",
                "text/plain; charset=bogus",
                "TEXT/PLAIN",
            ]
        )
    )
    part: dict[str, Any] = {
        "mimeType": mime,
        "headers": [
            {
                "name": draw(st.sampled_from(["Content-Type", "content-type", "X-Odd", ""])),
                "value": draw(
                    st.sampled_from(
                        [
                            'text/plain; charset="iso-8859-1"',
                            "charset=",
                            "text/html; charset=koi8-r",
                            "",
                            "text/plain; charset=utf-7",
                        ]
                    )
                ),
            }
        ],
    }
    if mime.startswith("multipart/") and depth < 3:
        part["parts"] = [_part(draw, depth + 1) for _ in range(draw(st.integers(0, 3)))]
    else:
        raw = draw(st.binary(max_size=300))
        data = base64.urlsafe_b64encode(raw).decode()
        part["body"] = {"data": draw(st.sampled_from([data, data.rstrip("="), "!!not base64!!", ""]))}
    return part


@st.composite
def gmail_messages(draw: st.DrawFn) -> dict[str, Any]:
    headers = [
        {"name": name, "value": draw(odd_text)}
        for name in draw(
            st.lists(
                st.sampled_from(["From", "To", "Cc", "Subject", "Date", "Message-ID", "Auto-Submitted", "List-Id"]),
                max_size=8,
            )
        )
    ]
    payload = _part(draw, 0)
    payload["headers"] = payload["headers"] + headers
    message: dict[str, Any] = {
        "id": draw(st.text(max_size=20)),
        "payload": payload,
        "labelIds": draw(st.lists(st.sampled_from(["INBOX", "SENT", "UNREAD"]), max_size=3)),
    }
    if draw(st.booleans()):
        message["internalDate"] = str(draw(st.integers(0, 4_102_444_800_000)))
    return message


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(gmail_messages())
def test_broken_mime_never_crashes_the_gmail_reader(message: dict[str, Any]) -> None:
    item = message_item(message, "alex.morgan@example.com")
    assert isinstance(item.subject, str) and isinstance(item.body, str)
