"""The internals of MkDocs, mkdocs-material and Jinja that the serve caches rely on,
read from the installed packages.

Every fact :mod:`skillshelf.mkdocs.serve.internals` relies on is checked here, on
real objects and on the installed code. When an upgrade changes one, the test
that names it fails: re-read the new release, adapt ``internals.py`` (and its
``CHECKED_*`` releases or ``REVIEWED_NAV_TEMPLATES``), and only then let the
serve caches use it. Until then the guards send serve down MkDocs' public path.
"""

from __future__ import annotations

import ast
import inspect
import os
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import markdown
import mkdocs
import pytest
from jinja2 import Environment
from material.plugins.search import plugin as material_search
from mkdocs import utils as mkdocs_utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import PluginCollection
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from skillshelf.mkdocs.serve import internals
from skillshelf.mkdocs.serve.theme import reads_navigation

PACKAGE = Path(internals.__file__).resolve().parents[1]  # plugins/skillshelf/mkdocs


def calls(function: Callable[..., Any]) -> set[str]:
    """The dotted names called in ``function``'s source (``utils.write_file``, ...)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.add(ast.unparse(node.func))
    return found


def parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


@pytest.fixture
def config(tmp_path: Path) -> Any:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Home\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\nplugins:\n  - search\n", "utf-8"
    )
    loaded = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    loaded.plugins.on_startup(command="build", dirty=False)
    return loaded


def test_the_installed_releases_are_the_ones_checked() -> None:
    assert internals.engine_checked(), (
        f"{internals.ENGINE} {mkdocs.__version__} is not among {internals.CHECKED_ENGINES}"
    )
    assert internals.material_checked(), "mkdocs-material is not a checked release"
    assert internals.jinja_checked(), f"Jinja {jinja2.__version__} is not a checked release"


# -- the live-reload server --------------------------------------------------------------


def test_the_server_is_asked_for_a_rebuild_as_its_own_watcher_asks() -> None:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=".")
    try:
        assert isinstance(server._rebuild_cond, threading.Condition)
        assert server._want_rebuild is False
        # MkDocs' build loop waits on exactly these two
        source = inspect.getsource(LiveReloadServer._build_loop)
        assert "self._rebuild_cond.wait_for" in source and "self._want_rebuild" in source
        trigger = internals.rebuild_trigger(server)
        assert trigger is not None
        trigger()
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=1)
    finally:
        server.server_close()
    assert internals.rebuild_trigger(object()) is None


# -- pages ---------------------------------------------------------------------------------


def test_pages_are_read_and_rendered_through_the_instance(config: Any) -> None:
    assert "page.read_source" in calls(mkdocs_build._populate_page)
    assert "page.render" in calls(mkdocs_build._populate_page)
    assert parameters(Page.read_source) == ["self", "config"]
    assert parameters(Page.render) == ["self", "config", "files"]
    page = Page(None, File.generated(config, "a.md", content="# A title\n"), config)
    replaced: list[str] = []
    assert internals.replace_page_method(page, "render", lambda *args: replaced.append("render"))
    page.render(config, Files([]))
    assert replaced == ["render"]
    assert not internals.replace_page_method(page, "render", print)  # already replaced

    class OwnPage(Page):
        pass

    other = OwnPage(None, File.generated(config, "b.md", content="B"), config)
    assert not internals.replace_page_method(other, "read_source", print)


def test_the_title_from_the_first_heading(config: Any) -> None:
    page = Page(None, File.generated(config, "a.md", content="# A title\n\nText.\n"), config)
    assert internals.title_from_render(page) is None
    page.read_source(config)
    page.render(config, Files([page.file]))
    assert internals.title_from_render(page) == "A title" == page.title
    internals.set_title_from_render(page, "Another")
    assert page.title == "Another"
    assert isinstance(page.present_anchor_ids, set) and page.links_to_anchors is not None


def test_links_are_resolved_only_through_get_file_from_path() -> None:
    """The render cache notes lookups with a stand-in for Files (RecordingFiles)."""
    processor = mkdocs_pages._RelativePathTreeprocessor
    used = {
        node.attr
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(processor))))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and ast.unparse(node.value) == "self.files"
    }
    assert used == {"get_file_from_path"}


def test_a_normalised_path_is_found_in_src_uris(config: Any) -> None:
    files = Files([File.generated(config, "a/b.md", content="x")])
    assert "self._src_uris.get" in calls(Files.get_file_from_path)
    find = internals.file_finder(files)
    assert find("a/b.md") is files.get_file_from_path("a/b.md") is not None
    assert find("a/c.md") is None


def test_plugins_list_their_handlers_per_event(config: Any) -> None:
    assert isinstance(config.plugins, PluginCollection)
    assert isinstance(config.plugins.events, dict)
    assert internals.plugins_handle(config, "page_read_source") is False
    assert internals.plugins_handle(config, "page_context") is True  # search


def test_tables_of_contents_hold_only_the_fields_copied() -> None:
    assert parameters(AnchorLink.__init__) == ["self", "title", "id", "level"]
    converter = markdown.Markdown(extensions=["toc"])
    converter.convert("# One\n\n## One point one\n")
    toc = get_toc(converter.toc_tokens)
    fields = set(vars(toc.items[0])) | set(vars(toc.items[0].children[0]))
    assert fields == {"title", "id", "level", "children", "active"}
    assert vars(toc).keys() == {"items"}


# -- templates -----------------------------------------------------------------------------


def test_a_page_template_is_asked_for_by_name(config: Any) -> None:
    assert "env.get_template" in calls(mkdocs_build._build_page)
    assert parameters(Environment.get_template)[:2] == ["self", "name"]
    env = Environment(loader=jinja2.DictLoader({"main.html": "real"}))
    assert internals.route_templates(env, lambda name: env.from_string("routed"))
    assert env.get_template("main.html").render() == "routed"
    assert not internals.route_templates(env, lambda name: env.from_string("again"))


def test_the_template_context_is_what_mkdocs_gives(config: Any) -> None:
    files = Files([])
    context = mkdocs_build.get_context(get_navigation(files, config), files, config)
    assert set(context) == internals.TEMPLATE_CONTEXT


def test_the_theme_folders(config: Any) -> None:
    assert internals.material_templates_dir() in config.theme.dirs
    assert internals.engine_templates_dir() in config.theme.dirs


def material_templates() -> dict[str, str]:
    folder = internals.material_templates_dir()
    assert folder is not None
    found: dict[str, str] = {}
    for path in Path(folder).rglob("*.html"):
        found[path.relative_to(folder).as_posix()] = path.read_text("utf-8")
    return found


def test_the_navigation_templates_are_the_text_reviewed() -> None:
    templates = material_templates()
    changed = [
        name
        for name, digest in internals.REVIEWED_NAV_TEMPLATES.items()
        if internals.template_digest(templates[name].encode("utf-8")) != digest
    ]
    assert changed == [], "re-read these against skillshelf.mkdocs.serve.navview"
    assert internals.REVIEWED_NAV_TEMPLATES.keys() >= internals.NAV_PARTIALS


def test_every_template_a_page_renders_that_reads_the_navigation_was_reviewed() -> None:
    """A page renders main.html, which extends base.html and includes partials; the
    other top-level templates are other pages' (blog posts, 404), whose pages the
    page cache keys on the whole navigation."""
    env = Environment()
    reading = {
        name
        for name, text in material_templates().items()
        if reads_navigation(env, text) and ("/" in name or name in {"main.html", "base.html"})
    }
    assert reading - internals.REVIEWED_NAV_TEMPLATES.keys() == set()


def test_the_metadata_the_navigation_templates_print() -> None:
    templates = material_templates()
    env = Environment()
    printed: set[str] = set()
    for name in internals.NAV_PARTIALS:
        for node in env.parse(templates[name]).find_all(jinja2.nodes.Getattr):
            meta = node.node
            if (
                isinstance(meta, jinja2.nodes.Getattr)
                and meta.attr == "meta"
                # the page being rendered: all of its metadata is in its key
                and not (isinstance(meta.node, jinja2.nodes.Name) and meta.node.name == "page")
            ):
                printed.add(node.attr)
    assert printed == set(internals.NAV_META)


# -- mkdocs-material's search --------------------------------------------------------------


def test_material_search_indexes_each_page_through_its_index(config: Any) -> None:
    assert "self.search_index.add_entry_from_context" in calls(
        material_search.SearchPlugin.on_page_context
    )
    assert parameters(material_search.SearchIndex.add_entry_from_context) == ["self", "page"]
    assert hasattr(material_search, "jieba")
    search = config.plugins["material/search"]
    search.on_config(config)
    found = internals.material_search_index(config.plugins.values())
    assert found is not None and found.entries == [] and found.entries is found.index.entries
    assert found.settings == dict(search.config)
    seen: list[Page] = []
    found.route(seen.append)
    page = Page(None, File.generated(config, "a.md", content="A"), config)
    search.search_index.add_entry_from_context(page)
    assert seen == [page]
    assert internals.material_search_index(config.plugins.values()) is None  # routed once


# -- writing the site ------------------------------------------------------------------------


def test_files_are_written_through_mkdocs_utils_at_the_time_of_the_write() -> None:
    assert parameters(mkdocs_utils.write_file) == ["content", "output_path"]
    assert parameters(mkdocs_utils.copy_file) == ["source_path", "output_path"]
    assert "utils.write_file" in calls(mkdocs_build._build_page)
    assert "utils.write_file" in calls(mkdocs_build._build_theme_template)
    assert "utils.copy_file" in calls(File.copy_file)
    assert "utils.write_file" in calls(material_search.SearchPlugin.on_post_build)
    assert mkdocs_build.utils is mkdocs_utils and material_search.utils is mkdocs_utils
    writers = internals.mkdocs_writers()
    assert writers is not None
    written: list[str] = []
    internals.install_writers(internals.Writers(lambda c, p: written.append(p), print))
    try:
        mkdocs_utils.write_file(b"x", "somewhere")
    finally:
        internals.install_writers(writers)
    assert written == ["somewhere"] and mkdocs_utils.write_file is writers.write_file


def test_cleaning_leaves_hidden_entries(tmp_path: Path) -> None:
    (tmp_path / ".stash").mkdir()
    (tmp_path / "page.html").write_text("x", "utf-8")
    mkdocs_utils.clean_directory(str(tmp_path))
    assert os.listdir(tmp_path) == [".stash"]


# -- nothing of the above anywhere else ------------------------------------------------------


def reaches_in(path: Path) -> list[str]:
    """Where a module of the plugin touches another object's private name (also by
    ``getattr``), sets an attribute by name, or assigns to an attribute of a module."""
    tree = ast.parse(path.read_text("utf-8"))
    modules = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
        if (
            (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
            )
            or (isinstance(node, ast.Call) and ast.unparse(node.func) == "setattr")
            or (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in {"getattr", "hasattr"}
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and str(node.args[1].value).startswith("_")
                and not str(node.args[1].value).startswith("__")
            )
        ):
            found.append(f"{where}: {ast.unparse(node)}")
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in modules
                ):
                    found.append(f"{where}: {ast.unparse(target)}")
    return found


def test_every_private_access_is_in_internals() -> None:
    found = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "internals.py"
        for line in reaches_in(path)
    ]
    assert found == []
    assert reaches_in(PACKAGE / "serve/internals.py") != []  # the check sees them there
