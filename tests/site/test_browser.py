"""The real repository's site in headless chromium: nav clicks, the catalog's filters,
the 404 page's suggestions, search, formulas rendered offline, the copy button, and an
accessibility audit (axe-core) at desktop and phone sizes.

Builds ``mkdocs.yml`` at the repository root (the real, possibly still growing
``skills/`` tree) into a temporary folder and serves it on 127.0.0.1 below
``/skillshelf/``, the path of its ``site_url``, answering a missing page with
``404.html`` as GitHub Pages does; Playwright drives it. Requests leaving
127.0.0.1 are blocked (and recorded), so the tests never depend on the network.
Screenshots are kept in the test's tmp folder and copied to /tmp/skillshelf-screens/.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest
from tests.site.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

ColorScheme = Literal["light", "dark"]

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


DESKTOP: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
#: A page with formulas (pymdownx.arithmatex), inline and displayed.
MATH_PAGE = "mlops/training/trl-fine-tuning/references/dpo-variants/"
#: A skill page whose first code block is one long line.
ONE_LINE_CODE_PAGE = "mlops/training/trl-fine-tuning/"
#: One page of each kind the accessibility audit covers.
AUDITED = {
    "home": "",
    "catalog": "catalog/",
    "catalog, filtered": "catalog/?q=train&category=mlops&tag=Fine-Tuning",
    "category": "mlops/training/",
    "skill": "mlops/training/trl-fine-tuning/",
    "skill with scripts": "software-development/git-bisect/",
    "reference": MATH_PAGE,
    "tags": "tags/",
    "404": "mlops/training/trl-fine-tunin/",
}
#: Where the site is served: the path of mkdocs.yml's site_url, which the 404 page's
#: links (absolute, as MkDocs writes them for an error page) start with.
SITE_PATH = "/skillshelf/"
NOT_LOCAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z][a-z0-9+.-]*://", re.I)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Pages(_Quiet):
    """The site below SITE_PATH; a missing file is answered with the site's 404.html."""

    def translate_path(self, path: str) -> str:
        inside = path[len(SITE_PATH) - 1 :] if path.startswith(SITE_PATH) else "/-outside-"
        return super().translate_path(inside)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("real-site") / "site"
    config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site))
    build(config)
    return site


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    handler = functools.partial(_Pages, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def offline_page(
    browser: Browser, viewport: ViewportSize, blocked: list[str], scheme: ColorScheme = "light"
) -> Page:
    """A page that may only reach 127.0.0.1: any other request is aborted and recorded."""
    from playwright.sync_api import Route

    page = browser.new_page(viewport=viewport, color_scheme=scheme)

    def block(route: Route) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route(NOT_LOCAL, block)
    return page


@pytest.mark.browser
def test_browse_filter_and_search(served: str, chromium: Browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    SCREENS.mkdir(exist_ok=True)
    expect.set_options(timeout=20_000)  # generous: the machine may be busy with other builds
    errors: list[str] = []

    def shot(page: object, name: str) -> None:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
        shutil.copyfile(path, SCREENS / path.name)

    blocked: list[str] = []
    page = offline_page(chromium, DESKTOP, blocked)
    try:
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
        # skills are named by their first heading, in the cards as in the nav
        expect(page.locator(".grid.cards")).to_contain_text("TRL fine-tuning (SFT, DPO")
        shot(page, "03-training")

        click_nav(re.compile(r"^\s*TRL fine-tuning \(SFT"), "/mlops/training/trl-fine-tuning/")
        expect(page.locator(".skillshelf-skill")).to_contain_text("TRL")
        expect(page.locator(".skillshelf-meta")).to_contain_text("trl==1.16.0")
        shot(page, "04-trl-fine-tuning")

        click_nav(re.compile(r"^\s*DPO loss", re.I), "/trl-fine-tuning/references/dpo-variants/")
        expect(page.locator("article h1")).to_contain_text(re.compile("DPO", re.I))
        shot(page, "05-dpo-variants")

        click_nav(re.compile(r"^\s*Catalog\s*$"), "/catalog/")
        expect(page.locator(".skillshelf-filters")).to_be_visible()
        shot(page, "06-catalog")

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
        expect(results.filter(has_text=re.compile("TRL", re.I))).not_to_have_count(0, timeout=15000)
        shot(page, "07-search")
    finally:
        page.close()
    assert errors == []
    assert blocked == []


@pytest.mark.browser
def test_formulas_render_offline_and_mathjax_loads_only_where_needed(
    served: str, chromium: Browser
) -> None:
    from playwright.sync_api import expect

    blocked: list[str] = []
    fetched: list[str] = []
    page = offline_page(chromium, DESKTOP, blocked)
    page.on("request", lambda request: fetched.append(request.url))
    try:
        page.goto(served + AUDITED["skill"], wait_until="load")
        page.wait_for_load_state("networkidle")
        assert [url for url in fetched if url.endswith("/math.js")]
        assert not [url for url in fetched if "/mathjax/" in url]

        page.goto(served + MATH_PAGE, wait_until="load")
        formulas = page.locator(".arithmatex")
        count = formulas.count()
        assert count > 5
        # MathJax replaced every formula's TeX with its rendering
        expect(page.locator(".arithmatex mjx-container")).to_have_count(count, timeout=30_000)
        expect(page.locator("article")).not_to_contain_text("\\(")
        page.wait_for_load_state("networkidle")
        fonts = [url for url in fetched if url.endswith(".woff")]
        assert fonts and all(url.startswith(served) for url in fonts)
        # the glyphs come from MathJax's own fonts, not a fallback: they are in use
        assert page.evaluate("document.fonts.check('12px MJXZERO')")
        box = page.locator("mjx-container").first.bounding_box()
        assert box is not None and box["width"] > 5
    finally:
        page.close()
    assert blocked == []


# Whose markup a violating node is: inside the article, anything but material's own
# components (class "md-...": copy buttons, edit buttons, tags; its "md-typeset__"
# wrappers of tables are only layout) is skillshelf's (the pages it generates and the
# Markdown it renders, styled by skillshelf.css); a "skillshelf-" class anywhere is
# skillshelf's; the rest (header, navigation, search, footer) is the theme's.
OWNER = """(target) => {
  if (target.length !== 1) { return "theme"; }
  const node = document.querySelector(target[0]);
  if (node === null) { return "theme"; }
  if (node.closest('[class*="skillshelf-"]')) { return "skillshelf"; }
  const article = node.closest("article.md-content__inner");
  if (article === null) { return "theme"; }
  for (let at = node; at !== article; at = at.parentElement) {
    const names = [...at.classList];
    if (names.some((name) => name.startsWith("md-") && !name.startsWith("md-typeset"))) {
      return "theme";
    }
  }
  return "skillshelf";
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(DESKTOP, "light"), (PHONE, "light"), (DESKTOP, "dark")],
    ids=["desktop", "phone", "desktop-dark"],
)
def test_no_serious_accessibility_violations_in_our_markup(
    served: str, chromium: Browser, viewport: ViewportSize, scheme: ColorScheme
) -> None:
    """axe-core on one page of each kind: skillshelf's own HTML and CSS have no serious
    or critical violation; the theme's are reported as warnings. The site follows the
    reader's light or dark system setting, so both schemes are audited. Every page fits
    the screen's width (no sideways scrolling), with its cards' "More" and its files'
    "View" open."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    axe = Axe()
    ours: list[str] = []
    theirs: list[str] = []
    wide: list[str] = []
    blocked: list[str] = []
    for name, path in AUDITED.items():
        page = offline_page(chromium, viewport, blocked, scheme)
        try:
            page.goto(served + path, wait_until="load")
            if path == MATH_PAGE:
                expect(page.locator("mjx-container").first).to_be_visible(timeout=30_000)
            if name.startswith("catalog"):
                expect(page.locator(".skillshelf-filters")).to_be_visible(timeout=20_000)
            if name == "404":
                expect(page.locator(".skillshelf-not-found-help")).to_be_visible(timeout=20_000)
            page.wait_for_load_state("networkidle")
            page.evaluate(
                "document.querySelectorAll('details.skillshelf-more, details.skillshelf-view')"
                ".forEach((details) => { details.open = true; })"
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                wide.append(f"{name}: {width}px wide at {viewport['width']}px")
            results: dict[str, Any] = axe.run(page).response
            for violation in results["violations"]:
                if violation["impact"] not in ("serious", "critical"):
                    continue
                for node in violation["nodes"]:
                    where = " ".join(str(part) for part in node["target"])
                    line = (
                        f"{name} ({viewport['width']}px, {scheme}): {violation['id']} "
                        f"[{violation['impact']}] {where}: {' '.join(node['html'].split())[:160]}"
                    )
                    owner = page.evaluate(OWNER, node["target"])
                    (ours if owner == "skillshelf" else theirs).append(line)
        finally:
            page.close()
    # The theme's own violations that skillshelf's CSS and script mend (a nameless search
    # dialog, the footer line's contrast) are gone; any others are the theme's to fix.
    mended = [line for line in theirs if ": aria-dialog-name " in line or ".md-copyright" in line]
    assert mended == [], "\n".join(mended)
    if theirs:
        warnings.warn(
            "theme-owned accessibility violations (not failing):\n" + "\n".join(theirs),
            stacklevel=1,
        )
    assert ours == [], "\n".join(ours)
    assert wide == []
    assert blocked == []


# The visible part of a code block's text, the box of its copy button, and its lines.
BOXES = """(code) => {
  // material 9.8 puts its buttons in a nav; older releases had one .md-clipboard button
  const button = code.parentElement.querySelector(":scope > .md-code__nav, :scope > .md-clipboard");
  if (button === null) { return null; }
  const range = document.createRange();
  range.selectNodeContents(code);
  const text = range.getBoundingClientRect();
  const frame = code.getBoundingClientRect();
  const visible = {
    left: Math.max(text.left, frame.left + code.clientLeft),
    right: Math.min(text.right, frame.left + code.clientLeft + code.clientWidth),
    top: Math.max(text.top, frame.top),
    bottom: Math.min(text.bottom, frame.bottom),
  };
  const b = button.getBoundingClientRect();
  return {
    text: visible,
    button: {left: b.left, right: b.right, top: b.top, bottom: b.bottom},
    lines: code.textContent.replace(/\\n$/, "").split("\\n").length,
  };
}"""


@pytest.mark.browser
def test_copy_button_does_not_cover_one_line_code_on_a_phone(
    served: str, chromium: Browser, tmp_path: Path
) -> None:
    blocked: list[str] = []
    page = offline_page(chromium, PHONE, blocked)
    try:
        page.goto(served + ONE_LINE_CODE_PAGE, wait_until="load")
        page.wait_for_load_state("networkidle")
        checked = []
        for code in page.locator("article pre > code").all():
            boxes = code.evaluate(BOXES)
            if boxes is None or boxes["lines"] != 1:
                continue
            text, button = boxes["text"], boxes["button"]
            overlap = (
                text["left"] < button["right"]
                and button["left"] < text["right"]
                and text["top"] < button["bottom"]
                and button["top"] < text["bottom"]
            )
            assert not overlap, f"the copy button {button} covers the code {text}"
            checked.append(code)
        assert checked
        checked[0].scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "08-one-line-code.png"))
        SCREENS.mkdir(exist_ok=True)
        shutil.copyfile(tmp_path / "08-one-line-code.png", SCREENS / "08-one-line-code.png")
    finally:
        page.close()
    assert blocked == []


@pytest.mark.browser
def test_search_ranks_skill_pages_above_the_tags_page(served: str, chromium: Browser) -> None:
    """A word that is a tag and also appears in a skill's text ("agents" tags dspy and is
    mentioned by weights-and-biases): every skill page comes before the tags index."""
    from playwright.sync_api import expect

    blocked: list[str] = []
    page = offline_page(chromium, DESKTOP, blocked)
    try:
        page.goto(served, wait_until="load")
        search = page.locator("input.md-search__input")
        search.click()
        expect(page.locator(".md-search-result__meta")).to_contain_text(
            re.compile("type to start searching", re.I), timeout=20_000
        )
        for query in ("agents", "ann", "benchmarks"):
            search.fill("")
            search.press_sequentially(query, delay=20)
            links = page.locator(".md-search-result__item > a")
            expect(links.first).to_be_visible(timeout=15_000)
            page.wait_for_timeout(300)  # the worker answers the last key stroke
            hrefs = [str(link.get_attribute("href")) for link in links.all()]
            paths = [href.removeprefix(served).split("?")[0] for href in hrefs]
            assert "tags/" in paths, (query, paths)
            # skill, reference and category pages: every page below the top level
            library = [i for i, path in enumerate(paths) if path.count("/") >= 2]
            assert library and max(library) < paths.index("tags/"), (query, paths)
    finally:
        page.close()
    assert blocked == []


def catalog_data(built: Path) -> dict[str, Any]:
    return dict(json.loads((built / "_skillshelf/catalog.json").read_text(encoding="utf-8")))


def words_of(text: str) -> list[str]:
    """Words as the catalog's script splits them: runs of letters and digits, lower case."""
    return [word for word in re.split(r"[\W_]+", text.lower()) if word]


def prefix_matches(data: dict[str, Any], query: str) -> list[str]:
    """The skills whose words start with every word of ``query``: the oracle for the
    catalog's text filter, computed from the catalog's own data."""
    found = []
    for name, _, category, lead, rest, tags, title in data["skills"]:
        category_title = data["categories"][category][1] if category >= 0 else ""
        skill_words = words_of(" ".join([name, title, category_title, lead, rest, *tags]))
        if all(any(word.startswith(q) for word in skill_words) for q in words_of(query)):
            found.append(name)
    return found


def shown_names(page: Page) -> list[str]:
    """The names of the skills whose cards the catalog shows (a card is titled by the
    skill's heading; its link is the skill's page, which catalog.json maps to a name)."""
    data = page.evaluate("fetch('../_skillshelf/catalog.json').then(r => r.json())")
    by_path = {row[1]: row[0] for row in data["skills"]}
    links = page.locator(".skillshelf-results .skillshelf-card-name a").evaluate_all(
        "links => links.map(link => new URL(link.href).pathname)"
    )
    catalog = page.evaluate("new URL('../', location.href).pathname")
    return sorted(by_path[link[len(catalog) :]] for link in links)


@pytest.mark.browser
def test_the_catalog_narrows_by_word_prefixes_category_and_tags(
    served: str, built: Path, chromium: Browser, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    data = catalog_data(built)
    total = len(data["skills"])
    blocked: list[str] = []
    errors: list[str] = []
    page = offline_page(chromium, DESKTOP, blocked)
    page.on("pageerror", lambda error: errors.append(str(error)))
    cards = page.locator(".skillshelf-results > li")
    try:
        page.goto(served + "catalog/", wait_until="load")
        expect(page.locator(".skillshelf-filters")).to_be_visible()
        expect(page.locator(".skillshelf-shown")).to_have_attribute("aria-live", "polite")
        expect(cards).to_have_count(min(total, 50))
        # words match at the start of words only: "dpo", not the "dpo" in "endpoint"
        query = page.get_by_label("Words")
        query.fill("dpo")
        expected = prefix_matches(data, "dpo")
        inside_words = [
            row[0]
            for row in data["skills"]
            if "dpo" in " ".join([row[0], row[3], row[4], *row[5]]).lower()
            and row[0] not in expected
        ]
        assert expected and inside_words  # the real library has both kinds
        expect(cards).to_have_count(len(expected))
        assert shown_names(page) == sorted(expected)
        expect(page).to_have_url(re.compile(r"/catalog/\?q=dpo$"))
        expect(page.locator(".skillshelf-shown")).to_contain_text(f"{len(expected)} skill")
        # a tag, with its count; then a category: the three combine, the URL keeps them
        tags = page.get_by_label("Add a tag")
        expect(tags.locator("option[value='dpo']")).to_have_text(re.compile(r"^DPO \(\d+\)$"))
        tags.select_option("dpo")
        remove = page.get_by_role("button", name="Remove the tag DPO")
        expect(remove).to_be_visible()
        with_tag = [
            row[0]
            for row in data["skills"]
            if row[0] in expected and "dpo" in [tag.lower() for tag in row[5]]
        ]
        expect(cards).to_have_count(len(with_tag))
        expect(page).to_have_url(re.compile(r"/catalog/\?q=dpo&tag=DPO$"))
        page.get_by_label("Category").select_option("mlops/training")
        in_training = [
            row[0]
            for row in data["skills"]
            if row[0] in with_tag and data["categories"][row[2]][0] == "mlops/training"
        ]
        expect(cards).to_have_count(len(in_training))
        assert shown_names(page) == sorted(in_training)
        expect(page).to_have_url(re.compile(r"/catalog/\?q=dpo&category=mlops%2Ftraining&tag=DPO$"))
        shared = page.url
        shot = tmp_path / "09-catalog-filtered.png"
        page.screenshot(path=str(shot))
        SCREENS.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENS / shot.name)
        # Back undoes the last step (the category), Forward redoes it
        page.go_back()
        expect(cards).to_have_count(len(with_tag))
        expect(page.get_by_label("Category")).to_have_value("")
        page.go_forward()
        expect(cards).to_have_count(len(in_training))
        # the shared address shows the same view
        page.goto(shared, wait_until="load")
        expect(cards).to_have_count(len(in_training))
        expect(page.get_by_label("Words")).to_have_value("dpo")
        expect(page.get_by_label("Category")).to_have_value("mlops/training")
        # by keyboard: remove the tag, clear everything, page through every card
        page.get_by_role("button", name="Remove the tag DPO").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name="Remove the tag DPO")).to_have_count(0)
        page.get_by_role("button", name="Clear filters").focus()
        page.keyboard.press("Enter")
        expect(cards).to_have_count(min(total, 50))
        expect(page).to_have_url(re.compile(r"/catalog/$"))
        page.get_by_label("Category").focus()
        page.keyboard.press("ArrowDown")  # the first category
        first = data["categories"][0][0]
        expect(page.get_by_label("Category")).to_have_value(first)
        expect(page).to_have_url(re.compile(rf"/catalog/\?category={re.escape(first)}$"))
        page.get_by_role("button", name="Clear filters").click()
        more = page.locator(".skillshelf-show-more")
        while total > cards.count():
            shown_before = cards.count()
            more.focus()
            page.keyboard.press("Enter")
            expect(cards).to_have_count(min(total, shown_before + 50))
            # focus moved to the first new card, so a keyboard reader goes on from there
            assert page.evaluate(
                "document.activeElement.closest('li.skillshelf-card') === "
                f"document.querySelectorAll('li.skillshelf-card')[{shown_before}]"
            )
        expect(more).to_be_hidden()
        # a tag chip in a card: the catalog at exactly that tag
        chip = page.locator(".skillshelf-results .skillshelf-tag").first
        tag = chip.inner_text()
        chip.click()
        expect(page).to_have_url(re.compile(r"\?tag=[^&]+$"))
        carrying = [row[0] for row in data["skills"] if tag.lower() in map(str.lower, row[5])]
        expect(cards).to_have_count(len(carrying))
    finally:
        page.close()
    assert errors == []
    assert blocked == []


@pytest.mark.browser
def test_links_into_the_catalog_open_exactly_what_they_name(
    served: str, built: Path, chromium: Browser
) -> None:
    """A skill page's tag chip, the tags index, and the home page's search box."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    data = catalog_data(built)
    blocked: list[str] = []
    page = offline_page(chromium, PHONE, blocked)
    cards = page.locator(".skillshelf-results > li")
    try:
        page.goto(served + "mlops/training/trl-fine-tuning/", wait_until="load")
        page.locator(".skillshelf-meta a.skillshelf-tag", has_text=re.compile("^DPO$")).click()
        expect(page).to_have_url(re.compile(r"/catalog/\?tag=DPO$"))
        carrying = [row[0] for row in data["skills"] if "dpo" in map(str.lower, row[5])]
        expect(cards).to_have_count(len(carrying))
        assert shown_names(page) == sorted(carrying)

        page.goto(served + "tags/", wait_until="load")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 4000, height  # a compact index, not one heading per tag
        chip = page.locator(".skillshelf-tag-index a").nth(3)
        label = chip.inner_text().split()
        count = int(label[-2] if label[-1] in ("skill", "skills") else label[-1])
        chip.click()
        expect(page).to_have_url(re.compile(r"/catalog/\?tag=[^&]+$"))
        expect(cards).to_have_count(count)

        page.goto(served, wait_until="load")
        page.get_by_label(re.compile("^Search the")).fill("lora")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/catalog/\?q=lora$"))
        expect(cards).to_have_count(len(prefix_matches(data, "lora")))
    finally:
        page.close()
    assert blocked == []


@pytest.mark.browser
def test_the_404_page_suggests_the_nearest_skill_and_searches(
    served: str, built: Path, chromium: Browser, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    blocked: list[str] = []
    errors: list[str] = []
    page = offline_page(chromium, PHONE, blocked)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(served + "mlops/training/trl-fine-tunin/", wait_until="load")
        assert response is not None and response.status == 404
        suggestion = page.locator(".skillshelf-suggestion a")
        expect(suggestion).to_have_attribute(
            "href", re.compile(r"/skillshelf/mlops/training/trl-fine-tuning/$")
        )
        expect(suggestion).to_have_text("trl-fine-tuning")
        search = page.get_by_label("Search the skills")
        expect(search).to_have_value("trl fine tunin")
        page.screenshot(path=str(tmp_path / "10-not-found.png"))
        SCREENS.mkdir(exist_ok=True)
        shutil.copyfile(tmp_path / "10-not-found.png", SCREENS / "10-not-found.png")
        search.press("Enter")
        expect(page).to_have_url(re.compile(r"/catalog/\?q=trl\+fine\+tunin$"))
        expected = prefix_matches(catalog_data(built), "trl fine tunin")
        assert "trl-fine-tuning" in expected
        expect(page.locator(".skillshelf-results > li")).to_have_count(len(expected))
        assert shown_names(page) == sorted(expected)
        # material's own search did not open with the catalog's query
        assert not page.evaluate("document.querySelector('[data-md-toggle=search]').checked")
        # nothing near: no suggestion, the search box all the same
        page.goto(served + "zzzz/qqqq-xxxx/", wait_until="load")
        expect(page.locator(".skillshelf-not-found-help form")).to_be_visible()
        expect(page.locator(".skillshelf-suggestion")).to_have_count(0)
    finally:
        page.close()
    assert errors == []
    assert blocked == []


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
    // the link an element is, or is inside (a click on its text would follow it)
    const link = element.closest("a[href]");
    const href = link ? link.getAttribute("href").replace(/[\\s\\x00-\\x1f]/g, "") : "";
    if (!link || /^javascript:/i.test(href)) {
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
def test_a_hostile_page_runs_no_payload(chromium: Browser, tmp_path: Path) -> None:
    """The unsanitized build proves the harness sees payloads run; the sanitized one
    runs none, while the copy button and the tabs still work. (The module's browser:
    a second Playwright in the same process fails, "Sync API inside the asyncio
    loop", whenever pytest-xdist runs this test after another one of this module.)"""
    from playwright.sync_api import expect

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

    try:
        calls, fetched, page = visit(chromium, "raw")
        assert len(calls) >= 3 and fetched, (calls, fetched)  # the harness sees them
        page.close()

        calls, fetched, page = visit(chromium, "clean")
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
        page.close()
    finally:
        server.shutdown()
        server.server_close()
