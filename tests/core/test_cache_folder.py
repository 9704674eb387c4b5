"""The scan cache keeps to a folder of its own: it never removes what it did
not write, never writes through a symlink, and never uses a folder that
another user owns or can write."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from tests.conftest import healthy_tree, skill_md

from skillshelf.cache import ScanCache
from skillshelf.cache_folder import PRUNE_DAYS, PRUNE_STAMP, TAG_SIGNATURE
from skillshelf.cli import main
from skillshelf.model import scan

MakeTree = Callable[[Mapping[str, str | bytes]], Path]
EXPECTED = [("skills/alpha/two/SKILL.md", "name-mismatch")]
A_MONTH_AGO = time.time() - (PRUNE_DAYS + 10) * 86400


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache home: a folder other tools may use too."""
    directory = tmp_path / "shared-cache"
    directory.mkdir()
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def project(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    root = make_tree(healthy_tree() | {"alpha/two/SKILL.md": skill_md("deux")})
    (root.parent / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    monkeypatch.chdir(root.parent)
    return root.parent


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[tuple[str, str]], str]:
    """The findings of one ``skillshelf lint`` run, and what it said on stderr."""
    main(["lint", "--format", "json", *args])
    captured = capsys.readouterr()
    found = [(d["path"], d["rule"]) for d in json.loads(captured.out)["diagnostics"]]
    return found, captured.err


def edit(project: Path) -> None:
    """Change a file, so that the next run writes the cache."""
    with (project / "skills/alpha/one/SKILL.md").open("a", encoding="utf-8") as handle:
        handle.write("One more line.\n")


def snapshot(folder: Path) -> dict[str, bytes | str | None]:
    """Everything below ``folder``, links as their targets, without following them."""
    found: dict[str, bytes | str | None] = {}
    for directory, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(directory, name)
            rel = str(path.relative_to(folder))
            if path.is_symlink():
                found[rel] = os.readlink(path)
            elif path.is_dir():
                found[rel] = None
            else:
                found[rel] = path.read_bytes()
    return found


def age(path: Path) -> None:
    os.utime(path, (A_MONTH_AGO, A_MONTH_AGO), follow_symlinks=False)


def test_a_shared_cache_home_keeps_every_file_of_other_tools(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, pruning removed another tool's 40-day-old ``scan-results/`` and
    ``scan-notes.txt`` from a shared SKILLSHELF_CACHE_DIR."""
    (home / "scan-results").mkdir()
    (home / "scan-results/report.json").write_text("{}", encoding="utf-8")
    (home / "scan-notes.txt").write_text("notes", encoding="utf-8")
    (home / "scan-0123456789abcdef").mkdir()  # shaped like skillshelf's, but not in its folder
    (home / "scan-0123456789abcdef/00.pickle").write_bytes(b"theirs")
    (home / ".gitignore").write_text("build/\n", encoding="utf-8")
    for path in home.rglob("*"):
        age(path)
    before = snapshot(home)
    assert lint(capsys) == (EXPECTED, "")
    edit(project)
    assert lint(capsys) == (EXPECTED, "")
    after = snapshot(home)
    assert {name: after[name] for name in before} == before
    assert {name.split("/")[0] for name in after.keys() - before.keys()} == {"skillshelf"}
    own = home / "skillshelf"
    assert (own / "CACHEDIR.TAG").read_bytes().startswith(TAG_SIGNATURE)
    assert (own / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_only_what_skillshelf_wrote_is_pruned_from_its_folder(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys)
    own = home / "skillshelf"
    (kept,) = [path.name for path in own.glob("scan-*")]
    stale = own / "scan-0000000000000000"
    stale.mkdir()
    (stale / "00.pickle").write_bytes(b"old")
    (stale / "31.pickle").write_bytes(b"old")
    shared = own / "scan-1111111111111111"  # someone put a file of theirs in it
    shared.mkdir()
    (shared / "00.pickle").write_bytes(b"old")
    (shared / "mine.txt").write_text("keep me", encoding="utf-8")
    legacy = own / "scan-2222222222222222.pickle"  # the format before shards
    legacy.write_bytes(b"old")
    recent = own / "scan-3333333333333333"
    recent.mkdir()
    foreign = own / "scan-results"
    foreign.mkdir()
    left_by_a_kill = own / kept / ".skillshelf-0123456789abcdef.tmp"
    left_by_a_kill.write_bytes(b"half")
    for path in (stale, shared, legacy, foreign, left_by_a_kill, *stale.iterdir()):
        age(path)
    age(shared / "00.pickle")
    edit(project)
    lint(capsys)
    # pruned at most once a day: the first lint pruned, so this one left all in place
    assert stale.exists() and legacy.exists() and left_by_a_kill.exists()
    age(own / PRUNE_STAMP)
    edit(project)
    lint(capsys)
    assert not stale.exists() and not legacy.exists() and not left_by_a_kill.exists()
    assert sorted(path.name for path in shared.iterdir()) == ["mine.txt"]
    assert recent.is_dir() and foreign.is_dir()
    assert sorted(path.name for path in own.glob("scan-*")) == sorted(
        [kept, shared.name, recent.name, foreign.name]
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Files a planted link points at: none of them may change or appear."""
    folder = tmp_path / "outside"
    (folder / "a-folder").mkdir(parents=True)
    (folder / "a-folder/keep.txt").write_text("keep", encoding="utf-8")
    (folder / "a-file").write_text("keep", encoding="utf-8")
    return folder


def cache_names(home: Path) -> Iterator[str]:
    """Every name, relative to the home, that the cache of the project writes."""
    own = home / "skillshelf"
    yield "skillshelf"
    yield "skillshelf/CACHEDIR.TAG"
    yield "skillshelf/.gitignore"
    (root,) = own.glob("scan-*")
    yield str(root.relative_to(home))
    for shard in sorted(root.glob("*.pickle")):
        yield str(shard.relative_to(home))


@pytest.mark.parametrize("target", ["a-file", "a-folder", "missing"])
def test_a_symlink_planted_at_any_name_the_cache_writes_is_never_followed(
    project: Path,
    home: Path,
    outside: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
) -> None:
    """Before, the .gitignore was written through a dangling symlink."""
    lint(capsys)
    names = list(cache_names(home))
    assert len(names) > 5
    pristine = home.parent / "pristine"
    shutil.copytree(home, pristine, symlinks=True)
    outside_before = snapshot(outside)
    for name in names:
        shutil.rmtree(home)
        shutil.copytree(pristine, home, symlinks=True)
        planted = home / name
        if planted.is_dir():
            shutil.rmtree(planted)
        else:
            planted.unlink()
        planted.symlink_to(outside / target)
        for _ in range(2):
            edit(project)
            found, said = lint(capsys)
            assert found == EXPECTED, name
            assert snapshot(outside) == outside_before, name
        if name == "skillshelf":  # refused, and left as it is
            assert said == (f"skillshelf: info: not using the scan cache: {planted} is a symlink\n")
            assert planted.is_symlink()
        else:  # replaced by what the cache writes there
            assert said == "", name
            assert not planted.is_symlink() and planted.exists(), name
    assert not (outside / "missing").exists()


def test_a_cache_folder_others_can_write_is_not_used_and_said_once(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache entry planted by someone else could make a finding disappear."""
    lint(capsys)
    own = home / "skillshelf"
    for mode in (0o777, 0o770, 0o702):
        own.chmod(mode)
        before = snapshot(own)
        path = project / "skills/alpha/one/SKILL.md"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # fixable: --fix lints twice
        main(["lint", "--fix"])
        said = capsys.readouterr().err.splitlines()
        refusal = (
            f"skillshelf: info: not using the scan cache: {own} can be written by other users "
            f"(mode {mode:o}): run chmod go-w on it"
        )
        assert said == [refusal, "fixed skills/alpha/one/SKILL.md"]
        assert snapshot(own) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_cache_folder_of_another_user_is_not_used(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys)
    own = home / "skillshelf"
    os.chown(own, 65534, 65534)
    before = snapshot(own)
    edit(project)
    assert lint(capsys) == (
        EXPECTED,
        f"skillshelf: info: not using the scan cache: {own} belongs to another user (uid 65534)\n",
    )
    assert snapshot(own) == before


def test_a_folder_named_skillshelf_that_is_not_the_cache_is_left_alone(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SKILLSHELF_CACHE_DIR=~ would otherwise take over a checkout of skillshelf."""
    own = home / "skillshelf"
    own.mkdir(mode=0o700)
    (own / "README.md").write_text("# skillshelf\n", encoding="utf-8")
    (own / "scan-0000000000000000").mkdir()
    age(own / "scan-0000000000000000")
    found, said = lint(capsys)
    assert found == EXPECTED
    assert said == (
        f"skillshelf: info: not using the scan cache: {own} holds files skillshelf did not "
        "write (it has no CACHEDIR.TAG of skillshelf)\n"
    )
    assert sorted(path.name for path in own.iterdir()) == ["README.md", "scan-0000000000000000"]


def test_the_cache_folder_is_private_whatever_the_umask(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under the common umask 002 the folders were made group-writable, which
    the check above would now refuse on every later run."""
    previous = os.umask(0o002)
    try:
        lint(capsys)
    finally:
        os.umask(previous)
    own = home / "skillshelf"
    (root,) = own.glob("scan-*")
    assert (own.stat().st_mode & 0o777, root.stat().st_mode & 0o777) == (0o700, 0o700)
    edit(project)
    assert lint(capsys) == (EXPECTED, "")


def test_the_cache_of_an_older_skillshelf_is_used_and_tagged(
    project: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """~/.cache/skillshelf from before the tag (only its .gitignore marks it)
    keeps working: same place, same shards."""
    lint(capsys)
    own = home / "skillshelf"
    (own / "CACHEDIR.TAG").unlink()
    warm = ScanCache.open((project / "skills").resolve(), home)
    scan(project / "skills", reader=warm)
    assert (warm.misses, warm.hits) == (0, 8)
    edit(project)
    assert lint(capsys) == (EXPECTED, "")
    assert (own / "CACHEDIR.TAG").read_bytes().startswith(TAG_SIGNATURE)
