"""Everything Syncbar writes is the user's alone, whatever the umask: folders 0700, files 0600 (the database
holds unsynced mail bodies; the log and the report hold addresses)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.emulators.serve import emulators

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_files_are_private_under_umask_022(tmp_path: Path, secret_service_env: dict[str, str]) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, SYNCBAR_HOME=str(home), **secret_service_env)

    def syncbar(*argv: str) -> int:
        return subprocess.run(
            [sys.executable, "-m", "app", *argv], cwd=ROOT, env=env, preexec_fn=lambda: os.umask(0o022), timeout=240
        ).returncode

    with emulators(items=60, seed=4, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        info = host.info()
        assert syncbar("connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"]) == 0
        # An older Syncbar left a readable file: it is tightened at the next start.
        loose = home / "data" / "left-behind.txt"
        loose.write_text("x")
        loose.chmod(0o644)
        assert syncbar("sync", "--once") in (0, 1)
        assert syncbar("report", "--out", str(home / "data" / "report.zip")) == 0
    written = [p for p in home.rglob("*")]
    assert any(p.name == "syncbar.db" for p in written) and any(p.suffix == ".log" for p in written)
    for p in written:
        mode = stat.S_IMODE(p.stat().st_mode)
        want = 0o700 if p.is_dir() else 0o600
        assert mode == want, f"{p.relative_to(home)} is {oct(mode)}"
