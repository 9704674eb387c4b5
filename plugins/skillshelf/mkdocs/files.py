"""A site plan put into MkDocs' files and nav.

``publish`` is the whole of ``on_files`` after the plan is made: refuse what
cannot be published, add the plan's pages and files (docs_dir's own files of
the same path win), the rules page, a home page when docs_dir has none, and
set the nav. Pages are backed by the skills tree, never copied into docs_dir.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions

from skillshelf import report
from skillshelf.mkdocs.logger import log
from skillshelf.rules import all_rules
from skillshelf.site.home import HOME_URI, home_page, needs_home
from skillshelf.site.options import SiteOptions
from skillshelf.site.plan import (
    NavItem,
    SitePage,
    SitePlan,
    clashes_with,
    prune_nav,
    refusal_message,
)
from skillshelf.site.rules_page import rules_page
from skillshelf.site.text import quote_path


def publish(
    files: Files,
    plan: SitePlan,
    options: SiteOptions,
    config: MkDocsConfig,
    *,
    root: Path,
    rules_uri: str,
    user_nav: list[Any] | None,
) -> set[str]:
    """Add ``plan`` of the tree at ``root`` to ``files`` and set ``config.nav``; the
    source paths of the pages added from the tree (docs_dir's own file of the same path
    is kept instead)."""
    _refuse_non_utf8_names(plan, root, options.project_dir or root)
    rules = add_rules_page(files, config, rules_uri)
    clashes = clashes_with(plan, published_by_others(config, files, plan))
    refusals = [*plan.refusals, *clashes.refusals]
    if refusals:
        raise PluginError(f"skillshelf: {refusal_message(refusals)}")
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
        files.append(page_file(page, config, docs_dir))
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
        # docs_dir has no page at the site's root: the plugin provides one. It is not
        # one of the tree's pages (not in ``added``): its search form is the plugin's
        # own markup, which the sanitizer would strip.
        files.append(
            File.generated(config, HOME_URI, content=home_page(options, plan.placeholders))
        )
        home = HOME_URI
    config.nav = site_nav(user_nav, files, plan, added, rules, home)
    # Pages the nav leaves out on purpose (a skill's Markdown outside references/, which
    # its SKILL.md links to) are published but marked so: MkDocs lists every other page
    # missing from the nav as an omission.
    # The user's exclude_docs and draft_docs still decide first, as MkDocs would.
    in_nav = set(nav_paths(config.nav))
    for uri in sorted(added - in_nav):
        left_out = files.get_file_from_path(uri)
        if left_out is None:
            continue
        set_exclusions([left_out], config)
        if left_out.inclusion == InclusionLevel.INCLUDED:
            left_out.inclusion = InclusionLevel.NOT_IN_NAV
    return added


def page_file(page: SitePage, config: MkDocsConfig, docs_dir: Path) -> File:
    """The MkDocs file of a planned page: its rendered content, its planned address."""
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


def add_rules_page(files: Files, config: MkDocsConfig, uri: str) -> str | None:
    """Add the rules reference page at ``uri`` (option ``rules_page``); its source
    path, or None when there is none (off, or docs_dir has its own file there)."""
    if not uri:
        return None
    if uri in files:
        log.warning(f"skillshelf: docs_dir has its own {uri}; the rules page is not used")
        return None
    files.append(File.generated(config, uri, content=rules_page(all_rules())))
    return uri


def site_nav(
    user_nav: list[Any] | None,
    files: Files,
    plan: SitePlan,
    added: set[str],
    rules_uri: str | None = None,
    home: str | None = None,
) -> list[Any]:
    """Hand-written pages (mkdocs.yml's nav, else docs_dir's pages, after the
    generated ``home`` page if any), the catalog, the rules page, then the
    categories."""
    if user_nav is not None:
        head: list[Any] = list(user_nav)
    else:
        head = [] if home is None else [{"Home": home}]
        head += [
            file.src_uri
            for file in files.documentation_pages()
            if file.generated_by is None and file.src_uri not in added
        ]
    mentioned = set(nav_paths(head))
    catalog: list[NavItem] = [
        item
        for item in plan.catalog_nav
        if not set(nav_paths([item])) & mentioned and set(nav_paths([item])) <= added
    ]
    rules = [rules_uri] if rules_uri is not None and rules_uri not in mentioned else []
    return [*head, *catalog, *rules, *(prune_nav(plan.nav, added))]


def published_by_others(config: MkDocsConfig, files: Files, plan: SitePlan) -> dict[str, str]:
    """The site paths the theme, docs_dir and other plugins write, each with who
    writes it. A docs_dir file with the source path of a generated one replaces it on
    purpose (see ``publish``), so it is left out here; a theme's is not."""
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


def nav_paths(items: list[Any]) -> list[str]:
    """Every page path a nav (as in mkdocs.yml) names, depth first."""
    found: list[str] = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found.extend(nav_paths(value if isinstance(value, list) else [value]))
    return found


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
