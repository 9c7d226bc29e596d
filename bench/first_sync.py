"""First sync through the emulators' realistic network mode, beside the floor the services' limits allow.

For each mailbox kind, a mailbox of N emails is read by the engine (every stream, as a first sync
does) through the realistic network mode at a stated round trip; the figure is the pull's wall
time (Salesforce is an in-process port here: its side is measured by ``api_calls``).  Beside it:

- the floor: what the service's published limits and the round trip make unavoidable, with its
  formula (``FLOORS``);
- the baseline: the previous sequential read (one call at a time: every Gmail message its own
  messages.get, 100-item pages, one stream after another), computed as its calls x round trip;
- the emulator's violation record, which must be empty (no refusal, no early retry).

Also the emulators' start time: ``syncbar emulators serve`` until it prints its addresses.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import wiring
from app.compose.setup import profile_from_info, sign_in_all
from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from app.emulators.host import control_request
from bench.ports import InProcessCrm

START_GOAL = 0.5  # seconds


def start_time(runs: int = 3) -> float:
    """Median seconds from starting ``syncbar emulators serve --json`` until its JSON line.

    The installed ``syncbar`` script, as a user types it (``python -m app`` where it is not installed).
    """
    took: list[float] = []
    script = Path(sys.executable).with_name("syncbar")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SYNCBAR_EMULATOR_CERTS=tmp)
        start = [str(script)] if script.exists() else [sys.executable, "-m", "app"]
        command = [*start, "emulators", "serve", "--json"]
        for i in range(runs + 1):
            started = time.perf_counter()
            proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
            try:
                assert proc.stdout is not None
                json.loads(proc.stdout.readline())
                if i:  # the first start writes the CA; later ones find it, as a user's do
                    took.append(time.perf_counter() - started)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
                if proc.stdout is not None:
                    proc.stdout.close()
    return statistics.median(took)


GOAL_RATIO = 1.3
GMAIL_RATE, GMAIL_BURST, GMAIL_GET, GMAIL_LIST, GMAIL_PAGE = 250, 250, 5, 5, 500
GRAPH_PAGE, GRAPH_CONCURRENCY = 1000, 4
EWS_PAGE = 512
FORMULAS = {
    "gmail": "(U - 250) / 250 u/s + 3 rtt; U = 1 + 5 ceil(N/500) + 5 N (getProfile, messages.list, messages.get)",
    "graph": "rtt x max(max_s c_s, ceil(sum_s c_s / 4)); c_s = ceil(n_s / 1000) delta pages (+1 for contacts' folder)",
    "ews": "rtt x max_s (ceil(n_s / 512) + 1): SyncFolderItems pages of 512, the last GetItem after them",
}


def floor_seconds(kind: str, per_stream: dict[str, int], emails: int, rtt: float) -> float:
    if kind == "gmail":
        units = 1 + GMAIL_LIST * max(1, math.ceil(emails / GMAIL_PAGE)) + GMAIL_GET * emails
        return max(0.0, units - GMAIL_BURST) / GMAIL_RATE + 3 * rtt
    if kind == "graph":
        calls = {s: max(1, math.ceil(n / GRAPH_PAGE)) + (1 if s == "contacts" else 0) for s, n in per_stream.items()}
        return rtt * max(max(calls.values()), math.ceil(sum(calls.values()) / GRAPH_CONCURRENCY))
    return rtt * max(math.ceil(n / EWS_PAGE) + 1 for n in per_stream.values())


def baseline_seconds(kind: str, per_stream: dict[str, int], emails: int, rtt: float) -> float:
    """The sequential read this replaced: its calls, one after another."""
    pages = sum(max(1, math.ceil(n / 100)) for n in per_stream.values())
    if kind == "gmail":
        return rtt * (1 + max(1, math.ceil(emails / 100)) + emails + pages - max(1, math.ceil(emails / 100)))
    if kind == "ews":
        return rtt * (pages + sum(math.ceil(n / 100) for n in per_stream.values()))  # SyncFolderItems + GetItem
    return rtt * (pages + 1)


def _warm(mailbox: Any) -> None:
    """An access token in hand before the clock starts: signing in is not the read being measured."""
    client = getattr(mailbox, "client", None)
    if client is not None:
        client._first_token()
    connection = getattr(mailbox, "connection", None)
    if connection is not None:
        connection.account()


def first_sync(kind: str, n: int, rtt: float) -> dict[str, Any]:
    """One first sync; the emulators run in their own process (``emulators serve --rtt``), as a
    service runs on its own machines, so their work does not share this process's interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "app", "emulators", "serve", "--json", "--rtt", str(rtt * 1000)]
        command += ["--items", str(n), "--seed", "3", "--services", f"{kind},salesforce"]
        command += ["--cert-dir", str(Path(tmp) / "certs")]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            info = json.loads(proc.stdout.readline())
            control = info["control_url"]
            ca = Path(info["ca_file"])
            tokens = TokenStore(ProcessKeyring())
            prof = profile_from_info(info, kind)
            sign_in_all(prof, tokens, info)
            mailbox = wiring.build_mailbox(prof, tokens)
            store = Store.open(Path(tmp) / "bench.db")
            now = datetime.now(UTC)
            rules = Rules(RulesConfig(owner_addresses=frozenset({mailbox.account}), activated_at=now, history_days=30))
            engine = Engine(store, mailbox, InProcessCrm(), rules, load_default())
            _warm(mailbox)
            control_request(control, ca, "POST", "/calls/reset")
            result = engine.run(None, threading.Event())
            assert result.error is None, result.error
            network = control_request(control, ca, "GET", "/network")
            calls = control_request(control, ca, "GET", "/calls").get(kind, {})
            per_stream = {
                str(r[0]): int(r[1])
                for r in store._conn().execute("SELECT stream, COUNT(*) FROM items GROUP BY stream")
            }
            for stream in mailbox.streams():
                per_stream.setdefault(stream, 0)
            store.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()
    email_streams = {"gmail": ("mail",), "graph": ("inbox", "sentitems"), "ews": ("inbox", "sent")}[kind]
    emails = sum(per_stream.get(s, 0) for s in email_streams)
    return {
        "seconds": result.pull_seconds,
        "items": result.pulled,
        "emails": emails,
        "floor": floor_seconds(kind, per_stream, emails, rtt),
        "baseline": baseline_seconds(kind, per_stream, emails, rtt),
        "violations": [v for v in network["violations"] if v["service"] == kind],
        "peak": network["peak"].get(kind, 0),
        "calls": sum(v for k, v in calls.items() if not k.startswith(("oauth", "identity"))),
    }


def run(quick: bool) -> list[dict[str, Any]]:
    rows = first_sync_rows(quick)
    seconds = start_time()
    return [
        *rows,
        {
            "figure": "emulators serve: ready (default mailbox, 500 emails)",
            "value": round(seconds, 3),
            "unit": "s",
            "goal": START_GOAL,
            "goal_text": f"< {START_GOAL} s",
            "met": seconds < START_GOAL,
        },
    ]


def first_sync_rows(quick: bool) -> list[dict[str, Any]]:
    sizes = (300,) if quick else (2_000, 10_000)
    rtts = (0.1,) if quick else (0.05, 0.1)
    rows: list[dict[str, Any]] = []
    for kind in ("graph", "gmail", "ews"):
        print(f"  floor ({kind}) = {FORMULAS[kind]}", file=sys.stderr)
        for n in sizes:
            for rtt in rtts:
                m = first_sync(kind, n, rtt)
                ratio = m["seconds"] / m["floor"] if m["floor"] else float("inf")
                broke = f"; {len(m['violations'])} limit violations" if m["violations"] else ""
                rows.append(
                    {
                        "figure": f"{kind}: first sync, {m['emails']:,} emails ({m['items']:,} items), "
                        f"rtt {rtt * 1000:.0f} ms",
                        "value": round(m["seconds"], 2),
                        "unit": "s",
                        "goal": round(GOAL_RATIO * m["floor"], 2),
                        "goal_text": f"≤ {GOAL_RATIO} × floor {m['floor']:.2f} s ({ratio:.2f}×; {m['calls']} calls, "
                        f"peak {m['peak']} in flight{broke})",
                        "met": ratio <= GOAL_RATIO and not m["violations"],
                        "baseline": round(m["baseline"], 1),
                        "ratio": round(m["baseline"] / m["seconds"], 1) if m["seconds"] else None,
                        "floor": round(m["floor"], 3),
                        "formula": FORMULAS[kind],
                        "violations": m["violations"][:5],
                    }
                )
    return rows
