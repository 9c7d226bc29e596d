"""Show details never sends a person looking for a button that is not there.

Catalogue texts name a button in quotes: “Retry” in English, ”Försök igen” in Swedish.  For every entry of
resources/catalog.json and catalog_sv.json, the details dialog of an issue with that code (an item's, with
its mailbox and Salesforce links, or the account's current error) must show each quoted name as a visible
button, and a "click" with no quoted name after it is refused, so "Click Sign in again" next to a button
"Sign in again…" fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.core.catalog import Catalog
from app.core.model import Action, IssueState, ItemKind, RetryClass, Scope, Source
from app.core.model import Issue as IssueRecord
from app.core.resources import resource_path
from tests.ui.conftest import Demo

# The convention: a button is named in quotes right after "click" ("klicka på"); other quotes are not buttons.
QUOTED = re.compile(r"\b(?:click|klicka(?: sedan)?(?: bara)? på) [“”]([^“”]+)”", re.IGNORECASE)
# "click" (klicka, klicka på, klicka sedan på) must be followed by a quoted button name.
CLICK = re.compile(r"\b(?:click|klicka(?: sedan)?(?: bara)?(?: på)?)\b(?! [“”])(?! (?:sedan|bara|på)\b)", re.IGNORECASE)
SETUP = "https://login.example.com/lightning/setup/SetupOneHome/home"


def catalogs() -> Iterator[tuple[str, Catalog]]:
    english = Catalog.load()
    yield "en", english
    yield "sv", english.translated(resource_path("catalog_sv.json"))


def issue_for(code: str, catalog: Catalog) -> IssueRecord:
    entry = catalog.get(code)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    item = entry.scope is Scope.ITEM
    return IssueRecord(
        id=1,
        code=code,
        scope=entry.scope,
        source=Source.SALESFORCE if code.startswith(("SF_", "DATA_")) else Source.MAILBOX,
        account="alex.morgan@example.com",
        state=IssueState.OPEN,
        first_seen=now,
        last_seen=now,
        kind=ItemKind.EMAIL if item else None,
        item_key="email:AAMk1" if item else "",
        item_title="Order 1042 — from Kim Lee <kim@customer.example>, 1 Dec" if item else "",
        mailbox_link="https://outlook.office.com/mail/deeplink/read/AAMk1" if item else "",
        crm_link="https://example.my.salesforce.com/003000000000001" if item else "",
    )


def dialogs(catalog: Catalog, code: str, qtbot: QtBot) -> Iterator[tuple[str, object]]:
    from app.ui.dialogs import DetailsDialog

    issue = issue_for(code, catalog)
    by_issue = DetailsDialog(
        catalog,
        code,
        "the service's words",
        issue.account,
        item=issue.item_title,
        salesforce_setup_url=SETUP,
        issue=issue,
        mailbox_service="Microsoft 365",
    )
    qtbot.addWidget(by_issue)
    yield "issue", by_issue
    if issue.scope is Scope.ACCOUNT:  # the General tab's "Show details" of the current error
        current = DetailsDialog(catalog, code, "the service's words", issue.account, salesforce_setup_url=SETUP)
        qtbot.addWidget(current)
        yield "current error", current


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_every_button_a_catalogue_text_names_is_in_its_dialog(lang: str, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui import i18n
    from app.ui.dialogs import DetailsDialog

    catalog = dict(catalogs())[lang]
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    translators = i18n.install(qapp, lang) if lang != "en" else []
    wrong: list[str] = []
    named = 0
    try:
        for entry in catalog.entries():
            texts = " ".join((entry.reason, entry.recommendation))
            for where, dialog in dialogs(catalog, entry.code, qtbot):
                assert isinstance(dialog, DetailsDialog)
                shown = set(dialog.visible_buttons())
                for name in QUOTED.findall(texts):
                    named += 1
                    if name not in shown:
                        wrong.append(f"{entry.code} ({where}): “{name}” is not a button here: {sorted(shown)}")
            for loose in CLICK.finditer(texts):
                wrong.append(f"{entry.code}: “{texts[loose.start() : loose.start() + 40]}…” names no quoted button")
    finally:
        if translators:
            i18n.remove(qapp, translators)
    assert not wrong, "\n".join(wrong)
    assert named > 20  # the texts do name buttons: the check is not vacuous


def test_the_default_button_is_the_fix_never_one_that_fails_again(qtbot: QtBot) -> None:
    """A wait defaults to Close (nothing to redo); a sign-in to Sign in again…; an item to opening it."""
    from PySide6.QtWidgets import QPushButton

    from app.core.catalog import load_default
    from app.ui.dialogs import DetailsDialog

    catalog = load_default()
    for entry in catalog.entries():
        dialog = DetailsDialog(catalog, entry.code, salesforce_setup_url=SETUP)
        qtbot.addWidget(dialog)
        dialog.show()
        defaults = [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault()]
        default = dialog.default_button.text()
        assert defaults == [default], (entry.code, defaults)  # what Enter presses is the one we meant
        assert default != "Sync now", entry.code
        if entry.scope is Scope.ACCOUNT and entry.retry_class in (
            RetryClass.THROTTLED,
            RetryClass.TRANSIENT,
            RetryClass.SUSPENDED,
        ):
            assert default == "Close", (entry.code, default)
        if entry.retry_class is RetryClass.NEEDS_REAUTH:
            assert default == "Sign in again…", (entry.code, default)
        if entry.action is Action.CONTACT_SUPPORT:
            assert default == "Chat with support…", (entry.code, default)
    daily = DetailsDialog(catalog, "SF_API_LIMIT_ORG", salesforce_setup_url=SETUP)
    qtbot.addWidget(daily)
    assert "Sync now" not in daily.visible_buttons() and daily.default_button.text() == "Close"
    item = issue_for("DATA_REQUIRED_FIELD_MISSING", catalog)
    per_item = DetailsDialog(catalog, item.code, issue=item, mailbox_service="Gmail")
    qtbot.addWidget(per_item)
    assert per_item.default_button.text() == "Open in Gmail"
    assert {"Open in Gmail", "Open record", "Retry", "Ignore", "Chat with support…"} <= set(per_item.visible_buttons())


def test_per_problem_buttons_open_the_item_and_ask_the_app(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QPushButton

    from app.core.catalog import load_default
    from app.ui.dialogs import Act, DetailsDialog

    opened: list[str] = []
    monkeypatch.setattr("app.ui.dialogs.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    catalog = load_default()
    item = issue_for("DATA_VALIDATION_FAILED", catalog)
    dialog = DetailsDialog(catalog, item.code, issue=item, mailbox_service="Microsoft 365")
    qtbot.addWidget(dialog)
    asked: list[str] = []
    dialog.action_requested.connect(asked.append)
    for name in ("open_mailbox", "open_record"):
        button = dialog.findChild(QPushButton, name)
        assert button is not None
        button.click()
    assert opened == [item.mailbox_link, item.crm_link]
    retry = dialog.findChild(QPushButton, Act.RETRY.value)
    assert retry is not None and retry.text() == "Retry"
    retry.click()
    assert asked == [Act.RETRY.value]
    resolved = DetailsDialog(catalog, item.code, issue=replace(item, state=IssueState.RESOLVED))
    qtbot.addWidget(resolved)
    assert "Retry" not in resolved.visible_buttons()  # nothing left to retry


def test_a_duplicate_shows_the_records_the_rule_found_with_links(
    demo: Demo, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The emulated org's duplicate rule blocks a Contact; its answer names the matches (duplicateResult), the
    issue keeps them, and Show details offers each as a button opening that Salesforce record."""
    from PySide6.QtWidgets import QApplication, QPushButton

    from app.compose.desktop import DesktopBackend
    from app.ui.app import DesktopApp
    from app.ui.dialogs import DetailsDialog

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    app = DesktopApp(qapp, DesktopBackend(demo.paths, demo.tokens, demo=True), tray=False)
    app.start(show_window=True)
    try:
        qtbot.waitUntil(lambda: not app.controller.running, timeout=60_000)
        with qtbot.waitSignal(app.controller.cycle_finished, timeout=60_000):
            app.controller.sync_now()
        duplicates = [i for i in app.service.issues() if i.code == "DATA_DUPLICATE_DETECTED"]
        assert duplicates, sorted({i.code for i in app.service.issues()})
        issue = duplicates[0]
        sf: Any = demo.host.services["salesforce"]
        ids = [url.rsplit("/", 1)[-1] for url in issue.candidates]
        assert ids and all(any(i in sf.records[t] for t in ("Contact", "Lead")) for i in ids), issue.candidates
        opened: list[str] = []
        monkeypatch.setattr("app.ui.dialogs.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
        app.show_issue_details(issue)
        dialog = app.window.findChild(DetailsDialog)
        assert dialog is not None
        button = dialog.findChild(QPushButton, "candidate_0")
        assert button is not None and button.isVisibleTo(dialog) and ids[0] in button.text()
        button.click()
        assert opened == [issue.candidates[0]]
        assert {"Retry", "Ignore", "Chat with support…"} <= set(dialog.visible_buttons())
        dialog.close()
    finally:
        app.controller.shutdown()
        app.window.quit_on_close = True
        app.window.close()


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_general_tab_has_every_button_its_error_text_names(lang: str, qtbot: QtBot) -> None:
    """The current error on the General tab (its box or the sign-in banner) carries the buttons its text names."""
    from datetime import timedelta

    from PySide6.QtWidgets import QApplication, QPushButton

    from app.core.service import StatusSnapshot, SyncState
    from app.ui import i18n
    from app.ui.window import SettingsWindow

    catalog = dict(catalogs())[lang]
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    translators = i18n.install(qapp, lang) if lang != "en" else []
    wrong: list[str] = []
    checked = 0
    try:
        window = SettingsWindow(catalog)
        qtbot.addWidget(window)
        window.show()
        general = window.general
        now = datetime.now(UTC)
        for entry in catalog.entries():
            if entry.scope is not Scope.ACCOUNT or entry.retry_class is RetryClass.IGNORED:
                continue
            state = {
                RetryClass.NEEDS_REAUTH: SyncState.NEEDS_REAUTH,
                RetryClass.SUSPENDED: SyncState.SUSPENDED,
            }.get(entry.retry_class, SyncState.BACKING_OFF)
            snap = StatusSnapshot(
                state,
                "alex@example.com",
                "rep@acme.com",
                next_run_at=now + timedelta(hours=1),
                suspended_until=now + timedelta(hours=1) if state is SyncState.SUSPENDED else None,
                error_code=entry.code,
                error_account="rep@acme.com",
            )
            general.show_status(snap, now)
            said = " ".join(w.text() for w in (general.error_text, general.banner_text) if w.isVisibleTo(window))
            shown = {b.text().replace("&", "") for b in general.findChildren(QPushButton) if b.isVisibleTo(window)}
            for name in QUOTED.findall(said):
                checked += 1
                if name not in shown:
                    wrong.append(f"{entry.code}: “{name}” is not a button on the General tab: {sorted(shown)}")
    finally:
        if translators:
            i18n.remove(qapp, translators)
    assert not wrong, "\n".join(wrong)
    assert checked >= 4  # red account errors do name Try now
