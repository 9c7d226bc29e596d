"""Mutation testing of one module with mutmut, in a few minutes: do the tests notice a planted bug?

    ./dev run python -m bench.mutate app/core/scheduler.py tests/core/test_scheduler.py
    ./dev run python -m bench.mutate app/core/catalog.py tests/core/test_catalog.py --only "Catalog.*"
    ./dev run python -m bench.mutate app/compose/report.py tests/test_logs.py --only "redact*" --json out.json

mutmut (a test extra) changes one operator, constant or call at a time in the module and runs the
given tests against each change; a change no test fails on "survives".  The run happens in a scratch
copy of the repository (``mutmut`` writes a ``mutants/`` tree beside its configuration), so the
worktree is never touched and two runs never share state.  Keep the test selection narrow and fast
(the tests of that module's promises): mutmut runs the selection once to learn which tests reach which
function, then only those tests per mutant.

``--only`` keeps the functions whose mutmut name (``Class.method``, ``function``) matches one of the
given globs in the score; ``--names`` runs only the mutants whose full mutmut name matches (a big
module a part at a time: ``--names 'app.core.engine.xǁEngineǁ_mark_rows*'``); ``--max-children`` is
the number of test processes at once (1 on a shared 2-core machine); ``--timeout-multiplier`` bounds the
CPU time of a mutant that loops for ever (5 here; mutmut's own 15 held one for over ten minutes).
The scores per module and the equivalent mutants are kept in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY = ("app", "tests", "resources", "docs", "README.md", "pyproject.toml")
KILLED = {"killed", "timeout", "segfault", "suspicious"}


def _config(module: str, tests: list[str], timeout_multiplier: float = 5.0) -> str:
    """The [tool.mutmut] table for one module and its tests, appended to the scratch pyproject.toml."""
    quoted = ", ".join(json.dumps(t) for t in [*tests, "-x", "-q", "-p", "no:randomly"])
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["app"]\n'
        f"only_mutate = [{json.dumps(module)}]\n"
        f"pytest_add_cli_args_test_selection = [{quoted}]\n"
        'also_copy = ["resources", "docs", "README.md"]\n'
        f"timeout_multiplier = {float(timeout_multiplier)}\n"
    )


def _mutant_function(name: str) -> str:
    """``app.core.scheduler.x_Scheduler__due__mutmut_3`` -> ``Scheduler.due`` (``x_redact__mutmut_1`` -> ``redact``)."""
    tail = name.rsplit(".", 1)[-1]
    tail = re.sub(r"__mutmut_\d+$", "", tail)
    tail = re.sub(r"^x[ǁ_]", "", tail)
    return tail.replace("ǁ", ".")


def run(
    module: str,
    tests: list[str],
    only: list[str],
    max_children: int,
    keep: bool,
    names: list[str] | None = None,
    timeout_multiplier: float = 5.0,
) -> dict[str, object]:
    scratch = Path(tempfile.mkdtemp(prefix="syncbar-mutate-"))
    try:
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, scratch / name, ignore=shutil.ignore_patterns("__pycache__", "mutants"))
            else:
                shutil.copy2(src, scratch / name)
        with (scratch / "pyproject.toml").open("a", encoding="utf-8") as fh:
            fh.write(_config(module, tests, timeout_multiplier))
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SYNCBAR_SLOW")}
        env["QT_QPA_PLATFORM"] = "offscreen"
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *(names or [])],
            cwd=scratch,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:  # mutmut stops when the tests fail before any mutant (a broken selection)
            raise SystemExit(f"mutmut run failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
        listed = subprocess.run(
            [sys.executable, "-m", "mutmut", "results", "--all", "true"],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results: dict[str, str] = {}
        for line in listed.stdout.splitlines():
            name, _, status = line.strip().partition(": ")
            if name and status:
                results[name] = status.strip()
        if names:  # only those mutants ran
            results = {n: s for n, s in results.items() if any(fnmatch.fnmatch(n, g) for g in names)}
        if only:
            results = {n: s for n, s in results.items() if any(fnmatch.fnmatch(_mutant_function(n), g) for g in only)}
        survivors = sorted(n for n, s in results.items() if s not in KILLED)
        diffs = {}
        for name in survivors:
            shown = subprocess.run(
                [sys.executable, "-m", "mutmut", "show", name], cwd=scratch, env=env, capture_output=True, text=True
            )
            diffs[name] = shown.stdout.strip()
        killed = sum(1 for s in results.values() if s in KILLED)
        return {
            "module": module,
            "tests": tests,
            "only": only,
            "mutants": len(results),
            "killed": killed,
            "score": round(100 * killed / len(results), 1) if results else None,
            "by_status": {s: sum(1 for v in results.values() if v == s) for s in sorted(set(results.values()))},
            "survivors": diffs,
            "seconds": round(time.monotonic() - started),
        }
    finally:
        if keep:
            print(f"scratch copy kept at {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="the module to mutate, e.g. app/core/scheduler.py")
    parser.add_argument("tests", nargs="+", help="the tests to run against each mutant (pytest paths or node ids)")
    parser.add_argument("--only", action="append", default=[], help="glob over Class.method names to score")
    parser.add_argument(
        "--names",
        action="append",
        default=[],
        help="run only the mutants whose mutmut name matches this glob (e.g. 'app.core.engine.xǁEngineǁ_mark_rows*')",
    )
    parser.add_argument("--max-children", type=int, default=1)
    parser.add_argument(
        "--timeout-multiplier",
        type=float,
        default=5.0,
        help="a mutant's CPU time limit is (its tests' time + 1 s) x this x 2; mutmut's own 15 lets one endless"
        " loop (a mutated while condition) hold a busy machine for over ten minutes; a timeout counts as killed",
    )
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy (to read mutants/)")
    args = parser.parse_args(argv)
    result = run(args.module, args.tests, args.only, args.max_children, args.keep, args.names, args.timeout_multiplier)
    survivors = result["survivors"]
    assert isinstance(survivors, dict)
    for name, diff in survivors.items():
        print(f"--- survived: {name}\n{diff}\n")
    print(
        f"{result['module']}: {result['killed']} of {result['mutants']} mutants killed"
        f" ({result['score']} %) in {result['seconds']} s; {result['by_status']}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
