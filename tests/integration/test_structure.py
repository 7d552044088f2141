"""The integration's shape: imports go one way, the API client stands alone."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from homeassistant.const import Platform
import pytest

PACKAGE = Path(__file__).parents[2] / "custom_components" / "bithuman"
MAX_LINES = 420


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    name = ".".join(parts)
    return name.removesuffix(".__init__") or "__init__"


def _imports(path: Path) -> set[str]:
    """Return the integration's own modules a module imports (at run time)."""
    module = _module(path)
    package = module.rsplit(".", 1)[0] if "." in module else ""
    if path.name == "__init__.py":
        package = module if module != "__init__" else ""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            # Types only: not an import at run time.
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, node.module] if node.module else base)
            found.add(target.split(".")[0] if target.startswith("api") else target)
    return found - {""}


GRAPH = {
    _module(path): _imports(path)
    for path in PACKAGE.rglob("*.py")
    if path.relative_to(PACKAGE).parts[0] != "api"
}


def test_no_import_cycle() -> None:
    """Platforms and actions -> coordinator -> client: nothing imports back."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        assert module not in visiting, " -> ".join([*visiting, module])
        if module in done or module not in GRAPH:
            return
        visiting.append(module)
        for imported in GRAPH[module]:
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in GRAPH:
        visit(module)


@pytest.mark.parametrize("module", ["coordinator", "schedule", "errors"])
def test_core_modules_import_no_platform(module: str) -> None:
    platforms = {
        "sensor",
        "binary_sensor",
        "button",
        "switch",
        "notify",
        "image",
        "tts",
    }
    assert not GRAPH[module] & (platforms | {"services", "actions", "__init__"})


def test_the_api_client_imports_no_home_assistant() -> None:
    """`api/` is publishable on its own: aiohttp, pydantic and yarl only."""
    for path in (PACKAGE / "api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            assert not any(name.startswith("homeassistant") for name in names), path


def test_modules_stay_small() -> None:
    """One idea per module: none much over 400 lines."""
    sizes = {
        str(path.relative_to(PACKAGE)): len(
            path.read_text(encoding="utf-8").splitlines()
        )
        for path in PACKAGE.rglob("*.py")
    }
    assert {name: size for name, size in sizes.items() if size > MAX_LINES} == {}


def _components_used(path: Path) -> set[str]:
    """Return the Home Assistant integrations a module imports (at run time)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    used: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "homeassistant.components"
        ):
            used |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "homeassistant.components."
        ):
            used.add((node.module or "").split(".")[2])
    return used


def test_every_integration_used_is_declared() -> None:
    """As hassfest checks: an integration imported is a dependency or a platform.

    Platforms and the integrations hassfest always allows need no entry;
    anything else has to be in `dependencies` or `after_dependencies`, so
    Home Assistant sets it up first.
    """
    manifest = json.loads((PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    declared = {
        *manifest.get("dependencies", []),
        *manifest.get("after_dependencies", []),
        *(platform.value for platform in Platform),
        "websocket_api",
        *(path.stem for path in PACKAGE.glob("*.py")),
    }
    used = {
        component: sorted(
            str(path.relative_to(PACKAGE))
            for path in PACKAGE.rglob("*.py")
            if component in _components_used(path)
        )
        for path in PACKAGE.rglob("*.py")
        for component in _components_used(path)
    }
    assert {c: where for c, where in used.items() if c not in declared} == {}
