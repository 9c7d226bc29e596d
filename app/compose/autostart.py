""" "Start at login": the XDG autostart entry on Linux (a desktop file in ~/.config/autostart).

Windows and macOS builds register their own login items (see docs/packaging.md);
on those systems this module reports that the setting is handled by the installer.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

ENTRY_NAME = "syncbar.desktop"


def autostart_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def entry_path() -> Path:
    return autostart_dir() / ENTRY_NAME


def launch_command() -> str:
    """How this installation starts: the frozen binary, or the console script of this venv."""
    if getattr(sys, "frozen", False):
        return shlex.quote(sys.executable) + " --minimized"
    script = Path(sys.executable).with_name("syncbar")
    if script.exists():
        return shlex.quote(str(script)) + " --minimized"
    return f"{shlex.quote(sys.executable)} -m app --minimized"


def entry_text(command: str | None = None) -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=Syncbar",
            "GenericName=Mailbox and Salesforce sync",
            "Comment=Keeps your mailbox and Salesforce in step",
            f"Exec={command or launch_command()}",
            "Icon=syncbar",
            "Terminal=false",
            "Categories=Office;ContactManagement;",
            "X-GNOME-Autostart-enabled=true",
            "",
        ]
    )


def is_enabled() -> bool:
    return entry_path().exists()


def set_enabled(enabled: bool, command: str | None = None) -> Path:
    """Write or remove the autostart entry; returns its path."""
    path = entry_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(entry_text(command), encoding="utf-8")
        os.replace(tmp, path)
    else:
        path.unlink(missing_ok=True)
    return path
