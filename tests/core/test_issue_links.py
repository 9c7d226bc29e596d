"""What an issue tells the Issues tab about its item: the Salesforce record whenever one is known (created,
matched or updated), and the correspondent and date that tell two mails called "Hello" apart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.model import IssueState, PushResult
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from tests.fakes import OWNER, T0, Clock, FakeCrm, FakeMailbox, contact, email


def _run(store: Store, mailbox: FakeMailbox, crm: FakeCrm, clock: Clock) -> None:
    rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=T0))
    Engine(store, mailbox, crm, rules, load_default(), clock=clock).run()


def test_a_refused_new_record_links_to_the_contact_it_was_for(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    crm = FakeCrm(reject=lambda rec: PushResult(rec.item_key, False, code="DATA_VALIDATION_FAILED", message="no"))
    _run(store, FakeMailbox([email(1, to="alice@customer.com", subject="Hello")]), crm, Clock())
    [issue] = store.issues()
    alice = crm.match(["alice@customer.com"])["alice@customer.com"].record_id
    assert issue.crm_link == f"https://org.example/{alice}"  # before: "" (only an update had a link)
    # The mail was sent: its correspondent is the recipient, its date the mail's.
    assert issue.item_title == "Hello" and issue.item_who == "To" and issue.item_at == T0 - timedelta(hours=1)


def test_a_received_mail_names_its_sender_and_the_search_finds_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    crm = FakeCrm(reject=lambda rec: PushResult(rec.item_key, False, code="DATA_VALIDATION_FAILED", message="no"))
    item = email(2, sender="alice@customer.com", to=OWNER, stream="inbox", subject="Hello")
    _run(store, FakeMailbox([item]), crm, Clock())
    [issue] = store.issues()
    assert issue.item_who == "Sender"
    from app.core.store import IssueQuery

    assert store.count_issues(IssueQuery(text="sender")) == 1


def test_a_contact_that_cannot_be_built_links_to_the_same_address_contact(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    crm = FakeCrm()
    crm.add_person("Contact", "jo@customer.com")
    _run(store, FakeMailbox([contact(1, last="", address="jo@customer.com")]), crm, Clock())
    [issue] = store.issues(IssueState.OPEN)
    assert issue.code == "DATA_REQUIRED_FIELD_MISSING"
    jo = crm.match(["jo@customer.com"])["jo@customer.com"].record_id
    assert issue.crm_link == f"https://org.example/{jo}" and issue.item_who == "jo@customer.com"


def test_an_issue_without_a_known_record_has_no_link(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    crm = FakeCrm()
    _run(store, FakeMailbox([contact(1, last="", address="new@customer.com")]), crm, Clock())
    [issue] = store.issues(IssueState.OPEN)
    assert issue.crm_link == ""
