"""Each rule: one tree that trips it, one that does not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import description_md, healthy_tree, skill_md

from skillshelf.config import config_from_table
from skillshelf.diagnostics import Diagnostic, Position, Severity
from skillshelf.lint import bounded, lint
from skillshelf.report import summary, to_json
from skillshelf.rules import all_rules
from skillshelf.rules.base import DOC_SECTIONS

MakeTree = Callable[[Mapping[str, str | bytes]], Path]


def run(root: Path, rule: str, **table: Any) -> list[Diagnostic]:
    config = config_from_table(table, project_dir=root.parent, root=root)
    return [d for d in lint(config).diagnostics if d.rule == rule]


def without(*removed: str) -> dict[str, str | bytes]:
    """The healthy tree less some files."""
    return {rel: text for rel, text in healthy_tree().items() if rel not in removed}


def test_the_healthy_tree_is_clean(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree())
    config = config_from_table({}, project_dir=root.parent, root=root)
    assert lint(config).diagnostics == []


def test_every_rule_has_a_kebab_id_and_a_one_line_summary() -> None:
    rules = list(all_rules())
    assert len(rules) >= 16
    for rule in rules:
        assert rule.summary and "\n" not in rule.summary, rule.id
        assert rule.summary.endswith("."), rule.id


def test_every_rule_is_documented_in_the_four_sections() -> None:
    for rule in all_rules():
        sections = rule.sections()
        assert tuple(sections) == DOC_SECTIONS, (rule.id, list(sections))
        for title, text in sections.items():
            assert len(text) >= 20, (rule.id, title)
        assert not any(ord(c) < 32 and c != "\n" for c in rule.docs), rule.id


def test_frontmatter_missing(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": "# No frontmatter\n"})
    (hit,) = run(root, "frontmatter-missing")
    assert hit.path == root / "alpha/two/SKILL.md"
    assert run(make_tree(healthy_tree()), "frontmatter-missing") == []


def test_frontmatter_syntax(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": "---\nname: two\nname: again\n---\n"})
    (hit,) = run(root, "frontmatter-syntax")
    assert hit.position.line == 3
    assert "duplicate key" in hit.message


def test_frontmatter_schema_points_at_the_value_and_suggests_keys(make_tree: MakeTree) -> None:
    bad = skill_md("two", extra="lisence: MIT\nmetadata:\n  skillshelf:\n    version: 1.0\n")
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": bad})
    hits = run(root, "frontmatter-schema")
    by_message = {d.message: d for d in hits}
    unknown = next(d for m, d in by_message.items() if "lisence" in m)
    assert "did you mean 'license'" in unknown.message
    assert unknown.position == Position(5, 1)
    version = next(d for m, d in by_message.items() if "version" in m)
    assert "quote it" in version.message
    assert version.position == Position(8, 14)


def test_frontmatter_schema_on_description_md(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"alpha/DESCRIPTION.md": "---\ntitle: Alpha\n---\n"})
    (hit,) = run(root, "frontmatter-schema")
    assert "'description' is a required property" in hit.message
    assert hit.path.name == "DESCRIPTION.md"


def test_frontmatter_schema_on_a_list(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": "---\n- a\n---\n"})
    (hit,) = run(root, "frontmatter-schema")
    assert "must be a mapping" in hit.message


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # A key that is not text, beside text keys: one finding at the key, and the
        # text keys still checked (the mix used to crash the error sorting).
        ("1: a\nfoo: b\n", {(5, 1, "the key 1 is a number, not text: quote it ('1')"),
                             (6, 1, "unknown key 'foo' (allowed: name, description, license, "
                              "compatibility, allowed-tools, metadata)")}),
        ("? [a]\n: 1\n", {(5, 3, "a list used as a key: keys must be text")}),
        ("metadata:\n  2024-01-02: x\n", {
            (6, 3, "the key 2024-01-02 in metadata is a date, not text: quote it ('2024-01-02')")
        }),
        ("metadata:\n  true: x\n", {
            (6, 3, "the key true in metadata is a boolean, not text: quote it ('true')")
        }),
        # Merged keys point where the merge writes them.
        ("<<: {x: 1}\n", {(5, 6, "unknown key 'x' (allowed: name, description, license, "
                          "compatibility, allowed-tools, metadata)")}),
        ("compatibility: 2024-01-02\n", {
            (5, 16, "compatibility: a date (2024-01-02) where text is expected: "
             "quote it, e.g. '2024-01-02'")
        }),
        ("compatibility: 2024-01-02 10:30:00\n", {
            (5, 16, "compatibility: a date and time (2024-01-02 10:30:00) where text is "
             "expected: quote it, e.g. '2024-01-02 10:30:00'")
        }),
        ("metadata:\n  skillshelf:\n    tags: !!binary aGVsbG8=\n", {
            (7, 11, "metadata.skillshelf.tags: binary data (5 bytes) where a list is expected")
        }),
        ("metadata:\n  skillshelf:\n    tags: [a, b, a]\n", {
            (7, 11, "metadata.skillshelf.tags: 'a' appears more than once")
        }),
    ],
)  # fmt: skip
def test_frontmatter_schema_findings_in_words_at_their_key(
    make_tree: MakeTree, extra: str, expected: set[tuple[int, int, str]]
) -> None:
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": skill_md("two", extra=extra)})
    hits = run(root, "frontmatter-schema")
    assert {(d.line, d.column, d.message) for d in hits} == expected


def test_long_values_are_measured_not_echoed(make_tree: MakeTree) -> None:
    name = "Y" * 3000
    frontmatter = (
        f"name: {name}\ndescription: {'x' * 1068}\nlicense: ''\ncompatibility: {'z' * 3000}\n"
    )
    files = healthy_tree() | {"alpha/two/SKILL.md": f"---\n{frontmatter}---\n\nBody.\n"}
    messages = {d.message for d in run(make_tree(files), "frontmatter-schema")}
    assert messages == {
        f"name: '{'Y' * 60}…' (3,000 characters) is not a valid skill name: "
        "use lowercase letters, digits and single hyphens",
        "name is 3,000 characters (limit 64)",
        "description is 1,068 characters (limit 1,024)",
        "license is empty",
        "compatibility is 3,000 characters (limit 500)",
    }


def test_name_mismatch(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": skill_md("deux")})
    (hit,) = run(root, "name-mismatch")
    assert hit.position == Position(2, 7)
    assert "'deux'" in hit.message and "'two'" in hit.message
    assert run(make_tree(healthy_tree()), "name-mismatch") == []


def test_duplicate_name_anywhere_in_the_tree(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"beta/deep/four/SKILL.md": skill_md("one")})
    hits = run(root, "duplicate-name")
    assert {d.path.parent.name for d in hits} == {"one", "four"}
    assert run(make_tree(healthy_tree()), "duplicate-name") == []


def test_singleton_category(make_tree: MakeTree) -> None:
    files = healthy_tree() | {
        "beta/research/DESCRIPTION.md": description_md("Research"),
        "beta/research/dspy/SKILL.md": skill_md("dspy"),
    }
    (hit,) = run(make_tree(files), "singleton-category")
    assert hit.path.as_posix().endswith("beta/research")
    assert "dspy" in hit.message


def test_singleton_minimum_is_configurable(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree())
    assert run(root, "singleton-category") == []
    hits = run(root, "singleton-category", categories={"min-skills": 3})
    assert {d.path.name for d in hits} == {"alpha", "deep", "beta"}


def test_oversized_category(make_tree: MakeTree) -> None:
    files = healthy_tree() | {f"alpha/s{i}/SKILL.md": skill_md(f"s{i}") for i in range(3)}
    assert run(make_tree(files), "oversized-category", categories={"max-skills": 5}) == []
    (hit,) = run(make_tree(files), "oversized-category", categories={"max-skills": 4})
    assert "holds 5 skills directly" in hit.message


def test_missing_description(make_tree: MakeTree) -> None:
    root = make_tree(without("alpha/DESCRIPTION.md"))
    (hit,) = run(root, "missing-description")
    assert hit.path == root / "alpha"
    assert run(make_tree(healthy_tree()), "missing-description") == []


def test_empty_category(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"gamma/DESCRIPTION.md": description_md("Gamma")})
    (hit,) = run(root, "empty-category")
    assert hit.path == root / "gamma"


def test_too_deep(make_tree: MakeTree) -> None:
    files = healthy_tree() | {
        "beta/deep/er/x/SKILL.md": skill_md("x"),
        "beta/deep/er/y/SKILL.md": skill_md("y"),
    }
    assert run(make_tree(files), "too-deep") == []
    (hit,) = run(make_tree(files), "too-deep", categories={"max-depth": 2})
    assert hit.path.as_posix().endswith("beta/deep/er")


def test_broken_link_and_links_leaving_the_tree(make_tree: MakeTree) -> None:
    body = (
        "# T\n\n[ok](references/a.md) [gone](references/missing.md#part)\n"
        "![img](assets/nope.png) [out](../../../README.md) [web](https://example.com)\n"
        "`[not](a-link.md)`\n\n```markdown\n[also not](x.md)\n```\n[ref]: missing-ref.md\n"
    )
    files = healthy_tree() | {
        "alpha/two/SKILL.md": skill_md("two", body=body),
        "alpha/two/references/a.md": "# A\n",
    }
    hits = run(make_tree(files), "broken-link")
    assert [(d.position.line, d.message.split("'")[1]) for d in hits] == [
        (9, "references/missing.md#part"),
        (10, "assets/nope.png"),
        (10, "../../../README.md"),
        (16, "missing-ref.md"),
    ]
    assert hits[0].position.column == 30
    assert "leaves the skills tree" in hits[2].message


def test_unknown_related_skill(make_tree: MakeTree) -> None:
    extra = "metadata:\n  skillshelf:\n    related-skills: [two, tree]\n"
    root = make_tree(healthy_tree() | {"alpha/one/SKILL.md": skill_md("one", extra=extra)})
    (hit,) = run(root, "unknown-related-skill")
    assert "'tree'" in hit.message and "did you mean 'three'" in hit.message
    assert hit.position == Position(7, 27)


def test_orphan_description(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree() | {"alpha/two/DESCRIPTION.md": description_md("Two")})
    (hit,) = run(root, "orphan-description")
    assert hit.path == root / "alpha/two/DESCRIPTION.md"
    assert run(make_tree(healthy_tree()), "orphan-description") == []


def test_oversized_file(make_tree: MakeTree) -> None:
    files = healthy_tree() | {"alpha/two/assets/big.bin": b"\x01" * 5000}
    assert run(make_tree(files), "oversized-file") == []
    (hit,) = run(make_tree(files), "oversized-file", files={"max-bytes": 4096})
    assert hit.path.name == "big.bin"
    assert hit.message == "file is 5,000 bytes, over the limit of 4,096: split or trim it"


def test_misplaced_tags_in_both_styles(make_tree: MakeTree) -> None:
    root = make_tree(
        healthy_tree() | {"alpha/two/SKILL.md": skill_md("two", extra="tags: [a, b]\n")}
    )
    (hit,) = run(root, "misplaced-tags")
    assert hit.fix is not None and "metadata.skillshelf" in hit.message
    assert run(root, "frontmatter-schema") == []  # not reported twice


@pytest.mark.parametrize("level", ["warning", "off"])
def test_rules_can_be_relevelled_or_disabled(make_tree: MakeTree, level: str) -> None:
    root = make_tree(without("alpha/DESCRIPTION.md"))
    hits = run(root, "missing-description", rules={"missing-description": level})
    assert [d.severity.value for d in hits] == ([] if level == "off" else ["warning"])


def test_encoding_and_line_endings(make_tree: MakeTree) -> None:
    files = healthy_tree() | {
        "alpha/two/SKILL.md": b"\xef\xbb\xbf" + skill_md("two").replace("\n", "\r\n").encode(),
        "alpha/one/references/bin.md": b"\x00\x01\x02",
    }
    root = make_tree(files)
    assert {d.message.split(" ")[0] for d in run(root, "encoding")} == {"file", "binary"}
    (crlf,) = run(root, "line-endings")
    assert crlf.path.name == "SKILL.md"
    assert run(root, "frontmatter-schema") == []  # the content still parses


def test_the_reporting_policy_caps_each_rule_in_each_file_and_cuts_long_messages() -> None:
    def finding(rule: str, path: str, line: int, message: str = "m") -> Diagnostic:
        return Diagnostic(rule, Severity.ERROR, Path(path), message, Position(line, 1))

    many = [finding("a", "x.md", line) for line in range(1, 121)]
    others = [finding("b", "x.md", 7), finding("a", "y.md", 3, "z" * 5000)]
    kept = bounded([*many, *others], per_rule_per_file=50, message_limit=100)
    assert kept[:50] == many[:50]
    more = kept[50]
    assert (more.rule, more.path, more.position) == ("a", Path("x.md"), Position(51, 1))
    assert more.message == "... and 70 more a findings in this file"
    assert kept[51] == others[0]
    assert kept[52].message == "z" * 100 + "… (5,000 characters)"
    assert len(kept) == 53


def test_the_summary_counts_every_finding_and_says_how_many_are_not_shown() -> None:
    found = [
        Diagnostic("a", Severity.ERROR, Path("x.md"), "m", Position(line, 1))
        for line in range(1, 121)
    ]
    shown = bounded([*found, Diagnostic("b", Severity.WARNING, Path("x.md"), "w")])
    assert summary(shown) == "120 errors, 1 warning; 70 of them not shown"
    assert to_json(shown)["summary"] == {"error": 120, "warning": 1, "info": 0}


def test_frontmatter_schema_on_published_pages(make_tree: MakeTree) -> None:
    page = "beta/deep/four/references/guide.md"
    good = "---\ntitle: Guide\ntags: [a, 1]\nsearch: {boost: 2}\nowner: anyone\n---\n\n# Guide\n"
    assert run(make_tree(healthy_tree() | {page: good}), "frontmatter-schema") == []
    bad = "---\ntitle: Guide\ntags: 5\ntemplate: main.html\n---\n\n# Guide\n"
    hits = run(make_tree(healthy_tree() | {page: bad}), "frontmatter-schema")
    assert [(d.line, d.column, d.message) for d in hits] == [
        (3, 7, "tags: the number 5 where a list or nothing is expected"),
        (
            4,
            1,
            "template: a contributed page cannot choose the theme template it is rendered "
            "with (a wrong name stops the site build); remove the key",
        ),
    ]


def test_multimarkdown_metadata(make_tree: MakeTree) -> None:
    page = "beta/deep/four/references/guide.md"
    eaten = "Note: read this first\n    and this\nTags: x\n\n# Guide\n"
    (hit,) = run(make_tree(healthy_tree() | {page: eaten}), "multimarkdown-metadata")
    assert hit.position == Position(1, 1)
    assert hit.message.startswith("MkDocs reads these 3 lines as page metadata ('note': ...")
    for fine in ("# Guide\n\nNote: in the body\n", "\nNote: after a blank line\n"):
        assert run(make_tree(healthy_tree() | {page: fine}), "multimarkdown-metadata") == []
    # SKILL.md is never handed to MkDocs as it is: frontmatter-missing covers it.
    skill = "alpha/two/SKILL.md"
    assert run(make_tree(healthy_tree() | {skill: "name: two\n"}), "multimarkdown-metadata") == []
