"""One sync cycle in a process of its own, for the desktop app (``syncbar _cycle``).

The desktop app starts this for each cycle, so the window's process never loads the
service libraries nor keeps the memory a large sync needs, and a crash in a library
cannot take the window down.  The store is shared through SQLite (WAL) and the cycle
holds the same cross-process lock as ``syncbar sync``.

stdin, one JSON line::

    {"config": DIR, "data": DIR, "secrets": [[service, account, secret], ...] | null, "escalate": false}

``escalate`` true: no cycle; only the escalation email owed while nothing syncs is sent.

``secrets`` is null when the app uses the OS keyring (this process reads it too); the
demo and the tests hold their secrets in memory, so they come over this pipe, and a
secret this cycle changes (a refreshed token) goes back over stdout.  Nothing secret is
written to a file or a log.

stdout, JSON lines::

    {"progress": [done, total, eta_seconds | null]}
    {"notice": {"kind": ..., "code": ..., "account": ..., "message": ..., "until": ..., "failures": N}}
    {"secret": [service, account, secret | null]}
    {"session": ID, "outcome": ..., "exit_code": N}        (last; absent if the cycle could not run)
    {"error": "..."}                                           (why it could not run)

SIGTERM asks the cycle to stop at its next safe point (as Pause and Quit do in the app).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from app import commands, logs, wiring
from app.auth.tokens import ProcessKeyring, TokenStore
from app.core.errors import SyncbarError
from app.core.scheduler import Notice
from app.core.service import Progress
from app.core.store import StoreError
from app.paths import Paths

log = logging.getLogger(__name__)
EXIT_BUG = 70  # EX_SOFTWARE
_out = threading.Lock()


def emit(message: dict[str, Any]) -> None:
    with _out:
        sys.stdout.write(json.dumps(message, default=str) + "\n")
        sys.stdout.flush()


def notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "kind": notice.kind.value,
        "code": notice.code,
        "account": notice.account,
        "message": notice.message,
        "until": notice.until.isoformat() if notice.until else None,
        "failures": notice.failures,
    }


def main() -> int:
    try:
        header = json.loads(sys.stdin.readline() or "null")
        paths = Paths(config=Path(header["config"]), data=Path(header["data"])).ensure()
    except (ValueError, TypeError, KeyError) as exc:
        emit({"error": f"the app sent no usable start line ({type(exc).__name__})"})
        return commands.EXIT_USAGE
    try:
        logs.setup(paths.log_file)
    except OSError:
        pass  # the cycle still runs; the app shows what it reports
    tokens: TokenStore | None = None
    if header.get("secrets") is not None:
        entries = [(str(s), str(a), str(p)) for s, a, p in header["secrets"]]
        tokens = TokenStore(ProcessKeyring(entries, on_change=lambda s, a, p: emit({"secret": [s, a, p]})))
    cancelled = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: cancelled.set())
    try:
        svc, _prof = wiring.open_service(paths, tokens=tokens, on_notice=lambda n: emit({"notice": notice_json(n)}))
        if not svc.set_up:
            emit({"error": commands.NO_ACCOUNT})
            return commands.EXIT_USAGE
        if header.get("escalate"):
            emit({"escalated": svc.escalate()})
            svc.store.close()
            return commands.EXIT_CLEAN
        session = svc.run_cycle(lambda p: emit({"progress": progress_json(p)}), cancelled)
    except SyncbarError as exc:  # another sync holds the lock, no keyring...
        emit({"error": exc.message, "code": exc.code})
        return commands.EXIT_BUSY if exc.code == "SYNC_ANOTHER_RUNNING" else commands.EXIT_UNAVAILABLE
    except StoreError as exc:
        emit({"error": str(exc)})
        return commands.EXIT_UNAVAILABLE
    except Exception as exc:  # a bug: the app says so and goes on; the log has the traceback
        log.exception("the sync cycle crashed")
        emit({"error": f"{type(exc).__name__}: {exc}"})
        return EXIT_BUG
    code = commands.exit_code(session, svc.catalog)
    emit({"session": session.id, "outcome": session.outcome.value, "exit_code": code})
    svc.store.close()
    return code


def progress_json(progress: Progress) -> list[Any]:
    return [progress.done, progress.total, progress.eta_seconds]
