"""Failures of this computer's own storage: a full disk, a damaged or read-only database, a home we cannot write.

They are never a fault in Syncbar and never the services' doing, so they get
their own catalogue codes.  ``storage_code`` reads an exception (and what
caused it) and answers the code, or ``None`` when the exception is something
else.  SQLite's primary result codes are read first (``sqlite_errorcode``);
the message is the fallback for errors raised without one.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

DISK_FULL = "SYNC_DISK_FULL"
DATABASE_DAMAGED = "SYNC_DATABASE_DAMAGED"
DATABASE_READ_ONLY = "SYNC_DATABASE_READ_ONLY"
HOME_NOT_WRITABLE = "SYNC_HOME_NOT_WRITABLE"
CODES = frozenset({DISK_FULL, DATABASE_DAMAGED, DATABASE_READ_ONLY, HOME_NOT_WRITABLE})

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_BY_SQLITE_CODE = {
    _SQLITE_FULL: DISK_FULL,
    _SQLITE_CORRUPT: DATABASE_DAMAGED,
    _SQLITE_NOTADB: DATABASE_DAMAGED,
    _SQLITE_READONLY: DATABASE_READ_ONLY,
    _SQLITE_CANTOPEN: HOME_NOT_WRITABLE,
}
_BY_MESSAGE = (
    ("database or disk is full", DISK_FULL),
    ("disk image is malformed", DATABASE_DAMAGED),
    ("file is not a database", DATABASE_DAMAGED),
    ("no such table", DATABASE_DAMAGED),
    ("no such column", DATABASE_DAMAGED),
    ("readonly database", DATABASE_READ_ONLY),
    ("read-only", DATABASE_READ_ONLY),
    ("unable to open database file", HOME_NOT_WRITABLE),
)
_BY_ERRNO = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EROFS: HOME_NOT_WRITABLE,
    errno.EACCES: HOME_NOT_WRITABLE,
    errno.EPERM: HOME_NOT_WRITABLE,
}


class LocalStorageError(Exception):
    """This computer's storage failed; ``code`` is one of the catalogue's local codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_SQLITE_IOERR_READ = 266  # extended code: a read failed (the file, not the room on the disk)
LOW_SPACE = 1 << 20  # less than this free on the folder's disk: an I/O error there means "full"


def _io_error(extended: int, where: Path | None) -> str:
    """SQLite's "disk I/O error": a failed read is damage; a failed write is a full or unwritable disk."""
    if extended == _SQLITE_IOERR_READ:
        return DATABASE_DAMAGED
    if where is not None:
        try:
            if shutil.disk_usage(where).free < LOW_SPACE:
                return DISK_FULL
        except OSError:
            pass
        return HOME_NOT_WRITABLE
    return DISK_FULL


def _one(exc: BaseException, where: Path | None) -> str | None:
    if isinstance(exc, LocalStorageError):
        return exc.code
    if isinstance(exc, sqlite3.Error):
        extended = getattr(exc, "sqlite_errorcode", None) or 0
        primary = extended & 0xFF
        if primary == _SQLITE_IOERR or "disk i/o error" in str(exc).lower():
            return _io_error(extended, where)
        if primary in _BY_SQLITE_CODE:
            return _BY_SQLITE_CODE[primary]
        text = str(exc).lower()
        for needle, code in _BY_MESSAGE:
            if needle in text:
                return code
        return None
    if isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        return _BY_ERRNO[exc.errno]
    return None


def storage_code(exc: BaseException, where: Path | None = None) -> str | None:
    """The local-storage code behind ``exc`` or anything that caused it; ``None`` if it is not one.

    ``where`` is the folder of the database, to tell a full disk from another write failure.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = _one(current, where)
        if code is not None:
            return code
        current = current.__cause__ or current.__context__
    return None
