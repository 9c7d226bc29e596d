"""The one small exception hierarchy providers raise: every error carries a catalogue code.

Providers translate their library's exceptions into these; the engine decides
what to do from the code's retry class (see ``app.core.catalog``), never from
the exception type alone.
"""

from __future__ import annotations

from datetime import datetime


class SyncbarError(Exception):
    """Base of every error that crosses a port.  ``code`` is a catalogue code."""

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        retry_after: float | None = None,
        resume_at: datetime | None = None,
        request_id: str = "",
        service_code: str = "",
    ) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message
        # Seconds the service asked us to wait (Retry-After, BackOffMilliseconds / 1000).
        self.retry_after = retry_after
        # When a suspension ends (daily limit window, our own allocation).
        self.resume_at = resume_at
        self.request_id = request_id
        # The service's own code (errorCode, error.code, reason), for Show details.
        self.service_code = service_code
        # Which side failed ("Mailbox", "Salesforce", "Engine"); the engine fills it in.
        self.source = ""


class AccountError(SyncbarError):
    """The whole account is affected (auth, limits, outage): stop the cycle."""


class StreamDenied(SyncbarError):
    """One stream may not be read (a permission the user did not grant); the other streams go on.

    The engine records it as an account-level issue for as long as it lasts and
    syncs what it may read (Google's granular consent: mail without calendar).
    """


class ItemError(SyncbarError):
    """Only one item is affected; the batch goes on."""


class CursorExpired(SyncbarError):
    """The stream's delta token / history id / sync state is no longer valid: resync in full."""

    def __init__(self, message: str = "", *, service_code: str = "") -> None:
        super().__init__("MBX_CURSOR_EXPIRED", message, service_code=service_code)
