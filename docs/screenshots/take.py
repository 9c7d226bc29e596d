"""Take the README's screenshots: the app on the demo after its first sync (run under Xvfb or offscreen).

    .venv/bin/python docs/screenshots/take.py            # writes docs/screenshots/*.png

General tab with last-session details, Issues tab, Show details, the re-auth dialog, the support
preview, and the tray menu.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OUT = Path(__file__).resolve().parent


def main() -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from app import profile
    from app.auth.tokens import ProcessKeyring, TokenStore
    from app.compose.paths import Paths
    from app.compose.setup import profile_from_info, served_elsewhere, sign_in_all
    from app.ui.app import DesktopApp
    from app.ui.dialogs import DetailsDialog, ReauthDialog, SupportDialog
    from app.ui.tray import Tray

    qapp = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="syncbar-shots-"))
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

    with served_elsewhere(300, 0, ["graph", "salesforce"], tmp / "certs") as info:
        paths = Paths(config=tmp / "config", data=tmp / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, "graph")
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        app = DesktopApp(qapp, paths, tokens=tokens, demo=True, tray=False)
        done: list[object] = []
        app.controller.cycle_finished.connect(done.append)
        app.start(show_window=True)
        app.window.resize(1100, 720)
        app.controller.sync_now()
        while not done:
            settle(0.05)
        settle(1.0)
        shot(app.window, "general")
        app.window.tabs.setCurrentIndex(1)
        shot(app.window, "issues")
        issue = next(app.window.issues.model.issue(r) for r in range(app.window.issues.model.rowCount())
                     if app.window.issues.model.issue(r).code == "DATA_VALIDATION_FAILED")
        details = DetailsDialog(app.catalog, issue.code, issue.message, issue.account, app.window, item=issue.item_title)
        details.show()
        shot(details, "show-details")
        details.close()
        reauth = ReauthDialog(app.catalog, "SF_AUTH_FAILED", prof.crm.account, lambda how, c, x: "", parent=app.window)
        reauth.show()
        shot(reauth, "reauth")
        reauth.close()
        app.open_support([issue])
        support = app.window.findChild(SupportDialog)
        assert support is not None
        support.file_list.setCurrentRow(0)
        shot(support, "support-preview")
        support.close()
        tray = Tray(app.catalog)
        tray.show_status(app.service.status(), __import__("datetime").datetime.now(__import__("datetime").UTC))
        tray.menu.adjustSize()
        shot(tray.menu, "tray-menu")
        from app.ui import theme

        theme.apply(qapp, "dark")
        app.window.tabs.setCurrentIndex(0)
        shot(app.window, "general-dark")
        app.controller.shutdown()


if __name__ == "__main__":
    main()
