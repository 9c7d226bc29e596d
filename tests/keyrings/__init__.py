"""Keyring backends for tests, loaded by name in a subprocess (PYTHON_KEYRING_BACKEND), never imported by the
test process itself: keyring's discovery takes up every backend class that has been imported."""
