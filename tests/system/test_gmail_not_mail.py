"""Gmail drafts, spam and trash through the product: `syncbar sync --once` against the emulators.

A draft saved several times and then sent is logged once, as the sent email; spam and trash are never
logged.  A plain sent email to the same Salesforce Contact is logged, which shows the correspondent
is one the sync logs mail for (nothing else excludes the drafts).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User


@pytest.fixture
def served(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=31, names=["gmail", "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


def activities(sf: Any, subject: str) -> list[dict[str, Any]]:
    """Salesforce records of any activity kind whose subject is this one."""
    return [r for records in sf.records.values() for r in records.values() if r.get("Subject") == subject]


def test_drafts_spam_and_trash_never_become_activities(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    code, out = user.connect(host, "gmail")
    assert code == 0, out
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out  # the seeded troublesome items may leave item issues

    sf: Any = host.services["salesforce"]
    gmail: Any = host.services["gmail"]
    me = gmail.owner.address
    customer = [p for p in sf.org.people if p.object_type == "Contact"][6].email

    # The user writes a proposal over several saves (a cycle runs in between), gets spam, bins a mail.
    draft = gmail.drafts.write("Proposal for Q3", me, customer, "Dear customer,")
    user.run("sync", "--once", "--json")
    for words in ("Dear customer, here is", "Dear customer, here is our offer."):
        draft = gmail.drafts.write("Proposal for Q3", me, customer, words, draft)
    gmail.add_message("spam", "You won a prize", customer, me)
    binned = gmail.add_message("inbox", "Binned without reading", customer, me)
    gmail.drafts.move_to_trash(binned)
    gmail.add_message("sent", "Meeting notes", me, customer)
    code, out = user.run("sync", "--once", "--json")
    assert code in (0, 1), out
    assert len(activities(sf, "Meeting notes")) == 1, "mail with this Contact is logged"
    assert activities(sf, "Proposal for Q3") == []

    gmail.drafts.send_now(draft)
    for _ in range(2):  # the cycle after the send, and one more that must add nothing
        code, out = user.run("sync", "--once", "--json")
        assert code in (0, 1), out
    logged = activities(sf, "Proposal for Q3")
    assert len(logged) == 1
    assert "here is our offer." in str(logged[0].get("Description"))
    assert activities(sf, "You won a prize") == [] and activities(sf, "Binned without reading") == []
    code, out = user.run("issues", "--json")
    titles = {i.get("item_title") for i in json.loads(out)}
    assert not titles & {"Proposal for Q3", "You won a prize", "Binned without reading"}
