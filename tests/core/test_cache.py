"""The scan cache: used when nothing changed, never stale, never in the way."""

from __future__ import annotations

import ast
import json
import os
import pickle
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import healthy_tree, skill_md

from skillshelf import analysis as analysis_module
from skillshelf import cache as cache_module
from skillshelf import schemas
from skillshelf.analysis import analyse, inputs_for
from skillshelf.cache import ScanCache
from skillshelf.cli import main
from skillshelf.config import load_config
from skillshelf.fixes import apply_fixes
from skillshelf.frontmatter import Frontmatter
from skillshelf.lint import LintResult, lint
from skillshelf.model import scan

MakeTree = Callable[[Mapping[str, str | bytes]], Path]
PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "skillshelf"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache-home"
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def project(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> Path:
    files = healthy_tree() | {"alpha/two/SKILL.md": skill_md("deux")}  # name-mismatch
    root = make_tree(files)
    (root.parent / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    monkeypatch.chdir(root.parent)
    return root.parent


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, str, int]]:
    main(["lint", "--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    return [(d["path"], d["rule"], d["line"]) for d in out["diagnostics"]]


def shard_files(cache_dir: Path) -> list[Path]:
    """The cache files of the one root linted (at least one)."""
    shards = sorted(cache_dir.glob("skillshelf/scan-*/*.pickle"))
    assert shards
    return shards


def cached_scan(root: Path, directory: Path) -> ScanCache:
    cache = ScanCache.open(root.resolve(), directory)
    scan(root, reader=cache)
    return cache


def test_a_second_run_reads_nothing_and_reports_the_same(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = findings(capsys)
    assert first == [("skills/alpha/two/SKILL.md", "name-mismatch", 2)]
    assert list(cache_dir.glob("skillshelf/scan-*/*.pickle"))
    assert (cache_dir / "skillshelf/.gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    warm = cached_scan(project / "skills", cache_dir)
    assert warm.misses == 0 and warm.hits == 8
    assert findings(capsys) == first
    assert not (project / ".cache").exists()  # nothing is written into the project


def test_an_edit_is_seen_at_once(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings(capsys)
    skill = project / "skills/alpha/two/SKILL.md"
    stat = skill.stat()
    skill.write_text(skill_md("two"), encoding="utf-8")  # fixes the finding
    os.utime(skill, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime, even
    assert findings(capsys) == []
    skill.write_text(skill_md("zwei"), encoding="utf-8")
    assert findings(capsys) == [("skills/alpha/two/SKILL.md", "name-mismatch", 2)]
    warm = cached_scan(project / "skills", cache_dir)
    assert warm.misses == 0


def test_a_same_size_rewrite_within_the_same_mtime_is_seen(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Recently written files are also checked by content (git's racy-clean rule)."""
    findings(capsys)
    skill = project / "skills/alpha/two/SKILL.md"
    stat = skill.stat()
    skill.write_text(skill_md("tw0"), encoding="utf-8")  # same size
    os.utime(skill, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert findings(capsys) == [("skills/alpha/two/SKILL.md", "name-mismatch", 2)]


def test_moves_and_deletions_are_never_stale(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings(capsys)
    skills = project / "skills"
    (skills / "alpha/two").rename(skills / "alpha/deux")  # the name matches, a link breaks
    assert findings(capsys) == [("skills/alpha/one/SKILL.md", "broken-link", 9)]
    (skills / "alpha/deux/SKILL.md").unlink()
    (skills / "alpha/deux").rmdir()
    after_delete = findings(capsys)
    assert ("skills/alpha", "singleton-category", 1) in after_delete
    (skills / "beta/deep/four/references/guide.md").unlink()
    (skills / "beta/deep/four/SKILL.md").write_text(
        skill_md("four", body="[guide](references/guide.md)\n"), encoding="utf-8"
    )
    assert ("skills/beta/deep/four/SKILL.md", "broken-link", 7) in findings(capsys)


def test_an_edit_rewrites_only_the_shard_holding_its_entry(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings(capsys)
    before = {path: path.stat().st_ino for path in shard_files(cache_dir)}
    assert len(before) > 1  # eight documents: spread over several shards
    edited = "alpha/one/SKILL.md"
    with (project / "skills" / edited).open("a", encoding="utf-8") as handle:
        handle.write("One more line.\n")
    findings(capsys)
    after = {path: path.stat().st_ino for path in shard_files(cache_dir)}
    replaced = {path.name for path in before if after[path] != before[path]}
    assert replaced == {f"{cache_module.shard_of(edited):02d}.pickle"}
    assert cached_scan(project / "skills", cache_dir).misses == 0


def test_a_lost_shard_costs_only_the_files_it_held(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = findings(capsys)
    lost = shard_files(cache_dir)[0]
    with lost.open("rb") as handle:
        pickle.load(handle)  # the header
        held = len(pickle.load(handle))
    lost.unlink()
    warm = cached_scan(project / "skills", cache_dir)
    assert (warm.misses, warm.hits) == (held, 8 - held)
    assert findings(capsys) == expected


def test_the_entry_of_a_deleted_file_does_not_come_back(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings(capsys)
    gone = "beta/deep/four/references/guide.md"
    (project / "skills" / gone).unlink()
    findings(capsys)
    assert gone not in ScanCache.open((project / "skills").resolve(), cache_dir).previous


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps(("something", "else")),
        pickle.dumps((cache_module.CACHE_VERSION, "another environment", "/elsewhere")),
    ],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], damage: bytes
) -> None:
    expected = findings(capsys)
    for shard in shard_files(cache_dir):
        shard.write_bytes(damage)
    assert findings(capsys) == expected
    assert cached_scan(project / "skills", cache_dir).misses == 0  # rewritten


def test_a_truncated_cache_is_ignored(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = findings(capsys)
    for shard in shard_files(cache_dir):
        shard.write_bytes(shard.read_bytes()[:-50])
    assert findings(capsys) == expected


def test_a_planted_cache_cannot_run_code(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("touch pwned",))

    expected = findings(capsys)
    for shard in shard_files(cache_dir):
        shard.write_bytes(pickle.dumps(Exploit()))
    assert findings(capsys) == expected
    assert not (project / "pwned").exists()


def test_no_cache_neither_reads_nor_writes(
    project: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert findings(capsys, "--no-cache") == [("skills/alpha/two/SKILL.md", "name-mismatch", 2)]
    assert not cache_dir.exists()
    findings(capsys)
    shards = shard_files(cache_dir)
    for shard in shards:
        shard.write_bytes(b"garbage")
    findings(capsys, "--no-cache")
    assert all(shard.read_bytes() == b"garbage" for shard in shards)


def test_an_unwritable_cache_folder_is_not_an_error(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(blocker / "cache"))
    assert findings(capsys) == [("skills/alpha/two/SKILL.md", "name-mismatch", 2)]


def test_the_library_api_uses_no_cache_unless_asked(project: Path, cache_dir: Path) -> None:
    config = load_config(project)
    lint(config)
    assert not cache_dir.exists()
    lint(config, use_cache=True)
    assert list(cache_dir.glob("skillshelf/scan-*/*.pickle"))


def test_cached_documents_equal_read_documents(project: Path, cache_dir: Path) -> None:
    (project / "skills/alpha/one/SKILL.md").write_bytes(
        b"\xef\xbb\xbf---\r\nname: one\r\ndescription: x\r\n---\r\nbody\r\n"
    )
    (project / "skills/alpha/two/notes.md").write_text("no frontmatter\n", encoding="utf-8")
    cold = scan(project / "skills")
    cached_scan(project / "skills", cache_dir).save()
    warm_cache = ScanCache.open((project / "skills").resolve(), cache_dir)
    warm = scan(project / "skills", reader=warm_cache)
    assert warm_cache.misses == 0
    for a, b in zip(cold.documents(), warm.documents(), strict=True):
        assert (a.rel, a.kind, a.size, a.text, a.body, a.body_line, a.issues) == (
            b.rel,
            b.kind,
            b.size,
            b.text,
            b.body,
            b.body_line,
            b.issues,
        )
        assert (a.frontmatter and a.frontmatter.data) == (b.frontmatter and b.frontmatter.data)


def test_a_warm_lint_reads_no_document_text(project: Path, cache_dir: Path) -> None:
    skills = project / "skills"
    (skills / "alpha/one/SKILL.md").write_text(
        skill_md("one", body="See [the guide](references/missing.md).\n"), encoding="utf-8"
    )
    config = load_config(project)
    cold = lint(config, use_cache=True)
    warm = lint(config, use_cache=True)
    assert [(d.rule, d.path, d.position) for d in warm.diagnostics] == [
        (d.rule, d.path, d.position) for d in cold.diagnostics
    ]
    assert "broken-link" in {d.rule for d in warm.diagnostics}
    # Links and snippet analyses came from the cache; no file was opened for its text.
    assert all(d.loaded_text is None for d in warm.tree.documents())
    # ...but the text is still there for whoever asks (the site does).
    one = next(d for d in warm.tree.documents() if d.relpath == "alpha/one/SKILL.md")
    assert one.text is not None and "the guide" in one.body


def test_a_body_edit_reuses_the_frontmatter_and_a_frontmatter_edit_does_not(
    project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillshelf import frontmatter

    skills = project / "skills"
    skill = skills / "alpha/one/SKILL.md"
    cached_scan(skills, cache_dir).save()
    loads: list[str] = []
    real_load = frontmatter.load_frontmatter

    def counting_load(source: str, *, first_line: int, fast: bool = True) -> Any:
        loads.append(source)
        return real_load(source, first_line=first_line, fast=fast)

    monkeypatch.setattr(frontmatter, "load_frontmatter", counting_load)
    with skill.open("a", encoding="utf-8") as handle:
        handle.write("\nA new paragraph.\n")
    warm = cached_scan(skills, cache_dir)
    warm.save()
    assert warm.misses == 1 and loads == []
    config = load_config(project)
    assert [d.rule for d in lint(config, use_cache=True).diagnostics] == ["name-mismatch"]

    skill.write_text(skill_md("renamed", body="Body.\n"), encoding="utf-8")
    result = lint(config, use_cache=True)
    assert len(loads) == 1
    assert sorted(d.rule for d in result.diagnostics) == ["name-mismatch", "name-mismatch"]


def test_a_session_cache_keeps_texts_between_runs_and_never_a_stale_one(
    project: Path, cache_dir: Path
) -> None:
    skills = (project / "skills").resolve()
    an_hour_ago = time.time() - 3600  # older than RACY_SECONDS: the stamp alone vouches
    for path in skills.rglob("*.md"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    cache = ScanCache.open(skills, cache_dir)
    first = scan(skills, reader=cache)
    texts = {d.relpath: d.text for d in first.documents()}  # the site reads every text
    edited = skills / "alpha/one/SKILL.md"
    edited.write_text(skill_md("one", body="Edited body.\n"), encoding="utf-8")
    cache.next_run()
    second = scan(skills, reader=cache)
    assert cache.misses == 1
    for document in second.documents():
        if document.relpath == "alpha/one/SKILL.md":
            assert document.text is not None and "Edited body." in document.text
        else:  # the old text, from memory: the file was not opened again
            assert document.loaded_text == texts[document.relpath]
    fresh = {d.relpath: (d.text, d.body) for d in scan(skills).documents()}
    assert {d.relpath: (d.text, d.body) for d in second.documents()} == fresh


def test_a_session_cache_reads_again_the_texts_of_files_modified_just_before(
    project: Path, cache_dir: Path
) -> None:
    skills = (project / "skills").resolve()  # written by the fixture a moment ago
    cache = ScanCache.open(skills, cache_dir)
    for document in scan(skills, reader=cache).documents():
        assert document.text is not None
    cache.next_run()
    again = scan(skills, reader=cache)
    assert cache.misses == 0
    # Within RACY_SECONDS a same-size rewrite could keep the stamp: no text is
    # trusted from memory; each is read again (and its entry checked by digest).
    assert all(d.loaded_text is None for d in again.documents())


def test_a_session_cache_writes_at_the_end_what_its_rebuilds_learnt(
    project: Path, cache_dir: Path
) -> None:
    skills = (project / "skills").resolve()
    cache = ScanCache.open(skills, cache_dir)
    scan(skills, reader=cache)
    assert cache.save()  # after the first build
    edited = skills / "alpha/one/SKILL.md"
    edited.write_text(skill_md("one", body="Edited in the session.\n"), encoding="utf-8")
    cache.next_run()
    scan(skills, reader=cache)  # the rebuild after the edit: not written yet
    cache.next_run()
    scan(skills, reader=cache)  # a rebuild with nothing new
    assert cache.misses == 0
    assert cache.save()  # when serving stops: the edit is in the file
    fresh = ScanCache.open(skills, cache_dir)
    scan(skills, reader=fresh)
    assert fresh.misses == 0
    assert not fresh.save()  # nothing left to write


def counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[object]:
    """Count the calls of ``owner.name`` (each call's first argument)."""
    calls: list[object] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_warm_lint_analyses_nothing(
    project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project)
    analysed = counting(monkeypatch, analysis_module, "analyse")
    cold = lint(config, use_cache=True)
    assert len(analysed) == 8
    analysed.clear()
    warm = lint(config, use_cache=True)
    assert analysed == []
    assert warm.diagnostics == cold.diagnostics


def test_cached_analyses_equal_fresh_ones(project: Path, cache_dir: Path) -> None:
    skills = project / "skills"
    (skills / "alpha/one/SKILL.md").write_text(
        skill_md("one", extra="tags: [a, b]\nlisence: MIT\n", body=DPO_BLOCK + "[x](gone.md)\n"),
        encoding="utf-8",
    )
    (skills / "alpha/one/notes.md").write_text("<script>x()</script>\n", encoding="utf-8")
    config = load_config(project)
    lint(config, use_cache=True)
    warm_cache = ScanCache.open(config.root)
    tree = scan(config.root, reader=warm_cache)
    assert warm_cache.misses == 0
    kept = 0
    for document in tree.documents():
        recalled = warm_cache.recall(document)
        assert recalled is not None and recalled.unchanged, document.relpath
        inputs = inputs_for(document, config.style)
        assert recalled.analysis == analyse(document, inputs), document.relpath
        kept += bool(recalled.analysis.issues or recalled.analysis.links)
    assert kept >= 3


DPO_BLOCK = "```python\nfrom trl import DPOConfig\nDPOConfig(max_prompt_length=1)\n```\n"


def test_a_body_edit_keeps_the_schema_verdicts_and_a_frontmatter_edit_does_not(
    project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project)
    lint(config, use_cache=True)
    checked = counting(monkeypatch, schemas, "check")
    skill = project / "skills/alpha/one/SKILL.md"
    with skill.open("a", encoding="utf-8") as handle:
        handle.write("\nA new paragraph.\n")
    assert [d.rule for d in lint(config, use_cache=True).diagnostics] == ["name-mismatch"]
    assert checked == []  # the frontmatter is the same text: its verdicts stand
    skill.write_text(skill_md("one", description="Changed. Use when testing."), encoding="utf-8")
    lint(config, use_cache=True)
    assert checked == ["skill.schema.json"]


MOVABLE = skill_md("one", extra="tags: [a, b]\n")
#: metadata.skillshelf is not a mapping: --fix cannot move the tags there.
STUCK = skill_md("two", extra="tags: [c]\nmetadata:\n  skillshelf: text\n")


def test_tags_fixability_is_cached_and_stays_honest(
    project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skills = project / "skills"
    (skills / "alpha/one/SKILL.md").write_text(MOVABLE, encoding="utf-8")
    (skills / "alpha/two/SKILL.md").write_text(STUCK, encoding="utf-8")
    config = load_config(project)

    def fixable(result: LintResult) -> dict[str, bool]:
        return {
            d.path.parent.name: d.fix is not None
            for d in result.diagnostics
            if d.rule == "misplaced-tags"
        }

    merged = counting(monkeypatch, analysis_module, "merge_tags")
    cold = lint(config, use_cache=True)
    assert fixable(cold) == {"one": True, "two": False}
    assert len(merged) == 2
    merged.clear()
    positioned = counting(monkeypatch, Frontmatter, "position")
    warm = lint(config, use_cache=True)
    assert merged == [] and positioned == []  # no YAML round trip on a warm lint
    assert fixable(warm) == fixable(cold)
    assert [d.position for d in warm.diagnostics] == [d.position for d in cold.diagnostics]
    outcome = apply_fixes([d.fix for d in warm.diagnostics if d.fix is not None], config.root)
    assert [path.parent.name for path in outcome.fixed] == ["one"]
    assert fixable(lint(config, use_cache=True)) == {"two": False}


def imports_of(module: str) -> set[str]:
    """The skillshelf modules ``module`` imports, anywhere in its code."""
    path = PACKAGE / (module.removeprefix("skillshelf.").replace(".", "/") + ".py")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found.update(
                n if (PACKAGE.parent / f"{n.replace('.', '/')}.py").exists() else node.module
                for n in names
            )
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("skillshelf.")}


def test_the_cache_is_keyed_on_every_module_an_entry_depends_on() -> None:
    """What an entry holds is computed by the reader and the analysis, and by
    everything they import: each of those modules is in the cache's key."""
    seen: set[str] = set()
    todo = ["skillshelf.analysis", "skillshelf.cache"]
    while todo:
        module = todo.pop()
        if module in seen or module in ("skillshelf.cache_folder",):
            continue
        seen.add(module)
        todo.extend(imports_of(module))
    files = {m.removeprefix("skillshelf.").replace(".", "/") + ".py" for m in seen}
    assert files <= set(cache_module._CODE), files - set(cache_module._CODE)
