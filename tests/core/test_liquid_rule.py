"""liquid-tag: Liquid tags ({% raw %}, GitBook's {% hint %}) left in Markdown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import healthy_tree, skill_md, write_tree

from skillshelf.config import config_from_table
from skillshelf.diagnostics import Diagnostic, Position, Severity
from skillshelf.lint import lint
from skillshelf.liquid import liquid_tags
from skillshelf.rules.liquid import LIQUID_TAG

MakeTree = Callable[[Mapping[str, str | bytes]], Path]

CASES = [
    ("# T\n\n{% raw %}\nUse `{{ x }}`.\n{% endraw %}\n", [(3, 1), (5, 1)]),
    ("# T\n\nInline {%- raw -%}x{% endraw %} here.\n", [(3, 8), (3, 20)]),
    ('# T\n\n{% hint style="warning" %}\nCareful.\n{% endhint %}\n', [(3, 1), (5, 1)]),
    ("# T\n\n- item\n  {% hint style='info' %}\n", [(4, 3)]),
    # code is code: fenced blocks and code spans
    ("# T\n\n```jinja\n{% raw %}{{ x }}{% endraw %}\n```\n", []),
    ("# T\n\nWrite `{% raw %}` before it.\n", []),
    ("# T\n\n~~~\n{% hint %}\n~~~\n", []),
    # other Liquid tags and template braces are not these tags
    ("# T\n\n{% include x.html %} and {{ value }}\n", []),
    ("# T\n\n{% rawness %}\n", []),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Diagnostic]]:
    """Every case as a reference page of one skill, linted once: findings by file name."""
    files: dict[str, str | bytes] = dict(healthy_tree())
    for number, (body, _) in enumerate(CASES):
        files[f"alpha/two/references/case-{number}.md"] = body
    root = write_tree(tmp_path_factory.mktemp("liquid") / "skills", files)
    config = config_from_table({}, project_dir=root.parent, root=root)
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in lint(config).diagnostics:
        by_file.setdefault(diagnostic.path.name, []).append(diagnostic)
    return by_file


@pytest.mark.parametrize(("number", "expected"), [(n, c[1]) for n, c in enumerate(CASES)])
def test_liquid_tag(
    found: dict[str, list[Diagnostic]], number: int, expected: list[tuple[int, int]]
) -> None:
    hits = [d for d in found.get(f"case-{number}.md", []) if d.rule == LIQUID_TAG]
    assert [(d.position.line, d.position.column) for d in hits] == expected
    assert all(d.severity is Severity.WARNING for d in hits)
    assert all("show it as text" in d.message or "show as text" in d.message for d in hits)


def test_the_message_names_the_tag_and_the_fix(found: dict[str, list[Diagnostic]]) -> None:
    messages = [d.message for d in found["case-2.md"] if d.rule == LIQUID_TAG]
    assert messages[0].startswith("""'{% hint style="warning" %}' is a GitBook tag""")
    assert "'> **Warning:** ...'" in messages[0]
    raw = [d.message for d in found["case-0.md"] if d.rule == LIQUID_TAG]
    assert raw[0].startswith("'{% raw %}' is a Liquid tag") and raw[0].endswith("remove it")


def test_positions_count_the_frontmatter_and_leave_it_alone(make_tree: MakeTree) -> None:
    files = healthy_tree()
    files["alpha/two/SKILL.md"] = skill_md(
        "two", extra="compatibility: 'needs {% raw %} nowhere'\n", body="# T\n\n{% endraw %}\n"
    )
    root = make_tree(files)
    config = config_from_table({}, project_dir=root.parent, root=root)
    hits = [d for d in lint(config).diagnostics if d.rule == LIQUID_TAG]
    assert [(d.path.name, d.position) for d in hits] == [("SKILL.md", Position(10, 1))]


def test_a_hint_records_its_style() -> None:
    (tag,) = liquid_tags('{% hint style="Danger" %}\n')
    assert (tag.name, tag.style, tag.text) == ("hint", "danger", '{% hint style="Danger" %}')
