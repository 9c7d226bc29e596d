"""The keyring as a user meets it, through ``syncbar`` subprocesses with a user's environment:
no in-process keyring behind a real sign-in, no sign-in without a keyring, secrets kept per profile
and per service, and every secret within Windows Credential Manager's size limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user of this machine with its own HOME: no keyring is configured by a file,
    none is chosen by PYTHON_KEYRING_BACKEND, and no Secret Service is reachable unless ``extra`` adds one."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND", "SYNCBAR_HOME", "PYTEST_CURRENT_TEST")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        SYNCBAR_LANG="en",
    )
    env.update(extra)
    return env


def syncbar(env: dict[str, str], *argv: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *argv], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def json_documents(text: str) -> Iterator[Any]:
    decoder = json.JSONDecoder()
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return
        value, at = decoder.raw_decode(text, at)
        yield value


PROBE = """
import importlib, pkgutil
import app
for module in pkgutil.walk_packages(app.__path__, "app."):
    if module.name != "app.__main__":
        importlib.import_module(module.name)
import keyring, keyring.backend
print(type(keyring.get_keyring()).__module__)
print(sorted(c.__module__ for c in keyring.backend.get_all_keyring() if c.__module__.startswith("app")))
"""


def test_no_module_of_the_app_is_seen_by_keyrings_discovery(tmp_path: Path) -> None:
    """With every module of the app imported and no Secret Service, keyring still finds nothing usable."""
    env = user_env(tmp_path / "user", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    chosen, from_app = done.stdout.splitlines()[-2:]
    assert chosen == "keyring.backends.fail", chosen
    assert from_app == "[]"


def demo_sessions(env: dict[str, str]) -> list[dict[str, Any]]:
    done = syncbar(env, "demo", "--headless", "--cycles", "2", "--items", "60", "--json")
    assert done.returncode in (0, 1), done.stderr
    return list(json_documents(done.stdout))


def test_demo_runs_without_a_secret_service(tmp_path: Path) -> None:
    sessions = demo_sessions(user_env(tmp_path / "user"))
    assert [s["outcome"] for s in sessions] == ["item_issues", "clean"], sessions


def test_demo_runs_with_a_secret_service_and_leaves_nothing_in_it(
    tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    env = user_env(tmp_path / "user", **secret_service_env)
    sessions = demo_sessions(env)
    assert [s["outcome"] for s in sessions] == ["item_issues", "clean"], sessions
    # The demo's emulator tokens stay in its memory: nothing is left under Syncbar's name in the keyring.
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from keyring.backends.SecretService import Keyring\n"
            "items = Keyring().get_preferred_collection().search_items({'service': 'syncbar'})\n"
            "print(len(list(items)))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "0"
