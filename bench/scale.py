"""Scale: the first sync of a large seeded mailbox (emulators in their own process), measured in a child."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def measure(items: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale_child", str(items)], cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run(quick: bool) -> list[dict[str, Any]]:
    n = 2_000 if quick else 100_000
    m = measure(n)
    synced = m["states"].get("synced", 0)
    return [
        {
            "figure": f"initial sync of {n:,} emails (+events, contacts): wall time",
            "value": m["seconds"],
            "unit": "s",
            "goal_text": "(reference)",
            "met": None,
            "detail": m,
        },
        {
            "figure": f"  Salesforce / mailbox calls for {synced:,} synced items",
            "value": m["salesforce_calls"],
            "unit": "calls",
            "goal_text": f"mailbox {m['mailbox_calls']:,} calls",
            "met": None,
        },
        {
            "figure": f"  peak RSS of the syncing process ({n:,} emails)",
            "value": m["peak_rss_mb"],
            "unit": "MB",
            "goal_text": "< 200 MB",
            "met": m["peak_rss_mb"] < 200,
        },
    ]
