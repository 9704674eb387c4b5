"""Every rule id has one home, and every issue recorded anywhere has its rule.

An id is written once: as a module-level constant of the module that records
issues under it (the reader, the walk, an analysis), or in the ``@rule`` call
of a rule only that rule reports. Every other place imports the constant, so
an id cannot be misspelt in one place and silently never reported.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillshelf.analysis import Analyses
from skillshelf.config import load_config
from skillshelf.model import scan
from skillshelf.rules import all_rules
from skillshelf.rules.base import LintContext

PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "skillshelf"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "site"
REPOSITORY = Path(__file__).resolve().parents[2]
REGISTERED = frozenset(rule.id for rule in all_rules())


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(encoding="utf-8"), str(path))


def called(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def value_of(module: str, expression: ast.expr) -> object:
    """The value a module-level name or dotted name has in ``module``."""
    namespace = vars(importlib.import_module(module))
    dotted = ast.unparse(expression)
    head, *rest = dotted.split(".")
    value = namespace[head]
    for part in rest:
        value = getattr(value, part)
    return value


def rule_argument(node: ast.Call) -> ast.expr | None:
    if node.args and not isinstance(node.args[0], ast.Starred):
        return node.args[0]
    return next((k.value for k in node.keywords if k.arg == "rule"), None)


def ids_named(expression: ast.expr) -> Iterator[ast.expr]:
    """The expressions that can be the id: both branches of ``A if test else B``."""
    if isinstance(expression, ast.IfExp):
        yield from ids_named(expression.body)
        yield from ids_named(expression.orelse)
    else:
        yield expression


def recorded_ids_of(module: str, tree: ast.Module) -> Iterator[tuple[str, object]]:
    """``(where, id)`` for every ``Issue(...)`` the module's code builds."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and called(node) == "Issue"):
            continue
        argument = rule_argument(node)
        where = f"{module}:{node.lineno}"
        assert argument is not None, where
        for named in ids_named(argument):
            assert not isinstance(named, ast.Constant), f"{where}: a literal id; import it"
            assert isinstance(named, ast.Name | ast.Attribute), where
            yield where, value_of(module, named)


def test_every_issue_is_recorded_under_an_imported_registered_constant() -> None:
    checked = 0
    for module, tree in modules():
        for where, rule_id in recorded_ids_of(module, tree):
            assert rule_id in REGISTERED, where
            checked += 1
    assert checked >= 40


def test_the_snippet_checker_records_the_core_issue_under_each_of_its_ids() -> None:
    """trl/ has no finding type of its own: every id it defines is recorded as an Issue."""
    (tree,) = (tree for module, tree in modules() if module == "skillshelf.trl.snippets")
    recorded = {rule_id for _, rule_id in recorded_ids_of("skillshelf.trl.snippets", tree)}
    namespace = vars(importlib.import_module("skillshelf.trl.snippets"))
    defined = {value for value in namespace.values() if isinstance(value, str)} & REGISTERED
    assert len(defined) == 13
    assert recorded == defined


def id_homes() -> Iterator[tuple[str, str, int, str]]:
    """``(id, module, line, how)`` for every string literal in the package that is a
    rule id: ``constant`` (a module-level ``NAME = "id"``), ``rule`` (the first
    argument of ``@rule(...)``), or ``stray`` (anywhere else)."""
    for module, tree in modules():
        homes: dict[ast.AST, str] = {}
        for statement in tree.body:
            if (
                isinstance(statement, ast.Assign | ast.AnnAssign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                homes[statement.value] = "constant"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and called(node) == "rule" and node.args:
                homes[node.args[0]] = "rule"
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in REGISTERED:
                yield str(node.value), module, node.lineno, homes.get(node, "stray")


#: Literals that read like an id but are words of a text (module, literal).
WORDS = frozenset({("skillshelf.site.render", "unreadable")})  # a page's "could not be read"


def test_each_rule_id_is_written_once_in_the_package() -> None:
    seen: dict[str, list[str]] = {}
    for rule_id, module, line, how in id_homes():
        if (module, rule_id) in WORDS:
            continue
        assert how != "stray", f"{module}:{line}: {rule_id!r} written out; import its constant"
        seen.setdefault(rule_id, []).append(f"{module}:{line}")
    assert set(seen) == REGISTERED
    assert {rule_id: places for rule_id, places in seen.items() if len(places) > 1} == {}


def recorded_ids(root: Path, project: Path) -> set[str]:
    """The ids of every issue recorded while reading and analysing the tree at ``root``."""
    config = load_config(project, root=root)
    return set(LintContext(scan(config.root), config, Analyses(config.style)).recorded)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()))
def test_the_fixtures_record_only_registered_ids(fixture: str) -> None:
    project = FIXTURES / fixture
    assert recorded_ids(project / "skills", project) <= REGISTERED


def test_the_shipped_library_records_only_registered_ids() -> None:
    assert recorded_ids(REPOSITORY / "skills", REPOSITORY) <= REGISTERED
