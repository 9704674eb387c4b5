"""The ``skillshelf`` MkDocs plugin: publish the skills tree as part of the site.

Event hooks only; the work happens in :mod:`skillshelf.site`, which knows
nothing about MkDocs:

* ``on_config``: read the project's skillshelf configuration, add the
  catalog's CSS and JavaScript;
* ``on_files``: scan (and lint) the tree once, plan the site, add its pages
  and files (backed by the skills tree, never copied into ``docs_dir``) and
  set the nav: hand-written pages, the catalog, then one section per category;
* ``on_page_content``: strip what would run script from the HTML of every page
  the plugin added (option ``sanitize``, :mod:`skillshelf.site.sanitize`);
* ``on_serve``: watch the skills tree, so edits rebuild with a fresh scan.

MkDocs reuses the plugin instance across ``mkdocs serve`` rebuilds but hands
it a fresh config each time; nothing about the tree is kept between builds.
Under ``mkdocs serve`` (option ``serve_cache``), a rebuild reuses what did not
change, and its output is byte for byte what a clean build writes:

* the scan reads only the files that changed (the scan cache);
* the plan reuses the generated Markdown of every page whose inputs did not
  change (:class:`skillshelf.site.memo.PlanMemo`);
* the pages the plugin adds reuse the split of their source into Markdown and
  metadata, their Markdown conversion and finished HTML,
  every page its search index entries (mkdocs-material's search), and the
  theme's templates are compiled once (:mod:`skillshelf.mkdocs.serve_cache`,
  which says what each key holds);
* the previous rebuild's files stay in ``site_dir`` and are only rewritten
  when their bytes change; whatever this rebuild did not write is removed
  (:mod:`skillshelf.mkdocs.serve_output`);
* ``on_serve`` freezes what the first build left out of the garbage
  collector's walks, and watches the skills tree with inotify rather than
  MkDocs' polling (:mod:`skillshelf.mkdocs.serve_watch`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from watchdog.observers.api import BaseObserver

from skillshelf import report
from skillshelf.cache import ScanCache
from skillshelf.config import ConfigError, LintConfig, load_config
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.mkdocs.config import SkillshelfConfig
from skillshelf.mkdocs.serve_cache import (
    CollectorPause,
    PageCache,
    RenderCache,
    SearchCache,
    SourceCache,
    TemplateCodeCache,
    freeze_what_startup_made,
)
from skillshelf.mkdocs.serve_output import KeptOutput
from skillshelf.mkdocs.serve_watch import stop as stop_watching
from skillshelf.mkdocs.serve_watch import watch_natively
from skillshelf.model import SkillTree, scan
from skillshelf.readahead import read_ahead
from skillshelf.site.formulas import LOADER_URI, uses_math
from skillshelf.site.memo import PlanMemo
from skillshelf.site.moves import Moves, find_moves, read_moves_file, resolve_moves
from skillshelf.site.options import SiteOptions
from skillshelf.site.placeholders import fill as fill_placeholders
from skillshelf.site.plan import (
    ASSET_URIS,
    NavItem,
    SitePage,
    SitePlan,
    clashes_with,
    plan_site,
    prune_nav,
    refusal_message,
)
from skillshelf.site.sanitize import Sanitizer
from skillshelf.site.text import derive_source_url, esc, quote_path

# "mkdocs.plugins.skillshelf" under MkDocs, "properdocs.plugins.skillshelf" under
# ProperDocs (which aliases the mkdocs package): the engine counts warnings for
# --strict on its own logger tree.
log = logging.getLogger(f"{BasePlugin.__module__.split('.')[0]}.plugins.skillshelf")


class SkillshelfPlugin(BasePlugin[SkillshelfConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.command: str = "build"
        self.dirty = False
        self.lint_config: LintConfig | None = None
        self.user_nav: list[Any] | None = None
        self.plan: SitePlan | None = None
        self.tree: SkillTree | None = None
        #: Source paths of the pages this build added from the tree.
        self.page_uris: set[str] = set()
        self.seconds: float = 0.0
        self.nav: Navigation | None = None
        #: Kept across ``mkdocs serve`` rebuilds (see :mod:`skillshelf.mkdocs.serve_cache`).
        self.source_cache = SourceCache()
        self.render_cache = RenderCache()
        self.page_cache = PageCache()
        self.scan_cache: ScanCache | None = None
        self.search_cache = SearchCache()
        self.template_code = TemplateCodeCache()
        self.kept_output = KeptOutput()
        self.plan_memo = PlanMemo()
        #: Cleans the pages' HTML; under ``mkdocs serve`` it keeps each page's last result.
        self.sanitizer = Sanitizer()
        #: The garbage collector's pause during rebuilds (once serving started).
        self.collector = CollectorPause()
        self.serving = False
        #: The inotify watcher of the skills tree while serving (None: MkDocs polls it).
        self.tree_watcher: BaseObserver | None = None

    def _caching(self) -> bool:
        return self.command == "serve" and self.config.enabled and self.config.serve_cache

    # -- one-time events ----------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
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
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        if self.config.enabled and self.lint_config is not None:
            root = str(self.lint_config.root)
            # the kernel's notifications when it can, not a poll of the whole tree
            if self.tree_watcher is None and self.config.serve_cache:
                self.tree_watcher = watch_natively(server, root)
            if self.tree_watcher is None:
                server.watch(root)
            if self.lint_config.source is not None:
                server.watch(str(self.lint_config.source))
        if self._caching():
            # the first build is over: what it left behind is for the caches only
            self.nav = None
            self.plan = None
            self.tree = None
            freeze_what_startup_made()
            self.serving = True
        return server

    # -- per-build events -----------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.plan = None
        self.tree = None
        self.page_uris = set()
        self.seconds = 0.0
        self.nav = None
        if not self.config.enabled:
            return None
        if self._caching():
            if self.serving:
                self.collector.pause()
            self.source_cache.begin(config)
            self.render_cache.begin(config)
        started = time.perf_counter()
        project_dir = Path(config.config_file_path or ".").resolve().parent
        option_file = self.config.config_file
        option_root = self.config.root
        try:
            self.lint_config = load_config(
                project_dir,
                config_file=project_dir / option_file if option_file else None,
                root=(project_dir / option_root).resolve() if option_root else None,
            )
        except ConfigError as error:
            raise PluginError(f"skillshelf: {error}") from None
        root = self.lint_config.root
        docs_dir = Path(config.docs_dir).resolve()
        if _overlaps(root, docs_dir):
            raise PluginError(
                f"skillshelf: the skills root {root} and docs_dir {docs_dir} must not contain "
                "one another: pages come from the skills tree directly"
            )
        self.user_nav = list(config.nav) if config.nav is not None else None
        for uri, extra in ((ASSET_URIS["css"], config.extra_css),):
            if uri not in extra:
                extra.append(uri)
        scripts = [ASSET_URIS["js"]]
        if uses_math(config.markdown_extensions):
            scripts.append(LOADER_URI)  # MathJax itself only on pages with formulas
        for uri in scripts:
            if uri not in [str(script) for script in config.extra_javascript]:
                config.extra_javascript.append(uri)
        self.seconds += time.perf_counter() - started
        return config

    @event_priority(-100)  # right before MkDocs cleans site_dir
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self._caching() and not self.dirty:
            self.kept_output.stash(config.site_dir, config.plugins.values())

    @event_priority(100)  # the first event after MkDocs cleaned site_dir
    def _restore_output(self, files: Files, /, *, config: MkDocsConfig) -> None:
        self.kept_output.restore()

    def _add_pages(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.lint_config is None:
            return None
        started = time.perf_counter()
        lint_config = self.lint_config
        tree = self._scan_and_lint(lint_config)
        self.tree = tree
        moves = self._moves(tree)
        options = SiteOptions(
            site_name=config.site_name,
            site_url=config.site_url or None,
            site_description=config.site_description or "",
            use_directory_urls=config.use_directory_urls,
            source_url=self.config.source_uri
            or derive_source_url(
                config.repo_url, config.edit_uri, config.docs_dir, lint_config.project_dir
            ),
            project_dir=lint_config.project_dir,
            catalog=self.config.catalog or None,
            skills_json=self.config.skills_json,
            llms_txt=self.config.llms_txt,
            redirects=self.config.redirects,
            math=uses_math(config.markdown_extensions),
            install_command=self.config.install_command,
        )
        plan = plan_site(tree, options, moves, self.plan_memo if self._caching() else None)
        _refuse_non_utf8_names(plan, tree.root, lint_config.project_dir)
        clashes = clashes_with(plan, _published_by_others(config, files, plan))
        refusals = [*plan.refusals, *clashes.refusals]
        if refusals:
            raise PluginError(f"skillshelf: {refusal_message(refusals)}")
        self.plan = plan
        for problem in [*plan.problems, *clashes.skipped.values()]:
            log.info(problem)
        for warning in plan.warnings:
            log.warning(f"skillshelf: {warning}")
        docs_dir = Path(config.docs_dir).resolve()
        added: set[str] = set()
        for page in plan.pages:
            if page.src_uri in files:
                log.warning(
                    f"skillshelf: docs_dir has its own {page.src_uri}; the generated "
                    f"{page.kind} page is not used"
                )
                continue
            files.append(self._page_file(page, config, docs_dir))
            added.add(page.src_uri)
        for item in plan.files:
            if item.src_uri in clashes.skipped:
                continue
            if item.src_uri in files:
                log.info(f"skillshelf: docs_dir has its own {item.src_uri}; not replaced")
                continue
            if item.source is not None:
                file = File.generated(config, item.src_uri, abs_src_path=str(item.source))
            else:
                file = File.generated(config, item.src_uri, content=item.content or "")
            files.append(file)
        config.nav = self._nav(files, plan, added)
        self.page_uris = added
        self.seconds += time.perf_counter() - started
        log.info(
            f"skillshelf: {len(tree.skills)} skills, {len(tree.categories)} categories, "
            f"{len(plan.pages)} pages, {len(moves.skills)} redirected skills "
            f"(plugin time {self.seconds * 1000:.0f} ms)"
        )
        return files

    on_files = CombinedEvent(_restore_output, _add_pages)

    @event_priority(-100)  # after other plugins changed the nav
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> None:
        self.nav = nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Fill the lists a hand-written page asks for (skillshelf.site.placeholders)."""
        plan = self.plan
        if plan is None or plan.placeholders is None or page.file.src_uri in self.page_uris:
            return None
        return fill_placeholders(markdown, page.url, plan.placeholders)

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> None:
        if self._caching() and page.file.src_uri in self.page_uris:
            self.source_cache.install(page)
            self.render_cache.install(page)

    @event_priority(-100)  # every page has its final content and title by now
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        if self._caching():
            self.template_code.install(env)
            self.page_cache.begin(env, config, files, self.nav)
            self.search_cache.begin(config.plugins.values())
            self.kept_output.check(_outputs(config, files))
            self.kept_output.skip_unchanged()

    @event_priority(-100)  # after other plugins added to the context
    def on_page_context(
        self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> None:
        if self._caching() and page.file.src_uri in self.page_uris:
            self.page_cache.lookup(context, page)

    @event_priority(100)  # the template's output, before other plugins change it
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> None:
        if self._caching():
            self.page_cache.store(output, page)

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._caching():
            self.sanitizer.keep_only(self.page_uris)
            self.source_cache.keep_only(self.page_uris)
            self.render_cache.keep_only(self.page_uris)
            self.page_cache.keep_only(self.page_uris)
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

    def on_build_error(self, *, error: Exception) -> None:
        # what MkDocs' clean would have left: nothing of the previous output
        self.kept_output.restore()
        self.kept_output.sweep()
        self.collector.finish()

    @event_priority(100)  # the HTML Markdown made, before other plugins add to it
    def _sanitize(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Strip what would run script from the HTML of a page built from the tree."""
        if self.config.sanitize and page.file.src_uri in self.page_uris:
            return self.sanitizer.clean(page.file.src_uri, html, remember=self._caching())
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

    # -- helpers ---------------------------------------------------------------------

    def _scan_and_lint(self, lint_config: LintConfig) -> SkillTree:
        first_of_session = self._caching() and self.scan_cache is None
        # Serving: the session's cache. Building: none, unless a big tree is read ahead.
        cache = self._scan_cache(lint_config) if self._caching() else read_ahead(lint_config, None)
        threshold = self.config.strict_lint
        if threshold == "off":
            tree = scan(lint_config.root, cache=cache)
        else:
            from skillshelf.lint import lint

            result = lint(lint_config, tree=scan(lint_config.root, cache=cache))
            rank = Severity.parse(threshold).rank
            for diagnostic in result.diagnostics:
                level = logging.WARNING if diagnostic.severity.rank >= rank else logging.INFO
                log.log(level, format_diagnostic(diagnostic, lint_config.project_dir))
            tree = result.tree
        # The session's cache goes to disk after the first build and when serving
        # stops (on_shutdown), not after every rebuild; an in-memory one never does.
        if cache is not None and (first_of_session or cache is not self.scan_cache):
            cache.save()
        return tree

    def _scan_cache(self, lint_config: LintConfig) -> ScanCache:
        """The scan cache of this serve session: opened (and, when empty, read
        ahead) for the first build, then carried in memory from one rebuild to
        the next, texts included."""
        cache = self.scan_cache
        if cache is not None and cache.root == lint_config.root:
            cache.next_run()
            return cache
        cache = self.scan_cache = ScanCache.open(lint_config.root)
        read_ahead(lint_config, cache)  # fills it in place when it is empty and the tree big
        return cache

    def _moves(self, tree: SkillTree) -> Moves:
        if not self.config.redirects:
            return Moves()
        skills = [skill.rel.as_posix() for skill in tree.skills]
        categories = list(tree.categories)
        if self.config.git_moves:
            moves = find_moves(tree.root, skills, categories)
        else:
            pairs, problems = read_moves_file(tree.root)
            moves = resolve_moves(pairs, skills, categories)
            moves.problems.extend(problems)
        for problem in moves.problems:
            log.warning(f"skillshelf: {problem}")
        return moves

    @staticmethod
    def _page_file(page: SitePage, config: MkDocsConfig, docs_dir: Path) -> File:
        file = File.generated(config, page.src_uri, content=page.content)
        file.dest_uri = page.dest_uri
        if page.section_index:
            # material's navigation.indexes makes a section clickable when its first
            # page is an index page; MkDocs decides that from the file's name.
            file.name = "index"
        if page.source is not None:
            # Backed by the real file: the edit button points at it, and MkDocs'
            # messages name it, but the content is what the plan rendered. The theme
            # prints the edit URL unescaped: a folder named 'x" onmouseover="...' must
            # stay inside the attribute, so the path is percent-encoded.
            file.abs_src_path = str(page.source)
            file.edit_uri = quote_path(Path(os.path.relpath(page.source, docs_dir)).as_posix())
        return file

    def _nav(self, files: Files, plan: SitePlan, added: set[str]) -> list[Any]:
        """Hand-written pages (mkdocs.yml's nav, else docs_dir's pages), the catalog,
        then the categories."""
        if self.user_nav is not None:
            head: list[Any] = list(self.user_nav)
        else:
            head = [
                file.src_uri
                for file in files.documentation_pages()
                if file.generated_by is None and file.src_uri not in added
            ]
        mentioned = set(_nav_paths(head))
        catalog: list[NavItem] = [
            item
            for item in plan.catalog_nav
            if not set(_nav_paths([item])) & mentioned and set(_nav_paths([item])) <= added
        ]
        return [*head, *catalog, *(prune_nav(plan.nav, added))]


def _refuse_non_utf8_names(plan: SitePlan, root: Path, project_dir: Path) -> None:
    """A file name that is not valid UTF-8 has no URL (MkDocs fails with a traceback
    deep in its URL quoting): stop the build with a message naming the file."""
    from skillshelf.report import printable

    for uri in [*(page.src_uri for page in plan.pages), *(item.src_uri for item in plan.files)]:
        if printable(uri) != uri:
            shown = printable(os.path.relpath(root / uri, project_dir))
            raise PluginError(
                f"skillshelf: {shown}: the file name is not valid UTF-8, so it cannot have "
                "a URL; rename it"
            )


def _published_by_others(config: MkDocsConfig, files: Files, plan: SitePlan) -> dict[str, str]:
    """The site paths the theme, docs_dir and other plugins write, each with who
    writes it. A docs_dir file with the source path of a generated one replaces it on
    purpose (see ``_add_pages``), so it is left out here; a theme's is not."""
    ours = {page.src_uri for page in plan.pages} | {item.src_uri for item in plan.files}
    docs_name = Path(config.docs_dir).name
    found: dict[str, str] = {}
    for file in files:
        if file.generated_by:
            who = f"the {file.generated_by} plugin's {file.src_uri}"
        elif file.src_dir == config.docs_dir:  # MkDocs gives docs_dir's files that folder
            if file.src_uri in ours:
                continue
            who = f"{docs_name}/{file.src_uri}"
        else:
            who = f"the theme's {file.src_uri}"
        found[file.dest_uri] = who
    for name in [*config.theme.static_templates, *config.extra_templates]:
        found.setdefault(name, f"the theme's {name}")
    found.setdefault("sitemap.xml.gz", "the sitemap")
    found.setdefault("search/search_index.json", "the search index")
    return found


def _outputs(config: MkDocsConfig, files: Files) -> Iterator[str]:
    """What the build will write into site_dir, relative to it: every file (drafts
    too, which serve writes), the theme's and the extra templates, search's index."""
    for file in files:
        yield file.dest_uri
    for name in [*config.theme.static_templates, *config.extra_templates]:
        yield name
        yield f"{name}.gz"
    yield "search/search_index.json"


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def _nav_paths(items: list[Any]) -> list[str]:
    found: list[str] = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found.extend(_nav_paths(value if isinstance(value, list) else [value]))
    return found


def format_diagnostic(diagnostic: Diagnostic, base: Path) -> str:
    """``skills/x/SKILL.md:3:7: frontmatter-schema message``, the way ``skillshelf lint``
    prints it (control characters in names and messages escaped)."""
    return report.text_line(diagnostic, base)
