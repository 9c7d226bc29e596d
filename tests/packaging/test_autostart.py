"""Start at login writes a valid XDG autostart entry and removes it again."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.compose import autostart

ROOT = Path(__file__).resolve().parents[2]


def _validate(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.fail("desktop-file-validate is missing (./dev installs desktop-file-utils)")
    result = subprocess.run([tool, str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_toggle_writes_valid_entry_and_removes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert not autostart.is_enabled()
    path = autostart.set_enabled(True, command="/opt/syncbar/syncbar --minimized")
    assert path == tmp_path / "autostart" / "syncbar.desktop"
    assert autostart.is_enabled()
    assert "Exec=/opt/syncbar/syncbar --minimized" in path.read_text()
    _validate(path)
    autostart.set_enabled(False)
    assert not path.exists() and not autostart.is_enabled()
    autostart.set_enabled(False)  # removing twice is fine


def test_default_command_points_at_this_installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    text = autostart.entry_text()
    assert "syncbar" in text and "--minimized" in text
    _validate(autostart.set_enabled(True))


def test_menu_entry_is_valid() -> None:
    _validate(ROOT / "packaging" / "linux" / "syncbar.desktop")
