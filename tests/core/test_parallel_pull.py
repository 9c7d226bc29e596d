"""Streams read at once: a mailbox that allows it (``concurrent_streams``) is read by several threads,
and what reaches Salesforce is the same as a one-at-a-time read: each item once, cursors kept per stream."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import ItemKind, Outcome
from app.core.ports import ChangePage
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, account_error, contact, email


class SlowMailbox(FakeMailbox):
    """Each page takes a round trip; counts the reads in flight at once."""

    concurrent_streams = 3

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.in_flight = 0
        self.peak = 0
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def changes(self, stream: str, cursor: str | None) -> ChangePage:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.threads.add(threading.current_thread().name)
        try:
            time.sleep(0.02)
            return super().changes(stream, cursor)
        finally:
            with self._lock:
                self.in_flight -= 1


def items() -> list:
    inbox = [email(i, stream="inbox", sender=f"person{i}@customer.com", to=OWNER) for i in range(10)]
    sent = [email(100 + i, to=f"person{i}@customer.com") for i in range(10)]
    return inbox + sent + [contact(i, address=f"new{i}@elsewhere.com") for i in range(6)]


def known_crm() -> FakeCrm:
    """Salesforce knows every correspondent, so each email and contact becomes a record."""
    return FakeCrm({f"person{i}@customer.com": "Contact" for i in range(20)})


def engine(tmp_path: Path, mailbox: FakeMailbox, crm: FakeCrm) -> tuple[Engine, Store]:
    store = Store.open(tmp_path / "syncbar.db")
    rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))
    return Engine(store, mailbox, crm, rules, load_default(), clock=Clock()), store


def test_streams_are_read_at_once_and_each_item_reaches_salesforce_once(tmp_path: Path) -> None:
    mailbox, crm = SlowMailbox(items(), page_size=2), known_crm()
    eng, store = engine(tmp_path, mailbox, crm)
    first = eng.run()
    assert first.ok, first.error
    assert first.pulled == 26
    assert mailbox.peak == 3  # inbox, sent and contacts at once, never more than the mailbox allows
    assert first.session.counts[ItemKind.EMAIL].new == 20
    assert first.session.counts[ItemKind.CONTACT].new == 6
    records = len(crm.records)
    assert records == 26
    assert set(store.cursors()) == {"inbox", "sent", "contacts"}
    # Every stream read to its end: the next cycle finds nothing new and sends nothing.
    second = eng.run()
    assert second.ok and second.pulled == 0 and len(crm.records) == records


def test_a_failing_stream_stops_the_cycle_and_the_next_one_completes_without_duplicates(tmp_path: Path) -> None:
    mailbox, crm = SlowMailbox(items(), page_size=2), known_crm()
    eng, store = engine(tmp_path, mailbox, crm)
    mailbox.faults.errors["changes"] = [account_error("MBX_THROTTLED")]
    failed = eng.run()
    assert failed.session.outcome is Outcome.FAILED
    assert failed.error is not None and failed.error.code == "MBX_THROTTLED"
    again = eng.run()
    assert again.ok, again.error
    assert again.session.counts[ItemKind.EMAIL].new + again.session.counts[ItemKind.CONTACT].new == 26
    assert len(crm.records) == 26  # every item once
    assert store.cursors().keys() == {"inbox", "sent", "contacts"}


def test_a_forgotten_cursor_restarts_only_its_stream(tmp_path: Path) -> None:
    mailbox, crm = SlowMailbox(items(), page_size=4), known_crm()
    eng, _ = engine(tmp_path, mailbox, crm)
    assert eng.run().ok
    before = len(crm.records)
    mailbox.expire_cursors()
    mailbox.add(email(500, stream="inbox", sender="person3@customer.com", to=OWNER))
    result = eng.run()
    assert result.ok, result.error
    assert len(crm.records) == before + 1  # the re-read sends only the new email
