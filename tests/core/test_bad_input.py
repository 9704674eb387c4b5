"""Hostile and broken input: always a diagnostic with a position, never a traceback,
never a file read outside the tree, never a file written."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import healthy_tree, skill_md

from skillshelf.cli import main
from skillshelf.config import config_from_table
from skillshelf.diagnostics import Diagnostic
from skillshelf.lint import lint

MakeTree = Callable[[Mapping[str, str | bytes]], Path]


def lint_tree(root: Path) -> list[Diagnostic]:
    return lint(config_from_table({}, project_dir=root.parent, root=root)).diagnostics


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


BROKEN_SKILLS: dict[str, bytes] = {
    "no-frontmatter": b"# Only a heading\n",
    "unterminated": b"---\nname: unterminated\ndescription: x\n",
    "invalid-yaml": b"---\nname: [unclosed\n---\n",
    "duplicate-keys": b"---\nname: duplicate-keys\nname: again\n---\n",
    "non-mapping": b"---\n- just\n- a list\n---\n",
    "scalar": b"---\njust a string\n---\n",
    "empty": b"",
    "empty-frontmatter": b"---\n---\n",
    "latin1": "---\nname: latin1\ndescription: caf\xe9\n---\n".encode("latin-1"),
    "bom": b"\xef\xbb\xbf" + skill_md("bom").encode(),
    "crlf": skill_md("crlf").replace("\n", "\r\n").encode(),
    "binary": bytes(range(256)) * 4,
    "utf16": skill_md("utf16").encode("utf-16"),
    "tabs": b"---\nname: tabs\n\tdescription: x\n---\n",
    "alias-bomb": b"---\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n---\n",
    "date-value": b"---\nname: date-value\ndescription: 2024-01-01\n---\n",
    "huge-number": b"---\nname: huge-number\ndescription: 1e999999\n---\n",
}


def test_every_broken_skill_gets_a_positioned_diagnostic(make_tree: MakeTree) -> None:
    files: dict[str, str | bytes] = dict(healthy_tree())
    for folder, content in BROKEN_SKILLS.items():
        files[f"broken/{folder}/SKILL.md"] = content
    root = make_tree(files)
    before = snapshot(root)
    diagnostics = lint_tree(root)
    assert snapshot(root) == before
    reported = {d.path.parent.name for d in diagnostics if d.path.name == "SKILL.md"}
    assert set(BROKEN_SKILLS) <= reported
    for d in diagnostics:
        assert d.line >= 1 and d.column >= 1, d
        assert d.message and "\n" not in d.message, d


def test_cli_never_shows_a_traceback(
    make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, str | bytes] = {f"broken/{k}/SKILL.md": v for k, v in BROKEN_SKILLS.items()}
    root = make_tree(files)
    monkeypatch.chdir(root.parent)
    assert main(["lint", "--root", "skills"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert captured.err == ""


def test_symlinks_loops_escapes_and_folders(make_tree: MakeTree, tmp_path: Path) -> None:
    root = make_tree(healthy_tree())
    secret = tmp_path / "outside-secret.md"
    secret.write_text("---\nname: secret\n---\nDO NOT READ\n", encoding="utf-8")
    (root / "alpha/one/references").mkdir()
    os.symlink(secret, root / "alpha/one/references/escape.md")
    os.symlink(root / "alpha", root / "alpha/one/loop")  # folder link back up: a loop
    os.symlink("self-a", root / "alpha/two/self-b")
    os.symlink("self-b", root / "alpha/two/self-a")  # a two-link loop
    os.symlink("missing-target.md", root / "alpha/two/dangling.md")
    os.symlink(
        "../../two/SKILL.md", root / "alpha/one/references/inside.md"
    )  # fine: a file in the tree
    diagnostics = lint_tree(root)
    symlinks = {d.path.name: d.message for d in diagnostics if d.rule == "symlink"}
    assert set(symlinks) == {"escape.md", "loop", "self-a", "self-b", "dangling.md"}
    assert "outside the skills tree" in symlinks["escape.md"]
    assert "folder" in symlinks["loop"]
    assert "loop" in symlinks["self-a"]
    assert all("DO NOT READ" not in d.message for d in diagnostics)
    assert [d for d in diagnostics if d.rule != "symlink"] == []


def test_names_with_spaces_and_unicode(make_tree: MakeTree) -> None:
    files = healthy_tree() | {
        "alpha/my skill/SKILL.md": skill_md("my-skill"),
        "alpha/naïve/SKILL.md": skill_md("naïve"),
    }
    diagnostics = lint_tree(make_tree(files))
    by_folder = {(d.path.parent.name, d.rule) for d in diagnostics}
    assert ("my skill", "name-mismatch") in by_folder
    assert ("naïve", "frontmatter-schema") in by_folder


def test_very_large_and_deeply_nested_trees(make_tree: MakeTree) -> None:
    deep = "/".join(f"d{i}" for i in range(100))
    files = healthy_tree() | {
        f"{deep}/x/SKILL.md": skill_md("x"),
        f"{deep}/y/SKILL.md": skill_md("y"),
        "alpha/two/references/big.md": "# Big\n" + ("word " * 20 + "\n") * 120_000,
    }
    diagnostics = lint_tree(make_tree(files))
    rules = {d.rule for d in diagnostics}
    assert rules == {"too-deep", "oversized-file", "missing-description"}


def test_html_in_strings_is_reported_verbatim_not_interpreted(make_tree: MakeTree) -> None:
    hostile = '"<script>alert(1)</script>"'
    files = healthy_tree() | {
        "alpha/two/SKILL.md": skill_md("two", extra=f"compatibility: {hostile}\nx-{hostile}: 1\n")
    }
    diagnostics = lint_tree(make_tree(files))
    assert any("<script>" in d.message for d in diagnostics)


def test_file_names_that_are_not_utf8(make_tree: MakeTree) -> None:
    root = make_tree(healthy_tree())
    bad = os.fsdecode(b"caf\xe9")
    (root / "alpha" / bad).mkdir()
    (root / "alpha" / bad / "SKILL.md").write_text(skill_md("cafe"), encoding="utf-8")
    hits = [d for d in lint_tree(root) if d.rule == "encoding"]
    assert [d.message for d in hits] == ["file name is not valid UTF-8: rename it"]
    assert hits[0].path.name == "caf\\xe9"  # shown escaped, never as raw bytes
