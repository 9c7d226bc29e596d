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
        """Create the folders, private to this user (0700), and tighten what an older Syncbar left readable."""
        for folder in (self.config, self.data, self.logs):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _private(folder, 0o700)
        for folder in (self.config, self.data, self.logs):
            for entry in folder.iterdir():
                if entry.is_file() and not entry.is_symlink():
                    _private(entry, 0o600)
        return self


def _private(path: Path, mode: int) -> None:
    """Mail bodies, addresses and logs are this user's alone (the folder may be shared, e.g. a home on NFS)."""
    if os.name != "posix":
        return  # Windows: the user's profile folder is already private
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass  # not ours to change (a read-only home): reading still works


def resolve(home: str | None = None) -> Paths:
    """``SYNCBAR_HOME`` (or ``home``) holds both config and data; otherwise the platform folders."""
    root = home or os.environ.get("SYNCBAR_HOME")
    if root:
        base = Path(root).expanduser()
        return Paths(config=base / "config", data=base / "data")
    return Paths(config=Path(platformdirs.user_config_dir(APP)), data=Path(platformdirs.user_data_dir(APP)))
