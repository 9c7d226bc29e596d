"""SIGTERM (a logout, `kill`) and Ctrl-C end Syncbar cleanly: the window's process stops what it started,
a `sync --once` stops at a safe point and records an interrupted session, and nothing of ours is left
running.  Each runs the `syncbar` a user runs, in its own process session so leftovers can be found."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

ROOT = Path(__file__).resolve().parents[2]


def session_pids(sid: int) -> list[int]:
    """Processes still alive in process session ``sid`` (zombies are dead and do not count)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_for(check: Any, timeout: float, what: str) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_to_the_demo_window_leaves_nothing_running(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    env.pop("SYNCBAR_HOME", None)
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "demo", "--items", "200"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The emulators' process is up and the app has signed in and opened its window.
        wait_for(lambda: children(proc.pid), 60, "the demo's emulators")
        wait_for(lambda: list(tmp_path.glob("syncbar-demo-*/config/profile.json")), 60, "the demo's sign-in")
        time.sleep(1.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert proc.stderr is not None
        err = proc.stderr.read()
        assert "Traceback" not in err, err
        wait_for(lambda: not session_pids(proc.pid), 15, "every process of the demo to end")
        assert not list(tmp_path.glob("syncbar-demo-*")), "the demo's throwaway home was left behind"
    finally:
        if session_pids(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=1500, seed=3, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signalled_sync_stops_at_a_safe_point_and_is_recorded_as_interrupted(
    signum: int, served: EmulatorHost, tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, SYNCBAR_HOME=str(home), **secret_service_env)
    info = served.info()
    connect = ["connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"]]
    assert subprocess.run([sys.executable, "-m", "app", *connect], cwd=ROOT, env=env).returncode == 0
    sf: Any = served.services["salesforce"]
    before = {kind: set(recs) for kind, recs in sf.records.items()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "sync", "--once"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until records start to arrive in Salesforce: the cycle is mid-way.
        wait_for(lambda: sum(len(r) for r in sf.records.values()) > sum(len(r) for r in before.values()), 90, "a push")
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err, err
    assert "interrupted" in out
    assert not session_pids(proc.pid)

    sessions = json.loads(
        subprocess.run(
            [sys.executable, "-m", "app", "sessions", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout
    )
    cut = sessions[0]
    assert cut["outcome"] == "interrupted"
    assert sum(c["new"] for c in cut["counts"].values()) > 0, "the session says what it did before the signal"

    done = subprocess.run([sys.executable, "-m", "app", "sync", "--once"], cwd=ROOT, env=env, capture_output=True)
    assert done.returncode in (0, 1)
    with sqlite3.connect(home / "data" / "syncbar.db") as conn:
        synced = [r[0] for r in conn.execute("SELECT record_id FROM items WHERE state='synced' AND record_id!=''")]
    created = [rid for kind, recs in sf.records.items() for rid in recs if rid not in before.get(kind, set())]
    assert len(synced) == len(set(synced))
    assert not set(created) - set(synced), "a record was written twice"
