"""Links that are not paths: bare-word placeholders, and site-absolute links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from tests.conftest import healthy_tree, skill_md

from skillshelf.config import config_from_table
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.lint import lint

MakeTree = Callable[[Mapping[str, str | bytes]], Path]
SKILL = "alpha/two/SKILL.md"


def findings(root: Path, docs_dir: Path | None = None) -> list[Diagnostic]:
    config = config_from_table({}, project_dir=root.parent, root=root)
    return lint(replace(config, docs_dir=docs_dir)).diagnostics


def tree_with(body: str) -> dict[str, str]:
    return healthy_tree() | {SKILL: skill_md("two", body=body)}


def test_a_bare_word_target_is_a_placeholder_not_a_broken_link(make_tree: MakeTree) -> None:
    body = "# Two\n\nReply in this shape:\n\n- [name](url): one line on why\n- [paper](link)\n"
    assert findings(make_tree(tree_with(body))) == []


def test_a_target_with_a_dot_slash_or_fragment_is_still_checked(make_tree: MakeTree) -> None:
    body = "# Two\n\n[a](guide.md) [b](refs/guide) [c](guide#part)\n"
    hits = findings(make_tree(tree_with(body)))
    assert [(d.rule, d.message.split("'")[1]) for d in hits] == [
        ("broken-link", "guide.md"),
        ("broken-link", "refs/guide"),
        ("broken-link", "guide#part"),
    ]


def test_site_absolute_links_are_reported_once_per_file_at_info(make_tree: MakeTree) -> None:
    body = "# Two\n\nSee [setup](/get-started/setup.md) and [faq](/faq.md).\n\n[x](/a/b.md)\n"
    (hit,) = findings(make_tree(tree_with(body)))
    assert hit.rule == "unverifiable-link"
    assert hit.severity is Severity.INFO
    assert "'/get-started/setup.md' (and 2 more in this file)" in hit.message
    assert hit.column == body.splitlines()[2].index("/get") + 1


def test_site_absolute_links_that_exist_under_docs_dir_are_not_reported(
    make_tree: MakeTree,
) -> None:
    body = "# Two\n\nSee [setup](/get-started/setup.md#install).\n"
    root = make_tree(tree_with(body))
    docs = root.parent / "docs"
    (docs / "get-started").mkdir(parents=True)
    assert [d.rule for d in findings(root, docs)] == ["unverifiable-link"]
    (docs / "get-started" / "setup.md").write_text("# Setup\n", encoding="utf-8")
    assert findings(root, docs) == []


def test_a_site_absolute_link_cannot_climb_out_of_docs_dir(make_tree: MakeTree) -> None:
    body = "# Two\n\n[up](/../skills/alpha/two/SKILL.md)\n"
    root = make_tree(tree_with(body))
    docs = root.parent / "docs"
    docs.mkdir()
    assert [d.rule for d in findings(root, docs)] == ["unverifiable-link"]


def test_links_in_code_and_to_other_hosts_are_not_site_absolute(make_tree: MakeTree) -> None:
    body = "# Two\n\n`[a](/x.md)` and [b](//cdn.example/x.js)\n\n```\n[c](/y.md)\n```\n"
    assert findings(make_tree(tree_with(body))) == []
