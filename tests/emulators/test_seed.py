"""The seed: deterministic, in proportion, and holding every troublesome item."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.emulators.seed import OWNER, TROUBLESOME, generate, sf_id

ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert generate(seed=4, anchor=ANCHOR) == generate(seed=4, anchor=ANCHOR)
    assert generate(seed=4, anchor=ANCHOR).messages != generate(seed=5, anchor=ANCHOR).messages


def test_default_sizes_and_window() -> None:
    data = generate(anchor=ANCHOR)
    plain = [m for m in data.messages if not m.note]
    assert len(plain) == 500
    assert len(data.events) == 40 and len(data.tasks) == 20
    assert len([c for c in data.contacts if not c.note]) == 60
    assert {m.folder for m in data.messages} == {"inbox", "sent"}
    oldest = min(m.sent_at for m in data.messages)
    assert (ANCHOR - oldest).days <= 30


def test_org_matches_most_correspondents() -> None:
    data = generate(anchor=ANCHOR)
    known = {p.email for p in data.org.people}
    counterparts = [m.sender.address if m.folder == "inbox" else m.to[0].address for m in data.messages]
    matched = sum(1 for a in counterparts if a in known)
    assert matched / len(counterparts) > 0.8
    assert any(p.object_type == "Lead" for p in data.org.people)


def test_every_troublesome_item_is_seeded() -> None:
    data = generate(anchor=ANCHOR)
    ids = {m.id for m in data.messages} | {c.id for c in data.contacts}
    for item in TROUBLESOME:
        assert item.item_id in ids, item
    nolast = next(c for c in data.contacts if c.id == "contact-nolastname")
    assert nolast.last_name == ""
    long_subject = next(m for m in data.messages if m.id == "msg-long-subject")
    assert len(long_subject.subject) > 255
    assert sum(p.lock_once for p in data.org.people) == 1
    assert sum(p.delete_on_first_match for p in data.org.people) == 1
    assert OWNER.address.endswith("@example.com")


def test_scales_to_many_items() -> None:
    data = generate(items=20_000, anchor=ANCHOR)
    assert len(data.messages) >= 20_000
    assert len({m.id for m in data.messages}) == len(data.messages)


def test_too_small_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 50"):
        generate(items=10)


def test_salesforce_ids_are_18_characters_with_prefix() -> None:
    ident = sf_id("003", 42)
    assert len(ident) == 18 and ident.startswith("003")
