"""Suppression comments (``<!-- skillshelf: disable=... -->``), ``per-file-ignores``
and ``exclude``: what they silence, and what they report about themselves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import healthy_tree, skill_md

from skillshelf.config import ConfigError, config_from_table, load_config
from skillshelf.directives import WHOLE_FILE, suppressions_of
from skillshelf.globs import matches
from skillshelf.lint import lint
from skillshelf.markdown import iter_fenced_blocks

MakeTree = Callable[[Mapping[str, str | bytes]], Path]

SKILL = "alpha/two/SKILL.md"


def rules_in(root: Path, **table: Any) -> list[tuple[str, str, int]]:
    """(rule, path relative to the root, line) of every finding."""
    config = config_from_table(table, project_dir=root.parent, root=root)
    return [(d.rule, d.path.relative_to(root).as_posix(), d.line) for d in lint(config).diagnostics]


def with_body(body: str, path: str = SKILL) -> dict[str, str]:
    files = healthy_tree()
    if path == SKILL:
        files[path] = skill_md("two", body=body)
    else:
        files[path] = body
    return files


def line_of(root: Path, path: str, needle: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# -- the directives, as read from the text ----------------------------------------------


def directives(text: str) -> list[tuple[int, tuple[str, ...], int, int, str]]:
    found = suppressions_of(text, tuple(iter_fenced_blocks(text)))
    return [(s.line, s.rules, s.first, s.last, s.malformed) for s in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!-- skillshelf: disable=a -->\nx\n", [(1, ("a",), 2, 2, "")]),
        ("<!-- skillshelf: disable=a, b -->\n\n\nx\n", [(1, ("a", "b"), 4, 4, "")]),
        ("  <!--skillshelf:disable=a-->\nx\n", [(1, ("a",), 2, 2, "")]),
        ("x\n<!-- skillshelf: disable-file=a -->\n", [(2, ("a",), 1, WHOLE_FILE, "")]),
        # right above a fence: the whole block, fences included
        ("<!-- skillshelf: disable=a -->\n```python\n1\n2\n```\ny\n", [(1, ("a",), 2, 5, "")]),
        # stacked directives both cover the line below them
        (
            "<!-- skillshelf: disable=a -->\n<!-- skillshelf: disable=b -->\nx\n",
            [(1, ("a",), 3, 3, ""), (2, ("b",), 3, 3, "")],
        ),
        # nothing follows: it covers nothing
        ("x\n<!-- skillshelf: disable=a -->\n\n", [(2, ("a",), 3, 2, "")]),
        # inside a fence: text, not a directive
        ("```markdown\n<!-- skillshelf: disable=a -->\n```\nx\n", []),
        # starts like one, does not parse
        (
            "<!-- skillshelf: disabel=a -->\nx\n",
            [(1, (), 1, 1, "<!-- skillshelf: disabel=a -->")],
        ),
        # not on a line of its own: not a directive
        ("text <!-- skillshelf: disable=a -->\nx\n", []),
        ("<!-- just a comment -->\nx\n", []),
    ],
)
def test_directives_are_read_from_whole_comment_lines_outside_code(
    text: str, expected: list[tuple[int, tuple[str, ...], int, int, str]]
) -> None:
    assert directives(text) == expected


# -- suppression applied after the rules -----------------------------------------------


def test_disable_suppresses_the_named_rule_on_the_next_line_only(make_tree: MakeTree) -> None:
    body = (
        "# Two\n\n<!-- skillshelf: disable=broken-link -->\n"
        "See [gone](gone.md).\n\nAnd [also gone](other.md).\n"
    )
    root = make_tree(with_body(body))
    found = rules_in(root)
    assert found == [("broken-link", SKILL, line_of(root, SKILL, "other.md"))]


def test_disable_above_a_fence_covers_the_whole_block(make_tree: MakeTree) -> None:
    body = (
        "# Two\n\n<!-- skillshelf: disable=snippet-syntax -->\n"
        "```python\nx = 1\ndef broken(:\n```\n\n```python\ndef broken(:\n```\n"
    )
    root = make_tree(with_body(body))
    hits = [f for f in rules_in(root) if f[0] == "snippet-syntax"]
    lines = (root / SKILL).read_text(encoding="utf-8").splitlines()
    second = max(i for i, line in enumerate(lines, 1) if line == "def broken(:")
    assert [line for _, _, line in hits] == [second]


def test_disable_file_suppresses_the_rule_everywhere_in_the_file(make_tree: MakeTree) -> None:
    body = "# Two\n\nSee [gone](gone.md).\n\n<!-- skillshelf: disable-file=broken-link -->\n"
    body += "And [also gone](other.md).\n"
    assert rules_in(make_tree(with_body(body))) == []


def test_other_rules_on_the_covered_line_are_still_reported(make_tree: MakeTree) -> None:
    body = (
        "# Two\n\n<!-- skillshelf: disable=unsafe-html -->\n"
        "See [gone](gone.md) <script>x</script>\n"
    )
    root = make_tree(with_body(body))
    assert [f[0] for f in rules_in(root)] == ["broken-link"]


def test_suppressions_work_in_descriptions_and_references(make_tree: MakeTree) -> None:
    files = healthy_tree()
    files["alpha/DESCRIPTION.md"] += (
        "\n<!-- skillshelf: disable=broken-link -->\nSee [gone](gone.md).\n"
    )
    files["beta/deep/four/references/guide.md"] += (
        "\n<!-- skillshelf: disable=broken-link -->\nSee [gone](gone.md).\n"
    )
    assert rules_in(make_tree(files)) == []


def test_an_unused_suppression_is_reported_where_it_is(make_tree: MakeTree) -> None:
    body = "# Two\n\n<!-- skillshelf: disable=broken-link -->\nSee [one](../one/SKILL.md).\n"
    root = make_tree(with_body(body))
    config = config_from_table({}, project_dir=root.parent, root=root)
    (hit,) = lint(config).diagnostics
    assert (hit.rule, hit.line, hit.column) == (
        "unused-suppression",
        line_of(root, SKILL, "skillshelf: disable"),
        1,
    )
    assert "unused suppression of broken-link" in hit.message
    assert hit.severity.name == "WARNING"


def test_a_directive_inside_code_is_neither_applied_nor_reported(make_tree: MakeTree) -> None:
    body = (
        "# Two\n\n```markdown\n<!-- skillshelf: disable=broken-link -->\n```\n"
        "See [gone](gone.md).\n"
    )
    assert [f[0] for f in rules_in(make_tree(with_body(body)))] == ["broken-link"]


def test_unknown_rule_ids_in_a_suppression_are_reported_with_a_suggestion(
    make_tree: MakeTree,
) -> None:
    body = "# Two\n\n<!-- skillshelf: disable=broken-links -->\nSee [gone](gone.md).\n"
    root = make_tree(with_body(body))
    config = config_from_table({}, project_dir=root.parent, root=root)
    found = {d.rule: d for d in lint(config).diagnostics}
    assert set(found) == {"broken-link", "unused-suppression"}
    assert "unknown rule 'broken-links'; did you mean 'broken-link'?" in (
        found["unused-suppression"].message
    )


def test_a_malformed_directive_is_reported(make_tree: MakeTree) -> None:
    body = "# Two\n\n<!-- skillshelf: disabel=broken-link -->\nText.\n"
    root = make_tree(with_body(body))
    ((rule, _, _),) = rules_in(root)
    assert rule == "unused-suppression"


def test_a_suppression_of_a_rule_turned_off_is_not_judged(make_tree: MakeTree) -> None:
    body = "# Two\n\n<!-- skillshelf: disable=broken-link -->\nSee [one](../one/SKILL.md).\n"
    root = make_tree(with_body(body))
    assert rules_in(root, rules={"broken-link": "off"}) == []
    assert rules_in(root, rules={"unused-suppression": "off"}) == []


# -- per-file-ignores ---------------------------------------------------------------------


def test_per_file_ignores_drop_the_rules_on_matching_paths(make_tree: MakeTree) -> None:
    files = with_body("# Two\n\nSee [gone](gone.md).\n")
    files["beta/deep/four/references/guide.md"] += "See [gone](gone.md).\n"
    root = make_tree(files)
    ignores = {"skills/alpha/**": ["broken-link"]}
    assert rules_in(root, **{"per-file-ignores": ignores}) == [
        ("broken-link", "beta/deep/four/references/guide.md", 4)
    ]
    by_name = {"guide.md": ["broken-link"]}
    assert [f[1] for f in rules_in(root, **{"per-file-ignores": by_name})] == [SKILL]


def test_unknown_rules_in_per_file_ignores_are_config_errors(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree())
    config = config_from_table(
        {"per-file-ignores": {"skills/**": ["broken-links"]}}, project_dir=root.parent, root=root
    )
    with pytest.raises(ConfigError, match="did you mean 'broken-link'"):
        lint(config)


@pytest.mark.parametrize(
    "table",
    [
        {"per-file-ignores": ["x"]},
        {"per-file-ignores": {"x": "broken-link"}},
        {"exclude": "drafts"},
        {"exclude": [""]},
    ],
)
def test_malformed_globs_are_config_errors(table: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        config_from_table(table, project_dir=tmp_path)


# -- exclude -------------------------------------------------------------------------------


def test_excluded_paths_are_never_scanned(make_tree: MakeTree) -> None:
    files = healthy_tree()
    files["alpha/drafts/SKILL.md"] = "no frontmatter, broken [x](y.md)\n"
    files["beta/deep/four/references/old.md"] = "See [gone](gone.md).\n"
    root = make_tree(files)
    assert rules_in(root) != []
    exclude = ["drafts", "skills/beta/**/old.md"]
    assert rules_in(root, exclude=exclude) == []
    config = config_from_table({"exclude": exclude}, project_dir=root.parent, root=root)
    tree = lint(config).tree
    assert not any("drafts" in d.relpath or "old.md" in d.relpath for d in tree.documents())


def test_exclude_and_per_file_ignores_are_read_from_skillshelf_toml(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree())
    (root.parent / "skillshelf.toml").write_text(
        'exclude = ["drafts"]\n\n[per-file-ignores]\n"skills/**" = ["broken-link"]\n',
        encoding="utf-8",
    )
    config = load_config(root.parent)
    assert config.exclude == ("drafts",)
    assert config.per_file_ignores == (("skills/**", ("broken-link",)),)


@pytest.mark.parametrize(
    ("relpath", "pattern", "expected"),
    [
        ("skills/a/SKILL.md", "skills/**", True),
        ("skills/a/SKILL.md", "skills/*", True),  # matches the folder skills/a
        ("skills/a/SKILL.md", "skills/*.md", False),
        ("skills/a/b/drafts/x.md", "drafts", True),
        ("skills/a/b/drafts.md", "drafts", False),
        ("skills/a/b/x.md", "**/b/*.md", True),
        ("skills/a/b/x.md", "x.md", True),
        ("skills/a/b/x.md", "./skills/a", True),
        ("skills/ab/x.md", "skills/a", False),
        ("skills/a1/x.md", "skills/a[0-9]", True),
    ],
)
def test_globs_match_as_documented(relpath: str, pattern: str, expected: bool) -> None:
    assert matches(relpath, (pattern,)) is expected


def test_a_warm_lint_applies_the_suppressions_it_kept_in_the_cache(
    make_tree: MakeTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(tmp_path / "cache"))
    body = (
        "# Two\n\n<!-- skillshelf: disable=broken-link -->\nSee [gone](gone.md).\n\n"
        "<!-- skillshelf: disable=broken-link -->\nNothing here.\n"
    )
    root = make_tree(with_body(body))
    config = config_from_table({}, project_dir=root.parent, root=root)
    cold = lint(config, use_cache=True).diagnostics
    warm = lint(config, use_cache=True).diagnostics  # recalled from the cache, not re-read
    assert [d.rule for d in cold] == ["unused-suppression"]
    assert warm == cold
