"""When the desktop app cannot start: a dialog with what went wrong and the way out, never a silent exit.

A menu or login launch has no terminal, so a profile that cannot be used, a
damaged database or a folder that cannot be written is shown in a message box
whose buttons fix what can be fixed from there: open the folder, start the
setup again (the old profile is kept beside it), or start fresh with a new
database (the damaged one is kept beside it for support).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from app.core import profile as profile_mod
from app.core.catalog import UNKNOWN, Catalog
from app.core.local import DATABASE_DAMAGED, storage_code
from app.core.store import StoreError
from app.ui.backend import Folders

log = logging.getLogger("syncbar.ui")


QUIT, RETRY = "quit", "retry"


@dataclass
class Failure:
    """What the dialog says and offers; each action returns QUIT or RETRY (start the app again)."""

    title: str
    text: str
    detail: str
    actions: list[tuple[str, Callable[[], str]]] = field(default_factory=list)


def _open(folder: Path) -> str:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    return QUIT


def _aside(path: Path, why: str) -> Path:
    """Move ``path`` (and SQLite's -wal/-shm beside it) to a dated name next to it; return the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            shutil.move(str(source), str(target.with_name(target.name + suffix)))
    log.warning("moved %s aside to %s", path, target)
    return target


def explain(exc: BaseException, paths: Folders, catalog: Catalog) -> Failure:
    """The dialog for a start-up failure ``exc``."""
    if isinstance(exc, profile_mod.ProfileError):
        config = paths.config

        def setup_again() -> str:
            _aside(profile_mod.profile_path(config), "unusable")
            return RETRY

        return Failure(
            QCoreApplication.translate("Startup", "Syncbar's settings cannot be used"),
            QCoreApplication.translate(
                "Startup",
                "The settings file (profile.json) has a value Syncbar cannot use. Fix it in the file, or start "
                "the setup again: the old file is kept beside the new one, and your sync history stays.",
            ),
            str(exc),
            [
                (QCoreApplication.translate("Startup", "Start setup again"), setup_again),
                (QCoreApplication.translate("Startup", "Open the folder"), lambda: _open(config)),
            ],
        )
    code = storage_code(exc, paths.data)
    if code is None and isinstance(exc, StoreError):
        code = DATABASE_DAMAGED
    entry = catalog.get(code or UNKNOWN)
    text = f"{entry.reason}\n\n{entry.recommendation}"
    if code == DATABASE_DAMAGED:
        database = paths.database

        def start_fresh() -> str:
            _aside(database, "damaged")
            return RETRY

        return Failure(
            entry.title,
            text,
            str(exc),
            [
                (QCoreApplication.translate("Startup", "Start fresh"), start_fresh),
                (QCoreApplication.translate("Startup", "Open the folder"), lambda: _open(paths.data)),
            ],
        )
    if code is not None:
        return Failure(
            entry.title,
            text,
            str(exc),
            [(QCoreApplication.translate("Startup", "Open the folder"), lambda: _open(paths.data))],
        )
    log.error("the app could not start", exc_info=exc)
    return Failure(
        entry.title,
        text,
        f"{type(exc).__name__}: {exc}",
        [(QCoreApplication.translate("Startup", "Open the log folder"), lambda: _open(paths.logs))],
    )


def dialog(failure: Failure) -> tuple[QMessageBox, dict[object, Callable[[], str]]]:
    """The message box for ``failure`` and what each of its buttons does (plain text only)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Syncbar", failure.title)
    box.setTextFormat(box.textFormat().PlainText)
    box.setInformativeText(failure.text)
    box.setDetailedText(failure.detail)
    handlers: dict[object, Callable[[], str]] = {}
    for label, action in failure.actions:
        handlers[box.addButton(label, QMessageBox.ButtonRole.AcceptRole)] = action
    box.addButton(QCoreApplication.translate("Startup", "Quit"), QMessageBox.ButtonRole.RejectRole)
    return box, handlers


def ask(failure: Failure) -> str:
    """Show the dialog until the user picks; QUIT or RETRY."""
    box, handlers = dialog(failure)
    box.exec()
    action = handlers.get(box.clickedButton())
    return action() if action is not None else QUIT
