"""The desktop app never exits silently: a profile or database it cannot use is shown in a dialog whose
buttons fix it (the real ``run`` a menu launch calls, with the dialog answered as a user would)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from app.compose import desktop
from app.compose.paths import Paths
from app.ui import app as ui_app
from app.ui import startup


def answer_with(monkeypatch: pytest.MonkeyPatch, label: str | None) -> list[dict[str, Any]]:
    """Every dialog shown is recorded; the button labelled ``label`` is clicked (None: Quit)."""
    shown: list[dict[str, Any]] = []

    def ask(failure: startup.Failure) -> str:
        box, handlers = startup.dialog(failure)
        buttons = {  # the buttons a user chooses from (not Qt's own "Show Details...")
            b.text(): b for b in box.buttons() if box.buttonRole(b) is not QMessageBox.ButtonRole.ActionRole
        }
        shown.append(
            {
                "title": box.text(),
                "text": box.informativeText(),
                "detail": box.detailedText(),
                "buttons": sorted(buttons),
            }
        )
        chosen = handlers.get(buttons[label]) if label and not shown[1:] else None
        box.deleteLater()
        return chosen() if chosen is not None else startup.QUIT

    monkeypatch.setattr(startup, "ask", ask)
    return shown


def launch(paths: Paths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return desktop.run(paths, quit_after_ms=300)


def bad_profile(paths: Paths, mutate: Callable[[dict[str, Any]], None]) -> None:
    from tests.test_profile_schema import valid

    data = valid()
    mutate(data)
    paths.config.mkdir(parents=True, exist_ok=True)
    (paths.config / "profile.json").write_text(json.dumps(data))


def test_an_unusable_profile_is_shown_and_quit_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data")
    bad_profile(paths, lambda d: d["choices"].update(interval_minutes="15"))
    shown = answer_with(monkeypatch, None)
    assert launch(paths, monkeypatch, tmp_path) == ui_app.EXIT_NOT_STARTED
    assert len(shown) == 1
    assert shown[0]["title"] == "Syncbar's settings cannot be used"
    assert "choices.interval_minutes" in shown[0]["detail"] and '"15"' in shown[0]["detail"]
    assert shown[0]["buttons"] == ["Open the folder", "Quit", "Start setup again"]
    assert (paths.config / "profile.json").exists()


def test_start_setup_again_keeps_the_old_profile_and_opens_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data")
    bad_profile(paths, lambda d: d["choices"].update(blocklist=None))
    shown = answer_with(monkeypatch, "Start setup again")
    assert launch(paths, monkeypatch, tmp_path) == 0  # the app ran (and quit by itself in the test)
    assert len(shown) == 1
    assert not (paths.config / "profile.json").exists()
    kept = list(paths.config.glob("profile.json.unusable-*"))
    assert len(kept) == 1 and json.loads(kept[0].read_text())["choices"]["blocklist"] is None


def test_a_damaged_database_offers_start_fresh_and_keeps_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    paths.database.write_bytes(b"this is not a database at all, just damage " * 200)
    shown = answer_with(monkeypatch, "Start fresh")
    assert launch(paths, monkeypatch, tmp_path) == 0
    assert shown[0]["title"] == "Syncbar's records are damaged"
    assert "only the history of past issues and sessions is lost" in shown[0]["text"]
    kept = list(paths.data.glob("syncbar.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    with sqlite3.connect(paths.database) as conn:  # a fresh one took its place
        assert conn.execute("PRAGMA user_version").fetchone()[0] > 0


def test_a_fault_at_start_is_shown_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data")

    def broken(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("a bug at start")

    monkeypatch.setattr(ui_app, "DesktopApp", broken)
    shown = answer_with(monkeypatch, None)
    assert launch(paths, monkeypatch, tmp_path) == ui_app.EXIT_NOT_STARTED
    assert shown[0]["title"] == "Unexpected error"
    assert "RuntimeError: a bug at start" in shown[0]["detail"]
    assert shown[0]["buttons"] == ["Open the log folder", "Quit"]
    logged = paths.log_file.read_text(encoding="utf-8")  # the log support reads has where it came from
    assert "Traceback" in logged and "RuntimeError: a bug at start" in logged


def test_a_database_the_last_sync_found_damaged_is_checked_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.catalog import load_default
    from app.core.errors import AccountError
    from app.core.scheduler import Scheduler
    from app.core.store import Store

    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    store = Store.open(paths.database)
    with store.transaction() as tx:  # pages the app's own start does not read
        tx.execute("CREATE TABLE extra(x TEXT)")
        tx.executemany("INSERT INTO extra VALUES(?)", [("x" * 1500,) for _ in range(300)])
    Scheduler(store, load_default()).record(AccountError("SYNC_DATABASE_DAMAGED", "malformed"), datetime.now(UTC))
    store.close()
    with sqlite3.connect(paths.database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(paths.database.read_bytes())
    for at in range(len(raw) - 4096 * 20, len(raw) - 4096 * 2):
        raw[at] = 0x33
    paths.database.write_bytes(bytes(raw))

    shown = answer_with(monkeypatch, "Start fresh")
    assert launch(paths, monkeypatch, tmp_path) == 0
    assert shown and shown[0]["title"] == "Syncbar's records are damaged", shown
    assert list(paths.data.glob("syncbar.db.damaged-*"))
