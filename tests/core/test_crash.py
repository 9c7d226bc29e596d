"""Crash safety: the sync dies at a random point (a port call or a store transaction), restarts, finishes.

After every trial each mailbox item is exactly one of: synced with exactly one
CRM record, ignored with a reason, or failing with an open issue and a mark.
The fake CRM creates a new record on every create (no upsert) and, by default,
plays a standard org: no key field of ours, so reconcile finds a committed
create only by the values it sent.  A duplicate here is the engine's fault.
``SYNCBAR_SLOW=1`` runs 1,000 trials.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import ItemState
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, Crash, FakeCrm, FakeMailbox, contact, email

CATALOG = load_default()
TRIALS = 1000 if os.environ.get("SYNCBAR_SLOW") == "1" else 200


def mailbox_items() -> list:  # type: ignore[type-arg]
    items = [email(i, to="alice@customer.com" if i % 2 else "bob@prospect.com") for i in range(24)]
    items += [email(100 + i, to="info@customer.com") for i in range(3)]  # group addresses: ignored
    items += [email(200 + i, to=f"stranger{i}@nowhere.org") for i in range(2)]  # no match: ignored
    items += [email(300, stream="inbox", headers={"Message-ID": "<m1@example.com>"})]  # duplicate of m1
    items += [contact(1, last=""), contact(2, last="")]  # Last Name missing: issues
    items += [contact(3), contact(4)]
    return items


class DyingStore(Store):
    """A store whose N-th transaction dies before its commit (the write is lost, as in a kill)."""

    die_at: int | None = None
    count = 0

    @contextmanager
    def transaction(self) -> Iterator:  # type: ignore[type-arg,override]
        DyingStore.count += 1
        with super().transaction() as tx:
            yield tx
            if DyingStore.die_at == DyingStore.count:
                raise Crash(f"died inside transaction {DyingStore.count}")


def build(path: Path, mailbox: FakeMailbox, crm: FakeCrm, clock: Clock, store_cls: type[Store] = Store) -> Engine:
    store = store_cls.open(path)
    rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))
    return Engine(store, mailbox, crm, rules, CATALOG, clock=clock, batch_size=10)


def run_to_completion(path: Path, mailbox: FakeMailbox, crm: FakeCrm, clock: Clock) -> None:
    for _ in range(8):
        engine = build(path, mailbox, crm, clock)
        result = engine.run()
        engine.store.close()
        assert result.error is None, result.error
        clock.advance(timedelta(days=1))


def check(path: Path, mailbox: FakeMailbox, crm: FakeCrm) -> None:
    store = Store.open(path)
    try:
        keys = Counter(crm.keys())
        dupes = [k for k, n in keys.items() if n > 1]
        assert not dupes, f"duplicated in the CRM: {dupes}"
        rows = {row.mailbox_id: row for row in store.rows()}
        open_issues = {i.item_key for i in store.issues()}
        synced_keys = set()
        for mailbox_id in mailbox.items:
            row = rows.get(mailbox_id)
            assert row is not None, f"{mailbox_id} was lost"
            if row.state is ItemState.SYNCED:
                assert keys[row.idem_key] == 1 and crm.records[row.record_id].key == row.idem_key
                synced_keys.add(row.idem_key)
            elif row.state is ItemState.IGNORED:
                assert row.last_code.startswith("IGN_")
            else:
                assert row.state in (ItemState.FAILED, ItemState.QUARANTINED), (mailbox_id, row.state)
                assert row.key in open_issues
                assert mailbox.marks.get(mailbox_id) == row.mark_want != ""
        assert set(keys) == synced_keys, "a CRM record belongs to no synced item"
        failing = {r.mailbox_id for r in rows.values() if r.state in (ItemState.FAILED, ItemState.QUARANTINED)}
        assert set(mailbox.marks) == failing
    finally:
        store.close()


def count_points(tmp_path: Path) -> tuple[int, int, int]:
    """How many mailbox calls, CRM calls and transactions a clean first cycle makes."""
    mailbox, crm, clock = FakeMailbox(mailbox_items(), page_size=7), FakeCrm(), Clock()
    DyingStore.count, DyingStore.die_at = 0, None
    engine = build(tmp_path / "probe.db", mailbox, crm, clock, DyingStore)
    engine.run()
    engine.store.close()
    return mailbox.faults.calls, crm.faults.calls, DyingStore.count


def test_crash_at_random_points_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    mailbox_calls, crm_calls, transactions = count_points(tmp_path)
    assert mailbox_calls > 5 and crm_calls >= 2 and transactions > 10
    rng = random.Random(20261124)
    died = 0
    for trial in range(TRIALS):
        path = tmp_path / f"t{trial}.db"
        mailbox, crm, clock = FakeMailbox(mailbox_items(), page_size=7), FakeCrm(), Clock()
        DyingStore.count, DyingStore.die_at = 0, None
        where = rng.choice(("mailbox", "crm", "store"))
        if where == "store":
            DyingStore.die_at = rng.randint(1, transactions)
        else:
            target = mailbox if where == "mailbox" else crm
            target.faults.die_at = rng.randint(1, mailbox_calls if where == "mailbox" else crm_calls)
            target.faults.die_after_effect = rng.random() < 0.5
        engine = None
        try:
            engine = build(path, mailbox, crm, clock, DyingStore)  # the migration can die too
            engine.run()
        except Crash:
            died += 1
        if engine is not None:
            engine.store.close()
        DyingStore.die_at = None
        mailbox.faults.die_at = crm.faults.die_at = None
        # Between the crash and the restart, the user keeps working.
        if trial % 3 == 0:
            mailbox.add(email(500 + trial, to="alice@customer.com"))
        run_to_completion(path, mailbox, crm, clock)
        check(path, mailbox, crm)
    assert died >= TRIALS * 0.9, f"only {died} of {TRIALS} trials crashed; the harness is not reaching its points"


@pytest.mark.parametrize("keyed", [False, True], ids=["standard-org", "custom-key-org"])
@pytest.mark.parametrize("after", [False, True])
def test_a_crash_around_every_push_is_reconciled(tmp_path: Path, after: bool, keyed: bool) -> None:
    """Exhaustively: die before and after each CRM call of a cycle, in both kinds of org."""
    for point in range(1, 12):
        path = tmp_path / f"p{point}-{after}.db"
        mailbox, crm, clock = FakeMailbox(mailbox_items(), page_size=7), FakeCrm(upsert=keyed), Clock()
        crm.faults.die_at, crm.faults.die_after_effect = point, after
        engine = build(path, mailbox, crm, clock)
        try:
            engine.run()
        except Crash:
            pass
        engine.store.close()
        crm.faults.die_at = None
        run_to_completion(path, mailbox, crm, clock)
        check(path, mailbox, crm)
