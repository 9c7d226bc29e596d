"""Logging to ``data/logs/syncbar.log`` (rotated), with every record passed through the redactor.

Secrets never reach the log: the filter removes tokens and passwords by
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


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), _known_secrets, keep_personal=True)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), _known_secrets, True)
            record.exc_info = None
        return True


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
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.setLevel(level)
    root.addHandler(handler)
    # Client libraries log request details at DEBUG; keep them at INFO and above.
    for noisy in ("urllib3", "msal", "exchangelib", "googleapiclient", "simple_salesforce"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
