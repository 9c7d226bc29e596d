"""Qt tests run offscreen; the demo fixture signs in to the emulators as ``syncbar demo`` does."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app import profile
from app.auth.tokens import ProcessKeyring, TokenStore
from app.emulators.host import EmulatorHost
from app.emulators.serve import emulators
from app.paths import Paths
from app.setup import profile_from_info, sign_in_all


@dataclass
class Demo:
    host: EmulatorHost
    paths: Paths
    tokens: TokenStore


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # autostart entries land here
    with emulators(items=80, seed=5, names=["graph", "salesforce"], cert_dir=tmp_path / "certs") as host:
        info = host.info()
        paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, "graph")
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        yield Demo(host, paths, tokens)
