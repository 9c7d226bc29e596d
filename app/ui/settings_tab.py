"""The Settings tab: what to sync, and the field mapping checked against the org's describe."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.mapping import DEFAULT_MAPPING, FieldInfo, FieldMapping, check_mapping, with_overrides
from app.core.model import ItemKind
from app.core.profile import SyncChoices
from app.core.rules import DEFAULT_GROUP_LOCAL_PARTS
from app.ui import words
from app.ui.background import run_in_background
from app.ui.choices_box import ChoicesBox, split_list

log = logging.getLogger("syncbar.ui")

# describe(object_type) -> {field name: describe entry}; runs on a pool thread (an API call).
Describe = Callable[[str], dict[str, Any]]


class SettingsTab(QWidget):
    save_requested = Signal(object, float)  # SyncChoices, Syncbar's share of the org's API calls (%)
    change_accounts = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = SyncChoices()
        self.describe: Describe | None = None
        layout = QVBoxLayout(self)
        # Before the first setup the settings have nothing to apply to: said here, not only greyed out.
        self.unavailable = QLabel(
            self.tr(
                "These settings apply once your mailbox and Salesforce are connected. "
                "Use “Set up accounts…” on the General tab first."
            )
        )
        self.unavailable.setObjectName("unavailable")
        self.unavailable.setWordWrap(True)
        self.unavailable.setVisible(False)
        layout.addWidget(self.unavailable)
        what = ChoicesBox()
        form = what.form
        self.what = what
        self.emails, self.events, self.contacts, self.tasks = what.emails, what.events, what.contacts, what.tasks
        self.history, self.internal, self.blocklist = what.history, what.internal, what.blocklist
        self.interval = QSpinBox()
        self.interval.setRange(5, 24 * 60)
        self.interval.setSuffix(self.tr(" minutes"))
        self.interval.setAccessibleName(self.tr("Sync every"))
        form.addRow(self.tr("Sync every:"), self.interval)
        self.colleagues = QCheckBox(self.tr("Mail among colleagues stays out of Salesforce"))
        form.addRow(self.colleagues)
        self.do_not_mail = QLineEdit()
        self.do_not_mail.setAccessibleName(self.tr("Do not mail"))
        form.addRow(self.tr("Do not mail:"), self.do_not_mail)
        self.shared = QLineEdit()
        self.shared.setAccessibleName(self.tr("Shared addresses"))
        form.addRow(self.tr("Shared addresses:"), self.shared)
        layout.addWidget(what)
        accounts = QGroupBox(self.tr("Accounts"))
        accounts_form = QFormLayout(accounts)
        self.allocation = QSpinBox()
        self.allocation.setRange(1, 100)
        self.allocation.setSuffix(" %")
        self.allocation.setAccessibleName(self.tr("API allocation"))
        accounts_form.addRow(self.tr("Salesforce API allocation (share of the org's daily calls):"), self.allocation)
        self.change_button = QPushButton(self.tr("Change accounts…"))
        accounts_form.addRow(self.change_button)
        layout.addWidget(accounts)
        stopped = QGroupBox(self.tr("When syncing stops"))
        stopped_form = QFormLayout(stopped)
        self.escalation = QCheckBox(self.tr("Email me when syncing has been stopped for"))
        self.escalate_after = QSpinBox()
        self.escalate_after.setRange(0, 7 * 24)
        self.escalate_after.setSuffix(self.tr(" hours"))
        self.escalate_after.setAccessibleName(self.tr("Email me after"))
        stopped_form.addRow(self.escalation, self.escalate_after)
        self.escalation_address = QLabel("")
        self.escalation_address.setTextFormat(Qt.TextFormat.PlainText)  # the address is the mailbox's words
        self.escalation_address.setWordWrap(True)
        stopped_form.addRow(self.escalation_address)
        self.escalation.toggled.connect(self.escalate_after.setEnabled)
        self.support_address = QLineEdit()
        self.support_address.setAccessibleName(self.tr("Support address"))
        stopped_form.addRow(self.tr("Support address:"), self.support_address)
        self.support_url = QLineEdit()
        self.support_url.setAccessibleName(self.tr("Support page"))
        stopped_form.addRow(self.tr("Support page:"), self.support_url)
        layout.addWidget(stopped)
        mapping_box = QGroupBox(self.tr("Field mapping (mailbox field → Salesforce field)"))
        mapping_layout = QVBoxLayout(mapping_box)
        self.mapping_model = QStandardItemModel(0, 4)
        self.mapping_model.setHorizontalHeaderLabels(
            [self.tr("Object"), self.tr("Mailbox field"), self.tr("Salesforce field"), self.tr("Type")]
        )
        self.mapping_view = QTableView()
        self.mapping_view.setModel(self.mapping_model)
        self.mapping_view.setAccessibleName(self.tr("Field mapping"))
        self.mapping_view.verticalHeader().setVisible(False)
        self.mapping_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        mapping_layout.addWidget(self.mapping_view)
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        mapping_layout.addWidget(self.problems)
        layout.addWidget(mapping_box, 1)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check against Salesforce"))
        self.reset_button = QPushButton(self.tr("Restore defaults"))
        self.save_button = QPushButton(self.tr("Save"))
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.check_button.clicked.connect(self.check)
        self.reset_button.clicked.connect(lambda: self._fill_mapping(DEFAULT_MAPPING))
        self.save_button.clicked.connect(
            lambda: self.save_requested.emit(self.edited_choices(), float(self.allocation.value()))
        )
        self.change_button.clicked.connect(self.change_accounts)

    def set_available(self, available: bool) -> None:
        """Greyed out, with the reason on top, until there is an account to apply the settings to."""
        self.unavailable.setVisible(not available)
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child is not self.unavailable:
                child.setEnabled(available)

    # -- in and out ---------------------------------------------------------------------

    def show_choices(
        self,
        choices: SyncChoices,
        allocation_percent: float = 10.0,
        mailbox_address: str = "",
        company_support: tuple[str, str] = ("", ""),
        *,
        default_support_address: str = "",
    ) -> None:
        """``company_support``: the address and page the company configured (or the default), shown when the
        user has not chosen their own; ``default_support_address`` is Syncbar's own, never shown as the user's."""
        self.choices = choices
        self.support_address.setPlaceholderText(company_support[0])
        self.support_url.setPlaceholderText(company_support[1] or "https://")
        own = (
            choices.support_address
            if choices.support_address not in (company_support[0], default_support_address)
            else ""
        )
        self.support_address.setText(own)
        self.support_url.setText(choices.support_url if choices.support_url != company_support[1] else "")
        self.allocation.setValue(round(allocation_percent))
        self.escalation.setChecked(choices.escalation_email)
        self.escalate_after.setEnabled(choices.escalation_email)
        self.escalate_after.setValue(round(choices.escalate_after_minutes / 60))
        self.escalation_address.setText(
            self.tr(
                "Sent to {address}, from your mailbox when Salesforce is what fails, through Salesforce when "
                "your mailbox is; once per problem, at most once a day."
            ).format(address=mailbox_address or self.tr("your mailbox address"))
        )
        self.what.set_choices(choices)
        self.interval.setValue(choices.interval_minutes)
        self.colleagues.setChecked(choices.colleagues_internal)
        self.do_not_mail.setText(", ".join(choices.do_not_mail))
        shared = choices.shared_addresses if choices.shared_addresses is not None else DEFAULT_GROUP_LOCAL_PARTS
        self.shared.setText(", ".join(sorted(shared)))
        self._fill_mapping(with_overrides(DEFAULT_MAPPING, choices.field_overrides))

    def _fill_mapping(self, mapping: FieldMapping) -> None:
        self.mapping_model.removeRows(0, self.mapping_model.rowCount())
        for kind, object_mapping in mapping.objects.items():
            for rule in object_mapping.fields:
                if not rule.source or rule.source.startswith("@"):
                    continue  # constants and the matched Contact/Lead are not the user's to move
                cells = [
                    QStandardItem(f"{words.kind_label(kind)} → {object_mapping.object_type}"),
                    QStandardItem(rule.source),
                    QStandardItem(rule.target),
                    QStandardItem(rule.sf_type),
                ]
                for i, cell in enumerate(cells):
                    editable = i == 2
                    cell.setEditable(editable)
                    cell.setData(kind.value, Qt.ItemDataRole.UserRole)
                self.mapping_model.appendRow(cells)
        self.problems.setText("")

    def overrides(self) -> list[dict[str, str]]:
        """The rows that differ from the defaults, as the profile keeps them."""
        changes = []
        for row in range(self.mapping_model.rowCount()):
            kind = str(self.mapping_model.item(row, 0).data(Qt.ItemDataRole.UserRole))
            source = self.mapping_model.item(row, 1).text()
            target = self.mapping_model.item(row, 2).text().strip()
            default = next((r for r in DEFAULT_MAPPING.for_kind(ItemKind(kind)).fields if r.source == source), None)
            if target and (default is None or default.target != target):
                changes.append(
                    {"kind": kind, "source": source, "target": target, "type": self.mapping_model.item(row, 3).text()}
                )
        return changes

    def mapping(self) -> FieldMapping:
        return with_overrides(DEFAULT_MAPPING, self.overrides())

    def edited_choices(self) -> SyncChoices:
        return replace(
            self.what.applied_to(self.choices),
            interval_minutes=self.interval.value(),
            colleagues_internal=self.colleagues.isChecked(),
            do_not_mail=split_list(self.do_not_mail.text()),
            shared_addresses=split_list(self.shared.text()),
            field_overrides=self.overrides(),
            escalation_email=self.escalation.isChecked(),
            support_address=self.support_address.text().strip(),
            support_url=self.support_url.text().strip(),
            escalate_after_minutes=self.escalate_after.value() * 60,
        )

    # -- checking against the org ---------------------------------------------------------

    def check(self) -> None:
        describe = self.describe
        if describe is None:
            self.problems.setText(self.tr("Set up the Salesforce account first."))
            return
        mapping = self.mapping()
        self.check_button.setEnabled(False)
        self.problems.setText(self.tr("Reading the fields of your Salesforce org…"))

        def work() -> list[Any]:
            objects = {m.object_type for m in mapping.objects.values()}
            described = {
                obj: {name: FieldInfo.from_describe(data) for name, data in describe(obj).items()}
                for obj in sorted(objects)
            }
            return list(check_mapping(mapping, described))

        def failed(exc: Exception) -> None:
            log.warning("checking the field mapping did not complete", exc_info=exc)
            self._checked(None, str(exc) or type(exc).__name__)

        run_in_background(work, lambda problems: self._checked(problems, ""), failed)

    def _checked(self, problems: list[Any] | None, error: str) -> None:
        self.check_button.setEnabled(True)
        if problems is None:
            self.problems.setText(self.tr("Could not read the org's fields: {error}").format(error=error))
            return
        if not problems:
            self.problems.setText(self.tr("Every mapped field exists in Salesforce and takes these values."))
            return
        self.problems.setText("\n".join(f"{p.code}: {p.message}" for p in problems))
