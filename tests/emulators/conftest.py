"""Fixtures for emulator tests: one certificate folder per test session."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_ca_bundle_override(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's own
    ``verify``; machines here set them.  Emulator tests trust the emulator CA
    through ``verify``, as the libraries' users do, so the override goes.  (The
    providers handle the override themselves; their tests keep it.)"""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


@pytest.fixture(scope="session")
def cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("emulator-certs")


@pytest.fixture(scope="session")
def wire_samples() -> Path:
    """The published wire samples in ../shared (read, never copied into the repo).

    They are the only reference here that we did not write: under CI (``CI`` set) their absence fails
    the tests that need them instead of skipping them.
    """
    return wire_samples_at(os.environ)


def wire_samples_at(env: Mapping[str, str]) -> Path:
    override = env.get("SYNCBAR_WIRE_SAMPLES", "")
    path = Path(override) if override else Path(__file__).resolve().parents[2].parent / "shared" / "wire_samples"
    if not path.is_dir():
        if env.get("CI"):
            pytest.fail(f"CI must provide the wire samples; none at {path} (set SYNCBAR_WIRE_SAMPLES)")
        pytest.skip(f"wire samples not found at {path}")
    return path
