"""One ``mkdocs serve`` session: what a rebuild reuses of the ones before it.

MkDocs reuses the plugin instance across ``mkdocs serve`` rebuilds but hands
it a fresh config each time. :class:`ServeSession` is the plugin's memory of
the session; each of its ``on_*`` methods is the serve side of the plugin's
event of that name, which hands over to it in one line. Under ``mkdocs serve``
with the plugin option ``serve_cache`` (on by default), a rebuild reuses what
did not change, and its output is byte for byte what a clean build writes:

* the scan reads only the files that changed (the scan cache, carried in
  memory from one rebuild to the next);
* the plan reuses the generated Markdown of every page whose inputs did not
  change (:class:`skillshelf.site.memo.PlanMemo`);
* the pages the plugin adds reuse the split of their source
  (:mod:`~skillshelf.mkdocs.serve.source`), their Markdown render
  (:mod:`~skillshelf.mkdocs.serve.render`) and their finished HTML
  (:mod:`~skillshelf.mkdocs.serve.page`, keyed on what each page shows of the
  navigation: :mod:`~skillshelf.mkdocs.serve.navview`); every page of the site
  its search entries (:mod:`~skillshelf.mkdocs.serve.search`); the theme's
  templates are compiled once (:mod:`~skillshelf.mkdocs.serve.templates`);
* the previous rebuild's files stay in ``site_dir`` and are only rewritten
  when their bytes change (:mod:`~skillshelf.mkdocs.serve.output`);
* the skills tree is watched with inotify rather than MkDocs' polling
  (:mod:`~skillshelf.mkdocs.serve.watch`), and the garbage collector is kept
  out of the rebuilds' way (:mod:`~skillshelf.mkdocs.serve.collector`).

Each module says what its keys hold. Whatever they need of MkDocs',
material's or Jinja's internals is in :mod:`~skillshelf.mkdocs.serve.internals`.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from watchdog.observers.api import BaseObserver

from skillshelf import cache_folder
from skillshelf.cache import ScanCache
from skillshelf.config import LintConfig
from skillshelf.mkdocs.config import SkillshelfConfig
from skillshelf.mkdocs.serve import internals
from skillshelf.mkdocs.serve.collector import CollectorPause, freeze_what_startup_made
from skillshelf.mkdocs.serve.output import KeptOutput, build_outputs
from skillshelf.mkdocs.serve.page import PageCache
from skillshelf.mkdocs.serve.render import RenderCache
from skillshelf.mkdocs.serve.search import SearchCache
from skillshelf.mkdocs.serve.source import SourceCache
from skillshelf.mkdocs.serve.templates import TemplateCodeCache
from skillshelf.mkdocs.serve.watch import stop as stop_watching
from skillshelf.mkdocs.serve.watch import watch_natively
from skillshelf.readahead import read_ahead
from skillshelf.site.memo import PlanMemo

# The plugin's own logger (the engine counts warnings for --strict on its tree).
log = logging.getLogger(f"{internals.ENGINE}.plugins.skillshelf")


class ServeSession:
    """What the plugin keeps across ``mkdocs serve`` rebuilds (see the module docstring)."""

    def __init__(self) -> None:
        self.command: str = "build"
        self.dirty = False
        #: This build reuses: serving, the plugin and its ``serve_cache`` option on.
        self.caching = False
        #: The first build is over and the server runs.
        self.serving = False
        #: This build: the pages the plugin added (source paths), the final navigation.
        self.pages: set[str] = set()
        self.nav: Navigation | None = None
        self.scan_cache: ScanCache | None = None
        #: Whether ``scan_cache`` was opened by this build: then it goes to disk after
        #: the scan; else only when serving stops, not after every rebuild.
        self.scan_cache_opened = False
        self.plan_memo = PlanMemo()
        self.source_cache = SourceCache()
        self.render_cache = RenderCache()
        self.page_cache = PageCache()
        self.search_cache = SearchCache()
        self.template_code = TemplateCodeCache()
        self.kept_output = KeptOutput()
        #: The garbage collector's pause during rebuilds (once serving started).
        self.collector = CollectorPause()
        #: The inotify watcher of the skills tree while serving (None: MkDocs polls it).
        self.tree_watcher: BaseObserver | None = None

    # -- one-time events ----------------------------------------------------------------

    def on_startup(self, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self.collector.stop()
        self.serving = False
        if self.tree_watcher is not None:
            stop_watching(self.tree_watcher)
            self.tree_watcher = None
        if self.scan_cache is not None:
            self.scan_cache.save()  # what the session learnt, for the next `skillshelf lint`

    def on_serve(
        self, server: LiveReloadServer, options: SkillshelfConfig, lint_config: LintConfig | None
    ) -> LiveReloadServer:
        """Watch the skills tree (natively when ``serve_cache`` allows) and the lint
        configuration; once serving, what the first build left is for the caches only."""
        if options.enabled and lint_config is not None:
            roots = [str(folder) for folder in lint_config.root_dirs]
            # the kernel's notifications when it can, not a poll of the whole tree
            if self.tree_watcher is None and options.serve_cache:
                self.tree_watcher = watch_natively(server, *roots)
            if self.tree_watcher is None:
                for root in roots:
                    server.watch(root)
            if lint_config.source is not None:
                server.watch(str(lint_config.source))
        if self.command == "serve" and options.enabled and options.serve_cache:
            self.nav = None
            freeze_what_startup_made()
            self.serving = True
        return server

    # -- per-build events ---------------------------------------------------------------

    def on_config(self, config: MkDocsConfig, options: SkillshelfConfig) -> None:
        self.caching = self.command == "serve" and options.enabled and options.serve_cache
        self.pages = set()
        self.nav = None
        self.scan_cache_opened = False
        if self.caching:
            if self.serving:
                self.collector.pause()
            self.source_cache.begin(config)
            self.render_cache.begin(config)

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Right before MkDocs cleans ``site_dir``: keep the previous output out of its way."""
        if self.caching and not self.dirty:
            self.kept_output.stash(config.site_dir, config.plugins.values())

    def on_files(self) -> None:
        """Right after MkDocs cleaned ``site_dir``: the previous output goes back."""
        self.kept_output.restore()

    def scan_cache_for(self, lint_config: LintConfig) -> ScanCache | None:
        """The scan cache of this session (None when this build does not reuse):
        opened (and, when empty, read ahead) for the first build, then carried in
        memory from one rebuild to the next, texts included."""
        if not self.caching:
            return None
        cache = self.scan_cache
        if cache is not None and cache.root == lint_config.root:
            cache.next_run()
            return cache
        refused = cache_folder.refusal(cache_folder.own_folder())
        if refused is not None:  # the CLI says the same; the session then keeps it in memory
            log.info("not using the scan cache on disk: %s", refused)
        cache = self.scan_cache = ScanCache.open(lint_config.root)
        read_ahead(lint_config, cache)  # fills it in place when it is empty and the tree big
        self.scan_cache_opened = True
        return cache

    def plan_memo_for_build(self) -> PlanMemo | None:
        """The plan's memo of generated Markdown (None when this build does not reuse)."""
        return self.plan_memo if self.caching else None

    def on_nav(self, nav: Navigation, pages: set[str]) -> None:
        """The final navigation, and which pages the plugin added (``pages``)."""
        self.nav = nav
        self.pages = pages

    def on_pre_page(self, page: Page) -> None:
        if self.caching and page.file.src_uri in self.pages:
            self.source_cache.install(page)
            self.render_cache.install(page)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> None:
        """Every page has its final content and title: fingerprint what pages share,
        route templates and search through the caches, prepare to write."""
        if self.caching:
            self.template_code.install(env)
            self.page_cache.begin(env, config, files, self.nav)
            self.search_cache.begin(config.plugins.values())
            self.kept_output.check(build_outputs(config, files))
            self.kept_output.skip_unchanged()

    def on_page_context(self, context: Any, page: Page) -> None:
        if self.caching and page.file.src_uri in self.pages:
            self.page_cache.lookup(context, page)

    def on_post_page(self, output: str, page: Page) -> None:
        if self.caching:
            self.page_cache.store(output, page)

    def on_post_build(self) -> None:
        if not self.caching:
            return
        self.source_cache.keep_only(self.pages)
        self.render_cache.keep_only(self.pages)
        self.page_cache.keep_only(self.pages)
        self.search_cache.keep_only_seen()
        self.kept_output.sweep()
        self.collector.finish()
        log.info(
            f"skillshelf: serve cache: {self.plan_memo.hits} generated Markdown, "
            f"{self.source_cache.hits} source, {self.render_cache.hits} Markdown, "
            f"{self.page_cache.hits} page and {self.search_cache.hits} search hits, "
            f"{self.plan_memo.misses}, {self.source_cache.misses}, "
            f"{self.render_cache.misses}, "
            f"{self.page_cache.misses} and "
            f"{self.search_cache.misses} misses; {self.kept_output.kept} files of the "
            f"last rebuild kept ({self.kept_output.unchanged} of them unchanged, not "
            f"rewritten), {self.kept_output.removed} removed"
        )

    def on_build_error(self) -> None:
        # what MkDocs' clean would have left: nothing of the previous output
        self.kept_output.restore()
        self.kept_output.sweep()
        self.collector.finish()
