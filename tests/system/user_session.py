"""A person at the command line, for the end-to-end tests: their own home, their Secret Service, and
``syncbar`` commands run as they type them (in this process, so a test can look at the emulators after)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.compose.cli import main
from app.emulators.host import EmulatorHost


class User:
    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.home = home
        self._capsys = capsys
        monkeypatch.setenv("SYNCBAR_HOME", str(home))

    def run(self, *argv: str) -> tuple[int, str]:
        """``syncbar ARGV``: its exit code and what it printed on stdout."""
        self._capsys.readouterr()
        code = main(list(argv))
        return code, self._capsys.readouterr().out

    def connect(self, host: EmulatorHost, kind: str, *extra: str) -> tuple[int, str]:
        """``syncbar connect-emulators`` to ``host``'s emulators, with ``kind`` as the mailbox."""
        info: dict[str, Any] = host.info()
        argv = ["--emulators-url", info["control_url"], "--ca-file", info["ca_file"], "--mailbox", kind]
        return self.run("connect-emulators", *argv, *extra)
