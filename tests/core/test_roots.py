"""Several roots, one library: ``roots = ["skills", "optional-skills"]``.

The tree is shaped like a Hermes-style library split in two roots (a main
tree and optional extras), with related skills that cross from one root to
the other, a skill sitting directly in a root and a root's own DESCRIPTION.md.
Every file is written here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_tree

from skillshelf.cli import main
from skillshelf.config import ConfigError, config_from_table, load_config
from skillshelf.lint import lint
from skillshelf.model import scan


def hermes_skill(name: str, related: str = "[]") -> str:
    return (
        f"---\nname: {name}\ndescription: Does {name} work. Use when {name} is needed.\n"
        "version: 1.0.0\nauthor: Test Author\nlicense: MIT\nplatforms: [linux]\n"
        f"metadata:\n  hermes:\n    tags: [Example]\n    related_skills: {related}\n"
        f"---\n\n# {name.title()}\n\nSteps.\n"
    )


def hermes_description(text: str) -> str:
    return f"---\ndescription: {text}\n---\n"


LIBRARY: dict[str, str | bytes] = {
    "skillshelf.toml": 'roots = ["skills", "optional-skills"]\nstyle = "hermes"\n',
    "skills/mlops/DESCRIPTION.md": hermes_description("Training and serving models."),
    # related across roots: 'vector-store' lives in optional-skills
    "skills/mlops/trainer/SKILL.md": hermes_skill("trainer", "[evaluator, vector-store]"),
    "skills/mlops/evaluator/SKILL.md": hermes_skill("evaluator", "[trainer]"),
    # a skill directly in a root: allowed, no category
    "skills/dogfood/SKILL.md": hermes_skill("dogfood", "[trainer]"),
    "optional-skills/DESCRIPTION.md": hermes_description("Extras installed on demand."),
    "optional-skills/search/DESCRIPTION.md": hermes_description("Finding things."),
    "optional-skills/search/vector-store/SKILL.md": hermes_skill("vector-store", "[trainer]"),
    "optional-skills/search/web-search/SKILL.md": hermes_skill("web-search", "[dogfood]"),
    # a lone skill directly in the second root
    "optional-skills/sandbox/SKILL.md": hermes_skill("sandbox", "[evaluator]"),
}


def library(tmp_path: Path, **changes: str | bytes) -> Path:
    return write_tree(tmp_path, {**LIBRARY, **changes})


def findings(project: Path) -> list[tuple[str, str, str]]:
    config = load_config(config_file=project / "skillshelf.toml")
    result = lint(config, use_cache=False)
    return [
        (d.rule, Path(d.path).relative_to(project).as_posix(), d.message)
        for d in result.diagnostics
    ]


def test_a_clean_two_root_library_has_no_findings(tmp_path: Path) -> None:
    assert findings(library(tmp_path)) == []


def test_related_skills_resolve_across_roots(tmp_path: Path) -> None:
    project = library(tmp_path)
    # linted as one root, the other root's names are unknown: the check can fail
    config = config_from_table(
        {"root": "skills", "style": "hermes"}, project_dir=project, source=None
    )
    separate = [d.rule for d in lint(config, use_cache=False).diagnostics]
    assert "unknown-related-skill" in separate
    assert not [f for f in findings(project) if f[0] == "unknown-related-skill"]


def test_a_duplicate_name_across_roots_is_reported_on_both(tmp_path: Path) -> None:
    project = library(
        tmp_path, **{"optional-skills/search/trainer/SKILL.md": hermes_skill("trainer")}
    )
    dups = sorted(path for rule, path, _ in findings(project) if rule == "duplicate-name")
    assert dups == ["optional-skills/search/trainer/SKILL.md", "skills/mlops/trainer/SKILL.md"]


def test_did_you_mean_looks_in_every_root_and_never_names_the_skill_itself(
    tmp_path: Path,
) -> None:
    project = library(
        tmp_path,
        # 'vector-stor' is a typo of a skill of the other root
        **{"skills/mlops/trainer/SKILL.md": hermes_skill("trainer", "[evaluator, vector-stor]")},
        # 'web-searches' is nearest to the skill itself: no suggestion at all
        **{"optional-skills/search/web-search/SKILL.md": hermes_skill("web-search", "[web-searc]")},
    )
    messages = {
        path: message
        for rule, path, message in findings(project)
        if rule == "unknown-related-skill"
    }
    assert "did you mean 'vector-store'?" in messages["skills/mlops/trainer/SKILL.md"]
    assert "did you mean" not in messages["optional-skills/search/web-search/SKILL.md"]


def test_a_name_sharing_only_words_with_another_gets_no_suggestion(tmp_path: Path) -> None:
    """'subagent-driven-development' is not a typo of 'test-driven-development'."""
    project = library(
        tmp_path,
        **{
            "skills/mlops/test-driven-development/SKILL.md": hermes_skill(
                "test-driven-development"
            ),
            "skills/mlops/evaluator/SKILL.md": hermes_skill(
                "evaluator", "[trainer, subagent-driven-development, test-driven-developmnt]"
            ),
        },
    )
    messages = [m for rule, _, m in findings(project) if rule == "unknown-related-skill"]
    assert messages == [
        "related skill 'subagent-driven-development' does not exist in this tree",
        "related skill 'test-driven-developmnt' does not exist in this tree; "
        "did you mean 'test-driven-development'?",
    ]


def test_category_rules_apply_within_each_root_not_to_the_roots(tmp_path: Path) -> None:
    project = library(
        tmp_path,
        **{
            "skills/tools/DESCRIPTION.md": hermes_description("Tools."),
            "skills/tools/lonely/SKILL.md": hermes_skill("lonely"),
        },
    )
    found = [(rule, path) for rule, path, _ in findings(project)]
    # the roots themselves (one skill directly in optional-skills, no DESCRIPTION.md
    # in skills) trip nothing; a category of one skill inside a root still does
    assert found == [("singleton-category", "skills/tools")]


def test_depth_is_counted_from_each_root(tmp_path: Path) -> None:
    tree = scan(library(tmp_path), roots=("skills", "optional-skills"))
    assert tree.categories["skills"].depth == 0
    assert tree.categories["optional-skills/search"].depth == 1
    assert tree.categories["skills"].is_root


def test_the_cli_lints_every_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = library(
        tmp_path,
        **{"optional-skills/search/web-search/SKILL.md": hermes_skill("web-search", "[nope]")},
    )
    monkeypatch.chdir(project)
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    assert "optional-skills/search/web-search/SKILL.md" in out
    assert "unknown-related-skill" in out


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"root": "skills", "roots": ["skills", "extra"]}, "either root"),
        ({"roots": []}, "non-empty list"),
        ({"roots": "skills"}, "roots must be a list"),
        ({"roots": ["a/skills", "b/extra"]}, "side by side"),
        ({"roots": ["skills", "./skills"]}, "same folder twice"),
    ],
)
def test_roots_misconfigured_is_a_clear_error(
    tmp_path: Path, table: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_table(table, project_dir=tmp_path)


def test_one_root_in_roots_is_the_one_root_form(tmp_path: Path) -> None:
    config = config_from_table({"roots": ["skills"]}, project_dir=tmp_path)
    assert config.root == (tmp_path / "skills").resolve()
    assert config.roots == ()


def test_relative_links_resolve_across_roots_and_still_may_not_leave_them(
    tmp_path: Path,
) -> None:
    body = (
        "# Dogfood\n\nSee [the sandbox](../../optional-skills/sandbox/SKILL.md) "
        "and [the readme](../../README.md).\n"
    )
    skill = hermes_skill("dogfood", "[trainer]").replace("# Dogfood\n\nSteps.\n", body)
    project = library(tmp_path, **{"skills/dogfood/SKILL.md": skill, "README.md": "# Repo\n"})
    links = [(rule, message) for rule, path, message in findings(project) if "link" in rule]
    assert links == [
        (
            "broken-link",
            "link '../../README.md' leaves the skills tree; it cannot work on the published site",
        )
    ]


def test_the_cli_takes_paths_in_any_root_and_no_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = library(tmp_path, **{"README.md": "# Repo\n"})
    monkeypatch.chdir(project)
    assert main(["lint", "optional-skills/sandbox/SKILL.md", "skills/dogfood/SKILL.md"]) == 0
    assert main(["lint", "README.md"]) == 2
    assert "outside the skills roots" in capsys.readouterr().err
    assert main(["lint", "--ignore-outside-root", "README.md"]) == 0


def test_exclude_and_per_file_ignores_reach_into_every_root(tmp_path: Path) -> None:
    project = library(
        tmp_path,
        **{
            "skillshelf.toml": LIBRARY["skillshelf.toml"]
            + 'exclude = ["optional-skills/drafts"]\n'
            + '[per-file-ignores]\n"optional-skills/search/**" = ["unknown-related-skill"]\n',
            # excluded: its broken frontmatter would be an error
            "optional-skills/drafts/half/SKILL.md": "---\nname: [\n---\n",
            "optional-skills/search/web-search/SKILL.md": hermes_skill("web-search", "[nope]"),
            "skills/mlops/evaluator/SKILL.md": hermes_skill("evaluator", "[nope]"),
        },
    )
    assert [(rule, path) for rule, path, _ in findings(project)] == [
        ("unknown-related-skill", "skills/mlops/evaluator/SKILL.md")
    ]
