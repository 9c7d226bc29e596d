"""First-run setup: pick the mailbox, sign in to it and to Salesforce, choose what to sync.

The sign-ins are the real browser flows (on a pool thread, with Cancel); nothing is saved until
both have worked.  The same choices stay editable later (``syncbar`` keeps them in profile.json).
"""

from __future__ import annotations

import logging
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.mailbox_kinds import MailboxKind
from app.core.profile import Profile, SyncChoices
from app.ui.backend import Backend
from app.ui.background import run_in_background
from app.ui.choices_box import ChoicesBox

log = logging.getLogger("syncbar.ui")


class SetupDialog(QDialog):
    configured = Signal(object)  # the saved Profile

    def __init__(
        self,
        backend: Backend,
        *,
        make_profile: Callable[[str, dict[str, str], SyncChoices], Profile] | None = None,
        open_url: Callable[[str], object] | None = None,
        parent: Any = None,
    ) -> None:
        """``make_profile`` and ``open_url`` default to the real services (the backend's profile for them,
        which needs the company's app registrations) and the system browser (tests and the demo point them
        at the emulators)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set up Syncbar"))
        self.backend = backend
        self._check_apps = make_profile is None  # injected profiles (the emulators) bring their own apps
        self._apps_problem = ""
        self._make = make_profile or backend.new_profile
        self._open_url = open_url or webbrowser.open
        self._cancel = threading.Event()
        self.profile: Profile | None = None
        self.competitor_note = ""  # what setup found of other sync software (or could not check)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Syncbar logs your mail, meetings and contacts to Salesforce. Pick your mailbox, "
                "sign in to it and to Salesforce in your browser, and choose what to sync."
            )
        )
        intro.setObjectName("intro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        box = QGroupBox(self.tr("Mailbox"))
        form = QVBoxLayout(box)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        kinds = (
            (MailboxKind.GRAPH, self.tr("Microsoft 365 (Outlook)")),
            (MailboxKind.EWS, self.tr("Exchange Server")),
            (MailboxKind.GMAIL, self.tr("Gmail / Google Workspace")),
        )
        for value, label in kinds:
            button = QRadioButton(label)
            self.kind_group.addButton(button)
            self.kind_buttons[value] = button
            form.addWidget(button)
        self.kind_buttons[MailboxKind.GRAPH].setChecked(True)
        self.ews = QWidget()
        ews_form = QFormLayout(self.ews)
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("you@company.com"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("DOMAIN\\user (if it differs from the address)"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ews_url = QLineEdit()
        self.ews_url.setPlaceholderText(
            self.tr("https://mail.company.com/EWS/Exchange.asmx (empty: find it automatically)")
        )
        for label, widget in (
            (self.tr("Address:"), self.address),
            (self.tr("User name:"), self.username),
            (self.tr("Password:"), self.password),
            (self.tr("EWS URL:"), self.ews_url),
        ):
            ews_form.addRow(label, widget)
            widget.setAccessibleName(label.rstrip(":"))
        form.addWidget(self.ews)
        layout.addWidget(box)
        sf_box = QGroupBox(self.tr("Salesforce"))
        sf_form = QFormLayout(sf_box)
        self.environment = QComboBox()
        environments = (
            ("https://login.salesforce.com", self.tr("Production")),
            ("https://test.salesforce.com", self.tr("Sandbox")),
            ("", self.tr("Custom domain…")),
        )
        for url, label in environments:
            self.environment.addItem(label, url)
        self.domain = QLineEdit()
        self.domain.setPlaceholderText(self.tr("https://mycompany.my.salesforce.com"))
        sf_form.addRow(self.tr("Org:"), self.environment)
        sf_form.addRow(self.tr("Domain:"), self.domain)
        self.environment.setAccessibleName(self.tr("Salesforce org"))
        self.domain.setAccessibleName(self.tr("Salesforce custom domain"))
        layout.addWidget(sf_box)
        self.what = ChoicesBox()
        # The fields tests and the dialog's own code reach directly.
        self.emails, self.events, self.contacts, self.tasks = (
            self.what.emails,
            self.what.events,
            self.what.contacts,
            self.what.tasks,
        )
        self.history, self.internal, self.blocklist = self.what.history, self.what.internal, self.what.blocklist
        layout.addWidget(self.what)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.start_button = QPushButton(self.tr("Sign in and start"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.kind_group.buttonToggled.connect(lambda *_: self._update())
        self.environment.currentIndexChanged.connect(lambda *_: self._update())
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._on_cancel)
        self._update()

    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _update(self) -> None:
        self.ews.setVisible(self.kind() == MailboxKind.EWS)
        self.what.show_kind(self.kind())
        self.domain.setEnabled(not self.environment.currentData())
        self._show_registrations()

    def _show_registrations(self) -> None:
        """Without the company's app registrations no sign-in can work: say what is missing before the
        user fills in the rest (the words name the file, the variables and docs/admin.md)."""
        if not self._check_apps:
            return
        problem = self.backend.registrations_problem(self.kind())
        if problem or self._apps_problem:
            self.status.setText(problem)
        self._apps_problem = problem
        self.start_button.setEnabled(not problem)

    def choices(self) -> SyncChoices:
        return self.what.applied_to(SyncChoices())

    def start(self) -> None:
        fields = {
            "salesforce_login_url": str(self.environment.currentData() or self.domain.text()),
            "address": self.address.text(),
            "username": self.username.text(),
            "ews_url": self.ews_url.text(),
        }
        password = self.password.text()
        kind, choices = self.kind(), self.choices()
        if kind == MailboxKind.EWS and not password and not self.backend.exchange_online(fields["ews_url"]):
            self.status.setText(self.tr("Exchange needs your mailbox password."))
            return
        self._cancel.clear()
        self.start_button.setEnabled(False)
        self.status.setText(self.tr("Sign in to Salesforce, then to your mailbox, in the browser windows that open…"))

        backend, make, open_url, cancel = self.backend, self._make, self._open_url, self._cancel

        def work() -> tuple[Profile, str]:
            prof = make(kind, fields, choices)
            backend.sign_in_profile(prof, open_url, cancel, password=password)
            backend.save_profile(prof)
            return prof, backend.competitor_note(prof)

        def failed(exc: Exception) -> None:  # every failure is shown, in words, and nothing is saved
            log.warning("setup did not complete", exc_info=exc)
            self._finished(None, str(exc) or type(exc).__name__)

        def done(result: tuple[Profile, str]) -> None:
            self.competitor_note = result[1]
            self._finished(result[0], "")

        run_in_background(work, done, failed)

    def _finished(self, prof: Profile | None, error: str) -> None:
        self.start_button.setEnabled(not self._apps_problem)
        if prof is None:
            self.status.setText(self.tr("Setup did not finish: {error}").format(error=error))
            return
        self.profile = prof
        self.status.setText(
            self.tr("Signed in as {mailbox} and {crm}.").format(mailbox=prof.mailbox.account, crm=prof.crm.account)
        )
        self.configured.emit(prof)
        self.accept()

    def _on_cancel(self) -> None:
        self._cancel.set()
        self.reject()
