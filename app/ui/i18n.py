"""The app's language: English, or Swedish when the system (or SYNCBAR_LANG) asks for it.

Texts come from resources/translations/syncbar_<lang>.qm (built by pyside6-lrelease from the .ts
files that pyside6-lupdate extracts from app/ui); Qt's own dialog buttons from Qt's translations.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.core.resources import resource_path

LANGUAGES = ("sv",)


def language() -> str:
    wanted = os.environ.get("SYNCBAR_LANG") or QLocale.system().name()
    code = wanted.split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def install(app: QCoreApplication, lang: str | None = None) -> list[QTranslator]:
    """Install the translators for ``lang`` (default: the system's); returns them (the app keeps them alive)."""
    code = lang or language()
    if code == "en":
        return []
    installed = []
    ours = QTranslator(app)
    if ours.load(str(resource_path(f"translations/syncbar_{code}.qm"))):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    app.setProperty("syncbar_translators", installed)
    return installed


def remove(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
