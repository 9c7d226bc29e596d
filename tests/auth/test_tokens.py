"""The token store: secrets only in the keyring, and a clear error without one."""

from __future__ import annotations

import pytest
from keyring.backends import SecretService, fail

from app.auth.tokens import NoKeyring, TokenStore


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


def test_no_keyring_says_what_to_install() -> None:
    store = TokenStore(fail.Keyring())
    with pytest.raises(NoKeyring) as caught:
        store.save("rep@example.com", {"refresh_token": "x"})
    assert caught.value.code == "SYNC_NO_KEYRING"
    assert "gnome-keyring" in caught.value.message or "Keychain" in caught.value.message
    with pytest.raises(NoKeyring):
        store.load("rep@example.com")


class _Damaged:
    """A keyring holding an entry Syncbar did not write (a plain object: a KeyringBackend subclass
    would join keyring's discovery for the rest of the test session)."""

    def get_password(self, service: str, username: str) -> str | None:
        return "not json {"

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("not used")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError("not used")


def test_damaged_entry_reads_as_signed_out() -> None:
    assert TokenStore(_Damaged()).load("someone") is None


def test_account_name_required() -> None:
    with pytest.raises(ValueError, match="account name"):
        TokenStore(fail.Keyring()).save("", {})
