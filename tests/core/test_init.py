"""``skillshelf init`` on synthetic libraries of each frontmatter style: the files it
writes, what it detects, that it overwrites nothing, and that the written
configuration lints, validates (pre-commit) and builds (MkDocs) as it is."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import description_md, write_tree

BIN = Path(sys.executable).parent
SKILLSHELF = str(BIN / "skillshelf")


def plain(name: str) -> str:
    return f"---\nname: {name}\ndescription: Does {name} things. Use when asked.\n---\n\n# {name}\n"


def hermes(name: str) -> str:
    return (
        f"---\nname: {name}\ndescription: Does {name} things. Use when asked.\n"
        f"version: 1.0.0\nauthor: [someone]\nmetadata:\n  hermes:\n    tags: [Agents]\n---\n\n"
        f"# {name}\n"
    )


def own(name: str) -> str:
    return (
        f"---\nname: {name}\ndescription: Does {name} things. Use when asked.\nlicense: MIT\n"
        f"metadata:\n  skillshelf:\n    tags: [Agents]\n---\n\n# {name}\n"
    )


def library(make: Callable[[str], str], folder: str = "skills") -> dict[str, str | bytes]:
    return {
        f"{folder}/research/DESCRIPTION.md": description_md("Research"),
        f"{folder}/research/reader/SKILL.md": make("reader"),
        f"{folder}/research/writer/SKILL.md": make("writer"),
        f"{folder}/media/DESCRIPTION.md": description_md("Media"),
        f"{folder}/media/cutter/SKILL.md": make("cutter"),
        f"{folder}/media/mixer/SKILL.md": make("mixer"),
        "README.md": "# A library\n",
    }


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("skill", "style", "said"),
    [
        (plain, "skillshelf", "plain Agent Skills frontmatter"),
        (hermes, "hermes", "4 of 4 skills use Hermes' fields"),
        (own, "skillshelf", "4 of 4 skills use skillshelf's"),
    ],
    ids=["plain", "hermes", "skillshelf"],
)
def test_init_detects_the_style_and_the_written_config_lints_clean(
    tmp_path: Path, skill: Callable[[str], str], style: str, said: str
) -> None:
    write_tree(tmp_path, library(skill, "agent-skills"))
    (tmp_path / "notes").mkdir()  # a folder without skills is not the root
    result = run(tmp_path, SKILLSHELF, "init")
    assert result.returncode == 0, result.stderr
    assert "skills folder: agent-skills/ (4 skills)" in result.stdout
    assert f"frontmatter style: {style} ({said}" in result.stdout
    settings = tomllib.loads((tmp_path / "skillshelf.toml").read_text(encoding="utf-8"))
    assert settings == {"root": "agent-skills", "style": style}
    linted = run(tmp_path / "agent-skills" / "media", SKILLSHELF, "lint", "--no-cache")
    assert (linted.returncode, linted.stdout) == (0, "no problems found\n"), linted.stderr


def test_the_written_hook_config_is_valid_and_names_this_release(tmp_path: Path) -> None:
    from importlib.metadata import version

    write_tree(tmp_path, library(plain))
    assert run(tmp_path, SKILLSHELF, "init").returncode == 0
    written = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert f"rev: v{version('skillshelf')}\n" in written
    assert "- id: skillshelf-lint\n" in written
    checked = run(tmp_path, str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_existing_files_are_kept_and_named(tmp_path: Path) -> None:
    write_tree(tmp_path, library(plain))
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    result = run(tmp_path, SKILLSHELF, "init")
    assert result.returncode == 0
    assert "kept mkdocs.yml: it exists, not overwritten" in result.stdout
    assert "wrote skillshelf.toml" in result.stdout
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    again = run(tmp_path, SKILLSHELF, "init")
    assert again.returncode == 0
    assert "wrote" not in again.stdout
    assert again.stdout.count("kept ") == 3
    assert {p: p.read_bytes() for p in before} == before


def test_the_skills_folder_of_a_repository_may_be_given(tmp_path: Path) -> None:
    write_tree(tmp_path, library(hermes, "optional"))
    (tmp_path / ".git").mkdir()
    result = run(tmp_path, SKILLSHELF, "init", "optional")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "skillshelf.toml").is_file()
    assert not (tmp_path / "optional" / "skillshelf.toml").exists()
    assert 'root = "optional"' in (tmp_path / "skillshelf.toml").read_text(encoding="utf-8")


def test_a_folder_without_skills_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    result = run(tmp_path, SKILLSHELF, "init")
    assert result.returncode == 2
    assert "no SKILL.md below" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_folders_named_for_skills_beside_the_first_are_roots_and_others_are_named(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            **library(hermes),
            "optional-skills/extras/DESCRIPTION.md": description_md("Extras"),
            "optional-skills/extras/scraper/SKILL.md": hermes("scraper"),
            "optional-skills/extras/crawler/SKILL.md": hermes("crawler"),
            # an example to copy, not a skill of the library
            "template/SKILL.md": "---\nname: template-skill\ndescription: Replace me\n---\n",
        },
    )
    result = run(tmp_path, SKILLSHELF, "init")
    assert result.returncode == 0, result.stderr
    assert "skills folders: skills/ (4 skills), optional-skills/ (2 skills)" in result.stdout
    assert "left out: template/ holds 1 SKILL.md too" in result.stdout
    assert "frontmatter style: hermes (6 of 6 skills use Hermes' fields)" in result.stdout
    settings = tomllib.loads((tmp_path / "skillshelf.toml").read_text(encoding="utf-8"))
    assert settings == {"roots": ["skills", "optional-skills"], "style": "hermes"}
    linted = run(tmp_path, SKILLSHELF, "lint", "--no-cache")
    assert (linted.returncode, linted.stdout) == (0, "no problems found\n"), linted.stderr
    # the left-out folder is left out: its broken frontmatter is no finding
    (tmp_path / "template" / "SKILL.md").write_text("---\nname: [\n---\n", encoding="utf-8")
    assert run(tmp_path, SKILLSHELF, "lint", "--no-cache").returncode == 0


@pytest.mark.slow
def test_the_written_mkdocs_yml_builds_the_site(tmp_path: Path) -> None:
    write_tree(tmp_path, library(hermes))
    assert run(tmp_path, SKILLSHELF, "init").returncode == 0
    built = run(tmp_path, str(BIN / "mkdocs"), "build", "--strict")
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    assert (site / "index.html").is_file()  # the plugin's home page: docs/ is empty
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert {"research/reader/index.html", "media/mixer/index.html"} <= pages
