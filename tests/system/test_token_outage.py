"""A token endpoint that is down is an outage, not a lost sign-in: for each sign-in, with the access token
expired so the cycle must renew it, the token endpoint answers 503, takes longer than the client's token
timeout, or sends an HTML page.  ``syncbar sync --once`` (a process, as a user runs it) ends with the
service's "unavailable" code, exit code 4 and a retry minutes away; once the endpoint is back, the next
``syncbar sync --once`` syncs by itself, with no sign-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from tests.system.syncbar_cli import syncbar

# sign-in -> (emulators served, whose token endpoint fails and its operation, whose access token expires,
#             mailbox kind, expected code)
SIGN_INS = {
    "salesforce": (("graph", "salesforce"), "salesforce", "oauth.token", "salesforce", "graph", "SF_ORG_UNAVAILABLE"),
    "graph": (("graph", "salesforce"), "graph", "identity.token", "graph", "graph", "MBX_SERVER_ERROR"),
    "gmail": (("gmail", "salesforce"), "gmail", "oauth.token", "gmail", "gmail", "MBX_SERVER_ERROR"),
    # Exchange Online: MSAL renews the EWS token at the identity platform, which the Graph emulator plays.
    "ews-online": (("ews-online", "graph", "salesforce"), "graph", "identity.token", "ews", "ews", "MBX_SERVER_ERROR"),
}
TOKEN_TIMEOUT = 1.0  # seconds, through SYNCBAR_TOKEN_TIMEOUT
FAULTS = {
    "503": lambda op: Fault("status", operation=op, status=503, probability=1.0),
    "timeout": lambda op: Fault("delay", operation=op, delay=TOKEN_TIMEOUT + 2, probability=1.0),
    "garbage": lambda op: Fault("html", operation=op, status=200, probability=1.0),
}
CASES = [(s, k) for s in SIGN_INS for k in FAULTS]


@pytest.fixture(scope="module")
def env(secret_service_env: dict[str, str]) -> dict[str, str]:
    return dict(
        os.environ,
        DBUS_SESSION_BUS_ADDRESS=secret_service_env["DBUS_SESSION_BUS_ADDRESS"],
        SYNCBAR_TOKEN_TIMEOUT=str(TOKEN_TIMEOUT),
    )


class Setup:
    """One served set of emulators and one signed-in home per mailbox kind, shared by the cases."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env
        self.stack: list[Any] = []
        self.homes: dict[tuple[str, ...], tuple[EmulatorHost, Path]] = {}

    def home(self, served: tuple[str, ...], mailbox: str) -> tuple[EmulatorHost, Path]:
        if served not in self.homes:
            context = emulators(items=50, seed=17, names=list(served), cert_dir=self.root / "certs")
            host = context.__enter__()
            self.stack.append(context)
            info = host.info()
            home = self.root / served[0]
            code, out = syncbar(
                home,
                self.env,
                "connect-emulators",
                "--emulators-url",
                info["control_url"],
                "--ca-file",
                info["ca_file"],
                "--mailbox",
                mailbox,
            )
            assert code == 0, out
            code, out = syncbar(home, self.env, "sync", "--once", "--json")
            assert code in (0, 1), out
            self.homes[served] = (host, home)
        return self.homes[served]

    def close(self) -> None:
        for context in reversed(self.stack):
            context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Iterator[Setup]:
    s = Setup(tmp_path_factory.mktemp("outage"), env)
    try:
        yield s
    finally:
        s.close()


@pytest.mark.parametrize(("sign_in", "kind"), CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_token_endpoint_outage_is_temporary(sign_in: str, kind: str, setup: Setup, env: dict[str, str]) -> None:
    served, service, operation, expiring, mailbox, expected = SIGN_INS[sign_in]
    host, home = setup.home(served, mailbox)
    sf: Any = host.services["salesforce"]
    owner = host.services[mailbox].owner.address
    # New mail from a customer, so the cycle has something to write to Salesforce too.
    host.services[mailbox].add_message("inbox", f"Order {sign_in} {kind}", sf.org.people[12].email, owner)
    host.inject(expiring, Fault("expire"))  # the access token's life is over: the cycle must renew it
    host.inject(service, FAULTS[kind](operation))

    code, session = syncbar(home, env, "sync", "--once", "--json")
    assert code == 4, session  # service unavailable; not 3 (sign in again)
    assert session["error_code"] == expected, session
    code, status = syncbar(home, env, "status", "--json")
    assert status["state"] == "backing_off", status
    assert status["error_code"] == expected
    assert "token endpoint" in status["error_message"], status
    retry_at = datetime.fromisoformat(status["next_run_at"])
    assert retry_at - datetime.now(UTC) < timedelta(minutes=10), status  # minutes, not an hour

    host.clear_faults()
    code, session = syncbar(home, env, "sync", "--once", "--json")
    assert code in (0, 1), session
    assert session["error_code"] == "", session
    code, status = syncbar(home, env, "status", "--json")
    assert status["state"] != "needs_reauth" and status["error_code"] == "", status
