"""Account set-up commands: ``connect-emulators``, ``demo`` and ``accounts``.

Both emulator paths run the real sign-in flows (OAuth with PKCE through the
emulators' consent pages, followed by a headless browser; a password for
EWS) and store the tokens through the token store, exactly as a real
sign-in does.  The demo keeps its tokens in process memory (they are
emulator tokens that die with it) and its data in a throw-away home unless
``SYNCBAR_HOME`` is set.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.auth import profile_secrets
from app.auth.tokens import NoKeyring, ProcessKeyring, TokenStore
from app.compose import commands, wiring
from app.compose.exits import EXIT_CLEAN, EXIT_REAUTH, EXIT_USAGE, UsageError
from app.compose.paths import Paths
from app.core import profile
from app.core.competitors import Scan
from app.core.mailbox_kinds import KIND_NAMES, ROWS, MailboxKind, SignIn, mailbox_sign_in
from app.core.profile import CrmSettings, MailboxSettings, Profile, SyncChoices

if TYPE_CHECKING:
    from app.compose.registrations import Registrations


def profile_from_info(info: dict[str, Any], mailbox_kind: str, history_days: int = 30) -> Profile:
    """A profile for running emulators, from what ``syncbar emulators serve --json`` prints."""
    services = info.get("services", {})
    ca = str(info.get("ca_file", ""))
    if mailbox_kind not in services or "salesforce" not in services:
        raise UsageError(
            f"the emulators at hand do not serve both '{mailbox_kind}' and 'salesforce' "
            f"(they serve: {', '.join(sorted(services)) or 'nothing'})"
        )
    s = services["salesforce"]
    mailbox = EMULATOR_TEMPLATES[MailboxKind(mailbox_kind)](services, ca)
    crm = CrmSettings(
        account=s["username"],
        secret_key="",
        login_url=s["login_url"],
        client_id=s.get("client_id", ""),
        callback_url=s.get("callback_url", ""),
        ca_file=ca,
        api_version=str(s.get("api_version", "59.0")),
    )
    choices = SyncChoices(history_days=history_days, activated_at=datetime.now(UTC).isoformat())
    return Profile(mailbox, crm, choices).scoped()


def _graph_on_emulator(services: dict[str, Any], ca: str) -> MailboxSettings:
    m = services[MailboxKind.GRAPH]
    return MailboxSettings(
        kind=MailboxKind.GRAPH,
        account=m["username"],
        secret_key="",
        base_url=m["base_url"],
        authority=m["authority"],
        client_id=m["client_id"],
        ca_file=ca,
    )


def _gmail_on_emulator(services: dict[str, Any], ca: str) -> MailboxSettings:
    m = services[MailboxKind.GMAIL]
    return MailboxSettings(
        kind=MailboxKind.GMAIL,
        account=m["username"],
        secret_key="",
        base_url=m["base_url"],
        client_id=m["client_id"],
        client_secret=m.get("client_secret", ""),
        token_uri=m["token_uri"],
        auth_uri=m["auth_uri"],
        ca_file=ca,
    )


def _ews_on_emulator(services: dict[str, Any], ca: str) -> MailboxSettings:
    m = services[MailboxKind.EWS]
    if m.get("mode") == "online":
        # Exchange Online signs in at the tenant's identity platform, which the Graph emulator plays.
        if MailboxKind.GRAPH not in services:
            raise UsageError("the Exchange Online emulator (ews-online) signs in through 'graph': serve both")
        entra = services[MailboxKind.GRAPH]
        return MailboxSettings(
            kind=MailboxKind.EWS,
            account=m["address"],
            secret_key=f"mailbox:{m['address']}",
            base_url=m["endpoint"],
            username=m["username"],
            auth_type="oauth2",
            authority=entra["authority"],
            client_id=entra["client_id"],
            ca_file=ca,
        )
    return MailboxSettings(
        kind=MailboxKind.EWS,
        account=m["address"],
        secret_key="",
        base_url=m["endpoint"],
        username=m["username"],
        auth_type="ntlm",  # confirmed at sign-in from what the server offers
        ca_file=ca,
    )


# Each mailbox kind's profile template on the emulators, from their ``services`` details and CA file.
EMULATOR_TEMPLATES: dict[MailboxKind, Callable[[dict[str, Any], str], MailboxSettings]] = {
    MailboxKind.GRAPH: _graph_on_emulator,
    MailboxKind.EWS: _ews_on_emulator,
    MailboxKind.GMAIL: _gmail_on_emulator,
}


def sign_in_all(prof: Profile, tokens: TokenStore, info: dict[str, Any]) -> None:
    browser = wiring.headless_browser(prof.crm.ca_file or None)
    cancelled = threading.Event()
    wiring.sign_in(prof, tokens, "crm", browser, cancelled)
    password = ""
    if mailbox_sign_in(prof.mailbox.kind, prof.mailbox.auth_type) is SignIn.PASSWORD:
        password = str(info["services"][prof.mailbox.kind]["password"])
    wiring.sign_in(prof, tokens, "mailbox", browser, cancelled, password=password)


def read_info(control_url: str, ca_file: str) -> dict[str, Any]:
    context = ssl.create_default_context(cafile=ca_file)
    try:
        with urllib.request.urlopen(control_url.rstrip("/") + "/info", context=context, timeout=10) as answer:
            data = json.loads(answer.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the emulators' details at {control_url} ({exc})") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{control_url}/info did not answer with an object")
    return data


def connect_emulators(args: argparse.Namespace, paths: Paths) -> int:
    if not args.emulators_url or not args.ca_file:
        raise UsageError(
            "give --emulators-url and --ca-file, as printed by 'syncbar emulators serve' (control_url and ca_file)"
        )
    tokens = TokenStore()
    tokens.require()  # before any sign-in: without a keyring nothing could be kept, so nothing is done
    info = read_info(args.emulators_url, args.ca_file)
    prof = profile_from_info(info, args.mailbox, args.history_days)
    sign_in_all(prof, tokens, info)
    profile.save(paths.ensure().config, prof)
    print(f"Connected {prof.mailbox.account} ({prof.mailbox.kind}) and Salesforce {prof.crm.account}.")
    tell_competitors(wiring.scan_competitors(paths, prof, tokens))
    print("Run 'syncbar sync --once' to sync now, or 'syncbar' to open the app.")
    return EXIT_CLEAN


def tell_competitors(scan: Scan) -> None:
    """At setup: a warning when another sync tool shows, and once, what could not be checked."""
    from app.core.competitors import unchecked, warning

    for text in (warning(scan), unchecked(scan)):
        if text:
            print(text)


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, end when the process that started it ends, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@contextlib.contextmanager
def served_elsewhere(items: int, seed: int, names: list[str], cert_dir: Path) -> Iterator[dict[str, Any]]:
    """``syncbar emulators serve`` in a child process for the duration of a ``with`` block; yields its info."""
    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "app"]
    command += [
        "emulators",
        "serve",
        "--json",
        "--items",
        str(items),
        "--seed",
        str(seed),
        "--services",
        ",".join(names),
        "--cert-dir",
        str(cert_dir),
    ]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, preexec_fn=_die_with_parent)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise UsageError(f"the emulators did not start (exit {child.wait(timeout=10)})")
        yield dict(json.loads(line))
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
        if child.stdout is not None:
            child.stdout.close()


# Opens the desktop app on a home with these tokens (demo: True); handed in by the CLI, so that setup,
# which the desktop's first-run dialog calls, does not import the desktop back.
RunDesktop = Callable[[Paths, TokenStore, bool], int]


def demo(args: argparse.Namespace, paths: Paths, run_desktop: RunDesktop | None = None) -> int:
    from app.emulators.serve import SERVICES, emulators

    if args.mailbox not in SERVICES:
        raise UsageError(
            f"the {args.mailbox} emulator is not part of this build yet; "
            f"use --mailbox {' or '.join(n for n in SERVICES if n != 'salesforce')}"
        )
    if args.items < 50:
        raise UsageError("--items must be at least 50")
    if not args.headless and run_desktop is None:
        raise UsageError("the demo's window is not available here; use --headless")
    throwaway = not os.environ.get("SYNCBAR_HOME")
    home = Path(tempfile.mkdtemp(prefix="syncbar-demo-")) if throwaway else paths.config.parent
    demo_paths = Paths(config=home / "config", data=home / "data") if throwaway else paths
    tokens = TokenStore(ProcessKeyring())
    from app.compose import logs

    logs.setup(demo_paths.ensure().log_file)
    print(f"Starting the emulators with {args.items} seeded emails…", file=sys.stderr)
    try:
        if run_desktop is not None and not args.headless:
            # With a window the services run in their own process, as real ones would: their work then
            # never competes with the window for the interpreter.
            with served_elsewhere(args.items, args.seed, [args.mailbox, "salesforce"], home / "certs") as info:
                prof = profile_from_info(info, args.mailbox)
                sign_in_all(prof, tokens, info)
                profile.save(demo_paths.ensure().config, prof)
                return run_desktop(demo_paths, tokens, True)
        with emulators(items=args.items, seed=args.seed, names=[args.mailbox, "salesforce"]) as host:
            info = host.info()
            prof = profile_from_info(info, args.mailbox)
            sign_in_all(prof, tokens, info)
            profile.save(demo_paths.ensure().config, prof)
            svc, _ = wiring.open_service(demo_paths, tokens=tokens)
            code = EXIT_CLEAN
            for _ in range(args.cycles):
                ns = argparse.Namespace(json=args.json)
                code = commands.cmd_sync(svc, ns)
            return code
    finally:
        if throwaway:
            shutil.rmtree(home, ignore_errors=True)


def accounts(args: argparse.Namespace, paths: Paths) -> int:
    tokens = TokenStore()
    prof = profile_secrets.load(paths.config, tokens)
    if prof is None:
        print(commands.NO_ACCOUNT)
        return EXIT_CLEAN if args.accounts_command in (None, "list") else EXIT_USAGE
    if args.accounts_command in (None, "list"):
        missing: NoKeyring | None = None
        for label, account, key in (
            (f"Mailbox ({prof.mailbox.kind})", prof.mailbox.account, prof.mailbox.secret_key),
            ("Salesforce", prof.crm.account, prof.crm.secret_key),
        ):
            try:
                signed = "signed in" if tokens.load(key) else "not signed in"
            except NoKeyring as exc:
                signed, missing = "unknown (no keyring)", exc
            print(f"{label:<18} {account:<40} {signed}")
        if missing is not None:  # the sign-ins cannot be read, nor kept: the same exit as a sync says
            print(f"syncbar: no keyring. {missing.message}", file=sys.stderr)
            return EXIT_REAUTH
        return EXIT_CLEAN
    name = args.name
    if name in ("mailbox", prof.mailbox.account):
        wiring.sign_out(prof, tokens, "mailbox")
        print(f"Signed out of {prof.mailbox.account}.")
    elif name in ("salesforce", prof.crm.account):
        wiring.sign_out(prof, tokens, "crm")
        print(f"Signed out of Salesforce {prof.crm.account}.")
    elif name == "all":
        wiring.sign_out(prof, tokens, "mailbox")
        wiring.sign_out(prof, tokens, "crm")
        profile.remove(paths.config)
        print("Signed out of both accounts and removed the profile. Synced records stay in Salesforce.")
    else:
        raise UsageError(f"no account named {name!r}; use 'mailbox', 'salesforce', 'all' or an account address")
    return EXIT_CLEAN


def check_registrations(args: argparse.Namespace, paths: Paths) -> int:
    """``syncbar registrations``: what an IT department deployed, checked; the Google secret is never shown."""
    from app.compose import registrations

    apps = registrations.load(paths.config)
    rows = (
        ("microsoft", apps.microsoft and f"client {apps.microsoft.client_id}, authority {apps.microsoft.authority}"),
        ("google", apps.google and f"client {apps.google.client_id}, client secret set"),
        (
            "salesforce",
            apps.salesforce
            and f"consumer key {apps.salesforce.client_id[:12]}…, callback {apps.salesforce.callback_url}",
        ),
    )
    for name, ready in rows:
        print(f"{registrations.SERVICES[name]:<16} {ready or 'not set up'}")
    print(f"Read from {', then '.join(apps.places)}, then the environment.")
    if args.mailbox:
        apps.for_mailbox(args.mailbox)  # RegistrationError: exit 2 with what is missing
        return EXIT_CLEAN
    if "salesforce" in apps.problems:
        apps.require(*apps.problems)  # every profile needs Salesforce: say all that is missing
    # A value set but wrong is an error even for a service nobody here uses; a service not set up is not.
    apps.require(*[n for n, lines in apps.problems.items() if any("is missing" not in line for line in lines)])
    usable = [kind for kind, needs in registrations.NEEDS.items() if not any(n in apps.problems for n in needs)]
    print(f"Ready for: {', '.join(usable)}.")
    return EXIT_CLEAN


def dispatch(command: str, args: argparse.Namespace, paths: Paths, run_desktop: RunDesktop | None = None) -> int:
    if command == "registrations":
        return check_registrations(args, paths)
    if command == "connect-emulators":
        return connect_emulators(args, paths)
    if command == "demo":
        return demo(args, paths, run_desktop)
    return accounts(args, paths)


# Public endpoints; the app registrations come from the company's configuration (app/compose/registrations.py).


EXCHANGE_ONLINE_HOSTS = ("outlook.office365.com", "outlook.office.com")


def exchange_online(ews_url: str) -> bool:
    """An EWS URL of Exchange Online (Microsoft 365), which signs in with OAuth only."""
    from urllib.parse import urlsplit

    return (urlsplit(ews_url.strip()).hostname or "").lower() in EXCHANGE_ONLINE_HOSTS


def new_profile(
    kind: str,
    *,
    salesforce_login_url: str = "https://login.salesforce.com",
    address: str = "",
    username: str = "",
    ews_url: str = "",
    choices: SyncChoices | None = None,
    config: Path | None = None,
) -> Profile:
    """A profile for real accounts, before sign-in (the sign-in fills in the account names).

    The app registrations are read from ``config`` (the config folder), the system-wide file and the
    environment; a missing one stops here with what is missing and where it goes.
    """
    from app.compose import registrations
    from app.compose.paths import resolve

    if kind not in KIND_NAMES:
        raise UsageError(f"unknown mailbox kind {kind!r}; choose graph, gmail or ews")
    login = salesforce_login_url.strip().rstrip("/")
    if not login.startswith("https://"):
        raise UsageError(
            "the Salesforce login address must start with https:// (e.g. https://mycompany.my.salesforce.com)"
        )
    if kind == MailboxKind.EWS and "@" not in address:
        raise UsageError("Exchange needs the mailbox address (name@company.com)")
    if kind == MailboxKind.EWS:
        from app.providers.ews.connect import https_problem

        problem = https_problem(ews_url)  # the user's own input: said before anything about registrations
        if problem:
            raise UsageError(problem)
    online = kind == MailboxKind.EWS and exchange_online(ews_url)
    # Exchange Online signs in with the company's Microsoft registration (EWS.AccessAsUser.All, docs/admin.md).
    apps = registrations.load(config or resolve().config).for_mailbox(MailboxKind.GRAPH if online else kind)
    mailbox = PROFILE_TEMPLATES[MailboxKind(kind)](apps, address, username, ews_url, online)
    assert apps.salesforce is not None
    crm = CrmSettings(
        account="",
        secret_key="",
        login_url=login,
        client_id=apps.salesforce.client_id,
        callback_url=apps.salesforce.callback_url,
    )
    chosen = choices or SyncChoices()
    if not chosen.activated_at:
        chosen.activated_at = datetime.now(UTC).isoformat()
    return Profile(mailbox, crm, chosen).scoped()


def _graph_template(apps: Registrations, address: str, username: str, ews_url: str, online: bool) -> MailboxSettings:
    assert apps.microsoft is not None  # for_mailbox checked it
    return MailboxSettings(
        kind=MailboxKind.GRAPH,
        account="",
        secret_key="",
        base_url=ROWS[MailboxKind.GRAPH].base_url,
        authority=apps.microsoft.authority,
        client_id=apps.microsoft.client_id,
    )


def _gmail_template(apps: Registrations, address: str, username: str, ews_url: str, online: bool) -> MailboxSettings:
    from app.auth.google import GOOGLE

    assert apps.google is not None
    return MailboxSettings(
        kind=MailboxKind.GMAIL,
        account="",
        secret_key="",
        base_url=ROWS[MailboxKind.GMAIL].base_url,
        client_id=apps.google.client_id,
        client_secret=apps.google.client_secret,
        token_uri=GOOGLE["token_uri"],
        auth_uri=GOOGLE["auth_uri"],
    )


def _ews_template(apps: Registrations, address: str, username: str, ews_url: str, online: bool) -> MailboxSettings:
    return MailboxSettings(
        kind=MailboxKind.EWS,
        account=address.strip(),
        secret_key="",
        base_url=ews_url.strip(),
        username=username.strip() or address.strip(),
        # Exchange Online takes only OAuth (Basic was turned off in 2022); on premises a password signs
        # in with NTLM, or Basic where that is all the server offers (asked at sign-in).
        auth_type="oauth2" if online else "ntlm",
        authority=apps.microsoft.authority if online and apps.microsoft else "",
        client_id=apps.microsoft.client_id if online and apps.microsoft else "",
    )


# Each mailbox kind's profile template for real accounts: (registrations, address, user name, EWS URL, online).
PROFILE_TEMPLATES: dict[MailboxKind, Callable[[Registrations, str, str, str, bool], MailboxSettings]] = {
    MailboxKind.GRAPH: _graph_template,
    MailboxKind.EWS: _ews_template,
    MailboxKind.GMAIL: _gmail_template,
}


def sign_in_profile(
    prof: Profile, tokens: TokenStore, open_url: Any, cancelled: threading.Event, password: str = ""
) -> Profile:
    """Run both sign-ins and fill in the account names they reveal; nothing is saved here."""
    prof.crm.account = wiring.sign_in(prof, tokens, "crm", open_url, cancelled) or prof.crm.account
    account = wiring.sign_in(prof, tokens, "mailbox", open_url, cancelled, password=password)
    if prof.mailbox.kind == MailboxKind.GMAIL and not account:
        from app.providers.gmail import GmailClient

        auth = wiring.google_auth(prof, tokens)
        client = GmailClient(
            auth.token_source,
            catalog=auth.catalog,
            base_url=prof.mailbox.base_url,
            ca_file=prof.mailbox.ca_file or None,
        )
        account = str(client.get("/gmail/v1/users/me/profile").get("emailAddress") or "")
    prof.mailbox.account = account or prof.mailbox.account
    return prof
