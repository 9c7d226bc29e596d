"""Keyring tests use the session-wide Secret Service fixture from tests/conftest.py."""
