"""Finding and reading the configuration file: upward to the repository's root, the
README's examples as they are, errors that name every key."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from tests.conftest import healthy_tree, skill_md, write_tree

from skillshelf.config import ConfigError, config_from_table, load_config

README = Path(__file__).resolve().parents[2] / "README.md"
SKILLSHELF = str(Path(sys.executable).with_name("skillshelf"))


def readme_toml(marker: str) -> str:
    """The README's ```toml block whose text contains ``marker``."""
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if marker in b]
    return block


def test_the_readme_skillshelf_toml_example_loads_as_skillshelf_toml(tmp_path: Path) -> None:
    (tmp_path / "skillshelf.toml").write_text(readme_toml("# skillshelf.toml"), encoding="utf-8")
    config = load_config(tmp_path)
    assert config.source == tmp_path / "skillshelf.toml"
    assert config.root == (tmp_path / "skills").resolve()
    assert (config.min_skills, config.max_skills, config.max_depth) == (2, 12, 3)
    assert config.max_file_bytes == 1048576
    assert config.severities["broken-link"].value == "warning"


def test_the_readme_pyproject_example_loads_the_same_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(readme_toml("[tool.skillshelf]"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "skillshelf.toml").write_text(
        readme_toml("# skillshelf.toml"), encoding="utf-8"
    )
    from_pyproject = load_config(tmp_path)
    from_toml = load_config(tmp_path / "sub")
    assert from_pyproject.source == tmp_path / "pyproject.toml"
    assert from_toml.source == tmp_path / "sub" / "skillshelf.toml"
    assert replace(from_toml, project_dir=tmp_path, root=from_pyproject.root) == replace(
        from_pyproject, source=from_toml.source
    )


def test_the_pyproject_form_pasted_into_skillshelf_toml_says_what_to_write(
    tmp_path: Path,
) -> None:
    (tmp_path / "skillshelf.toml").write_text(readme_toml("[tool.skillshelf]"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"at the top level: write root = \.\.\. and"):
        load_config(tmp_path)


def test_an_unknown_key_lists_every_key_and_section() -> None:
    with pytest.raises(ConfigError) as top:
        config_from_table({"rot": "skills"}, project_dir=Path("/p"))
    assert str(top.value).endswith(
        "unknown setting 'rot'; did you mean 'root'? "
        "(known: exclude, root, roots, style, [categories], [files], [per-file-ignores], [rules])"
    )
    with pytest.raises(ConfigError) as inner:
        config_from_table({"categories": {"min-skill": 1}}, project_dir=Path("/p"))
    assert str(inner.value).endswith(
        "unknown setting 'categories.min-skill'; did you mean 'min-skills'? "
        "(known: max-depth, max-skills, min-skills)"
    )


def lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SKILLSHELF, "lint", "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_lint_from_a_subfolder_finds_the_config_and_its_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(repo / "library", healthy_tree() | {"alpha/two/SKILL.md": skill_md("deux")})
    (repo / ".git").mkdir()
    (repo / "skillshelf.toml").write_text('root = "library"\n', encoding="utf-8")
    result = lint(repo / "library" / "alpha" / "one")
    assert result.returncode == 1, result.stderr
    # the root is relative to the file, not to where the command ran
    assert "repo/library/alpha/two/SKILL.md:2:7: name-mismatch" in result.stdout


def test_without_a_file_the_root_is_found_from_the_repository_top(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(repo / "skills", healthy_tree())
    (repo / ".git").mkdir()
    result = lint(repo / "skills" / "beta")
    assert (result.returncode, result.stdout) == (0, "no problems found\n"), result.stderr


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    """A configuration above the repository belongs to something else: not read."""
    (tmp_path / "skillshelf.toml").write_text("not = [valid toml\n", encoding="utf-8")
    repo = tmp_path / "repo"
    write_tree(repo / "skills", healthy_tree())
    (repo / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a worktree's
    result = lint(repo / "skills")
    assert result.returncode == 0, result.stderr
    assert lint(tmp_path).returncode == 2  # the outer file really is broken
