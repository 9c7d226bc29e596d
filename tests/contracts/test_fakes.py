"""The port contracts run against the in-memory fakes (the same suites run against each provider)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.model import Direction, ItemKind, MailItem, Person
from tests.contracts import crm_suite, mailbox_suite
from tests.contracts.harness import CrmHarness, MailboxHarness
from tests.fakes import FakeCrm, FakeMailbox, email


class FakeMailboxDoor:
    def __init__(self, mailbox: FakeMailbox) -> None:
        self.mailbox = mailbox
        self.n = 0

    def add_email(self, stream: str, subject: str, sender: str, to: str) -> str:
        self.n += 1
        item = MailItem(
            kind=ItemKind.EMAIL,
            mailbox_id=f"new{self.n}",
            stream=stream,
            subject=subject,
            sender=Person(sender),
            recipients=(Person(to),),
            direction=Direction.INBOUND,
            web_link=f"https://mail.example/new{self.n}",
        )
        self.mailbox.add(item)
        return item.mailbox_id

    def delete(self, stream: str, item_id: str) -> None:
        self.mailbox.remove(item_id)

    def marks(self, stream: str, item_id: str) -> set[str]:
        return set(self.mailbox.labels.get(item_id, ()))

    def expire_cursors(self) -> None:
        self.mailbox.expire_cursors()


class FakeCrmDoor:
    def __init__(self, crm: FakeCrm) -> None:
        self.crm = crm

    def add_person(self, object_type: str, first: str, last: str, email: str, converted: bool = False) -> str:
        return self.crm.add_person(object_type, email, converted=converted)

    def values(self, object_type: str, record_id: str) -> dict[str, object]:
        return dict(self.crm.records[record_id].values)

    def count(self, object_type: str, field: str, value: str) -> int:
        return sum(
            1 for r in self.crm.records.values() if r.object_type == object_type and r.values.get(field) == value
        )


def mailbox_harness() -> MailboxHarness:
    mailbox = FakeMailbox([email(i, stream="inbox") for i in range(30)], page_size=7)
    return MailboxHarness("fake", mailbox, FakeMailboxDoor(mailbox), "inbox")


def crm_harness() -> CrmHarness:
    crm = FakeCrm(upsert=True)  # the real provider upserts on the external-id field
    return CrmHarness("fake", crm, FakeCrmDoor(crm))


@pytest.mark.parametrize("check", mailbox_suite.CHECKS, ids=lambda c: c.__name__)
def test_fake_mailbox(check: Callable[[MailboxHarness], None]) -> None:
    check(mailbox_harness())


@pytest.mark.parametrize("check", crm_suite.CHECKS, ids=lambda c: c.__name__)
def test_fake_crm(check: Callable[[CrmHarness], None]) -> None:
    check(crm_harness())
