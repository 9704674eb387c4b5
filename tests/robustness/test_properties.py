"""Property-based robustness: no input, however broken, makes skillshelf raise,
point outside the file, execute a snippet or write a file.

Text is generated from fragments that are known to be tricky for each parser
(YAML indicators, anchors and aliases, tags, fences, prompts, huge literals,
NUL, CR, BOM, unicode) mixed with arbitrary text, so that the examples reach
deep into the parsers instead of failing on the first character.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.robustness.conftest import PROFILE

from skillshelf.cli import main
from skillshelf.frontmatter import decode, parse_document
from skillshelf.links import iter_links
from skillshelf.markdown import iter_fenced_blocks, split_lines
from skillshelf.trl.snippets import check_text, find_calls

#: ``SKILLSHELF_FUZZ_SCALE=20`` multiplies every example budget, for a long
#: fuzzing session; the default budgets keep this file well under a minute.
SCALE = float(os.environ.get("SKILLSHELF_FUZZ_SCALE", "1"))


def examples(budget: int) -> int:
    return max(1, round(budget * SCALE))


# --------------------------------------------------------------------------- strategies

#: A Python int literal whose decimal form is over CPython's 4300-digit limit for
#: int <-> str conversion: str() or repr() of its value raises ValueError.
HUGE_HEX = "0x" + "f" * 4000

YAML_FRAGMENTS = [
    "---", "...", "\n", "\n", "\n", "\r\n", "\r", ": ", ":", "  ", "    ", "\t",
    "- ", "-", "? ", "'", '"', "''", '\\"', "&a ", "*a", "&b ", "*b", "<<: ", "<<: *a",
    "[", "]", "{", "}", ", ", "#", " # note", "|", ">", "|-", ">+", "|2",
    "!!str ", "!!int ", "!!float ", "!!binary ", "!!timestamp ", "!!set ", "!!omap ",
    "!!python/object:os.system ", "!local ", "!<tag:x,2024:y> ", "%YAML 1.2\n", "%TAG ! x\n",
    "name", "description", "metadata", "skillshelf", "hermes", "tags", "related-skills",
    "related_skills", "targets", "trl", "version", "title", "order", "license",
    "compatibility", "dependencies", "platforms", "author",
    "null", "~", "true", "yes", "0x1F", "0o17", "1e999", "-.inf", ".nan", "12:30:00",
    "2024-01-01", "2001-02-29", "0001-01-01 00:00:00 +23:00", "9999-12-31T23:59:59-23:00",
    HUGE_HEX, "9" * 5000,
    "é", "日本", "😀", "\u200b", "\ufeff", "\x00", "\x85", "\u2028", "\x1b", "\x7f",
    "<script>alert(1)</script>", "&amp;", "\\", "%", "@", "`", "x" * 80,
    # Keys that are not text, merges, and values YAML cannot build.
    "1: ", "? [a]\n: ", "<<: {x: 1}", "<<: [{y: 2}]", "!!omap [a: 1, a: 2]", "2024-01-02: ",
    "true: ", "? {a: 1}\n: ", "&n x", "*n", "&n ", "!!timestamp 2024-13-45", "!!pairs [a: 1]",
]  # fmt: skip

MARKDOWN_FRAGMENTS = [
    "\n", "\n", "\n", "\r\n", "# Title\n", "## Sub\n", "text ", "    ", "\t", "> ",
    "```", "```python\n", "```py title=\"x.py\"\n", "``` { .python linenums=\"1\" }\n",
    "~~~python\n", "~~~", "````", "```pycon\n", ">>> ", "... ", "- ```python\n", "1. ",
    "!!! note\n    ", "=== \"Tab\"\n    ", "??? tip\n    ",
    "[a](b.md)", "[a](../x/SKILL.md)", "[a](<with space.md>)", "![i](img.png)",
    "[ref]: target.md", "[r]: <a b.md>", "<a href=\"x.md\">", "<img src='y.png'>",
    "](", "]:", "=", "`", "``", "[", "]", "(", ")", "<", ">", "#frag", "?q=1",
    "http://x", "mailto:a", "//host", "%2e%2e/%00", "../../../../etc/passwd",
    "é", "😀", "\x00", "\u2028", "\ufeff",
]  # fmt: skip

PYTHON_FRAGMENTS = [
    "\n", "\n", "    ", "\t", "from trl import DPOConfig, GRPOConfig\n", "import trl\n",
    "from peft import LoraConfig\n", "import peft as p\n", "from trl import *\n",
    "DPOConfig(", "GRPOConfig(", "SFTConfig(", "LoraConfig(", "trl.DPOConfig(",
    "p.LoraConfig(", "KTOConfig(", "RewardConfig(",
    "loss_type=", "beta=", "max_length=", "max_prompt_length=", "output_dir=", "r=",
    "target_modules=", "task_type=", "learning_rate=", "num_generations=", "bf16=",
    "\"sigmoid\"", "'ipo'", "[\"sigmoid\", \"ipo\"]", "\"aot_pair\"", "0.1", "-1", "8",
    "None", "True", "1e999", "1j", HUGE_HEX, "[" + HUGE_HEX + "]", "{1: " + HUGE_HEX + "}",
    "(", ")", "[", "]", "{", "}", ",", ", ", "=", ":", "**kwargs", "*args", "x", "lambda: 0",
    "def f(", "class C:", "async ", "await ", "@dec\n", "#", "'", '"', '"""', "\\",
    "!pip install trl\n", "%time ", ">>> ", "... ", "DPOConfig = 1\n", "é", "\x00",
    "[" * 120, "(" * 120,
]  # fmt: skip


def from_fragments(fragments: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(st.sampled_from(fragments), st.text(max_size=6)), max_size=max_size
    ).map("".join)


yamlish = from_fragments(YAML_FRAGMENTS)
pythonish = from_fragments(PYTHON_FRAGMENTS)


@st.composite
def frontmatter_text(draw: st.DrawFn) -> str:
    """A document that usually opens, and often closes, a frontmatter block."""
    opening = draw(st.sampled_from(["---\n", "---\r\n", "--- \n", "\ufeff---\n", "", "---"]))
    closing = draw(st.sampled_from(["\n---\n", "\n...\n", "\n---", "", "\n--- \nbody\n"]))
    return opening + draw(yamlish) + closing + draw(st.text(max_size=10))


@st.composite
def skill_frontmatter(draw: st.DrawFn) -> str:
    """A SKILL.md-shaped frontmatter whose values are fuzzed."""
    value = st.one_of(yamlish, st.sampled_from(["x", "''", "[a, b]", "{a: 1}", HUGE_HEX]))
    lines = [
        f"name: {draw(value)}",
        f"description: {draw(value)}",
        "metadata:",
        "  skillshelf:",
        f"    tags: [{draw(value)}]",
        f"    related-skills: [{draw(value)}]",
        f"    targets: {{trl: {draw(value)}}}",
        f"    version: {draw(value)}",
        f"  hermes: {{tags: [{draw(value)}], related_skills: {draw(value)}}}",
    ]
    kept = draw(st.lists(st.sampled_from(lines), unique=True, max_size=len(lines)))
    return "---\n" + "\n".join(kept) + "\n---\n"


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    """Markdown with Python fences whose content is Python-ish text."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        parts.append(draw(from_fragments(MARKDOWN_FRAGMENTS, max_size=12)))
        fence = draw(st.sampled_from(["```python\n", "~~~py\n", "```pycon\n", "- ```python\n"]))
        indent = draw(st.sampled_from(["", "    ", "  ", "\t"]))
        code = draw(pythonish)
        closing = draw(st.sampled_from(["\n```\n", "\n~~~\n", "\n", "\n    ```\n"]))
        parts.append(indent + fence + code.replace("\n", "\n" + indent) + closing)
    return "".join(parts)


document_text = st.one_of(
    frontmatter_text(),
    st.tuples(skill_frontmatter(), markdown_documents()).map("".join),
    markdown_documents(),
    st.text(max_size=200),
)

document_bytes = st.one_of(
    st.binary(max_size=300),
    document_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    document_text.map(lambda t: t.replace("\n", "\r\n").encode("utf-8", "surrogatepass")),
    document_text.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass")),
    document_text.map(lambda t: t.encode("utf-16")),
    document_text.map(lambda t: t.encode("latin-1", "replace")),
)


# --------------------------------------------------------------------------- helpers


def text_lines(text: str) -> list[str]:
    """Lines the way the positions count them (``\\n``, ``\\r\\n`` or ``\\r``)."""
    return split_lines(text)


def assert_inside(text: str, line: int, column: int, what: object) -> None:
    """A 1-based position that points at a character of ``text`` or just past a line's end."""
    lines = text_lines(text)
    assert 1 <= line <= len(lines), (what, line, len(lines))
    assert 1 <= column <= len(lines[line - 1]) + 1, (what, column, lines[line - 1])


def yaml_paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path of loaded frontmatter data, keys of any type (bounded: the first 200)."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, prefix)]
    seen = 0
    while stack and seen < 200:
        node, path = stack.pop()
        yield path
        seen += 1
        if isinstance(node, dict):
            stack.extend(((v, (*path, k)) for k, v in node.items()))
        elif isinstance(node, list):
            stack.extend(((v, (*path, i)) for i, v in enumerate(node)))


# --------------------------------------------------------------------------- frontmatter


@settings(PROFILE, max_examples=examples(500), deadline=None)
@given(st.one_of(st.binary(max_size=400), document_bytes))
def test_decode_never_raises_and_normalises_line_endings(raw: bytes) -> None:
    decoded = decode(raw)
    if decoded.text is not None:
        assert "\r" not in decoded.text
        # One leading BOM is an encoding mark; what follows it is content.
        body = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        assert decoded.text == body.replace("\r\n", "\n").replace("\r", "\n")
    else:
        assert any(issue.rule == "encoding" for issue in decoded.issues)
    lines = raw.count(b"\n") + 1
    for issue in decoded.issues:
        assert issue.rule in ("encoding", "line-endings"), issue
        assert 1 <= issue.position.line <= lines, issue
        assert issue.position.column >= 1, issue
        assert issue.message and "\n" not in issue.message, issue


@settings(PROFILE, max_examples=examples(800), deadline=None)
@given(st.one_of(frontmatter_text(), document_text), st.booleans())
@example("---\n!!int \n---\n", True)  # ruamel: IndexError on an empty tagged int
@example("---\na: !!bool\n---\n", True)  # ruamel: KeyError
@example("---\n? [[]]\n: 1\n---\n", True)  # TypeError: unhashable key
@example(f"---\nname: {HUGE_HEX}\n---\n", True)  # data that str() cannot show
@example(f"---\n? [{HUGE_HEX}]\n: 1\n---\n", True)
def test_parse_document_never_raises_and_positions_are_in_the_file(
    source: str, expect_frontmatter: bool
) -> None:
    decoded = decode(source.encode("utf-8", "surrogatepass"))
    if decoded.text is None:
        return
    text = decoded.text
    document = parse_document(text, expect_frontmatter=expect_frontmatter)
    lines = text.split("\n")
    for issue in document.issues:
        assert issue.rule in (
            "frontmatter-missing",
            "frontmatter-syntax",
            "multimarkdown-metadata",
        ), issue
        assert 1 <= issue.position.line <= len(lines) + 1, (issue, len(lines))
        assert issue.position.column >= 1, issue
        assert issue.message, issue
    assert 1 <= document.body_line <= len(lines) + 1
    if document.frontmatter is None:
        return
    assert document.issues == []
    # Rules and the site turn any value into text: the data must allow it.
    repr(document.frontmatter.data)
    # Every key path of the data resolves to a position inside the frontmatter.
    for path in yaml_paths(document.frontmatter.data):
        for key in (False, True):
            position = document.frontmatter.position(path, key=key)
            assert 1 <= position.line < document.body_line, (path, position)
            assert position.column >= 1, (path, position)


@settings(PROFILE, max_examples=examples(200), deadline=None)
@given(st.one_of(frontmatter_text(), skill_frontmatter()), st.sampled_from(["skill", "page"]))
@example("---\n1: a\nfoo: b\n---\n", "skill")
@example("---\n? [a]\n: 1\nname: x\n---\n", "skill")
@example("---\na: &a {x: 1}\n<<: *a\n---\n", "skill")
@example("---\n<<: {x: 1}\n---\n", "skill")
@example("---\nname: &n x\ndescription: *n\n---\n", "skill")
@example("---\nx: !!omap\n- a: 1\n- a: 2\n---\n", "page")
@example("---\ntags: 5\n---\n", "page")
def test_any_frontmatter_lints_and_every_finding_points_inside_the_file(
    text: str, where: str
) -> None:
    """Whatever a SKILL.md or a reference page starts with, the lint finishes
    without an internal error, and each finding about that file has a line
    and a column inside it."""
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        config = project / "skillshelf.toml"
        config.write_text("", encoding="utf-8")
        root = project / "skills"
        body = "\n\n# Title\n\nText.\n"
        files = {
            "cat/DESCRIPTION.md": "---\ndescription: A category.\n---\n",
            "cat/a/SKILL.md": text + body
            if where == "skill"
            else "---\nname: a\ndescription: d\n---\n",
            "cat/b/SKILL.md": "---\nname: b\ndescription: d\n---\n",
        }
        if where == "page":
            files["cat/a/references/page.md"] = text + body
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8", "surrogatepass"))
        target = "cat/a/SKILL.md" if where == "skill" else "cat/a/references/page.md"
        code, out, err = run_lint(root, config, "--no-cache")
        assert code in (0, 1), err
        assert "internal error" not in err and "Traceback" not in err, err
        decoded = decode((text + body).encode("utf-8", "surrogatepass")).text
        for diagnostic in json.loads(out)["diagnostics"]:
            path = os.path.realpath(os.path.join(os.getcwd(), diagnostic["path"]))
            if path != os.path.realpath(root / target) or decoded is None:
                continue
            assert_inside(decoded, diagnostic["line"], diagnostic["column"], diagnostic)


# --------------------------------------------------------------------------- fences and links


@settings(PROFILE, max_examples=examples(600), deadline=None)
@given(st.one_of(markdown_documents(), from_fragments(MARKDOWN_FRAGMENTS), st.text()))
def test_fenced_blocks_never_raise_and_map_back_to_the_text(text: str) -> None:
    lines = text_lines(text)
    for block in iter_fenced_blocks(text):
        assert 1 <= block.fence_line <= len(lines), block
        assert block.fence_line <= block.end_line <= len(lines), (block, len(lines))
        if not block.stripped:
            continue
        # Each content line is the text line minus the characters the fence stripped.
        for index, code_line in enumerate(block.code.split("\n")):
            line, column = block.position(index + 1, 0)
            assert_inside(text, line, column, block)
            assert lines[line - 1][column - 1 :] == code_line, (block, index)


@settings(PROFILE, max_examples=examples(600), deadline=None)
@given(st.one_of(markdown_documents(), from_fragments(MARKDOWN_FRAGMENTS), st.text()))
def test_links_never_raise_and_point_at_their_target(text: str) -> None:
    lines = text.split("\n")
    for link in iter_links(text):
        line, column = link.position.line, link.position.column
        assert 1 <= line <= len(lines), link
        assert 1 <= column <= len(lines[line - 1]) + 1, link
        assert lines[line - 1][column - 1 :].lstrip().startswith(link.target), link
        assert link.path and link.target, link


# --------------------------------------------------------------------------- snippets


@settings(PROFILE, max_examples=examples(500), deadline=None)
@given(st.one_of(markdown_documents(), document_text))
@example(f"```python\nfrom trl import DPOConfig\nDPOConfig(beta=[{HUGE_HEX}])\n```\n")
@example(f"```python\nDPOConfig(loss_type={HUGE_HEX}, output_dir='x')\n```\n")
def test_snippet_checker_never_raises_and_positions_are_in_the_document(text: str) -> None:
    for issue in check_text(text):
        assert_inside(text, issue.line, issue.column, issue)
        assert issue.message, issue
    for call in find_calls(text):
        assert_inside(text, call.line, call.column, call)


@settings(PROFILE, max_examples=examples(300), deadline=None)
@given(pythonish)
def test_any_python_ish_code_in_a_fence(code: str) -> None:
    text = f"# Doc\n\n```python\n{code}\n```\n"
    for issue in check_text(text):
        assert_inside(text, issue.line, issue.column, issue)


SABOTAGE = [
    'open({marker!r}, "w").write("ran")',
    '__import__("pathlib").Path({marker!r}).touch()',
    "import os; os.makedirs({marker!r})",
    '__import__("os").system("touch " + {marker!r})',
    'DPOConfig(output_dir=open({marker!r}, "w").name, beta=__import__("os").mkdir({marker!r}))',
    'LoraConfig(r=exec("open({marker!r}, \'w\')"), target_modules=eval("1"))',
    'GRPOConfig(**{{"output_dir": open({marker!r}, "w")}})',
    '>>> open({marker!r}, "w")',
    "!touch {marker}",
    "%run -i {marker}",
]


@settings(PROFILE, max_examples=examples(100), deadline=None)
@given(
    st.lists(st.sampled_from(SABOTAGE), min_size=1, max_size=4),
    pythonish,
    st.sampled_from(["python", "py", "pycon", "python3", "ipython"]),
)
def test_snippets_are_never_executed(payloads: list[str], noise: str, language: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        marker = os.path.join(scratch, "created-by-a-snippet")
        code = "\n".join(
            ["from trl import DPOConfig, GRPOConfig", "from peft import LoraConfig", noise]
            + [payload.format(marker=marker) for payload in payloads]
        )
        text = f"# Doc\n\n```{language}\n{code}\n```\n"
        check_text(text)
        list(find_calls(text))
        assert os.listdir(scratch) == []


# --------------------------------------------------------------------------- the whole linter

NAME_CHARS = st.characters(exclude_characters="/\x00", exclude_categories=["Cs"])
folder_names = st.one_of(
    st.sampled_from(
        [
            "skill", "cat", "my skill", "naïve", "日本語", " lead", "trail ", "-x",
            "references", "templates", "scripts", "assets", "SKILL.md", "DESCRIPTION.md",
            ".hidden", "x.md", "node_modules", "__pycache__", "<script>", "a&b", "%41",
            "\\", "'\"", "tab\there", "new\nline", "\u202eevil", "😀",
        ]
    ),
    st.text(NAME_CHARS, min_size=1, max_size=12),
).filter(lambda n: n not in (".", "..") and len(os.fsencode(n)) <= 120)  # fmt: skip

description_frontmatter = st.builds(
    "---\ntitle: {}\ndescription: {}\norder: {}\n---\n{}".format,
    yamlish,
    yamlish,
    st.sampled_from(["1", "-3", "x", "[1]", HUGE_HEX, "1e999", "true"]),
    from_fragments(MARKDOWN_FRAGMENTS, max_size=10),
)
skill_document = st.tuples(skill_frontmatter(), markdown_documents()).map("".join)


@st.composite
def tree_entry(draw: st.DrawFn) -> tuple[list[str], str, bytes]:
    """A file somewhere in the tree; SKILL.md and DESCRIPTION.md usually look the part."""
    folders = draw(st.lists(folder_names, max_size=4))
    name = draw(
        st.one_of(
            st.just("SKILL.md"),
            st.just("DESCRIPTION.md"),
            folder_names.map(lambda n: n + ".md"),
            folder_names,
        )
    )
    if name == "SKILL.md":
        content = draw(st.one_of(skill_document.map(str.encode), document_bytes))
    elif name == "DESCRIPTION.md":
        content = draw(st.one_of(description_frontmatter.map(str.encode), document_bytes))
    else:
        content = draw(document_bytes)
    return folders, name, content


tree_entries = st.lists(tree_entry(), min_size=1, max_size=8)


def write_entries(root: Path, entries: list[tuple[list[str], str, bytes]]) -> None:
    """Write what can be written; a path that collides with an earlier one is skipped."""
    for folders, name, content in entries:
        path = root.joinpath(*folders, name)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_bytes(content)


def snapshot(root: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every entry below ``root``: files with their bytes and mtime, folders as None."""
    found: dict[str, tuple[bytes, int] | None] = {}
    for directory, folders, files in os.walk(root):
        for name in folders:
            found[os.path.join(directory, name)] = None
        for name in files:
            path = os.path.join(directory, name)
            found[path] = (Path(path).read_bytes(), os.stat(path).st_mtime_ns)
    return found


#: Frontmatter numbers that str() refuses to print (they crashed the whole lint).
HUGE_TARGET = f"---\nname: a\nmetadata:\n  skillshelf:\n    targets: {{trl: {HUGE_HEX}}}\n---\n"
HUGE_DESCRIPTION = f"---\nname: a\ndescription: {HUGE_HEX}\ntags: [{HUGE_HEX}]\n---\n"


def run_lint(root: Path, config: Path, *options: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    arguments = ["lint", "--format", "json", "--config", str(config), "--root", str(root)]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*arguments, *options])
    return code, out.getvalue(), err.getvalue()


@settings(PROFILE, max_examples=examples(300), deadline=None)
@given(tree_entries, st.sampled_from(["skillshelf", "hermes"]))
@example([(["cat", "a"], "SKILL.md", HUGE_TARGET.encode())], "skillshelf")
@example([(["cat", "a"], "SKILL.md", HUGE_DESCRIPTION.encode())], "hermes")
def test_lint_on_arbitrary_trees(entries: list[tuple[list[str], str, bytes]], style: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        config = project / "skillshelf.toml"
        config.write_text(f'style = "{style}"\n', encoding="utf-8")
        root = project / "skills"
        root.mkdir()
        write_entries(root, entries)
        before = snapshot(root)
        code, out, err = run_lint(root, config)
        assert snapshot(root) == before, "lint without --fix changed the tree"
        assert code in (0, 1), err
        assert "Traceback" not in err and "internal error" not in err, err
        payload = json.loads(out)
        real_root = os.path.realpath(root)
        for diagnostic in payload["diagnostics"]:
            path = os.path.realpath(os.path.join(os.getcwd(), diagnostic["path"]))
            assert os.path.commonpath([real_root, path]) == real_root, diagnostic
            assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1, diagnostic
            assert diagnostic["severity"] in ("error", "warning", "info"), diagnostic
        failing = [d for d in payload["diagnostics"] if d["severity"] in ("error", "warning")]
        assert code == (1 if failing else 0)
        # A second run (answered from the scan cache, where there is one) agrees.
        assert run_lint(root, config) == (code, out, err)
        assert snapshot(root) == before
