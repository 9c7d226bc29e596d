"""The one-way import rule (docs/architecture.md).

Two kinds of check. The static one reads every ``import`` in ``app/`` with ``ast`` — function-level imports
included, since a cycle or a wrong direction hidden inside a function is still one — and holds the allowed
directions between our own packages, plus no import cycle among ``app`` modules. The runtime ones import a
layer in a fresh interpreter and look at what got loaded, which also catches third-party libraries (Qt,
service clients) pulled in by ``app.core``.

Known violations are listed by name, each pair (importer, imported) on its own, so the lists can only shrink:
a new wrong import fails even next to an old one. Issue 16 (the composition package, ``app/net``, a UI handed
its backend) removes them.
"""

from __future__ import annotations

import ast
import itertools
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import app

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

# --- the static import graph --------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    """``app/ui/app.py`` -> ``app.ui.app``; ``app/core/__init__.py`` -> ``app.core``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """Every ``app`` module ``source`` imports, wherever the statement stands (top level, function, ``if``).

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module, else ``a.b``.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m == "app" or m.startswith("app.")}


def import_graph(sources: Mapping[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the ``app`` modules it imports; ``sources`` maps a module name to (its text, is a package)."""
    known = set(sources)
    return {name: imports_of(text, name, is_pkg, known) - {name} for name, (text, is_pkg) in sources.items()}


def read_sources(root: Path) -> dict[str, tuple[str, bool]]:
    return {
        module_name(path, root): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(root.rglob("*.py"))
    }


# --- the rules ----------------------------------------------------------------------------------

# Layer of a module: the first matching prefix. ``app.compose`` is the composition root and may import
# anything; ``app`` itself (the version) and ``app.__main__`` (the entry point) belong to no layer.
LAYERS = ("app.core", "app.net", "app.providers", "app.auth", "app.emulators", "app.ui", "app.compose")

# What each layer may import of ours besides itself.
ALLOWED: dict[str, tuple[str, ...]] = {
    "app.core": (),
    "app.net": ("app.core",),
    "app.providers": ("app.core", "app.net"),
    "app.auth": ("app.core", "app.net"),
    "app.emulators": (),
    "app.ui": ("app.core",),
    "app.compose": ("app.core", "app.net", "app.providers", "app.auth", "app.emulators", "app.ui"),
}

# Known violations, one (importer, imported) pair each; the list may only shrink. None left (issue 16).
KNOWN_EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()

# Today's cycles, each broken by removing one named edge; the list may only shrink (issue 16).
KNOWN_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()  # none left


def layer_of(module: str) -> str | None:
    for layer in LAYERS:
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def wrong_imports(
    graph: Mapping[str, Iterable[str]], known: frozenset[tuple[str, str]] = KNOWN_EXCEPTIONS
) -> list[str]:
    """Imports against the allowed directions and not among the known exceptions, as "a -> b" lines."""
    bad = []
    for importer, targets in sorted(graph.items()):
        layer = layer_of(importer)
        if layer is None:
            continue
        for target in sorted(targets):
            allowed = (layer, *ALLOWED[layer])
            if target == "app" and layer != "app.emulators":
                continue  # ``from app import __version__``: the package root holds only the version
            if layer_of(target) in allowed or (importer, target) in known:
                continue
            bad.append(f"{importer} -> {target} ({layer} may import {', '.join(ALLOWED[layer]) or 'nothing of ours'})")
    return bad


def stale_exceptions(graph: Mapping[str, Iterable[str]], known: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Listed exceptions that no longer happen: remove them so they cannot come back unnoticed."""
    return sorted(pair for pair in known if pair[1] not in graph.get(pair[0], ()))


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, ..., a]``, or None (iterative depth-first search)."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for start in sorted(graph):
        if colour[start] != white:
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(t for t in graph[start] if t in colour))]
        path = [start]
        colour[start] = grey
        while stack:
            node, todo = stack[-1]
            if not todo:
                colour[node] = black
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop(0)
            if colour[nxt] == grey:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append((nxt, sorted(t for t in graph[nxt] if t in colour)))
    return None


def without_edges(graph: Mapping[str, Iterable[str]], edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    cut = set(edges)
    return {a: {b for b in targets if (a, b) not in cut} for a, targets in graph.items()}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(read_sources(APP))


def test_every_layer_imports_only_in_its_allowed_directions(graph: dict[str, set[str]]) -> None:
    assert wrong_imports(graph) == []


def test_known_exceptions_still_happen(graph: dict[str, set[str]]) -> None:
    assert stale_exceptions(graph, KNOWN_EXCEPTIONS) == [], "fixed: remove them from KNOWN_EXCEPTIONS"
    assert stale_exceptions(graph, KNOWN_CYCLE_EDGES) == [], "fixed: remove them from KNOWN_CYCLE_EDGES"


def test_no_import_cycle_among_app_modules(graph: dict[str, set[str]]) -> None:
    cycle = find_cycle(without_edges(graph, KNOWN_CYCLE_EDGES))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_graph_sees_function_level_imports(graph: dict[str, set[str]]) -> None:
    # ``app.ui.app`` imports the setup dialog inside a method, the desktop entry the UI inside ``run``; a
    # top-level-only reader would miss them
    assert "app.ui.setup_dialog" in graph["app.ui.app"]
    assert "app.compose.desktop" in graph["app.compose.cli"]
    assert "app.ui.app" in graph["app.compose.desktop"]


# --- the checker checked: planted mistakes must fail --------------------------------------------


def _planted(extra: dict[str, str]) -> dict[str, set[str]]:
    sources = read_sources(APP)
    for name, text in extra.items():
        sources[name] = (text, False)
    return import_graph(sources)


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        ("app.core.planted", "from app.ui import icons\n", "app.core.planted -> app.ui.icons"),
        ("app.core.planted", "def f():\n    import app.compose.wiring\n", "app.core.planted -> app.compose.wiring"),
        ("app.emulators.planted", "from app.core.model import Issue\n", "app.emulators.planted -> app.core.model"),
        ("app.emulators.planted", "from app.core import profile\n", "app.emulators.planted -> app.core.profile"),
        (
            "app.providers.planted",
            "from app.auth.tokens import TokenStore\n",
            "app.providers.planted -> app.auth.tokens",
        ),
        (
            "app.auth.planted",
            "from app.providers.graph import GraphClient\n",
            "app.auth.planted -> app.providers.graph",
        ),
        (
            "app.net.planted",
            "from app.providers.graph import client\n",
            "app.net.planted -> app.providers.graph.client",
        ),
        (
            "app.net.planted",
            "def f():\n    from app.auth.tokens import TokenStore\n",
            "app.net.planted -> app.auth.tokens",
        ),
        ("app.net.planted", "from app.compose import wiring\n", "app.net.planted -> app.compose.wiring"),
        ("app.net.planted", "from ..ui import icons\n", "app.net.planted -> app.ui.icons"),
        ("app.ui.planted", "if True:\n    from app.compose import wiring\n", "app.ui.planted -> app.compose.wiring"),
        ("app.ui.planted", "from ..compose.paths import Paths\n", "app.ui.planted -> app.compose.paths"),
    ],
)
def test_a_planted_wrong_import_fails(module: str, text: str, expected: str) -> None:
    bad = wrong_imports(_planted({module: text}))
    assert [line.split(" (")[0] for line in bad] == [expected]


def test_a_known_exception_covers_only_its_own_pair() -> None:
    # listed: app.ui.planted_a may import app.compose.wiring; app.ui.planted_b, importing the same, may not
    graph = _planted(
        {"app.ui.planted_a": "from app.compose import wiring\n", "app.ui.planted_b": "from app.compose import wiring\n"}
    )
    known = KNOWN_EXCEPTIONS | {("app.ui.planted_a", "app.compose.wiring")}
    assert [line.split(" (")[0] for line in wrong_imports(graph, known)] == ["app.ui.planted_b -> app.compose.wiring"]


def test_a_planted_cycle_is_reported_with_its_path() -> None:
    graph = without_edges(
        _planted(
            {
                "app.core.planted_a": "import app.core.planted_b\n",
                "app.core.planted_b": "def f():\n    from app.core import planted_a\n",
            }
        ),
        KNOWN_CYCLE_EDGES,
    )
    assert find_cycle(graph) == ["app.core.planted_a", "app.core.planted_b", "app.core.planted_a"]


def test_a_longer_planted_cycle_through_existing_modules_is_found() -> None:
    # model imports nothing of the UI; plant it and the path runs through the real graph back to model
    graph = without_edges(_planted({}), KNOWN_CYCLE_EDGES)
    graph["app.core.model"] = graph["app.core.model"] | {"app.ui.window"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert ("app.core.model", "app.ui.window") in itertools.pairwise(cycle)


def test_a_stale_exception_is_reported() -> None:
    assert stale_exceptions({"app.ui.app": set()}, {("app.ui.app", "app.compose.wiring")}) == [
        ("app.ui.app", "app.compose.wiring")
    ]


# --- runtime checks: what a layer pulls in when imported ----------------------------------------

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


def test_the_ui_loads_nothing_of_ours_beyond_the_core() -> None:
    # the static check reads import statements; this one also sees an import by name at run time
    loaded = _imported_after(_modules("app.ui"))
    others = sorted(m for m in loaded if m.startswith("app.") and not m.startswith(("app.ui", "app.core")))
    assert others == [], f"app.ui loaded {others}"


def test_version_is_exposed() -> None:
    assert app.__version__.count(".") == 2


def test_net_imports_nothing_of_ours_but_the_core() -> None:
    loaded = _imported_after(_modules("app.net"))
    others = sorted(m for m in loaded if m.startswith("app.") and not m.startswith(("app.net", "app.core")))
    assert others == [], f"app.net imported {others}"
