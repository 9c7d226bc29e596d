"""The one-way import rule (docs/architecture.md), checked in fresh interpreters."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import app

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = (
    "PySide6",
    "shiboken6",
    "simple_salesforce",
    "exchangelib",
    "msal",
    "google",
    "googleapiclient",
    "keyring",
    "requests",
    "app.ui",
    "app.providers",
    "app.emulators",
    "app.auth",
)


def _modules(package: str) -> list[str]:
    pkg = __import__(package, fromlist=["_"])
    return [package] + [f"{package}.{m.name}" for m in pkgutil.walk_packages(pkg.__path__)]


def _imported_after(modules: list[str]) -> set[str]:
    code = f"import sys, json\nfor m in {modules!r}:\n    __import__(m)\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    import json

    return set(json.loads(out.stdout))


def test_core_imports_no_qt_and_no_service_library() -> None:
    loaded = _imported_after(_modules("app.core"))
    bad = sorted(m for m in loaded for f in FORBIDDEN_IN_CORE if m == f or m.startswith(f + "."))
    assert bad == [], f"app.core pulled in {bad}"


def test_core_imports_with_pyside_blocked() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pkgutil, app.core\n"
        "for m in pkgutil.walk_packages(app.core.__path__, 'app.core.'):\n"
        "    __import__(m.name)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_emulators_import_nothing_else_from_app() -> None:
    loaded = _imported_after(_modules("app.emulators"))
    others = sorted(m for m in loaded if m.startswith("app.") and not m.startswith("app.emulators"))
    assert others == [], f"app.emulators imported {others}"


def test_version_is_exposed() -> None:
    assert app.__version__.count(".") == 2
