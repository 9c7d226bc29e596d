"""The desktop app's backend (app/compose/desktop.py) on its own, without a window: what it refuses and what it
starts the cycle with."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.core.profile import SyncChoices

SF_ID = "3MVG9" + "A" * 80


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DesktopBackend:
    for name in ("SYNCBAR_MS_CLIENT_ID", "SYNCBAR_GOOGLE_CLIENT_ID", "SYNCBAR_GOOGLE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SYNCBAR_SF_CLIENT_ID", SF_ID)
    monkeypatch.setenv("SYNCBAR_REGISTRATIONS", str(tmp_path / "nowhere.json"))
    return DesktopBackend(Paths(config=tmp_path / "config", data=tmp_path / "data"), TokenStore(ProcessKeyring()))


def test_the_registrations_problem_names_what_a_kind_lacks(backend: DesktopBackend) -> None:
    assert backend.registrations_problem("ews") == ""  # a password sign-in needs only Salesforce's
    assert "microsoft.client_id" in backend.registrations_problem("graph")


def test_signing_in_again_to_an_http_exchange_address_is_refused_before_anything_changes(
    backend: DesktopBackend,
) -> None:
    fields = {"address": "rep@company.example", "ews_url": "https://mail.company.example/EWS/Exchange.asmx"}
    prof = backend.new_profile("ews", fields, SyncChoices())
    backend.save_profile(prof)
    backend.tokens.save(prof.mailbox.secret_key, {"password": "old-password"})
    saved = (backend.paths.config / "profile.json").read_text()
    with pytest.raises(ValueError, match="https://"):
        backend.reauthenticate(prof, "mailbox", "refresh", threading.Event(), "http://mail.company.example/EWS")
    assert (backend.paths.config / "profile.json").read_text() == saved  # the address stays the https:// one
    assert backend.tokens.load(prof.mailbox.secret_key) == {"password": "old-password"}


def test_the_cycle_command_runs_this_app_package(backend: DesktopBackend) -> None:
    command = backend.cycle_command()
    assert command.args[-1] == "_cycle"
    # the same command line, asked where ``app`` comes from instead of running a cycle
    found = subprocess.run(
        [command.program, "-c", "import app; print(app.__file__)"],
        env={**command.env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert Path(found.stdout.strip()).parent == Path(__file__).resolve().parents[1] / "app"
