"""The composition root and command-line interface (``syncbar``).

Builds the store, providers, engine and UI (through ``app.compose.wiring``) and passes
them in; nothing else in ``app`` constructs them.  Exit codes (``app.compose.commands``
and the README's table): 0 clean, 1 items have open issues, 2 usage or setup,
3 needs sign-in (or no keyring), 4 service unavailable, 5 another sync running, 6 this
computer's storage, 70 a fault in Syncbar.  No traceback reaches the user: the
top-level handler logs it and prints the catalogue's words.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app import __version__
from app.compose.exits import (
    EXIT_BUG,
    EXIT_CLEAN,
    EXIT_LOCAL,
    EXIT_REAUTH,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    UsageError,
)
from app.core.errors import SyncbarError
from app.core.local import storage_code
from app.core.mailbox_kinds import KIND_NAMES, MailboxKind
from app.core.store import StoreError

if TYPE_CHECKING:
    from app.auth.tokens import TokenStore
    from app.compose.paths import Paths

log = logging.getLogger("syncbar.cli")
READ_ONLY_COMMANDS = frozenset({"status", "issues", "sessions", "report"})


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
    report.add_argument(
        "--send", action="store_true", help="also mail it to support from your own mailbox (the zip attached)"
    )
    report.add_argument("--what-happened", default="", help="what you were doing and what went wrong (with --send)")

    accounts = sub.add_parser("accounts", help="list or remove the signed-in accounts")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION")
    accounts_sub.add_parser("list", help="list accounts")
    remove = accounts_sub.add_parser("remove", help="sign out of an account ('all' also forgets the profile)")
    remove.add_argument("name", help="mailbox, salesforce, all, or the account's address")

    apps = sub.add_parser(
        "registrations", help="check the company's app registrations Syncbar signs in with (docs/admin.md)"
    )
    apps.add_argument("--mailbox", choices=KIND_NAMES, help="check only what this mailbox kind needs")

    connect = sub.add_parser("connect-emulators", help="set up a profile against running emulators")
    connect.add_argument("--mailbox", choices=KIND_NAMES, default=MailboxKind.GRAPH.value)
    connect.add_argument("--emulators-url", help="control URL printed by 'syncbar emulators serve'")
    connect.add_argument("--ca-file", help="CA file printed by 'syncbar emulators serve'")
    connect.add_argument("--history-days", type=int, default=30, help="sync this many days back (default 30)")

    demo = sub.add_parser("demo", help="start the emulators with seeded data and run the app on them")
    demo.add_argument("--headless", action="store_true", help="no window: run cycles and print each session")
    demo.add_argument("--cycles", type=int, default=1, help="with --headless: how many cycles (default 1)")
    demo.add_argument("--json", action="store_true")
    demo.add_argument("--mailbox", choices=KIND_NAMES, default=MailboxKind.GRAPH.value)
    demo.add_argument("--items", type=int, default=500, help="seeded emails (default 500)")
    demo.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")

    sub.add_parser(
        "_cycle"
    )  # one cycle for the desktop app, driven over a pipe (app/compose/sync_child.py); not listed
    emulators = sub.add_parser("emulators", help="local emulators of the remote services")
    emulators.add_argument("action", choices=("serve",))
    emulators.add_argument("args", nargs=argparse.REMAINDER, help="see 'syncbar emulators serve --help'")
    return parser


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str, ensure_ascii=False))


class _PipeGuard(io.TextIOBase):
    """stdout that goes quiet when its reader leaves (``syncbar status | head -1``).

    After the first broken pipe everything written is dropped, so the command
    still ends with its own exit code and Python prints no traceback at exit.
    """

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self._gone = False

    def _leave(self) -> None:
        self._gone = True
        try:  # what the buffer still holds goes nowhere, not to a closed pipe at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._inner.fileno())
            os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._inner.write(text)
            except BrokenPipeError:
                self._leave()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._inner.flush()
            except BrokenPipeError:
                self._leave()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure ends as the catalogue's words and an exit code, never a traceback."""
    logging.raiseExceptions = False  # a log file on a full disk must not print tracebacks to the user
    if os.name == "posix":
        os.umask(0o077)  # every file Syncbar writes (database, WAL, logs, reports) is the user's alone
    outer = sys.stdout
    sys.stdout = _PipeGuard(outer)  # a TextIO in all that print uses
    # SIGTERM (a logout, `kill`) ends a command like Ctrl-C does: its clean-up runs, its children stop.
    # `sync --once` and the window install their own handlers, which stop at a safe point first.
    previous = _on_terminate(_interrupt)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("syncbar: stopped", file=sys.stderr)
        return 130
    except SystemExit:
        raise
    except BaseException as exc:
        return _unexpected(exc)
    finally:
        _on_terminate(previous)
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        sys.stdout = outer


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _on_terminate(handler: Any) -> Any:
    """Install ``handler`` for SIGTERM (main thread only); return the one it replaces."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _unexpected(exc: BaseException) -> int:
    from app.core.catalog import UNKNOWN, load_default

    code = storage_code(exc, _data_folder())
    entry = load_default().get(code or UNKNOWN)
    if code is None:
        log.error("syncbar crashed", exc_info=exc)
        detail = f"{type(exc).__name__}: {exc}"
    else:
        log.warning("stopped by this computer's storage (%s): %s", code, exc)
        detail = str(exc)
    _say(f"{entry.title}. {entry.reason} {entry.recommendation}", entry.code, detail)
    return EXIT_LOCAL if code is not None else EXIT_BUG


def _run_desktop(paths: Paths, tokens: TokenStore, demo: bool) -> int:
    from app.compose import desktop

    return desktop.run(paths, tokens=tokens, demo=demo)


def _data_folder() -> Path | None:
    from app.compose import paths

    try:
        folder = paths.resolve().data
    except Exception:  # the environment names no usable folder: no free-space check then
        return None
    return folder if folder.exists() else None


def _say(text: str, code: str = "", detail: str = "") -> None:
    from app.core.mapping import clean_text

    line = f"syncbar: {text}"
    if detail:
        line += f"\n  Details: {detail}"
    if code:
        line += f"\n  Code: {code}"
    try:
        print(clean_text(line), file=sys.stderr)
    except OSError:
        pass


def _main(argv: Sequence[str] | None) -> int:
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
        from app.compose.sync_child import main as cycle

        return cycle()
    if command == "emulators":
        from app.emulators.serve import main as serve

        return serve(args.args)
    from app.compose import commands, paths
    from app.core import profile

    where = paths.resolve()
    if command != "demo":  # the demo logs into its own throwaway home
        try:
            from app.compose import logs

            logs.setup(where.ensure().log_file)  # the command line writes the same log as the app
        except OSError as exc:
            print(f"syncbar: cannot write the log ({exc}); going on without it", file=sys.stderr)
    try:
        if command is None:
            from app.compose import desktop

            return desktop.run(where, minimized=args.minimized)
        if command in ("connect-emulators", "demo", "accounts", "registrations"):
            from app.compose import setup

            return setup.dispatch(command, args, where, run_desktop=_run_desktop)
        from app.compose import wiring

        svc, prof = wiring.open_service(where, read_only=command in READ_ONLY_COMMANDS)
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
        _say(str(exc))
        return EXIT_USAGE
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except StoreError as exc:
        from app.core.catalog import load_default
        from app.core.local import DATABASE_DAMAGED

        entry = load_default().get(storage_code(exc, where.data) or DATABASE_DAMAGED)
        _say(f"{entry.title}. {entry.recommendation}", entry.code, str(exc))
        return EXIT_LOCAL
    except SyncbarError as exc:
        from app.core.catalog import load_default

        entry = load_default().get(exc.code)
        _say(f"{entry.title}. {exc.message or entry.reason} {entry.recommendation}", entry.code)
        return EXIT_REAUTH if entry.retry_class.value == "needs-reauth" else EXIT_UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main())
