"""Every sub-command exits with a named status of :mod:`skillshelf.exit_codes`, and only those.

Read from the package's source, so that a new sub-command cannot bring its own
numbers; and one real run of ``skillshelf signatures`` against an index that
refuses connections, which must fail with the usage-or-internal status.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillshelf import exit_codes
from skillshelf.cli import main

SKILLSHELF = str(Path(sys.executable).with_name("skillshelf"))
PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "skillshelf"


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
        yield name, ast.parse(path.read_text(encoding="utf-8"), str(path))


def registers_a_subcommand(tree: ast.Module) -> bool:
    """Whether the module hands argparse a handler: ``set_defaults(handler=...)``."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "set_defaults"
        and any(keyword.arg == "handler" for keyword in node.keywords)
        for node in ast.walk(tree)
    )


def test_only_exit_codes_names_an_exit_status() -> None:
    defined = {
        (module, target.id)
        for module, tree in modules()
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name) and target.id.startswith("EXIT_")
    }
    assert {module for module, _ in defined} == {"skillshelf.exit_codes"}
    assert {name for _, name in defined} == {
        name for name in vars(exit_codes) if name.startswith("EXIT_")
    }


def test_each_subcommand_module_returns_statuses_from_exit_codes() -> None:
    registering = [(module, tree) for module, tree in modules() if registers_a_subcommand(tree)]
    assert {module for module, _ in registering} >= {
        "skillshelf.cli",
        "skillshelf.export",
        "skillshelf.init",
        "skillshelf.trl.cli",
    }
    for module, tree in registering:
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "skillshelf.exit_codes"
            for alias in node.names
        }
        assert imported, f"{module} does not import skillshelf.exit_codes"
        for node in ast.walk(tree):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant):
                assert type(node.value.value) is not int, (
                    f"{module}:{node.lineno}: returns a bare number; use an EXIT_ constant"
                )


def test_signatures_exits_with_the_error_status_when_the_index_cannot_be_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # discard: refused
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    stored = schemas / "trl-signatures.json"
    stored.write_text("{}\n", encoding="utf-8")
    assert main(["signatures", "--check", "--schemas", str(schemas)]) == exit_codes.EXIT_ERROR
    assert "skillshelf signatures: cannot reach http://127.0.0.1:9/simple/" in (
        capsys.readouterr().err
    )
    assert [p.name for p in schemas.iterdir()] == [stored.name]  # a failed check writes nothing
    assert stored.read_text(encoding="utf-8") == "{}\n"


def test_signatures_check_outside_this_repository_has_nothing_to_compare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no data files are stored (a skills library's checkout, an installed
    skillshelf) --check says so and exits with the usage status, without fetching
    a wheel (the index given refuses connections) or printing a diff. An installed
    skillshelf looks in ./schemas (this test's editable install would find the checkout's,
    so it names that folder)."""
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(tmp_path / "cache"))
    env = os.environ | {"PIP_INDEX_URL": "http://127.0.0.1:9/simple"}
    result = subprocess.run(
        [SKILLSHELF, "signatures", "--check", "--schemas", "schemas"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == exit_codes.EXIT_ERROR
    assert result.stdout == ""
    assert "nothing to compare" in result.stderr
    assert "cannot reach" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
