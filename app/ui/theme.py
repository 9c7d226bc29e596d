"""Light and dark: the system's palette by default; SYNCBAR_THEME=dark|light forces one (Fusion style).

Colours of our own (state icons, the re-auth banner, the chart's bars) are chosen to read on both.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#171717",
    QPalette.ColorRole.AlternateBase: "#2a2b2e",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.Highlight: "#1f6feb",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2d2e31",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Link: "#8ab4f8",
}


def apply(app: QApplication, mode: str | None = None) -> str:
    """Apply ``mode`` (system, light, dark; default SYNCBAR_THEME or system); returns the mode applied."""
    mode = (mode or os.environ.get("SYNCBAR_THEME") or "system").lower()
    if mode == "dark":
        app.setStyle("Fusion")
        palette = QPalette()
        for role, colour in DARK.items():
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
    elif mode == "light":
        app.setStyle("Fusion")
        app.setPalette(app.style().standardPalette())
    else:
        mode = "system"
    return mode


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
