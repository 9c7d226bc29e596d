"""The tray icon: state at a glance, a small menu, and notifications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.core.catalog import Catalog
from app.core.model import RetryClass
from app.core.scheduler import MAILBOX_REJECTION_CODES, Notice, NoticeKind
from app.core.service import StatusSnapshot, SyncState
from app.core.status_text import SELF_HEALING, clock_time, present, status_line
from app.ui.icons import state_icon, tone_key


class Target(StrEnum):
    """Where clicking a notice leads."""

    REAUTH = "reauth"  # the re-authentication dialog for the notice's account
    ISSUES = "issues"  # the Issues tab, filtered to the notice's items
    GENERAL = "general"  # the General tab: the state, the wait, the current error


def notice_target(notice: Notice, catalog: Catalog) -> Target:
    if notice.kind is NoticeKind.ITEM_ISSUES:
        return Target.ISSUES
    if notice.kind is NoticeKind.REAUTH:
        return Target.REAUTH
    asks_sign_in = bool(notice.code) and catalog.get(notice.code).retry_class is RetryClass.NEEDS_REAUTH
    if notice.kind in (NoticeKind.ESCALATE, NoticeKind.FIRST_FAILURE) and asks_sign_in:
        return Target.REAUTH
    return Target.GENERAL


def notice_text(notice: Notice, catalog: Catalog, now: datetime) -> tuple[str, str]:
    """Title and message of a notification, in plain words (and the user's language)."""

    entry = catalog.get(notice.code) if notice.code else None
    who = f" ({notice.account})" if notice.account else ""
    if notice.kind is NoticeKind.REAUTH and entry:
        return QCoreApplication.translate("Tray", "Sign in again"), QCoreApplication.translate(
            "Tray", "{title}{who}. Click here to sign in again; syncing waits until then."
        ).format(title=entry.title, who=who)
    if notice.kind is NoticeKind.SUSPENDED and entry:
        if notice.until:
            text = QCoreApplication.translate(
                "Tray", "{title}{who}. Syncbar waits until {time} and then goes on by itself."
            )
            return QCoreApplication.translate("Tray", "Sync on hold"), text.format(
                title=entry.title, who=who, time=clock_time(notice.until, now)
            )
        return QCoreApplication.translate("Tray", "Sync on hold"), QCoreApplication.translate(
            "Tray", "{title}{who}. Syncbar waits and then goes on by itself."
        ).format(title=entry.title, who=who)
    quiet_retry = notice.code in MAILBOX_REJECTION_CODES  # a mailbox refusing is retried a few times first
    if notice.kind is NoticeKind.FIRST_FAILURE and entry and (entry.retry_class in SELF_HEALING or quiet_retry):
        return QCoreApplication.translate("Tray", "Sync on hold"), QCoreApplication.translate(
            "Tray", "{title}{who}. Syncbar waits and then goes on by itself."
        ).format(title=entry.title, who=who)
    if notice.kind is NoticeKind.ESCALATE and entry:
        return QCoreApplication.translate("Tray", "Sync keeps failing"), QCoreApplication.translate(
            "Tray", "Syncing has been stopped for a while: {title}. We emailed you about it. {fix}"
        ).format(title=entry.title, fix=entry.recommendation)
    if notice.kind is NoticeKind.RECOVERED:
        return QCoreApplication.translate("Tray", "Sync is working again"), QCoreApplication.translate(
            "Tray", "The last sync went through."
        )
    if notice.kind is NoticeKind.COMPETITOR:
        return QCoreApplication.translate("Tray", "Another sync tool found"), notice.message
    if notice.kind is NoticeKind.ITEM_ISSUES:
        what = entry.title if entry else QCoreApplication.translate("Tray", "various problems")
        return QCoreApplication.translate("Tray", "Items could not sync"), QCoreApplication.translate(
            "Tray", "{n} item(s): {what}. Click to see them in the Issues tab."
        ).format(n=notice.failures, what=what)
    if entry:
        return QCoreApplication.translate("Tray", "Sync error"), QCoreApplication.translate(
            "Tray", "{title}{who}. {fix}"
        ).format(title=entry.title, who=who, fix=entry.recommendation)
    return "Syncbar", notice.message or QCoreApplication.translate("Tray", "Something needs your attention.")


class Tray(QObject):
    sync_now = Signal()
    toggle_pause = Signal()
    open_settings = Signal()
    notice_clicked = Signal(object)  # the Notice whose pop-up the user clicked
    about = Signal()
    quit = Signal()

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.mailbox_service = ""  # "Microsoft 365", "Gmail", "Exchange"
        self.icon = QSystemTrayIcon(state_icon("synced"), self)
        menu = QMenu()
        self.menu = menu
        self.sync_action = QAction(self.tr("Sync now"), menu)
        self.pause_action = QAction(self.tr("Pause"), menu)
        self.open_action = QAction(self.tr("Open Sync Settings"), menu)
        self.about_action = QAction(self.tr("About Syncbar…"), menu)
        self.quit_action = QAction(self.tr("Quit Syncbar"), menu)
        for a in (self.sync_action, self.pause_action, self.open_action, self.about_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.icon.setContextMenu(menu)
        self.sync_action.triggered.connect(self.sync_now)
        self.pause_action.triggered.connect(self.toggle_pause)
        self.open_action.triggered.connect(self.open_settings)
        self.about_action.triggered.connect(self.about)
        self.quit_action.triggered.connect(self.quit)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._message_clicked)
        self.last_tooltip = ""
        self.shown: Notice | None = None  # the notice of the pop-up on screen (a tray shows one at a time)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_settings.emit()

    def show_status(self, snap: StatusSnapshot, now: datetime) -> None:
        view = present(snap, self.catalog, now, mailbox_service=self.mailbox_service)
        self.icon.setIcon(state_icon(tone_key(view.tone)))
        self.last_tooltip = f"Syncbar — {status_line(snap, self.catalog, now)}"  # one line: with its time
        self.icon.setToolTip(self.last_tooltip)
        paused = snap.state is SyncState.PAUSED or snap.paused
        self.pause_action.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.sync_action.setEnabled(view.sync_enabled)
        self.sync_action.setToolTip(view.sync_reason)

    def _message_clicked(self) -> None:
        if self.shown is not None:
            self.notice_clicked.emit(self.shown)
        else:
            self.open_settings.emit()

    def notify(self, title: str, text: str, critical: bool = False, notice: Notice | None = None) -> None:
        self.shown = notice
        kind = QSystemTrayIcon.MessageIcon.Critical if critical else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(title, text, kind, 10_000)
