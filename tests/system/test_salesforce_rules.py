"""Salesforce's own rules, end to end: the engine and the real Salesforce provider over HTTPS to its emulator.

- an email Task whose mailbox item changes is updated without the create-only ``TaskSubtype``;
- a converted Lead's address is not matched to it;
- an error code the catalogue does not know: a 4xx becomes an item issue with Salesforce's words,
  a 5xx stops the cycle as a temporary server error (retried), and neither quarantines the item;
- in either org variant (standard, or with our key field), a write Salesforce commits but whose answer
  never arrives (the connection drops) is found by the next cycle's reconcile, never written twice.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import ItemKind, ItemState, MailItem, Person
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.providers.salesforce import SalesforceCrm
from tests.fakes import OWNER, T0, Clock, FakeMailbox, contact, email

CATALOG = load_default()


@pytest.fixture
def sf(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=41, names=["salesforce"], cert_dir=tmp_path / "certs") as host:
        svc: Any = host.services["salesforce"]
        with svc.lock:
            svc._create("Contact", {"FirstName": "Alice", "LastName": "Customer", "Email": "alice@customer.com"})
            svc._create(
                "Lead",
                {"LastName": "Former", "Company": "Old Co", "Email": "carol@converted.example", "IsConverted": True},
            )
        yield host


def crm_for(host: EmulatorHost) -> SalesforceCrm:
    creds = host.info()["services"]["salesforce"]
    return SalesforceCrm(
        creds["username"],
        lambda force: (creds["instance_url"], creds["access_token"]),
        ca_file=str(host.ca_path),
        catalog=CATALOG,
    )


def engine(store: Store, mailbox: FakeMailbox, host: EmulatorHost, clock: Clock) -> Engine:
    rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))
    return Engine(store, mailbox, crm_for(host), rules, CATALOG, clock=clock)


def test_an_edited_email_updates_its_task_without_task_subtype(sf: EmulatorHost) -> None:
    tasks: Any = sf.services["salesforce"].records["Task"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "s.db")
        try:
            clock = Clock()
            mailbox = FakeMailbox([email(1, subject="Quote for Q3")])
            first = engine(store, mailbox, sf, clock).run()
            assert first.error is None and first.session.counts["email"].new == 1, first
            key = email(1).key
            row = store.row(key)
            assert row is not None and row.state is ItemState.SYNCED
            assert tasks[row.record_id]["TaskSubtype"] == "Email"

            mailbox.edit(email(1).mailbox_id, subject="Quote for Q3 (revised)")
            sf.reset_calls()
            second = engine(store, mailbox, sf, clock).run()
            assert second.error is None, second.error
            assert second.session.counts["email"].updated == 1 and not store.issues()
            task = tasks[row.record_id]
            assert task["Subject"].endswith("Quote for Q3 (revised)") and task["TaskSubtype"] == "Email"
            assert len(tasks) == 1
        finally:
            store.close()


def test_a_converted_leads_address_is_not_matched(sf: EmulatorHost) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "s.db")
        try:
            item = email(2, sender="carol@converted.example", to=OWNER, subject="Hello again")
            result = engine(store, FakeMailbox([item]), sf, Clock()).run()
            assert result.error is None
            row = store.row(item.key)
            assert row is not None and (row.state, row.last_code) == (ItemState.IGNORED, "IGN_NO_MATCH")
            assert not sf.services["salesforce"].records["Task"]
        finally:
            store.close()


def test_unknown_error_codes_are_classified_not_quarantined(sf: EmulatorHost) -> None:
    svc: Any = sf.services["salesforce"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "s.db")
        try:
            clock = Clock()
            mailbox = FakeMailbox([email(3, subject="Pricing")])
            # An org's trigger answers with a code no catalogue lists.
            svc.record_faults.append(("ORG_TRIGGER_SAID_NO", []))
            first = engine(store, mailbox, sf, clock).run()
            assert first.error is None
            [issue] = store.issues()
            assert issue.code == "DATA_REJECTED" and "org trigger said no" in issue.message
            row = store.row(email(3).key)
            assert row is not None and row.state is ItemState.FAILED and row.next_attempt is not None

            # An unknown code with a 5xx: a temporary server error for the cycle; the item waits, unblamed.
            clock.now = row.next_attempt
            sf.inject("salesforce", Fault("status", "composite", status=503, code="BRAND_NEW_OUTAGE"))
            second = engine(store, mailbox, sf, clock).run()
            assert second.error is not None and second.error.code == "SF_SERVER_ERROR"
            assert CATALOG.get("SF_SERVER_ERROR").retry_class.value == "transient"
            row = store.row(email(3).key)
            assert row is not None and row.state is not ItemState.QUARANTINED

            third = engine(store, mailbox, sf, clock).run()
            assert third.error is None
            row = store.row(email(3).key)
            assert row is not None and row.state is ItemState.SYNCED
        finally:
            store.close()


def meeting(n: int) -> MailItem:
    start = T0 - timedelta(days=1, hours=n)
    return MailItem(
        ItemKind.EVENT,
        f"e{n}",
        "calendar",
        subject=f"Review {n}",
        body="Agenda",
        sender=Person(OWNER),
        recipients=(Person("alice@customer.com"),),
        occurred_at=start,
        end_at=start + timedelta(minutes=30),
        web_link=f"https://mail.example/e{n}",
    )


@pytest.mark.parametrize("org", ["standard", "custom-key"])
def test_commit_then_drop_on_every_write_leaves_one_record_per_item(tmp_path: Path, org: str) -> None:
    # Mails 2 and 3: the same words to the same person an hour apart, so their Tasks hold the same values.
    twin = email(3, subject="Same words", when=T0 - timedelta(hours=2))
    items = [email(1), email(2, subject="Same words"), twin, meeting(1), contact(1)]
    with emulators(items=50, seed=43, names=["salesforce"], cert_dir=tmp_path / "certs", org=org) as host:
        svc: Any = host.services["salesforce"]
        with svc.lock:
            svc._create("Contact", {"FirstName": "Alice", "LastName": "Customer", "Email": "alice@customer.com"})
        seeded = {r["Id"] for t in ("Task", "Event", "Contact") for r in svc.records[t].values()}
        store = Store.open(tmp_path / "s.db")
        try:
            clock = Clock()
            mailbox = FakeMailbox(items, streams=("sent", "calendar", "contacts"))

            def created() -> list[dict[str, Any]]:
                return [
                    r for t in ("Task", "Event", "Contact") for r in svc.records[t].values() if r["Id"] not in seeded
                ]

            # Creates: the match call goes through, the write commits and its answer is lost.
            host.inject("salesforce", Fault("drop_after_commit", "composite", skip=1))
            lost = engine(store, mailbox, host, clock).run()
            assert lost.error is not None and lost.error.code == "NET_CONNECTION_FAILED", lost.error
            assert len(created()) == len(items)  # Salesforce has them all; Syncbar does not know yet
            clock.advance(timedelta(minutes=1))
            again = engine(store, mailbox, host, clock).run()
            assert again.error is None, again.error
            rows = {item.key: store.row(item.key) for item in items}
            assert all(r is not None and r.state is ItemState.SYNCED for r in rows.values()), rows
            owned = sorted(r.record_id for r in rows.values() if r is not None)
            assert owned == sorted(r["Id"] for r in created()), "a record was written twice"

            # Updates: the same, for an edited item.
            mailbox.edit(email(1).mailbox_id, subject="Quote 1 (revised)")
            host.inject("salesforce", Fault("drop_after_commit", "composite", skip=1))
            lost = engine(store, mailbox, host, clock).run()
            assert lost.error is not None
            clock.advance(timedelta(minutes=1))
            assert engine(store, mailbox, host, clock).run().error is None
            assert len(created()) == len(items)
            row = store.row(email(1).key)
            assert row is not None and row.state is ItemState.SYNCED
            assert svc.records["Task"][row.record_id]["Subject"].endswith("Quote 1 (revised)")
        finally:
            store.close()
