"""Sign-in as a user runs it: ``syncbar connect-emulators`` in its own process, against emulators that
accept only their own app registrations (client ids, secrets, the Salesforce callback)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def host(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=5, names=["graph", "gmail", "salesforce"], cert_dir=tmp_path / "certs") as h:
        yield h


def syncbar(home: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, SYNCBAR_HOME=str(home), PYTHONPATH=str(ROOT), **env)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        full.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "app", *argv], env=full, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def connect(host: EmulatorHost, home: Path, env: dict[str, str], kind: str) -> subprocess.CompletedProcess[str]:
    info = host.info()
    return syncbar(
        home,
        env,
        "connect-emulators",
        "--emulators-url",
        info["control_url"],
        "--ca-file",
        info["ca_file"],
        "--mailbox",
        kind,
    )


def test_salesforce_callback_port_taken_is_said_in_words_then_sign_in_works(
    host: EmulatorHost, tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    callback = host.info()["services"]["salesforce"]["callback_url"]
    port = urlsplit(callback).port
    assert port is not None
    home = tmp_path / "home"
    with socket.socket() as holder:  # another program (say the Salesforce CLI) listens on the port
        holder.bind(("127.0.0.1", port))
        holder.listen()
        done = connect(host, home, secret_service_env, "graph")
    assert done.returncode == 3, done.stderr
    assert f"Port {port} on this computer is in use by another program" in done.stderr
    assert callback in done.stderr and "docs/admin.md" in done.stderr
    assert not (home / "config" / "profile.json").exists()

    done = connect(host, home, secret_service_env, "graph")
    assert done.returncode == 0, done.stderr
    assert "Connected" in done.stdout
    assert (home / "config" / "profile.json").exists()


def test_gmail_signs_in_with_the_desktop_clients_secret(
    host: EmulatorHost, tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    done = connect(host, home, secret_service_env, "gmail")
    assert done.returncode == 0, done.stderr
    saved = json.loads((home / "config" / "profile.json").read_text())
    gmail = host.info()["services"]["gmail"]
    assert saved["mailbox"]["client_id"] == gmail["client_id"]
    assert saved["crm"]["callback_url"] == host.info()["services"]["salesforce"]["callback_url"]
