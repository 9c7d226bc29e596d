"""The token store: secrets only in the keyring, and a clear error without one."""

from __future__ import annotations

import json

import pytest
from keyring.backends import SecretService

from app.auth.tokens import MAX_ENTRY_BYTES, SERVICE, ProcessKeyring, TokenStore


def test_round_trip_in_a_real_secret_service(
    secret_service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in secret_service_env.items():
        monkeypatch.setenv(key, value)
    store = TokenStore(SecretService.Keyring(), service="syncbar-test")
    store.save("rep@example.com", {"refresh_token": "r-123", "access_token": "a-456"})
    assert store.load("rep@example.com") == {"refresh_token": "r-123", "access_token": "a-456"}
    store.update("rep@example.com", access_token="a-789")
    assert store.load("rep@example.com")["access_token"] == "a-789"  # type: ignore[index]
    assert store.delete("rep@example.com") is True
    assert store.load("rep@example.com") is None
    assert store.delete("rep@example.com") is False


# No keyring at all is tested as a user meets it, with keyring's own discovery in ``syncbar`` processes on
# machines without one (no session bus, a bus without a Secret Service, the fail or null backend named):
# tests/system/test_keyring.py::test_connect_without_a_keyring_stops_before_signing_in and its neighbours.


class _Damaged:
    """A keyring holding an entry Syncbar did not write (a plain object: a KeyringBackend subclass
    would join keyring's discovery for the rest of the test session)."""

    def get_password(self, service: str, username: str) -> str | None:
        return "not json {"

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("not used")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError("not used")


DISCOVERY = """
import importlib, pkgutil, sys
import tests
for module in pkgutil.walk_packages(tests.__path__, "tests."):
    importlib.import_module(module.name)
import keyring.backend
print(sorted(c.__module__ + "." + c.__name__ for c in keyring.backend.KeyringBackend._classes
             if not c.__module__.startswith("keyring")))
"""


def test_no_test_backend_joins_keyrings_discovery() -> None:
    """With every test module imported, keyring's registry holds only keyring's own backends: no test
    keyring can outrank the fail backend for a later test in the same process."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", DISCOVERY], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


def test_damaged_entry_reads_as_signed_out() -> None:
    assert TokenStore(_Damaged()).load("someone") is None


def test_account_name_required() -> None:
    with pytest.raises(ValueError, match="account name"):
        TokenStore(ProcessKeyring()).save("", {})


def _sizes(keyring: ProcessKeyring) -> dict[str, int]:
    return {name: len(value.encode("utf-16-le")) for _, name, value in keyring.entries()}


def test_a_secret_too_big_for_windows_is_kept_in_parts_that_fit() -> None:
    keyring = ProcessKeyring()
    store = TokenStore(keyring)
    big = {"msal_cache": "é" + "x" * 6000, "username": "rep@acme.com"}  # ASCII-escaped: still within the limit
    store.save("p1/mailbox/graph", big)
    sizes = _sizes(keyring)
    assert len(sizes) > 4 and max(sizes.values()) <= MAX_ENTRY_BYTES, sizes
    assert store.load("p1/mailbox/graph") == big
    bigger = dict(big, msal_cache="y" * 9000)
    store.save("p1/mailbox/graph", bigger)  # a new generation of parts; the old one is gone
    assert store.load("p1/mailbox/graph") == bigger
    assert len(_sizes(keyring)) == 1 + -(-len(json.dumps(bigger)) // (MAX_ENTRY_BYTES // 2))
    store.save("p1/mailbox/graph", {"refresh_token": "small"})
    assert [name for _, name, _ in keyring.entries()] == ["p1/mailbox/graph"]
    store.save("p1/mailbox/graph", big)
    assert store.delete("p1/mailbox/graph") is True
    assert keyring.entries() == []


def test_a_secret_missing_a_part_reads_as_signed_out() -> None:
    keyring = ProcessKeyring()
    store = TokenStore(keyring)
    store.save("p1/crm/salesforce", {"access_token": "x" * 3000})
    part = next(name for _, name, _ in keyring.entries() if "#" in name)
    keyring.delete_password(SERVICE, part)
    assert store.load("p1/crm/salesforce") is None
