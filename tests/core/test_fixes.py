"""``--fix`` never loses data: atomic writes, files it refuses, and convergence.

Writes are proven against the real thing: a real ``skillshelf lint --fix``
process on a file size limit (a full disk, as the process sees it), killed
with SIGKILL at many points, and real hard links and symlinks on disk.
"""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import description_md, healthy_tree, skill_md

from skillshelf.cli import main
from skillshelf.diagnostics import Fix
from skillshelf.fixes import apply_fixes, merge_tags
from skillshelf.safe_files import TEMPORARY_PREFIX, NotRegularFileError, read_file

MakeTree = Callable[[Mapping[str, str | bytes]], Path]
SKILL = "alpha/one/SKILL.md"


@pytest.fixture
def project(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A healthy tree in a project folder (the cwd), with its own scan cache."""
    root = make_tree(healthy_tree())
    (root.parent / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    monkeypatch.chdir(root.parent)
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(tmp_path / "cache"))
    return root.parent


def crlf_skill(name: str, lines: int = 1) -> bytes:
    """A SKILL.md with CRLF line endings (fixable), ``lines`` body lines long."""
    body = "".join(f"Line {n} of a long body, with some words in it.\n" for n in range(lines))
    return skill_md(name, body=body).replace("\n", "\r\n").encode()


def lint_fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", "--fix", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_cli(project: Path, *args: str, **options: object) -> subprocess.Popen[bytes]:
    """``skillshelf lint`` in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "skillshelf", "lint", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **options,  # type: ignore[call-overload]
    )


def temporaries(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(TEMPORARY_PREFIX)]


# --------------------------------------------------------------------------- atomic writes


def test_a_full_disk_leaves_the_file_whole_and_says_so(project: Path) -> None:
    """With writes capped at 8 KiB the fix cannot be written: the file stays
    exactly as it was (in place, it was cut at 8,192 bytes), the temporary file
    is gone, and the message names the file and the reason."""
    path = project / "skills" / SKILL
    original = crlf_skill("one", lines=400)
    assert len(original) > 16_000
    path.write_bytes(original)

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that write() fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    process = run_cli(project, "--fix", preexec_fn=full_disk)
    out, err = (stream.decode() for stream in process.communicate(timeout=120))
    assert path.read_bytes() == original
    assert temporaries(path.parent) == []
    assert process.returncode == 2
    assert (
        "skillshelf: could not fix skills/alpha/one/SKILL.md: File too large "
        "(the file is unchanged)"
    ) in err.splitlines()
    assert "Traceback" not in err and "internal error" not in err
    assert "line-endings" in out  # still reported: nothing was fixed


def big_tree(project: Path, count: int) -> dict[Path, bytes]:
    """``count`` big CRLF skills (each about 2 MB) in one category."""
    files = {}
    for index in range(count):
        folder = project / "skills/beta" / f"big{index}"
        folder.mkdir()
        files[folder / "SKILL.md"] = crlf_skill(f"big{index}", lines=40_000)
    return files


def test_kill_9_at_any_point_leaves_every_file_old_or_new(project: Path) -> None:
    """Real ``lint --fix`` processes on big files, killed with SIGKILL after
    random delays over the whole run, and as soon as a write is seen starting:
    every file holds exactly its old bytes or exactly its new ones."""
    originals = big_tree(project, 3)
    fixed = {path: data.replace(b"\r\n", b"\n") for path, data in originals.items()}

    def reset() -> None:
        for path, data in originals.items():
            path.write_bytes(data)
            for name in temporaries(path.parent):  # a killed run cannot remove its own
                (path.parent / name).unlink()

    def check() -> int:
        new = 0
        for path in originals:
            data = path.read_bytes()
            assert data in (originals[path], fixed[path]), (path, len(data))
            assert sorted(os.listdir(path.parent)) == sorted(
                ["SKILL.md", *temporaries(path.parent)]
            )
            new += data == fixed[path]
        return new

    reset()
    started = time.monotonic()
    process = run_cli(project, "--fix", "--no-cache")
    process.communicate(timeout=300)
    whole_run = time.monotonic() - started
    assert check() == len(originals)  # the run, left alone, fixes them all

    picks = random.Random(11)
    outcomes = []
    for attempt in range(24):
        reset()
        process = run_cli(project, "--fix", "--no-cache")
        if attempt % 3 == 0:  # the moment anything in the tree starts to change
            stamps = {path: path.stat().st_mtime_ns for path in originals}
            while process.poll() is None and all(
                path.stat().st_mtime_ns == stamps[path] and not temporaries(path.parent)
                for path in originals
            ):
                pass
        else:
            time.sleep(picks.uniform(0.2, 1.0) * whole_run)
        process.kill()
        process.communicate()
        outcomes.append(check())
    # The kills fell before, during and after the writes.
    assert 0 in outcomes and len(set(outcomes)) > 1, outcomes


def test_a_hard_linked_file_is_not_fixed_and_the_other_name_keeps_its_bytes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(crlf_skill("one"))
    path = project / "skills" / SKILL
    path.unlink()
    os.link(outside, path)
    code, out, err = lint_fix(capsys)
    assert outside.read_bytes() == crlf_skill("one") and path.read_bytes() == crlf_skill("one")
    assert os.path.samefile(outside, path)
    assert (
        "not fixed skills/alpha/one/SKILL.md: it has 2 hard links; --fix would change "
        "the other names too, or split them apart"
    ) in err.splitlines()
    assert "skills/alpha/one/SKILL.md:1:" in out and code == 1  # still reported


def test_a_symlinked_skill_file_is_not_fixed_and_its_target_is_fixed_by_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skills = project / "skills"
    target = skills / "alpha/one/references/original.md"
    target.parent.mkdir()
    target.write_bytes(b"# Original\r\n\r\nText.\r\n")
    link = skills / "alpha/one/references/link.md"
    link.symlink_to("original.md")
    _, _, err = lint_fix(capsys)
    assert link.is_symlink() and os.readlink(link) == "original.md"
    assert target.read_bytes() == b"# Original\n\nText.\n"  # fixed under its own name
    assert (
        "not fixed skills/alpha/one/references/link.md: it is a symlink; "
        "--fix never writes through or over a link"
    ) in err.splitlines()
    assert "fixed skills/alpha/one/references/original.md" in err.splitlines()


def test_nothing_is_written_through_a_folder_that_became_a_symlink(
    project: Path, tmp_path: Path
) -> None:
    """The tree scan never follows a linked folder; should one appear between
    the scan and the fix, the fix does not follow it either."""
    skills = project / "skills"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "one").mkdir(parents=True)
    (elsewhere / "one/SKILL.md").write_bytes(crlf_skill("one"))
    fix = Fix("convert line endings to LF", skills / SKILL, lambda text: text.replace("\r", ""))
    (skills / "alpha").rename(tmp_path / "alpha-away")
    (skills / "alpha").symlink_to(elsewhere)
    outcome = apply_fixes([fix], skills)
    assert outcome.refused == [(skills / SKILL, "'alpha' on its path is a symlink")]
    assert (elsewhere / "one/SKILL.md").read_bytes() == crlf_skill("one")


def test_a_file_outside_the_tree_is_never_written(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"a\r\n")
    fix = Fix("convert line endings to LF", outside, lambda text: text.replace("\r", ""))
    outcome = apply_fixes([fix], project / "skills")
    assert outcome.refused == [(outside, "it is outside the skills tree")]
    assert outside.read_bytes() == b"a\r\n"


def test_an_edit_made_while_fixing_wins(project: Path) -> None:
    path = project / "skills" / SKILL
    path.write_bytes(crlf_skill("one"))

    def edit_then_fix(text: str) -> str:
        path.write_bytes(b"edited by someone else\n")
        return text.replace("\r", "")

    outcome = apply_fixes([Fix("lf", path, edit_then_fix)], project / "skills")
    assert outcome.refused == [(path, "it changed while being fixed; run --fix again")]
    assert path.read_bytes() == b"edited by someone else\n"


def test_a_fix_keeps_the_mode_and_the_owner(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "skills" / SKILL
    path.write_bytes(crlf_skill("one"))
    path.chmod(0o640)
    owner = (path.stat().st_uid, path.stat().st_gid)
    if os.geteuid() == 0:  # only root can give a file away: check that it is kept
        owner = (4242, 4343)
        os.chown(path, *owner)
    inode = path.stat().st_ino
    lint_fix(capsys)
    after = path.stat()
    assert path.read_bytes() == crlf_skill("one").replace(b"\r\n", b"\n")
    assert after.st_ino != inode  # a new file took the old one's place...
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (0o640, *owner)  # ...as it was
    assert temporaries(path.parent) == []


def test_a_fifo_named_like_a_markdown_file_does_not_block_the_fix(project: Path) -> None:
    fifo = project / "skills/alpha/one/notes.md"
    os.mkfifo(fifo)
    fix = Fix("lf", fifo, lambda text: text + "x")
    outcome = apply_fixes([fix], project / "skills")
    assert outcome.refused == [(fifo, "it is not a regular file")]


# --------------------------------------------------------------------------- convergence


def findings(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, bool]]:
    main(["lint", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    return [(d["path"], d["rule"], d["fixable"]) for d in out["diagnostics"]]


def test_tags_in_both_places_are_merged_and_a_second_run_finds_nothing_to_fix(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the finding stayed "(1 fixable with --fix)" forever."""
    path = project / "skills" / SKILL
    path.write_text(
        "---\nname: one\ndescription: Does one thing. Use when needed.\n"
        "tags: [b, x, a]  # from the top\nlicense: MIT\n"
        "metadata:\n  skillshelf:\n    tags: [a, b]  # kept here\n---\n\nBody.\n",
        encoding="utf-8",
    )
    assert findings(capsys) == [("skills/alpha/one/SKILL.md", "misplaced-tags", True)]
    lint_fix(capsys)
    assert path.read_text(encoding="utf-8") == (
        "---\nname: one\ndescription: Does one thing. Use when needed.\nlicense: MIT\n"
        "metadata:\n  skillshelf:\n    tags: [a, b, x] # kept here  # from the top\n"
        "---\n\nBody.\n"
    )
    assert findings(capsys) == []


@pytest.mark.parametrize(
    ("top", "namespace", "merged"),
    [
        ("tags: [a, b]", "", "[a, b]"),
        ("tags: [a, b]", "    tags: []\n", "[a, b]"),
        ("tags: [b, a, b]", "    tags: [a]\n", "[a, b]"),  # duplicates dropped, order kept
        ("tags: [1, 'x']", "    tags: [true, '1', x]\n", "[true, '1', x, 1]"),  # 1 is not true
        ("tags:", "    tags: [a]\n", "[a]"),  # an empty top-level tags is just dropped
        ("tags: [a]", "    tags:\n", "[a]"),  # an empty one in the namespace takes them
    ],
)
def test_merging_tags(top: str, namespace: str, merged: str) -> None:
    source = f"name: a\n{top}\nmetadata:\n  skillshelf:\n    version: '1'\n{namespace}"
    assert merge_tags(source, ("metadata", "skillshelf")) == (
        f"name: a\nmetadata:\n  skillshelf:\n    version: '1'\n    tags: {merged}\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "tags: a\nmetadata:\n  skillshelf:\n    tags: [a]\n",  # a text and a list
        "tags: [a]\nmetadata:\n  skillshelf:\n    tags: b\n",
        "tags: [a]\nmetadata: 5\n",  # the namespace is not a mapping
        "tags: [a]\nmetadata:\n  skillshelf: [x]\n",
    ],
)
def test_tags_that_cannot_be_merged_are_reported_as_not_fixable(
    project: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    path = project / "skills" / SKILL
    text = f"---\nname: one\ndescription: Does one thing. Use when needed.\n{source}---\nBody\n"
    path.write_text(text, encoding="utf-8")
    reported = [f for f in findings(capsys) if f[1] == "misplaced-tags"]
    assert reported == [("skills/alpha/one/SKILL.md", "misplaced-tags", False)]
    main(["lint", "--fix"])
    assert "merge it into metadata.skillshelf.tags by hand" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == text


def test_moving_tags_keeps_comments_about_other_keys_in_place() -> None:
    source = (
        "# The skill.\nname: a  # its name\ntags:  # why these\n  - x  # first\n  - y\n"
        "# The licence, below.\nlicense: MIT\n"
    )
    assert merge_tags(source, ("metadata", "skillshelf")) == (
        "# The skill.\nname: a  # its name\n# The licence, below.\nlicense: MIT\n"
        "metadata:\n  skillshelf:\n    tags: # why these\n      - x # first\n      - y\n"
    )


def test_moving_tags_keeps_a_byte_order_mark_and_crlf_for_their_own_fixes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "skills" / SKILL
    text = "---\nname: one\ndescription: Does one thing. Use when needed.\ntags: [a]\n---\nBody\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    lint_fix(capsys, "--select", "misplaced-tags")
    expected = (
        "---\nname: one\ndescription: Does one thing. Use when needed.\n"
        "metadata:\n  skillshelf:\n    tags: [a]\n---\nBody\n"
    )
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()
    lint_fix(capsys)
    assert path.read_bytes() == expected.encode()


def test_a_byte_order_mark_before_bytes_that_are_not_utf8_is_removed_and_nothing_else(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the file could not be decoded, so the fix was skipped and the
    finding stayed fixable forever."""
    path = project / "skills" / SKILL
    rest = b"---\nname: one\ndescription: bad \xff byte\n---\n"
    path.write_bytes(b"\xef\xbb\xbf" + rest)
    lint_fix(capsys)
    assert path.read_bytes() == rest
    assert [f[2] for f in findings(capsys)] == [False]  # only the undecodable byte is left


def test_a_category_of_many_fixes_is_fixed_in_one_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skills = project / "skills"
    (skills / "gamma").mkdir()
    (skills / "gamma/DESCRIPTION.md").write_bytes(
        b"\xef\xbb\xbf" + description_md("Gamma").replace("\n", "\r\n").encode()
    )
    for name in ("p", "q"):
        (skills / "gamma" / name).mkdir()
        (skills / "gamma" / name / "SKILL.md").write_bytes(
            b"\xef\xbb\xbf" + skill_md(name, extra="tags: [t]\n").replace("\n", "\r").encode()
        )
    code, _, err = lint_fix(capsys)
    assert code == 0 and len(err.splitlines()) == 3
    assert findings(capsys) == []


def test_the_one_reader_reads_regular_files_only_and_follows_links_when_told(
    tmp_path: Path,
) -> None:
    """The walk, --fix and the cache read through safe_files.read_file."""
    real = tmp_path / "real.md"
    real.write_bytes(b"text")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert read_file(str(link), follow=True)[0] == b"text"  # a link the walk vetted
    with pytest.raises(OSError) as refused:
        read_file(str(link))
    assert refused.value.errno == errno.ELOOP
    folder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert read_file("real.md", at=folder)[0] == b"text"
    finally:
        os.close(folder)
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    with pytest.raises(NotRegularFileError, match=r"a FIFO \(named pipe\), not a regular file"):
        read_file(str(pipe), follow=True)  # returns at once: never blocks on the FIFO
