"""The site package's imports run one way: read from the source, so it stays true."""

from __future__ import annotations

import ast

from tests.site.conftest import REPO

SITE = REPO / "plugins" / "skillshelf" / "site"
PACKAGE = "skillshelf.site"


def imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    module = node.module or ""
    # "from skillshelf.site import render" imports the module skillshelf.site.render
    return [f"{module}.{alias.name}" for alias in node.names] + [module]


def site_modules() -> dict[str, ast.Module]:
    return {
        f"{PACKAGE}.{path.stem}": ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SITE.glob("*.py"))
        if path.stem != "__init__"
    }


def imports_of(tree: ast.Module, modules: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(name for name in imported_modules(node) if name in modules)
    return found


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (module -> modules it imports), or []."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        for imported in sorted(graph[module]):
            found = visit(imported, [*path, module])
            if found:
                return found
        done.add(module)
        return []

    for module in sorted(graph):
        found = visit(module, [])
        if found:
            return found
    return []


def test_the_site_modules_import_each_other_without_a_cycle() -> None:
    modules = site_modules()
    graph = {name: imports_of(tree, set(modules)) - {name} for name, tree in modules.items()}
    assert cycle(graph) == []
    # the leaves every generated text builds on import nothing else of the site's
    assert graph[f"{PACKAGE}.text"] == set()
    assert graph[f"{PACKAGE}.order"] == set()
    assert graph[f"{PACKAGE}.urls"] == {f"{PACKAGE}.text"}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []


def test_no_function_imports_our_own_modules_and_nothing_imports_mkdocs() -> None:
    local: list[str] = []
    mkdocs: list[str] = []
    for name, tree in site_modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom) and any(
                        module.startswith("skillshelf") for module in imported_modules(inner)
                    ):
                        local.append(f"{name}:{inner.lineno}")
            if isinstance(node, ast.Import | ast.ImportFrom) and any(
                module.split(".")[0] in ("mkdocs", "material") for module in imported_modules(node)
            ):
                mkdocs.append(f"{name}:{node.lineno}")
    assert local == []
    assert mkdocs == []
