"""The composition root and command-line interface (``syncbar``).

Builds the store, providers, engine and UI (through ``app.wiring``) and passes
them in; nothing else in ``app`` constructs them.  Exit codes:

    0 synced clean            3 needs re-authentication
    1 synced with item issues 4 service unavailable or suspended
    2 usage error             5 another sync in progress
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from app import __version__
from app.commands import (
    EXIT_CLEAN,
    EXIT_REAUTH,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    UsageError,
)
from app.core.errors import SyncbarError
from app.core.store import StoreError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="syncbar", description="Keep your mailbox and Salesforce in step.")
    parser.add_argument("--version", action="version", version=f"syncbar {__version__}")
    parser.add_argument(
        "--minimized", action="store_true", help="start in the tray without opening the window (used at login)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sync = sub.add_parser("sync", help="run a sync cycle")
    sync.add_argument("--once", action="store_true", help="run one cycle and exit (the only mode today)")
    sync.add_argument("--json", action="store_true", help="print the session as JSON")

    status = sub.add_parser("status", help="show the sync state")
    status.add_argument("--json", action="store_true")

    issues = sub.add_parser("issues", help="list issues (open ones unless --all)")
    issues.add_argument("--json", action="store_true")
    issues.add_argument("--code", help="only this catalogue code")
    issues.add_argument("--all", action="store_true", help="include resolved and ignored issues")

    sessions = sub.add_parser("sessions", help="list recent sync sessions")
    sessions.add_argument("--days", type=int, default=7)
    sessions.add_argument("--json", action="store_true")

    sub.add_parser("pause", help="pause automatic syncing")
    sub.add_parser("resume", help="resume automatic syncing")

    catalog = sub.add_parser("catalog", help="the troubleshooting table: every failure, its reason and its fix")
    catalog.add_argument("--json", action="store_true")

    report = sub.add_parser("report", help="write a support report (no secrets) to a zip file")
    report.add_argument("--out", required=True, help="path of the zip file to write")
    report.add_argument(
        "--keep-personal", action="store_true", help="keep addresses and subjects (tokens are always removed)"
    )

    accounts = sub.add_parser("accounts", help="list or remove the signed-in accounts")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION")
    accounts_sub.add_parser("list", help="list accounts")
    remove = accounts_sub.add_parser("remove", help="sign out of an account ('all' also forgets the profile)")
    remove.add_argument("name", help="mailbox, salesforce, all, or the account's address")

    apps = sub.add_parser(
        "registrations", help="check the company's app registrations Syncbar signs in with (docs/admin.md)"
    )
    apps.add_argument("--mailbox", choices=("graph", "ews", "gmail"), help="check only what this mailbox kind needs")

    connect = sub.add_parser("connect-emulators", help="set up a profile against running emulators")
    connect.add_argument("--mailbox", choices=("graph", "ews", "gmail"), default="graph")
    connect.add_argument("--emulators-url", help="control URL printed by 'syncbar emulators serve'")
    connect.add_argument("--ca-file", help="CA file printed by 'syncbar emulators serve'")
    connect.add_argument("--history-days", type=int, default=30, help="sync this many days back (default 30)")

    demo = sub.add_parser("demo", help="start the emulators with seeded data and run the app on them")
    demo.add_argument("--headless", action="store_true", help="no window: run cycles and print each session")
    demo.add_argument("--cycles", type=int, default=1, help="with --headless: how many cycles (default 1)")
    demo.add_argument("--json", action="store_true")
    demo.add_argument("--mailbox", choices=("graph", "ews", "gmail"), default="graph")
    demo.add_argument("--items", type=int, default=500, help="seeded emails (default 500)")
    demo.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")

    sub.add_parser("_cycle")  # one cycle for the desktop app, driven over a pipe (app/sync_child.py); not listed
    emulators = sub.add_parser("emulators", help="local emulators of the remote services")
    emulators.add_argument("action", choices=("serve",))
    emulators.add_argument("args", nargs=argparse.REMAINDER, help="see 'syncbar emulators serve --help'")
    return parser


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    if command == "catalog":
        from app.core.catalog import load_default

        catalog = load_default()
        if args.json:
            _print_json(catalog.to_json())
        else:
            print(catalog.format_table())
        return EXIT_CLEAN
    if command == "_cycle":
        from app.sync_child import main as cycle

        return cycle()
    if command == "emulators":
        from app.emulators.serve import main as serve

        return serve(args.args)
    from app import commands, paths, profile

    where = paths.resolve()
    if command != "demo":  # the demo logs into its own throwaway home
        try:
            from app import logs

            logs.setup(where.ensure().log_file)  # the command line writes the same log as the app
        except OSError as exc:
            print(f"syncbar: cannot write the log ({exc}); going on without it", file=sys.stderr)
    try:
        if command is None:
            from app.ui.app import run as run_app

            return run_app(where, minimized=args.minimized)
        if command in ("connect-emulators", "demo", "accounts", "registrations"):
            from app import setup

            return setup.dispatch(command, args, where)
        from app import wiring

        svc, prof = wiring.open_service(where)
        handlers = {
            "sync": commands.cmd_sync,
            "status": commands.cmd_status,
            "issues": commands.cmd_issues,
            "sessions": commands.cmd_sessions,
            "pause": commands.cmd_pause,
            "resume": commands.cmd_resume,
        }
        if command == "report":
            from app.auth.tokens import TokenStore

            return commands.cmd_report(svc, args, where, wiring.known_secrets(prof, TokenStore()))
        return handlers[command](svc, args)
    except profile.ProfileError as exc:
        print(f"syncbar: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"syncbar: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"syncbar: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except SyncbarError as exc:
        from app.core.catalog import load_default

        entry = load_default().get(exc.code)
        print(f"syncbar: {entry.title}. {exc.message or entry.reason} {entry.recommendation}", file=sys.stderr)
        return EXIT_REAUTH if entry.retry_class.value == "needs-reauth" else EXIT_UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main())
