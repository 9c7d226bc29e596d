"""The one token store: secrets live in the OS keyring, never in a file, a log or a report.

One keyring entry per account under the service name ``syncbar``; the value is
a JSON object (access token, refresh token, expiry, provider-specific extras
such as an MSAL token cache).  There is no plaintext fallback: without a
keyring backend the user is told exactly what to install.

Every entry fits every OS store: Windows Credential Manager keeps at most 2,560
bytes per credential (UTF-16, so 1,280 characters of our ASCII JSON), and an
MSAL token cache is several kilobytes.  A longer value is written in parts,
``<account>#<generation>.<n>``, after which the entry under the account's own
name becomes the index ``{"syncbar_parts": N, "generation": G}``; the parts of
the previous generation go last, so a crash between two writes leaves either
the old value or the new one, never a mix (docs/architecture.md, "Secrets").

The demo and the tests may hand a ``TokenStore`` an in-memory ``ProcessKeyring``
explicitly.  It is a plain object, not a ``keyring.backend.KeyringBackend``:
keyring registers every subclass of that class in its backend discovery, so a
subclass here would outrank keyring's "fail" backend on a machine without a
Secret Service and every real sign-in would silently live in process memory.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import keyring
import keyring.errors

from app.core.errors import AccountError

SERVICE = "syncbar"
NO_KEYRING_CODE = "SYNC_NO_KEYRING"
# CRED_MAX_CREDENTIAL_BLOB_SIZE (wincred.h): the most Windows Credential Manager keeps in one
# credential; keyring's Windows backend stores the value UTF-16 encoded.
MAX_ENTRY_BYTES = 5 * 512
PART_CHARS = MAX_ENTRY_BYTES // 2  # json.dumps writes ASCII only: one UTF-16 code unit per character
PARTS = "syncbar_parts"


def _install_hint() -> str:
    if sys.platform.startswith("linux"):
        return (
            "Syncbar keeps passwords and sign-in tokens only in the system keyring, and none is running. "
            "Install and start a Secret Service, e.g. on Debian or Ubuntu: "
            "'sudo apt-get install gnome-keyring dbus-user-session', then log out and in again "
            "(KDE users: KWallet works too)."
        )
    if sys.platform == "darwin":
        return "Syncbar could not reach the macOS Keychain; unlock your login keychain and try again."
    return "Syncbar could not reach Windows Credential Manager; sign in to Windows normally and try again."


class NoKeyring(AccountError):
    """No usable keyring backend: nothing can be stored, so nothing is."""

    def __init__(self, detail: str = "") -> None:
        message = _install_hint() + (f" ({detail})" if detail else "")
        super().__init__(NO_KEYRING_CODE, message)


class SecretBackend(Protocol):
    """What the store needs of a keyring: keyring's own backends and ``ProcessKeyring`` both fit."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


# Several threads of one process may read and refresh tokens at once (a mailbox reading its streams in
# parallel); the Secret Service client (jeepney/SecretStorage) and the parts behind an index entry are not
# safe to interleave, so the store's calls take turns.
_KEYRING_LOCK = threading.RLock()


class TokenStore:
    """Reads and writes one JSON secret per account name.

    Without a ``backend`` it uses the OS keyring keyring finds (or refuses with ``NoKeyring``).
    ``handed_out`` sees every secret read or written, so the composition root can tell the log
    redaction about each value (``wiring.redact_handed_out``).
    """

    def __init__(
        self,
        backend: SecretBackend | None = None,
        service: str = SERVICE,
        *,
        handed_out: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> None:
        self._backend = backend
        self._service = service
        self.handed_out = handed_out

    @property
    def in_process(self) -> ProcessKeyring | None:
        """The in-memory keyring behind this store, if that is what it uses (the demo, tests)."""
        return self._backend if isinstance(self._backend, ProcessKeyring) else None

    def require(self) -> None:
        """Raise ``NoKeyring`` unless secrets can be kept: called before a sign-in starts, so a
        sign-in never runs (nor saves anything) when its result could not be stored."""
        self._kr()

    def _kr(self) -> SecretBackend:
        if self._backend is not None:
            return self._backend
        backend = keyring.get_keyring()
        # keyring's own test of a store worth using ("recommended": priority 1 or more) is what the OS
        # stores pass; its "fail" backend (nothing found), the null backend, an empty chainer and
        # keyrings.alt's files do not.  Refuse instead of losing secrets or writing them to a file.
        try:
            usable = float(backend.priority) >= 1
        except Exception:  # a backend that cannot tell is one that cannot be used here
            usable = False
        if not usable:
            raise NoKeyring()
        return backend

    def save(self, account: str, secret: Mapping[str, Any]) -> None:
        with _KEYRING_LOCK:  # one keyring call at a time in this process (Secret Service clients are not thread-safe)
            return self._save(account, secret)

    def _save(self, account: str, secret: Mapping[str, Any]) -> None:
        if not account:
            raise ValueError("an account name is needed to store its secret")
        if self.handed_out is not None:
            self.handed_out(secret)
        text = json.dumps(dict(secret))  # ASCII: every character is one UTF-16 code unit
        try:
            kr = self._kr()
            previous = self._parts(kr, account)
            if len(text) <= PART_CHARS:
                kr.set_password(self._service, account, text)
            else:
                generation = secrets.token_hex(4)
                pieces = [text[at : at + PART_CHARS] for at in range(0, len(text), PART_CHARS)]
                for n, piece in enumerate(pieces, 1):
                    kr.set_password(self._service, f"{account}#{generation}.{n}", piece)
                index = {PARTS: len(pieces), "generation": generation}
                kr.set_password(self._service, account, json.dumps(index))
            for name in previous:
                self._forget(kr, name)
        except keyring.errors.KeyringError as exc:
            raise NoKeyring(type(exc).__name__) from exc

    def load(self, account: str) -> dict[str, Any] | None:
        with _KEYRING_LOCK:  # one keyring call at a time in this process (Secret Service clients are not thread-safe)
            return self._load(account)

    def _load(self, account: str) -> dict[str, Any] | None:
        try:
            kr = self._kr()
            raw = kr.get_password(self._service, account)
            index = _index(raw)
            if index is not None:
                pieces = [kr.get_password(self._service, name) for name in _part_names(account, index)]
                raw = None if None in pieces else "".join(p or "" for p in pieces)
        except keyring.errors.KeyringError as exc:
            raise NoKeyring(type(exc).__name__) from exc
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            # An entry we did not write (or a damaged one, or a part lost): treat as absent so the
            # user is asked to sign in again, rather than crashing.
            return None
        if not isinstance(value, dict) or PARTS in value:
            return None
        if self.handed_out is not None:
            self.handed_out(value)
        return value

    def delete(self, account: str) -> bool:
        with _KEYRING_LOCK:  # one keyring call at a time in this process (Secret Service clients are not thread-safe)
            return self._delete(account)

    def _delete(self, account: str) -> bool:
        try:
            kr = self._kr()
            parts = self._parts(kr, account)
            try:
                kr.delete_password(self._service, account)
            except keyring.errors.PasswordDeleteError:
                return False
            for name in parts:
                self._forget(kr, name)
        except keyring.errors.KeyringError as exc:
            raise NoKeyring(type(exc).__name__) from exc
        return True

    def _parts(self, kr: SecretBackend, account: str) -> list[str]:
        """The names of the parts the entry ``account`` is made of now (none when it is whole)."""
        index = _index(kr.get_password(self._service, account))
        return _part_names(account, index) if index is not None else []

    def _forget(self, kr: SecretBackend, name: str) -> None:
        try:
            kr.delete_password(self._service, name)
        except keyring.errors.PasswordDeleteError:
            pass  # already gone

    def update(self, account: str, **changes: Any) -> dict[str, Any]:
        with _KEYRING_LOCK:  # read, change and write as one step for the threads of this process
            secret = self.load(account) or {}
            secret.update(changes)
            self.save(account, secret)
            return secret


class ProcessKeyring:
    """Secrets held in this process's memory only, gone when it exits.

    Handed explicitly to a ``TokenStore`` by ``syncbar demo`` (emulator tokens, not real
    secrets, so the demo works on a bare machine), by the sync child of such an app and by
    tests.  Deliberately not a keyring backend: keyring never sees it, so it can never stand
    in for the OS keyring of a real account.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, str, str]] = (),
        on_change: Callable[[str, str, str | None], None] | None = None,
    ) -> None:
        self._values: dict[tuple[str, str], str] = {(s, u): p for s, u, p in entries}
        self.on_change = on_change

    def entries(self) -> list[tuple[str, str, str]]:
        """Every secret held, to hand to a sync process of this app (over a pipe, never a file)."""
        return [(s, u, p) for (s, u), p in self._values.items()]

    def put(self, service: str, username: str, password: str | None) -> None:
        """Take a secret a sync process changed (``None``: deleted), without telling ``on_change``."""
        if password is None:
            self._values.pop((service, username), None)
        else:
            self._values[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._values[(service, username)] = password
        if self.on_change is not None:
            self.on_change(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        if self._values.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        if self.on_change is not None:
            self.on_change(service, username, None)


def _index(raw: str | None) -> dict[str, Any] | None:
    """The index of a value kept in parts, if ``raw`` is one."""
    if not raw or PARTS not in raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if isinstance(value, dict) and isinstance(value.get(PARTS), int) and isinstance(value.get("generation"), str):
        return value
    return None


def _part_names(account: str, index: Mapping[str, Any]) -> list[str]:
    return [f"{account}#{index['generation']}.{n}" for n in range(1, int(index[PARTS]) + 1)]
