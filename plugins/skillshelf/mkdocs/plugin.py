"""The ``skillshelf`` MkDocs plugin: publish the skills tree as part of the site.

Event hooks only, each handing over in a line or two: to
:mod:`skillshelf.mkdocs.build` (the configuration, the scanned and linted
tree, the site options), to :mod:`skillshelf.site`, which plans the site and
knows nothing about MkDocs, and to :mod:`skillshelf.mkdocs.files`, which
puts the plan into MkDocs' files and nav:

* ``on_config``: read the project's skillshelf configuration, add the
  catalog's CSS and JavaScript;
* ``on_files``: scan (and lint) the tree once, plan the site, add its pages
  and files (backed by the skills tree, never copied into ``docs_dir``) and
  set the nav: hand-written pages, the catalog, then one section per category;
* ``on_page_content``: strip what would run script from the HTML of every page
  the plugin added (option ``sanitize``, :mod:`skillshelf.site.sanitize`), and
  give each a title safe to print;
* ``on_serve``: watch the skills tree, so edits rebuild with a fresh scan.

MkDocs reuses the plugin instance across ``mkdocs serve`` rebuilds but hands
it a fresh config each time; nothing about the tree is kept between builds
except by :class:`~skillshelf.mkdocs.serve.session.ServeSession`, which makes
a rebuild reuse what did not change (option ``serve_cache``). Every event it
takes part in hands over to it in one line.
"""

from __future__ import annotations

import time
from html import unescape
from typing import Any, Literal

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from skillshelf.config import LintConfig
from skillshelf.mkdocs.build import (
    add_assets,
    read_lint_config,
    scan_and_lint,
    site_moves,
    site_options,
)
from skillshelf.mkdocs.config import SkillshelfConfig
from skillshelf.mkdocs.files import publish
from skillshelf.mkdocs.logger import log
from skillshelf.mkdocs.serve.session import ServeSession
from skillshelf.site.placeholders import fill as fill_placeholders
from skillshelf.site.plan import SitePlan, plan_site
from skillshelf.site.sanitize import Sanitizer
from skillshelf.site.text import esc


class SkillshelfPlugin(BasePlugin[SkillshelfConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.lint_config: LintConfig | None = None
        self.user_nav: list[Any] | None = None
        #: This build's plan; ``on_page_markdown`` fills hand-written pages' lists from it.
        self.plan: SitePlan | None = None
        #: Source paths of the pages this build added from the tree.
        self.page_uris: set[str] = set()
        self.seconds: float = 0.0
        #: What ``mkdocs serve`` keeps from one rebuild to the next.
        self.serve = ServeSession()
        #: Cleans the pages' HTML; under ``mkdocs serve`` it keeps each page's last result.
        self.sanitizer = Sanitizer()

    # -- one-time events ----------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.serve.on_startup(command, dirty)

    def on_shutdown(self) -> None:
        self.serve.on_shutdown()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        return self.serve.on_serve(server, self.config, self.lint_config)

    # -- per-build events -----------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.serve.on_config(config, self.config)
        self.plan = None
        self.page_uris = set()
        self.seconds = 0.0
        if not self.config.enabled:
            return None
        started = time.perf_counter()
        self.lint_config = read_lint_config(config, self.config)
        self.user_nav = list(config.nav) if config.nav is not None else None
        add_assets(config)
        self.seconds += time.perf_counter() - started
        return config

    @event_priority(-100)  # right before MkDocs cleans site_dir
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.serve.on_pre_build(config)

    @event_priority(100)  # the first event after MkDocs cleaned site_dir
    def _restore_output(self, files: Files, /, *, config: MkDocsConfig) -> None:
        self.serve.on_files()

    def _add_pages(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.lint_config is None:
            return None
        started = time.perf_counter()
        tree = scan_and_lint(self.lint_config, self.config, self.serve)
        moves = site_moves(tree, self.config)
        options = site_options(config, self.config, self.lint_config)
        plan = plan_site(tree, options, moves, self.serve.plan_memo_for_build())
        self.page_uris = publish(
            files,
            plan,
            options,
            config,
            root=tree.root,
            rules_uri=self.config.rules_page,
            user_nav=self.user_nav,
        )
        self.plan = plan
        self.seconds += time.perf_counter() - started
        categories = sum(category.grouping for category in tree.categories.values())
        log.info(
            f"skillshelf: {len(tree.skills)} skills, {categories} categories, "
            f"{len(plan.pages)} pages, {len(moves.skills)} redirected skills "
            f"(plugin time {self.seconds * 1000:.0f} ms)"
        )
        return files

    on_files = CombinedEvent(_restore_output, _add_pages)

    @event_priority(-100)  # after other plugins changed the nav
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> None:
        self.serve.on_nav(nav, self.page_uris)

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Fill the lists a hand-written page asks for (skillshelf.site.placeholders)."""
        plan = self.plan
        if plan is None or plan.placeholders is None or page.file.src_uri in self.page_uris:
            return None
        return fill_placeholders(markdown, page.url, plan.placeholders)

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> None:
        self.serve.on_pre_page(page)

    @event_priority(-100)  # every page has its final content and title by now
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        self.serve.on_env(env, config, files)

    @event_priority(-100)  # after other plugins added to the context
    def on_page_context(
        self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> None:
        self.serve.on_page_context(context, page)

    @event_priority(100)  # the template's output, before other plugins change it
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> None:
        self.serve.on_post_page(output, page)

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.serve.caching:
            self.sanitizer.keep_only(self.page_uris)
        self.serve.on_post_build()

    def on_build_error(self, *, error: Exception) -> None:
        self.serve.on_build_error()

    @event_priority(100)  # the HTML Markdown made, before other plugins add to it
    def _sanitize(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Strip what would run script from the HTML of a page built from the tree."""
        if self.config.sanitize and page.file.src_uri in self.page_uris:
            return self.sanitizer.clean(page.file.src_uri, html, remember=self.serve.caching)
        return None

    def _safe_title(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give every page from the tree a title that is safe to print as HTML.

        Themes print ``page.title`` as HTML, unescaped. A title taken from the
        page's heading is escaped text, but one from a document's own ``title:``
        frontmatter, or one made from its file name, is raw; and material's
        ``<title>`` runs ``striptags``, which turns the heading's ``&lt;`` back
        into ``<`` (a skill named ``</title><script>...`` ran its script). The
        title, as escaped text, goes into ``meta["title"]``, which MkDocs and
        material print as is.
        """
        if page.file.src_uri in self.page_uris and page.title is not None:
            page.meta["title"] = esc(unescape(str(page.title)))
        return None

    on_page_content = CombinedEvent(_sanitize, _safe_title)
