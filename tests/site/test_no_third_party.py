"""The built site asks no other host for anything a page loads by itself.

Every HTML file of the real repository's site is parsed; scripts, styles,
fonts, images, frames and media must come from the site itself (a relative
URL, a ``data:`` URI, or the site's own host). Links a reader clicks (``<a
href>``) may go anywhere. The site's CSS files are read for ``url(...)`` and
``@import`` too, since that is where fonts come from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.config import load_config
from tests.site.conftest import REPO, build_site

from skillshelf.site.formulas import LOADER_URI, MATHJAX_SCRIPT, MATHJAX_URI

#: Attributes that make the browser fetch something as soon as the page loads.
FETCHED = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
#: ``<link rel>`` values whose href the browser fetches (or connects to) by itself.
FETCHED_LINKS = {
    "stylesheet",
    "preconnect",
    "dns-prefetch",
    "preload",
    "prefetch",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class _Fetches(HTMLParser):
    """Every URL an HTML page makes the browser fetch, with the tag it came from."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in FETCHED.get(tag, ()):
            if name in values:
                for url in _srcset(values[name]) if name == "srcset" else [values[name]]:
                    self.found.append((f"<{tag} {name}>", url))
        if tag == "link" and FETCHED_LINKS & set(values.get("rel", "").lower().split()):
            self.found.append((f"<link rel={values['rel']}>", values.get("href", "")))
        if "style" in values:
            self.found.extend((f"<{tag} style>", url) for url in css_urls(values["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(("<style>", url) for url in css_urls(data))


def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def css_urls(css: str) -> list[str]:
    return [match.group(1) or match.group(2) for match in CSS_URL.finditer(css)]


def fetched_urls(html: str) -> list[tuple[str, str]]:
    parser = _Fetches()
    parser.feed(html)
    parser.close()
    return parser.found


def foreign(url: str, own_host: str) -> bool:
    """Whether ``url`` points at a host other than the site's own."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "blob"):
        return False
    return bool(parts.netloc) and parts.hostname != own_host


def test_the_checker_sees_what_a_page_would_fetch() -> None:
    page = (
        '<link rel="stylesheet" href="https://fonts.example/css">'
        '<link rel="preconnect" href="https://cdn.example">'
        '<link rel="canonical" href="https://elsewhere.example/page/">'
        '<script src="https://cdn.example/mathjax.js"></script>'
        '<img srcset="a.png 1x, https://img.example/b.png 2x">'
        '<iframe src="//player.example/embed"></iframe>'
        "<div style=\"background: url('https://img.example/bg.png')\"></div>"
        "<style>@import 'https://fonts.example/x.css';</style>"
        '<a href="https://example.org/">a link</a><script src="assets/local.js"></script>'
    )
    urls = [url for _, url in fetched_urls(page) if foreign(url, "own.example")]
    assert urls == [
        "https://fonts.example/css",
        "https://cdn.example",
        "https://cdn.example/mathjax.js",
        "https://img.example/b.png",
        "//player.example/embed",
        "https://img.example/bg.png",
        "https://fonts.example/x.css",
    ]


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host(real_site: Path) -> None:
    config = load_config(config_file=str(REPO / "mkdocs.yml"))
    assert config["theme"]["font"] is False  # the reader's system fonts
    own_host = urlsplit(config["site_url"]).hostname
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 50
    offending: list[str] = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # material's script asks api.github.com for stars and forks of this element
        if 'data-md-component="source"' in html:
            offending.append(f"{page.relative_to(real_site)}: repository facts from GitHub")
        for what, url in fetched_urls(html):
            if foreign(url, own_host):
                offending.append(f"{page.relative_to(real_site)}: {what} {url}")
    for sheet in sorted(real_site.rglob("*.css")):
        for url in css_urls(sheet.read_text(encoding="utf-8")):
            if foreign(url, own_host):
                offending.append(f"{sheet.relative_to(real_site)}: url() {url}")
    assert offending == []


@pytest.mark.slow
def test_mathjax_is_carried_by_the_site_and_loaded_by_one_small_script(real_site: Path) -> None:
    assert (real_site / MATHJAX_URI / MATHJAX_SCRIPT).stat().st_size > 500_000
    fonts = list((real_site / MATHJAX_URI).rglob("*.woff"))
    assert len(fonts) > 20
    loader = real_site / LOADER_URI
    assert loader.stat().st_size < 4_000
    math_page = real_site / "mlops/training/trl-fine-tuning/references/dpo-variants/index.html"
    html = math_page.read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html
    assert "../../../../../_skillshelf/math.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.slow
def test_a_site_without_arithmatex_carries_no_mathjax(project: Callable[[str], Path]) -> None:
    root = project("flat")
    build_site(root)
    site = root / "site"
    assert not (site / LOADER_URI).exists()
    assert not (site / MATHJAX_URI).exists()
    assert "math.js" not in (site / "index.html").read_text(encoding="utf-8")
