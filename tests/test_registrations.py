"""The company's app registrations: where they are read from, in which order, and how they are checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.compose import registrations
from app.compose.registrations import RegistrationError

MS_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
GOOGLE_ID = "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com"


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_the_system_file_is_overridden_field_by_field_beside_the_profile_then_by_the_environment(
    tmp_path: Path,
) -> None:
    system = write(
        tmp_path / "etc" / "registrations.json",
        {
            "microsoft": {"client_id": MS_ID, "authority": "https://login.microsoftonline.com/contoso.example"},
            "salesforce": {"client_id": "3MVG9-it-department"},
        },
    )
    write(tmp_path / "config" / "registrations.json", {"salesforce": {"callback_url": "http://localhost:1818/cb"}})
    env = {"SYNCBAR_SF_CLIENT_ID": "3MVG9-from-env"}
    found = registrations.load(tmp_path / "config", env, system=system)
    assert found.microsoft == registrations.Microsoft(MS_ID, "https://login.microsoftonline.com/contoso.example")
    assert found.salesforce == registrations.Salesforce("3MVG9-from-env", "http://localhost:1818/cb")
    assert found.google is None and "google" in found.problems
    found.for_mailbox("graph")  # complete for Microsoft 365
    with pytest.raises(RegistrationError, match=r"google\.client_id"):
        found.for_mailbox("gmail")


def test_syncbar_registrations_names_the_system_file() -> None:
    assert registrations.system_file({"SYNCBAR_REGISTRATIONS": "/srv/syncbar.json"}) == Path("/srv/syncbar.json")


def test_a_file_that_does_not_parse_is_named(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "registrations.json").write_text("{ not json")
    found = registrations.load(tmp_path / "config", {}, system=tmp_path / "none.json")
    with pytest.raises(RegistrationError, match="cannot be read"):
        found.require("salesforce")


@pytest.mark.parametrize(
    ("service", "values", "words"),
    [
        ("microsoft", {"client_id": "syncbar-desktop"}, "a GUID"),
        ("microsoft", {"client_id": MS_ID, "authority": "http://login.example"}, "https://"),
        ("google", {"client_id": "syncbar-desktop.apps.googleusercontent.com", "client_secret": "x"}, "NNNN-xxxx"),
        ("google", {"client_id": GOOGLE_ID}, "google.client_secret"),
        ("salesforce", {"client_id": "3MVG9 x"}, "spaces"),
        ("salesforce", {"client_id": "3MVG9x", "callback_url": "https://localhost:1717/cb"}, "explicit port"),
        ("salesforce", {"client_id": "3MVG9x", "callback_url": "http://localhost/cb"}, "explicit port"),
    ],
)
def test_each_value_is_checked(tmp_path: Path, service: str, values: dict[str, str], words: str) -> None:
    system = write(tmp_path / "registrations.json", {service: values})
    found = registrations.load(tmp_path / "config", {}, system=system)
    with pytest.raises(RegistrationError, match=words):
        found.require(service)


def test_nothing_set_up_names_every_field_and_the_guide(tmp_path: Path) -> None:
    found = registrations.load(tmp_path / "config", {}, system=tmp_path / "none.json")
    with pytest.raises(RegistrationError) as caught:
        found.require("microsoft", "google", "salesforce")
    text = str(caught.value)
    for name in ("SYNCBAR_MS_CLIENT_ID", "SYNCBAR_GOOGLE_CLIENT_ID", "SYNCBAR_GOOGLE_CLIENT_SECRET"):
        assert name in text
    assert "Consumer Key" in text and "Application (client) ID" in text and "docs/admin.md" in text


def syncbar(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, SYNCBAR_HOME=str(home), PYTHONPATH=str(root))
    return subprocess.run([sys.executable, "-m", "app", *argv], env=env, capture_output=True, text=True, timeout=60)


def test_the_command_line_checks_what_it_department_deployed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = syncbar(home, "registrations")
    assert done.returncode == 2
    assert "salesforce.client_id" in done.stderr and "SYNCBAR_SF_CLIENT_ID" in done.stderr
    assert "docs/admin.md" in done.stderr

    write(
        home / "config" / "registrations.json",
        {
            "microsoft": {"client_id": MS_ID},
            "google": {"client_id": GOOGLE_ID, "client_secret": "GOCSPX-not-to-be-printed"},
            "salesforce": {"client_id": "3MVG9" + "b" * 80},
        },
    )
    done = syncbar(home, "registrations")
    assert done.returncode == 0, done.stderr
    assert MS_ID in done.stdout and "callback http://localhost:1717/OauthRedirect" in done.stdout
    assert "Ready for: graph, gmail, ews." in done.stdout
    assert "GOCSPX-not-to-be-printed" not in done.stdout + done.stderr

    write(home / "config" / "registrations.json", {"salesforce": {"client_id": "3MVG9" + "b" * 80}})
    done = syncbar(home, "registrations", "--mailbox", "graph")
    assert done.returncode == 2 and "microsoft.client_id" in done.stderr
    assert syncbar(home, "registrations", "--mailbox", "ews").returncode == 0
