"""One build's inputs, worked out from MkDocs' configuration and the plugin's options.

Plain functions the hooks in :mod:`skillshelf.mkdocs.plugin` hand over to:
the skillshelf configuration (``on_config``), the assets every page loads,
the scanned and linted tree, the skills' moves and the site options
(``on_files``). Each failure a user can fix is a :class:`PluginError` that
says what to change.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from skillshelf import report
from skillshelf.config import ConfigError, LintConfig, load_config
from skillshelf.diagnostics import Severity
from skillshelf.lint import check_rule_ids, lint
from skillshelf.mkdocs.config import SkillshelfConfig
from skillshelf.mkdocs.logger import log
from skillshelf.mkdocs.serve.session import ServeSession
from skillshelf.model import SkillTree, scan
from skillshelf.readahead import read_ahead
from skillshelf.site.compat import uses_admonitions
from skillshelf.site.formulas import LOADER_URI, uses_math
from skillshelf.site.moves import Moves, find_moves, read_moves_file, resolve_moves
from skillshelf.site.options import SiteOptions
from skillshelf.site.plan import ASSET_URIS
from skillshelf.site.text import derive_source_url
from skillshelf.titles import title_words


def read_lint_config(config: MkDocsConfig, options: SkillshelfConfig) -> LintConfig:
    """The skillshelf configuration for this site: found from ``mkdocs.yml``'s
    folder, with the plugin options ``config_file``, ``root`` and ``roots`` on top."""
    project_dir = Path(config.config_file_path or ".").resolve().parent
    try:
        if options.root and options.roots:
            raise ConfigError("plugin options: give either root or roots, not both")
        lint_config = load_config(
            project_dir,
            config_file=project_dir / options.config_file if options.config_file else None,
            root=(project_dir / options.root).resolve() if options.root else None,
            roots=[project_dir / r for r in options.roots] if options.roots else None,
        )
        check_rule_ids(lint_config)
    except ConfigError as error:
        raise PluginError(f"skillshelf: {error}") from None
    docs_dir = Path(config.docs_dir).resolve()
    for root in lint_config.root_dirs:
        if overlaps(root, docs_dir):
            raise PluginError(
                f"skillshelf: the skills root {root} and docs_dir {docs_dir} must not "
                "contain one another: pages come from the skills tree directly"
            )
    # Site-absolute links in the skills are checked against docs_dir (unverifiable-link).
    return replace(lint_config, docs_dir=docs_dir)


def add_assets(config: MkDocsConfig) -> None:
    """The catalog's CSS and JavaScript on every page, and the math loader when the
    Markdown extensions can produce formulas (MathJax itself only where there are some)."""
    if ASSET_URIS["css"] not in config.extra_css:
        config.extra_css.append(ASSET_URIS["css"])
    scripts = [ASSET_URIS["js"]]
    if uses_math(config.markdown_extensions):
        scripts.append(LOADER_URI)
    for uri in scripts:
        if uri not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(uri)


def scan_and_lint(
    lint_config: LintConfig, options: SkillshelfConfig, serve: ServeSession
) -> SkillTree:
    """Scan the tree once and lint it (option ``strict_lint``), printing findings at or
    above the threshold as MkDocs warnings (so ``--strict`` fails on them)."""
    # Serving: the session's cache. Building: none, unless a big tree is read ahead.
    session_cache = serve.scan_cache_for(lint_config)
    cache = session_cache if session_cache is not None else read_ahead(lint_config, None)
    tree = scan(
        lint_config.root,
        roots=lint_config.roots,
        reader=cache,
        title_words=title_words(options.title_words),
        exclude=lint_config.excluded,
    )
    if options.strict_lint != "off":
        result = lint(lint_config, tree=tree, store=cache)
        warn_from = Severity.parse(options.strict_lint)
        for diagnostic in result.diagnostics:
            warns = diagnostic.severity.at_least(warn_from)
            line = report.text_line(diagnostic, lint_config.project_dir)
            log.log(logging.WARNING if warns else logging.INFO, line)
        tree = result.tree
    # The session's cache goes to disk after the build that opened it and when
    # serving stops (on_shutdown), not after every rebuild.
    if cache is not None and (session_cache is None or serve.scan_cache_opened):
        cache.save()
    return tree


def site_moves(tree: SkillTree, options: SkillshelfConfig) -> Moves:
    """Where skills and categories moved from (options ``redirects`` and ``git_moves``)."""
    if not options.redirects:
        return Moves()
    skills = [skill.rel.as_posix() for skill in tree.skills]
    categories = list(tree.categories)
    if options.git_moves:
        moves = find_moves(tree.root, skills, categories)
    else:
        pairs, problems = read_moves_file(tree.root)
        moves = resolve_moves(pairs, skills, categories)
        moves.problems.extend(problems)
    for problem in moves.problems:
        log.warning(f"skillshelf: {problem}")
    return moves


def site_options(
    config: MkDocsConfig, options: SkillshelfConfig, lint_config: LintConfig
) -> SiteOptions:
    """What :mod:`skillshelf.site` needs of MkDocs' configuration and the plugin's."""
    return SiteOptions(
        site_name=config.site_name,
        site_url=config.site_url or None,
        site_description=config.site_description or "",
        use_directory_urls=config.use_directory_urls,
        source_url=options.source_uri
        or derive_source_url(
            config.repo_url, config.edit_uri, config.docs_dir, lint_config.project_dir
        ),
        project_dir=lint_config.project_dir,
        catalog=options.catalog or None,
        skills_json=options.skills_json,
        llms_txt=options.llms_txt,
        redirects=options.redirects,
        math=uses_math(config.markdown_extensions),
        admonitions=uses_admonitions(config.markdown_extensions),
        install_command=options.install_command,
    )


def overlaps(a: Path, b: Path) -> bool:
    """Whether one of two folders contains the other (or they are the same)."""
    return a == b or a in b.parents or b in a.parents
