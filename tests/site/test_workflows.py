"""The GitHub Actions workflows: actionlint finds nothing, and they do what they say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from tests.site.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = str(Path(sys.executable).with_name("actionlint"))


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ACTIONLINT, "-no-color", "-oneline", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=120,
    )


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = YAML(typ="safe").load((WORKFLOWS / name).read_text())
    return document


def test_actionlint_passes_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {path.name for path in files} >= {"site.yml", "pre-commit.yml"}
    completed = actionlint(*files)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v6\n"
        "        with:\n"
        "          fetch_depth: 0\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    completed = actionlint(broken)
    assert completed.returncode == 1
    assert '"fetch_depth" is not defined' in completed.stdout
    assert "potentially untrusted" in completed.stdout


def test_the_site_workflow_lints_builds_strictly_and_deploys_from_main() -> None:
    workflow = load("site.yml")
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"]["branches"] == ["main"] and "pull_request" in on
    build = steps(workflow, "build")
    runs = [step.get("run", "") for step in build]
    assert "make setup" in runs
    assert any(run.startswith(".venv/bin/skillshelf lint") for run in runs)
    assert any(run.startswith(".venv/bin/mkdocs build --strict") for run in runs)
    assert build[0]["with"]["fetch-depth"] == 0  # git history: redirects of moved skills
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert steps(workflow, "deploy")[0]["uses"].startswith("actions/deploy-pages@")
    assert workflow["permissions"] == {"contents": "read"}


def test_the_pre_commit_workflow_runs_the_hooks_on_pull_requests() -> None:
    workflow = load("pre-commit.yml")
    on = workflow.get("on", workflow.get(True))
    assert list(on) == ["pull_request"]
    runs = [step.get("run", "") for step in steps(workflow, "hooks")]
    assert "make setup" in runs
    assert any(".venv/bin/pre-commit run" in run and "--from-ref" in run for run in runs)


@pytest.mark.parametrize("name", ["site.yml", "pre-commit.yml"])
def test_workflows_use_only_the_makefile_install(name: str) -> None:
    """CI installs what pyproject.toml pins, nothing by hand."""
    text = (WORKFLOWS / name).read_text()
    assert "pip install" not in text
