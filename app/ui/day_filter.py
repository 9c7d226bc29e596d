"""A day picked on the General tab's chart, shown over the Issues tab: its issues only, until cleared.

The Issues tab keeps its own filters; this adds a time window (the local day) to its model's query and
a line saying so, with a button that brings every day back.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.ui.models import IssuesModel


class DayFilter(QFrame):
    def __init__(self, model: IssuesModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.model = model
        self.day: date | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("")
        self.label.setObjectName("dayFilter")
        self.clear_button = QPushButton(self.tr("Show all days"))
        row.addWidget(self.label, 1)
        row.addWidget(self.clear_button)
        self.clear_button.clicked.connect(lambda: self.set_day(None))
        self.setVisible(False)

    def set_day(self, day: date | None) -> None:
        """Issues seen on ``day`` (in local time); None: every day again."""
        self.day = day
        if day is None:
            self.model.set_day(None, None)
            self.setVisible(False)
            return
        start = datetime.combine(day, time()).astimezone()  # local midnight
        end = datetime.combine(day + timedelta(days=1), time()).astimezone()
        self.model.set_day(start, end)
        shown = self.locale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)
        self.label.setText(self.tr("Issues seen on {day}").format(day=shown))
        self.setVisible(True)
