"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.system.user_session import User


@pytest.fixture
def user(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    secret_service_env: dict[str, str],
) -> User:
    """A user with a fresh home whose secrets go to a real (test) Secret Service, as on a Linux desktop."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    return User(tmp_path / "home", monkeypatch, capsys)
