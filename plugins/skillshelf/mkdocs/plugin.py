"""The ``skillshelf`` MkDocs plugin: publish the skills tree as part of the site.

Event hooks only; the work happens in :mod:`skillshelf.site`, which knows
nothing about MkDocs:

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

import logging
import os
import time
from dataclasses import replace
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

from skillshelf import report
from skillshelf.config import ConfigError, LintConfig, load_config
from skillshelf.diagnostics import Severity
from skillshelf.lint import check_rule_ids, lint
from skillshelf.mkdocs.config import SkillshelfConfig
from skillshelf.mkdocs.serve.session import ServeSession
from skillshelf.model import SkillTree, scan
from skillshelf.readahead import read_ahead
from skillshelf.rules import all_rules
from skillshelf.site.compat import uses_admonitions
from skillshelf.site.formulas import LOADER_URI, uses_math
from skillshelf.site.home import HOME_URI, home_page, needs_home
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
from skillshelf.site.rules_page import rules_page
from skillshelf.site.sanitize import Sanitizer
from skillshelf.site.text import derive_source_url, esc, quote_path
from skillshelf.titles import title_words

# "mkdocs.plugins.skillshelf" under MkDocs, "properdocs.plugins.skillshelf" under
# ProperDocs (which aliases the mkdocs package): the engine counts warnings for
# --strict on its own logger tree.
log = logging.getLogger(f"{BasePlugin.__module__.split('.')[0]}.plugins.skillshelf")


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
        project_dir = Path(config.config_file_path or ".").resolve().parent
        option_file = self.config.config_file
        option_root = self.config.root
        option_roots = self.config.roots
        try:
            if option_root and option_roots:
                raise ConfigError("plugin options: give either root or roots, not both")
            self.lint_config = load_config(
                project_dir,
                config_file=project_dir / option_file if option_file else None,
                root=(project_dir / option_root).resolve() if option_root else None,
                roots=[project_dir / r for r in option_roots] if option_roots else None,
            )
            check_rule_ids(self.lint_config)
        except ConfigError as error:
            raise PluginError(f"skillshelf: {error}") from None
        docs_dir = Path(config.docs_dir).resolve()
        for root in self.lint_config.root_dirs:
            if _overlaps(root, docs_dir):
                raise PluginError(
                    f"skillshelf: the skills root {root} and docs_dir {docs_dir} must not "
                    "contain one another: pages come from the skills tree directly"
                )
        # Site-absolute links in the skills are checked against docs_dir (unverifiable-link).
        self.lint_config = replace(self.lint_config, docs_dir=docs_dir)
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
        self.serve.on_pre_build(config)

    @event_priority(100)  # the first event after MkDocs cleaned site_dir
    def _restore_output(self, files: Files, /, *, config: MkDocsConfig) -> None:
        self.serve.on_files()

    def _add_pages(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.lint_config is None:
            return None
        started = time.perf_counter()
        lint_config = self.lint_config
        tree = self._scan_and_lint(lint_config)
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
            admonitions=uses_admonitions(config.markdown_extensions),
            install_command=self.config.install_command,
        )
        plan = plan_site(tree, options, moves, self.serve.plan_memo_for_build())
        _refuse_non_utf8_names(plan, tree.root, lint_config.project_dir)
        rules_uri = self._add_rules_page(files, config)
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
        home = None
        if plan.placeholders is not None and needs_home(
            file.src_uri for file in files.documentation_pages()
        ):
            # docs_dir has no page at the site's root: the plugin provides one
            content = home_page(options, plan.placeholders)
            # Not one of the tree's pages (self.page_uris): its search form is the
            # plugin's own markup, which the sanitizer would strip.
            files.append(File.generated(config, HOME_URI, content=content))
            home = HOME_URI
        config.nav = self._nav(files, plan, added, rules_uri, home)
        self.page_uris = added
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

    # -- helpers ---------------------------------------------------------------------

    def _scan_and_lint(self, lint_config: LintConfig) -> SkillTree:
        # Serving: the session's cache. Building: none, unless a big tree is read ahead.
        session_cache = self.serve.scan_cache_for(lint_config)
        cache = session_cache if session_cache is not None else read_ahead(lint_config, None)
        threshold = self.config.strict_lint
        words = title_words(self.config.title_words)
        tree = scan(
            lint_config.root,
            roots=lint_config.roots,
            reader=cache,
            title_words=words,
            exclude=lint_config.excluded,
        )
        if threshold != "off":
            result = lint(lint_config, tree=tree, store=cache)
            warn_from = Severity.parse(threshold)
            for diagnostic in result.diagnostics:
                warns = diagnostic.severity.at_least(warn_from)
                line = report.text_line(diagnostic, lint_config.project_dir)
                log.log(logging.WARNING if warns else logging.INFO, line)
            tree = result.tree
        # The session's cache goes to disk after the build that opened it and when
        # serving stops (on_shutdown), not after every rebuild.
        if cache is not None and (session_cache is None or self.serve.scan_cache_opened):
            cache.save()
        return tree

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

    def _add_rules_page(self, files: Files, config: MkDocsConfig) -> str | None:
        """Add the rules reference page (option ``rules_page``); its source path, or
        None when there is none (off, or docs_dir has its own file there)."""
        uri = self.config.rules_page
        if not uri:
            return None
        if uri in files:
            log.warning(f"skillshelf: docs_dir has its own {uri}; the rules page is not used")
            return None
        files.append(File.generated(config, uri, content=rules_page(all_rules())))
        return uri

    def _nav(
        self,
        files: Files,
        plan: SitePlan,
        added: set[str],
        rules_uri: str | None = None,
        home: str | None = None,
    ) -> list[Any]:
        """Hand-written pages (mkdocs.yml's nav, else docs_dir's pages, after the
        generated ``home`` page if any), the catalog, the rules page, then the
        categories."""
        if self.user_nav is not None:
            head: list[Any] = list(self.user_nav)
        else:
            head = [] if home is None else [{"Home": home}]
            head += [
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
        rules = [rules_uri] if rules_uri is not None and rules_uri not in mentioned else []
        return [*head, *catalog, *rules, *(prune_nav(plan.nav, added))]


def _refuse_non_utf8_names(plan: SitePlan, root: Path, project_dir: Path) -> None:
    """A file name that is not valid UTF-8 has no URL (MkDocs fails with a traceback
    deep in its URL quoting): stop the build with a message naming the file."""
    for uri in [*(page.src_uri for page in plan.pages), *(item.src_uri for item in plan.files)]:
        if report.printable(uri) != uri:
            shown = report.printable(os.path.relpath(root / uri, project_dir))
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
