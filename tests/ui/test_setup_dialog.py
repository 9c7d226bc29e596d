"""The first-run dialog's own form-to-profile code (no replaced ``_make``): what the user types and ticks is
what the saved profile holds.  Only the browser sign-in is stood in for; everything up to it and the save
after it is the dialog's."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.auth.tokens import ProcessKeyring, TokenStore
from app.compose import setup
from app.compose.desktop import DesktopBackend
from app.compose.paths import Paths
from app.core import profile
from app.core.profile import Profile
from app.ui.setup_dialog import SetupDialog


class SignIns:
    """Stands in for the two browser sign-ins: fills in the account names as they would."""

    def __init__(self) -> None:
        self.calls: list[tuple[Profile, str]] = []

    def __call__(
        self, prof: Profile, tokens: TokenStore, open_url: Any, cancelled: threading.Event, password: str = ""
    ) -> Profile:
        self.calls.append((prof, password))
        prof.crm.account = "rep@org.example"
        prof.mailbox.account = prof.mailbox.account or "rep@company.example"
        return prof


@pytest.fixture(autouse=True)
def company_registrations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The company's app registrations are deployed (without them the dialog says so and starts nothing)."""
    monkeypatch.setenv("SYNCBAR_MS_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("SYNCBAR_GOOGLE_CLIENT_ID", "123456789012-abcdefgh.apps.googleusercontent.com")
    monkeypatch.setenv("SYNCBAR_GOOGLE_CLIENT_SECRET", "GOCSPX-company-desktop-secret")
    monkeypatch.setenv("SYNCBAR_SF_CLIENT_ID", "3MVG9-company")


@pytest.fixture
def sign_ins(monkeypatch: pytest.MonkeyPatch) -> SignIns:
    fake = SignIns()
    monkeypatch.setattr(setup, "sign_in_profile", fake)
    return fake


def dialog(tmp_path: Path, qtbot: QtBot) -> tuple[SetupDialog, Paths]:
    paths = Paths(config=tmp_path / "config", data=tmp_path / "data")
    d = SetupDialog(DesktopBackend(paths, TokenStore(ProcessKeyring())))
    qtbot.addWidget(d)
    return d, paths


def test_an_exchange_sandbox_setup_saves_what_the_form_says(tmp_path: Path, qtbot: QtBot, sign_ins: SignIns) -> None:
    d, paths = dialog(tmp_path, qtbot)
    d.kind_buttons["ews"].setChecked(True)
    assert d.ews.isVisibleTo(d)
    d.address.setText(" Rep@Company.example ")
    d.ews_url.setText(" https://mail.company.example/EWS/Exchange.asmx ")
    d.password.setText("hunter2-long")
    d.environment.setCurrentIndex(1)  # Sandbox
    assert not d.domain.isEnabled()
    d.tasks.setChecked(False)
    d.history.setValue(30)
    with qtbot.waitSignal(d.configured, timeout=10_000):
        d.start_button.click()
    [(_, password)] = sign_ins.calls
    assert password == "hunter2-long"  # handed to the sign-in, never to the profile
    saved = profile.load(paths.config)
    assert saved is not None
    assert saved.mailbox.kind == "ews" and saved.mailbox.auth_type == "ntlm"
    assert saved.mailbox.account == "Rep@Company.example" and saved.mailbox.username == "Rep@Company.example"
    assert saved.mailbox.base_url == "https://mail.company.example/EWS/Exchange.asmx"
    assert saved.crm.login_url == "https://test.salesforce.com"
    assert not saved.choices.tasks and saved.choices.emails and saved.choices.history_days == 30
    assert saved.choices.activated_at  # the first sync's "from now on" starts at setup
    assert saved.profile_id and saved.mailbox.secret_key and saved.crm.secret_key
    assert "hunter2" not in (paths.config / "profile.json").read_text()


def test_a_custom_salesforce_domain_is_used_for_microsoft_365(tmp_path: Path, qtbot: QtBot, sign_ins: SignIns) -> None:
    d, paths = dialog(tmp_path, qtbot)
    d.kind_buttons["graph"].setChecked(True)
    assert not d.ews.isVisibleTo(d)
    d.environment.setCurrentIndex(2)  # Custom domain…
    assert d.domain.isEnabled()
    d.domain.setText("https://acme.my.salesforce.com/")
    with qtbot.waitSignal(d.configured, timeout=10_000):
        d.start_button.click()
    saved = profile.load(paths.config)
    assert saved is not None and saved.mailbox.kind == "graph"
    assert saved.mailbox.base_url.startswith("https://graph.microsoft.com")
    assert saved.crm.login_url == "https://acme.my.salesforce.com"
    assert saved.choices.tasks and saved.choices.events


@pytest.mark.parametrize(
    ("address", "domain", "password", "said"),
    [
        ("rep.company.example", "", "pw-123456", "Exchange needs the mailbox address"),
        ("rep@company.example", "", "", "Exchange needs your mailbox password."),
        ("rep@company.example", "acme.my.salesforce.com", "pw-123456", "must start with https://"),
    ],
)
def test_a_form_that_cannot_make_a_profile_says_why_and_saves_nothing(
    tmp_path: Path, qtbot: QtBot, sign_ins: SignIns, address: str, domain: str, password: str, said: str
) -> None:
    d, paths = dialog(tmp_path, qtbot)
    d.kind_buttons["ews"].setChecked(True)
    d.address.setText(address)
    d.password.setText(password)
    if domain:
        d.environment.setCurrentIndex(2)
        d.domain.setText(domain)
    d.start_button.click()
    qtbot.waitUntil(lambda: said in d.status.text() and d.start_button.isEnabled(), timeout=10_000)
    assert sign_ins.calls == [] and profile.load(paths.config) is None
