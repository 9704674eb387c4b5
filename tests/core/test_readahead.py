"""Reading a cold tree in worker processes gives exactly what one process finds."""

from __future__ import annotations

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

    tree = scan(config.root, cache=ahead)
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
    assert as_text(lint(config, use_cache=False).diagnostics) == as_text(serial.diagnostics)
    # An empty cache is filled by the workers and then saved; the next run is warm.
    assert as_text(lint(config, use_cache=True).diagnostics) == as_text(serial.diagnostics)
    warm = ScanCache.open(config.root)
    assert len(warm.previous) == len(list(scan(config.root).documents()))


def test_a_file_changed_after_the_workers_read_it_is_read_again(project: Path) -> None:
    config = load_config(project)
    ahead = read_ahead(config, None, jobs=2)
    assert ahead is not None
    changed = config.root / "cat0/skill-0-1/SKILL.md"
    changed.write_text(skill_md("skill-0-1", description="Changed since. Use when testing."))
    tree = scan(config.root, cache=ahead)
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
