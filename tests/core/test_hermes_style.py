"""The Hermes frontmatter style (``style = "hermes"``): schema, rules and ``--fix``.

The fixture tree imitates the layout and frontmatter conventions of the Hermes
agent skills library (top-level version/author/platforms, Hermes' fields under
``metadata.hermes``, DESCRIPTION.md with only a description) with content of
our own, and holds exactly one instance of each defect that library's public
tree really has.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from skillshelf import schemas
from skillshelf.cli import main
from skillshelf.config import LintConfig, config_from_table
from skillshelf.frontmatter import Frontmatter, parse_document
from skillshelf.lint import lint

MakeTree = Callable[[Mapping[str, str | bytes]], Path]

MIB = 1024 * 1024


def hermes_skill(
    name: str,
    description: str = "Handles one small chore. Use when that chore comes up.",
    *,
    top: str = "",
    hermes: str = "    tags: [Example]\n",
    body: str = "# Heading\n\nWhat to do, step by step.\n",
) -> str:
    """A SKILL.md in the Hermes style; ``top`` adds top-level lines, ``hermes``
    replaces the lines under ``metadata.hermes`` (indented four spaces)."""
    return (
        f"---\nname: {name}\ndescription: {description}\nversion: 1.0.0\n"
        f"author: Test Author\nlicense: MIT\nplatforms: [linux, macos]\n{top}"
        f"metadata:\n  hermes:\n{hermes}---\n\n{body}"
    )


def hermes_description(text: str) -> str:
    """A Hermes DESCRIPTION.md: a description and nothing else."""
    return f"---\ndescription: {text}\n---\n"


RICH_TOP = (
    "dependencies: [requests, 'pydantic>=2']\n"
    "prerequisites:\n  commands: [pandoc]\n  env_vars: [OUTLINE_HOME]\n"
    "required_environment_variables:\n"
    "  - name: OUTLINE_TOKEN\n    prompt: Token for the outline service\n"
    "    help: https://example.org/tokens\n    required_for: publishing\n"
    "required_credential_files:\n  - path: outline/token.json\n    description: OAuth token\n"
    "setup:\n  help: Run the bundled setup script once.\n"
    "environments: [s6]\n"
)
RICH_HERMES = (
    "    tags: [Writing, Structure]\n"
    "    related_skills: [proofread, summarize, translate]\n"
    "    category: writing\n"
    "    homepage: https://example.org/outline\n"
    "    requires_toolsets: [terminal]\n"
    "    fallback_for_tools: [web_search]\n"
    "    config:\n"
    "      - key: outline.folder\n        description: Where outlines are kept\n"
    "        default: ~/outlines\n"
)

#: Valid Hermes-style skills, plus one of each real defect kind (commented).
FIXTURE: dict[str, str | bytes] = {
    "writing/DESCRIPTION.md": hermes_description("Drafting, shaping and checking prose."),
    # unknown-related-skill: 'translate' is not a skill; 'summarize' is a folder
    # whose declared name differs, which agents still resolve.
    "writing/outline/SKILL.md": hermes_skill(
        "outline",
        top=RICH_TOP,
        hermes=RICH_HERMES,
        body="# Outline\n\nStart from [the template](templates/plan.md).\n",
    ),
    # A template's links point into the document it becomes, not into the skill.
    "writing/outline/templates/plan.md": "# {{TITLE}}\n\nSee [part one](parts/{{PART}}.md).\n",
    "writing/proofread/SKILL.md": hermes_skill(
        "proofread", hermes="    tags: [Writing]\n    related_skills: [outline]\n"
    ),
    # name-mismatch
    "writing/summarize/SKILL.md": hermes_skill("condense-text"),
    # missing-description (a category with skills and no DESCRIPTION.md)
    "devops/monitor/SKILL.md": hermes_skill("monitor", hermes="    tags: [Ops]\n"),
    # misplaced-tags
    "devops/deploy/SKILL.md": hermes_skill(
        "deploy", top="tags: [Ops, Release]\n", hermes="    related_skills: [monitor]\n"
    ),
    # frontmatter-missing: a category DESCRIPTION.md that is plain Markdown
    "data/DESCRIPTION.md": "# Data\n\nCleaning and charting tables.\n",
    "data/tidy-csv/SKILL.md": hermes_skill(
        "tidy-csv", body="# Tidy\n\nSee [rules](references/rules.md).\n"
    ),
    "data/tidy-csv/references/rules.md": "# Rules\n\nOne header row.\n",
    # oversized-file: a reference over one mebibyte
    "data/tidy-csv/references/dump.md": "# Dump\n\n" + ("x" * 99 + "\n") * (MIB // 100 + 1),
    "data/chart/SKILL.md": hermes_skill("chart", top="category: data\n"),
    # orphan-description: a DESCRIPTION.md inside a skill folder
    "data/chart/DESCRIPTION.md": hermes_description("Charts."),
    # singleton-category
    "audio/DESCRIPTION.md": hermes_description("Sound in and out."),
    "audio/transcribe/SKILL.md": hermes_skill(
        "transcribe", top="compatibility: Needs ffmpeg on PATH.\n"
    ),
    # empty-category: a folder of data files with no skill in it
    "cache/index.json": "{}\n",
}

EXPECTED = {
    ("empty-category", "cache"),
    ("frontmatter-missing", "data/DESCRIPTION.md"),
    ("misplaced-tags", "devops/deploy/SKILL.md"),
    ("missing-description", "devops"),
    ("name-mismatch", "writing/summarize/SKILL.md"),
    ("orphan-description", "data/chart/DESCRIPTION.md"),
    ("oversized-file", "data/tidy-csv/references/dump.md"),
    ("singleton-category", "audio"),
    ("unknown-related-skill", "writing/outline/SKILL.md"),
}


def hermes_config(root: Path, **table: Any) -> LintConfig:
    return config_from_table({"style": "hermes", **table}, project_dir=root.parent, root=root)


def test_fixture_tree_reports_exactly_the_real_defects(make_tree: MakeTree) -> None:
    root = make_tree(FIXTURE)
    diagnostics = lint(hermes_config(root)).diagnostics
    found = [(d.rule, d.path.relative_to(root).as_posix()) for d in diagnostics]
    assert sorted(found) == sorted(EXPECTED)  # each exactly once, nothing else
    related = next(d for d in diagnostics if d.rule == "unknown-related-skill")
    assert "'translate'" in related.message
    assert (related.position.line, related.position.column) == (26, 44)  # at the name


def test_oversized_category_is_a_skillshelf_policy_only(make_tree: MakeTree) -> None:
    root = make_tree(FIXTURE)
    table = {"categories": {"max-skills": 1}}
    hermes = lint(hermes_config(root, **table)).diagnostics
    assert not any(d.rule == "oversized-category" for d in hermes)
    skillshelf = config_from_table(table, project_dir=root.parent, root=root)
    assert any(d.rule == "oversized-category" for d in lint(skillshelf).diagnostics)


def frontmatter_of(text: str) -> Any:
    parsed = parse_document(text, expect_frontmatter=True)
    assert parsed.frontmatter is not None and not parsed.issues
    return parsed.frontmatter.data


def problems(schema: str, data: Any) -> list[str]:
    return [issue.message for issue in schemas.check(schema, Frontmatter("", 2, data))]


HERMES = schemas.SKILL_SCHEMAS["hermes"]
SKILLSHELF = schemas.SKILL_SCHEMAS["skillshelf"]


def test_valid_hermes_frontmatter_passes_hermes_schema_only() -> None:
    rich = frontmatter_of(str(FIXTURE["writing/outline/SKILL.md"]))
    plain = frontmatter_of(hermes_skill("plain"))
    for data in (rich, plain):
        assert problems(HERMES, data) == []
    messages = problems(SKILLSHELF, rich)
    for key in ("version", "author", "platforms", "dependencies", "prerequisites", "setup"):
        assert any(f"unknown key {key!r}" in m for m in messages), key
    assert any(m.startswith("metadata.hermes:") for m in problems(SKILLSHELF, plain))


def test_skillshelf_frontmatter_fails_the_hermes_schema() -> None:
    data = {
        "name": "tool",
        "description": "Does a thing.",
        "metadata": {"skillshelf": {"version": "1.0.0", "tags": ["A"]}},
    }
    assert problems(SKILLSHELF, data) == []
    assert problems(HERMES, data) == [
        "metadata.skillshelf: a mapping of 2 keys where text is expected"
    ]


def test_a_field_of_the_style_one_level_too_high_gets_a_hint_and_others_do_not() -> None:
    data = {"name": "tool", "description": "Does a thing."}
    assert problems(SKILLSHELF, data | {"metadata": {"tags": ["A"], "owner": ["x"]}}) == [
        "metadata.owner: a list of 1 item where text is expected",
        "metadata.tags: a list of 1 item where text is expected; "
        "did you mean 'metadata.skillshelf.tags'?",
    ]


def test_both_skill_schemas_carry_ids_and_described_properties() -> None:
    hermes = schemas.load_schema(HERMES)
    assert (
        hermes["$id"] == "https://skillshelf.github.io/skillshelf/schemas/skill.hermes.schema.json"
    )
    assert hermes["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    undocumented = [key for key, spec in hermes["properties"].items() if "description" not in spec]
    assert undocumented == []
    fields = hermes["$defs"]["hermes-fields"]["properties"]
    assert [key for key, spec in fields.items() if "description" not in spec] == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # Top-level tags are typed like metadata.hermes.tags (misplaced-tags reports them).
        ({"tags": "A"}, "tags: 'A' where a list is expected"),
        ({"tags": ["A", "A"]}, "tags: 'A' appears more than once"),
        ({"authors": ["x"]}, "unknown key 'authors'; did you mean 'author'?"),
        ({"trigger": ["when asked"]}, "unknown key 'trigger'; did you mean 'triggers'?"),
        ({"platforms": ["android"]}, "platforms[0]: 'android' is not one of"),
        ({"version": 1.0}, "the number 1.0 where text is expected: quote it, e.g. '1.0.0'"),
        ({"prerequisites": {"pip": ["x"]}}, "unknown key 'prerequisites.pip'"),
        (
            {"metadata": {"hermes": {"prerequisites": {"commands": ["x"]}}}},
            "unknown key 'metadata.hermes.prerequisites'",
        ),
        ({"metadata": {"hermes": {"related_skills": [""]}}}, "related_skills[0]"),
        ({"name": "dotted.name"}, "'dotted.name' is not a valid skill name"),
        # a field of metadata.hermes written one level too high
        (
            {"metadata": {"tags": ["A", "B"]}},
            "metadata.tags: a list of 2 items where text is expected; "
            "did you mean 'metadata.hermes.tags'?",
        ),
        # an entry that is a mapping is judged as one, not as the text it could have been
        (
            {"required_environment_variables": [{"name": "TOKEN", "description": "x"}]},
            "unknown key 'required_environment_variables[0].description' "
            "(allowed: name, prompt, help, required_for, optional)",
        ),
        (
            {"required_environment_variables": ["BAD name"]},
            "required_environment_variables[0]: 'BAD name' does not match",
        ),
    ],
)
def test_hermes_schema_rejects(extra: dict[str, Any], expected: str) -> None:
    data = {"name": "tool", "description": "Does a thing.", **extra}
    assert any(expected in m for m in problems(HERMES, data)), problems(HERMES, data)


def test_top_level_tags_of_the_right_type_are_left_to_misplaced_tags() -> None:
    data = {"name": "tool", "description": "Does a thing.", "tags": ["A", "B"]}
    assert problems(HERMES, data) == []
    assert problems(SKILLSHELF, data) == []
    # read, but never advised
    assert problems(SKILLSHELF, data | {"tgas": 1}) == [
        "unknown key 'tgas' (allowed: name, description, license, compatibility, "
        "allowed-tools, metadata)"
    ]


def test_author_may_list_several_people() -> None:
    data = {"name": "tool", "description": "Does a thing.", "author": ["ann", "bob"]}
    assert problems(HERMES, data) == []


# --fix through the real command line -------------------------------------------------

TAGGED = (
    "---\n"
    "# Maintained by the docs team.\n"
    "name: release-notes\n"
    "description: 'Draft release notes: from merged changes. Use when cutting a release.'\n"
    "version: 2.1.0  # bump on every change\n"
    "tags: [Docs, Release]  # shown in search\n"
    "platforms: [linux]\n"
    "metadata:\n"
    "  hermes:\n"
    "    # keep this list short\n"
    "    related_skills: [changelog]\n"
    "---\n"
)
BODY = (
    "\n# Release notes\n\n---\n\ntags: [not, frontmatter]\n\n"
    "```yaml\ntags: [also, untouched]\n```\n\n  trailing  spaces kept  \n"
)


@pytest.fixture
def fix_project(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_tree(
        {
            "docs/DESCRIPTION.md": hermes_description("Writing about the software."),
            "docs/release-notes/SKILL.md": TAGGED + BODY,
            "docs/changelog/SKILL.md": hermes_skill(
                "changelog", hermes="    tags: [Docs]\n    related_skills: [release-notes]\n"
            ),
        }
    )
    (root.parent / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    monkeypatch.chdir(root.parent)
    return root.parent


def snapshot(project: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(project).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def lint_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["lint", "--style", "hermes", "--root", "skills", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["diagnostics"]


def test_misplaced_tags_fix_round_trip(
    fix_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skill = fix_project / "skills/docs/release-notes/SKILL.md"
    before = snapshot(fix_project)

    code, found = lint_json(capsys)
    assert code == 1
    assert [(d["rule"], d["line"]) for d in found] == [("misplaced-tags", 6)]
    assert snapshot(fix_project) == before  # without --fix nothing is written

    code, found = lint_json(capsys, "--fix")
    assert (code, found) == (0, [])
    text = skill.read_text(encoding="utf-8")
    assert text == (
        "---\n"
        "# Maintained by the docs team.\n"
        "name: release-notes\n"
        "description: 'Draft release notes: from merged changes. Use when cutting a release.'\n"
        "version: 2.1.0  # bump on every change\n"
        "platforms: [linux]\n"
        "metadata:\n"
        "  hermes:\n"
        "    # keep this list short\n"
        "    related_skills: [changelog]\n"
        "    tags: [Docs, Release] # shown in search\n"
        "---\n" + BODY
    )
    assert skill.read_bytes().endswith(BODY.encode())  # the body, byte for byte
    data = frontmatter_of(text)
    assert data["metadata"]["hermes"]["tags"] == ["Docs", "Release"] and "tags" not in data
    changed = {k for k, v in snapshot(fix_project).items() if before[k] != v}
    assert changed == {"skills/docs/release-notes/SKILL.md"}

    after = snapshot(fix_project)
    code, found = lint_json(capsys, "--fix")
    assert (code, found) == (0, [])
    assert snapshot(fix_project) == after  # a second --fix changes nothing
