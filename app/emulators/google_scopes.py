"""Google's granular consent in the Gmail emulator: which scopes a grant holds, which each API needs.

Rules (Google Identity "How to handle granular permissions"; the Gmail API and
Calendar API and Tasks API reference pages list the scopes each method accepts; "Gmail API
errors": 403 insufficientPermissions):

- on the consent screen the user may untick any of the scopes an app asks for;
  the authorization redirect and the token response then carry only the granted
  scopes in ``scope`` (space-separated), and so does every refresh;
- a call whose method needs a scope the token lacks answers 403 with reason
  ``insufficientPermissions``, status ``PERMISSION_DENIED``, the ErrorInfo
  reason ``ACCESS_TOKEN_SCOPE_INSUFFICIENT`` and a ``WWW-Authenticate``
  header with ``error="insufficient_scope"``; what was granted keeps working.
"""

from __future__ import annotations

from typing import Any

GMAIL = "https://www.googleapis.com/auth/"
FULL_MAIL = "https://mail.google.com/"
# Any one of these lets a method run (each method's "Authorization scopes" section).
READ_MAIL = (GMAIL + "gmail.modify", GMAIL + "gmail.readonly", FULL_MAIL)
MODIFY_MAIL = (GMAIL + "gmail.modify", FULL_MAIL)
LABELS = (GMAIL + "gmail.labels", GMAIL + "gmail.modify", FULL_MAIL)
SEND = (GMAIL + "gmail.send", GMAIL + "gmail.compose", GMAIL + "gmail.modify", FULL_MAIL)
COMPOSE = (GMAIL + "gmail.compose", GMAIL + "gmail.modify", FULL_MAIL)
READ_EVENTS = (
    GMAIL + "calendar.events",
    GMAIL + "calendar",
    GMAIL + "calendar.readonly",
    GMAIL + "calendar.events.readonly",
)
WRITE_EVENTS = (GMAIL + "calendar.events", GMAIL + "calendar")
READ_TASKS = (GMAIL + "tasks", GMAIL + "tasks.readonly")  # Google Tasks API: tasklists.list, tasks.list, tasks.get
WRITE_TASKS = (GMAIL + "tasks",)


def needed(method: str, path: str) -> tuple[str, ...]:
    """The scopes (any one of them) a Gmail or Calendar request needs; () when none is checked here."""
    if path.startswith("/calendar/v3/"):
        return READ_EVENTS if method == "GET" else WRITE_EVENTS
    if path.startswith("/tasks/v1/"):
        return READ_TASKS if method == "GET" else WRITE_TASKS
    rest = path.removeprefix("/gmail/v1/users/me")
    if rest == path:
        return ()
    if rest.startswith("/labels"):
        return LABELS if method != "GET" else LABELS + READ_MAIL
    if rest == "/messages/send":
        return SEND
    if rest.startswith("/drafts"):
        return COMPOSE
    if method == "GET":
        return READ_MAIL
    return MODIFY_MAIL


def granted_text(asked: str, granted: frozenset[str] | None) -> str:
    """The ``scope`` a redirect or token response carries: what was asked and granted, in asked order."""
    scopes = asked.split()
    return " ".join(s for s in scopes if granted is None or s in granted)


def insufficient(method: str, path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The 403 body and headers Google answers when the token lacks the scope."""
    service = "gmail.googleapis.com"
    if path.startswith("/calendar/"):
        service = "calendar-json.googleapis.com"
    elif path.startswith("/tasks/"):
        service = "tasks.googleapis.com"
    body = {
        "error": {
            "code": 403,
            "message": "Request had insufficient authentication scopes.",
            "errors": [{"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}],
            "status": "PERMISSION_DENIED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    "domain": "googleapis.com",
                    "metadata": {"service": service, "method": f"{method} {path}"},
                }
            ],
        }
    }
    scope = " ".join(needed(method, path))
    headers = {
        "WWW-Authenticate": f'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="{scope}"'
    }
    return body, headers
