"""Property-based: ``--fix`` converges and touches nothing it has no finding for.

For generated trees full of fixable problems (byte-order marks, CR and CRLF
endings, top-level tags beside every shape of namespace, comments anywhere,
fuzzed values): after one ``lint --fix`` no finding is fixable any more, a
second ``--fix`` changes no byte and no mtime, and no file without a fixable
finding was changed by the first.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.robustness.conftest import PROFILE
from tests.robustness.test_properties import examples, yamlish

from skillshelf.cli import main

NAMESPACE = {"skillshelf": "skillshelf", "hermes": "hermes"}

#: Tags as written after ``tags:``; ``{i}`` is the indentation of the key.
TAG_VALUES = [
    "[a, b]",
    "[b, c]  # a note",
    "[c, a, c]",
    "\n{i}  - a\n{i}  - d  # last",
    "\n{i}- e\n{i}# between\n{i}- a",
    "a",
    "",
    "[]",
    "[1, true, '1', 1.0]",
    "{x: 1}",
    "[[x], [x]]",
    "'quoted, with a comma'",
    "[\"a\", 'b', c]",
]


@st.composite
def tags_value(draw: st.DrawFn, indent: str) -> str:
    value = draw(st.one_of(st.sampled_from(TAG_VALUES), yamlish.map(lambda v: v[:20])))
    return value.replace("{i}", indent)


@st.composite
def metadata_block(draw: st.DrawFn, style: str) -> str | None:
    namespace = NAMESPACE[style]
    other = NAMESPACE["hermes" if style == "skillshelf" else "skillshelf"]
    choice = draw(st.integers(0, 8))
    inner_tags = draw(tags_value("    "))
    return [
        None,
        "metadata:",
        "metadata: 5",
        f"metadata:\n  {namespace}:\n    tags: {inner_tags}\n    version: '1'",
        f"metadata:\n  {namespace}:\n    version: '1'  # the version",
        f"metadata:\n  {namespace}: {{tags: [x, a]}}",
        f"metadata:\n  {other}:\n    tags: [q]",
        f"metadata:\n  {namespace}:",
        f"metadata:\n  {namespace}: [x]",
    ][choice]


@st.composite
def skill_text(draw: st.DrawFn, name: str, style: str) -> bytes:
    entries = [f"name: {name}", "description: Does a thing. Use when it is needed.", "license: MIT"]
    if draw(st.booleans()):
        entries.append(f"tags: {draw(tags_value(''))}")
    metadata = draw(metadata_block(style))
    if metadata is not None:
        entries.append(metadata)
    entries = draw(st.permutations(entries))
    lines: list[str] = []
    for entry in entries:
        if draw(st.integers(0, 4)) == 0:
            lines.append("# a comment about what follows")
        lines.append(entry)
    body = draw(st.sampled_from(["# Title\n\nText.\n", "", "---\n\nA rule above.\n", "Body"]))
    return encode("---\n" + "\n".join(lines) + "\n---\n\n" + body, draw)


def encode(text: str, draw: st.DrawFn) -> bytes:
    """``text`` with drawn line endings and maybe a byte-order mark."""
    endings = draw(st.sampled_from(["lf", "lf", "crlf", "cr", "mixed"]))
    if endings == "crlf":
        text = text.replace("\n", "\r\n")
    elif endings == "cr":
        text = text.replace("\n", "\r")
    elif endings == "mixed":
        text = text.replace("\n", "\r\n", 1)
    bom = b"\xef\xbb\xbf" if draw(st.integers(0, 3)) == 0 else b""
    return bom + text.encode("utf-8", "surrogatepass")


@st.composite
def fixable_trees(draw: st.DrawFn, style: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for category in draw(st.sampled_from([["cat"], ["cat", "dog"]])):
        files[f"{category}/DESCRIPTION.md"] = encode(
            f"---\ntitle: {category}\ndescription: A category.\n---\n\nText.\n", draw
        )
        for index in range(draw(st.integers(2, 3))):
            name = f"{category}-{index}"
            files[f"{category}/{name}/SKILL.md"] = draw(skill_text(name, style))
            if draw(st.booleans()):
                files[f"{category}/{name}/references/guide.md"] = encode(
                    "# Guide\n\nBack to [the skill](../SKILL.md).\n", draw
                )
    return files


@contextlib.contextmanager
def scratch_project(style: str, files: dict[str, bytes]) -> Iterator[Path]:
    """A project with ``files`` below ``skills/`` and a scan cache of its own."""
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        (project / "skillshelf.toml").write_text(
            f'root = "skills"\nstyle = "{style}"\n', encoding="utf-8"
        )
        for rel, content in files.items():
            path = project / "skills" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        previous = os.environ.get("SKILLSHELF_CACHE_DIR")
        os.environ["SKILLSHELF_CACHE_DIR"] = str(project / "cache")
        try:
            yield project
        finally:
            if previous is None:
                del os.environ["SKILLSHELF_CACHE_DIR"]
            else:
                os.environ["SKILLSHELF_CACHE_DIR"] = previous


def lint(project: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            ["lint", "--format", "json", "--config", str(project / "skillshelf.toml"), *args]
        )
    return code, json.loads(out.getvalue())["diagnostics"], err.getvalue()


def files_of(project: Path) -> dict[Path, tuple[bytes, int]]:
    return {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in (project / "skills").rglob("*")
        if path.is_file()
    }


@settings(PROFILE, max_examples=examples(80), deadline=None)
@given(
    st.sampled_from(["skillshelf", "hermes"]).flatmap(
        lambda s: st.tuples(st.just(s), fixable_trees(s))
    )
)
@example(
    (
        "skillshelf",
        {
            "cat/DESCRIPTION.md": b"---\ntitle: c\ndescription: d\n---\n",
            "cat/a/SKILL.md": b"---\nname: a\ndescription: x\ntags: [x, y]\n"
            b"metadata:\n  skillshelf:\n    tags: [y, z]\n---\n",
            "cat/b/SKILL.md": b"\xef\xbb\xbf---\nname: b\ndescription: bad \xff byte\n---\n",
        },
    )
)
def test_fix_converges_and_changes_only_files_with_fixable_findings(
    case: tuple[str, dict[str, bytes]],
) -> None:
    style, files = case
    with scratch_project(style, files) as project:
        _, before, _ = lint(project)
        fixable = {os.path.abspath(str(d["path"])) for d in before if d["fixable"]}
        original = files_of(project)

        code, after_fix, err = lint(project, "--fix")
        assert code in (0, 1), err
        assert "Traceback" not in err and "could not fix" not in err and "not fixed" not in err
        fixed = files_of(project)
        for path, content in original.items():
            if str(path) not in fixable:
                assert fixed[path] == content, f"{path} had no fixable finding but changed"
        assert [d for d in after_fix if d["fixable"]] == [], "fixable findings left after --fix"

        _, again, _ = lint(project)
        assert [d for d in again if d["fixable"]] == []
        lint(project, "--fix")
        assert files_of(project) == fixed, "a second --fix changed a file"
