"""The published hook, run by real pre-commit in a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import description_md, healthy_tree, skill_md, write_tree

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

pytestmark = pytest.mark.slow


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project's working tree, as a git repository pre-commit can clone."""
    target = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "plugins", target / "plugins", ignore=ignore)
    shutil.copytree(REPO / "schemas", target / "schemas", ignore=ignore)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    assert git(target, "commit", "-q", "-m", "snapshot").returncode == 0
    sha = git(target, "rev-parse", "HEAD").stdout.strip()
    return target, sha


@pytest.fixture
def consumer(
    tmp_path: Path, hook_repo: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A skills repository that uses the hook by URL, with a clean first commit."""
    repo_path, sha = hook_repo
    root = tmp_path / "consumer"
    write_tree(root / "skills", healthy_tree())
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path.as_uri()}\n    rev: {sha}\n"
        "    hooks:\n      - id: skillshelf-lint\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    home = tmp_path_factory.getbasetemp() / "pre-commit-home"  # hook env built once per session
    os.environ["PRE_COMMIT_HOME"] = str(home)
    installed = subprocess.run(
        [*PRE_COMMIT, "install"], cwd=root, capture_output=True, text=True, check=False
    )
    assert installed.returncode == 0, installed.stderr
    return root


def test_a_clean_commit_passes(consumer: Path) -> None:
    git(consumer, "add", "-A")
    result = git(consumer, "commit", "-m", "add skills")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skillshelf lint" in result.stdout + result.stderr
    assert "Passed" in result.stdout + result.stderr


def test_a_commit_adding_a_singleton_category_is_refused(consumer: Path) -> None:
    git(consumer, "add", "-A")
    assert git(consumer, "commit", "-q", "-m", "base").returncode == 0
    write_tree(
        consumer / "skills",
        {
            "research/DESCRIPTION.md": description_md("Research"),
            "research/dspy/SKILL.md": skill_md("dspy"),
        },
    )
    git(consumer, "add", "-A")
    result = git(consumer, "commit", "-m", "add a lonely category")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "singleton-category" in output
    assert "skills/research" in output
    assert (
        git(consumer, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    )  # nothing was committed


def test_a_file_named_like_an_option_never_switches_it_on(consumer: Path) -> None:
    git(consumer, "add", "-A")
    assert git(consumer, "commit", "-q", "-m", "base").returncode == 0
    # pre-commit appends file names after the entry, "--fix" (sorted) first.
    (consumer / "--fix").write_text("a file named like an option\n", encoding="utf-8")
    crlf = consumer / "skills/alpha/one/SKILL.md"
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    before = crlf.read_bytes()
    git(consumer, "add", "-A")
    result = git(consumer, "commit", "-m", "a CRLF skill and a file named --fix")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "line-endings" in output
    assert "files were modified by this hook" not in output
    assert crlf.read_bytes() == before  # the lint-only hook rewrote nothing


def test_files_outside_the_skills_root_are_left_out(consumer: Path) -> None:
    git(consumer, "add", "-A")
    assert git(consumer, "commit", "-q", "-m", "base").returncode == 0
    (consumer / "README.md").write_text("# A skills repository\n", encoding="utf-8")
    (consumer / "notes").mkdir()
    (consumer / "notes/todo.md").write_text("- more skills\n", encoding="utf-8")
    git(consumer, "add", "-A")
    result = git(consumer, "commit", "-m", "docs outside the tree")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "outside the skills root" not in output


def test_this_repositorys_own_hook_takes_file_names_as_paths(tmp_path: Path) -> None:
    """.pre-commit-config.yaml here runs .venv/bin/skillshelf: the same guard."""
    root = tmp_path / "self"
    write_tree(root / "skills", healthy_tree())
    shutil.copy2(REPO / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    (root / ".venv").symlink_to(REPO / ".venv")
    (root / "--fix").write_text("a file named like an option\n", encoding="utf-8")
    crlf = root / "skills/alpha/one/SKILL.md"
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    before = crlf.read_bytes()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    result = subprocess.run(
        [*PRE_COMMIT, "run", "skillshelf-lint", "--all-files"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "line-endings" in output
    assert crlf.read_bytes() == before
