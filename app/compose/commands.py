"""What each ``syncbar`` command does (``app.compose.cli`` parses; this runs).

Exit codes (README.md lists them too; tests/test_exit_codes.py holds each one):

    0 synced clean                           4 service unavailable or suspended
    1 synced, but items have open issues     5 another sync in progress
    2 usage error, no account, bad profile   6 this computer's storage (disk full, database damaged...)
    3 needs sign-in (or no keyring)          70 a fault in Syncbar (the log has the details)
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.compose import report
from app.compose.exits import (
    EXIT_BUSY,
    EXIT_CLEAN,
    EXIT_INTERRUPTED,
    EXIT_ITEM_ISSUES,
    EXIT_LOCAL,
    EXIT_REAUTH,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
)
from app.compose.paths import Paths
from app.compose.terminal import clean, json_text, say
from app.core.catalog import Catalog
from app.core.competitors import CompetitorCheck, warning
from app.core.errors import SyncbarError
from app.core.local import CODES as LOCAL_CODES
from app.core.model import IssueState, Outcome, RetryClass, Session
from app.core.runner import SyncService
from app.core.scheduler import Notice, NoticeKind
from app.core.service import Phase, Progress
from app.core.status_text import clock_time, status_line

NO_ACCOUNT = (
    "No account is set up yet. Run 'syncbar demo' to try Syncbar on built-in emulators, "
    "'syncbar connect-emulators' to point it at running ones, or 'syncbar' to open the app and sign in "
    "(with your company's app registrations: 'syncbar registrations' checks them, docs/admin.md explains them)."
)


def print_json(value: Any) -> None:
    print(json_text(value))


def exit_code(session: Session, catalog: Catalog, open_item_issues: int = 0) -> int:
    """The exit code of a sync; ``open_item_issues`` counts failures still open from earlier cycles too."""
    if session.outcome is Outcome.CLEAN:
        return EXIT_ITEM_ISSUES if open_item_issues else EXIT_CLEAN
    if session.outcome is Outcome.ITEM_ISSUES:
        return EXIT_ITEM_ISSUES
    if session.outcome in (Outcome.CANCELLED, Outcome.INTERRUPTED):
        return EXIT_INTERRUPTED
    if session.error_code == "SYNC_ANOTHER_RUNNING":
        return EXIT_BUSY
    if session.error_code in LOCAL_CODES:
        return EXIT_LOCAL
    if catalog.get(session.error_code).retry_class is RetryClass.NEEDS_REAUTH:
        return EXIT_REAUTH
    return EXIT_UNAVAILABLE


def session_json(session: Session, catalog: Catalog) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": session.id,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "outcome": session.outcome.value,
        "error_code": session.error_code,
        "counts": {kind.value: c.to_json() for kind, c in session.counts.items()},
    }
    if session.error_code:
        entry = catalog.get(session.error_code)
        data["error"] = {"title": entry.title, "reason": entry.reason, "recommendation": entry.recommendation}
    return data


def session_text(session: Session, catalog: Catalog) -> str:
    end = session.ended_at.astimezone().strftime("%H:%M:%S") if session.ended_at else "…"
    lines = [
        f"Session {session.id}: {session.started_at.astimezone().strftime('%Y-%m-%d %H:%M:%S')} – {end}"
        f"  {session.outcome.value}"
    ]
    for kind, c in sorted(session.counts.items()):
        ignored = ", ".join(f"{code} {n}" for code, n in sorted(c.ignored.items()))
        lines.append(
            f"  {kind.value:<8} total {c.total:>5}  new {c.new:>5}  updated {c.updated:>4}  duplicate {c.duplicate:>3}"
            f"  failed {c.failed:>4}  ignored {c.ignored_total:>4}" + (f" ({ignored})" if ignored else "")
        )
    if not session.counts and session.outcome is not Outcome.FAILED:
        lines.append("  nothing new")
    if session.error_code:
        entry = catalog.get(session.error_code)
        lines.append(f"  stopped by {entry.code}: {entry.title}. {entry.recommendation}")
    return "\n".join(lines)


def _progress_printer() -> Callable[[Progress], None]:
    if not sys.stderr.isatty():
        return lambda p: None

    words = {
        Phase.READING: "Reading the mailbox",
        Phase.MATCHING: "Matching with Salesforce",
        Phase.WRITING: "Writing to Salesforce",
        Phase.MARKING: "Marking items in the mailbox",
    }

    def show(p: Progress) -> None:
        counted = f"{p.done:,} of {p.total:,}" if p.total else f"{p.done:,}"  # reading: the total is not known yet
        print(f"\r{words[p.phase]}: {counted}          ", end="", file=sys.stderr, flush=True)

    return show


def _handle_stop_signals(handler: Any) -> dict[int, Any]:
    """Install ``handler`` (or the previous handlers, a dict) for SIGINT and SIGTERM; return what it replaced."""
    if threading.current_thread() is not threading.main_thread() or not handler:
        return {}
    if isinstance(handler, dict):
        return {sig: signal.signal(sig, h) for sig, h in handler.items()}
    return {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}


def notice_text(notice: Notice, catalog: Catalog) -> str:
    entry = catalog.get(notice.code)
    if notice.kind is NoticeKind.REAUTH:
        return f"Sign-in needed for {notice.account}: {entry.title}. {entry.recommendation}"
    if notice.kind is NoticeKind.SUSPENDED and notice.until:
        return f"Waiting until {clock_time(notice.until, datetime.now(UTC))}: {entry.title}."
    if notice.kind is NoticeKind.ESCALATE:
        return f"Syncing has been stopped for a while ({entry.title}); you were emailed about it."
    if notice.kind is NoticeKind.RECOVERED:
        return "Syncing works again."
    if notice.kind is NoticeKind.COMPETITOR:
        return notice.message
    if notice.kind is NoticeKind.ITEM_ISSUES:
        return f"{notice.failures} item(s) could not sync ({notice.message}); 'syncbar issues' lists them."
    return f"Sync failed: {entry.title}. {entry.recommendation}"


# --- commands ----------------------------------------------------------------------


def cmd_sync(svc: SyncService, args: argparse.Namespace) -> int:
    if not svc.set_up:
        say(NO_ACCOUNT, file=sys.stderr)
        return EXIT_USAGE
    stop = threading.Event()
    signalled: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # asked twice: stop now (the ledger makes that safe too)
        signalled.append(signum)
        stop.set()  # the cycle stops at its next safe point

    previous = _handle_stop_signals(on_signal)
    try:
        session = svc.run_cycle(_progress_printer(), stop)
    except SyncbarError as exc:
        if exc.code != "SYNC_ANOTHER_RUNNING":
            raise
        if args.json:
            print_json({"outcome": "busy", "error_code": exc.code, "message": exc.message})
        else:
            say(f"syncbar: {exc.message}", file=sys.stderr)
        return EXIT_BUSY
    finally:
        _handle_stop_signals(previous)
    if signalled and session.outcome is Outcome.CANCELLED and session.id:
        session.outcome = Outcome.INTERRUPTED  # not the user's Pause: a signal cut the run short
        svc.store.save_session(session)
    if sys.stderr.isatty():
        say(file=sys.stderr)
    code = exit_code(session, svc.catalog, svc.open_item_issues())
    if args.json:
        data = session_json(session, svc.catalog)
        data["exit_code"] = code
        print_json(data)
    else:
        say(session_text(session, svc.catalog))
    return code


def cmd_status(svc: SyncService, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    snap = svc.status()
    if args.json:
        data = {
            "state": snap.state.value,
            "line": status_line(snap, svc.catalog, now),
            "mailbox_account": snap.mailbox_account,
            "crm_account": snap.crm_account,
            "last_sync_at": snap.last_sync_at,
            "last_session_clean": snap.last_session_clean,
            "next_run_at": snap.next_run_at,
            "suspended_until": snap.suspended_until,
            "error_code": snap.error_code,
            "error_account": snap.error_account,
            "error_message": snap.error_message,
            "open_issues": snap.open_issues,
            "other_sync_tools": _competitor_json(svc),
        }
        if not svc.set_up:
            data["message"] = NO_ACCOUNT
        print_json(data)
        return EXIT_CLEAN
    if not svc.set_up:
        say(NO_ACCOUNT)
        return EXIT_CLEAN
    say(status_line(snap, svc.catalog, now))
    say(f"  Mailbox:    {snap.mailbox_account}")
    say(f"  Salesforce: {snap.crm_account}")
    if snap.next_run_at:
        say(f"  Next run:   {clock_time(snap.next_run_at, now)}")
    say(f"  Open issues: {snap.open_issues}")
    if snap.error_code:
        entry = svc.catalog.get(snap.error_code)
        say(f"  Error {entry.code}: {entry.title}")
        say(f"    Why: {entry.reason}")
        say(f"    Fix: {entry.recommendation}")
        if snap.error_message:
            say(f"    Service said: {clean(snap.error_message)}")
    scan = CompetitorCheck(svc.store).last()
    if scan is not None and scan.sightings:
        say(warning(scan))
    return EXIT_CLEAN


def _competitor_json(svc: SyncService) -> dict[str, Any] | None:
    """The last look for other sync software: the tools seen, where, and what could not be read."""
    scan = CompetitorCheck(svc.store).last()
    if scan is None:
        return None
    return {"at": scan.at, "tools": scan.tools, "sightings": scan.sightings, "unreadable": scan.unreadable}


def cmd_issues(svc: SyncService, args: argparse.Namespace) -> int:
    state = None if args.all else IssueState.OPEN
    issues = [i for i in svc.issues(state) if not args.code or i.code == args.code]
    if args.json:
        out = []
        for i in issues:
            entry = svc.catalog.get(i.code)
            out.append(
                {
                    "id": i.id,
                    "code": i.code,
                    "title": entry.title,
                    "reason": entry.reason,
                    "recommendation": entry.recommendation,
                    "scope": i.scope.value,
                    "source": i.source.value,
                    "account": i.account,
                    "state": i.state.value,
                    "object": i.kind.value if i.kind else "",
                    "item": i.item_title,
                    "item_key": i.item_key,
                    "mailbox_link": i.mailbox_link,
                    "crm_link": i.crm_link,
                    "message": i.message,
                    "first_seen": i.first_seen,
                    "last_seen": i.last_seen,
                    "attempts": i.attempts,
                    "next_attempt": i.next_attempt,
                }
            )
        print_json(out)
        return EXIT_CLEAN
    if not svc.set_up and not issues:
        say(NO_ACCOUNT)
        return EXIT_CLEAN
    if not issues:
        say("No open issues." if not args.all else "No issues recorded.")
        return EXIT_CLEAN
    for i in issues:
        entry = svc.catalog.get(i.code)
        what = clean(i.item_title or i.account)  # one line: a subject cannot fake the next issue
        say(
            f"#{i.id:<5} {i.last_seen.astimezone().strftime('%Y-%m-%d %H:%M')}  {i.source.value:<10} "
            f"{(i.kind.value if i.kind else 'account'):<8} {i.code:<30} x{i.attempts:<3} {what[:50]}"
        )
        say(f"       {entry.title}. {entry.recommendation}")
    return EXIT_CLEAN


def cmd_sessions(svc: SyncService, args: argparse.Namespace) -> int:
    if args.days < 1:
        say("syncbar: --days must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    sessions = svc.sessions(args.days)
    if args.json:
        print_json([session_json(s, svc.catalog) for s in sessions])
        return EXIT_CLEAN
    if not svc.set_up and not sessions:
        say(NO_ACCOUNT)
        return EXIT_CLEAN
    if not sessions:
        say(f"No sync sessions in the last {args.days} days.")
    for s in sessions:
        say(session_text(s, svc.catalog))
    return EXIT_CLEAN


def cmd_pause(svc: SyncService, args: argparse.Namespace) -> int:
    if not svc.set_up:
        print(NO_ACCOUNT, file=sys.stderr)
        return EXIT_USAGE
    svc.pause()
    print("Syncing is paused. 'syncbar resume' starts it again.")
    return EXIT_CLEAN


def cmd_resume(svc: SyncService, args: argparse.Namespace) -> int:
    if not svc.set_up:
        print(NO_ACCOUNT, file=sys.stderr)
        return EXIT_USAGE
    svc.resume()
    print("Syncing is on.")
    return EXIT_CLEAN


def cmd_report(svc: SyncService, args: argparse.Namespace, paths: Paths, secrets: list[str]) -> int:
    from app.core import profile as profile_mod

    prof = profile_mod.load(paths.config)
    what = getattr(args, "what_happened", "")
    files = report.build(
        svc,
        profile=prof,
        log_file=paths.log_file,
        secrets=secrets,
        keep_personal=args.keep_personal,
        what_happened=what,
    )
    out = report.write(files, Path(args.out))
    print(
        f"Wrote {out} ({', '.join(f.name for f in files)}). Tokens and passwords are removed"
        + ("." if args.keep_personal else "; addresses and subjects too.")
    )
    if not svc.set_up:
        print(NO_ACCOUNT)
        return EXIT_USAGE if getattr(args, "send", False) else EXIT_CLEAN
    if getattr(args, "send", False) and prof is not None:
        from app.auth.tokens import TokenStore
        from app.compose import wiring

        to = wiring.support_contact(prof, paths.config).address
        subject, body = report.mail_text(files, what)
        wiring.send_report(prof, TokenStore(), to, subject, body, out)  # a SyncbarError: the caller's words
        print(f"Sent to {to} from {prof.mailbox.account}, with {out.name} attached.")
    return EXIT_CLEAN
