"""The words the window shows for the core's values (objects, sources, states, outcomes) and for moments,
in the user's language: one place, so no enum value reaches the screen raw and every date reads alike.

The labels are marked with ``QT_TRANSLATE_NOOP`` (so pyside6-lupdate extracts them) and translated where
they are shown; dates and numbers follow ``QLocale`` (the system's, or the language Syncbar speaks).
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDateTime, QLocale

from app.core.model import IssueState, ItemKind, Outcome, Source

CONTEXT = "Words"

KIND = {
    ItemKind.EMAIL: QT_TRANSLATE_NOOP("Words", "Email"),
    ItemKind.EVENT: QT_TRANSLATE_NOOP("Words", "Event"),
    ItemKind.CONTACT: QT_TRANSLATE_NOOP("Words", "Contact"),
    ItemKind.TASK: QT_TRANSLATE_NOOP("Words", "Task"),
}
ACCOUNT = QT_TRANSLATE_NOOP("Words", "Account")
SOURCE = {
    Source.MAILBOX: QT_TRANSLATE_NOOP("Words", "Mailbox"),
    Source.SALESFORCE: QT_TRANSLATE_NOOP("Words", "Salesforce"),
    Source.ENGINE: QT_TRANSLATE_NOOP("Words", "Syncbar"),  # the sync itself, not a service
}
STATE = {
    IssueState.OPEN: QT_TRANSLATE_NOOP("Words", "Open"),
    IssueState.RESOLVED: QT_TRANSLATE_NOOP("Words", "Resolved"),
    IssueState.IGNORED: QT_TRANSLATE_NOOP("Words", "Ignored"),
}
OUTCOME = {
    Outcome.RUNNING: QT_TRANSLATE_NOOP("Words", "running"),
    Outcome.CLEAN: QT_TRANSLATE_NOOP("Words", "everything synced"),
    Outcome.ITEM_ISSUES: QT_TRANSLATE_NOOP("Words", "some items could not sync"),
    Outcome.FAILED: QT_TRANSLATE_NOOP("Words", "stopped by an error"),
    Outcome.CANCELLED: QT_TRANSLATE_NOOP("Words", "stopped"),
    Outcome.INTERRUPTED: QT_TRANSLATE_NOOP("Words", "interrupted"),
}
MAILBOX_TO_SALESFORCE = QT_TRANSLATE_NOOP("Words", "Mailbox → Salesforce")


def _t(text: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(text))


def kind_label(kind: ItemKind | str | None) -> str:
    """An item kind as the user reads it; ``None`` or "account" is an account-level issue."""
    if kind is None or kind == "account":
        return _t(ACCOUNT)
    return _t(KIND[ItemKind(kind)])


def source_label(source: Source | str) -> str:
    return _t(SOURCE[Source(source)])


def state_label(state: IssueState | str) -> str:
    return _t(STATE[IssueState(state)])


def outcome_label(outcome: Outcome | str) -> str:
    return _t(OUTCOME[Outcome(outcome)])


def direction_label() -> str:
    return _t(MAILBOX_TO_SALESFORCE)


def locale() -> QLocale:
    """The locale dates and numbers follow: the system's, or the language's own when Syncbar speaks another."""
    from app.ui import i18n

    system = QLocale.system()
    if system.language() == QLocale.Language.C:  # no locale set (a bare session): English, day first
        system = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    lang = i18n.language()
    if lang == "en" or system.name().split("_")[0] == lang:
        return system
    return QLocale(lang)


def _qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))  # local time, as the user's clock shows it


def when(moment: datetime) -> str:
    """A date and time, short, in the user's format (local time)."""
    return locale().toString(_qt(moment), QLocale.FormatType.ShortFormat)


def time_of(moment: datetime, seconds: bool = False) -> str:
    fmt = QLocale.FormatType.LongFormat if seconds else QLocale.FormatType.ShortFormat
    text = locale().toString(_qt(moment).time(), fmt)
    return text.split(" ")[0] if seconds else text  # the long format adds the zone's name


def day(value: date) -> str:
    """A day, short, in the user's format."""
    return locale().toString(QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat)


def day_month(value: date) -> str:
    """A day without its year (the chart's axis): the day and the month's short name, in the user's language."""
    return locale().toString(QDate(value.year, value.month, value.day), "d MMM")


def number(value: int) -> str:
    return locale().toString(value)
