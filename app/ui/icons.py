"""Icons drawn with QPainter (no image plugin needed): the app mark, coloured by sync state."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from app.core.resources import resource_path
from app.core.status_text import Tone

STATE_COLOURS = {
    "synced": "#1a7f37",  # green
    "issues": "#bf8700",  # dark amber: synced, with item issues
    "waiting": "#e8a200",  # amber: waiting, goes on by itself (a slow-down, an outage, a daily limit)
    "syncing": "#1f6feb",  # blue
    "paused": "#6e7781",  # grey
    "error": "#cf222e",  # red
    "signin": "#d1580b",  # orange
}


def tone_key(tone: Tone) -> str:
    """The icon for a presentation's tone (status_text.present); "not set up" is the neutral grey."""
    return "paused" if tone is Tone.NOT_SET_UP else tone.value


@cache
def state_icon(key: str) -> QIcon:
    """Our SVG for the state (resources/icons/state-<key>.svg); drawn in code if the SVG engine is missing."""
    try:
        icon = QIcon(str(resource_path(f"icons/state-{key}.svg")))
    except FileNotFoundError:
        icon = QIcon()
    if not icon.isNull() and not icon.pixmap(16, 16).isNull():
        return icon
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        icon.addPixmap(_draw(size, STATE_COLOURS.get(key, STATE_COLOURS["synced"])))
    return icon


def app_icon() -> QIcon:
    return state_icon("syncing")


def _draw(size: int, colour: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = size / 64.0
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawRoundedRect(QRectF(4 * unit, 4 * unit, 56 * unit, 56 * unit), 12 * unit, 12 * unit)
    pen = QPen(QColor("#ffffff"), max(1.5, 5 * unit))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    for points in (((18, 26), (40, 26), (34, 20)), ((46, 38), (24, 38), (30, 44))):
        p.drawPolyline([QPointF(x * unit, y * unit) for x, y in points])
    p.end()
    return pixmap
