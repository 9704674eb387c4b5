"""The house: every module of plugins/skillshelf on its floor, imports only going down.

Data flows one way: the tree is read (model), each document is analysed
(analysis), the rules turn both into findings, and the findings are
reported; the scan cache sits beside the flow. The table below is that
house, bottom floor first. A module may import modules of its own floor or
of the floors below it, never of a floor above, and no set of modules may
import each other in a loop. Every import counts: at the top of a module,
inside a function, or only for type checking.

A module not in the table fails the test: give it a floor.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "skillshelf"

#: Floors, bottom first. A name ending in ``.*`` takes in every module below it.
HOUSE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "leaves: values and small helpers that import nothing of skillshelf's",
        (
            "skillshelf",
            "skillshelf.diagnostics",
            "skillshelf.exit_codes",
            "skillshelf.globs",
            "skillshelf.markdown",
            "skillshelf.published",
            "skillshelf.safe_files",
            "skillshelf.suggest",
        ),
    ),
    (
        "reading: pure functions over a file's bytes or text",
        (
            "skillshelf.directives",
            "skillshelf.fixes",
            "skillshelf.frontmatter",
            "skillshelf.html_safety",
            "skillshelf.links",
            "skillshelf.liquid",
            "skillshelf.quotes",
            "skillshelf.titles",
        ),
    ),
    ("the model: the tree as read, and the walk", ("skillshelf.model",)),
    (
        "analyses: what each document holds, worked out once",
        ("skillshelf.analysis", "skillshelf.schemas", "skillshelf.trl", "skillshelf.trl.*"),
    ),
    (
        "configuration and rules",
        ("skillshelf.config", "skillshelf.rules", "skillshelf.rules.*"),
    ),
    (
        "running: lint, the scan cache beside it, reporting",
        (
            "skillshelf.cache",
            "skillshelf.cache_folder",
            "skillshelf.lint",
            "skillshelf.readahead",
            "skillshelf.report",
            "skillshelf.suppress",
        ),
    ),
    (
        "adapters: the command line, the site and the MkDocs plugin",
        (
            "skillshelf.__main__",
            "skillshelf.cli",
            "skillshelf.export",
            "skillshelf.init",
            "skillshelf.mkdocs",
            "skillshelf.mkdocs.*",
            "skillshelf.site",
            "skillshelf.site.*",
            "skillshelf.trl.cli",
        ),
    ),
)


def module_names() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = module_names()


def floor_of(module: str) -> int:
    """The floor of ``module`` (0 = the ground); the most specific entry wins."""
    best: tuple[int, int] | None = None  # (specificity, floor)
    for floor, (_, names) in enumerate(HOUSE):
        for name in names:
            if name.endswith(".*"):
                matches = module.startswith(name[:-1])
                specificity = len(name) - 2
            else:
                matches = module == name
                specificity = len(name) + 1  # an exact name beats a prefix of the same length
            if matches and (best is None or specificity > best[0]):
                best = (specificity, floor)
    assert best is not None, f"{module} has no floor in HOUSE: give it one"
    return best[1]


def imports(module: str) -> Iterator[tuple[str, int]]:
    """``(imported skillshelf module, line)`` for every import in ``module``'s code."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1]])
                base = f"{base}.{node.module}" if node.module else base
            # "from package import module" imports that module
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target.startswith("skillshelf"):
                while target not in MODULES and "." in target:
                    target = target.rpartition(".")[0]
                if target != module:
                    yield target, node.lineno


GRAPH = {module: {target for target, _ in imports(module)} for module in MODULES}


def test_every_module_has_a_floor() -> None:
    for module in MODULES:
        floor_of(module)


def test_no_import_runs_up_a_floor() -> None:
    upward = [
        f"{module}:{line} ({HOUSE[floor_of(module)][0].split(':')[0]}) imports {target} "
        f"({HOUSE[floor_of(target)][0].split(':')[0]})"
        for module in MODULES
        for target, line in imports(module)
        if floor_of(target) > floor_of(module)
    ]
    assert upward == []


def cycles() -> list[frozenset[str]]:
    """Every set of modules that import each other in a loop (Tarjan's strongly
    connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(GRAPH[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return found


def test_no_modules_import_each_other_in_a_loop() -> None:
    assert [sorted(cycle) for cycle in cycles()] == []


def test_the_test_sees_imports_everywhere() -> None:
    """The reader of imports finds them inside functions and type-checking blocks too."""
    assert "skillshelf.site.export" in GRAPH["skillshelf.export"]  # inside a function
    assert "skillshelf.trl.cli" in GRAPH["skillshelf.cli"]  # 'from skillshelf.trl import cli'
    assert {"skillshelf.analysis", "skillshelf.model"} <= GRAPH["skillshelf.cache"]
    assert floor_of("skillshelf.trl.cli") > floor_of("skillshelf.trl.snippets")


#: Imports of skillshelf's own modules made inside a function, and why. Never one that
#: dodges a loop (the helper lives in the wrong module: move it); only start-up cost.
LAZY = {
    ("skillshelf.export", "skillshelf.site.export"): "the site planner, only for 'export'",
    # Extracting signatures from wheels (urllib, zipfile, packaging, the symbolic
    # executor) is only for 'signatures': a third of a one-file hook's start-up.
    ("skillshelf.trl.cli", "skillshelf.trl.datafile"): "only for 'signatures'",
    ("skillshelf.trl.cli", "skillshelf.trl.extract"): "only for 'signatures'",
    ("skillshelf.trl.cli", "skillshelf.trl.memo"): "only for 'signatures'",
    ("skillshelf.trl.cli", "skillshelf.trl.wheels"): "only for 'signatures'",
}


def imports_inside_functions() -> set[tuple[str, str]]:
    found = set()
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "skillshelf"
                ):
                    found.add((module, node.module or ""))
                elif isinstance(node, ast.Import):
                    found |= {
                        (module, alias.name)
                        for alias in node.names
                        if alias.name.startswith("skillshelf")
                    }
    return found


def test_skillshelf_is_imported_inside_a_function_only_to_spare_start_up() -> None:
    assert imports_inside_functions() == set(LAZY)


README = PACKAGE.parents[1] / "README.md"


def readme_floors() -> dict[str, set[str]]:
    """The README's "How it fits together" table: floor name -> the files and folders
    its row names (``cli.py``, ``site/``)."""
    text = README.read_text(encoding="utf-8").split("### How it fits together", 1)[1]
    floors = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("Floor", "---"):
            floors[cells[0]] = set(re.findall(r"`([^`]+)`", cells[1]))
    return floors


def shown_as(name: str) -> str | None:
    """How the README names a HOUSE entry: ``x.py``, ``x/y.py`` or a folder ``x/``."""
    if name in ("skillshelf", "skillshelf.__main__"):
        return None  # the package's face and ``python -m``: nothing to show
    parts = name.removesuffix(".*").split(".")[1:]
    if name.endswith(".*") or MODULES[name].name == "__init__.py":
        return "/".join(parts) + "/"
    return "/".join(parts) + ".py"


def test_the_readme_shows_each_module_on_its_floor() -> None:
    shown = readme_floors()
    expected = {
        label.split(":")[0]: {as_shown for name in names if (as_shown := shown_as(name))}
        for label, names in HOUSE
    }
    assert shown == expected


def test_a_typo_guess_is_worded_by_suggest_only() -> None:
    """``suggest.did_you_mean`` words the guess ``closest`` makes; a function that calls
    ``closest`` and writes "did you mean" itself is a second copy of it."""
    copies = set()
    for module, path in MODULES.items():
        if module == "skillshelf.suggest":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            nodes = list(ast.walk(function))
            guesses = any(
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "closest"
                for node in nodes
            )
            words = any(
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "did you mean" in node.value
                for node in nodes
            )
            if guesses and words:
                copies.add((module, function.name))
    assert copies == set()
