"""Running ``syncbar`` as a user does: a process of its own, with a home and an environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def syncbar(home: Path, env: dict[str, str], *argv: str) -> tuple[int, Any]:
    """Exit code and the JSON printed (or, when it is not JSON, stdout and stderr as text)."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *argv],
        env=dict(env, SYNCBAR_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        return done.returncode, json.loads(done.stdout)
    except ValueError:
        return done.returncode, done.stdout + done.stderr
