"""What ruff and pre-commit users expect of a linter's command line, run as they run it:
the installed ``skillshelf`` script in a process of its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import healthy_tree, skill_md, write_tree

SKILLSHELF = str(Path(sys.executable).with_name("skillshelf"))
LINKS = "".join(f"[x{i}](missing{i}.md)\n" for i in range(60))


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [SKILLSHELF, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """One error (name-mismatch), 60 broken links in one file (50 shown), a fixable
    warning (line-endings) and an info note (snippet-placeholder)."""
    files = healthy_tree() | {
        "alpha/two/SKILL.md": skill_md("deux"),
        "beta/deep/three/SKILL.md": skill_md(
            "three", body="# Three\n\n```python\ntoken = <your-token>\n```\n\n" + LINKS
        ),
    }
    write_tree(tmp_path / "skills", files)
    crlf = tmp_path / "skills/alpha/one/SKILL.md"
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    return tmp_path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    write_tree(tmp_path / "clean" / "skills", healthy_tree())
    return tmp_path / "clean"


def test_version_comes_from_the_installed_package(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout == f"skillshelf {version('skillshelf')}\n"
    assert re.fullmatch(r"skillshelf \d+\.\d+\.\d+\n", result.stdout)


def test_statistics_count_every_finding_of_each_rule_shown_or_not(project: Path) -> None:
    result = run(project, "lint", "--no-cache", "--statistics")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "60  broken-link          error",
        " 1  line-endings         warning  (1 fixable with --fix)",
        " 1  name-mismatch        error",
        " 1  snippet-placeholder  info",
        "61 errors, 1 warning, 1 info (1 fixable with --fix); 10 of them not shown",
    ]


def test_statistics_as_json_and_refused_in_formats_without_them(project: Path) -> None:
    result = run(project, "lint", "--no-cache", "--statistics", "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["statistics"][0] == {
        "rule": "broken-link",
        "severity": "error",
        "count": 60,
        "fixable": 0,
    }
    assert payload["summary"] == {"error": 61, "warning": 1, "info": 1}
    refused = run(project, "lint", "--no-cache", "--statistics", "--format", "sarif")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "--statistics is written as text or json, not sarif" in refused.stderr


def test_exit_zero_reports_the_findings_and_exits_0(project: Path) -> None:
    result = run(project, "lint", "--no-cache", "--exit-zero")
    assert result.returncode == 0
    assert "name-mismatch" in result.stdout
    # a usage error is still one
    assert run(project, "lint", "--exit-zero", "nowhere.md").returncode == 2


def test_quiet_prints_the_findings_only_and_nothing_when_clean(project: Path, clean: Path) -> None:
    loud = run(project, "lint", "--no-cache")
    quiet = run(project, "lint", "--no-cache", "--quiet")
    assert quiet.returncode == loud.returncode == 1
    assert quiet.stdout.splitlines() == loud.stdout.splitlines()[:-1]  # no summary line
    assert re.match(r"\S+:\d+:\d+: ", quiet.stdout.splitlines()[-1])
    silent = run(clean, "lint", "--no-cache", "-q")
    assert (silent.returncode, silent.stdout, silent.stderr) == (0, "", "")
    assert run(clean, "lint", "--no-cache").stdout == "no problems found\n"


def test_quiet_fix_says_nothing_about_the_files_it_fixed(project: Path) -> None:
    fixed = run(project, "lint", "--no-cache", "--fix", "-q", "skills/alpha/one")
    assert fixed.returncode == 0
    assert (fixed.stdout, fixed.stderr) == ("", "")
    assert b"\r\n" not in (project / "skills/alpha/one/SKILL.md").read_bytes()


def test_an_unknown_option_shows_the_sub_command_s_usage(tmp_path: Path) -> None:
    result = run(tmp_path, "lint", "--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: skillshelf lint ")
    assert "--statistics" in result.stderr  # lint's own options, not the command list
    assert result.stderr.splitlines()[-1] == (
        "skillshelf lint: error: unrecognized arguments: --bogus"
    )
    top = run(tmp_path, "--bogus")
    assert top.returncode == 2
    assert top.stderr.startswith("usage: skillshelf [-h]")
