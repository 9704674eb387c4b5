"""accidental-blockquote: a paragraph line starting with '>' (it opens a block quote)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import markdown
import pytest
from tests.conftest import healthy_tree, skill_md, write_tree

from skillshelf.config import config_from_table
from skillshelf.diagnostics import Diagnostic, Position, Severity
from skillshelf.lint import lint
from skillshelf.rules.blockquotes import ACCIDENTAL_BLOCKQUOTE

MakeTree = Callable[[Mapping[str, str | bytes]], Path]


CASES = [
    # the DPO guide's bug: a comparison wrapped to the start of a line
    ("# T\n\nIt must be\n> 0; 1e-3 suggested.\n", [(4, 1)]),
    ("# T\n\nIt must be\n   > 0 here.\n", [(4, 4)]),
    # inside a list item: the item's text loses its end as well
    ("# T\n\n- keep it\n  > 0 always\n", [(4, 3)]),
    ("# T\n\n1. keep it\n> 0 always\n", [(4, 1)]),
    # a quote that is meant: after a blank line, or a quote's own next line
    ("# T\n\nText.\n\n> A quote\n> goes on.\n", []),
    # a quote under a line that introduces it (a bold label, a colon) is meant...
    ("# T\n\n**Prompt**\n> Summarise the paper in three lines.\n", []),
    ("# T\n\nAsk the agent:\n> What changed since v2?\n", []),
    # ...but a comparison there is still the wrapped sentence's end
    ("# T\n\nKeep beta:\n> 0 and small.\n", [(4, 1)]),
    ("# T\n\n**Note:** it must be\n>= 1 always.\n", [(4, 1)]),
    # right after a heading, a table or HTML: not paragraph text
    ("# T\n> Note.\n", []),
    ("# T\n\n| a |\n| - |\n> b\n", []),
    ("# T\n\n<div>\n> x\n", []),
    # indented four columns past the text: a lazy continuation line, not a quote
    ("# T\n\nIt must be\n    > 0 here.\n", []),
    # code blocks are not Markdown
    ("# T\n\n```python\nx = 1\n>>> x\n```\n", []),
    ("# T\n\n```text\nvalue\n> 0\n```\n", []),
    # the first line after a closing fence
    ("# T\n\n```\ncode\n```\n> quote\n", []),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Diagnostic]]:
    """Every case as a reference page of one skill, linted once: findings by file name."""
    files: dict[str, str | bytes] = dict(healthy_tree())
    for number, (body, _) in enumerate(CASES):
        files[f"alpha/two/references/case-{number}.md"] = body
    root = write_tree(tmp_path_factory.mktemp("blockquotes") / "skills", files)
    config = config_from_table({}, project_dir=root.parent, root=root)
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in lint(config).diagnostics:
        by_file.setdefault(diagnostic.path.name, []).append(diagnostic)
    return by_file


@pytest.mark.parametrize(("number", "expected"), [(n, c[1]) for n, c in enumerate(CASES)])
def test_accidental_blockquote(
    found: dict[str, list[Diagnostic]], number: int, expected: list[tuple[int, int]]
) -> None:
    hits = [d for d in found.get(f"case-{number}.md", []) if d.rule == ACCIDENTAL_BLOCKQUOTE]
    assert [(d.position.line, d.position.column) for d in hits] == expected
    assert all(d.severity is Severity.WARNING for d in hits)
    assert all("block quote" in d.message for d in hits)


def test_the_frontmatter_is_not_markdown(make_tree: MakeTree) -> None:
    """A YAML block scalar line starting with '>' is no quote; the body's lines are
    counted in the whole file."""
    files = healthy_tree()
    files["alpha/two/SKILL.md"] = skill_md(
        "two", extra="compatibility: >\n  Any Python.\n", body="# T\n\nIt must be\n> 0.\n"
    )
    root = make_tree(files)
    config = config_from_table({}, project_dir=root.parent, root=root)
    hits = [d for d in lint(config).diagnostics if d.rule == ACCIDENTAL_BLOCKQUOTE]
    assert [(d.path.name, d.position) for d in hits] == [("SKILL.md", Position(12, 1))]


def test_what_it_flags_is_what_python_markdown_renders_as_a_quote() -> None:
    """The oracle: MkDocs' Markdown turns every flagged line into a <blockquote>, and
    keeps the lazy continuation line in its paragraph."""
    for body, expected in CASES:
        if expected:
            assert "<blockquote>" in markdown.markdown(body), body
    assert "<blockquote>" not in markdown.markdown("It must be\n    > 0 here.\n")
