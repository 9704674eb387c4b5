"""The plugin under ProperDocs 1.6.7 (the maintained MkDocs 1.6 fork), in a venv of its own.

ProperDocs finds plugins in the ``properdocs.plugins`` and ``mkdocs.plugins``
entry-point groups and aliases every ``mkdocs.*`` import to ``properdocs.*``,
so the plugin's MkDocs imports, logger and ``--strict`` counting all run on
ProperDocs' side.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.site.conftest import REPO

Project = Callable[[str], Path]
# nh3: the plugin's sanitizer, from skillshelf's "site" extra (which would also bring MkDocs)
PINS = ["properdocs==1.6.7", "mkdocs-material==9.8.1", "pymdown-extensions==13.1", "nh3==0.3.7"]


@pytest.fixture(scope="session")
def properdocs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding properdocs, material and this package (a real wheel install)."""
    where = tmp_path_factory.mktemp("properdocs-venv")
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    source = tmp_path_factory.mktemp("source") / "skillshelf"
    # a clean copy: no .venv, site/ or caches going into the wheel build
    top_level = {".venv", ".git", "site", "build", "dist", "tests", "benchmarks"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith("_cache")}
        return skipped | (top_level & set(names) if Path(folder) == REPO else set())

    shutil.copytree(REPO, source, ignore=ignore)
    completed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *PINS,
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if completed.returncode != 0:
        pytest.fail(f"cannot install properdocs: {completed.stderr[-2000:]}")
    return where / "bin" / "properdocs"


def run(properdocs: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(properdocs), "build", "-f", "mkdocs.yml", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_properdocs_builds_the_fixture(properdocs: Path, project: Project) -> None:
    root = project("nested")
    completed = run(properdocs, root, "--strict")
    assert completed.returncode == 0, completed.stderr
    site = root / "site"
    page = (site / "ml/training/trainer-a/index.html").read_text()
    assert "skillshelf-skill" in page and 'href="references/dpo-variants/"' in page
    assert (site / "ml/training/trainer-a/references/dpo-variants/index.html").is_file()
    assert (site / "ml/training/trainer-a/scripts/run.py").is_file()
    assert (site / "_skillshelf/catalog.js").is_file()  # shipped in the wheel
    assert "url=../../tools/alpha/" in (site / "old/alpha/index.html").read_text()
    assert (site / "skills.json").is_file() and (site / "llms.txt").is_file()


@pytest.mark.slow
def test_properdocs_strict_fails_on_lint_errors(properdocs: Path, project: Project) -> None:
    root = project("nested")
    skill = root / "skills/tools/alpha/SKILL.md"
    skill.write_text(skill.read_text().replace("name: alpha", "name: Alpha Bad"))
    completed = run(properdocs, root, "--strict")
    assert completed.returncode != 0
    assert "skills/tools/alpha/SKILL.md:2:7: " in completed.stderr
    assert "Aborted with" in completed.stdout + completed.stderr


def test_python_is_not_the_properdocs_venv() -> None:
    assert "properdocs-venv" not in sys.executable
