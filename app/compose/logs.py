"""Logging to ``data/logs/syncbar.log`` (rotated), with every record passed through the redactor.

Secrets never reach the log: the formatter removes tokens and passwords by
pattern and every secret value the keyring handed out in this process.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.compose.report import redact

_known_secrets: set[str] = set()


def remember_secret(value: str) -> None:
    """A value that must never be written anywhere (a token read from the keyring)."""
    if value and len(value) >= 4:
        _known_secrets.add(value)


class RedactingFormatter(logging.Formatter):
    """Formats a record, then redacts the whole line, traceback included.

    It works on the formatted text, never on the record: a record is shared by every handler (the console,
    a test's capture), and the file's redaction must not change what the others receive.
    """

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), _known_secrets, keep_personal=True)


def setup(log_file: Path, level: int = logging.INFO) -> logging.Handler:
    """Log to ``log_file`` (rotating, redacted); calling it again for the same file changes nothing."""
    root = logging.getLogger()
    for existing in root.handlers:
        if (
            isinstance(existing, logging.handlers.RotatingFileHandler)
            and Path(existing.baseFilename) == log_file.resolve()
        ):
            return existing
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.setLevel(level)
    root.addHandler(handler)
    # Client libraries log request details at DEBUG; keep them at INFO and above.
    for noisy in ("urllib3", "msal", "exchangelib", "googleapiclient", "simple_salesforce"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
