"""Suite-wide settings: the slow suite runs only with SYNCBAR_SLOW=1."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("SYNCBAR_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow suite: run with SYNCBAR_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
