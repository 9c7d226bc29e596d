"""The "What to sync" group the first-run setup and the Settings tab share."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QSpinBox

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
        for check in (self.emails, self.events, self.contacts, self.tasks):
            check.setChecked(True)
            checks.addWidget(check)
        self.form.addRow(checks)
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
