"""Dialogs: Show details, re-authentication, Chat with support."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import Catalog
from app.core.model import Action, Fixer, Issue, IssueState, RetryClass
from app.ui.backend import ReportFile
from app.ui.background import run_in_background

log = logging.getLogger("syncbar.ui")

# Marked for extraction here, translated where shown (QCoreApplication.translate with the same context).
FIXER_TEXT = {
    Fixer.USER: QT_TRANSLATE_NOOP("DetailsDialog", "You"),
    Fixer.SALESFORCE_ADMIN: QT_TRANSLATE_NOOP("DetailsDialog", "Your Salesforce administrator"),
    Fixer.MAILBOX_ADMIN: QT_TRANSLATE_NOOP(
        "DetailsDialog", "Your mailbox (Microsoft 365, Exchange or Google) administrator"
    ),
    Fixer.SUPPORT: QT_TRANSLATE_NOOP("DetailsDialog", "Syncbar support"),
}
# Salesforce's key prefixes of the objects a duplicate rule can match (the first three characters of an id).
KEY_PREFIXES = {
    "003": QT_TRANSLATE_NOOP("DetailsDialog", "Contact"),
    "00Q": QT_TRANSLATE_NOOP("DetailsDialog", "Lead"),
    "001": QT_TRANSLATE_NOOP("DetailsDialog", "Account"),
}


class Act(StrEnum):
    """What a Show details button asks the app to do (``DetailsDialog.action_requested``)."""

    REAUTH = "reauth"  # Sign in again…
    RETRY = "retry"  # the item is due now (its issue)
    TRY_NOW = "try_now"  # an account problem a person may have fixed: check once
    IGNORE = "ignore"
    SUPPORT = "support"  # Chat with support…


WAITS = frozenset({RetryClass.TRANSIENT, RetryClass.THROTTLED, RetryClass.SUSPENDED})


class DetailsDialog(QDialog):
    """Show details: what failed and what to do, with the buttons its text names (and no other promise).

    Buttons, each only where it can help: Sign in again… (a sign-in is needed), Open in Outlook / Gmail
    (the item), Open record (its Salesforce record), Retry and Ignore (an open item), Try now (an account
    problem a person may have fixed), Open Salesforce Setup (an org setting), Chat with support…, Close.
    The default button is the real fix, never one that fails again unchanged: a wait defaults to Close.
    Catalogue texts name buttons in quotes (“Retry”); tests/ui/test_details_buttons.py holds every name
    to a visible button of this dialog.
    """

    action_requested = Signal(str)  # an Act value

    def __init__(
        self,
        catalog: Catalog,
        code: str,
        message: str = "",
        account: str = "",
        parent: Any = None,
        *,
        item: str = "",
        salesforce_setup_url: str = "",
        issue: Issue | None = None,
        mailbox_service: str = "",
    ) -> None:
        super().__init__(parent)
        entry = catalog.get(code)
        self.setWindowTitle(self.tr("Sync error details — {code}").format(code=entry.code))
        form = QFormLayout()
        title = _plain(entry.title)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        form.addRow(self.tr("Problem:"), title)
        form.addRow(self.tr("Code:"), _selectable(entry.code))
        if item:
            form.addRow(self.tr("Item:"), _selectable(item))
        if account:
            form.addRow(self.tr("Account:"), _selectable(account))
        form.addRow(self.tr("Description:"), _plain(entry.reason))
        if message:
            form.addRow(self.tr("The service said:"), _selectable(message))
        form.addRow(self.tr("What to do:"), _plain(entry.recommendation))
        self.candidates = QWidget()  # the records a duplicate rule found: one button each, opening it
        found = QVBoxLayout(self.candidates)
        found.setContentsMargins(0, 0, 0, 0)
        for n, url in enumerate(issue.candidates if issue is not None else ()):
            found.addWidget(self._candidate(url, n))
        if issue is not None and issue.candidates:
            form.addRow(self.tr("Records the duplicate rule found:"), self.candidates)
        fixer = FIXER_TEXT.get(entry.fixer, FIXER_TEXT[Fixer.USER])
        form.addRow(self.tr("Who can fix it:"), QLabel(QCoreApplication.translate("DetailsDialog", str(fixer))))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        fixes: list[QPushButton] = []  # in order of preference for the default
        open_item = issue is not None and bool(issue.item_key) and issue.state is IssueState.OPEN
        if entry.retry_class is RetryClass.NEEDS_REAUTH or entry.action is Action.REAUTHENTICATE:
            fixes.append(self._act(self.tr("Sign in again…"), Act.REAUTH))
        link = issue.mailbox_link if issue is not None else ""
        if link and entry.retry_class not in WAITS:
            label = self.tr("Open in Gmail") if mailbox_service == "Gmail" else self.tr("Open in Outlook")
            fixes.append(self._link(label, link, "open_mailbox"))
        if salesforce_setup_url and entry.fixer is Fixer.SALESFORCE_ADMIN:
            # A Salesforce setting (permission, storage, field, validation rule): its Setup page is one click away.
            fixes.append(self._link(self.tr("Open Salesforce Setup"), salesforce_setup_url, "salesforce_setup"))
        record = issue.crm_link if issue is not None else ""
        if record:
            fixes.append(self._link(self.tr("Open record"), record, "open_record"))
        if open_item:
            fixes.append(self._act(self.tr("Retry"), Act.RETRY))
            self._act(self.tr("Ignore"), Act.IGNORE)
        elif entry.retry_class in (RetryClass.NEEDS_USER_FIX, RetryClass.PERMANENT, RetryClass.SUSPENDED):
            fixes.append(self._act(self.tr("Try now"), Act.TRY_NOW))  # a person may have fixed it: check once
        support = self._act(self.tr("Chat with support…"), Act.SUPPORT)
        if entry.action is Action.CONTACT_SUPPORT:
            fixes.insert(0, support)
        waits = entry.retry_class in WAITS and issue is None
        default = self.buttons.button(QDialogButtonBox.StandardButton.Close) if waits or not fixes else fixes[0]
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # a focused Close must not take Enter from the fix
        default.setAutoDefault(True)
        default.setDefault(True)
        default.setFocus()
        self.default_button = default
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _act(self, label: str, act: Act) -> QPushButton:
        button = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(act.value)
        button.setAutoDefault(False)

        def clicked() -> None:
            self.action_requested.emit(act.value)
            self.accept()

        button.clicked.connect(clicked)
        return button

    def _link(self, label: str, url: str, name: str) -> QPushButton:
        button = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.setToolTip(url)
        button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(url)))
        return button

    def _candidate(self, url: str, n: int) -> QPushButton:
        ident = url.rstrip("/").rsplit("/", 1)[-1]
        kind = KEY_PREFIXES.get(ident[:3])
        name = QCoreApplication.translate("DetailsDialog", str(kind)) if kind else self.tr("Record")
        button = QPushButton(self.tr("Open {object} {id}").format(object=name, id=ident))
        button.setObjectName(f"candidate_{n}")
        button.setAutoDefault(False)
        button.setToolTip(url)
        button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(url)))
        return button

    def visible_buttons(self) -> list[str]:
        """The texts of the buttons a person sees here (mnemonic ampersands removed)."""
        return [b.text().replace("&", "") for b in self.findChildren(QPushButton) if b.isVisibleTo(self)]


class ReauthDialog(QDialog):
    """Names the account and the reason; Refresh (same account), Change (another account), Advanced (EWS URL).

    The sign-in itself runs the real browser flow on a pool thread; Cancel stops the wait.
    """

    signed_in = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        code: str,
        account: str,
        sign_in: Callable[[str, threading.Event, str], str],
        *,
        ews: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._sign_in = sign_in
        self._cancel = threading.Event()
        entry = catalog.get(code)
        self.setWindowTitle(self.tr("Sign in again"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            _wrapped(
                self.tr("<b>{account}</b> needs you to sign in again.").format(
                    account=_esc(account or self.tr("Your account"))
                ),
                rich=True,
            )
        )
        layout.addWidget(_wrapped(f"{entry.title}. {entry.reason}"))
        layout.addWidget(_wrapped(entry.recommendation))
        self.advanced = QWidget()
        adv = QFormLayout(self.advanced)
        self.ews_url = QLineEdit()
        self.ews_url.setPlaceholderText(self.tr("https://mail.example.com/EWS/Exchange.asmx"))
        adv.addRow(self.tr("Exchange (EWS) URL:"), self.ews_url)
        self.advanced.setVisible(False)
        layout.addWidget(self.advanced)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # may carry a sign-in service's words
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(
            "<qt>" + _esc(self.tr("Sign in again as {account}").format(account=account)) + "</qt>"
        )
        self.change_button = QPushButton(self.tr("Change account…"))
        self.advanced_button = QPushButton(self.tr("Advanced"))
        self.advanced_button.setCheckable(True)
        self.advanced_button.setVisible(ews)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        for b in (self.refresh_button, self.change_button, self.advanced_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.refresh_button.clicked.connect(lambda: self._start("refresh"))
        self.change_button.clicked.connect(lambda: self._start("change"))
        self.advanced_button.toggled.connect(self.advanced.setVisible)
        self.cancel_button.clicked.connect(self._on_cancel)

    def _start(self, how: str) -> None:
        self._cancel.clear()
        self.refresh_button.setEnabled(False)
        self.change_button.setEnabled(False)
        self.status.setText(self.tr("Waiting for you to finish signing in in your browser…"))
        extra, sign_in, cancel = self.ews_url.text().strip(), self._sign_in, self._cancel

        def failed(exc: Exception) -> None:  # shown in words; the log keeps where it came from
            log.warning("signing in again did not complete", exc_info=exc)
            self._finished("", str(exc) or type(exc).__name__)

        run_in_background(lambda: sign_in(how, cancel, extra), lambda account: self._finished(account, ""), failed)

    def _finished(self, account: str, error: str) -> None:
        self.refresh_button.setEnabled(True)
        self.change_button.setEnabled(True)
        if error:
            self.status.setText(self.tr("Sign-in did not finish: {error}").format(error=error))
            return
        self.status.setText(self.tr("Signed in as {account}.").format(account=account))
        self.signed_in.emit(account)
        self.accept()

    def _on_cancel(self) -> None:
        self._cancel.set()
        self.reject()


class SupportDialog(QDialog):
    """Chat with support: say what happened, preview exactly what goes, then Send it from your own mailbox.

    Send mails the zip to the support address through the mailbox's API (``send``, run on the pool);
    "Save to file" only writes it.  Every text shown here that came from a service or a mailbox is
    plain text: a preview pane, never rich text.
    """

    def __init__(
        self,
        build: Callable[[bool, str], list[ReportFile]],
        out_dir: Path,
        support_address: str,
        *,
        write: Callable[[Sequence[ReportFile], Path], Path],
        mail_text: Callable[[Sequence[ReportFile], str, str], tuple[str, str]],
        context: str = "",
        support_url: str = "",
        send: Callable[[str, str, str, Path], None] | None = None,
        sender: str = "",
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chat with support"))
        self._build = build
        self._write_zip = write
        self._mail_text = mail_text
        self._out_dir = out_dir
        self._address = support_address
        self._url = support_url
        self._send = send
        self._context = context
        self.files: list[ReportFile] = []
        self.written: Path | None = None
        layout = QVBoxLayout(self)
        intro = self.tr("Send goes to {address} from your mailbox ({sender}), with the report attached.").format(
            address=support_address, sender=sender or self.tr("your mailbox")
        )
        layout.addWidget(_plain(intro))
        if support_url:
            link = QLabel(f'<a href="{_esc(support_url)}">{_esc(support_url)}</a>')
            link.setTextFormat(Qt.TextFormat.RichText)  # built here from an escaped https:// address only
            link.setOpenExternalLinks(True)
            link.setAccessibleName(self.tr("Support page"))
            layout.addWidget(_plain(self.tr("Support page:")))
            layout.addWidget(link)
        layout.addWidget(_plain(self.tr("What happened?")))
        self.what = QPlainTextEdit()
        self.what.setPlaceholderText(self.tr("What were you doing, and what went wrong?"))
        self.what.setAccessibleName(self.tr("What happened?"))
        self.what.setMaximumHeight(90)
        layout.addWidget(self.what)
        layout.addWidget(
            _plain(
                self.tr(
                    "Tokens and passwords are always removed; addresses, subjects and message text are removed "
                    "too unless you keep them below."
                )
            )
        )
        self.keep = QCheckBox(self.tr("Keep addresses and subjects (helps support find the item)"))
        layout.addWidget(self.keep)
        row = QHBoxLayout()
        self.file_list = QListWidget()
        self.file_list.setMaximumWidth(170)
        self.file_list.setAccessibleName(self.tr("Files in the report"))
        self.pages = QStackedWidget()
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName(self.tr("Screenshot"))
        self.pages.addWidget(self.preview)
        self.pages.addWidget(self.image)
        row.addWidget(self.file_list)
        row.addWidget(self.pages, 1)
        layout.addLayout(row, 1)
        self.note = QLabel("")
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # may carry a service's words
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(self.tr("Save to file"), QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button = buttons.addButton(self.tr("Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setEnabled(send is not None)
        buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self.send)
        self.save_button.clicked.connect(self.save)
        layout.addWidget(buttons)
        self.keep.toggled.connect(self.rebuild)
        self.file_list.currentRowChanged.connect(self._show)
        self.rebuild()
        self.resize(760, 600)

    def rebuild(self) -> None:
        self.files = self._build(self.keep.isChecked(), self.what.toPlainText())
        self.file_list.clear()
        for f in self.files:
            self.file_list.addItem(self.tr("{name} ({size} bytes)").format(name=f.name, size=f"{len(f.data):,}"))
        self.file_list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.files):
            self.preview.clear()
            self.pages.setCurrentWidget(self.preview)
            return
        f = self.files[row]
        if f.name.endswith(".png"):
            pixmap = QPixmap()
            pixmap.loadFromData(f.data, "PNG")
            self.image.setPixmap(
                pixmap.scaled(480, 360, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
            self.pages.setCurrentWidget(self.image)
        else:
            self.preview.setPlainText(f.data.decode("utf-8", errors="replace"))
            self.pages.setCurrentWidget(self.preview)

    def _write(self) -> Path | None:
        self.rebuild()  # with the words in "What happened?"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        try:
            self.written = self._write_zip(self.files, self._out_dir / f"syncbar-report-{stamp}.zip")
        except OSError as exc:
            self.note.setText(self.tr("Could not save the report: {error}. Nothing was sent.").format(error=exc))
            return None
        return self.written

    def save(self) -> None:
        """Save to file: the zip only, shown in its folder."""
        path = self._write()
        if path is None:
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        self.note.setText(self.tr("Saved {path}.").format(path=path))

    def send(self) -> None:
        send = self._send
        path = self._write()
        if path is None or send is None:
            return
        subject, body = self._mail_text(self.files, self.what.toPlainText(), self._context)
        self.send_button.setEnabled(False)
        self.note.setText(self.tr("Sending the report to {address}…").format(address=self._address))
        address = self._address

        def failed(exc: Exception) -> None:  # a sign-in needed, the mailbox unreachable: said in the dialog
            log.warning("sending the support report did not complete", exc_info=exc)
            self._sent(getattr(exc, "message", "") or str(exc) or type(exc).__name__)

        run_in_background(lambda: send(address, subject, body, path), lambda _: self._sent(""), failed)

    def _sent(self, problem: str) -> None:
        self.send_button.setEnabled(True)
        if problem:
            self.note.setText(
                self.tr("Not sent: {problem}. The report is saved as {path}; try again later.").format(
                    problem=problem, path=self.written
                )
            )
            return
        self.note.setText(
            self.tr("Sent to {address}. A copy is in your Sent Items and saved as {path}.").format(
                address=self._address, path=self.written
            )
        )
        self.send_button.setText(self.tr("Done"))
        self.send_button.clicked.disconnect()
        self.send_button.clicked.connect(self.accept)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str) -> QLabel:
    """A wrapped label that shows its text as it is (never as rich text: it may carry an address)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _wrapped(text: str, *, selectable: bool = False, rich: bool = False) -> QLabel:
    """A wrapped label shown as plain text: a subject, a name or a service's words never become markup.
    ``rich`` only for our own markup around escaped values (``_esc``)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _selectable(text: str) -> QLabel:
    return _wrapped(text, selectable=True)
