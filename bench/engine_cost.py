"""Engine CPU per email with in-process ports (no network): the engine's own cost, SQLite included."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.catalog import load_default
from app.core.engine import Engine
from app.core.rules import Rules, RulesConfig
from app.core.store import Store
from bench.ports import OWNER, InProcessCrm, InProcessMailbox, emails


def one_run(n: int) -> tuple[float, float, int, int]:
    now = datetime.now(UTC)
    items = emails(n, now=now)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        mailbox, crm = InProcessMailbox(items), InProcessCrm()
        rules = Rules(RulesConfig(owner_addresses=frozenset({OWNER}), activated_at=now, history_days=30))
        engine = Engine(store, mailbox, crm, rules, load_default())
        cpu, wall = time.process_time(), time.perf_counter()
        result = engine.run()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        store.close()
    assert result.error is None, result.error
    synced = sum(c.new for c in result.session.counts.values())
    return cpu / n * 1e6, wall / n * 1e6, crm.calls, synced


def run(quick: bool) -> list[dict[str, Any]]:
    n = 2_000 if quick else 10_000
    runs = [one_run(n) for _ in range(1 if quick else 3)]
    cpu = statistics.median(r[0] for r in runs)
    wall = statistics.median(r[1] for r in runs)
    calls, synced = runs[0][2], runs[0][3]
    return [
        {"figure": f"engine CPU per email ({n:,} emails, in-process ports)", "value": round(cpu, 1), "unit": "µs",
         "goal": 200, "goal_text": "≤ 200 µs", "met": cpu <= 200},
        {"figure": f"engine wall time per email ({n:,} emails, SQLite fsync included)", "value": round(wall, 1),
         "unit": "µs", "goal": None, "goal_text": "(for reference)", "met": None},
        {"figure": f"CRM port calls for {synced:,} synced emails (match + push batches)", "value": calls,
         "unit": "calls", "goal": None, "goal_text": "(in-process; API calls are measured on the emulator)",
         "met": None},
    ]
