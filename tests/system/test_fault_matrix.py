"""The fault matrix, generated from the catalogue: every service code a service can send is injected
through its emulator, and the sync must name the right catalogue code, do what ``EXPECTED`` (a table
written by hand from the services' documentation, never read from the catalogue) says the user gets,
and lose nothing once the fault ends, the scheduler retrying by itself.

A code added to the catalogue without a case here (an injection or a stated reason why it cannot be
injected through the emulators) fails ``test_every_service_code_has_a_case``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import wiring
from app.compose.paths import Paths
from app.compose.setup import profile_from_info, sign_in_all
from app.core import profile
from app.core.catalog import load_default
from app.core.model import IssueState, RetryClass, Scope
from app.core.service import SyncState
from app.emulators.base import Fault
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators

CATALOG = load_default()
SERVICES = ("salesforce", "graph", "gmail", "ews")
REAL_SLEEP = time.sleep
# Codes a provider reports for one stream only (StreamDenied): Google's granular consent.
STREAM_CODES = {"gmail": ("MBX_SCOPE_NOT_GRANTED",)}
FIRST_CALL = {
    "graph": "messages.delta",
    "gmail": "users.getProfile",
    "ews": "SyncFolderItems",
    "salesforce": "composite",
}


@dataclass(frozen=True)
class Call:
    """The service answers its first data call of the cycle with ``status`` and the code."""

    status: int
    count: int = 1  # more than 1 where the client retries by itself (a refresh on 401, a short wait on 429)


@dataclass(frozen=True)
class Record:
    """Salesforce rejects one record of the first write with the code (item-level)."""

    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Untestable:
    reason: str


OAUTH = (
    "comes from the token endpoint, not a data call; covered by the revocation tests (tests/emulators, tests/ui) "
    "and, for the token endpoint's outages, tests/system/test_token_outage.py"
)
FALLBACK = "an HTTP status fallback for answers without a known code; the named codes at that status are injected"
ITEM_ONLY = "answers one item's read or write; covered by the mailbox contract suite and the Retry tests"

SF_403 = {
    "REQUEST_LIMIT_EXCEEDED",
    "API_DISABLED_FOR_ORG",
    "API_CURRENTLY_DISABLED",
    "INSUFFICIENT_ACCESS",
    "ORG_LOCKED",
    "TRIAL_EXPIRED",
    "FUNCTIONALITY_NOT_ENABLED",
}
SF_503 = {"SERVER_UNAVAILABLE", "ORG_IN_MAINTENANCE", "FUNCTIONALITY_TEMPORARILY_UNAVAILABLE"}


class User(Enum):
    """What the user gets from one service error, in their words."""

    RETRIES = "retried on its own, soon"
    FIX = "an account problem someone must fix; Syncbar looks again about hourly"
    WAITS = "waits until the limit resets"
    SIGN_IN = "sign-in needed"
    ITEM_RETRIES = "an item issue; the item is sent again on its own"
    ITEM_FIX = "an item issue the user fixes in the mailbox or Salesforce; tried again now and then"
    ITEM_STOPS = "an item issue that never passes by itself; it waits for the user's Retry"


# Written by hand from each service's error documentation (what the error means, whether repeating the same
# request can succeed), NOT from resources/catalog.json: a wrong retry class in the catalogue fails here.
R, F, W, S, IR, IF, IS = User
EXPECTED: dict[tuple[str, str], User] = {
    # Exchange Web Services (ResponseCode values)
    ("ews", "ErrorAccessDenied"): F,
    ("ews", "ErrorInternalServerError"): R,
    ("ews", "ErrorMailboxMoveInProgress"): R,
    ("ews", "ErrorMailboxStoreUnavailable"): R,
    ("ews", "ErrorNonExistentMailbox"): F,
    ("ews", "ErrorServerBusy"): R,
    ("ews", "ErrorTimeoutExpired"): R,
    # Gmail API (error reasons / status)
    ("gmail", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"): S,
    ("gmail", "RESOURCE_EXHAUSTED"): R,
    ("gmail", "authError"): S,
    ("gmail", "backendError"): R,
    ("gmail", "dailyLimitExceeded"): W,
    ("gmail", "domainPolicy"): F,
    ("gmail", "failedPrecondition"): F,
    ("gmail", "forbidden"): F,
    ("gmail", "insufficientPermissions"): S,
    ("gmail", "quotaExceeded"): W,
    ("gmail", "rateLimitExceeded"): R,
    ("gmail", "userRateLimitExceeded"): R,
    # Microsoft Graph (error.code)
    ("graph", "ApplicationThrottled"): R,
    ("graph", "Authorization_RequestDenied"): F,
    ("graph", "ErrorAccessDenied"): F,
    ("graph", "ErrorInvalidUser"): F,
    ("graph", "InvalidAuthenticationToken"): S,
    ("graph", "MailboxNotEnabledForRESTAPI"): F,
    ("graph", "MailboxNotFound"): F,
    ("graph", "ResourceNotFound"): F,
    ("graph", "ServiceNotAvailable"): R,
    ("graph", "TooManyRequests"): R,
    ("graph", "activityLimitReached"): R,
    ("graph", "generalException"): R,
    # Salesforce (errorCode / statusCode)
    ("salesforce", "ALL_OR_NONE_OPERATION_ROLLED_BACK"): IR,  # undone because another record failed
    ("salesforce", "API_CURRENTLY_DISABLED"): F,
    ("salesforce", "API_DISABLED_FOR_ORG"): F,
    ("salesforce", "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY"): IF,
    ("salesforce", "DUPLICATES_DETECTED"): IF,
    ("salesforce", "DUPLICATE_EXTERNAL_ID"): IF,
    ("salesforce", "DUPLICATE_VALUE"): IF,
    ("salesforce", "ENTITY_IS_DELETED"): IF,
    ("salesforce", "FIELD_CUSTOM_VALIDATION_EXCEPTION"): IF,
    ("salesforce", "FIELD_FILTER_VALIDATION_EXCEPTION"): IF,
    ("salesforce", "FIELD_INTEGRITY_EXCEPTION"): IF,
    ("salesforce", "FUNCTIONALITY_NOT_ENABLED"): F,
    ("salesforce", "FUNCTIONALITY_TEMPORARILY_UNAVAILABLE"): R,
    ("salesforce", "ILLEGAL_QUERY_PARAMETER_VALUE"): IS,
    ("salesforce", "INACTIVE_OWNER_OR_USER"): IF,
    ("salesforce", "INSUFFICIENT_ACCESS"): F,
    ("salesforce", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"): IF,
    ("salesforce", "INSUFFICIENT_ACCESS_OR_READONLY"): IF,
    ("salesforce", "INVALID_CROSS_REFERENCE_KEY"): IF,
    ("salesforce", "INVALID_DATE_FORMAT"): IF,
    ("salesforce", "INVALID_EMAIL_ADDRESS"): IF,
    ("salesforce", "INVALID_FIELD"): F,  # a mapped field was deleted: the admin's setup
    ("salesforce", "INVALID_FIELD_FOR_INSERT_UPDATE"): IF,
    ("salesforce", "INVALID_ID_FIELD"): IS,
    ("salesforce", "INVALID_OPERATION"): IS,
    ("salesforce", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"): IF,
    ("salesforce", "INVALID_QUERY_FILTER_OPERATOR"): IS,
    ("salesforce", "INVALID_SESSION_ID"): S,
    ("salesforce", "INVALID_TYPE"): F,
    ("salesforce", "INVALID_TYPE_ON_FIELD_IN_RECORD"): IF,
    ("salesforce", "JSON_PARSER_ERROR"): IS,
    ("salesforce", "LICENSE_LIMIT_EXCEEDED"): F,
    ("salesforce", "MALFORMED_ID"): IS,
    ("salesforce", "MALFORMED_QUERY"): IS,
    ("salesforce", "NUMBER_OUTSIDE_VALID_RANGE"): IF,
    ("salesforce", "ORG_IN_MAINTENANCE"): R,
    ("salesforce", "ORG_LOCKED"): F,
    ("salesforce", "ORG_NOT_OWNED_BY_INSTANCE"): S,
    ("salesforce", "QUERY_TIMEOUT"): R,
    ("salesforce", "REQUEST_LIMIT_EXCEEDED"): W,
    ("salesforce", "REQUEST_RUNNING_TOO_LONG"): R,
    ("salesforce", "REQUIRED_FIELD_MISSING"): IF,
    ("salesforce", "SERVER_UNAVAILABLE"): R,
    ("salesforce", "STORAGE_LIMIT_EXCEEDED"): F,
    ("salesforce", "STRING_TOO_LONG"): IF,
    ("salesforce", "TOO_MANY_RECORDS"): F,
    ("salesforce", "TRIAL_EXPIRED"): F,
    ("salesforce", "UNABLE_TO_LOCK_ROW"): IR,  # another save holds the row for a moment
    ("salesforce", "UNKNOWN_EXCEPTION"): R,
    ("salesforce", "UNSUPPORTED_API_VERSION"): IS,
}
# The retry classes a catalogue entry may carry for each expectation (the catalogue's own vocabulary).
CLASSES = {
    User.RETRIES: {RetryClass.TRANSIENT, RetryClass.THROTTLED},
    User.FIX: {RetryClass.NEEDS_USER_FIX, RetryClass.PERMANENT},
    User.WAITS: {RetryClass.SUSPENDED},
    User.SIGN_IN: {RetryClass.NEEDS_REAUTH},
    User.ITEM_RETRIES: {RetryClass.TRANSIENT},
    User.ITEM_FIX: {RetryClass.NEEDS_USER_FIX},
    User.ITEM_STOPS: {RetryClass.PERMANENT},
}
ITEM_EXPECTATIONS = {User.ITEM_RETRIES, User.ITEM_FIX, User.ITEM_STOPS}


def case_for(service: str, code: str) -> Call | Record | Untestable:
    entry = CATALOG.lookup(service, code)
    if service == "salesforce":
        if code in (
            "invalid_grant",
            "inactive_user",
            "rate_limit_exceeded",
            "INVALID_LOGIN",
            "PASSWORD_LOCKOUT",
            "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
            "inactive_org",
        ):
            return Untestable(OAUTH)
        if code.isdigit():
            return Untestable(FALLBACK)
        if code == "ORG_NOT_OWNED_BY_INSTANCE":
            return Call(400)
        if entry.scope is Scope.ITEM:
            return Record(("Subject",) if code.startswith(("STRING", "FIELD", "INVALID_TYPE_ON")) else ())
        if code == "INVALID_SESSION_ID":
            return Call(401, count=2)  # the provider refreshes once and tries again
        return Call(403 if code in SF_403 else 503 if code in SF_503 else 500 if code == "UNKNOWN_EXCEPTION" else 400)
    if code in ("invalid_grant", "interaction_required"):
        return Untestable(OAUTH)
    if code.isdigit() or code in ("404-history",):
        return Untestable(FALLBACK if code.isdigit() else "the history window is covered by check_expired_cursor")
    if entry.scope is Scope.ITEM:
        return Untestable(ITEM_ONLY)
    if code in ("SyncStateNotFound", "ErrorInvalidSyncStateData"):
        return Untestable("expired cursors are covered by check_expired_cursor in the contract suite")
    if entry.retry_class is RetryClass.THROTTLED:
        # Past the client's own short waits, on every stream the mailbox reads at once (up to 4).
        return Call(429 if service != "ews" else 500, count=4 * 4)
    if entry.retry_class is RetryClass.NEEDS_REAUTH:
        # A refresh and one more try, on every stream the mailbox reads at once.
        return Call(401 if code in ("authError", "InvalidAuthenticationToken", "401") else 403, count=2 * 4)
    if service == "ews":
        return Call(500 if code == "ErrorInternalServerError" else 200)  # Exchange answers most errors in a 200
    if entry.code == "MBX_SERVER_ERROR":
        # A 503 carries Retry-After: the client waits a few times before it gives up, on every stream read at once.
        return Call(503, count=4 * 4)
    status = {
        "MBX_ACCESS_DENIED": 403,
        "MBX_API_NOT_ENABLED": 400 if service == "gmail" else 403,
        "MBX_MAILBOX_NOT_FOUND": 404,
        "MBX_DAILY_QUOTA": 403,
        "MBX_SERVER_ERROR": 503,
    }.get(entry.code, 400)
    return Call(status)


def pairs() -> list[tuple[str, str]]:
    return sorted((s, c) for e in CATALOG.entries() for s, c in e.service_codes if s in SERVICES)


def test_every_service_code_has_a_case() -> None:
    missing = []
    for service, code in pairs():
        try:
            case_for(service, code)
        except Exception as exc:  # a case the table cannot build is a missing case
            missing.append(f"{service}:{code} ({exc})")
    assert not missing
    injectable = [p for p in pairs() if not isinstance(case_for(*p), Untestable)]
    assert len(injectable) >= 60, len(injectable)


def test_the_catalogue_agrees_with_the_hand_written_expectations() -> None:
    assert set(EXPECTED) == set(CASES), "every injected service code needs a hand-written expectation"
    wrong = []
    for (service, code), user in EXPECTED.items():
        entry = CATALOG.lookup(service, code)
        is_item = entry.scope is Scope.ITEM
        if entry.retry_class not in CLASSES[user] or is_item != (user in ITEM_EXPECTATIONS):
            wrong.append(
                f"{service}:{code} -> {entry.code} is {entry.scope.value}/{entry.retry_class.value}; "
                f"the user should get: {user.value}"
            )
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHost]:
    with emulators(items=50, seed=13, cert_dir=tmp_path_factory.mktemp("certs")) as h:
        yield h


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    real = time.sleep
    monkeypatch.setattr(time, "sleep", lambda s: real(min(s, 0.01)))  # clients' own back-off waits, shortened


def setup_home(
    host: EmulatorHost, home: Path, mailbox: str, tokens: TokenStore | None = None, clock: Any = None
) -> Any:
    info = host.info()
    paths = Paths(config=home / "config", data=home / "data").ensure()
    tokens = tokens or TokenStore(ProcessKeyring())
    prof = profile_from_info(info, mailbox)
    sign_in_all(prof, tokens, info)
    profile.save(paths.config, prof)
    svc, _ = wiring.open_service(paths, tokens=tokens, **({"clock": clock} if clock else {}))
    return svc


def cycle(svc: Any) -> Any:
    svc.request_sync()
    return svc.run_cycle(lambda p: None, threading.Event())


CASES = [(s, c) for s, c in pairs() if not isinstance(case_for(s, c), Untestable)]


class Clock:
    """The service's clock: starts now, moved on by the test so the scheduler's waits pass at once."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def until_due(svc: Any, clock: Clock, limit: timedelta = timedelta(days=3)) -> timedelta:
    """Move the clock on, as time passes for a user who does nothing, until the scheduler starts a cycle."""
    waited = timedelta(0)
    while not svc.due(clock()):
        assert waited < limit, f"the scheduler did not retry by itself within {limit}"
        clock.now += timedelta(minutes=5)
        waited += timedelta(minutes=5)
    return waited


@pytest.mark.parametrize(("service", "code"), CASES, ids=[f"{s}:{c}" for s, c in CASES])
def test_injected_code(service: str, code: str, host: EmulatorHost, tmp_path: Path) -> None:
    host.reset()
    mailbox = service if service != "salesforce" else "graph"
    clock = Clock()
    svc = setup_home(host, tmp_path, mailbox, clock=clock)
    entry = CATALOG.lookup(service, code)
    user = EXPECTED[(service, code)]
    case = case_for(service, code)
    if isinstance(case, Record):
        host.services["salesforce"].record_faults.append((code, list(case.fields)))
    else:
        assert isinstance(case, Call)
        host.inject(
            service,
            Fault(
                "status",
                operation=FIRST_CALL[service],
                status=case.status,
                code=code,
                message=f"injected {code}",
                count=case.count,
            ),
        )
    cycle(svc)
    snap = svc.status()
    injected = [i for i in svc.issues() if i.item_key and "(injected)" in i.message]
    if user in ITEM_EXPECTATIONS:
        assert snap.error_code == "", f"an item problem stopped the sync: {snap.error_code}"
        assert [i.code for i in injected] == [entry.code], injected
        if user is User.ITEM_STOPS:
            assert injected[0].next_attempt is None, f"{service}:{code} is retried by itself; expected {user.value}"
        else:
            assert injected[0].next_attempt is not None, f"{service}:{code} waits for the user; expected {user.value}"
    elif entry.code in STREAM_CODES.get(service, ()):
        # A permission not granted covers the stream it refused: an open account issue, the rest syncs.
        assert snap.error_code == "", f"{service}:{code} stopped the whole sync: {snap.error_code}"
        assert [i.code for i in svc.issues() if not i.item_key] == [entry.code]
    else:
        assert snap.error_code == entry.code, f"{service}:{code} -> {snap.error_code}, expected {entry.code}"
        # A mailbox that refuses a token is retried quietly a few times before the user is asked to sign in.
        expected_state = {
            User.WAITS: SyncState.SUSPENDED,
            User.SIGN_IN: SyncState.NEEDS_REAUTH if service == "salesforce" else SyncState.BACKING_OFF,
        }.get(user, SyncState.BACKING_OFF)
        assert snap.state is expected_state, f"{service}:{code}: {snap.state}, expected {user.value}"
        account_issues = [i for i in svc.issues() if not i.item_key]
        assert [i.code for i in account_issues] == [entry.code]
        if snap.state is SyncState.BACKING_OFF:
            assert snap.next_run_at is not None
            wait = snap.next_run_at - clock()
            soon = user in (User.RETRIES, User.SIGN_IN)
            assert (wait <= timedelta(minutes=10)) if soon else (wait >= timedelta(minutes=45)), (
                f"{service}:{code}: next try in {wait}; expected {user.value}"
            )
    # The fault ends. The user acts only where the table says they must (sign in again, press Retry);
    # everything else the scheduler retries by itself as time passes.
    host.clear_faults()
    host.services["salesforce"].record_faults.clear()
    if snap.state is SyncState.NEEDS_REAUTH:
        svc.credentials_updated(snap.error_account or "")
    if user is User.ITEM_STOPS:
        svc.retry([i.id for i in injected])
    until_due(svc, clock)
    svc.run_cycle(lambda p: None, threading.Event())
    if user in ITEM_EXPECTATIONS and user is not User.ITEM_STOPS:
        # The item's own backoff may not have passed at the first scheduled cycle: wait for the next.
        # (The item may fail again on a problem of its own in the seed: only the injected one must go.)
        while any(i.item_key == injected[0].item_key and "(injected)" in i.message for i in svc.issues()):
            assert clock.now - datetime.now(UTC) < timedelta(days=2), "the failed item was never sent again"
            clock.now += timedelta(minutes=5)
            until_due(svc, clock)
            svc.run_cycle(lambda p: None, threading.Event())
    after = svc.status()
    assert after.error_code == "", f"still failing after the fault ended: {after.error_code}"
    open_keys = {i.item_key for i in svc.issues(IssueState.OPEN) if i.item_key}
    assert not [i for i in svc.issues() if "(injected)" in i.message], "the injected fault still has an open issue"
    with svc.store.transaction() as tx:
        states = tx.execute("SELECT key, state FROM items").fetchall()
    assert states, "nothing was read from the mailbox"
    for key, state in states:
        assert state in ("synced", "ignored", "failed", "quarantined", "removed"), (key, state)
        if state in ("failed", "quarantined"):
            assert key in open_keys


@pytest.mark.parametrize("code", ["STORAGE_LIMIT_EXCEEDED", "INVALID_TYPE", "INSUFFICIENT_ACCESS"])
def test_account_level_code_on_one_record_stops_the_sync_without_blaming_the_item(
    code: str, host: EmulatorHost, tmp_path: Path
) -> None:
    """Salesforce can answer "storage full" for a record inside a collection: the account's problem."""
    host.reset()
    svc = setup_home(host, tmp_path, "graph")
    host.services["salesforce"].record_faults.append((code, []))
    cycle(svc)
    entry = CATALOG.lookup("salesforce", code)
    assert svc.status().error_code == entry.code
    assert entry.code not in {i.code for i in svc.issues() if i.item_key}
    with svc.store.transaction() as tx:
        waiting = tx.execute("SELECT COUNT(*) FROM items WHERE state = 'queued'").fetchone()[0]
    assert waiting >= 1  # the record's item waits for the next sync, unblamed
    cycle(svc)
    assert svc.status().error_code == ""


NETWORK = [(s, k) for s in SERVICES for k in ("reset", "truncate", "malformed")]


@pytest.mark.parametrize(("service", "kind"), NETWORK, ids=[f"{s}:{k}" for s, k in NETWORK])
def test_network_faults_are_connection_failures_and_recover(
    service: str, kind: str, host: EmulatorHost, tmp_path: Path
) -> None:
    host.reset()
    svc = setup_home(host, tmp_path, service if service != "salesforce" else "graph")
    # Enough for every stream read at once.
    host.inject(service, Fault(kind, operation=FIRST_CALL[service], count=5 * 4))
    cycle(svc)
    snap = svc.status()
    assert snap.error_code == "NET_CONNECTION_FAILED", f"{service}:{kind} -> {snap.error_code}"
    assert snap.state is SyncState.BACKING_OFF
    host.clear_faults()
    cycle(svc)
    assert svc.status().error_code == ""


def test_read_timeout_is_a_connection_failure(
    host: EmulatorHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.net import session

    original = session.TrustedSession.request

    def short(self: Any, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["timeout"] = (5.0, 0.5)
        return original(self, method, url, *args, **kwargs)

    host.reset()
    svc = setup_home(host, tmp_path, "graph")
    monkeypatch.setattr(time, "sleep", REAL_SLEEP)  # the emulator's delay must really wait
    monkeypatch.setattr(session.TrustedSession, "request", short)
    host.inject("graph", Fault("delay", operation="messages.delta", delay=1.5, count=1))
    cycle(svc)
    assert svc.status().error_code == "NET_CONNECTION_FAILED"
    cycle(svc)
    assert svc.status().error_code == ""


def test_untrusted_certificate_is_a_tls_failure(host: EmulatorHost, tmp_path: Path) -> None:
    host.reset()
    tokens = TokenStore(ProcessKeyring())
    setup_home(host, tmp_path, "graph", tokens)
    prof = profile.load(tmp_path / "config")
    assert prof is not None
    other_ca = tmp_path / "other-ca.pem"
    from app.emulators.tls import ensure_certificates

    other_ca.write_bytes(ensure_certificates(tmp_path / "other-certs").ca_path.read_bytes())
    prof.mailbox.ca_file = str(other_ca)  # the server's certificate is not signed by this CA
    profile.save(tmp_path / "config", prof)
    svc2, _ = wiring.open_service(Paths(config=tmp_path / "config", data=tmp_path / "data"), tokens=tokens)
    cycle(svc2)
    assert svc2.status().error_code == "NET_TLS_FAILED"
