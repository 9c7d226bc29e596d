"""The providers end to end on each mailbox kind, through the command line a user runs:
`syncbar connect-emulators --mailbox KIND` then `syncbar sync --once --json` against `syncbar emulators serve`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

KINDS = ("graph", "gmail", "ews")
# What the seeded troublesome items must become (docs/emulators.md); Gmail has no address book here.
EXPECTED = {"DATA_VALIDATION_FAILED", "SF_ROW_LOCKED", "SF_RECORD_DELETED"}
CONTACT_CODES = {"DATA_REQUIRED_FIELD_MISSING", "DATA_DUPLICATE_DETECTED"}
IGNORED = {"IGN_BOUNCED", "IGN_GROUP_ADDRESS", "IGN_INVALID_ADDRESS", "IGN_INTERNAL_ONLY"}


ORGS = ("standard", "custom-key")  # a standard org, and one where an admin installed Syncbar_Key__c
CASES = [(kind, org) for kind in KINDS for org in ORGS]


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmulatorHost]:
    kind, org = request.param
    with emulators(items=80, seed=21, names=[kind, "salesforce"], cert_dir=tmp_path / "certs", org=org) as host:
        yield host



def marks_of(host: EmulatorHost, kind: str, mailbox_id: str) -> set[str]:
    svc: Any = host.services[kind]
    if kind == "gmail":
        return set(svc.label_names(mailbox_id))
    return set(svc.categories_of(mailbox_id))


@pytest.mark.parametrize("served", CASES, indirect=True, ids=[f"{k}-{o}" for k, o in CASES])
def test_first_sync_then_idle_then_fix_then_revoke(
    served: EmulatorHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    user: User,
) -> None:
    host = served
    kind = next(n for n in host.services if n != "salesforce")
    home = user.home
    code, out = user.connect(host, kind)
    assert code == 0, out
    code, out = user.run("sync", "--once", "--json")
    assert code == 1, out  # synced, with the seeded item issues
    session = json.loads(out)
    counts = session["counts"]
    ignored = {reason for c in counts.values() for reason in c["ignored"]}
    assert ignored >= IGNORED, ignored

    # Exactly one Salesforce record per synced item, and none for anything else.
    sf: Any = host.services["salesforce"]
    code, out = user.run("issues", "--json")
    issues = json.loads(out)
    codes = {i["code"] for i in issues}
    assert codes >= EXPECTED, codes
    if kind != "gmail":
        assert codes >= CONTACT_CODES, codes
    seeded = {p.id for p in sf.org.people}
    created = [r for t in ("Task", "Event", "Contact") for r in sf.records[t].values() if r["Id"] not in seeded]
    synced = sum(c["new"] for c in counts.values())
    assert len(created) == synced, "a record was created twice, or for nothing"
    if sf.org.custom_key_field:
        keyed = [r.get("Syncbar_Key__c") for r in created]
        assert all(keyed) and len(keyed) == len(set(keyed))

    # Failed mail items carry the red mark and its detail.
    failed_mail = [i for i in issues if i["object"] == "email" and i["item_key"]]
    assert failed_mail
    for issue in failed_mail:
        mailbox_id = issue["item_key"].split(":", 1)[1]
        found = marks_of(host, kind, mailbox_id)
        assert "Sync Error" in found and any(m.startswith("Sync Error") and m != "Sync Error" for m in found), found

    # A second cycle with no change: one call per stream, no Salesforce write.
    host.reset_calls()
    code, out = user.run("sync", "--once", "--json")
    mailbox_calls = {op: n for op, n in host.calls(kind).items() if not op.startswith(("oauth", "identity"))}
    streams = {"graph": 5, "gmail": 3, "ews": 5}[kind]
    reads = {
        "graph": ("messages.delta", "events.delta", "contacts.delta", "todo.tasks.delta"),
        "gmail": ("history.list", "events.list", "tasks.list"),
        "ews": ("SyncFolderItems",),
    }[kind]
    assert sum(n for op, n in mailbox_calls.items() if op in reads) == streams, mailbox_calls
    sf_writes = {op: n for op, n in host.calls("salesforce").items() if "collections" in op or op == "composite"}
    assert not sf_writes, sf_writes

    # Fix the record in the emulator (the validation rule is relaxed): Retry syncs it, unmarks it, resolves it.
    blocked = next(i for i in issues if i["code"] == "DATA_VALIDATION_FAILED")
    sf.org.validation_subject_marker = ""
    code, out = user.run("issues", "--json")
    from app.compose import paths, wiring

    svc, _ = wiring.open_service(paths.resolve(str(home)))
    svc.retry([blocked["id"]])
    svc.store.close()
    user.run("sync", "--once", "--json")
    code, out = user.run("issues", "--json", "--all")
    after = {i["id"]: i for i in json.loads(out)}
    assert after[blocked["id"]]["state"] == "resolved"
    mailbox_id = blocked["item_key"].split(":", 1)[1]
    assert not {m for m in marks_of(host, kind, mailbox_id) if m.startswith("Sync Error")}

    # Revoke Salesforce's tokens: the cycle stops with the re-authentication code and names the account.
    sf.revoke_tokens()
    customer = sf.org.people[12].email
    mine = host.info()["services"][kind]
    host.services[kind].add_message("inbox", "New order", customer, mine.get("username") or mine.get("address"))
    code, out = user.run("sync", "--once", "--json")
    assert code == 3, out
    code, out = user.run("status", "--json")
    status = json.loads(out)
    assert status["state"] == "needs_reauth" and status["error_code"] == "SF_AUTH_FAILED"
    assert status["error_account"] == sf.org.username
