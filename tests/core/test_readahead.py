"""Reading a cold tree in worker processes gives exactly what one process finds."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from tests.conftest import description_md, skill_md

from skillshelf.cache import ScanCache
from skillshelf.config import load_config
from skillshelf.diagnostics import Diagnostic
from skillshelf.lint import lint
from skillshelf.model import scan
from skillshelf.readahead import MIN_FOLDERS, read_ahead

MakeTree = Callable[[Mapping[str, str | bytes]], Path]

DPO_SNIPPET = """# Guide

```python
from trl import DPOConfig

DPOConfig(output_dir="out", max_prompt_length=512)
```
"""


def wide_tree(categories: int = 20, per_category: int = 10) -> dict[str, str | bytes]:
    """Enough folders for the read-ahead to start, with a few findings of each kind."""
    files: dict[str, str | bytes] = {}
    for c in range(categories):
        files[f"cat{c}/DESCRIPTION.md"] = description_md(f"Category {c}")
        for s in range(per_category):
            name = f"skill-{c}-{s}"
            files[f"cat{c}/{name}/SKILL.md"] = skill_md(
                name,
                extra="metadata:\n  skillshelf:\n    targets: {trl: 1.16.0}\n",
                body=f"# {name}\n\nSee [the guide](references/guide.md).\n",
            )
            files[f"cat{c}/{name}/references/guide.md"] = DPO_SNIPPET if s == 0 else "# Guide\n"
    files["cat1/skill-1-1/SKILL.md"] = skill_md("wrong-name")  # name-mismatch
    files["cat2/skill-2-2/SKILL.md"] = skill_md("skill-2-2", body="[gone](nowhere.md)\n")
    files["cat3/skill-3-3/SKILL.md"] = "---\nname: [unclosed\n---\n"  # broken YAML
    files["cat4/skill-4-4/references/bad.md"] = b"\xff\xfe not UTF-8"
    return files


def as_text(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, int, str]]:
    return [(d.rule, d.path.as_posix(), d.line, d.column, d.message) for d in diagnostics]


@pytest.fixture
def project(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    root = make_tree(wide_tree())
    (root.parent / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(tmp_path / "cache-home"))
    monkeypatch.chdir(root.parent)
    return root.parent


def test_workers_learn_what_one_process_finds(project: Path) -> None:
    config = load_config(project)
    ahead = read_ahead(config, None, jobs=2)
    assert ahead is not None, "the tree is wide enough to read ahead"
    documents = list(scan(config.root).documents())
    assert set(ahead.previous) == {d.relpath for d in documents}

    tree = scan(config.root, reader=ahead)
    assert ahead.misses == 0  # every document came from a worker
    serial = lint(config, use_cache=False, tree=scan(config.root))
    parallel = lint(config, use_cache=False, tree=tree)
    assert as_text(parallel.diagnostics) == as_text(serial.diagnostics)
    rules = {d.rule for d in parallel.diagnostics}
    assert {"name-mismatch", "broken-link", "config-unknown-argument", "encoding"} <= rules
    assert {"frontmatter-syntax"} & rules


def test_lint_without_a_cache_reads_ahead_and_reports_the_same(project: Path) -> None:
    config = load_config(project)
    serial = lint(config, use_cache=False, tree=scan(config.root))
    parallel = lint(config, use_cache=False, parallel=True)
    assert as_text(parallel.diagnostics) == as_text(serial.diagnostics)
    # An empty cache is filled by the workers and then saved; the next run is warm.
    filled = lint(config, use_cache=True, parallel=True)
    assert as_text(filled.diagnostics) == as_text(serial.diagnostics)
    warm = ScanCache.open(config.root)
    assert len(warm.previous) == len(list(scan(config.root).documents()))


def test_a_file_changed_after_the_workers_read_it_is_read_again(project: Path) -> None:
    config = load_config(project)
    ahead = read_ahead(config, None, jobs=2)
    assert ahead is not None
    changed = config.root / "cat0/skill-0-1/SKILL.md"
    changed.write_text(skill_md("skill-0-1", description="Changed since. Use when testing."))
    tree = scan(config.root, reader=ahead)
    assert ahead.misses == 1
    skill = next(s for s in tree.skills if s.relpath == "cat0/skill-0-1")
    assert skill.description == "Changed since. Use when testing."


def test_small_trees_and_warm_caches_are_read_in_one_process(
    make_tree: MakeTree, project: Path
) -> None:
    config = load_config(project)
    assert read_ahead(config, None, jobs=1) is None  # one core
    lint(config, use_cache=True)
    warm = ScanCache.open(config.root)
    assert read_ahead(config, warm, jobs=2) is warm and warm.hits == 0  # untouched

    small = make_tree(wide_tree(categories=2, per_category=3)).parent
    (small / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    assert MIN_FOLDERS > 2 + 2 * 3  # folders within two levels of the small tree
    assert read_ahead(load_config(small), None, jobs=2) is None


def run_python(project: Path, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    plugins = str(Path(__file__).resolve().parents[2] / "plugins")
    env = os.environ | {"PYTHONPATH": plugins + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


UNGUARDED_SCRIPT = """\
from pathlib import Path
from skillshelf.config import load_config
from skillshelf.lint import lint

with open("runs.log", "a") as log:
    log.write("ran\\n")
print(len(lint(load_config(Path.cwd()){parallel}).diagnostics))
"""


def test_the_library_starts_workers_only_when_asked(project: Path) -> None:
    """A spawned worker imports the main script again: an unguarded script
    that calls lint() must not run once per worker."""
    (project / "quiet.py").write_text(UNGUARDED_SCRIPT.format(parallel=""), encoding="utf-8")
    quiet = run_python(project, ["quiet.py"])
    assert quiet.returncode == 0, quiet.stderr
    assert (project / "runs.log").read_text(encoding="utf-8") == "ran\n"
    findings = int(quiet.stdout)
    assert findings >= 5

    # Asked for, workers do start (and, unguarded, run the script again).
    (project / "runs.log").unlink()
    (project / "eager.py").write_text(
        UNGUARDED_SCRIPT.format(parallel=", parallel=True"), encoding="utf-8"
    )
    eager = run_python(project, ["eager.py"])
    assert (project / "runs.log").read_text(encoding="utf-8").count("ran") > 1
    assert eager.stdout.split()[-1] == str(findings)


def test_a_script_read_from_stdin_lints_in_one_process(project: Path) -> None:
    script = "import sys\nfrom skillshelf.cli import main\nsys.exit(main(['lint', '--no-cache']))\n"
    result = run_python(project, ["-"], stdin=script)
    assert result.returncode == 1  # findings, and no worker tried to open <stdin>
    assert "name-mismatch" in result.stdout
    assert "Traceback" not in result.stderr and "<stdin>" not in result.stderr
