"""Under the dark palette every button reads: each one the window and its dialogs show (the sign-in banner's,
the search field's clear ✕, the dialogs' Close) is rendered, its text or icon found by rendering it again
without them, and the contrast of that ink against the button's own background must reach WCAG's 4.5:1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from app.core.catalog import load_default
from app.core.service import StatusSnapshot, SyncState

MINIMUM = 4.5  # WCAG 2 AA for text


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def pixels(image: object) -> list[tuple[int, int, int]]:
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    out = []
    for y in range(img.height()):
        for x in range(img.width()):
            rgb = img.pixel(x, y)
            out.append(((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF))
    return out


@dataclass
class Measured:
    name: str
    ink: tuple[int, int, int]
    background: tuple[int, int, int]
    ratio: float


def measure(button: object) -> Measured | None:
    """The button as drawn, and drawn again without its text and icon: the pixels that differ are its ink."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QAbstractButton

    assert isinstance(button, QAbstractButton)
    drawn = pixels(button.grab().toImage())
    text, icon = button.text(), button.icon()
    button.setText("")
    button.setIcon(QIcon())
    bare = pixels(button.grab().toImage())
    button.setText(text)
    button.setIcon(icon)
    if len(bare) != len(drawn):
        return None
    # Each ink pixel against what is behind it (the same pixel drawn bare): a gradient or a focus frame
    # elsewhere on the button does not count.  The glyphs' cores carry the full ink colour: the best pixel.
    ink = [(p, q) for p, q in zip(drawn, bare, strict=True) if p != q]
    if not ink:
        return None
    strongest, behind = max(ink, key=lambda pq: contrast(*pq))
    name = f"{type(button).__name__} {text or button.toolTip() or button.objectName()!r}"
    return Measured(name, strongest, behind, contrast(strongest, behind))


def buttons_of(root: object) -> list[object]:
    from PySide6.QtWidgets import QAbstractButton, QWidget

    assert isinstance(root, QWidget)
    return [b for b in root.findChildren(QAbstractButton) if b.isVisibleTo(root) and b.isEnabled()]


@pytest.fixture
def dark(qtbot: QtBot) -> Iterator[None]:
    from PySide6.QtWidgets import QApplication

    from app.ui import theme

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    style, palette = qapp.style().name(), qapp.palette()
    theme.apply(qapp, "dark")
    try:
        yield
    finally:
        qapp.setStyle(style)
        qapp.setPalette(palette)


def check(root: object, qtbot: QtBot) -> tuple[list[Measured], list[Measured]]:
    measured = [m for b in buttons_of(root) if (m := measure(b)) is not None]
    return measured, [m for m in measured if m.ratio < MINIMUM]


def test_every_button_of_the_window_reads_in_the_dark(dark: None, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QToolButton

    from app.ui.window import SettingsWindow

    window = SettingsWindow(load_default())
    qtbot.addWidget(window)
    window.show()
    now = datetime.now(UTC)
    window.general.show_status(
        StatusSnapshot(
            state=SyncState.NEEDS_REAUTH,
            error_code="SF_AUTH_FAILED",
            error_account="anna@company.example",
            mailbox_account="anna@company.example",
            crm_account="anna@company.example",
        ),
        now,
    )
    window.issues.search.setText("x")  # the search field's clear ✕ shows once there is text
    all_measured: list[Measured] = []
    failing: list[Measured] = []
    clear_seen = False
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        qtbot.wait(400)  # the clear ✕ fades in
        measured, bad = check(window, qtbot)
        all_measured += measured
        failing += bad
        clear_seen |= any(isinstance(b, QToolButton) and not b.text() for b in buttons_of(window))
    # Sync now is off while a sign-in is needed: measure the General tab again in a state where it works
    window.general.show_status(
        StatusSnapshot(
            state=SyncState.IDLE, mailbox_account="anna@company.example", crm_account="anna@company.example"
        ),
        now,
    )
    window.tabs.setCurrentIndex(0)
    measured, bad = check(window, qtbot)
    all_measured += measured
    failing += bad
    names = " ".join(m.name for m in all_measured)
    assert "Sign in again" in names and "Sync now" in names and "Save" in names
    assert clear_seen, "the search field's clear ✕ was not measured"
    assert not failing, "\n".join(f"{m.name}: {m.ratio:.2f} ({m.ink} on {m.background})" for m in failing)


def test_every_button_of_the_dialogs_reads_in_the_dark(dark: None, qtbot: QtBot) -> None:
    import threading

    from app.ui.about import AboutDialog
    from app.ui.dialogs import DetailsDialog, ReauthDialog

    catalog = load_default()

    def never(how: str, cancelled: threading.Event, extra: str) -> str:
        raise AssertionError("no sign-in in this test")

    dialogs = [
        DetailsDialog(catalog, "SF_STORAGE_FULL", "storage", salesforce_setup_url="https://x.example/setup"),
        DetailsDialog(catalog, "SF_AUTH_FAILED"),
        ReauthDialog(catalog, "MBX_AUTH_FAILED", "anna@company.example", never, ews=True),
        AboutDialog("https://help.company.example"),
    ]
    failing: list[Measured] = []
    seen = 0
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        measured, bad = check(dialog, qtbot)
        seen += len(measured)
        failing += bad
    assert seen >= 8
    assert not failing, "\n".join(f"{m.name}: {m.ratio:.2f} ({m.ink} on {m.background})" for m in failing)


def test_the_measure_sees_dark_text_on_a_dark_button(dark: None, qtbot: QtBot) -> None:
    """Planted: a button whose text is nearly its background fails; the same button in the palette's text passes."""
    from PySide6.QtWidgets import QPushButton

    bad = QPushButton("Close")
    bad.setStyleSheet("QPushButton { background: #2d2e31; color: #3a3b3e; border: none; }")
    good = QPushButton("Close")
    for b in (bad, good):
        qtbot.addWidget(b)
        b.show()
    poor, fine = measure(bad), measure(good)
    assert poor is not None and poor.ratio < MINIMUM
    assert fine is not None and fine.ratio >= MINIMUM
