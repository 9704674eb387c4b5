"""The compiled fast path (yaml-rs, jsonschema-rs) against the precise path
(ruamel.yaml, jsonschema): the same data, the same findings, at the same places.

Frontmatters are generated from the schemas' own keys and from scalar
spellings on which YAML loaders are known to differ (YAML 1.1 booleans, octal,
sexagesimal, dates that do not exist, special floats, escapes), written
plain, quoted and as block scalars, in flow and block collections, so the
examples reach both the routing and the two loaders.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.conftest import description_md, skill_md, write_tree
from tests.robustness.conftest import PROFILE

from skillshelf import frontmatter, schemas
from skillshelf.frontmatter import load_frontmatter

#: ``SKILLSHELF_FUZZ_SCALE=20`` multiplies the example budget for a long session.
SCALE = float(os.environ.get("SKILLSHELF_FUZZ_SCALE", "1"))

SCHEMAS = (
    "skill.schema.json",
    "skill.hermes.schema.json",
    schemas.CATEGORY_SCHEMA,
    schemas.PAGE_SCHEMA,
)

KEYS = [
    "name", "description", "license", "compatibility", "metadata", "skillshelf", "hermes",
    "tags", "related-skills", "version", "title", "order", "author", "platforms",
    "requires", "env", "template", "icon", "allowed-tools", "x", "Name", "1", "true",
]  # fmt: skip

SPELLINGS = [
    "a", "pdf-tools", "Pdf_Tools", "-a", "a--b", "yes", "no", "on", "off", "y", "True",
    "FALSE", "null", "Null", "~", "", "0", "-1", "+1", "007", "0o17", "0x1F", "0b101",
    "1_000", "1.0", "1.", ".5", "-0.0", "1e3", "1E-3", "6.8523015e+5", ".inf", "-.Inf",
    ".nan", "1:30", "12:30:00", "2024-01-02", "2001-02-29", "2024-1-2", "2024-01-02T10:00:00Z",
    "2024-01-02 10:00:00 +02:00", "99999999999999999999", "1.0.0", "1.2.3-beta+x",
    "https://example.org/a?b=c", "a b", "a  b", "a # not", "a#b", "x: y", "-", "?", "a?",
    "é", "日本", "😀", "\u200b", "\\", "%x", "@x", "`x", "[a]", "{a: b}", "<<", "=", "a=b",
    "&a", "*a", "!x", "|", ">", "'", '"', "x" * 70, "1" * 30,
]  # fmt: skip

_PLAIN_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -_.:#'\"?,[]{}|>%@&*!\\/\té\x1c\u2028")),
    max_size=12,
)


def _double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@st.composite
def scalars(draw: st.DrawFn, indent: int) -> str:
    text = draw(st.one_of(st.sampled_from(SPELLINGS), _PLAIN_TEXT))
    style = draw(
        st.sampled_from(["plain", "plain", "single", "double", "literal", "folded", "lines"])
    )
    if style == "lines":  # a plain or quoted scalar over several lines, then a comment
        pad = " " * (indent + 2)
        quote = draw(st.sampled_from(["", "'", '"']))
        return f"{quote}{text}\n{pad}more\n\n{pad}text{quote} # note"
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return _double_quoted(text)
    if style in ("literal", "folded"):
        pad = " " * (indent + 2)
        lines = draw(st.lists(st.sampled_from([text, "more text", ""]), min_size=1, max_size=3))
        chomp = draw(st.sampled_from(["", "-", "+"]))
        head = ("|" if style == "literal" else ">") + chomp
        return head + "".join(f"\n{pad}{line}" if line else "\n" for line in lines)
    return text


@st.composite
def values(draw: st.DrawFn, indent: int, depth: int) -> str:
    kinds = ["scalar", "scalar", "flow"] + (["block-list", "mapping"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return " " + draw(scalars(indent))
    if kind == "flow":
        items = draw(st.lists(st.sampled_from(SPELLINGS[:40]), max_size=4))
        return " [" + ", ".join(items) + "]"
    pad = " " * (indent + 2)
    if kind == "block-list":
        items = draw(st.lists(scalars(indent + 2), min_size=1, max_size=3))
        return "".join(f"\n{pad}- {item}" for item in items)
    return "\n" + draw(mappings(indent + 2, depth + 1))


@st.composite
def mappings(draw: st.DrawFn, indent: int, depth: int) -> str:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5))
    pad = " " * indent
    return "\n".join(f"{pad}{key}:{draw(values(indent, depth))}" for key in keys)


@st.composite
def frontmatters(draw: st.DrawFn) -> str:
    return draw(mappings(0, 0)) + "\n"


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 is not True nor 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, dict):
        return (
            list(a) == list(b)
            and all(type(x) is type(y) for x, y in zip(a, b, strict=True))
            and all(_same(a[key], b[key]) for key in a)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _findings(issues: Any) -> list[tuple[str, str, int | None, int | None]]:
    return [
        (i.rule, i.message, i.position and i.position.line, i.position and i.position.column)
        for i in issues
    ]


@settings(PROFILE, max_examples=max(1, round(300 * SCALE)), deadline=None)
@given(frontmatters())
@example("name: pdf-tools\ndescription: Reads PDFs. Use when a PDF is given.\nlicense: MIT\n")
@example("name: a\ndescription: x\nversion: 1.0\nmetadata:\n  skillshelf:\n    tags: [a, a]\n")
@example("name: a\ndescription: 2001-02-29\n")
@example("name: 12:30:00\ndescription: [2024-01-02T10:00:00Z]\nlicense: |\n\n")
@example('name: "a\\x1c"\ndescription: "http://x\\x1c"\n')
def test_the_fast_and_precise_paths_give_the_same_data_and_findings(source: str) -> None:
    fast, fast_issues = load_frontmatter(source, first_line=2)
    precise, precise_issues = load_frontmatter(source, first_line=2, fast=False)
    assert _findings(fast_issues) == _findings(precise_issues)
    assert (fast is None) == (precise is None)
    if fast is None or precise is None:
        return
    assert _same(fast.data, precise.data)
    for name in SCHEMAS:
        assert _findings(schemas.check(name, fast)) == _findings(
            schemas.check(name, precise, precise=True)
        )
        assert schemas.is_valid(name, fast.data) == schemas.is_valid(
            name, precise.data, precise=True
        )


def test_a_plain_frontmatter_takes_the_compiled_loader_and_validator() -> None:
    """The wheels are pinned dependencies: without this the property above could
    pass by routing everything to the precise path."""
    source = (
        "name: pdf-tools\ndescription: >-\n  Reads PDFs.\n  Use when a PDF is given.\n"
        "license: MIT\nmetadata:\n  skillshelf:\n    version: 1.0.0\n"
        '    tags: [PDF, Documents]\n    dependencies: ["pypdf>=4.1"]\n'
    )
    assert frontmatter._fast_load(source) == {
        "name": "pdf-tools",
        "description": "Reads PDFs. Use when a PDF is given.",
        "license": "MIT",
        "metadata": {
            "skillshelf": {
                "version": "1.0.0",
                "tags": ["PDF", "Documents"],
                "dependencies": ["pypdf>=4.1"],
            }
        },
    }
    assert schemas._compiled_says_valid("skill.schema.json", frontmatter._fast_load(source))


@pytest.mark.parametrize(
    "source",
    [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "? [a]\n: b\n",
        "<<: {a: 1}\n",
        "a: =\n",
        "=: a\n",
        "a: [b, =]\n",
        "a: |+\n  b\n\n",
        "a: >2\n   b\n",
        "a: |\n\n",
        "a: [b:c]\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: b\n--- c\n",
        "\ta: 1\n",
        "a: b\x85c\n",
        "a: 2001-02-29\n",
        "1: a\n",
        "a: " + "0" * 1000 + "1\n",
        "a:" + " [" * 40 + " ]" * 40 + "\n",
    ],
)
def test_what_the_loaders_may_read_differently_goes_to_ruamel(source: str) -> None:
    assert frontmatter._fast_load(source) is frontmatter._UNSURE


@pytest.mark.parametrize(
    "line",
    [
        "?" * 1_000_000,
        "<" * 1_000_000,
        "-" * 1_000_000,
        "|" * 1_000_000,
        ":" + " " * 1_000_000,
        " " * 1_000_000 + "?",
        "a:" * 500_000,
        "[" * 1_000_000 + ":x",
    ],
)
def test_the_routing_check_is_linear_on_a_one_megabyte_line(line: str) -> None:
    started = time.perf_counter()
    frontmatter._NEEDS_RUAMEL.search(line)
    # Linear: a few milliseconds; a backtracking pattern would take minutes.
    assert time.perf_counter() - started < 1.0


#: Frontmatters with a finding of each kind the two paths could disagree on.
TREE = {
    "alpha/DESCRIPTION.md": description_md("Alpha"),
    "alpha/one/SKILL.md": skill_md("one"),
    "alpha/two/SKILL.md": skill_md("Two_Bad", extra="version: 1.0\nfoo: bar\n"),
    "alpha/three/SKILL.md": skill_md("three", extra="a: &x 1\nb: *x\n"),
    "alpha/four/SKILL.md": skill_md("four", extra="when: 2001-02-29\n"),
    "alpha/five/SKILL.md": skill_md("five", extra="1: a\nmetadata: {skillshelf: {tags: [a, a]}}\n"),
    "alpha/six/SKILL.md": "---\nname: six\ndescription: [unclosed\n---\n",
    "alpha/seven/references/page.md": "---\ntemplate: x.html\n---\n# Page\n",
}

_LINT = """
import json, sys
{block}
from skillshelf import frontmatter, schemas
from skillshelf.cli import main
print(json.dumps([frontmatter._compiled_loader() is None,
                  schemas._compiled_validator("skill.schema.json") is None]))
sys.stdout.flush()
main(["lint", "--no-cache", "--exit-zero", "--format", "json", "--root", sys.argv[1]])
"""


def _lint_in_subprocess(root: Path, *, block: bool) -> tuple[list[bool], Any]:
    # TREE is far below readahead.MIN_FOLDERS: the lint runs in this one process,
    # so no spawned worker (which would import the wheels afresh) takes part.
    poison = "sys.modules['yaml_rs'] = None; sys.modules['jsonschema_rs'] = None" if block else ""
    out = subprocess.run(
        [sys.executable, "-c", _LINT.format(block=poison), str(root)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing, report = out.split("\n", 1)
    return json.loads(missing), json.loads(report)


def test_without_the_compiled_wheels_a_lint_finds_exactly_the_same(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "skills", TREE)
    missing, with_wheels = _lint_in_subprocess(root, block=False)
    assert missing == [False, False]
    missing, without = _lint_in_subprocess(root, block=True)
    assert missing == [True, True]
    assert without == with_wheels
    assert len(with_wheels["diagnostics"] if isinstance(with_wheels, dict) else with_wheels) > 5
