"""The plugin's HTML sanitizer: what it strips, what it keeps, and its option.

"Renders the same" is judged as a browser would: both pages are parsed into the
sequence of elements, attributes and text they hold (entities decoded; the
``<tbody>`` a parser adds to a bare table, and the spelling of a ``style``
declaration, are the same document either way) and compared whole.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import description_md, skill_md, write_tree
from tests.site.conftest import REPO

from skillshelf.site.sanitize import Sanitizer

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)

Token = tuple[str, ...] | tuple[str, str, tuple[tuple[str, str], ...]]


class _Document(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Any] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            return
        values = []
        for name, value in attrs:
            value = value or ""
            if name == "style":
                value = re.sub(r"\s+", "", value).rstrip(";")
            if value == name:  # checked="checked" is checked
                value = ""
            values.append((name, value))
        self.tokens.append(("start", tag, tuple(sorted(values))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag != "tbody":
            self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("text", data))


def document(html: str) -> list[Any]:
    parser = _Document()
    parser.feed(html)
    parser.close()
    return parser.tokens


def articles(site: Path) -> dict[str, str]:
    """The main content of every page of a built site, by path."""
    found = {}
    for path in sorted(site.rglob("*.html")):
        match = ARTICLE.search(path.read_text(encoding="utf-8"))
        if match:
            found[path.relative_to(site).as_posix()] = match.group(1)
    return found


def build(config_file: Path, site: Path, *, sanitize: bool) -> Any:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(site))
    plugin = config.plugins["skillshelf"]
    plugin.config["sanitize"] = sanitize
    mkdocs_build(config)
    return plugin


def same_documents(plain: dict[str, str], clean: dict[str, str]) -> list[str]:
    assert plain.keys() == clean.keys()
    return [page for page in plain if document(plain[page]) != document(clean[page])]


@pytest.mark.slow
def test_the_shipped_library_renders_the_same_sanitized(tmp_path: Path) -> None:
    plugin = build(REPO / "mkdocs.yml", tmp_path / "plain", sanitize=False)
    pages = len(plugin.page_uris)
    build(REPO / "mkdocs.yml", tmp_path / "clean", sanitize=True)
    plain, clean = articles(tmp_path / "plain"), articles(tmp_path / "clean")
    assert len(plain) >= pages >= 80  # every skill, reference, category page and the catalog
    assert same_documents(plain, clean) == []
    # ...and the sanitizer did run: nh3 writes its own entities
    catalog = "catalog/index.html"
    assert plain[catalog] != clean[catalog]
    assert "&para;" in plain[catalog] and "&para;" not in clean[catalog]


FEATURES_YML = """\
site_name: features
theme:
  name: material
  features: [navigation.indexes, content.code.copy, content.code.annotate]
plugins: [search, tags, skillshelf]
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.caret
  - pymdownx.critic
  - pymdownx.details
  - pymdownx.highlight:
      anchor_linenums: true
  - pymdownx.inlinehilite
  - pymdownx.keys
  - pymdownx.mark
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.tasklist:
      custom_checkbox: true
  - pymdownx.tilde
"""

FEATURES_BODY = """\
# Every feature

| Left | Center | Right |
|:-----|:------:|------:|
| a    | b      | c     |

```python title="train.py" linenums="1" hl_lines="2"
import os
print(os.getcwd())  # (1)
```

1. An annotation.

```python
plain = 1
```

```python linenums="3"
third = 3
```

Inline `#!python range(3)` and `code`.

!!! note "A note"
    Admonition text with **bold**.

??? tip "Closed"
    Hidden text.

???+ warning
    Open details.

=== "Tab A"
    Content A
=== "Tab B"
    Content B

$$
E = mc^2
$$

Inline math $a^2 + b^2$.

A footnote.[^1]

[^1]: The note.

- [x] done
- [ ] to do

![A diagram](assets/diagram.png "The title"){ width="120" loading=lazy }

Term
:   Definition

*[HTML]: Hyper Text Markup Language

HTML word, ==marked==, ^^inserted^^, ~~deleted~~, H~2~O, ++ctrl+alt+del++.

<details><summary>Raw details</summary>Raw body</details>

> A quote, [a link](https://example.org "Example"), [mail](mailto:a@example.org) and
> [the other skill](../two/SKILL.md#usage).

1. one
2. two

<kbd>k</kbd> <abbr title="abbreviation">abbr</abbr> <sub>s</sub> <sup>t</sup>

---

<div markdown>
**Markdown in HTML**
</div>

{++added++} {--deleted--}
"""


def features_project(root: Path) -> Path:
    write_tree(
        root,
        {
            "mkdocs.yml": FEATURES_YML,
            "skillshelf.toml": 'root = "skills"\n',
            "docs/index.md": "# Home\n",
            "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
            "skills/cat/DESCRIPTION.md": description_md("Cat"),
            "skills/cat/one/SKILL.md": skill_md(
                "one",
                extra="metadata:\n  skillshelf:\n    tags: [A, B]\n    related-skills: [two]\n",
                body=FEATURES_BODY,
            ),
            "skills/cat/one/assets/diagram.png": b"\x89PNG\r\n",
            "skills/cat/one/scripts/run.py": "print('run')\n",
            "skills/cat/one/references/guide.md": FEATURES_BODY.replace("../two/", "../../two/"),
            "skills/cat/two/SKILL.md": skill_md("two", body="# Two\n\n## Usage\n\nText.\n"),
        },
    )
    return root


def test_every_markdown_feature_survives_sanitizing(tmp_path: Path) -> None:
    project = features_project(tmp_path / "features")
    build(project / "mkdocs.yml", tmp_path / "plain", sanitize=False)
    build(project / "mkdocs.yml", tmp_path / "clean", sanitize=True)
    plain, clean = articles(tmp_path / "plain"), articles(tmp_path / "clean")
    assert same_documents(plain, clean) == []
    page = clean["cat/one/index.html"]
    for kept in (
        'class="admonition note"',
        '<details class="tip">',
        '<details class="warning" open="open">',
        'class="tabbed-set tabbed-alternate" data-tabs="1:2"',
        '<input checked="checked" id="__tabbed_1_1" name="__tabbed_1" type="radio">',
        '<label for="__tabbed_1_1">',
        '<div class="arithmatex">',
        '<span class="arithmatex">',
        '<a id="__codelineno-0-1" name="__codelineno-0-1"></a>',
        '<span class="hll">',
        '<td class="linenos">',
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">',
        '<input type="checkbox" disabled="" checked="">',
        '<img alt="A diagram" loading="lazy" src="assets/diagram.png" title="The title"',
        'style="text-align:center"',
        '<a class="headerlink" href="#every-feature"',
        '<a class="skillshelf-tag" href="../../catalog/?tag=A">',
        '<a href="./scripts/run.py" download="">',
        # the "Use this skill" panel and a bundled file's highlighted view
        '<div class="skillshelf-use" data-search-exclude="">',
        '<details class="skillshelf-view" data-search-exclude=""><summary>View '
        '<span class="skillshelf-sr">scripts/run.py</span></summary>',
        '<div class="highlight"><pre><code><span class="nb">print</span>',
    ):
        assert kept in page, kept
    catalog = clean["catalog/index.html"]
    assert '<p class="skillshelf-shown" aria-live="polite">' in catalog
    assert '<ul class="skillshelf-results">' in catalog
    assert '<li class="skillshelf-card"><h2 class="skillshelf-card-name">' in catalog
    assert '<div class="grid cards skillshelf-cards">' in clean["cat/index.html"]


HOSTILE_BODY = """\
# Hostile

<script>pwned()</script>
<img src="x.png" onerror="pwned()">
<svg onload="pwned()"><circle r="1"/></svg>
<iframe srcdoc="&lt;script&gt;pwned()&lt;/script&gt;"></iframe>
[link](javascript:pwned())
<a href="jav&#x09;ascript:pwned()">entity</a>
<a href="data:text/html,&lt;script&gt;pwned()&lt;/script&gt;">data</a>
<form action="https://example.org/pwned"><input name="q" type="text"></form>
<meta http-equiv="refresh" content="0; url=https://example.org/pwned">
<base href="https://example.org/pwned/">
<object data="pwned.swf"></object><embed src="pwned.swf">
<p style="background: url(javascript:pwned())">styled</p>
<style>body { display: none } /* pwned */</style>

Paragraph with a handler.
{: onclick="pwned()" }
"""


def test_the_option_turns_sanitizing_off_for_trusted_libraries(tmp_path: Path) -> None:
    project = features_project(tmp_path / "hostile")
    (project / "skills/cat/two/SKILL.md").write_text(skill_md("two", body=HOSTILE_BODY))
    build(project / "mkdocs.yml", tmp_path / "plain", sanitize=False)
    build(project / "mkdocs.yml", tmp_path / "clean", sanitize=True)
    plain = articles(tmp_path / "plain")["cat/two/index.html"]
    clean = articles(tmp_path / "clean")["cat/two/index.html"]
    assert plain.count("pwned") >= 12  # the raw HTML is published as written
    assert "pwned" not in clean, clean
    assert "Paragraph with a handler." in clean and "styled" in clean and "entity" in clean


def test_the_sanitizer_reuses_a_page_only_for_equal_html() -> None:
    sanitizer = Sanitizer()
    first = sanitizer.clean("a.md", "<p onclick='x()'>one</p>")
    assert first == "<p>one</p>"
    assert sanitizer.clean("a.md", "<p onclick='x()'>one</p>") is first
    assert sanitizer.clean("a.md", "<p>two<script>x()</script></p>") == "<p>two</p>"
    sanitizer.keep_only({"b.md"})
    assert sanitizer.last == {}
    assert sanitizer.clean("b.md", "<b>x</b>", remember=False) == "<b>x</b>"
    assert sanitizer.last == {}  # a plain build keeps nothing
