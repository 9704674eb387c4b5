"""The exported site built by Zensical: the same pages and main content as MkDocs'.

mkdocs-material 9.8.1 reaches end of life on 2027-05-05; Zensical, its
successor, runs no MkDocs plugins, so it builds what ``skillshelf export``
writes. The oracle is the MkDocs build of the same repository with the
plugin: the set of HTML pages must be equal, and so must each page's main
content (the text of material's ``<article>``, without the theme's edit
buttons and permalink anchors).
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.site.conftest import REPO
from tests.site.test_no_third_party import fetched_urls, foreign

from skillshelf.site.export import export_site

ZENSICAL = str(Path(sys.executable).with_name("zensical"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
#: Theme chrome inside the article, not content: edit/view buttons, permalinks. Elements
#: marked ``hidden`` are not shown either.
CHROME = ("md-content__button", "headerlink", "md-source-file")


class _MainText(HTMLParser):
    """The text of the page's ``<article class="md-content__inner">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skipping = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.depth == 0:
            self.depth = int(tag == "article" and "md-content__inner" in classes)
            return
        self.depth += 1
        hidden = "hidden" in attributes  # e.g. Zensical's tag chips under `hide: [tags]`
        if self.skipping or hidden or tag in ("script", "style") or set(CHROME) & set(classes):
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skipping:
            self.text.append(data)


def main_text(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.text)).strip()


def html_pages(site: Path) -> dict[str, Path]:
    return {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*.html"))}


def test_main_text_is_the_article_without_the_theme_chrome() -> None:
    page = (
        "<header>Site</header><article class='md-content__inner md-typeset'>"
        "<a class='md-content__button' href='e'>Edit</a><h1>T<a class='headerlink'>¶</a></h1>"
        "<p>One<br>two <code>x</code></p><nav class='md-tags' hidden><a>Tag</a></nav>"
        "<script>var a;</script></article><footer>f</footer>"
    )
    assert main_text(page) == "T One two x"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zensical") / "export"
    result = export_site(out, mkdocs_file=REPO / "mkdocs.yml")
    assert result.problems == []
    completed = subprocess.run(
        [ZENSICAL, "build", "--strict", "--clean", "-f", str(out / "mkdocs.yml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=out,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    site = out / "site"
    assert 'content="zensical-' in (site / "index.html").read_text(encoding="utf-8")
    return site


@pytest.mark.slow
def test_zensical_builds_the_same_pages_as_mkdocs(zensical_site: Path, real_site: Path) -> None:
    assert html_pages(zensical_site).keys() == html_pages(real_site).keys()
    assert len(html_pages(real_site)) > 100


@pytest.mark.slow
def test_zensical_pages_have_the_same_main_content(zensical_site: Path, real_site: Path) -> None:
    differing = []
    compared = 0
    for rel, path in html_pages(real_site).items():
        expected = main_text(path.read_text(encoding="utf-8"))
        if len(expected) > 100:
            compared += 1
        if main_text((zensical_site / rel).read_text(encoding="utf-8")) != expected:
            differing.append(rel)
    assert differing == []
    assert compared > 80  # the comparison saw real pages, not empty articles
    skill = main_text((zensical_site / "mlops/training/trl-fine-tuning/index.html").read_text())
    assert "trl==1.16.0" in skill  # the skill header the plugin generated


@pytest.mark.slow
def test_the_zensical_site_asks_no_other_host_either(zensical_site: Path) -> None:
    offending = [
        f"{rel}: {url}"
        for rel, path in html_pages(zensical_site).items()
        for _, url in fetched_urls(path.read_text(encoding="utf-8"))
        if foreign(url, "skillshelf.github.io")
    ]
    assert offending == []
    assert (zensical_site / "_skillshelf/mathjax/tex-chtml-full.js").is_file()
    # the exported custom_dir's header partial: no repository facts from api.github.com
    home = (zensical_site / "index.html").read_text(encoding="utf-8")
    assert 'class="md-source"' in home and 'data-md-component="source"' not in home


@pytest.mark.slow
def test_zensical_serves_the_same_generated_files(zensical_site: Path, real_site: Path) -> None:
    """What the plugin writes besides pages (each skill's raw SKILL.md and zip, the
    catalog's data, skills.json, llms.txt) is in the export too, byte for byte."""
    generated = [
        path.relative_to(real_site).as_posix()
        for path in sorted((real_site / "_skillshelf").rglob("*"))
        if path.is_file() and "mathjax" not in path.parts
    ]
    generated += ["skills.json", "llms.txt"]
    assert len([rel for rel in generated if rel.endswith(".zip")]) >= 50
    differing = [
        rel
        for rel in generated
        if not (zensical_site / rel).is_file()
        or (zensical_site / rel).read_bytes() != (real_site / rel).read_bytes()
    ]
    assert differing == []
