"""A corpus of hostile skills trees, each linted and published with a real ``mkdocs build``.

For every tree: the linter names the problem (rule ids at the right files),
and the site build either refuses with a clear message (non-zero exit, the
file named, no traceback) or renders it safely: no markup from frontmatter or
folder names in any page, ``skills.json`` or ``llms.txt``. A secret file
outside the tree is never opened (an audit hook watches every ``open``) and
never appears in any output.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.conftest import description_md, skill_md, write_tree

from skillshelf.analysis import Analyses
from skillshelf.cli import main
from skillshelf.config import load_config
from skillshelf.lint import FINDINGS_PER_RULE_PER_FILE, MESSAGE_LIMIT
from skillshelf.model import scan
from skillshelf.rules import all_rules
from skillshelf.rules.base import LintContext

SECRET = "SECRET-d41d8cd98f00-never-publish"
#: A build of any tree here takes seconds; a hang is a failure, not a stuck suite.
BUILD_TIMEOUT = 120
#: Every executable payload calls this; finding it in script or handler is a failure.
PWNED = "pwned"

MKDOCS_YML = """\
site_name: hostile
site_url: https://example.org/hostile/
repo_url: https://github.com/example/hostile
edit_uri: edit/main/docs/
theme:
  name: material
  features:
    - navigation.indexes
    - content.action.edit
plugins:
  - search
  - tags
  - skillshelf
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""

#: ``python -c AUDITED <log> <module> <args>`` runs ``python -m <module> <args>``
#: with an audit hook that writes every path it opened to <log>, so a test can
#: prove that nothing outside the tree was read.
AUDITED = """\
import os, runpy, sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        opened.append(os.fsdecode(os.path.realpath(args[0])))
log, module, *rest = sys.argv[1:]
sys.argv = [module, *rest]
sys.addaudithook(hook)
try:
    runpy.run_module(module, run_name="__main__", alter_sys=True)
finally:
    found = "\\n".join(opened)
    with open(log, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(found)
"""


@dataclass
class Project:
    """A temporary MkDocs project: mkdocs.yml, docs/, skills/ and a folder outside it all."""

    dir: Path
    outside: Path

    @property
    def root(self) -> Path:
        return self.dir / "skills"

    @property
    def site(self) -> Path:
        return self.dir / "site"


@dataclass
class Run:
    """A finished audited run: its exit status, stdout + stderr, and every file it opened."""

    returncode: int
    output: str
    opened: list[str] = field(default_factory=list)

    def opened_below(self, folder: Path) -> list[str]:
        real = os.path.realpath(folder)
        return [path for path in self.opened if path.startswith(real + os.sep)]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    directory = tmp_path / "project"
    outside = tmp_path / "outside"
    (directory / "docs").mkdir(parents=True)
    (directory / "skills").mkdir()
    (directory / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (directory / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    (directory / "docs/index.md").write_text("# Hostile\n\nA test site.\n", encoding="utf-8")
    (directory / "docs/tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    outside.mkdir()
    (outside / "secret.md").write_text(
        f"---\nname: secret\ndescription: {SECRET}\n---\n\n# {SECRET}\n", encoding="utf-8"
    )
    (outside / "secret.yml").write_text(f"moves:\n  {SECRET}: [\n", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder/SKILL.md").write_text(skill_md("folder", SECRET), encoding="utf-8")
    return Project(directory, outside)


def lint(project: Project) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "lint",
                "--format",
                "json",
                "--config",
                str(project.dir / "skillshelf.toml"),
                "--root",
                str(project.root),
            ]
        )
    text = out.getvalue() + err.getvalue()
    text.encode("utf-8")  # printable on any UTF-8 terminal: no lone surrogates from file names
    assert SECRET not in text
    assert "Traceback" not in text and "internal error" not in text, text
    return code, json.loads(out.getvalue())["diagnostics"], err.getvalue()


def run_audited(project: Project, module: str, *args: str) -> Run:
    opened_log = project.dir.parent / "opened.txt"
    command = [sys.executable, "-c", AUDITED, str(opened_log), module, *args]
    try:
        completed = subprocess.run(
            command,
            cwd=project.dir,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=BUILD_TIMEOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{module} did not finish in {BUILD_TIMEOUT} s: a bomb?", pytrace=False)
    opened = opened_log.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
    return Run(completed.returncode, completed.stdout + completed.stderr, opened)


def build(project: Project, *, strict: bool = False) -> Run:
    return run_audited(project, "mkdocs", "build", "-d", "site", *(["--strict"] if strict else []))


def rel_findings(project: Project, diagnostics: list[dict[str, object]]) -> set[tuple[str, str]]:
    """``(path relative to the tree, rule)`` for every diagnostic."""
    root = project.root.resolve()
    found = set()
    for diagnostic in diagnostics:
        reported = Path.cwd() / str(diagnostic["path"])
        # Resolve the folders, not the file: a finding may sit on a symlink out of the tree.
        path = reported.parent.resolve() / reported.name
        assert path == root or path.is_relative_to(root), diagnostic
        found.add((path.relative_to(root).as_posix(), str(diagnostic["rule"])))
    return found


#: Elements the theme never writes and a payload must never bring.
FOREIGN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href", "poster"})


_ABSOLUTE_REFRESH = re.compile(r"url=([a-z][\w+.-]*:|//)")


def _never_written(tag: str, name: str, plain: str) -> bool:
    """Whether neither the theme nor the plugin ever writes this attribute (``plain``:
    its value without blanks, lowercased)."""
    return (
        name.startswith("on")  # an event handler
        or name == "srcdoc"
        or plain.startswith(("javascript:", "vbscript:"))
        or (name in URL_ATTRIBUTES and plain.startswith("data:"))
        or (tag == "form" and name == "action")  # the theme's search form has none
        # redirect pages refresh to relative URLs only
        or (tag == "meta" and name == "content" and bool(_ABSOLUTE_REFRESH.search(plain)))
    )


class _MarkupScanner(HTMLParser):
    """Collects what a browser would run: script and style bodies, event handlers,
    srcdoc, javascript:/vbscript:/data: URLs, embedded pages and plugins, refreshes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        #: What neither the theme nor the plugin ever writes: any of it is a failure.
        self.forbidden: list[str] = []
        #: Script, style and attributes that fail when they carry a payload.
        self.executable: list[str] = []
        self.tags: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag in ("script", "style")
        if tag in FOREIGN_ELEMENTS:
            self.forbidden.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            shown = f"<{tag} {name}={value!r}>"
            if _never_written(tag, name, re.sub(r"[\x00-\x20]+", "", value).lower()):
                self.forbidden.append(shown)
            elif name == "style":
                self.executable.append(shown)
            if tag == "script" and name == "src":
                self.executable.append(f"<script src={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.executable.append(data)


def assert_site_is_safe(project: Project) -> None:
    """No payload became markup, and no secret reached any file of the site."""
    site = project.site
    assert (site / "index.html").is_file()
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        assert SECRET.encode() not in data, path
        if path.suffix == ".gz":
            continue
        text = data.decode("utf-8", "replace")
        if path.suffix == ".html":
            scanner = _MarkupScanner()
            scanner.feed(text)
            bad = [snippet for snippet in scanner.executable if PWNED in snippet]
            assert bad == [], (path, bad)
            assert scanner.forbidden == [], (path, scanner.forbidden)
            assert "pwned-tag" not in scanner.tags, path
    # no redirect (nor anything else from the tree) on the theme's or the plugin's paths
    for reserved in ("search/index.html", "assets/index.html", "_skillshelf/index.html"):
        assert not (site / reserved).exists(), reserved
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    # llms.txt is Markdown: a payload is harmless only with its '<' backslash-escaped.
    assert re.search(r"(?<!\\)<(script|img|svg|/title|pwned-tag)", llms) is None, llms
    skills_json = (site / "skills.json").read_text(encoding="utf-8")
    json.loads(skills_json)
    assert "<script" not in skills_json and "<img" not in skills_json, skills_json


def assert_clean_build(result: Run, project: Project) -> None:
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output, result.output
    assert SECRET not in result.output
    assert result.opened_below(project.outside) == []
    assert result.opened_below(project.root), "the audit hook saw nothing"
    assert_site_is_safe(project)


# --------------------------------------------------------------------------- the corpus

Expect = set[tuple[str, str]]
Populate = Callable[[Project], Expect]
CASES: dict[str, Populate] = {}
#: Cases the site build refuses, with what its message must say.
REFUSED: dict[str, list[str]] = {}
#: What a build that goes through must still say about a case.
BUILD_SAYS: dict[str, list[str]] = {}
#: Files of a case that must draw no finding at all.
CLEAN: dict[str, list[str]] = {}


def case(function: Populate) -> Populate:
    CASES[function.__name__] = function
    return function


def healthy(project: Project) -> None:
    """A category with two good skills, so that every hostile tree also has normal pages."""
    write_tree(
        project.root,
        {
            "good/DESCRIPTION.md": description_md("Good"),
            "good/one/SKILL.md": skill_md("one"),
            "good/two/SKILL.md": skill_md("two"),
        },
    )


def billion_laughs(indent: str = "") -> str:
    lines = [f"{indent}lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"{indent}lol{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


@case
def alias_bombs(project: Project) -> Expect:
    healthy(project)
    bomb = billion_laughs()
    write_tree(
        project.root,
        {
            "good/bomb/SKILL.md": f"---\nname: bomb\ndescription: x\n{bomb}---\n\n# Bomb\n",
            "bombs/DESCRIPTION.md": f"---\ntitle: Bombs\n{bomb}description: *l9\n---\n",
            "bombs/a/SKILL.md": skill_md(
                "a", extra=f"metadata:\n  skillshelf:\n{billion_laughs('    ')}"
            ),
            "bombs/b/SKILL.md": skill_md("b", "*l9"),
            # The site reads the moves file: a bomb (or an int too long to print)
            # there must not hang or crash the build.
            ".moves.yml": f"{bomb}moves:\n  old/a: *l9\n  old/b: 0x{'f' * 4000}\n",
        },
    )
    return {
        ("good/bomb/SKILL.md", "frontmatter-syntax"),
        ("bombs/DESCRIPTION.md", "frontmatter-syntax"),
        ("bombs/a/SKILL.md", "frontmatter-syntax"),
    }


BUILD_SAYS["alias_bombs"] = ["'old/a': <list> is not a pair", "'old/b': <int> is not a pair"]


@case
def deep_nesting(project: Project) -> Expect:
    healthy(project)
    deep = "/".join(f"level{i:03d}" for i in range(100))
    write_tree(
        project.root,
        {
            f"{deep}/x/SKILL.md": skill_md("x"),
            f"{deep}/y/SKILL.md": skill_md("y"),
        },
    )
    too_deep = "/".join(f"level{i:03d}" for i in range(4))
    return {
        (too_deep, "too-deep"),
        (deep, "missing-description"),
        ("level000", "missing-description"),
    }


@case
def huge_files(project: Project) -> Expect:
    healthy(project)
    fifty_mb = 50 * 1024 * 1024
    skill = project.root / "good/huge/SKILL.md"
    skill.parent.mkdir(parents=True)
    with skill.open("wb") as handle:
        handle.write(skill_md("huge").encode())
        handle.truncate(fifty_mb)  # sparse: instant, and a body of NUL bytes
    bundled = project.root / "good/one/scripts/weights.bin"
    bundled.parent.mkdir(parents=True)
    with bundled.open("wb") as handle:
        handle.truncate(fifty_mb)
    reference = project.root / "good/two/references/long.md"
    reference.parent.mkdir(parents=True)
    reference.write_text("# Long\n\n" + ("All work and no play. " * 50 + "\n") * 2000)
    return {
        ("good/huge/SKILL.md", "oversized-file"),
        ("good/huge/SKILL.md", "encoding"),  # over the read limit: never read
        ("good/one/scripts/weights.bin", "oversized-file"),
        ("good/two/references/long.md", "oversized-file"),
    }


@case
def non_utf8_names_and_contents(project: Project) -> Expect:
    healthy(project)
    # On Linux, os.fsdecode() of a bytes name is a str that makes that very name.
    cafe, naive, ref = (os.fsdecode(name) for name in (b"caf\xe9", b"na\xefve", b"r\xe9f.md"))
    latin1_description = "---\ntitle: Caf\xe9\ndescription: x\n---\n".encode("latin-1")
    write_tree(
        project.root,
        {
            f"{cafe}/DESCRIPTION.md": latin1_description,
            f"{cafe}/{naive}/SKILL.md": skill_md("naive"),
            f"{cafe}/{naive}/references/{ref}": b"# R\xe9f\n",
            f"{cafe}/ok/SKILL.md": skill_md("ok", "caf\xe9 au lait").encode("latin-1"),
        },
    )
    skill = project.root / cafe / naive
    assert os.fsencode(skill).endswith(b"/caf\xe9/na\xefve")
    # Reported paths are valid UTF-8: each undecodable byte shows as \xNN.
    return {
        (r"caf\xe9/DESCRIPTION.md", "encoding"),
        (r"caf\xe9/ok/SKILL.md", "encoding"),
        (r"caf\xe9/na\xefve/SKILL.md", "name-mismatch"),
        (r"caf\xe9/na\xefve/references/r\xe9f.md", "encoding"),
    }


# A URL cannot be made from such a name: the build stops and names the file.
REFUSED["non_utf8_names_and_contents"] = [r"skills/caf\xe9", "not valid UTF-8"]


@case
def symlinks(project: Project) -> Expect:
    healthy(project)
    root, outside = project.root, project.outside
    body = "# A\n\n[out](../../../outside/secret.md)\n"
    write_tree(
        root,
        {
            "links/DESCRIPTION.md": description_md("Links"),
            "links/a/SKILL.md": skill_md("a", body=body),
        },
    )
    for folder in ("links/a/references", "links/a/scripts", "links/b"):
        (root / folder).mkdir()
    links: dict[str, str | Path] = {
        "links/a/references/escape.md": outside / "secret.md",
        "links/a/scripts/leak.txt": outside / "secret.md",
        "links/a/loop": root / "links",  # a folder link back up
        "links/a/self-a": "self-b",
        "links/a/self-b": "self-a",  # a two-link loop
        "links/a/dangling.md": "missing.md",
        "links/b/SKILL.md": outside / "secret.md",  # a skill that is a leak
        "links/c": outside / "folder",  # a whole skill outside the tree
        "links/DESCRIPTION2.md": outside / "secret.md",
        ".moves.yml": outside / "secret.yml",
    }
    for link, target in links.items():
        (root / link).symlink_to(target)
    return {
        ("links/a/references/escape.md", "symlink"),
        ("links/a/scripts/leak.txt", "symlink"),
        ("links/a/loop", "symlink"),
        ("links/a/self-a", "symlink"),
        ("links/a/self-b", "symlink"),
        ("links/a/dangling.md", "symlink"),
        ("links/DESCRIPTION2.md", "symlink"),
        ("links/b/SKILL.md", "symlink"),
        ("links/c", "symlink"),
        ("links/a/SKILL.md", "broken-link"),
    }


BUILD_SAYS["symlinks"] = [".moves.yml: symlink points outside the skills tree; not read"]


@case
def spaces_and_unicode_names(project: Project) -> Expect:
    healthy(project)
    write_tree(
        project.root,
        {
            "my category/DESCRIPTION.md": description_md("My category"),
            "my category/my skill/SKILL.md": skill_md("my-skill"),
            "my category/my skill/references/a ref #1?.md": "# Ref\n\n[back](../SKILL.md)\n",
            "my category/naïve/SKILL.md": skill_md("naïve"),
            "my category/日本語/SKILL.md": skill_md(
                "日本語", body="# 日本語 😀\n\n[me](../日本語/SKILL.md)\n"
            ),
            "my category/\u202eevil 😀/SKILL.md": skill_md("evil"),
        },
    )
    return {
        ("my category/my skill/SKILL.md", "name-mismatch"),
        ("my category/naïve/SKILL.md", "frontmatter-schema"),
        ("my category/日本語/SKILL.md", "frontmatter-schema"),
        ("my category/\u202eevil 😀/SKILL.md", "name-mismatch"),
    }


# The build's log shows a bidirectional control in a name escaped, as the linter does.
BUILD_SAYS["spaces_and_unicode_names"] = [
    "skills/my category/\\u202eevil 😀/SKILL.md:2:7: name-mismatch"
]


@case
def dashes_inside_values(project: Project) -> Expect:
    healthy(project)
    write_tree(
        project.root,
        {
            "good/block/SKILL.md": (
                "---\nname: block\ndescription: |\n  Starts here.\n  ---\n  Still the description."
                "\nlicense: '---'\n---\n\n# Block\n\n---\n\nA rule above.\n"
            ),
            "good/quoted/SKILL.md": (
                '---\nname: quoted\ndescription: "opens a quote\n---\nand the block ends first"'
                "\n---\n\n# Quoted\n"
            ),
            "good/open/SKILL.md": "---\nname: open\ndescription: never closed\n\n# Open\n",
        },
    )
    return {
        ("good/quoted/SKILL.md", "frontmatter-syntax"),
        ("good/open/SKILL.md", "frontmatter-syntax"),
    }


# An indented '---' in a block scalar, a quoted '---' and a '---' rule in the body are fine.
CLEAN["dashes_inside_values"] = ["good/block/SKILL.md"]


@case
def yaml_oddities(project: Project) -> Expect:
    """YAML that loads but is not what a frontmatter can hold, or does not load at all."""
    healthy(project)
    write_tree(
        project.root,
        {
            "good/int-key/SKILL.md": skill_md("int-key", extra="1: a\nfoo: b\n"),
            "good/list-key/SKILL.md": skill_md("list-key", extra="? [a]\n: 1\n"),
            "good/merged/SKILL.md": skill_md("merged", extra="<<: {x: 1}\n"),
            "good/alias-merge/SKILL.md": skill_md("alias-merge", extra="a: &a {x: 1}\n<<: *a\n"),
            "good/scalar-alias/SKILL.md": "---\nname: &n scalar-alias\ndescription: *n\n---\n",
            "good/omap/SKILL.md": skill_md("omap", extra="x: !!omap\n- a: 1\n- a: 2\n"),
            "good/dated/SKILL.md": skill_md("dated", extra="compatibility: 2024-01-02\n"),
        },
    )
    return {
        ("good/int-key/SKILL.md", "frontmatter-schema"),
        ("good/list-key/SKILL.md", "frontmatter-schema"),
        ("good/merged/SKILL.md", "frontmatter-schema"),
        ("good/alias-merge/SKILL.md", "frontmatter-syntax"),
        ("good/scalar-alias/SKILL.md", "frontmatter-syntax"),
        ("good/omap/SKILL.md", "frontmatter-syntax"),
        ("good/dated/SKILL.md", "frontmatter-schema"),
    }


@case
def wrong_kinds_of_file(project: Project) -> Expect:
    """Entries a checkout can hold that are not regular files: each is reported,
    and none is ever opened (a FIFO would hang the reader)."""
    healthy(project)
    root = project.root
    write_tree(
        root,
        {
            "odd/DESCRIPTION.md": description_md("Odd"),
            "odd/fifo-skill/references/.keep": "",
            "odd/folder-skill/SKILL.md/notes.txt": "inside a folder named SKILL.md\n",
            "odd/device-skill/scripts/.keep": "",
            "odd/fine/SKILL.md": skill_md("fine"),
            "odd/fine/scripts/.keep": "",
            "odd/fine/references/.keep": "",
            "odd/fine/references/folder.md/inside.md": "# Inside a folder named like a page\n",
            "pipes/DESCRIPTION.md/.keep": "",
            "pipes/x/SKILL.md": skill_md("x"),
            "pipes/y/SKILL.md": skill_md("y"),
        },
    )
    os.mkfifo(root / "odd/fifo-skill/SKILL.md")
    os.mknod(root / "odd/device-skill/SKILL.md", stat.S_IFCHR | 0o644, os.makedev(1, 3))
    os.mkfifo(root / "odd/fine/references/pipe.md")
    os.mkfifo(root / "odd/fine/scripts/pipe.sh")
    os.mkfifo(root / "odd/DESCRIPTION2.md")
    return {
        ("odd/fifo-skill/SKILL.md", "unreadable"),
        ("odd/device-skill/SKILL.md", "unreadable"),
        ("odd/folder-skill/SKILL.md", "unreadable"),
        ("odd/fine/references/pipe.md", "unreadable"),
        ("odd/fine/scripts/pipe.sh", "unreadable"),
        ("odd/DESCRIPTION2.md", "unreadable"),
        ("pipes/DESCRIPTION.md", "unreadable"),
        ("odd/fine/references/folder.md", "unreadable"),
    }


CLEAN["wrong_kinds_of_file"] = ["odd/fine/SKILL.md"]
#: Paths of a case the linter and the build must never open.
NEVER_OPENED: dict[str, list[str]] = {
    "wrong_kinds_of_file": [
        "odd/fifo-skill/SKILL.md",
        "odd/device-skill/SKILL.md",
        "odd/fine/references/pipe.md",
        "odd/fine/scripts/pipe.sh",
        "odd/DESCRIPTION2.md",
    ]
}


#: 30,000 list items of the wrong type: one finding each before the cap.
FLOOD_ITEMS = 30_000


@case
def floods(project: Project) -> Expect:
    """Files whose findings or quoted values would flood the output."""
    healthy(project)
    tags = ",".join(["1"] * FLOOD_ITEMS)
    long_value = "a" * 300_000
    snippet = f"```python\nfrom trl import DPOConfig\nDPOConfig(loss_type='{long_value}')\n```\n"
    write_tree(
        project.root,
        {
            "good/tags/SKILL.md": skill_md(
                "tags", extra=f"metadata:\n  skillshelf:\n    tags: [{tags}]\n"
            ),
            "good/long/SKILL.md": skill_md("long", "d" * 1068, body=f"# Long\n\n{snippet}"),
            "good/long/references/link.md": f"# Link\n\n[x]({'b' * 300_000}.md)\n",
            "good/big/SKILL.md": skill_md("big", body="# Big\n\n" + "x" * 1_077_118 + "\n"),
        },
    )
    return {
        ("good/tags/SKILL.md", "frontmatter-schema"),
        ("good/long/SKILL.md", "frontmatter-schema"),
        ("good/long/SKILL.md", "config-invalid-value"),
        ("good/long/references/link.md", "broken-link"),
        ("good/big/SKILL.md", "oversized-file"),
    }


#: Markup that would run if it reached a page unescaped; every variant calls pwned().
PAYLOADS = [
    f"<script>{PWNED}()</script>",
    f"</title></code></td></a><script>{PWNED}()</script>",
    f'"><img src=x onerror="{PWNED}()">',
    f"<svg onload={PWNED}()>",
    "<pwned-tag>",
    f"<a href='javascript:{PWNED}()'>x</a>",
    f'[x](javascript:{PWNED}()) {{: onclick="{PWNED}()" }}',
    f"&lt;script&gt;{PWNED}()&lt;/script&gt;",
    f"--- {{{{ {PWNED} }}}} {{% {PWNED} %}}",
]
#: Folder names cannot hold '/', so no closing tags there. The theme prints the edit
#: link unescaped: a quote in a folder name must not end its href.
FOLDER_PAYLOADS = [
    f"<script>{PWNED}()",
    f"<img src=x onerror={PWNED}()>",
    "<pwned-tag x=1>",
    f'x" onmouseover="{PWNED}()" y="',
]


def yaml_string(text: str) -> str:
    return json.dumps(text)  # JSON strings are YAML strings


@case
def html_in_every_field(project: Project) -> Expect:
    healthy(project)
    files: dict[str, str] = {}
    expected: Expect = set()
    for index, payload in enumerate(PAYLOADS):
        folder = f"p{index}"
        value = yaml_string(payload)
        files[f"good/{folder}/SKILL.md"] = textwrap.dedent(
            f"""\
            ---
            name: {value}
            description: {yaml_string(payload + " Use when testing.")}
            license: {value}
            compatibility: {value}
            metadata:
              skillshelf:
                version: {value}
                author: {value}
                tags: [{value}, plain]
                related-skills: [{value}, one]
                dependencies: [{value}]
                platforms: [{value}]
                targets: {{trl: {value}}}
            ---

            Body without a heading.
            """
        )
        # A reference's own frontmatter title is what MkDocs calls the page.
        files[f"good/{folder}/references/titled.md"] = f"---\ntitle: {value}\n---\n\nText.\n"
        expected.add((f"good/{folder}/SKILL.md", "name-mismatch"))
        expected.add((f"good/{folder}/SKILL.md", "frontmatter-schema"))  # name pattern
    for index, payload in enumerate(FOLDER_PAYLOADS):
        category = f"{payload} cat"
        files[f"{category}/DESCRIPTION.md"] = (
            f"---\ntitle: {yaml_string(PAYLOADS[index])}\n"
            f"description: {yaml_string(PAYLOADS[-index - 1])}\n---\n\nText.\n"
        )
        files[f"{category}/{payload}/SKILL.md"] = skill_md("s" + str(index))
        files[f"{category}/{payload}/references/{payload}.md"] = "# Reference\n"
        # No heading: MkDocs makes the page title from the file name.
        files[f"{category}/{payload}/references/{payload} plain.md"] = "No heading.\n"
        files[f"{category}/{payload}/scripts/{payload}.py"] = "print('hi')\n"
        files[f"{category}/second{index}/SKILL.md"] = skill_md(f"second{index}")
        expected.add((f"{category}/{payload}/SKILL.md", "name-mismatch"))
    write_tree(project.root, files)
    return expected


#: Raw HTML and links in a page's Markdown that would run if published as written;
#: every one calls pwned(). The linter reports each (unsafe-html), the site strips it.
BODY_PAYLOADS = [
    f"<script>{PWNED}()</script>",
    f'<img src="x.png" onerror="{PWNED}()">',
    f"<svg onload={PWNED}()><circle r=1 /></svg>",
    f'<iframe srcdoc="&lt;script&gt;{PWNED}()&lt;/script&gt;"></iframe>',
    f"[click](javascript:{PWNED}())",
    f"![image](javascript:{PWNED}())",
    f'<a href="jav&#x09;ascript:{PWNED}()">entity</a>',
    f'<a href="data:text/html,&lt;script&gt;{PWNED}()&lt;/script&gt;">data</a>',
    f'<form action="https://example.org/{PWNED}"><input name="q"></form>',
    f'<meta http-equiv="refresh" content="0; url=https://example.org/{PWNED}">',
    f'<base href="https://example.org/{PWNED}/">',
    f'<object data="{PWNED}.swf"></object> <embed src="{PWNED}.swf">',
    f'<p style="background: url(javascript:{PWNED}())">styled</p>',
    f"<details open ontoggle={PWNED}()><summary>s</summary>d</details>",
    f'<math><mtext><table><mglyph><style><img src=x onerror="{PWNED}()">',
    f'Paragraph.\n{{: onclick="{PWNED}()" }}',
    f"[ref][r]\n\n[r]: javascript:{PWNED}()",
]


@case
def raw_html_in_bodies(project: Project) -> Expect:
    healthy(project)
    body = "# Raw\n\n" + "\n\n".join(BODY_PAYLOADS) + "\n"
    write_tree(
        project.root,
        {
            "good/raw/SKILL.md": skill_md("raw", body=body),
            "good/raw/references/guide.md": body,
            "good/raw/notes.md": body,
            "good/DESCRIPTION.md": description_md("Good") + "\n" + body,
        },
    )
    return {
        (path, "unsafe-html")
        for path in (
            "good/raw/SKILL.md",
            "good/raw/references/guide.md",
            "good/raw/notes.md",
            "good/DESCRIPTION.md",
        )
    }


@case
def site_paths_taken(project: Project) -> Expect:
    healthy(project)
    write_tree(
        project.root,
        {
            # once replaced the plugin's own script on every page
            "assets/skillshelf/SKILL.md": skill_md("skillshelf"),
            "assets/skillshelf/catalog.js": f"{PWNED}()\n",
            "good/one/index.md": f"# Hijack\n\n<script>{PWNED}()</script>\n",
        },
    )
    return {
        ("assets", "reserved-path"),
        ("good/one/index.md", "shadowed-page"),
        ("good/one/index.md", "unsafe-html"),
    }


REFUSED["site_paths_taken"] = [
    "skills/assets/skillshelf/catalog.js",
    "where the site keeps the theme's scripts, styles and images",
]


@case
def moves_claiming_site_paths(project: Project) -> Expect:
    healthy(project)
    moves = "moves:\n  search: good/one\n  _skillshelf: good/one\n  good/one/references: good/two\n"
    write_tree(project.root, {".moves.yml": moves, "good/index.md": "# Not the category\n"})
    return {("good/index.md", "shadowed-page")}


BUILD_SAYS["moves_claiming_site_paths"] = [
    "skills/.moves.yml:2: the move 'search': 'good/one' is not redirected",
    "skills/.moves.yml:3: the move '_skillshelf'",
    "skills/.moves.yml:4: the move 'good/one/references'",
    "skills/good/index.md: not published",
]


# --------------------------------------------------------------------------- the tests


@dataclass
class Hostile:
    name: str
    project: Project
    expected: Expect


@pytest.fixture(params=sorted(CASES))
def hostile(request: pytest.FixtureRequest, project: Project) -> Hostile:
    return Hostile(request.param, project, CASES[request.param](project))


def snapshot(root: Path) -> dict[Path, tuple[str, int] | None]:
    """Every entry below ``root``: folders as None, symlinks by target, files by a
    digest of their bytes and their mtime."""
    found: dict[Path, tuple[str, int] | None] = {}
    for directory, folders, files in os.walk(root):
        for name in folders:
            found[Path(directory, name)] = None
        for name in files:
            path = Path(directory, name)
            mode = path.lstat().st_mode
            if path.is_symlink():
                found[path] = (str(path.readlink()), 0)
            elif not stat.S_ISREG(mode):  # a FIFO or a device: reading it would hang the test
                found[path] = (f"special {stat.S_IFMT(mode):o}", path.lstat().st_mtime_ns)
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[path] = (digest, path.stat().st_mtime_ns)
    return found


def test_linter_names_each_problem(hostile: Hostile) -> None:
    project = hostile.project
    before = snapshot(project.root)
    code, diagnostics, _ = lint(project)
    assert code == 1
    found = rel_findings(project, diagnostics)
    assert hostile.expected <= found, sorted(hostile.expected - found)
    for clean in CLEAN.get(hostile.name, []):
        assert [rule for path, rule in found if path == clean] == [], clean
    for diagnostic in diagnostics:
        assert int(str(diagnostic["line"])) >= 1 and int(str(diagnostic["column"])) >= 1
        # Messages are words: no Python reprs of dates, no bare exception names.
        message = str(diagnostic["message"])
        assert "datetime." not in message and "AssertionError" not in message, diagnostic
        assert len(message) <= MESSAGE_LIMIT + 30, (len(message), message[:200])
    per_rule_and_file = Counter((str(d["path"]), str(d["rule"])) for d in diagnostics)
    assert max(per_rule_and_file.values()) <= FINDINGS_PER_RULE_PER_FILE + 1, per_rule_and_file
    assert snapshot(project.root) == before


def test_every_issue_recorded_in_a_hostile_tree_has_its_rule(hostile: Hostile) -> None:
    """An issue recorded under an id no rule registers would never be reported."""
    config = load_config(hostile.project.dir, root=hostile.project.root)
    recorded = LintContext(scan(config.root), config, Analyses(config.style)).recorded
    assert set(recorded) <= {rule.id for rule in all_rules()}


def test_floods_are_capped_and_long_values_measured(project: Project) -> None:
    floods(project)
    _, diagnostics, _ = lint(project)
    messages: dict[str, list[str]] = {}
    for diagnostic in diagnostics:
        rel = Path(os.path.abspath(str(diagnostic["path"]))).relative_to(project.root).as_posix()
        messages.setdefault(rel, []).append(str(diagnostic["message"]))
    tags = messages["good/tags/SKILL.md"]
    # The list repeats 1 (one finding) and holds 30,000 numbers (one each): capped.
    assert len(tags) == FINDINGS_PER_RULE_PER_FILE + 1
    hidden = FLOOD_ITEMS + 1 - FINDINGS_PER_RULE_PER_FILE
    assert tags[-1] == f"... and {hidden:,} more frontmatter-schema findings in this file"
    long = messages["good/long/SKILL.md"]
    assert "description is 1,068 characters (limit 1,024)" in long
    shown = "'" + "a" * 60 + "…' (300,000 characters)"
    assert any(m.startswith(f"loss_type {shown}: not a DPOConfig loss type") for m in long), long
    (link,) = messages["good/long/references/link.md"]
    assert link == "link target '" + "b" * 60 + "…' (300,003 characters) does not exist"
    (big,) = messages["good/big/SKILL.md"]
    size = (project.root / "good/big/SKILL.md").stat().st_size
    assert big == f"file is {size:,} bytes, over the limit of 1,048,576: split or trim it"
    assert size == 1_077_225


def test_lint_opens_nothing_outside_the_tree(hostile: Hostile) -> None:
    project = hostile.project
    config = str(project.dir / "skillshelf.toml")
    result = run_audited(project, "skillshelf", "lint", "--config", config, "--root", "skills")
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output and SECRET not in result.output, result.output
    assert result.opened_below(project.outside) == []
    assert result.opened_below(project.root), "the audit hook saw nothing"
    assert_never_opened(hostile, result)


def assert_never_opened(hostile: Hostile, result: Run) -> None:
    for rel in NEVER_OPENED.get(hostile.name, []):
        path = os.path.realpath(hostile.project.root / rel)
        assert path not in result.opened, f"{rel} was opened"


@pytest.mark.slow
def test_site_renders_safely_or_refuses_clearly(hostile: Hostile) -> None:
    project = hostile.project
    before = snapshot(project.root)
    result = build(project)
    assert snapshot(project.root) == before
    refused = REFUSED.get(hostile.name)
    assert_never_opened(hostile, result)
    if refused is None:
        assert_clean_build(result, project)
        for words in BUILD_SAYS.get(hostile.name, []):
            assert words in result.output, (words, result.output)
        return
    assert result.returncode != 0, result.output
    assert "Traceback" not in result.output, result.output
    assert SECRET not in result.output
    assert result.opened_below(project.outside) == []
    for words in refused:
        assert words in result.output, (words, result.output)


@pytest.mark.slow
def test_strict_build_refuses_with_the_file_named(project: Project) -> None:
    html_in_every_field(project)
    result = build(project, strict=True)
    assert result.returncode != 0
    assert "Traceback" not in result.output, result.output
    assert "skills/good/p0/SKILL.md" in result.output
    assert "name-mismatch" in result.output
    assert re.search(r"Aborted with \d+ warnings in strict mode", result.output), result.output


def permissions_apply() -> list[str]:
    """A command prefix under which file permissions bind the command, even for root.

    As root, the command runs under ``setpriv`` without the two capabilities
    that let root read anything (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``):
    the kernel then refuses it a file of mode 000 as it would refuse any user.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is missing: permissions cannot be made to bind")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    with tempfile.NamedTemporaryFile() as probe:
        os.chmod(probe.name, 0)
        denied = subprocess.run([*prefix, "cat", probe.name], capture_output=True, check=False)
    if denied.returncode == 0:
        pytest.skip("setpriv could not drop root's permission to read anything here")
    return prefix


def test_unreadable_files_and_folders_are_reported_with_the_reason_and_left_out(
    project: Project,
) -> None:
    healthy(project)
    root = project.root
    write_tree(
        root,
        {
            "locked/DESCRIPTION.md": description_md("Locked"),
            "locked/a/SKILL.md": skill_md("a"),
            "locked/b/SKILL.md": skill_md("b"),
            "good/one/references/private.md": "# Private\n",
            "good/two/scripts/run.py": "print('hi')\n",
        },
    )
    locked = [root / "locked/b", root / "good/one/references/private.md"]
    locked.append(root / "good/two/scripts/run.py")
    for path in locked:
        path.chmod(0)
    prefix = permissions_apply()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", *command],
            cwd=project.dir,
            capture_output=True,
            text=True,
            env=env,
            timeout=BUILD_TIMEOUT,
            check=False,
        )

    linted = run("skillshelf", "lint", "--no-cache", "--format", "json")
    assert linted.returncode == 1, linted.stderr
    found = {
        (str(d["path"]), str(d["rule"]), str(d["message"]))
        for d in json.loads(linted.stdout)["diagnostics"]
    }
    reason = os.strerror(errno.EACCES)
    assert found == {
        (
            "skills/locked/b",
            "unreadable",
            f"cannot read folder: {reason}; nothing in it is checked or published",
        ),
        ("skills/good/one/references/private.md", "unreadable", f"cannot read file: {reason}"),
        (
            "skills/good/two/scripts/run.py",
            "unreadable",
            f"cannot read file: {reason}; the site leaves it out",
        ),
    }
    built = run("mkdocs", "build", "-d", "site")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr, built.stderr
    assert "skills/locked/b:1:1: unreadable cannot read folder" in built.stderr
    assert (project.site / "good/one/index.html").is_file()
    assert not (project.site / "good/two/scripts/run.py").exists()


#: ``python -c RACING <trigger> <actions.json> <module> <args>`` runs
#: ``python -m <module> <args>`` and, the first time the process opens <trigger>,
#: first changes the tree as <actions.json> says: ``["remove", path]``,
#: ``["fifo", path]`` (replace a file with a FIFO) or ``["folder", path]``. The
#: scan lists a folder before it reads the files in it, so a file changed when
#: its sibling is opened is one that was listed but not yet read: deterministic.
RACING = """\
import json, os, runpy, sys
trigger, actions, module, *rest = sys.argv[1:]
actions = json.loads(actions)
def hook(event, args):
    if actions and event == "open" and isinstance(args[0], str) and args[0] == trigger:
        todo = list(actions)
        actions.clear()
        for kind, path in todo:
            os.remove(path)
            if kind == "fifo":
                os.mkfifo(path)
            elif kind == "folder":
                os.mkdir(path)
sys.argv = [module, *rest]
sys.addaudithook(hook)
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("command", ["lint", "lint-cached", "build"])
def test_files_removed_or_replaced_during_a_run(project: Project, command: str) -> None:
    healthy(project)
    root = project.root
    skill = root / "good/racy"
    write_tree(
        root,
        {
            "good/racy/SKILL.md": skill_md("racy"),
            "good/racy/notes.md": "# Notes\n",
            "good/racy/turns-into-a-pipe.md": "# Pipe\n",
            "good/racy/turns-into-a-folder.md": "# Folder\n",
            "good/racy/zz-script.py": "print('gone')\n",
        },
    )
    # SKILL.md is read right after its folder is listed, before its siblings.
    actions = [
        ["remove", str(skill / "notes.md")],
        ["remove", str(skill / "zz-script.py")],
        ["fifo", str(skill / "turns-into-a-pipe.md")],
        ["folder", str(skill / "turns-into-a-folder.md")],
    ]
    if command == "build":
        module, args = "mkdocs", ["build", "-d", "site"]
    else:
        module = "skillshelf"
        cache = [] if command == "lint-cached" else ["--no-cache"]
        args = ["lint", "--format", "json", *cache]
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "NO_COLOR": "1",
        "SKILLSHELF_CACHE_DIR": str(project.dir.parent / "cache"),
    }
    racing = [sys.executable, "-c", RACING, str(skill / "SKILL.md"), json.dumps(actions)]
    try:
        result = subprocess.run(
            [*racing, module, *args],
            cwd=project.dir,
            capture_output=True,
            text=True,
            env=env,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the run hung on a file replaced by a FIFO", pytrace=False)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert not (skill / "notes.md").exists(), "the hook did not run"
    if command == "build":
        assert result.returncode == 0, result.stderr
        assert (project.site / "good/racy/index.html").is_file()
        return
    assert result.returncode == 1, result.stderr
    found = {
        (str(d["path"]), str(d["rule"]), str(d["message"]))
        for d in json.loads(result.stdout)["diagnostics"]
    }
    replaced = "not a regular file: it is never opened; replace it with a file"
    assert found == {
        ("skills/good/racy/turns-into-a-pipe.md", "unreadable", f"a FIFO (named pipe), {replaced}"),
        ("skills/good/racy/turns-into-a-folder.md", "unreadable", f"a folder, {replaced}"),
    }


#: Page metadata that stops `mkdocs build` (mkdocs-material 9.8.1), as YAML
#: frontmatter or as MultiMarkdown lines: the linter must refuse each first.
BUILD_BREAKING_PAGE_META = [
    "---\ntags: 5\n---\n",
    "---\ntags: plain words\n---\n",
    "---\ntags: [[nested]]\n---\n",
    "---\ntags: [{a: 1}]\n---\n",
    "---\ntags: [null]\n---\n",
    "---\nhide: 5\n---\n",
    "---\nsearch: 5\n---\n",
    "---\nsearch: [exclude]\n---\n",
    "---\ntemplate: no-such-template.html\n---\n",
    "---\ntemplate: 5\n---\n",
    "---\nicon: no/such-icon\n---\n",
    "Tags: 5\n",
    "search: exclude\n",
    "template: main\n",
]


@pytest.mark.slow
@pytest.mark.parametrize("meta", BUILD_BREAKING_PAGE_META)
def test_page_metadata_that_breaks_the_build_is_refused_by_the_linter(
    project: Project, meta: str
) -> None:
    healthy(project)
    page = project.root / "good/one/references/page.md"
    page.parent.mkdir(parents=True)
    page.write_text(f"{meta}\n# Page\n\nText.\n", encoding="utf-8")
    code, diagnostics, _ = lint(project)
    assert code == 1
    found = rel_findings(project, diagnostics)
    rule = "frontmatter-schema" if meta.startswith("---") else "multimarkdown-metadata"
    assert found == {("good/one/references/page.md", rule)}, found
    # The oracle: the same page really does stop the build.
    result = build(project)
    assert result.returncode != 0, result.output


@pytest.mark.slow
def test_page_metadata_of_the_right_types_lints_clean_and_builds(project: Project) -> None:
    healthy(project)
    page = project.root / "good/one/references/page.md"
    page.parent.mkdir(parents=True)
    meta = (
        "---\ntitle: A page\ndescription: What it says.\nsubtitle: More\ntags: [a, 1, true]\n"
        "hide: [toc, feedback]\nsearch: {exclude: false, boost: 2}\nstatus: new\n"
        "anything-else: {is: [allowed]}\n---\n"
    )
    page.write_text(f"{meta}\n# Page\n\nNote: this line stays on the page.\n", encoding="utf-8")
    code, diagnostics, _ = lint(project)
    assert (code, diagnostics) == (0, [])
    assert_clean_build(build(project), project)
