"""Salesforce API calls per synced email on the emulator: Syncbar vs the floor vs a naive script.

Syncbar runs its real providers (Graph mailbox, Salesforce CRM) against the
emulators over HTTPS; calls are counted by the Salesforce emulator (OAuth not
counted: it is not part of the org's API limit).  The floor: a ``composite``
request is one API call carrying up to 5 queries or sObject Collections of
200 records, so matching A addresses (Contacts and Leads, one ``IN`` query per
object and address chunk) and writing N records needs
``ceil(queries / 5) + ceil(ceil(N / 200) / 5)`` calls.  The naive baseline is
what a simple script does with simple-salesforce: one query and one create per
email, run in the same process against a freshly seeded emulator.
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from simple_salesforce import Salesforce

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import wiring
from app.compose.paths import Paths
from app.compose.setup import profile_from_info, sign_in_all
from app.core import profile
from app.emulators.host import EmulatorHost
from app.emulators.seed import generate
from app.emulators.serve import emulators
from app.net.session import TrustedSession
from app.providers.salesforce.soql import in_chunks


def _sf_calls(host: EmulatorHost) -> int:
    return sum(n for op, n in host.calls("salesforce").items() if not op.startswith("oauth"))


def syncbar_run(host: EmulatorHost, home: Path) -> tuple[int, int, set[str], float]:
    """(API calls, synced emails, the distinct addresses to match, seconds) for one full first sync."""
    info = host.info()
    paths = Paths(config=home / "config", data=home / "data").ensure()
    tokens = TokenStore(ProcessKeyring())
    prof = profile_from_info(info, "graph", history_days=30)
    prof.choices.events = prof.choices.contacts = prof.choices.tasks = False
    sign_in_all(prof, tokens, info)
    profile.save(paths.config, prof)
    svc, _ = wiring.open_service(paths, tokens=tokens)
    host.reset_calls()
    started = time.perf_counter()
    svc.request_sync()
    session = svc.run_cycle(lambda p: None, threading.Event())
    seconds = time.perf_counter() - started
    calls = _sf_calls(host)
    synced = sum(c.new + c.updated for c in session.counts.values())
    svc.store.close()
    owner = prof.mailbox.account.lower()
    own_domain = owner.rpartition("@")[2]
    addresses: set[str] = set()
    for entry in host.services["graph"].items.values():
        if entry.collection in ("inbox", "sentitems"):
            addresses |= _counterparts(entry.data, owner, own_domain)
    return calls, synced, addresses, seconds


def _counterparts(data: dict[str, Any], owner: str, own_domain: str) -> set[str]:
    """The addresses a message makes Syncbar look up: everyone but the user and colleagues, well-formed."""
    people = [data.get("from"), *list(data.get("toRecipients") or []), *list(data.get("ccRecipients") or [])]
    found = {str(((p or {}).get("emailAddress") or {}).get("address") or "").strip().lower() for p in people}
    return {a for a in found if a.count("@") == 1 and a != owner and not a.endswith("@" + own_domain)}


def naive_run(host: EmulatorHost, limit: int) -> tuple[int, int]:
    """A simple script: for each email, look up the contact, then create a Task.  (calls, emails)."""
    host.reset()
    creds = host.info()["services"]["salesforce"]
    sf = Salesforce(
        instance_url=creds["instance_url"], session_id=creds["access_token"],
        session=TrustedSession(str(host.ca_path)), version="59.0",
    )
    messages = host.services["graph"].items
    owner = host.info()["services"]["graph"]["username"].lower()
    emails = 0
    for entry in list(messages.values()):
        if entry.collection not in ("inbox", "sentitems") or emails >= limit:
            continue
        data = entry.data
        people = [data.get("from"), *list(data.get("toRecipients") or [])]
        addresses = [str(((p or {}).get("emailAddress") or {}).get("address") or "").lower() for p in people]
        other = next((a for a in addresses if a and a != owner and "@" in a and "'" not in a), "")
        if not other:
            continue
        found = sf.query(f"SELECT Id FROM Contact WHERE Email = '{other}'")
        who = found["records"][0]["Id"] if found["records"] else None
        task: dict[str, Any] = {"Subject": str(data.get("subject") or "")[:255], "Status": "Completed"}
        if who:
            task["WhoId"] = who
        try:
            sf.Task.create(task)
        except Exception:  # a naive script logs and goes on
            pass
        emails += 1
    return _sf_calls(host), emails


def run(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in (200,) if quick else (1_000, 10_000):
        data = generate(n, seed=1)
        data.org.daily_api_limit = 10_000_000  # the naive script would exhaust a real org's limit
        with tempfile.TemporaryDirectory() as tmp, emulators(
            names=["graph", "salesforce"], data=data, cert_dir=Path(tmp) / "certs"
        ) as host:
            calls, synced, addresses, seconds = syncbar_run(host, Path(tmp) / "home")
            queries = 2 * len(list(in_chunks(sorted(addresses))))  # Contacts and Leads
            floor = math.ceil(queries / 5) + math.ceil(math.ceil(synced / 200) / 5)
            naive_calls, naive_emails = naive_run(host, n)
        per_email = calls / max(1, synced)
        naive_per_email = naive_calls / max(1, naive_emails)
        ratio = round(naive_per_email / per_email) if per_email else None
        rows.append({
            "figure": f"Salesforce API calls for {n:,} new emails ({synced:,} synced, {len(addresses):,} addresses)",
            "value": calls, "unit": "calls", "goal_text": f"≤ 1.05 × floor {floor} = {1.05 * floor:.1f}",
            "met": calls <= 1.05 * floor, "baseline": naive_calls, "ratio": ratio,
            "detail": {"floor": floor, "per_email": round(per_email, 5), "naive_per_email": naive_per_email,
                       "naive_emails": naive_emails, "seconds": round(seconds, 2)},
        })
        rows.append({
            "figure": f"  fewer calls than the naive script ({n:,} emails)",
            "value": ratio or 0, "unit": "×", "goal_text": "≥ 500× (at 1,000 emails and more)",
            "met": None if n < 1_000 else (ratio or 0) >= 500,  # 2 calls per email cap the ratio of a small run
        })
    return rows
