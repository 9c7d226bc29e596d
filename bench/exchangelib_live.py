"""Run exchangelib's own live-server tests against the EWS emulator (on premises, NTLM).

exchangelib's tests are not in its published package and are not ours: this script only drives an
external checkout of its source at the tag of the installed version, e.g.::

    git --git-dir=<exchangelib mirror> archive v5.6.0 | tar -x -C /tmp/exchangelib-src
    pip install --no-deps --target /tmp/exchangelib-deps requests_mock python-dateutil   # the tests' own imports
    python -m bench.exchangelib_live /tmp/exchangelib-src --deps /tmp/exchangelib-deps

It serves the emulator in this process, and for each module: resets it (a fresh seeded mailbox), writes
the checkout's ``settings.yml`` (server, NTLM user, password, account; TLS verified against the emulator's
CA through ``REQUESTS_CA_BUNDLE``), runs the module with pytest in a child process and prints its
figures, then one JSON line with all of them.  Nothing of exchangelib is copied into this repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.emulators.serve import emulators

MODULES = (
    "tests/test_items/test_sync.py",
    "tests/test_folder.py",
    "tests/test_items/test_messages.py",
    "tests/test_items/test_calendaritems.py",
    "tests/test_items/test_contacts.py",
    "tests/test_items/test_tasks.py",
    "tests/test_items/test_generic.py",
    "tests/test_items/test_queryset.py",
    "tests/test_items/test_bulk.py",
    "tests/test_attachments.py",
)
OUTCOMES = ("passed", "failed", "skipped")


def _figures(report: str) -> dict[str, Any]:
    """Tests (not subtests) passed, failed and skipped, from pytest's ``-rA`` summary; the failed ones' ids."""
    passed, failed = set(), set()
    for line in report.splitlines():
        word = line.partition(" ")[0]
        found = re.search(r"(tests/\S+\.py::\S+::\w+)", line)
        if found is None:
            continue
        if word == "PASSED":
            passed.add(found.group(1))
        elif word in ("FAILED", "ERROR") or word.startswith("SUBFAILED"):
            failed.add(found.group(1))
    last = report.strip().splitlines()[-1] if report.strip() else ""
    skipped = sum(int(n) for n in re.findall(r"(\d+) skipped", last))
    return {"passed": len(passed - failed), "failed": len(failed), "skipped": skipped, "failures": sorted(failed)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="exchangelib source at the installed version's tag")
    parser.add_argument("--deps", default="", help="a folder with the tests' extra imports (pip --target)")
    parser.add_argument("--module", action="append", help="run only these modules (paths in the checkout)")
    parser.add_argument("-k", default="", help="pytest -k expression")
    parser.add_argument("--verbose", action="store_true", help="list every test's outcome")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    with emulators(items=50, names=("ews",)) as host:
        for module in args.module or MODULES:
            host.reset()
            ews = host.info()["services"]["ews"]
            server = ews["base_url"].split("://", 1)[1].rstrip("/")
            netbios = ews["address"].rpartition("@")[2].split(".")[0].upper()
            settings = (
                f"server: '{server}'\nusername: '{netbios}\\{ews['username']}'\npassword: '{ews['password']}'\n"
                f"account: '{ews['address']}'\nalias: '{ews['address']}'\nverify_ssl: True\n"
            )
            (args.checkout / "settings.yml").write_text(settings)
            env = dict(os.environ, REQUESTS_CA_BUNDLE=str(host.ca_path))
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(args.checkout), args.deps) if p)
            command = [sys.executable, "-m", "pytest", module, "-p", "no:cacheprovider", "-q", "-rA"]
            if args.verbose:
                command += ["--tb=short"]
            if args.k:
                command += ["-k", args.k]
            done = subprocess.run(command, cwd=args.checkout, env=env, capture_output=True, text=True, timeout=1800)
            if args.verbose:
                print(done.stdout[-20000:])
                print("operations:", host.calls("ews"))
            results[module] = _figures(done.stdout)
            print(module, {k: results[module][k] for k in OUTCOMES}, flush=True)
            (args.checkout / "settings.yml").unlink()
    total = {k: sum(r[k] for r in results.values()) for k in OUTCOMES}
    ran = total["passed"] + total["failed"]
    figures = {m: {k: r[k] for k in OUTCOMES} for m, r in results.items()}
    failures = [f for r in results.values() for f in r["failures"]]
    print(json.dumps({"modules": figures, "total": total, "pass_rate": round(total["passed"] / ran, 3) if ran else 0}))
    print(json.dumps({"failures": failures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
