"""Suite-wide settings: the slow suite runs only with SYNCBAR_SLOW=1; CI's strict steps ask for the ``ci``
hypothesis profile (the same examples on every run) and ``--no-skip`` (a test that did not run fails the step)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI's stricter fuzz step (``.ci/run``): each test draws the same examples on every run, so a red CI run
# is reproduced by running it again, and nothing is read from or written to an example database.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)

# The suite reads English whatever the machine's locale; tests of other languages ask for them.
os.environ["SYNCBAR_LANG"] = "en"
# Nor does it read this machine's app registrations (a system-wide file or the variables): each test that
# signs in brings the emulators' own, as a company brings its own.
os.environ["SYNCBAR_REGISTRATIONS"] = os.devnull
for _name in (
    "SYNCBAR_MS_CLIENT_ID",
    "SYNCBAR_MS_AUTHORITY",
    "SYNCBAR_GOOGLE_CLIENT_ID",
    "SYNCBAR_GOOGLE_CLIENT_SECRET",
    "SYNCBAR_SF_CLIENT_ID",
    "SYNCBAR_SF_CALLBACK_URL",
):
    os.environ.pop(_name, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-skip",
        action="store_true",
        help="fail the run if any test is skipped (CI's slow steps: a skip would hide that the test never ran)",
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.getoption("--no-skip"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        names = ", ".join(sorted({report.nodeid for report in skipped}))
        print(f"\n--no-skip: {len(skipped)} test(s) skipped, which this run does not allow: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("SYNCBAR_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow suite: run with SYNCBAR_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def secret_service_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Start dbus + gnome-keyring-daemon (unlocked) and yield the environment that reaches them."""
    missing = [tool for tool in ("dbus-launch", "gnome-keyring-daemon") if not shutil.which(tool)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide a Secret Service; missing {missing} (./dev installs them)")
        pytest.skip(f"no Secret Service tools here: {missing}")
    home = tmp_path_factory.mktemp("keyring-home")
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_RUNTIME_DIR=str(home / "run"))
    Path(env["XDG_RUNTIME_DIR"]).mkdir(mode=0o700)
    out = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True)
    bus: dict[str, str] = {}
    for line in out.stdout.splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            bus[key.strip()] = value.split(";")[0].strip().strip("'")
    env.update(DBUS_SESSION_BUS_ADDRESS=bus["DBUS_SESSION_BUS_ADDRESS"])
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--unlock", "--foreground", "--components=secrets"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(b"test-password")
    daemon.stdin.close()
    time.sleep(0.8)
    try:
        yield {"DBUS_SESSION_BUS_ADDRESS": env["DBUS_SESSION_BUS_ADDRESS"]}
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        subprocess.run(["kill", bus.get("DBUS_SESSION_BUS_PID", "0")], check=False)
