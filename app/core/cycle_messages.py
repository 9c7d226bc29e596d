"""The messages a sync cycle's child process sends the desktop app, and their JSON lines.

``syncbar _cycle`` (app/compose/sync_child.py) encodes them, one per stdout line; the app's
``CycleProcess`` (app/ui/sync_process.py) decodes them.  One definition for both ends, so
a field added on one side cannot be missed on the other.

Wire format (one JSON object per line)::

    {"progress": [done, total, eta_seconds | null], "phase": "reading" | "matching" | "writing" | "marking",
     "kinds": {"email": [synced, failed], ...}}   ("kinds" only when a count is known; an older line
                                                 without "phase" reads as writing)
    {"notice": {"kind": ..., "code": ..., "account": ..., "message": ..., "until": ISO | null, "failures": N}}
    {"secret": [service, account, secret | null]}
    {"session": ID, "outcome": ..., "exit_code": N}        (last; absent if the cycle could not run)
    {"error": "...", "code": CODE}                          (why it could not run; "code" only when known)
    {"escalated": true | false}                             (a child started only to send the escalation
                                                             email: whether one went out)
    {"described": [object, {field: describe entry}]}        (a child started only to read one Salesforce
                                                             object's describe, for the settings' check)

A line that is not one of these (a library printing on stdout) decodes to None.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.model import ItemKind
from app.core.scheduler import Notice, NoticeKind
from app.core.service import KindProgress, Phase, Progress


@dataclass(frozen=True)
class ProgressMessage:
    progress: Progress


@dataclass(frozen=True)
class NoticeMessage:
    notice: Notice


@dataclass(frozen=True)
class SecretMessage:
    """A secret this cycle changed (a refreshed token; None: deleted), for an app holding them in memory."""

    service: str
    account: str
    secret: str | None


@dataclass(frozen=True)
class DoneMessage:
    session: int
    outcome: str
    exit_code: int


@dataclass(frozen=True)
class ErrorMessage:
    error: str
    code: str | None = None


@dataclass(frozen=True)
class EscalatedMessage:
    sent: bool


@dataclass(frozen=True)
class DescribedMessage:
    """The org's describe of one object, read in the child so the window never loads a service library."""

    object_type: str
    fields: dict[str, Any]


CycleMessage = (
    ProgressMessage | NoticeMessage | SecretMessage | DoneMessage | ErrorMessage | EscalatedMessage | DescribedMessage
)


def encode(message: CycleMessage) -> str:
    """One JSON line (without its newline)."""
    data: dict[str, Any]
    if isinstance(message, ProgressMessage):
        p = message.progress
        data = {"progress": [p.done, p.total, p.eta_seconds], "phase": p.phase.value}
        if p.kinds:
            data["kinds"] = {k.kind.value: [k.synced, k.failed] for k in p.kinds}
    elif isinstance(message, NoticeMessage):
        n = message.notice
        data = {
            "notice": {
                "kind": n.kind.value,
                "code": n.code,
                "account": n.account,
                "message": n.message,
                "until": n.until.isoformat() if n.until else None,
                "failures": n.failures,
            }
        }
    elif isinstance(message, SecretMessage):
        data = {"secret": [message.service, message.account, message.secret]}
    elif isinstance(message, DoneMessage):
        data = {"session": message.session, "outcome": message.outcome, "exit_code": message.exit_code}
    elif isinstance(message, EscalatedMessage):
        data = {"escalated": message.sent}
    elif isinstance(message, DescribedMessage):
        data = {"described": [message.object_type, message.fields]}
    else:
        data = {"error": message.error}
        if message.code is not None:
            data["code"] = message.code
    return json.dumps(data, default=str)


def decode(line: str) -> CycleMessage | None:
    """The message on ``line``, or None for a line that is not one (not JSON, or of no known shape)."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        if "progress" in data:
            return ProgressMessage(_progress(data))
        if "notice" in data:
            return NoticeMessage(_notice(data["notice"]))
        if "secret" in data:
            service, account, secret = data["secret"]
            return SecretMessage(str(service), str(account), None if secret is None else str(secret))
        if "session" in data:
            return DoneMessage(int(data["session"]), str(data.get("outcome", "")), int(data.get("exit_code", 0)))
        if "error" in data:
            code = data.get("code")
            return ErrorMessage(str(data["error"]), None if code is None else str(code))
        if "escalated" in data and isinstance(data["escalated"], bool):
            return EscalatedMessage(data["escalated"])
        if "described" in data:
            object_type, fields = data["described"]
            if isinstance(fields, dict):
                return DescribedMessage(str(object_type), fields)
    except (TypeError, ValueError, KeyError):
        return None
    return None


def _progress(data: dict[str, Any]) -> Progress:
    done, total, eta = data["progress"]
    kinds = data.get("kinds") or {}
    if not isinstance(kinds, dict):
        raise TypeError("kinds is not an object")
    return Progress(
        int(done),
        int(total),
        None if eta is None else float(eta),
        Phase(data.get("phase", Phase.WRITING.value)),
        tuple(KindProgress(ItemKind(kind), int(synced), int(failed)) for kind, (synced, failed) in kinds.items()),
    )


def _notice(data: dict[str, Any]) -> Notice:
    until = data.get("until")
    return Notice(
        kind=NoticeKind(data["kind"]),
        code=str(data.get("code", "")),
        account=str(data.get("account", "")),
        message=str(data.get("message", "")),
        until=datetime.fromisoformat(until) if until else None,
        failures=int(data.get("failures", 0)),
    )
