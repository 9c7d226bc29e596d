"""``python -m bench [--quick]``: run the benchmarks, print a table, write bench/results.json.

Each figure is printed next to its goal (and a naive baseline where one is
defined).  ``--quick`` is the smoke mode CI runs so the benchmarks keep working.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import api_calls, engine_cost, first_sync, gui, mailbox_calls, scale

SECTIONS = {
    "engine": engine_cost.run,
    "api": api_calls.run,
    "mailbox": mailbox_calls.run,
    "first-sync": first_sync.run,
    "gui": gui.run,
    "scale": scale.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each (CI smoke mode)")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        print(f"[{name}] running…", file=sys.stderr, flush=True)
        rows.extend(section(args.quick))
    width = max(len(r["figure"]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>12}  goal")
    for r in rows:
        mark = {True: "ok", False: "MISSED", None: ""}[r["met"]]
        value = f"{r['value']:,} {r['unit']}"
        baseline = f"  baseline {r['baseline']:,} ({r['ratio']}×)" if r.get("baseline") is not None else ""
        print(f"{r['figure']:<{width}}  {value:>12}  {r['goal_text']} {mark}{baseline}")
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
        "figures": rows,
    }
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
