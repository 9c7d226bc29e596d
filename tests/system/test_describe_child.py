"""The settings' mapping check reads the org's describe in a child process: the window's process never loads
the Salesforce library (docs/architecture.md, "The desktop app")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.user_session import User

PROBE = """
import json, sys
from app.compose import paths
from app.compose.desktop import DesktopBackend
from app.core import profile
backend = DesktopBackend(paths.resolve(sys.argv[1]))
prof = profile.load(backend.paths.config)
fields = backend.describe_fields(prof, "Contact")
print(json.dumps({"fields": sorted(fields), "loaded": "simple_salesforce" in sys.modules}))
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=5, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


def test_the_describe_runs_in_a_child_and_the_window_process_never_loads_salesforce(
    served: EmulatorHost, user: User
) -> None:
    assert user.connect(served, "graph")[0] == 0
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(user.home)],
        env=dict(os.environ, SYNCBAR_HOME=str(user.home)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr
    answer = json.loads(probe.stdout.strip().splitlines()[-1])
    assert {"LastName", "Email", "FirstName"} <= set(answer["fields"])
    assert answer["loaded"] is False, "the describe loaded simple_salesforce into the window's process"


def test_a_describe_without_an_account_says_so(user: User) -> None:
    from app.compose import paths
    from app.compose.desktop import DesktopBackend
    from app.core.profile import CrmSettings, MailboxSettings, Profile, SyncChoices

    backend = DesktopBackend(paths.resolve(str(user.home)))
    nobody = Profile(MailboxSettings("graph", "me@example.com", "k"), CrmSettings("me@example.com", "k"), SyncChoices())
    with pytest.raises(RuntimeError, match="No account is set up yet"):
        backend.describe_fields(nobody, "Contact")
