"""Where Syncbar's data files (the error catalogue, icons, translations) are found.

The top-level ``resources/`` folder ships next to the ``app`` package in a
checkout and inside the bundle of a PyInstaller build.  ``SYNCBAR_RESOURCES``
overrides both, so a test or a packager can point at another copy without
touching the code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAR = "SYNCBAR_RESOURCES"


def resource_dirs() -> list[Path]:
    """The folders searched, in order: environment, PyInstaller bundle, checkout."""
    dirs: list[Path] = []
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        dirs.append(Path(override).expanduser())
    # PyInstaller unpacks (one-file) or places (one-folder) data under sys._MEIPASS.
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str) and bundle:
        dirs.append(Path(bundle) / "resources")
    dirs.append(Path(__file__).resolve().parent.parent.parent / "resources")
    return dirs


def resource_path(name: str) -> Path:
    """The path of ``resources/<name>``; ``FileNotFoundError`` naming every place looked at."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"resource names are relative to the resources folder, got {name!r}")
    searched = resource_dirs()
    for folder in searched:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    places = ", ".join(str(folder) for folder in searched)
    raise FileNotFoundError(
        f"Syncbar's resource file {name!r} is missing; looked in: {places}. "
        f"Reinstall Syncbar, or set {ENV_VAR} to the folder that holds it."
    )
