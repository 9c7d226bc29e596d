"""The General tab's 7-day chart: a bar per day, synced (green) under failed (red), values on the bars.

A day's failures are drawn at least ``MIN_FAILED_PX`` high, so 5 failures beside 326 synced items
stay visible; the numbers say the true sizes.  Dates are in the user's locale format; a click on a
day emits ``day_clicked`` with that date (the window filters the Issues tab to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

SYNCED = QColor("#1a7f37")
FAILED = QColor("#cf222e")
MIN_FAILED_PX = 4  # a non-zero failure count is never thinner than this
LEGEND_H = 18
LABEL_H = 16
VALUE_H = 14


@dataclass(frozen=True)
class DayBar:
    day: date
    synced: int
    failed: int


class HistoryChart(QWidget):
    """Bars per day for the last 7 days: synced (green) and failed (red)."""

    day_clicked = Signal(object)  # datetime.date

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: list[DayBar] = []
        self.setMinimumHeight(130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Click a day to see its issues"))

    # -- data ---------------------------------------------------------------------------

    def set_days(self, days: list[DayBar]) -> None:
        self.days = days
        self.setAccessibleDescription(
            "; ".join(
                self.tr("{day}: {synced} synced, {failed} failed").format(
                    day=self.day_label(d.day), synced=self._number(d.synced), failed=self._number(d.failed)
                )
                for d in days
            )
        )
        self.update()

    def day_label(self, day: date) -> str:
        return self.locale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)

    def _number(self, n: int) -> str:
        return self.locale().toString(n)

    # -- geometry -----------------------------------------------------------------------

    def bar_rects(self) -> list[tuple[QRect, QRect]]:
        """Per day: the synced bar and the failed bar above it (empty rects for zero)."""
        if not self.days:
            return []
        w, h = self.width(), self.height()
        top = LEGEND_H + VALUE_H
        base = h - LABEL_H
        room = max(1, base - top)
        peak = max(1, max(d.synced + d.failed for d in self.days))
        slot = w / len(self.days)
        out: list[tuple[QRect, QRect]] = []
        for i, d in enumerate(self.days):
            x = int(i * slot + slot * 0.2)
            bw = max(2, int(slot * 0.6))
            fh = round(room * d.failed / peak)
            if d.failed:
                fh = max(fh, MIN_FAILED_PX)
            sh = min(round(room * d.synced / peak), room - fh)
            if d.synced:
                sh = max(sh, 1)
            out.append((QRect(x, base - sh, bw, sh), QRect(x, base - sh - fh, bw, fh)))
        return out

    def day_at(self, x: int) -> date | None:
        if not self.days or not 0 <= x < self.width():
            return None
        return self.days[min(len(self.days) - 1, int(x * len(self.days) / max(1, self.width())))].day

    # -- Qt -----------------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton:
            day = self.day_at(int(event.position().x()))
            if day is not None:
                self.day_clicked.emit(day)
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)  # light and dark palettes alike
        p.setPen(text)
        w, h = self.width(), self.height()
        if not self.days:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No sync in the last 7 days"))
            p.end()
            return
        self._legend(p, text)
        slot = w / len(self.days)
        metrics = QFontMetrics(self.font())
        for i, (d, (synced, failed)) in enumerate(zip(self.days, self.bar_rects(), strict=True)):
            p.fillRect(synced, SYNCED)
            p.fillRect(failed, FAILED)
            top = failed.top() if d.failed else synced.top()
            values = self._number(d.synced)
            if d.failed:
                values += " · "
            cell = QRect(int(i * slot), top - VALUE_H, int(slot), VALUE_H)
            if d.failed:  # the synced count in the text colour, the failed one in red, side by side
                failed_text = self._number(d.failed)
                full = values + failed_text
                left = cell.center().x() - metrics.horizontalAdvance(full) // 2
                p.setPen(text)
                p.drawText(left, cell.bottom() - metrics.descent(), values)
                p.setPen(FAILED.lighter(130) if text.lightness() > 128 else FAILED)
                p.drawText(left + metrics.horizontalAdvance(values), cell.bottom() - metrics.descent(), failed_text)
                p.setPen(text)
            elif d.synced:
                p.drawText(cell, Qt.AlignmentFlag.AlignCenter, values)
            p.drawText(
                int(i * slot), h - LABEL_H, int(slot), LABEL_H, Qt.AlignmentFlag.AlignCenter, self.day_label(d.day)
            )
        p.end()

    def _legend(self, p: QPainter, text: QColor) -> None:
        metrics = QFontMetrics(self.font())
        x = 4
        for colour, label in ((SYNCED, self.tr("Synced")), (FAILED, self.tr("Failed"))):
            p.fillRect(x, 4, 10, 10, colour)
            x += 14
            p.setPen(text)
            p.drawText(x, 4 + metrics.ascent() - 1, label)
            x += metrics.horizontalAdvance(label) + 16
