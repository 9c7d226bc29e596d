"""Run in a child process by bench/gui.py: the desktop app offscreen on a served demo, measured from inside.

python -m bench.gui_child ITEMS   ->  one JSON line: timer gaps during the first sync, RSS after it
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.auth.tokens import TokenStore

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


SIGN_IN = """
import json, sys
from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.setup import profile_from_info, sign_in_all
info = json.loads(sys.stdin.read())
keyring = ProcessKeyring()
sign_in_all(profile_from_info(info, "graph"), TokenStore(keyring), info)
print(json.dumps(keyring.entries()))
"""


def signed_in_elsewhere(info: dict[str, Any]) -> TokenStore:
    """The tokens, signed in from another process: the app measured is one started after its setup,
    which finds its tokens in the keyring and has never loaded the sign-in libraries."""
    from app.auth.tokens import ProcessKeyring, TokenStore

    answer = subprocess.run(
        [sys.executable, "-c", SIGN_IN], input=json.dumps(info), capture_output=True, text=True, check=True
    )
    return TokenStore(ProcessKeyring((s, a, p) for s, a, p in json.loads(answer.stdout)))


def main(items: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.compose.desktop import DesktopBackend
    from app.compose.paths import Paths
    from app.compose.setup import profile_from_info, served_elsewhere
    from app.core import profile
    from app.ui.app import DesktopApp

    qapp = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="syncbar-bench-"))
    with served_elsewhere(items, 5, ["graph", "salesforce"], tmp / "certs") as info:
        paths = Paths(config=tmp / "config", data=tmp / "data").ensure()
        prof = profile_from_info(info, "graph")
        tokens = signed_in_elsewhere(info)
        profile.save(paths.config, prof)
        app = DesktopApp(qapp, DesktopBackend(paths, tokens, demo=True), tray=False)
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()  # Qt's own loop, as in the app: Python runs only in the slots
        app.controller.cycle_finished.connect(lambda _session: loop.quit())
        app.start(show_window=True)
        timer.start()
        started = time.perf_counter()
        app.controller.sync_now()
        loop.exec()
        seconds = time.perf_counter() - started
        timer.stop()
        QTimer.singleShot(1000, loop.quit)  # let the issues and sessions land, then settle
        loop.exec()
        rss = rss_mb()
        app.controller.shutdown()
    gaps = sorted(b - a for a, b in pairwise(ticks))
    p99 = gaps[int(len(gaps) * 0.99) - 1] if gaps else 0.0
    print(
        json.dumps(
            {
                "max_gap_ms": round(max(gaps) * 1000, 1),
                "p99_gap_ms": round(p99 * 1000, 1),
                "median_gap_ms": round(statistics.median(gaps) * 1000, 1),
                "sync_s": round(seconds, 2),
                "rss_mb": round(rss, 1),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
