"""The Issues tab's Connectivity icons, drawn in code: an envelope (open in the mailbox), a cloud (open in Salesforce)
and the ⋮ of a row's actions. Colours read on light and dark palettes alike."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap

MAILBOX_COLOUR = "#2f81f7"
CRM_COLOUR = "#1b96d4"
SELECTED_COLOUR = "#ffffff"
SIZES = (16, 32)  # Qt scales between them; each drawn size costs start-up time


def _canvas(size: int) -> tuple[QImage, QPainter]:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return image, p


def _envelope(size: int, colour: str = MAILBOX_COLOUR) -> QPixmap:
    image, p = _canvas(size)
    u = size / 16.0
    pen = QPen(QColor(colour), max(1.0, 1.3 * u))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.drawRoundedRect(QRectF(1.5 * u, 3.5 * u, 13 * u, 9 * u), 1.2 * u, 1.2 * u)
    p.drawPolyline([QPointF(2 * u, 4.5 * u), QPointF(8 * u, 9 * u), QPointF(14 * u, 4.5 * u)])
    p.end()
    return QPixmap.fromImage(image)


def _cloud(size: int, colour: str = CRM_COLOUR) -> QPixmap:
    image, p = _canvas(size)
    u = size / 16.0
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)  # overlapping puffs fill as one shape
    path.addEllipse(QRectF(1 * u, 6 * u, 7 * u, 7 * u))
    path.addEllipse(QRectF(4 * u, 2.5 * u, 8 * u, 8 * u))
    path.addEllipse(QRectF(8.5 * u, 5.5 * u, 6.5 * u, 6.5 * u))
    path.addRect(QRectF(4.5 * u, 9 * u, 7 * u, 4 * u))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawPath(path)
    p.end()
    return QPixmap.fromImage(image)


@cache
def mailbox_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(_envelope(size))
        icon.addPixmap(_envelope(size, SELECTED_COLOUR), QIcon.Mode.Selected)  # on the highlight of a chosen row
    return icon


@cache
def crm_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(_cloud(size))
        icon.addPixmap(_cloud(size, SELECTED_COLOUR), QIcon.Mode.Selected)
    return icon
