"""Two real sync processes started together on one home — a `syncbar sync --once` from a terminal and the
desktop app's cycle (`syncbar _cycle`) — never both sync: one does, the other exits 5 and says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.emulators.base import Fault
from app.emulators.serve import emulators

ROOT = Path(__file__).resolve().parents[2]


def start(home: Path, env: dict[str, str], *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", *argv],
        cwd=ROOT,
        env=dict(os.environ, SYNCBAR_HOME=str(home), **env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sync_once_and_the_apps_cycle_started_together_one_syncs_the_other_exits_5(
    tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    env = dict(secret_service_env)
    with emulators(items=50, seed=5, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        info = host.info()
        connect = start(
            home, env, "connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"]
        )
        out, err = connect.communicate(timeout=240)
        assert connect.returncode == 0, out + err
        # The winner's first mailbox read takes seconds, so the two surely overlap whichever starts first.
        host.inject("graph", Fault("delay", operation="messages.delta", delay=6.0, count=1))
        terminal = start(home, env, "sync", "--once", "--json")
        app_cycle = start(home, env, "_cycle")
        assert app_cycle.stdin is not None
        app_cycle.stdin.write(json.dumps({"config": str(home / "config"), "data": str(home / "data")}) + "\n")
        app_cycle.stdin.flush()  # the start line the desktop app sends; communicate() closes the pipe
        t_out, t_err = terminal.communicate(timeout=240)
        c_out, c_err = app_cycle.communicate(timeout=240)
    codes = {"terminal": terminal.returncode, "cycle": app_cycle.returncode}
    assert sorted(codes.values())[1] == 5 and sorted(codes.values())[0] in (0, 1), (codes, t_err, c_err)
    assert "Traceback" not in t_err + c_err
    if codes["cycle"] == 5:
        messages = [json.loads(line) for line in c_out.splitlines() if line.strip()]
        assert messages[-1].get("code") == "SYNC_ANOTHER_RUNNING", messages
        assert json.loads(t_out)["counts"], t_out  # the terminal's sync did the work
    else:
        assert "another" in (t_out + t_err).lower(), (t_out, t_err)
        assert any("session" in json.loads(line) for line in c_out.splitlines() if line.strip())
