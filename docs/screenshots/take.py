"""Take the README's screenshots: the app on the demo after its first sync (run under Xvfb or offscreen).

    .venv/bin/python docs/screenshots/take.py                 # writes docs/screenshots/*.png
    .venv/bin/python docs/screenshots/take.py --only issues   # only the shots whose name starts so

General tab with last-session details, the Issues tab (light, with a row's ⋮ menu open, Swedish, dark),
Show details, the re-auth dialog, the support preview, and the tray menu.
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


def main(argv: list[str]) -> None:
    import argparse

    from PySide6.QtCore import QLocale, QPoint
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    from app.core import profile
    from app.core.catalog import Catalog
    from app.core.resources import resource_path
    from app.ui import i18n
    from app.ui.issues_tab import IssuesTab
    from app.ui.models import StoreIssues
    from app.auth.tokens import ProcessKeyring, TokenStore
    from app.compose.desktop import DesktopBackend
    from app.compose.paths import Paths
    from app.compose.setup import profile_from_info, served_elsewhere, sign_in_all
    from app.ui.app import DesktopApp
    from app.ui.dialogs import DetailsDialog, ReauthDialog, SupportDialog
    from app.ui.tray import Tray

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", default=[], help="take only shots whose name starts with this")
    wanted = parser.parse_args(argv).only
    qapp = QApplication(sys.argv[:1])
    QLocale.setDefault(QLocale("en_US"))  # dates as a user in the US reads them, not the build machine's C locale
    tmp = Path(tempfile.mkdtemp(prefix="syncbar-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "xdg")

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            qapp.processEvents()
            time.sleep(0.01)

    def take(name: str) -> bool:
        return not wanted or any(name.startswith(w) for w in wanted)

    def shot(widget: QWidget, name: str, popup: QWidget | None = None) -> None:
        if not take(name):
            return
        settle()
        path = OUT / f"{name}.png"
        image = widget.grab().toImage()
        if popup is not None:  # a menu is a window of its own: paint it where it opened
            p = QPainter(image)
            p.drawPixmap(widget.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0))), popup.grab())
            p.end()
        image.save(str(path), "PNG")
        print(path)

    with served_elsewhere(300, 0, ["graph", "salesforce"], tmp / "certs") as info:
        paths = Paths(config=tmp / "config", data=tmp / "data").ensure()
        tokens = TokenStore(ProcessKeyring())
        prof = profile_from_info(info, "graph")
        sign_in_all(prof, tokens, info)
        profile.save(paths.config, prof)
        app = DesktopApp(qapp, DesktopBackend(paths, tokens, demo=True), tray=False)
        done: list[object] = []
        app.controller.cycle_finished.connect(done.append)
        app.start(show_window=True)
        app.window.resize(1100, 720)
        app.controller.sync_now()
        while not done:
            settle(0.05)
        settle(1.0)
        app.window.tabs.setCurrentIndex(1)  # the General tab's shots: take_general.py
        issues = app.window.issues
        shot(app.window, "issues")
        issues.open_menu(min(2, issues.model.rowCount() - 1))
        shot(app.window, "issues-menu", popup=issues.menu)
        issues.menu.hide()
        issues.view.clearSelection()
        if take("issues-sv"):
            translators = i18n.install(qapp, "sv")
            QLocale.setDefault(QLocale("sv_SE"))
            swedish = IssuesTab(Catalog.load().translated(resource_path("catalog_sv.json")))
            swedish.resize(1100, 640)
            swedish.model.set_source(StoreIssues(app.service.store))
            swedish.apply_filters()
            swedish.show()
            shot(swedish, "issues-sv")
            swedish.close()
            i18n.remove(qapp, translators)
            QLocale.setDefault(QLocale("en_US"))
        issue = next(app.window.issues.model.issue(r) for r in range(app.window.issues.model.rowCount())
                     if app.window.issues.model.issue(r).code == "DATA_VALIDATION_FAILED")
        details = DetailsDialog(app.catalog, issue.code, issue.message, issue.account, app.window, item=issue.item_title, issue=issue)
        details.show()
        shot(details, "show-details")
        details.close()
        reauth = ReauthDialog(app.catalog, "SF_AUTH_FAILED", prof.crm.account, lambda how, c, x: "", parent=app.window)
        reauth.show()
        shot(reauth, "reauth")
        reauth.close()
        if take("support-preview"):
            app.open_support([issue])
            while app.window.findChild(SupportDialog) is None:  # it opens once the secrets are read
                settle(0.05)
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
        app.window.tabs.setCurrentIndex(1)
        issues.view.selectRow(0)
        shot(app.window, "issues-dark")
        app.controller.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
