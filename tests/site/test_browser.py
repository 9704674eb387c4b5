"""The real repository's site in headless chromium: nav clicks, catalog filter, search.

Builds ``mkdocs.yml`` at the repository root (the real, possibly still growing
``skills/`` tree) into a temporary folder, serves it on 127.0.0.1 and drives it
with Playwright. Requests leaving 127.0.0.1 (web fonts, MathJax) are blocked so
the test never depends on the network. Screenshots are kept in the test's tmp
folder and copied to /tmp/skillshelf-screens/.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.site.conftest import REPO

SCREENS = Path("/tmp/skillshelf-screens")
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("real-site") / "site"
    config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site))
    build(config)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_browse_filter_and_search(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENS.mkdir(exist_ok=True)
    expect.set_options(timeout=20_000)  # generous: the machine may be busy with other builds
    errors: list[str] = []

    def shot(page: object, name: str) -> None:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
        shutil.copyfile(path, SCREENS / path.name)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(served, wait_until="domcontentloaded")
            expect(page.locator("h1").first).to_contain_text("skillshelf")
            shot(page, "01-home")

            nav = page.locator("nav.md-nav--primary")

            def click_nav(label: re.Pattern[str], url_part: str) -> None:
                link = nav.locator("a.md-nav__link:visible", has_text=label).first
                link.click()
                page.wait_for_url(re.compile(re.escape(url_part) + "$"))

            click_nav(re.compile(r"^\s*ml\s*ops\s*$", re.I), "/mlops/")
            expect(page.locator("article h1")).to_contain_text(re.compile("ml ?ops", re.I))
            expect(page.locator(".grid.cards")).to_contain_text(re.compile("Training"))
            shot(page, "02-mlops")

            click_nav(re.compile(r"^\s*Training\s*$"), "/mlops/training/")
            expect(page.locator(".grid.cards")).to_contain_text("trl-fine-tuning")
            shot(page, "03-training")

            click_nav(re.compile(r"^\s*trl-fine-tuning\s*$"), "/mlops/training/trl-fine-tuning/")
            expect(page.locator(".skillshelf-skill")).to_contain_text("TRL")
            expect(page.locator(".skillshelf-meta")).to_contain_text("trl==1.16.0")
            shot(page, "04-trl-fine-tuning")

            click_nav(re.compile(r"DPO", re.I), "/trl-fine-tuning/references/dpo-variants/")
            expect(page.locator("article h1")).to_contain_text(re.compile("DPO", re.I))
            shot(page, "05-dpo-variants")

            # the catalog's filter
            click_nav(re.compile(r"^\s*Catalog\s*$"), "/catalog/")
            rows = page.locator(".skillshelf-catalog tbody tr")
            total = rows.count()
            assert total >= 10
            visible = page.locator(".skillshelf-catalog tbody tr:not([hidden])")
            expect(visible).to_have_count(total)
            page.fill(".skillshelf-filter", "dpo")
            expect(visible.filter(has_text="trl-fine-tuning")).to_have_count(1)
            shown = visible.count()
            assert 0 < shown < total
            expect(page.locator(".skillshelf-shown")).to_contain_text(f"{shown} of {total}")
            shot(page, "06-catalog-filtered")
            page.fill(".skillshelf-filter", "no-such-skill-anywhere")
            expect(visible).to_have_count(0)
            expect(page.locator(".skillshelf-none")).to_be_visible()
            page.fill(".skillshelf-filter", "")
            expect(visible).to_have_count(total)

            # material's search finds a skill by its name and by words of its description
            search = page.locator("input.md-search__input")
            search.click()  # on a wide screen the search box sits in the header
            results = page.locator(".md-search-result__item")
            # wait for the search worker to load the index: a query typed earlier is lost
            expect(page.locator(".md-search-result__meta")).to_contain_text(
                re.compile("type to start searching", re.I)
            )
            # typed key by key (material listens to keyboard events); "-" would mean NOT
            search.press_sequentially("trl fine tuning", delay=20)
            expect(results.filter(has_text=re.compile("TRL fine-tuning", re.I))).not_to_have_count(
                0, timeout=15000
            )
            search.fill("")
            search.press_sequentially("Hugging Face TRL supervised", delay=20)
            expect(results.filter(has_text=re.compile("TRL", re.I))).not_to_have_count(
                0, timeout=15000
            )
            shot(page, "07-search")
        finally:
            browser.close()
    assert errors == []


HOSTILE_BODY = """\
# Hostile

Every payload below calls pwned(); the page is loaded, hovered and clicked.

<script>pwned()</script>
<img src="missing.png" onerror="pwned()">
<svg onload="pwned()"><circle r="1"/></svg>
<iframe srcdoc="&lt;script&gt;parent.pwned()&lt;/script&gt;"></iframe>
<details open ontoggle="pwned()"><summary>s</summary>d</details>
<p onmouseover="pwned()" onclick="pwned()">Hover or click me.</p>
[A javascript: link](javascript:pwned())
<a href="jav&#x09;ascript:pwned()">An entity-hidden link</a>
<object data="pwned-object.html"></object>
<meta http-equiv="refresh" content="2; url=pwned-refresh.html">
<base href="https://example.org/pwned-base/">
<style>@import url("pwned-style.css");</style>

Paragraph with a handler from an attribute list.
{: onclick="pwned()" }

```python
print("copy me")
```

=== "First"
    First tab.
=== "Second"
    Second tab.
"""

HOSTILE_YML = """\
site_name: hostile
theme:
  name: material
  features: [navigation.indexes, content.code.copy]
plugins:
  - search
  - skillshelf:
      sanitize: {sanitize}
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""


INTERACT = """() => {
  for (const element of document.querySelectorAll("article *")) {
    element.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
    const href = (element.getAttribute("href") || "").replace(/[\\s\\x00-\\x1f]/g, "");
    if (!element.hasAttribute("href") || /^javascript:/i.test(href)) {
      element.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true}));
    }
  }
}"""


def hostile_sites(root: Path) -> None:
    """The same hostile skill built with sanitizing off (``raw/``) and on (``clean/``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    skill = (
        "---\nname: {name}\ndescription: A skill. Use when testing.\nlicense: MIT\n---\n\n{body}"
    )
    for name, sanitize in (("raw", "false"), ("clean", "true")):
        project = root / f"{name}-project"
        for rel, text in {
            "mkdocs.yml": HOSTILE_YML.format(sanitize=sanitize),
            "skillshelf.toml": 'root = "skills"\n',
            "docs/index.md": "# Home\n",
            "skills/cat/hostile/SKILL.md": skill.format(name="hostile", body=HOSTILE_BODY),
            "skills/cat/plain/SKILL.md": skill.format(name="plain", body="# Plain\n"),
        }.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text(text, encoding="utf-8")
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(root / name))
        build(config)


@pytest.mark.browser
def test_a_hostile_page_runs_no_payload(tmp_path: Path) -> None:
    """The unsanitized build proves the harness sees payloads run; the sanitized one
    runs none, while the copy button and the tabs still work."""
    from playwright.sync_api import expect, sync_playwright

    hostile_sites(tmp_path)
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    expect.set_options(timeout=20_000)

    def visit(browser: Any, site: str) -> tuple[list[str], list[str], Any]:
        """Load, hover and click the page; the payloads that ran and the requests a
        payload made (and the page, still open)."""
        calls: list[str] = []
        requests: list[str] = []
        page = browser.new_page()
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        page.on("request", lambda request: requests.append(request.url))
        page.expose_function("pwned", lambda: calls.append(site))
        url = f"{base}{site}/cat/hostile/"
        page.goto(url, wait_until="load")
        # every element hovered and clicked, javascript: links too (not other links,
        # which would leave the page)
        page.evaluate(INTERACT)
        page.wait_for_timeout(3000)  # a refresh or a frame loads after the page
        return calls, [r for r in requests if "pwned" in r], page

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            calls, fetched, page = visit(browser, "raw")
            assert len(calls) >= 3 and fetched, (calls, fetched)  # the harness sees them
            page.close()

            calls, fetched, page = visit(browser, "clean")
            assert calls == [] and fetched == []
            assert page.url == f"{base}clean/cat/hostile/"
            article = page.locator("article")
            expect(article).to_contain_text("Hover or click me.")
            expect(article.locator("iframe, object, embed, svg, script, style")).to_have_count(0)
            # material's copy button found its code block; the tabs switch
            copy = article.locator("button[data-md-type='copy']")
            expect(copy).to_have_count(1)
            target = copy.get_attribute("data-clipboard-target") or ""
            expect(page.locator(target)).to_contain_text('print("copy me")')
            article.locator(".tabbed-labels label", has_text="Second").click()
            expect(article.locator(".tabbed-block").nth(1)).to_be_visible()
            expect(article.locator(".tabbed-block").nth(0)).to_be_hidden()
            SCREENS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENS / "08-hostile-sanitized.png"))
        finally:
            browser.close()
            server.shutdown()
            server.server_close()
