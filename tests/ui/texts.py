"""Every text a person can read in a widget tree: labels, buttons, group titles, tabs, headers, tooltips,
window titles, menu actions, placeholders, combo items — what the first-run and the Swedish tests read."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QWidget,
)


@dataclass(frozen=True)
class Seen:
    where: str  # the widget's class and object name, and which of its texts
    text: str


def _plain(text: str) -> str:
    if "<" in text and ">" in text:  # a rich-text label: read what it shows, not its tags
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__}#{widget.objectName() or '?'}"


def _header_texts(view: QTableView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts = []
    for section in range(model.columnCount(QModelIndex())):
        if view.isColumnHidden(section):
            continue
        value = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if value is not None:
            texts.append(str(value))
    return texts


def _cell_texts(view: QTableView, rows: int = 30) -> list[str]:
    """The cells and their tooltips (the first rows: what is on screen)."""
    model = view.model()
    if model is None:
        return []
    texts = []
    for row in range(min(rows, model.rowCount(QModelIndex()))):
        for column in range(model.columnCount(QModelIndex())):
            if view.isColumnHidden(column):
                continue
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if isinstance(value, str) and value:
                    texts.append(value)
    return texts


def visible_texts(root: QWidget, *, cells: bool = True) -> list[Seen]:
    """The texts of ``root`` and every widget under it that is shown (or would be, once its tab is chosen)."""
    seen: list[Seen] = []

    def add(widget: QWidget, what: str, text: str) -> None:
        text = _plain(text).strip()
        if text:
            seen.append(Seen(f"{_name(widget)}.{what}", text))

    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisibleTo(root) and w is not root and not isinstance(w, QMenu):
            continue
        if isinstance(w, QMenu) and w.parent() is not None and isinstance(w.parent(), QWidget):
            owner = w.parent()
            if isinstance(owner, QWidget) and owner is not root and not owner.isVisibleTo(root):
                continue
        add(w, "toolTip", w.toolTip())
        if w.isWindow():
            add(w, "windowTitle", w.windowTitle())
        if isinstance(w, (QLabel, QAbstractButton)):
            add(w, "text", w.text())
        elif isinstance(w, QGroupBox):
            add(w, "title", w.title())
        elif isinstance(w, (QLineEdit, QPlainTextEdit)):
            add(w, "placeholder", w.placeholderText())
        elif isinstance(w, QAbstractSpinBox):
            add(w, "suffix", getattr(w, "suffix", lambda: "")())
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                add(w, f"item{i}", w.itemText(i))
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(w, f"tab{i}", w.tabText(i))
                add(w, f"tabToolTip{i}", w.tabToolTip(i))
        elif isinstance(w, QMenu):
            add(w, "title", w.title())
            for action in w.actions():
                add(w, f"action:{action.objectName()}", action.text().replace("&", ""))
                add(w, "actionToolTip", action.toolTip() if action.toolTip() != action.text() else "")
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                add(w, f"row{i}", w.item(i).text())
        elif isinstance(w, QTableView):
            for text in _header_texts(w):
                add(w, "header", text)
            if cells:
                for text in _cell_texts(w):
                    add(w, "cell", text)
        if isinstance(w, QMainWindow):
            bar = w.menuBar()
            for action in bar.actions():
                add(w, "menu", action.text().replace("&", ""))
    return seen
