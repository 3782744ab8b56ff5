"""How the product's modules depend on each other: no module imports, directly or through others,
one that imports it back, not even from inside a function."""

import ast
from pathlib import Path

from django.conf import settings

PACKAGES = ("core", "summaries")


def _product_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (settings.BASE_DIR / package).rglob("*.py"):
            parts = path.relative_to(settings.BASE_DIR).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The product modules `path` imports anywhere in it (a name imported from a package counts as its module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in modules}
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, finished = [], set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(path[path.index(module) :] + [module])
            return
        if module in finished:
            return
        for imported in sorted(graph[module]):
            visit(imported, path + [module])
        finished.add(module)

    for module in sorted(graph):
        visit(module, [])
    return cycles


def test_the_product_has_no_import_cycles():
    modules = _product_modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    assert "summaries.services.publishing" in graph and graph["summaries.tasks"], "the graph was read"
    assert _cycles(graph) == []


def test_a_cycle_would_be_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
