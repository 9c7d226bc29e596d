"""Where Syncbar keeps its files: ``SYNCBAR_HOME`` or the platform's user folders.

Nothing secret is ever written here; secrets live in the keyring.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "syncbar"


@dataclass(frozen=True)
class Paths:
    config: Path
    data: Path

    @property
    def database(self) -> Path:
        return self.data / "syncbar.db"

    @property
    def lock(self) -> Path:
        return self.data / "sync.lock"

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "syncbar.log"

    def ensure(self) -> Paths:
        for folder in (self.config, self.data, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve(home: str | None = None) -> Paths:
    """``SYNCBAR_HOME`` (or ``home``) holds both config and data; otherwise the platform folders."""
    root = home or os.environ.get("SYNCBAR_HOME")
    if root:
        base = Path(root).expanduser()
        return Paths(config=base / "config", data=base / "data")
    return Paths(config=Path(platformdirs.user_config_dir(APP)), data=Path(platformdirs.user_data_dir(APP)))
