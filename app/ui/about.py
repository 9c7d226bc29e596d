"""About Syncbar: the version, the licences of the libraries it ships with, and where help is.

The licences are read from the installed distributions' metadata (``importlib.metadata``) when the dialog
opens, so an upgraded library shows its own terms; the fallback is what each library is known to ship under,
for a build that carries no metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import __version__

# (distribution, the name shown, the licence it ships under when its metadata cannot be read)
BUNDLED = (
    ("PySide6-Essentials", "PySide6 (Qt for Python)", "LGPL-3.0-only"),
    ("keyring", "keyring", "MIT"),
    ("requests", "requests", "Apache-2.0"),
    ("msal", "MSAL for Python", "MIT"),
    ("exchangelib", "exchangelib", "BSD-2-Clause"),
    ("simple-salesforce", "simple-salesforce", "Apache-2.0"),
    ("google-auth-oauthlib", "google-auth-oauthlib", "Apache-2.0"),
    ("google-auth", "google-auth", "Apache-2.0"),
    ("cryptography", "cryptography", "Apache-2.0 OR BSD-3-Clause"),
    ("pyspnego", "pyspnego", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
)

_CLASSIFIER_PREFIX = "License :: OSI Approved :: "


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def licence_of(meta: Any, fallback: str) -> str:
    """The licence a distribution declares: its SPDX expression, its License field when short, its classifier."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 60:  # some put the whole licence text here
        return field
    classifiers = [
        c[len(_CLASSIFIER_PREFIX) :] for c in meta.get_all("Classifier") or [] if c.startswith(_CLASSIFIER_PREFIX)
    ]
    return ", ".join(classifiers) or fallback


def bundled_libraries() -> list[Library]:
    found = []
    for dist, shown, fallback in BUNDLED:
        try:
            meta = metadata.metadata(dist)
        except metadata.PackageNotFoundError:
            continue  # not part of this build
        found.append(Library(shown, str(meta["Version"] or ""), licence_of(meta, fallback)))
    return found


def docs_url(company_url: str = "") -> str:
    """Help for this copy: the company's support page when it set one, else the project's documentation
    (the URL the distribution declares, else the documentation shipped with the checkout)."""
    if company_url:
        return company_url
    try:
        for entry in metadata.metadata("syncbar").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() in ("documentation", "docs", "homepage") and url.strip():
                return str(url.strip())
    except metadata.PackageNotFoundError:
        pass
    readme = Path(__file__).resolve().parents[2] / "README.md"
    return QUrl.fromLocalFile(str(readme)).toString() if readme.is_file() else ""


class AboutDialog(QDialog):
    def __init__(self, help_url: str = "", parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Syncbar"))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Syncbar {version}").format(version=__version__))
        heading.setObjectName("version")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        intro = QLabel(self.tr("Keeps your mailbox and Salesforce in step."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.help_url = docs_url(help_url)
        if self.help_url:
            words = self.tr("Help and documentation")
            link = QLabel(f'<a href="{_esc(self.help_url)}">{_esc(words)}</a>')
            link.setObjectName("help")
            link.setTextFormat(Qt.TextFormat.RichText)  # built here from an escaped address only
            link.setToolTip(self.help_url)
            link.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
            layout.addWidget(link)
        layout.addWidget(QLabel(self.tr("Syncbar is built with these libraries:")))
        self.libraries = bundled_libraries()
        self.table = QTableWidget(len(self.libraries), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Library"), self.tr("Version"), self.tr("Licence")])
        self.table.setAccessibleName(self.tr("Libraries and their licences"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, lib in enumerate(self.libraries):
            for column, text in enumerate((lib.name, lib.version, lib.licence)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 440)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
