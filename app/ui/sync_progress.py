"""The running sync on the General tab: its phase, a bar, each object's counts, an honest time left, Stop.

The time left is the progress's ``eta_seconds`` as the controller measured it (``app.core.time_left``:
on the writing rate, None until steady; the controller's one-second status ticks count it down), the
same figure the status line shows.  Stop asks the cycle to end at its next safe point (the controller
sends the child SIGTERM); what it wrote stays written.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from app.core.model import ItemKind
from app.core.service import Phase, Progress


def object_name(kind: ItemKind) -> str:
    """An object's name in the tables and counts (plural, translated)."""
    names = {
        ItemKind.EMAIL: QCoreApplication.translate("GeneralTab", "Emails"),
        ItemKind.EVENT: QCoreApplication.translate("GeneralTab", "Events"),
        ItemKind.CONTACT: QCoreApplication.translate("GeneralTab", "Contacts"),
        ItemKind.TASK: QCoreApplication.translate("GeneralTab", "Tasks"),
    }
    return names.get(kind, kind.value)


def duration_text(seconds: float) -> str:
    """A duration: under a minute rounded up to 5 s ("45 s"); then whole minutes as the status line rounds them
    ("3 min", "1 h 20 min"), so the bar and the status line never name two different times."""
    if seconds < 60:
        return QCoreApplication.translate("GeneralTab", "{n} s").format(n=max(5, 5 * math.ceil(seconds / 5)))
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return QCoreApplication.translate("GeneralTab", "{n} min").format(n=minutes)
    return QCoreApplication.translate("GeneralTab", "{h} h {m} min").format(h=minutes // 60, m=minutes % 60)


class SyncProgressBox(QGroupBox):
    stop = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.tr("Sync in progress"), parent)
        self.progress: Progress | None = None
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.phase = QLabel(self.tr("Starting…"))
        self.phase.setObjectName("syncPhase")
        self.left = QLabel("")
        self.left.setObjectName("syncTimeLeft")
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop this sync at its next safe point; what it wrote stays written"))
        head.addWidget(self.phase, 1)
        head.addWidget(self.left)
        head.addWidget(self.stop_button)
        layout.addLayout(head)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(self.tr("Sync progress"))
        layout.addWidget(self.bar)
        self.counts = QLabel("")
        self.counts.setObjectName("syncCounts")
        self.counts.setWordWrap(True)
        layout.addWidget(self.counts)
        self.stop_button.clicked.connect(self._stop_clicked)
        self.setVisible(False)

    def show_progress(self, syncing: bool, progress: Progress | None) -> None:
        """The snapshot's progress; hidden when no sync runs."""
        if not syncing:
            self.setVisible(False)
            self.progress = None
            self.stop_button.setEnabled(True)
            self.stop_button.setText(self.tr("Stop"))
            return
        self.setVisible(True)
        self.progress = progress
        self.phase.setText(self.phase_text(progress))
        self._show_bar(progress)
        self.counts.setText(self.counts_text(progress))
        left = progress.eta_seconds if progress is not None and progress.done < progress.total else None
        self.left.setText("" if left is None else self.tr("About {time} left").format(time=duration_text(left)))

    def phase_text(self, p: Progress | None) -> str:
        loc = self.locale()
        if p is None:
            return self.tr("Starting…")
        done, total = loc.toString(p.done), loc.toString(p.total)
        if p.phase is Phase.READING:
            return self.tr("Reading the mailbox… {done} items read").format(done=done)
        if p.phase is Phase.MATCHING:
            return self.tr("Matching with Salesforce… {done} of {total} items checked").format(done=done, total=total)
        if p.phase is Phase.MARKING:
            return self.tr("Marking items in the mailbox… {done} of {total}").format(done=done, total=total)
        return self.tr("Writing to Salesforce… {done} of {total} items").format(done=done, total=total)

    def counts_text(self, p: Progress | None) -> str:
        if p is None or not p.kinds:
            return ""
        loc = self.locale()
        parts = []
        order = list(ItemKind)
        for k in sorted(p.kinds, key=lambda k: order.index(k.kind)):  # the tables' order: emails first
            if k.failed:
                parts.append(
                    self.tr("{object}: {synced} synced, {failed} failed").format(
                        object=object_name(k.kind), synced=loc.toString(k.synced), failed=loc.toString(k.failed)
                    )
                )
            else:
                parts.append(
                    self.tr("{object}: {synced} synced").format(
                        object=object_name(k.kind), synced=loc.toString(k.synced)
                    )
                )
        return "  ·  ".join(parts)

    def _show_bar(self, p: Progress | None) -> None:
        if p is None or p.phase is Phase.READING or p.total <= 0:
            self.bar.setRange(0, 0)  # busy: how much there is to do is not known yet
            return
        self.bar.setRange(0, p.total)
        self.bar.setValue(min(p.done, p.total))

    def _stop_clicked(self) -> None:
        self.stop_button.setEnabled(False)
        self.stop_button.setText(self.tr("Stopping…"))
        self.stop.emit()
