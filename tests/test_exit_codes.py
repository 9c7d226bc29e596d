"""The README's exit-code table, command by command, as a user's shell sees it (`syncbar` processes).

Storage failures (exit 6) have their own tests in tests/system/test_local_state.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.lock import SyncLock
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

ROOT = Path(__file__).resolve().parents[1]


def syncbar(home: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "app", *argv],
        cwd=ROOT,
        env=dict(os.environ, SYNCBAR_HOME=str(home), **(env or {})),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def test_readme_lists_the_codes_the_program_uses() -> None:
    from app.compose import exits

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("Exit codes:"))
    listed = {int(n) for n in re.findall(r"\*\*(\d+)\*\*", line)}
    used = {v for k, v in vars(exits).items() if k.startswith("EXIT_")}
    assert listed == used


def test_usage_errors_and_no_account_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert syncbar(home, "sync", "--once").returncode == 2  # no account set up
    assert syncbar(home, "sessions", "--days", "0").returncode == 2
    assert syncbar(home, "status").returncode == 0  # says no account, which is not a failure
    bad = syncbar(home, "no-such-command")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    for argv in (("catalog",), ("status",)):
        with subprocess.Popen(
            [sys.executable, "-m", "app", *argv],
            cwd=ROOT,
            env=dict(os.environ, SYNCBAR_HOME=str(tmp_path / "home")),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.readline()  # `| head -1`
            proc.stdout.close()
            err = proc.stderr.read().decode()
            assert proc.wait(timeout=60) == 0, err
        assert err == "", err


def test_an_unexpected_fault_exits_70_with_the_catalogue_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.compose import cli, commands, exits

    def broken(*args: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setenv("SYNCBAR_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(commands, "cmd_status", broken)
    assert cli.main(["status"]) == exits.EXIT_BUG
    err = capsys.readouterr().err
    assert "Unexpected error" in err and "SYNC_UNKNOWN_ERROR" in err and "Traceback" not in err
    log = (tmp_path / "home" / "data" / "logs" / "syncbar.log").read_text()
    assert "Traceback" in log and "RuntimeError: a bug" in log  # the log keeps it for support


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=9, names=["graph", "salesforce"], cert_dir=tmp_path_factory.mktemp("c")) as h:
        yield h


def test_sync_codes_0_1_3_4_5(host: EmulatorHost, tmp_path: Path, secret_service_env: dict[str, str]) -> None:
    home = tmp_path / "home"
    info = host.info()
    env = dict(secret_service_env)
    connect = ("connect-emulators", "--emulators-url", info["control_url"], "--ca-file", info["ca_file"])
    assert syncbar(home, *connect, env=env).returncode == 0

    first = syncbar(home, "sync", "--once", env=env)
    assert first.returncode == 1, first.stdout  # the seeded troublesome items
    second = syncbar(home, "sync", "--once", env=env)
    assert "nothing new" in second.stdout
    assert second.returncode == 1  # nothing new, but items from the first cycle still have open issues

    lock = SyncLock(home / "data" / "sync.lock")
    lock.acquire()
    try:
        assert syncbar(home, "sync", "--once", env=env).returncode == 5
    finally:
        lock.release()

    host.inject("graph", Fault("status", status=503, code="serviceNotAvailable", count=50))
    try:
        down = syncbar(home, "sync", "--once", env=env)
        assert down.returncode == 4, down.stdout
    finally:
        host.clear_faults()

    graph: Any = host.services["graph"]
    graph.revoke_tokens()
    reauth = syncbar(home, "sync", "--once", env=env)
    assert reauth.returncode == 3, reauth.stdout
