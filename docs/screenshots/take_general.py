"""Take the General tab's screenshots on the emulators (offscreen): mid-sync, after it, dark, Swedish.

    .venv/bin/python docs/screenshots/take_general.py          # English and dark, then Swedish in a child

Writes general-progress.png (the bar while writing to Salesforce, with its time left), general.png (the
last successful sync, API usage and the chart), general-dark.png, general-sv.png and general-progress-sv.png.
Salesforce's composite calls are slowed down so the sync lasts long enough to show a steady time left.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent
ITEMS = 5000  # about 6,000 items due: six rounds of 1,000 records


def main(lang: str) -> None:
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication, QWidget

    from app.auth.tokens import ProcessKeyring, TokenStore
    from app.compose.desktop import DesktopBackend
    from app.compose.paths import Paths
    from app.compose.setup import profile_from_info, sign_in_all
    from app.core import profile
    from app.emulators.base import Fault
    from app.emulators.serve import emulators
    from app.ui import i18n, theme
    from app.ui.app import DesktopApp

    qapp = QApplication(sys.argv[:1])
    suffix = "" if lang == "en" else f"-{lang}"
    if lang != "en":
        i18n.install(qapp, lang)
        QLocale.setDefault(QLocale(QLocale.Language.Swedish, QLocale.Country.Sweden))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    tmp = Path(tempfile.mkdtemp(prefix="syncbar-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "xdg")

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            qapp.processEvents()
            time.sleep(0.01)

    def shot(widget: QWidget, name: str) -> None:
        settle()
        path = OUT / f"{name}{suffix}.png"
        widget.grab().save(str(path), "PNG")
        print(path)

    with emulators(items=ITEMS, seed=5, names=["graph", "salesforce"], cert_dir=tmp / "certs") as host:
        paths = Paths(config=tmp / "config", data=tmp / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(host.info(), "graph")
        sign_in_all(prof, tokens, host.info())
        profile.save(paths.config, prof)
        app = DesktopApp(qapp, DesktopBackend(paths, tokens, demo=True), tray=False)
        done: list[object] = []
        app.controller.cycle_finished.connect(done.append)
        host.inject("salesforce", Fault("delay", operation="composite", delay=5.0, count=100))
        app.start(show_window=True)
        app.window.resize(1100, 820)
        app.controller.sync_now()
        box = app.window.general.progress_box
        deadline = time.monotonic() + 180
        while not done and not box.left.text() and time.monotonic() < deadline:
            settle(0.1)
        if not done:
            shot(app.window, "general-progress")
        while not done:
            settle(0.1)
        app.controller.refresh_sessions()
        settle(1.5)
        shot(app.window, "general")
        if lang == "en":
            theme.apply(qapp, "dark")
            shot(app.window, "general-dark")
        app.controller.shutdown()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        main("en")
        subprocess.run([sys.executable, __file__, "sv"], check=True)
