"""The app in Swedish, through every state the emulators reach (first run, after a sync with issues, paused,
sign-in lost, waiting for the daily limit): every screen and dialog is opened, every visible text read
(labels, buttons, group titles, tabs, headers, cells, tooltips, window titles, menus, notices), and any
English text fails the test.

A text is English when it is one of the .ts file's source strings that has a different Swedish translation
(it never went through the translator), or when it holds a word that cannot be Swedish.  Names
(Syncbar, Salesforce, Microsoft 365…), addresses, links, error codes and the data the services hold
(subjects, their messages, field names) are taken out first."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.core.catalog import load_default
from app.core.mapping import DEFAULT_MAPPING
from app.core.service import SyncState
from app.ui.app import DesktopApp
from tests.ui.conftest import Demo
from tests.ui.texts import Seen, visible_texts

pytestmark = pytest.mark.qt_log_ignore(r"systemTrayWindowChanged", r"This plugin does not support")

TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "syncbar_sv.ts"

# Words that cannot be Swedish (none of them is a Swedish word, or part of one's spelling as a whole word).
_ENGLISH = """
    the and with of to your you this that these those from into for not are was were has have been will would
    could should can cannot please what when where which who why how than then there here only also every each
    sync synced syncing error errors issue issues item items now click open opened show hide details retry
    resume pause paused settings failed failure account accounts never notify first last seen source message
    attempts state object email emails event events contact contacts task tasks mailbox waiting until sign signed
    running started ended engine resolved ignored ignore updated added new duplicate direction date help about
    library licence license cancel close save send sent done refresh change advanced search export copy filter
    filters all none yes no ok today yesterday minutes hours days day hour minute ago left record records field
    fields mapping check restore defaults allocation share daily calls report screenshot files bytes
    subject subjects address addresses password user name domain production sandbox custom start stop stopped
    again try later soon working works work on off
"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())

# Names and units that read the same in Swedish.
_NAMES = """
    syncbar salesforce microsoft gmail exchange google workspace outlook ews api csv url oauth pyside6 qt
    msal keyring requests exchangelib simple-salesforce google-auth-oauthlib google-auth cryptography pyspnego
    platformdirs f5 id https http
"""
ALLOWED = frozenset(_NAMES.split())  # "support" is Swedish too ("Chatta med support"): not listed above

ADDRESS = re.compile(r"\S+@\S+")
LINK = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")
CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
PATH = re.compile(r"(?:/[\w.+-]+){2,}")


def translated_sources() -> dict[str, str]:
    """The .ts's source strings whose Swedish differs: such a source string on screen was never translated."""
    found = {}
    for message in ET.parse(TS).getroot().iter("message"):
        source = (message.findtext("source") or "").strip()
        translation = (message.findtext("translation") or "").strip()
        if source and translation and translation != source:
            found[source.replace("&", "")] = translation
    return found


SOURCES = translated_sources()


@dataclass
class English:
    state: str
    where: str
    text: str
    why: str


@dataclass
class Checker:
    """Collects the English texts seen; ``data`` are the strings that came from the services (not ours)."""

    data: set[str] = field(default_factory=set)
    found: list[English] = field(default_factory=list)
    checked: int = 0

    def why_english(self, text: str) -> str:
        if text in self.data:
            return ""  # the services' own words (a field name, a subject)
        if text in SOURCES or text.replace("&", "") in SOURCES:
            return "a source string of the .ts, shown untranslated"
        rest = text
        for value in sorted(self.data, key=len, reverse=True):
            if value and len(value) > 1:
                rest = rest.replace(value, " ")
        for pattern in (LINK, ADDRESS, CODE, PATH):
            rest = pattern.sub(" ", rest)
        words = re.findall(r"[A-Za-zÅÄÖåäöÉé][\w-]*", rest)
        english = [w for w in words if w.lower() in ENGLISH_WORDS and w.lower() not in ALLOWED]
        return f"English words {english}" if english else ""

    def check(self, state: str, seen: Iterable[Seen]) -> None:
        for s in seen:
            self.checked += 1
            why = self.why_english(s.text)
            if why:
                self.found.append(English(state, s.where, s.text, why))

    def report(self) -> str:
        unique = {(e.where, e.text): e for e in self.found}
        return "\n".join(f"[{e.state}] {e.where}: {e.text!r} — {e.why}" for e in unique.values())


@pytest.fixture
def swedish(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from PySide6.QtWidgets import QApplication

    from app.ui import i18n

    monkeypatch.setenv("SYNCBAR_LANG", "sv")  # the core's words (status line, catalogue) and the cycle's child
    load_default.cache_clear()
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    translators = i18n.install(qapp, "sv")
    try:
        yield
    finally:
        i18n.remove(qapp, translators)
        load_default.cache_clear()


def window_texts(app: DesktopApp) -> list[Seen]:
    """Every tab of the window in turn, then the tray's menu and tooltip, and the notices shown so far."""
    window = app.window
    seen: list[Seen] = []
    current = window.tabs.currentIndex()
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        seen += visible_texts(window)
    window.tabs.setCurrentIndex(current)
    if app.tray is not None:
        seen += visible_texts(app.tray.menu)
        seen.append(Seen("tray.toolTip", app.tray.last_tooltip))
    seen += [Seen("notice", f"{title}: {text}") for title, text in app.notices]
    return seen


def dialog_texts(app: DesktopApp, qtbot: QtBot, open_it: Any, kind: type) -> list[Seen]:
    """Open a dialog the way the user does, read it, close it."""
    open_it()
    qtbot.waitUntil(lambda: app.window.findChild(kind) is not None, timeout=15_000)
    dialog = app.window.findChild(kind)
    assert dialog is not None
    seen = visible_texts(dialog)
    dialog.close()
    dialog.setParent(None)
    dialog.deleteLater()
    return seen


def data_of(app: DesktopApp) -> set[str]:
    """What the services and the mailbox hold (subjects, their messages, accounts, field names, libraries)."""
    from app.core.store import IssueQuery
    from app.ui.about import bundled_libraries

    data: set[str] = set()
    store = app.service.store
    for issue in store.issue_page(IssueQuery(), 0, 10_000):
        data |= {issue.item_title, issue.message, issue.account, issue.code}
    if app.profile is not None:
        data |= {app.profile.mailbox.account, app.profile.crm.account}
    for mapping in DEFAULT_MAPPING.objects.values():
        data.add(mapping.object_type)
        data |= {f"{rule.source}" for rule in mapping.fields} | {rule.target for rule in mapping.fields}
        data |= {rule.sf_type for rule in mapping.fields}
    for lib in bundled_libraries():
        data |= {lib.name, lib.licence, lib.version}
    data |= {"report.json", "log.txt", "config.json", "screenshot.png", "sessions.json", "issues.json"}
    return {d for d in data if d}


def start(app: DesktopApp, qtbot: QtBot) -> None:
    app.start(show_window=True)


def cycle(app: DesktopApp, qtbot: QtBot) -> None:
    with qtbot.waitSignal(app.controller.cycle_finished, timeout=60_000):
        app.controller.sync_now()
    qtbot.waitUntil(lambda: app.window.general.session_model.rowCount() > 0, timeout=10_000)


def close(app: DesktopApp) -> None:
    app.controller.shutdown()
    app.window.quit_on_close = True
    app.window.close()


def test_first_run_in_swedish(swedish: None, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.about import AboutDialog
    from app.ui.setup_dialog import SetupDialog

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data").ensure()
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(paths, TokenStore(ProcessKeyring())), tray=True)
    checker = Checker()
    try:
        start(app, qtbot)
        qtbot.waitUntil(lambda: app.window.findChild(SetupDialog) is not None, timeout=5_000)
        assert app.service.status().state is SyncState.NOT_SET_UP
        checker.data = data_of(app)
        checker.check("first run", window_texts(app))
        setup = app.window.findChild(SetupDialog)
        assert setup is not None
        for kind, button in setup.kind_buttons.items():
            button.setChecked(True)
            setup.environment.setCurrentIndex(setup.environment.count() - 1)  # Custom domain
            checker.check(f"setup ({kind})", visible_texts(setup))
        setup.close()
        checker.check("first run", dialog_texts(app, qtbot, app.open_about, AboutDialog))
        # The dialog a start that cannot go on shows (an unusable settings file).
        from app.core.profile import ProfileError
        from app.ui import startup

        box, _ = startup.dialog(startup.explain(ProfileError("bad value"), paths, load_default()))
        qtbot.addWidget(box)
        checker.data |= {"bad value"}
        checker.check("start-up failure", visible_texts(box))
    finally:
        close(app)
    assert checker.checked > 60
    assert not checker.found, "English in the Swedish app:\n" + checker.report()


def test_every_state_of_a_demo_in_swedish(swedish: None, demo: Demo, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.dialogs import DetailsDialog, ReauthDialog, SupportDialog

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(demo.paths, demo.tokens, demo=True), tray=True)
    checker = Checker()
    general = app.window.general
    try:
        start(app, qtbot)
        cycle(app, qtbot)
        qtbot.waitUntil(lambda: app.window.issues.model.rowCount() > 0, timeout=10_000)
        checker.data = data_of(app)
        checker.check("issues", window_texts(app))
        model = app.window.issues.model
        codes = {}
        for row in range(model.rowCount()):
            codes.setdefault(model.issue(row).code, model.issue(row))
        for issue in codes.values():
            checker.check(
                f"details {issue.code}",
                dialog_texts(app, qtbot, lambda i=issue: app.show_issue_details(i), DetailsDialog),
            )
        issues = list(codes.values())[:2]
        checker.check("copy details", [Seen("Copy details", app.window.issues.details_text(list(codes.values())))])
        checker.check("support", dialog_texts(app, qtbot, lambda: app.open_support(issues), SupportDialog))

        # Paused, and back: the Pause button keeps its Swedish after every update.
        general.pause_button.click()
        qtbot.waitUntil(lambda: app.service.status().state is SyncState.PAUSED, timeout=5_000)
        app.controller.emit_status()
        qtbot.waitUntil(lambda: general.pause_button.text() == "Återuppta", timeout=5_000)
        checker.check("paused", window_texts(app))
        general.pause_button.click()
        qtbot.waitUntil(lambda: app.service.status().state is not SyncState.PAUSED, timeout=5_000)
        app.controller.emit_status()
        qtbot.waitUntil(lambda: general.pause_button.text() != "Återuppta", timeout=5_000)
        checker.check("resumed", window_texts(app))

        # Sign-in lost.
        demo.host.inject("salesforce", __import__("app.emulators.base", fromlist=["Fault"]).Fault("revoke"))
        sf: Any = demo.host.services["salesforce"]
        demo.host.services["graph"].add_message("inbox", "New order", sf.org.people[10].email, "alex@example.com")
        cycle(app, qtbot)
        qtbot.waitUntil(lambda: app.service.status().state is SyncState.NEEDS_REAUTH, timeout=5_000)
        app.controller.emit_status()
        checker.data |= data_of(app)
        checker.check("sign-in lost", window_texts(app))
        checker.check("sign-in lost", dialog_texts(app, qtbot, app.show_current_error, DetailsDialog))
        checker.check("sign-in lost", dialog_texts(app, qtbot, app.open_reauth, ReauthDialog))
    finally:
        close(app)
    assert checker.checked > 200
    assert not checker.found, "English in the Swedish app:\n" + checker.report()


def test_waiting_for_the_daily_limit_in_swedish(swedish: None, demo: Demo, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.dialogs import DetailsDialog

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(demo.paths, demo.tokens, demo=True), tray=True)
    checker = Checker()
    try:
        start(app, qtbot)
        cycle(app, qtbot)
        sf: Any = demo.host.services["salesforce"]
        sf.exhaust_daily_limit()
        demo.host.services["graph"].add_message("inbox", "New order", sf.org.people[10].email, "alex@example.com")
        cycle(app, qtbot)
        qtbot.waitUntil(lambda: app.service.status().state is SyncState.SUSPENDED, timeout=5_000)
        app.controller.emit_status()
        checker.data = data_of(app)
        checker.check("waiting", window_texts(app))
        checker.check("waiting", dialog_texts(app, qtbot, app.show_current_error, DetailsDialog))
    finally:
        close(app)
    assert not checker.found, "English in the Swedish app:\n" + checker.report()


def test_the_checker_catches_an_untranslated_text(swedish: None, qtbot: QtBot) -> None:
    """Planted: one source string left as it is, one English sentence nobody marked, and Swedish beside them."""
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    for widget in (
        QPushButton("Sync now"),  # a source string the .ts translates: it never went through tr()
        QLabel("Could not reach the server, try again later"),  # English that never reached lupdate
        QLabel("Synkad nyss med 3 problem"),
        QLabel("Salesforce: anna@example.com — SF_ROW_LOCKED"),
        QLabel("Hello from a customer"),  # a subject: the mailbox's data, not ours
    ):
        layout.addWidget(widget)
    checker = Checker(data={"Hello from a customer"})
    checker.check("planted", visible_texts(box))
    assert [e.text for e in checker.found] == ["Sync now", "Could not reach the server, try again later"]
