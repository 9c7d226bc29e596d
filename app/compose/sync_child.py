"""One sync cycle in a process of its own, for the desktop app (``syncbar _cycle``).

The desktop app starts this for each cycle, so the window's process never loads the
service libraries nor keeps the memory a large sync needs, and a crash in a library
cannot take the window down.  The store is shared through SQLite (WAL) and the cycle
holds the same cross-process lock as ``syncbar sync``.

stdin, one JSON line::

    {"config": DIR, "data": DIR, "secrets": [[service, account, secret], ...] | null, "escalate": false}

``escalate`` true: no cycle; only the escalation email owed while nothing syncs is sent.
``describe``: an object name (``"Contact"``): no cycle; the org's describe of that object is read and sent
back (the settings' mapping check), so the window's process never loads the Salesforce library.

``secrets`` is null when the app uses the OS keyring (this process reads it too); the
demo and the tests hold their secrets in memory, so they come over this pipe, and a
secret this cycle changes (a refreshed token) goes back over stdout.  Nothing secret is
written to a file or a log.

stdout, JSON lines: the messages of ``app.core.cycle_messages`` (progress, notice, secret,
then the session's outcome last, or an error saying why the cycle could not run).

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

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import commands, exits, logs, wiring
from app.compose.paths import Paths
from app.core.cycle_messages import (
    CycleMessage,
    DescribedMessage,
    DoneMessage,
    ErrorMessage,
    EscalatedMessage,
    NoticeMessage,
    ProgressMessage,
    SecretMessage,
    encode,
)
from app.core.errors import SyncbarError
from app.core.store import StoreError

log = logging.getLogger(__name__)
_out = threading.Lock()


def emit(message: CycleMessage) -> None:
    with _out:
        sys.stdout.write(encode(message) + "\n")
        sys.stdout.flush()


def main() -> int:
    try:
        header = json.loads(sys.stdin.readline() or "null")
        paths = Paths(config=Path(header["config"]), data=Path(header["data"])).ensure()
    except (ValueError, TypeError, KeyError) as exc:
        emit(ErrorMessage(f"the app sent no usable start line ({type(exc).__name__})"))
        return exits.EXIT_USAGE
    try:
        logs.setup(paths.log_file)
    except OSError:
        pass  # the cycle still runs; the app shows what it reports
    tokens: TokenStore | None = None
    if header.get("secrets") is not None:
        entries = [(str(s), str(a), str(p)) for s, a, p in header["secrets"]]
        tokens = TokenStore(ProcessKeyring(entries, on_change=lambda s, a, p: emit(SecretMessage(s, a, p))))
    cancelled = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: cancelled.set())
    try:
        svc, prof = wiring.open_service(paths, tokens=tokens, on_notice=lambda n: emit(NoticeMessage(n)))
        if not svc.set_up:
            emit(ErrorMessage(commands.NO_ACCOUNT))
            return exits.EXIT_USAGE
        if header.get("escalate"):
            emit(EscalatedMessage(svc.escalate()))
            svc.store.close()
            return exits.EXIT_CLEAN
        if header.get("describe"):
            object_type = str(header["describe"])
            svc.store.close()
            if prof is None:
                emit(ErrorMessage(commands.NO_ACCOUNT))
                return exits.EXIT_USAGE
            crm: Any = wiring.build_crm(prof, tokens or wiring.redact_handed_out(TokenStore()))
            emit(DescribedMessage(object_type, crm.describe_fields(object_type)))
            return exits.EXIT_CLEAN
        session = svc.run_cycle(lambda p: emit(ProgressMessage(p)), cancelled)
    except SyncbarError as exc:  # another sync holds the lock, no keyring...
        emit(ErrorMessage(exc.message, exc.code))
        return exits.EXIT_BUSY if exc.code == "SYNC_ANOTHER_RUNNING" else exits.EXIT_UNAVAILABLE
    except StoreError as exc:
        emit(ErrorMessage(str(exc)))
        return exits.EXIT_UNAVAILABLE
    except Exception as exc:  # a bug: the app says so and goes on; the log has the traceback
        log.exception("the sync cycle crashed")
        emit(ErrorMessage(f"{type(exc).__name__}: {exc}"))
        return exits.EXIT_BUG
    code = commands.exit_code(session, svc.catalog)
    emit(DoneMessage(session.id, session.outcome.value, code))
    svc.store.close()
    return code
