"""The installable app: the desktop entry and icons (default run) and the PyInstaller bundle (slow suite)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_desktop_entry_is_valid_and_metainfo_names_it() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.fail("desktop-file-validate is missing (./dev installs desktop-file-utils)")
    entry = ROOT / "packaging" / "linux" / "syncbar.desktop"
    result = subprocess.run([tool, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    meta = ET.parse(ROOT / "packaging" / "linux" / "io.syncbar.Syncbar.metainfo.xml").getroot()
    assert meta.findtext("launchable") == "syncbar.desktop"
    assert meta.findtext("id") == "io.syncbar.Syncbar" and meta.findtext("summary")


def test_hicolor_icons_render_from_the_svg(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else "python3",
            str(ROOT / "packaging" / "linux" / "render_icons.py"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    for size in (16, 32, 48, 256):
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "syncbar.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "hicolor" / "scalable" / "apps" / "syncbar.svg").is_file()


@pytest.mark.slow
def test_bundle_builds_reports_its_version_and_runs_a_demo_cycle(tmp_path: Path) -> None:
    build = subprocess.run(
        [str(ROOT / "packaging" / "build.sh")], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    binary = ROOT / "dist" / "syncbar" / "syncbar"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("syncbar ")
    env = dict(os.environ, SYNCBAR_HOME=str(tmp_path / "home"))
    demo = subprocess.run(
        [str(binary), "demo", "--headless", "--cycles", "1", "--items", "60"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert demo.returncode in (0, 1), demo.stdout + demo.stderr  # 1: synced, with the seeded item issues
    assert "Session 1" in demo.stdout and "email" in demo.stdout
    # The desktop app runs each cycle as `syncbar _cycle`: the bundle's own binary must answer it.
    home = tmp_path / "empty"
    start = json.dumps({"config": str(home / "config"), "data": str(home / "data"), "secrets": []}) + "\n"
    cycle = subprocess.run([str(binary), "_cycle"], input=start, capture_output=True, text=True, timeout=120, env=env)
    assert cycle.returncode == 2, cycle.stdout + cycle.stderr  # no account set up in that home
    assert "error" in json.loads(cycle.stdout.splitlines()[-1])
