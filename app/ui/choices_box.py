"""The "What to sync" group the first-run setup and the Settings tab share.

What the mailbox's kind cannot sync (``app.core.mailbox_kinds.cannot_sync``) is not offered: its box is
hidden and a line under the boxes says why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox

from app.core.mailbox_kinds import MailboxKind, cannot_sync
from app.core.model import ItemKind
from app.core.profile import SyncChoices


def split_list(text: str) -> list[str]:
    """``"a.com, b.com\\nc.com"`` -> ``["a.com", "b.com", "c.com"]``."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class ChoicesBox(QGroupBox):
    """Item kinds, history window, internal domains and the never-log list; ``form`` takes more rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.tr("What to sync"), parent)
        self.form = QFormLayout(self)
        checks = QHBoxLayout()
        self.emails, self.events, self.contacts, self.tasks = (
            QCheckBox(self.tr("Emails")),
            QCheckBox(self.tr("Events")),
            QCheckBox(self.tr("Contacts")),
            QCheckBox(self.tr("Tasks")),
        )
        self.boxes = {
            ItemKind.EMAIL: self.emails,
            ItemKind.EVENT: self.events,
            ItemKind.CONTACT: self.contacts,
            ItemKind.TASK: self.tasks,
        }
        for check in self.boxes.values():
            check.setChecked(True)
            checks.addWidget(check)
        self.form.addRow(checks)
        self.not_synced = QLabel()  # why a hidden box is not offered
        self.not_synced.setTextFormat(Qt.TextFormat.PlainText)
        self.not_synced.setWordWrap(True)
        self.not_synced.setVisible(False)
        self.form.addRow(self.not_synced)
        self.history = QSpinBox()
        self.history.setRange(0, 365)
        self.history.setSuffix(self.tr(" days"))
        self.history.setAccessibleName(self.tr("History to sync"))
        self.form.addRow(self.tr("Also sync the last:"), self.history)
        self.internal = QLineEdit()
        self.internal.setPlaceholderText(self.tr("company.com, company.de"))
        self.internal.setAccessibleName(self.tr("Internal domains"))
        self.form.addRow(self.tr("Internal domains:"), self.internal)
        self.blocklist = QLineEdit()
        self.blocklist.setPlaceholderText(self.tr("addresses or @domains never to log, comma separated"))
        self.blocklist.setAccessibleName(self.tr("Never log"))
        self.form.addRow(self.tr("Never log:"), self.blocklist)
        self.set_choices(SyncChoices())

    def show_kind(self, kind: str) -> None:
        """Offer only what a mailbox of ``kind`` can sync; say why the rest is not offered."""
        missing = cannot_sync(kind)
        for item, box in self.boxes.items():
            box.setVisible(item not in missing)
        self.not_synced.setText("\n".join(self._why_not(kind, item) for item in missing))
        self.not_synced.setVisible(bool(missing))

    def _why_not(self, kind: str, item: ItemKind) -> str:
        if (kind, item) == (MailboxKind.GMAIL, ItemKind.CONTACT):
            return self.tr(
                "Contacts are not synced from Gmail: Google keeps them in Google Contacts, which Syncbar does not read."
            )
        return self.tr("{what} cannot be synced from this kind of mailbox.").format(what=self.boxes[item].text())

    def set_choices(self, choices: SyncChoices) -> None:
        for check, on in (
            (self.emails, choices.emails),
            (self.events, choices.events),
            (self.contacts, choices.contacts),
            (self.tasks, choices.tasks),
        ):
            check.setChecked(on)
        self.history.setValue(choices.history_days)
        self.internal.setText(", ".join(choices.internal_domains))
        self.blocklist.setText(", ".join(choices.blocklist))

    def applied_to(self, choices: SyncChoices) -> SyncChoices:
        """``choices`` with what this box shows."""
        return replace(
            choices,
            emails=self.emails.isChecked(),
            events=self.events.isChecked(),
            contacts=self.contacts.isChecked(),
            tasks=self.tasks.isChecked(),
            history_days=self.history.value(),
            internal_domains=split_list(self.internal.text()),
            blocklist=split_list(self.blocklist.text()),
        )
