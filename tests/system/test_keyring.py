"""The keyring as a user meets it, through ``syncbar`` subprocesses with a user's environment:
no in-process keyring behind a real sign-in, no sign-in without a keyring, secrets kept per profile
and per service, and every secret within Windows Credential Manager's size limit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

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


ENTRIES = """
import json
from keyring.backends.SecretService import Keyring
items = Keyring().get_preferred_collection().search_items({"service": "syncbar"})
print(json.dumps({i.get_attributes()["username"]: len(i.get_secret().decode().encode("utf-16-le")) for i in items}))
"""


def keyring_entries(env: dict[str, str]) -> dict[str, int]:
    """Every entry under Syncbar's name in the Secret Service ``env`` reaches: its name and its size in UTF-16."""
    listed = subprocess.run([sys.executable, "-c", ENTRIES], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    sizes: dict[str, int] = json.loads(listed.stdout)
    return sizes


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
    before = keyring_entries(env)
    sessions = demo_sessions(env)
    assert [s["outcome"] for s in sessions] == ["item_issues", "clean"], sessions
    # The demo's emulator tokens stay in its memory: nothing is added under Syncbar's name to the keyring.
    assert keyring_entries(env) == before


# --- no usable keyring: nothing starts, nothing is saved, and the user is told what to install ---------

INSTALL_HINT = "gnome-keyring"  # the Linux words of SYNC_NO_KEYRING's message (app/auth/tokens.py)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[EmulatorHost]:
    with emulators(items=60, seed=31, names=["graph", "gmail", "salesforce"], cert_dir=tmp_path / "certs") as host:
        yield host


def connect(env: dict[str, str], host: EmulatorHost, kind: str) -> subprocess.CompletedProcess[str]:
    info = host.info()
    return syncbar(
        env,
        "connect-emulators",
        "--emulators-url",
        info["control_url"],
        "--ca-file",
        info["ca_file"],
        "--mailbox",
        kind,
    )


def sign_in_calls(host: EmulatorHost) -> int:
    """How many browser sign-ins reached a consent page (Entra, Salesforce, Google)."""
    consent = ("identity.authorize", "oauth.authorize", "oauth.auth")
    return sum(n for name in host.services for op, n in host.calls(name).items() if op in consent)


BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture
def bus_without_secret_service(tmp_path: Path) -> Iterator[str]:
    """A desktop session's D-Bus on which no Secret Service runs and none can be started on demand (no
    service files: a desktop without gnome-keyring or KWallet installed).  Yields the bus address."""
    if not shutil.which("dbus-daemon"):
        if os.environ.get("CI"):
            pytest.fail("CI must provide dbus-daemon (./dev installs dbus)")
        pytest.skip("no dbus-daemon here")
    (tmp_path / "bus").mkdir()
    config = tmp_path / "bus.conf"
    config.write_text(BARE_BUS.format(dir=tmp_path / "bus"), encoding="utf-8")
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        assert address.startswith("unix:"), address
        yield address
    finally:
        daemon.terminate()
        daemon.communicate(timeout=10)


CHOSEN = "import keyring; print(type(keyring.get_keyring()).__module__)"


@pytest.mark.parametrize("machine", ["no session bus", "a session bus without a Secret Service", "fail backend set"])
def test_connect_without_a_keyring_stops_before_signing_in(
    tmp_path: Path, served: EmulatorHost, machine: str, request: pytest.FixtureRequest
) -> None:
    """``syncbar connect-emulators`` run as a user runs it on a machine with no keyring, as keyring's own
    discovery finds it there (nothing handed in): exit 3, what to install, no sign-in started, nothing kept."""
    extra: dict[str, str] = {}
    if machine == "a session bus without a Secret Service":
        extra["DBUS_SESSION_BUS_ADDRESS"] = request.getfixturevalue("bus_without_secret_service")
    elif machine == "fail backend set":  # what keyring's discovery settles on with nothing usable, named by the user
        extra["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    home = tmp_path / "home"
    env = user_env(tmp_path / "user", SYNCBAR_HOME=str(home), **extra)
    chosen = subprocess.run([sys.executable, "-c", CHOSEN], env=env, capture_output=True, text=True, timeout=60)
    assert chosen.stdout.strip() == "keyring.backends.fail", (chosen.stdout, chosen.stderr)  # the situation is real
    served.reset_calls()
    done = connect(env, served, "graph")
    assert done.returncode == 3, done.stderr  # README: 3, needs re-authentication (no keyring to keep it in)
    assert INSTALL_HINT in done.stderr and "No safe place to keep sign-ins" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert not (home / "config" / "profile.json").exists()
    assert sign_in_calls(served) == 0, "a sign-in started although its tokens could not be kept"
    listed = syncbar(env, "accounts", "list")
    assert "No account is set up" in listed.stdout + listed.stderr


def test_a_keyring_that_keeps_nothing_counts_as_none(tmp_path: Path, served: EmulatorHost) -> None:
    """keyring's null backend (chosen by PYTHON_KEYRING_BACKEND) would drop every secret: refused like no keyring."""
    home = tmp_path / "home"
    env = user_env(tmp_path / "user", SYNCBAR_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    served.reset_calls()
    done = connect(env, served, "gmail")
    assert done.returncode == 3 and INSTALL_HINT in done.stderr, done.stderr
    assert not (home / "config" / "profile.json").exists() and sign_in_calls(served) == 0


def test_a_profile_whose_keyring_is_gone_says_no_keyring(
    tmp_path: Path, served: EmulatorHost, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    with_keyring = user_env(tmp_path / "user", SYNCBAR_HOME=str(home), **secret_service_env)
    assert connect(with_keyring, served, "graph").returncode == 0
    without = user_env(tmp_path / "user", SYNCBAR_HOME=str(home))
    listed = syncbar(without, "accounts", "list")
    assert listed.returncode == 3, listed
    assert listed.stdout.count("no keyring") == 2, listed.stdout
    assert "no keyring" in listed.stderr and INSTALL_HINT in listed.stderr
    synced = syncbar(without, "sync", "--once")
    assert synced.returncode == 3, synced
    assert "SYNC_NO_KEYRING" in synced.stdout and "GNOME Keyring" in synced.stdout, synced.stdout


SETUP_DRIVER = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.compose import paths as paths_mod
from app.compose.desktop import DesktopBackend
from app.ui.app import DesktopApp
from app.ui.dialogs import ReauthDialog
from app.ui.setup_dialog import SetupDialog

which = sys.argv[1]
qapp = QApplication([])
app = DesktopApp(qapp, DesktopBackend(paths_mod.resolve()), tray=False)  # the keyring the user has, as `syncbar` has
app.start(show_window=True)
state = {"clicked": False}

def dialog():
    return app.window.findChild(SetupDialog if which == "setup" else ReauthDialog)

def step():
    d = dialog()
    if d is None:
        if which == "reauth":
            app.open_reauth()
        return
    button = d.start_button if which == "setup" else d.refresh_button
    if not state["clicked"]:
        state["clicked"] = True
        button.click()
    elif button.isEnabled():
        print(json.dumps({"status": d.status.text(), "visible": d.isVisible()}))
        app.controller.shutdown()
        qapp.quit()

timer = QTimer()
timer.timeout.connect(step)
timer.start(100)
QTimer.singleShot(60_000, qapp.quit)
qapp.exec()
"""


def run_window(env: dict[str, str], which: str, tmp_path: Path) -> dict[str, Any]:
    opened = tmp_path / "opened-urls"
    env = dict(env, QT_QPA_PLATFORM="offscreen", BROWSER=f"sh -c 'echo %s >> {opened}'")
    done = subprocess.run(
        [sys.executable, "-c", SETUP_DRIVER, which], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert not opened.exists(), f"a browser was opened: {opened.read_text()}"
    lines = done.stdout.strip().splitlines()
    assert lines, f"the {which} dialog never finished: {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def test_first_run_setup_without_a_keyring_says_what_to_install(tmp_path: Path) -> None:
    home = tmp_path / "home"
    company = {  # the company's registrations are in place: only the keyring is missing
        "SYNCBAR_MS_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
        "SYNCBAR_SF_CLIENT_ID": "3MVG9-company",
    }
    result = run_window(user_env(tmp_path / "user", SYNCBAR_HOME=str(home), **company), "setup", tmp_path)
    assert "Setup did not finish" in result["status"] and INSTALL_HINT in result["status"], result
    assert result["visible"], "the setup closed as if it had worked"
    assert not (home / "config" / "profile.json").exists()


def test_reauth_without_a_keyring_says_what_to_install(
    tmp_path: Path, served: EmulatorHost, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    assert (
        connect(user_env(tmp_path / "user", SYNCBAR_HOME=str(home), **secret_service_env), served, "gmail").returncode
        == 0
    )
    saved = (home / "config" / "profile.json").read_text()
    served.reset_calls()
    result = run_window(user_env(tmp_path / "user", SYNCBAR_HOME=str(home)), "reauth", tmp_path)
    assert "Sign-in did not finish" in result["status"] and INSTALL_HINT in result["status"], result
    assert (home / "config" / "profile.json").read_text() == saved
    assert sign_in_calls(served) == 0


# --- two profiles on one keyring --------------------------------------------------------------------


def test_two_profiles_on_one_keyring_sync_apart_and_sign_out_apart(
    tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    """Two SYNCBAR_HOMEs (Microsoft 365 and Gmail, each with its own Salesforce org) on one desktop's keyring."""
    homes = {kind: tmp_path / kind for kind in ("graph", "gmail")}
    envs = {
        kind: user_env(tmp_path / "user", SYNCBAR_HOME=str(home), **secret_service_env) for kind, home in homes.items()
    }
    with (
        emulators(items=60, seed=41, names=["graph", "salesforce"], cert_dir=tmp_path / "certs-a") as a,
        emulators(items=60, seed=42, names=["gmail", "salesforce"], cert_dir=tmp_path / "certs-b") as b,
    ):
        hosts = {"graph": a, "gmail": b}
        for kind, host in hosts.items():
            done = connect(envs[kind], host, kind)
            assert done.returncode == 0, done.stderr
        for kind in hosts:
            synced = syncbar(envs[kind], "sync", "--once", "--json")
            assert synced.returncode == 1, synced.stderr  # synced, with the seeded item issues
            assert json.loads(synced.stdout)["outcome"] == "item_issues"
        ids = {json.loads((home / "config" / "profile.json").read_text())["profile_id"] for home in homes.values()}
        assert len(ids) == 2

        removed = syncbar(envs["graph"], "accounts", "remove", "all")
        assert removed.returncode == 0, removed.stderr
        assert not (homes["graph"] / "config" / "profile.json").exists()
        listed = syncbar(envs["gmail"], "accounts", "list")
        assert listed.returncode == 0 and listed.stdout.count("signed in") == 2, listed.stdout
        assert "not signed in" not in listed.stdout
        gmail: Any = b.services["gmail"]
        gmail.add_message("inbox", "New order", b.services["salesforce"].org.people[12].email, gmail.owner.address)
        synced = syncbar(envs["gmail"], "sync", "--once", "--json")
        assert synced.returncode in (0, 1), synced.stdout + synced.stderr
        assert json.loads(synced.stdout)["counts"]["email"]["new"] == 1


MOVE_TO_LEGACY = """
import json, sys
from keyring.backends.SecretService import Keyring
config = sys.argv[1]
path = config + "/profile.json"
data = json.load(open(path))
from app.auth.tokens import TokenStore
kr = Keyring()
store = TokenStore(kr)
for part, legacy in (("mailbox", "mailbox:primary"), ("crm", "salesforce:primary")):
    name = data[part]["secret_key"]
    kr.set_password("syncbar", legacy, json.dumps(store.load(name)))  # whole, as Syncbar wrote it then
    store.delete(name)
    data[part]["secret_key"] = legacy
del data["profile_id"]
json.dump(data, open(path, "w"))
"""


def test_a_profile_from_before_profile_ids_keeps_its_sign_ins(
    tmp_path: Path, served: EmulatorHost, secret_service_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    env = user_env(tmp_path / "user", SYNCBAR_HOME=str(home), **secret_service_env)
    assert connect(env, served, "graph").returncode == 0
    subprocess.run([sys.executable, "-c", MOVE_TO_LEGACY, str(home / "config")], env=env, check=True, timeout=60)
    served.reset_calls()
    synced = syncbar(env, "sync", "--once", "--json")
    assert synced.returncode == 1, synced.stdout + synced.stderr
    assert sign_in_calls(served) == 0  # no new sign-in: the old entries were found and moved
    data = json.loads((home / "config" / "profile.json").read_text())
    assert data["profile_id"] and data["mailbox"]["secret_key"] == f"{data['profile_id']}/mailbox/graph"
    left = subprocess.run(
        [
            sys.executable,
            "-c",
            "from keyring.backends.SecretService import Keyring\n"
            "print(Keyring().get_password('syncbar', 'mailbox:primary'), "
            "Keyring().get_password('syncbar', 'salesforce:primary'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert left.stdout.split() == ["None", "None"], left


# --- every secret fits every OS store ---------------------------------------------------------------

WINDOWS_SIZED = "tests.keyrings.windows_sized.Keyring"
# A 401 on a call of each cycle makes the client refresh its tokens (and keep the new ones) before it retries.
EXPIRED = {
    "graph": ("messages.delta", "InvalidAuthenticationToken"),
    "gmail": ("history.list", "authError"),
    "salesforce": ("composite", "INVALID_SESSION_ID"),
}
TOKEN_CALLS = {"graph": "identity.token", "gmail": "oauth.token", "salesforce": "oauth.token"}


def test_the_windows_sized_keyring_refuses_what_windows_refuses(
    tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    env = user_env(tmp_path / "user", PYTHON_KEYRING_BACKEND=WINDOWS_SIZED, **secret_service_env)
    probe = (
        "import keyring\n"
        "keyring.set_password('syncbar-test', 'fits', 'x' * 1280)\n"
        "try:\n"
        "    keyring.set_password('syncbar-test', 'too-big', 'x' * 1281)\n"
        "except keyring.errors.PasswordSetError:\n"
        "    print('refused')\n"
        "print(type(keyring.get_keyring()).__module__)"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["refused", "tests.keyrings.windows_sized"], done


@pytest.mark.parametrize("kind", ["graph", "gmail", "ews"])
def test_sign_in_refresh_and_sync_with_windows_sized_entries(
    kind: str, tmp_path: Path, secret_service_env: dict[str, str]
) -> None:
    """Windows Credential Manager's 2,560 bytes per entry: the mailbox and Salesforce sign in, refresh and sync."""
    env = user_env(
        tmp_path / "user",
        SYNCBAR_HOME=str(tmp_path / "home"),
        PYTHON_KEYRING_BACKEND=WINDOWS_SIZED,
        **secret_service_env,
    )
    with emulators(items=60, seed=51, names=[kind, "salesforce"], cert_dir=tmp_path / "certs") as host:
        done = connect(env, host, kind)
        assert done.returncode == 0, done.stderr
        synced = syncbar(env, "sync", "--once", "--json")
        assert synced.returncode == 1, synced.stdout + synced.stderr
        mailbox: Any = host.services[kind]
        owner = host.info()["services"][kind]
        for round_ in range(2):
            host.reset_calls()
            for service in (kind, "salesforce"):
                if service in EXPIRED:  # a Fault is used up once it fired: a new one each round
                    operation, code = EXPIRED[service]
                    host.inject(service, Fault("status", operation=operation, status=401, code=code))
            customer = host.services["salesforce"].org.people[12 + round_].email
            mailbox.add_message("inbox", f"Order {round_}", customer, owner.get("username") or owner["address"])
            synced = syncbar(env, "sync", "--once", "--json")
            assert synced.returncode in (0, 1), synced.stdout + synced.stderr
            session = json.loads(synced.stdout)
            assert session["counts"]["email"]["new"] == 1, session
            for service in (kind, "salesforce"):
                if service in TOKEN_CALLS:  # refreshed, and the refreshed tokens kept for the next round
                    assert host.calls(service).get(TOKEN_CALLS[service], 0) >= 1, host.calls(service)
    profile_id = json.loads((tmp_path / "home" / "config" / "profile.json").read_text())["profile_id"]
    sizes = {name: size for name, size in keyring_entries(env).items() if name.startswith(profile_id + "/")}
    assert sizes and max(sizes.values()) <= 2560, sizes
    if kind == "graph":  # MSAL's token cache does not fit one Windows credential: it is kept in parts
        assert any("/mailbox/graph#" in name for name in sizes), sorted(sizes)
