"""Finished pages keyed on what each one shows of the navigation.

With material's ``navigation.prune`` a page shows the top level, the sections on
its way and its neighbours: a skill added, removed or renamed elsewhere leaves it
as it was, and serve keeps it. Without prune, or with a template of the
project's own that shows more of the navigation, every page shows the change
and none is kept. Every rebuild is compared byte for byte with a cold build
(:meth:`Serve.rebuild`), so a page kept with a stale navigation fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from tests.site.test_serve_cache import Project, Serve, read, reset

from skillshelf.mkdocs.serve.navview import NavView

#: Templates of a project's own (``custom_dir``) that show more of the navigation
#: than material's pruned one: by replacing material's nav partial, and by reading
#: the whole site from a page template.
NAV_ITEM_SHOWING_EVERY_PAGE = (
    "{% macro render(nav_item, path, level, parent) %}"
    "<li>{{ nav_item.title }}{% if nav_item.children %}<ul>"
    "{% for child in nav_item.children %}{{ render(child, path, level + 1, nav_item) }}"
    "{% endfor %}</ul>{% endif %}</li>{% endmacro %}"
)
MAIN_COUNTING_EVERY_PAGE = (
    '{% extends "base.html" %}'
    "{% block content %}{{ super() }}<p>{{ pages | length }} pages</p>{% endblock %}"
)
OVERRIDES = {
    "nav-item": {"partials/nav-item.html": NAV_ITEM_SHOWING_EVERY_PAGE},
    "main": {"main.html": MAIN_COUNTING_EVERY_PAGE},
}


def configure(root: Path, features: list[str], overrides: dict[str, str]) -> None:
    """The mixed fixture's mkdocs.yml with these theme features and templates of its own."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("  features:\n")
    end = text.index("plugins:")
    theme = "  features:\n" + "".join(f"    - {feature}\n" for feature in features)
    if overrides:
        theme += "  custom_dir: overrides\n"
        for name, body in overrides.items():
            path = root / "overrides" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, "utf-8")
    config.write_text(text[:start] + theme + text[end:], "utf-8")


PRUNED = ["navigation.indexes", "navigation.prune", "navigation.path"]
#: A reference page of the mixed fixture.
QUOTAS = "ops/cloud/gcp/references/quotas.md"
SETUPS = {
    "prune": (PRUNED, {}),
    "prune and sections": ([*PRUNED, "navigation.sections"], {}),
    "prune, tabs and sections": ([*PRUNED, "navigation.tabs", "navigation.sections"], {}),
    "no prune": (["navigation.indexes", "navigation.path"], {}),
    "prune, nav partial replaced": (PRUNED, OVERRIDES["nav-item"]),
    "prune, page template reads every page": (PRUNED, OVERRIDES["main"]),
}
#: Whether a page that does not show a change is kept under that setup.
PARTIAL = {"prune", "prune and sections", "prune, tabs and sections"}


@pytest.fixture(params=list(SETUPS))
def setup(request: pytest.FixtureRequest, project: Project) -> Iterator[tuple[str, Serve]]:
    """The mixed fixture with a third level (ops/cloud/eu), served once."""
    root = project("mixed")
    features, overrides = SETUPS[request.param]
    configure(root, features, overrides)
    eu = root / "skills/ops/cloud/eu"
    eu.mkdir()
    (eu / "DESCRIPTION.md").write_text("---\ntitle: Europe\ndescription: EU.\n---\n", "utf-8")
    new_skill(eu / "paris", "paris")
    new_skill(eu / "frankfurt", "frankfurt")
    session = Serve(root)
    session.rebuild()
    yield request.param, session
    reset(session.plugin)


def new_skill(folder: Path, name: str) -> None:
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: Added while serving.\nlicense: MIT\n---\n\n"
        f"# {name}\n\nNew.\n",
        "utf-8",
    )


def kept(name: str, serve: Serve) -> bool:
    """Whether this rebuild kept the finished pages that do not show the change, and
    only those, as its setup allows: with prune, the pages outside ops (every one of
    them shows ops/cloud closed, if at all) stay as they were."""
    if name in PARTIAL:
        return serve.page_hits >= OUTSIDE_OPS and serve.page_misses > 0
    return serve.page_hits == 0


#: Pages the plugin adds outside ops/: misc and writing, their skills and a skill's
#: template (not the catalog, which lists every skill).
OUTSIDE_OPS = 7


def test_adding_a_skill(setup: tuple[str, Serve]) -> None:
    name, serve = setup
    new_skill(serve.root / "skills/ops/cloud/eu/madrid", "madrid")
    site = serve.rebuild()
    assert "madrid" in read(site, "ops/cloud/eu/paris/index.html")
    assert kept(name, serve)


def test_removing_a_skill(setup: tuple[str, Serve]) -> None:
    name, serve = setup
    shutil.rmtree(serve.root / "skills/ops/cloud/eu/paris")
    site = serve.rebuild()
    assert "paris" not in read(site, "ops/cloud/eu/frankfurt/index.html")
    assert kept(name, serve)


def test_a_skill_retitled_by_its_first_heading(setup: tuple[str, Serve]) -> None:
    """A skill's nav title is its first heading: a body edit changes the navigation."""
    name, serve = setup
    paris = serve.root / "skills/ops/cloud/eu/paris/SKILL.md"
    paris.write_text(paris.read_text("utf-8").replace("# paris", "# City of Light"), "utf-8")
    site = serve.rebuild()
    assert "City of Light" in read(site, "ops/cloud/eu/frankfurt/index.html")
    assert kept(name, serve)


def test_renaming_a_nested_category(setup: tuple[str, Serve]) -> None:
    name, serve = setup
    eu = serve.root / "skills/ops/cloud/eu/DESCRIPTION.md"
    eu.write_text(eu.read_text("utf-8").replace("title: Europe", "title: Old World"), "utf-8")
    site = serve.rebuild()
    assert "Old World" in read(site, "ops/cloud/aws/index.html")
    assert kept(name, serve)


def test_a_skill_added_to_a_second_level_category(setup: tuple[str, Serve]) -> None:
    """ops/cloud shows closed, with a blank line per child, wherever ops is open: on
    ops' pages, and with ``navigation.sections`` (no tabs) on every page."""
    name, serve = setup
    new_skill(serve.root / "skills/ops/cloud/azure", "azure")
    site = serve.rebuild()
    assert "azure" in read(site, "ops/cloud/aws/index.html")
    if name == "prune and sections":
        assert serve.page_hits == 0
    else:
        assert kept(name, serve)


def test_a_skill_added_to_a_top_level_category(setup: tuple[str, Serve]) -> None:
    """Every page lists the top level, and with ``navigation.indexes`` material's
    loop over a closed section's children prints a blank line each: all change."""
    _, serve = setup
    new_skill(serve.root / "skills/misc/three-thing", "three-thing")
    site = serve.rebuild()
    assert "three-thing" in read(site, "misc/one-thing/index.html")


def test_renaming_a_top_level_category_reaches_every_page(setup: tuple[str, Serve]) -> None:
    _, serve = setup
    misc = serve.root / "skills/misc/DESCRIPTION.md"
    misc.write_text(misc.read_text("utf-8").replace("title: Misc", "title: Odds"), "utf-8")
    site = serve.rebuild()
    assert "Odds" in read(site, "writing/poem/index.html")
    assert serve.page_hits == 0  # every page shows the top level


def test_adding_and_removing_a_category(setup: tuple[str, Serve]) -> None:
    _, serve = setup
    games = serve.root / "skills/games"
    games.mkdir()
    (games / "DESCRIPTION.md").write_text("---\ntitle: Games\ndescription: Play.\n---\n", "utf-8")
    new_skill(games / "chess", "chess")
    new_skill(games / "go", "go")
    site = serve.rebuild()
    assert "Games" in read(site, "writing/poem/index.html")
    shutil.rmtree(games)
    site = serve.rebuild()
    assert "Games" not in read(site, "writing/poem/index.html")


def test_the_first_skill_of_a_section_without_an_index_page(project: Project) -> None:
    """Without ``navigation.indexes`` a closed section links to its first page, which
    a new skill sorted first changes on every page that shows the section closed."""
    root = project("mixed")
    configure(root, ["navigation.prune"], {})
    serve = Serve(root)
    try:
        serve.rebuild()
        new_skill(root / "skills/writing/aaa-first", "aaa-first")
        site = serve.rebuild()
        assert "aaa-first" in read(site, "writing/poem/index.html")
        new_skill(root / "skills/ops/cloud/aaa-cloud", "aaa-cloud")
        serve.rebuild()
        shutil.rmtree(root / "skills/writing/aaa-first")
        serve.rebuild()
    finally:
        reset(serve.plugin)


def test_an_override_added_while_serving(project: Project) -> None:
    """``mkdocs serve --watch-theme``: a nav partial of the project's own, added
    between two rebuilds, is seen at once."""
    root = project("mixed")
    configure(root, PRUNED, {"partials/copyright.html": "<p>Ours</p>"})
    serve = Serve(root)
    try:
        serve.rebuild()
        new_skill(root / "skills/ops/cloud/azure", "azure")
        serve.rebuild()
        assert serve.page_hits > 0
        (root / "overrides/partials/nav-item.html").write_text(NAV_ITEM_SHOWING_EVERY_PAGE)
        site = serve.rebuild()
        assert "azure" in read(site, "writing/poem/index.html")
        new_skill(root / "skills/ops/cloud/oracle", "oracle")
        site = serve.rebuild()
        assert serve.page_hits == 0
        assert "oracle" in read(site, "writing/poem/index.html")
    finally:
        reset(serve.plugin)


def test_a_page_with_another_of_materials_templates(project: Project) -> None:
    """Only pages rendered with main.html are keyed on part of the navigation: one
    that names another of material's templates (a blog post's reads its parent)
    is keyed on the whole of it."""
    root = project("mixed")
    configure(root, PRUNED, {})
    (root / "skills" / QUOTAS).write_text("---\ntemplate: 404.html\n---\n\n# Quotas\n", "utf-8")
    forms = root / "skills/writing/forms"
    forms.mkdir()
    (forms / "DESCRIPTION.md").write_text("---\ntitle: Forms\ndescription: F.\n---\n", "utf-8")
    new_skill(forms / "sonnet", "sonnet")
    new_skill(forms / "haiku", "haiku")
    serve = Serve(root)
    try:
        serve.rebuild()
        entries = serve.plugin.serve.page_cache.entries
        keys = {uri: entries[uri][0] for uri in ("ops/cloud/gcp/SKILL.md", QUOTAS)}
        new_skill(forms / "limerick", "limerick")  # shown on writing's pages only
        serve.rebuild()
        assert entries["ops/cloud/gcp/SKILL.md"][0] == keys["ops/cloud/gcp/SKILL.md"]
        assert entries[QUOTAS][0] != keys[QUOTAS]
    finally:
        reset(serve.plugin)


def test_what_cannot_be_told_apart_is_not_keyed(tmp_path: Path) -> None:
    """A page in the navigation whose metadata (as the nav prints it) holds an object
    that only prints its address: the pages that show it are not kept."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", "utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    pages = [
        Page(name, File.generated(config, f"{name}.md", content=name), config)
        for name in ("a", "b", "c")
    ]
    left, right = Section("Left", [pages[0], pages[1]]), Section("Right", [pages[2]])
    for section in (left, right):
        for page in section.children:
            page.parent = section
    nav = Navigation([left, right], pages)
    assert NavView(nav, PRUNED).of(pages[0]) is not None
    pages[1].meta["icon"] = object()  # shown where Left is open
    view = NavView(nav, PRUNED)
    assert view.of(pages[0]) is None and view.of(pages[2]) is not None


def test_a_template_folder_a_plugin_adds(project: Project) -> None:
    """Not only custom_dir: any template folder that is not material's own is read."""
    root = project("mixed")
    configure(root, PRUNED, {})
    (root / "extra/partials").mkdir(parents=True)
    (root / "extra/partials/nav-item.html").write_text(NAV_ITEM_SHOWING_EVERY_PAGE, "utf-8")
    (root / "hook.py").write_text(
        "from pathlib import Path\n\n\n"
        "def on_config(config):\n"
        "    extra = str(Path(config.config_file_path).parent / 'extra')\n"
        "    if extra not in config.theme.dirs:\n"
        "        config.theme.dirs.insert(0, extra)\n",
        "utf-8",
    )
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "hooks:\n  - hook.py\n", "utf-8")
    serve = Serve(root)
    try:
        serve.rebuild()
        new_skill(root / "skills/ops/cloud/azure", "azure")
        site = serve.rebuild()
        assert "azure" in read(site, "writing/poem/index.html")
        assert serve.page_hits == 0
    finally:
        reset(serve.plugin)
