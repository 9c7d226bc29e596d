"""Fuzzing the cycle: odd addresses, control characters, right-to-left text, emoji, huge bodies.

Never a crash; each item ends synced (truncated with a note where needed),
ignored with a reason, or an open issue with a clear code.
``SYNCBAR_SLOW=1`` runs many more examples.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import Direction, ItemKind, ItemState, MailItem, Person
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox

CATALOG = load_default()
EXAMPLES = 400 if os.environ.get("SYNCBAR_SLOW") == "1" else 40

odd_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400) | st.sampled_from(
    [
        "\u202eevil\u202c",
        "שלום עולם",
        "مرحبا",
        "👩‍👩‍👧‍👦" * 80,
        "a\x00b\x07c",
        "=?iso-8859-1?q?caf=E9?=",
        "x" * 300,
        "\r\n\t",
        "",
    ]
)
address = st.sampled_from(
    [
        "alice@customer.com",
        "ALICE@Customer.COM ",
        "<bob@prospect.com>",
        "info@customer.com",
        "not-an-address",
        "",
        "a@b",
        "émile@exämple.fr",
        "x@xn--exmple-cua.fr",
        '"odd person"@customer.com',
        "alice@customer.com.",
        "user@[127.0.0.1]",
        "a" * 300 + "@customer.com",
        OWNER,
    ]
) | st.emails().map(str)


@st.composite
def items(draw: st.DrawFn) -> list[MailItem]:
    out = []
    for n in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from([ItemKind.EMAIL, ItemKind.EVENT, ItemKind.CONTACT, ItemKind.TASK]))
        body = draw(odd_text)
        if draw(st.integers(0, 20)) == 0:
            body = "é" * 5_000_000  # a 10 MB body
        start = T0 - timedelta(hours=draw(st.integers(0, 24 * 10)))
        out.append(
            MailItem(
                kind=kind,
                mailbox_id=f"x{n}",
                stream={"email": "inbox", "event": "inbox", "contact": "contacts", "task": "inbox"}[kind.value],
                subject=draw(odd_text),
                body=body,
                sender=Person(draw(address), draw(odd_text)) if draw(st.booleans()) else None,
                recipients=tuple(Person(a, "") for a in draw(st.lists(address, max_size=4))),
                occurred_at=start,
                end_at=start + timedelta(minutes=draw(st.integers(-60, 600))),
                direction=draw(st.sampled_from(list(Direction))),
                fields={
                    k: draw(odd_text)
                    for k in draw(
                        st.lists(
                            st.sampled_from(
                                [
                                    "first_name",
                                    "last_name",
                                    "email",
                                    "company",
                                    "phone",
                                    "title",
                                    "due",
                                    "status",
                                    "priority",
                                ]
                            ),
                            unique=True,
                        )
                    )
                },
                headers={
                    k: draw(odd_text)
                    for k in draw(
                        st.lists(
                            st.sampled_from(
                                ["Message-ID", "Auto-Submitted", "List-Id", "Content-Type", "X-Failed-Recipients"]
                            ),
                            unique=True,
                        )
                    )
                },
            )
        )
    return out


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(items())
def test_any_item_ends_synced_ignored_or_an_issue(batch: list[MailItem]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "s.db")
        try:
            mailbox, crm = FakeMailbox(batch, streams=("inbox", "contacts")), FakeCrm()
            rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))
            result = Engine(store, mailbox, crm, rules, CATALOG, clock=Clock()).run()
            assert result.error is None, result.error
            open_issues = {i.item_key: i for i in store.issues()}
            for item in batch:
                row = store.row(item.key)
                assert row is not None
                if row.state is ItemState.SYNCED:
                    values = crm.records[row.record_id].values
                    for name, value in values.items():
                        if isinstance(value, str) and name == "Subject":
                            assert len(value) <= 255
                        if isinstance(value, str) and name == "Description":
                            assert len(value) <= 32_000
                elif row.state is ItemState.IGNORED:
                    assert row.last_code.startswith("IGN_")
                else:
                    assert row.state in (ItemState.FAILED, ItemState.QUARANTINED)
                    issue = open_issues[item.key]
                    assert issue.code in CATALOG and issue.code != "SYNC_UNKNOWN_ERROR", issue
                    assert issue.message
        finally:
            store.close()
