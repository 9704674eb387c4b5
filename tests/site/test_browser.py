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
