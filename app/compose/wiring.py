"""Part of the composition root: builds providers and sign-ins from the profile.

``app.compose.cli`` parses arguments; this module turns a ``Profile`` into real
objects (auth flows, provider clients), and nothing below it builds its own
collaborators.  A sign-in needs an ``open_url`` callable: the desktop opens
the browser, ``headless_browser`` follows the emulators' auto-approving
consent pages for the demo and the tests.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from app.auth import profile_secrets
from app.auth.tokens import TokenStore
from app.compose import logs
from app.compose.exits import UsageError
from app.compose.paths import Paths
from app.compose.registrations import Support
from app.core.catalog import Catalog, load_default
from app.core.competitors import CompetitorCheck, Scan
from app.core.local import DATABASE_READ_ONLY, DISK_FULL, HOME_NOT_WRITABLE, storage_code
from app.core.mailbox_kinds import ROWS, MailboxKind, SignIn, mailbox_sign_in
from app.core.mapping import DEFAULT_MAPPING, with_overrides
from app.core.model import ItemKind
from app.core.ports import CrmPort, MailboxPort
from app.core.profile import Profile
from app.core.rules import DEFAULT_GROUP_LOCAL_PARTS, Rules, RulesConfig
from app.core.runner import SyncService
from app.core.scheduler import Notice, Scheduler
from app.core.store import Store, StoreError

if TYPE_CHECKING:  # each service's library is imported only when it is used (the window's process never)
    from app.auth.google import GoogleAuth
    from app.auth.microsoft import MicrosoftAuth
    from app.auth.salesforce import SalesforceAuth
    from app.providers.salesforce.budget import CallLog

OpenUrl = Callable[[str], object]


class KeyValueCache:
    """Provider caches (describe results, label ids) kept in the store's settings, per namespace."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def view(self, namespace: str) -> MutableMapping[str, Any]:
        return _CacheView(self.store, f"cache.{namespace}.")


class _CacheView(MutableMapping[str, Any]):
    def __init__(self, store: Store, prefix: str) -> None:
        self.store, self.prefix = store, prefix

    def __getitem__(self, key: str) -> Any:
        missing = object()
        value = self.store.get_setting(self.prefix + key, missing)
        if value is missing:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self.store.set_setting(self.prefix + key, value)

    def __delitem__(self, key: str) -> None:
        self.store.delete_setting(self.prefix + key)

    def __iter__(self) -> Iterator[str]:
        return iter([name[len(self.prefix) :] for name in self.store.setting_names(self.prefix)])

    def __len__(self) -> int:
        return len(list(iter(self)))


class StoreCallLog:
    """The Salesforce allocation's call log, kept in the store so it survives restarts."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record_calls(self, account: str, at: datetime, count: int) -> None:
        self.store.record_calls(account, at, count)

    def calls_since(self, account: str, since: datetime) -> Sequence[tuple[datetime, int]]:
        return self.store.calls_since(account, since)


def headless_browser(ca_file: str | None) -> OpenUrl:
    """Follow a consent page's redirects to the loopback listener, as a browser would (emulators only)."""

    def open_url(url: str) -> None:
        import requests

        from app.net.session import TrustedSession

        with TrustedSession(ca_file) as session:
            for _ in range(10):
                answer = session.get(url, allow_redirects=False)
                location = answer.headers.get("Location")
                if not location:
                    raise UsageError(
                        f"the consent page at {url.split('?')[0]} did not redirect (HTTP {answer.status_code})"
                    )
                url = urljoin(url, location)
                if url.startswith(("http://127.0.0.1:", "http://localhost:")):
                    requests.get(url, timeout=10)
                    return
        raise UsageError("the consent page redirected too many times")

    return open_url


def token_timeout() -> float | None:
    """``SYNCBAR_TOKEN_TIMEOUT``: seconds a token endpoint may take before it counts as unavailable."""
    value = os.environ.get("SYNCBAR_TOKEN_TIMEOUT", "").strip()
    try:
        seconds = float(value) if value else None
    except ValueError:
        raise UsageError(f"SYNCBAR_TOKEN_TIMEOUT must be a number of seconds, not {value!r}") from None
    return seconds if seconds and seconds > 0 else None


def salesforce_auth(profile: Profile, tokens: TokenStore, catalog: Catalog | None = None) -> SalesforceAuth:
    from app.auth.salesforce import SalesforceAuth

    crm = profile.crm
    return SalesforceAuth(
        tokens,
        catalog=catalog or load_default(),
        login_url=crm.login_url,
        client_id=crm.client_id,
        callback_url=crm.callback_url,
        ca_file=crm.ca_file or None,
        key=crm.secret_key,
        token_timeout=token_timeout(),
    )


def microsoft_auth(profile: Profile, tokens: TokenStore, catalog: Catalog | None = None) -> MicrosoftAuth:
    """Microsoft's sign-in for the mailbox: Graph's scopes, or EWS's for Exchange Online."""
    from app.auth.microsoft import EWS_SCOPES, SCOPES, MicrosoftAuth

    m = profile.mailbox
    return MicrosoftAuth(
        tokens,
        catalog=catalog or load_default(),
        authority=m.authority,
        client_id=m.client_id,
        ca_file=m.ca_file or None,
        key=m.secret_key,
        username=m.account,
        scopes=EWS_SCOPES if m.kind == MailboxKind.EWS else SCOPES,
        token_timeout=token_timeout(),
    )


def google_auth(profile: Profile, tokens: TokenStore, catalog: Catalog | None = None) -> GoogleAuth:
    from app.auth.google import GoogleAuth

    m = profile.mailbox
    endpoints = {k: v for k, v in (("auth_uri", m.auth_uri), ("token_uri", m.token_uri)) if v}
    if m.token_uri:
        endpoints["revoke_uri"] = urljoin(m.token_uri, "/revoke")
    return GoogleAuth(
        tokens,
        catalog=catalog or load_default(),
        client_id=m.client_id,
        client_secret=m.client_secret,
        endpoints=endpoints,
        ca_file=m.ca_file or None,
        key=m.secret_key,
        token_timeout=token_timeout(),
    )


def build_crm(
    profile: Profile,
    tokens: TokenStore,
    *,
    call_log: CallLog | None = None,
    cache: MutableMapping[str, Any] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    catalog: Catalog | None = None,
) -> CrmPort:
    from app.providers.salesforce import SalesforceCrm

    crm = profile.crm
    catalog = catalog or load_default()
    return SalesforceCrm(
        crm.account,
        salesforce_auth(profile, tokens, catalog).session_source,
        catalog=catalog,
        ca_file=crm.ca_file or None,
        version=crm.api_version,
        call_log=call_log,
        clock=clock,
        allocation_percent=crm.allocation_percent,
        cache=cache,
    )


def build_mailbox(
    profile: Profile,
    tokens: TokenStore,
    *,
    cache: MutableMapping[str, Any] | None = None,
    catalog: Catalog | None = None,
) -> MailboxPort:
    """The mailbox provider; it reads the profile's history window (days before activation) and nothing older."""
    m = profile.mailbox
    activated = datetime.fromisoformat(profile.choices.activated_at) if profile.choices.activated_at else None
    if activated is not None and activated.tzinfo is None:
        activated = activated.replace(tzinfo=UTC)
    window: dict[str, Any] = {"history_days": profile.choices.history_days, "activated_at": activated}
    try:
        kind = MailboxKind(m.kind)
    except ValueError:
        raise UsageError(f"unknown mailbox kind {m.kind!r}") from None
    return MAILBOX_PROVIDERS[kind](profile, tokens, window, cache, catalog or load_default())


def _graph_mailbox(
    profile: Profile,
    tokens: TokenStore,
    window: dict[str, Any],
    cache: MutableMapping[str, Any] | None,
    catalog: Catalog,
) -> MailboxPort:
    from app.providers.graph import GraphClient, GraphMailbox

    m = profile.mailbox
    graph = GraphClient(
        microsoft_auth(profile, tokens, catalog).token_source,
        catalog=catalog,
        base_url=m.base_url or ROWS[MailboxKind.GRAPH].base_url,
        ca_file=m.ca_file or None,
    )
    return GraphMailbox(m.account, graph, **window)


def _gmail_mailbox(
    profile: Profile,
    tokens: TokenStore,
    window: dict[str, Any],
    cache: MutableMapping[str, Any] | None,
    catalog: Catalog,
) -> MailboxPort:
    from app.providers.gmail import GmailClient, GmailMailbox

    m = profile.mailbox
    gmail = GmailClient(
        google_auth(profile, tokens, catalog).token_source,
        catalog=catalog,
        base_url=m.base_url or ROWS[MailboxKind.GMAIL].base_url,
        ca_file=m.ca_file or None,
    )
    return GmailMailbox(m.account, gmail, cache=cache, **window)


def _ews_mailbox(
    profile: Profile,
    tokens: TokenStore,
    window: dict[str, Any],
    cache: MutableMapping[str, Any] | None,
    catalog: Catalog,
) -> MailboxPort:
    from app.providers.ews import EwsConnection, EwsMailbox, EwsSettings

    m = profile.mailbox
    settings = EwsSettings(
        address=m.account, username=m.username, endpoint=m.base_url, auth_type=m.auth_type, ca_file=m.ca_file
    )
    if m.auth_type == "oauth2":  # Exchange Online: MSAL with the EWS scope, renewed like Graph's tokens
        source = microsoft_auth(profile, tokens, catalog).access_token
        return EwsMailbox(EwsConnection(settings, catalog=catalog, token_source=source), **window)
    secret = tokens.load(m.secret_key) or {}
    return EwsMailbox(EwsConnection(settings, str(secret.get("password") or ""), catalog=catalog), **window)


# Each mailbox kind's provider (app/core/mailbox_kinds.py has the rest of its row).
MAILBOX_PROVIDERS: dict[
    MailboxKind,
    Callable[[Profile, TokenStore, dict[str, Any], MutableMapping[str, Any] | None, Catalog], MailboxPort],
] = {
    MailboxKind.GRAPH: _graph_mailbox,
    MailboxKind.EWS: _ews_mailbox,
    MailboxKind.GMAIL: _gmail_mailbox,
}


def sign_in(
    profile: Profile,
    tokens: TokenStore,
    which: str,
    open_url: OpenUrl,
    cancelled: threading.Event | None = None,
    password: str = "",
) -> str:
    """Run the real sign-in flow for the mailbox or Salesforce; returns the account name it signed in.

    Without a keyring to keep its result, no sign-in starts (``NoKeyring``): the user would only
    be asked again at the next sync."""
    tokens.require()
    if which == "crm":
        return salesforce_auth(profile, tokens).sign_in(open_url, cancelled)
    m = profile.mailbox
    how = mailbox_sign_in(m.kind, m.auth_type)
    if how is SignIn.MICROSOFT and m.kind == MailboxKind.GRAPH:
        return microsoft_auth(profile, tokens).sign_in(open_url, cancelled)
    if how is SignIn.MICROSOFT:  # Exchange Online: the mailbox is the profile's, not the token's user
        microsoft_auth(profile, tokens).sign_in(open_url, cancelled)
        return m.account
    if how is SignIn.GOOGLE:
        return google_auth(profile, tokens).sign_in(open_url, cancelled, account=m.account)
    if not password:
        raise UsageError("Exchange needs the mailbox password to sign in")
    from app.providers.ews.connect import choose_password_auth

    m.auth_type = choose_password_auth(m.base_url, m.ca_file or None, catalog=load_default())
    tokens.save(m.secret_key, {"password": password})
    return m.account


def support_contact(profile: Profile | None, config: Path) -> Support:
    """Where Chat with support goes: the user's own choice in Settings, else the company's, else the default."""
    from app.compose.registrations import DEFAULT_SUPPORT_ADDRESS, load

    try:
        company = load(config).support
    except UsageError:
        company = Support()
    choices = profile.choices if profile else None
    address = choices.support_address if choices and choices.support_address != DEFAULT_SUPPORT_ADDRESS else ""
    url = choices.support_url if choices else ""
    return Support(address or company.address, url or company.url, configured=company.configured)


def send_report(profile: Profile, tokens: TokenStore, to: str, subject: str, body: str, zip_path: Path) -> None:
    """Mail the report's zip to support from the user's own mailbox (its API: no mail app, nothing to attach)."""
    from app.core.ports import Attachment

    mailbox = build_mailbox(profile, tokens)
    mailbox.send_mail(to, subject, body, [Attachment(zip_path.name, "application/zip", zip_path.read_bytes())])


def sign_out(profile: Profile, tokens: TokenStore, which: str) -> None:
    if which == "crm":
        salesforce_auth(profile, tokens).sign_out()
        return
    how = mailbox_sign_in(profile.mailbox.kind, profile.mailbox.auth_type)
    if how is SignIn.MICROSOFT:
        microsoft_auth(profile, tokens).sign_out()
    elif how is SignIn.GOOGLE:
        google_auth(profile, tokens).sign_out()
    else:
        tokens.delete(profile.mailbox.secret_key)


# --- the application service -------------------------------------------------------


# Webmail domains shared by strangers: mail between two addresses there is not "internal".
PUBLIC_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
    }
)


def _own_domain(address: str) -> frozenset[str]:
    """The user's own company domain counts as internal: mail among colleagues stays out of Salesforce."""
    domain = address.rpartition("@")[2].strip().lower()
    return frozenset({domain}) if domain and domain not in PUBLIC_DOMAINS else frozenset()


def rules_for(profile: Profile) -> Rules:
    choices = profile.choices
    activated = datetime.fromisoformat(choices.activated_at) if choices.activated_at else None
    return Rules(
        RulesConfig(
            owner_addresses=frozenset({profile.mailbox.account}),
            internal_domains=frozenset(choices.internal_domains)
            | (_own_domain(profile.mailbox.account) if choices.colleagues_internal else frozenset()),
            blocklist=frozenset(choices.blocklist),
            do_not_mail=frozenset(choices.do_not_mail),
            group_local_parts=DEFAULT_GROUP_LOCAL_PARTS
            if choices.shared_addresses is None
            else frozenset(choices.shared_addresses),
            history_days=choices.history_days,
            activated_at=activated,
            kinds=kinds_for(profile),
            mapping=with_overrides(DEFAULT_MAPPING, choices.field_overrides),
        )
    )


def kinds_for(profile: Profile) -> frozenset[ItemKind]:
    c = profile.choices
    chosen = {ItemKind.EMAIL: c.emails, ItemKind.EVENT: c.events, ItemKind.CONTACT: c.contacts, ItemKind.TASK: c.tasks}
    return frozenset(kind for kind, on in chosen.items() if on)


def _writable(database: Path) -> bool:
    return os.access(database, os.W_OK) and os.access(database.parent, os.W_OK)


def clock_from(environ: Mapping[str, str] = os.environ) -> Callable[[], datetime]:
    """The wall clock, or the fixed instant ``SYNCBAR_FAKE_NOW`` names (ISO 8601; the tests' days pass with it)."""
    fixed = environ.get("SYNCBAR_FAKE_NOW", "")
    if not fixed:
        return lambda: datetime.now(UTC)
    try:
        at = datetime.fromisoformat(fixed)
    except ValueError as exc:
        raise UsageError(f"SYNCBAR_FAKE_NOW is {fixed!r}; expected a time like 2026-01-31T09:00:00+00:00") from exc
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return lambda: at


def open_service(
    paths: Paths,
    *,
    tokens: TokenStore | None = None,
    on_notice: Callable[[Notice], None] | None = None,
    clock: Callable[[], datetime] | None = None,
    read_only: bool = False,
) -> tuple[SyncService, Profile | None]:
    """The store, scheduler and service for this home; providers are built at each cycle.

    ``read_only`` (status, issues, sessions, report): on a home that cannot be
    written the database is read as it is, so the issue history stays readable.
    """
    if read_only and paths.database.exists() and not _writable(paths.database):
        store = Store.open_read_only(paths.database)
    elif read_only and paths.database.exists():
        try:
            store = Store.open(paths.database)
        except StoreError as exc:  # a full disk cannot even hold the WAL's index: read the file as it is
            if storage_code(exc, paths.data) not in (DISK_FULL, DATABASE_READ_ONLY, HOME_NOT_WRITABLE):
                raise
            store = Store.open_read_only(paths.database, immutable=True)
    else:
        paths.ensure()
        store = Store.open(paths.database)
    catalog = load_default()
    clock = clock or clock_from()
    token_store = redact_handed_out(tokens or TokenStore())
    prof = profile_secrets.load(paths.config, token_store)
    interval = timedelta(minutes=prof.choices.interval_minutes) if prof else timedelta(minutes=15)
    scheduler = Scheduler(store, catalog, interval=interval)
    if prof is None:
        return SyncService(store, catalog, scheduler, paths.lock, connect=None, rules=None, clock=clock), None
    kv = KeyValueCache(store)

    # The providers live from one cycle to the next (their connections, sessions and folder lookups
    # with them) until a sign-in or an account error makes the service forget them.
    ports: list[tuple[MailboxPort, CrmPort]] = []

    def connect() -> tuple[MailboxPort, CrmPort]:
        if not ports:
            mailbox = build_mailbox(prof, token_store, cache=kv.view("mailbox"), catalog=catalog)
            crm = build_crm(
                prof, token_store, call_log=StoreCallLog(store), cache=kv.view("crm"), clock=clock, catalog=catalog
            )
            ports.append((mailbox, crm))
        return ports[0]

    service = SyncService(
        store,
        catalog,
        scheduler,
        paths.lock,
        connect=connect,
        rules=rules_for(prof),
        mailbox_account=prof.mailbox.account,
        crm_account=prof.crm.account,
        kinds=sorted(kinds_for(prof)),
        clock=clock,
        on_notice=on_notice,
        forget=ports.clear,
        escalate_after=timedelta(minutes=prof.choices.escalate_after_minutes)
        if prof.choices.escalation_email
        else None,
        escalate_to=prof.mailbox.account,
        competitors=CompetitorCheck(store),
    )
    return service, prof


def scan_competitors(paths: Paths, profile: Profile, tokens: TokenStore) -> Scan:
    """At setup: look for other sync software now (the service looks again daily) and keep the result."""
    store = Store.open(paths.ensure().database)
    try:
        kv = KeyValueCache(store)
        mailbox = build_mailbox(profile, tokens, cache=kv.view("mailbox"))
        crm = build_crm(profile, tokens, call_log=StoreCallLog(store), cache=kv.view("crm"))
        scan, _ = CompetitorCheck(store).run([crm, mailbox], datetime.now(UTC))
        return scan
    finally:
        store.close()


def secret_values(secret: Any) -> set[str]:
    """The token and password values inside one keyring secret (MSAL's serialised cache searched inside).

    Only values under secret-bearing names count (``*token*``, ``secret``, ``password``): an account's
    user name or an endpoint stays readable.
    """
    found: set[str] = set()
    secret_names = ("token", "secret", "password", "passwd", "verifier")

    def walk(value: Any, name: str) -> None:
        lowered = name.lower()
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, name)
        elif isinstance(value, str):
            stripped = value.strip()
            if stripped[:1] == "{":
                try:
                    walk(json.loads(stripped), name)
                    return
                except ValueError:
                    pass
            is_secret = any(word in lowered for word in secret_names) and not lowered.endswith(("_uri", "_url"))
            if is_secret and len(value) >= 8:
                found.add(value)

    walk(secret, "")
    return found


def redact_handed_out(tokens: TokenStore) -> TokenStore:
    """Every secret ``tokens`` reads or writes from now on is cut out of the log, not only its patterns."""

    def remember(secret: Mapping[str, Any]) -> None:
        for value in secret_values(secret):
            logs.remember_secret(value)

    tokens.handed_out = remember
    return tokens


def known_secrets(profile: Profile | None, tokens: TokenStore) -> list[str]:
    """Every token and password held for the profile's accounts, so reports and logs can cut them out."""
    if profile is None:
        return []
    found: set[str] = set()
    for key in (profile.crm.secret_key, profile.mailbox.secret_key):
        try:
            found |= secret_values(tokens.load(key) or {})
        except Exception:  # a locked or missing keyring: the pattern-based redaction still applies
            continue
    return sorted(found, key=len, reverse=True)
