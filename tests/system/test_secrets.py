"""Secret scan: after sign-in, syncs, faults, a re-authentication and support reports, no token or
password the emulators issued appears in the data folder, the log, a report or a temp file."""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from keyring.backends.SecretService import Keyring as SecretServiceKeyring

from app.auth.tokens import TokenStore
from app.compose import logs, report, wiring
from app.compose.paths import Paths
from app.compose.setup import profile_from_info, sign_in_all
from app.core import profile
from app.emulators.base import Fault
from app.emulators.serve import emulators


def leaked(secrets: list[str], root: Path, since: float) -> list[str]:
    found = []
    wanted = [s.encode() for s in secrets if len(s) >= 12]
    for path in root.rglob("*"):
        try:
            if not path.is_file() or path.stat().st_mtime < since or path.stat().st_size > 50_000_000:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        blobs = [data]
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                blobs += [zf.read(n) for n in zf.namelist()]
        found += [f"{path}: {s[:10].decode()}…" for s in wanted if any(s in b for b in blobs)]
    return found


def test_no_secret_in_data_log_reports_or_temp(
    tmp_path: Path, secret_service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    started = time.time() - 1
    paths = Paths(config=tmp_path / "home" / "config", data=tmp_path / "home" / "data").ensure()
    handler = logs.setup(paths.log_file, level=logging.DEBUG)  # the most talkative the app can be
    try:
        with emulators(items=80, seed=9, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
            info = host.info()
            tokens = TokenStore(SecretServiceKeyring())
            prof = profile_from_info(info, "graph")
            sign_in_all(prof, tokens, info)
            profile.save(paths.config, prof)
            svc, _ = wiring.open_service(paths, tokens=tokens)

            def cycle() -> None:
                svc.request_sync()
                svc.run_cycle(lambda p: None, threading.Event())

            cycle()
            host.inject("salesforce", Fault("revoke"))
            host.services["graph"].add_message(
                "inbox", "Order", host.services["salesforce"].org.people[12].email, prof.mailbox.account
            )
            cycle()
            assert svc.status().error_code  # re-authentication needed
            wiring.sign_in(prof, tokens, "crm", wiring.headless_browser(prof.crm.ca_file), threading.Event())
            svc.credentials_updated(prof.crm.account)
            host.inject("graph", Fault("revoke"))  # every Microsoft token dies: MSAL's refresh fails too
            cycle()
            host.inject("graph", Fault("throttle", retry_after=600))
            cycle()
            host.inject("salesforce", Fault("malformed", operation="composite"))
            host.services["graph"].add_message(
                "inbox", "Order 2", host.services["salesforce"].org.people[14].email, prof.mailbox.account
            )
            cycle()
            secrets = wiring.known_secrets(prof, tokens)
            for keep in (False, True):
                files = report.build(svc, profile=prof, log_file=paths.log_file, secrets=secrets, keep_personal=keep)
                report.write(files, paths.data / "reports" / f"report-{keep}.zip")
            issued = host.secrets()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert len(issued) >= 6 and paths.log_file.stat().st_size > 0
    assert not leaked(issued, paths.config.parent, started)
    assert not leaked(issued, Path(tempfile.gettempdir()), started)
