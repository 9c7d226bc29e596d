"""Screenshots of the states a user lives (issue 17): Waiting, the sign-in banner, Show details of a duplicate.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take_states.py

Runs the desktop app on the emulators with their faults, as tests/ui/test_states.py does, and writes
waiting.png (the daily API limit), signin-banner.png (a revoked Salesforce session) and
details-duplicate.png (a duplicate rule's candidate records) beside this file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SYNCBAR_LANG", "en")
OUT = Path(__file__).resolve().parent


def main() -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.auth.tokens import ProcessKeyring, TokenStore
    from app.compose.desktop import DesktopBackend
    from app.compose.paths import Paths
    from app.compose.setup import profile_from_info, sign_in_all
    from app.core import profile
    from app.emulators.base import Fault
    from app.emulators.serve import emulators
    from app.ui.app import DesktopApp
    from app.ui.dialogs import DetailsDialog

    qapp = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="syncbar-states-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "xdg")

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            qapp.processEvents()
            time.sleep(0.01)

    def shot(widget: QWidget, name: str) -> None:
        settle()
        path = OUT / f"{name}.png"
        widget.grab().save(str(path), "PNG")
        print(path)

    with emulators(items=120, seed=5, names=["graph", "salesforce"], cert_dir=tmp / "certs") as host:
        info = host.info()
        paths = Paths(config=tmp / "config", data=tmp / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, "graph")
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        app = DesktopApp(qapp, DesktopBackend(paths, tokens, demo=True), tray=False)
        app.start(show_window=True)
        app.window.resize(1100, 720)

        def cycle() -> None:
            while app.controller.running:
                settle(0.05)
            done: list[object] = []
            app.controller.cycle_finished.connect(done.append)
            app.controller.sync_now()
            while not done:
                settle(0.05)
            app.controller.cycle_finished.disconnect(done.append)
            settle(1.0)
            app.controller.emit_status()

        def new_mail(subject: str) -> None:
            customer = host.services["salesforce"].org.people[10].email
            host.services["graph"].add_message("inbox", subject, customer, "alex.morgan@example.com")

        cycle()
        duplicate = next(i for i in app.service.issues() if i.code == "DATA_DUPLICATE_DETECTED")
        app.show_issue_details(duplicate)
        settle()
        dialog = app.window.findChild(DetailsDialog)
        assert dialog is not None
        shot(dialog, "details-duplicate")
        dialog.close()

        sf: Any = host.services["salesforce"]
        sf.exhaust_daily_limit()
        new_mail("Quote for March")
        cycle()
        shot(app.window, "waiting")

        sf.daily_limit = sf.used + 1_000_000
        app.controller.try_now()
        settle(0.5)
        while app.controller.running:
            settle(0.05)
        host.inject("salesforce", Fault("revoke"))
        new_mail("New order")
        cycle()
        shot(app.window, "signin-banner")
        app.controller.shutdown()
        app.window.quit_on_close = True
        app.window.close()


if __name__ == "__main__":
    main()
