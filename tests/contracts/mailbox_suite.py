"""The MailboxPort contract: the same checks for the fake and every real mailbox provider."""

from __future__ import annotations

import pytest

from app.core.errors import CursorExpired
from app.core.ports import ChangePage, Mark
from app.core.store import item_from_json, item_to_json
from tests.contracts.harness import MailboxHarness


def read_all(h: MailboxHarness, stream: str, cursor: str | None) -> tuple[list[ChangePage], str]:
    pages: list[ChangePage] = []
    for _ in range(10_000):
        page = h.port.changes(stream, cursor)
        pages.append(page)
        cursor = page.cursor
        if not page.more:
            return pages, cursor
    raise AssertionError("the stream never finished")


def check_full_read_then_idle(h: MailboxHarness) -> None:
    pages, cursor = read_all(h, h.email_stream, None)
    ids = [item.mailbox_id for page in pages for item in page.items]
    assert ids, "the seeded mailbox has mail"
    assert len(ids) == len(set(ids)), "an item came twice in one full read"
    assert all(item.stream == h.email_stream for page in pages for item in page.items)
    idle = h.port.changes(h.email_stream, cursor)
    assert list(idle.items) == [] and not idle.more


def check_new_and_deleted_items_arrive(h: MailboxHarness) -> None:
    _, cursor = read_all(h, h.email_stream, None)
    new_id = h.backdoor.add_email(h.email_stream, "Contract check", "buyer@customer.example", h.port.account)
    pages, cursor = read_all(h, h.email_stream, cursor)
    arrived = [item for page in pages for item in page.items]
    assert [i.mailbox_id for i in arrived] == [new_id]
    assert arrived[0].subject == "Contract check"
    assert arrived[0].sender is not None and arrived[0].sender.address == "buyer@customer.example"
    h.backdoor.delete(h.email_stream, new_id)
    pages, _ = read_all(h, h.email_stream, cursor)
    assert new_id in [rid for page in pages for rid in page.removed]


def check_mark_and_unmark(h: MailboxHarness) -> None:
    pages, _ = read_all(h, h.email_stream, None)
    first = next(item for page in pages for item in page.items)  # a page may be empty
    mark = Mark(first.mailbox_id, first.stream, "Last Name missing")
    assert [r.ok for r in h.port.mark([mark])] == [True]
    marks = h.backdoor.marks(first.stream, first.mailbox_id)
    assert "Sync Error" in marks
    assert any(m.endswith("Last Name missing") and m != "Sync Error" for m in marks)
    assert [r.ok for r in h.port.unmark([mark])] == [True]
    assert not {m for m in h.backdoor.marks(first.stream, first.mailbox_id) if m.startswith("Sync Error")}


def check_detail_with_commas_leaves_no_debris(h: MailboxHarness) -> None:
    """A detail holding commas is one mark: applied whole, and removed whole once the item is read back.

    The engine unmarks with the labels it last read from the mailbox (kept in the ledger), so the
    item is read again after marking and its labels go through the store's codec, as they do there.
    """
    pages, _ = read_all(h, h.email_stream, None)
    first = next(item for page in pages for item in page.items)  # a windowed first page may be empty
    before = h.backdoor.marks(first.stream, first.mailbox_id)
    detail = "Salesforce is busy, will retry, then Last Name, First Name"
    assert [r.ok for r in h.port.mark([Mark(first.mailbox_id, first.stream, detail, first.own_labels())])] == [True]
    marked = h.backdoor.marks(first.stream, first.mailbox_id)
    assert "Sync Error" in marked
    assert [m for m in marked if m.endswith(detail)], "the detail mark was cut at a comma"
    assert not [m for m in marked - before if m not in ("Sync Error",) and not m.endswith(detail)]
    reread = item_from_json(item_to_json(h.port.fetch(first.stream, first.mailbox_id)))
    unmark = Mark(first.mailbox_id, first.stream, detail, reread.own_labels())
    assert [r.ok for r in h.port.unmark([unmark])] == [True]
    assert h.backdoor.marks(first.stream, first.mailbox_id) == before


def check_expired_cursor(h: MailboxHarness) -> None:
    _, cursor = read_all(h, h.email_stream, None)
    h.backdoor.expire_cursors()
    with pytest.raises(CursorExpired):
        h.port.changes(h.email_stream, cursor)


def check_links(h: MailboxHarness) -> None:
    pages, _ = read_all(h, h.email_stream, None)
    item = next(item for page in pages for item in page.items)
    assert h.port.link(item).startswith("https://")


CHECKS = [
    check_full_read_then_idle,
    check_new_and_deleted_items_arrive,
    check_mark_and_unmark,
    check_detail_with_commas_leaves_no_debris,
    check_expired_cursor,
    check_links,
]
