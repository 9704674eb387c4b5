"""``skillshelf export OUTDIR``: the site as plain files any MkDocs-style engine builds.

Writes ``OUTDIR/docs`` (hand-written pages, every generated page, bundled
files, ``skills.json``, ``llms.txt``, redirect pages, the catalog assets),
``OUTDIR/mkdocs.yml`` (the project's configuration without the skillshelf
plugin, with ``docs_dir: docs`` and the whole nav written out),
``OUTDIR/nav.yml`` (the nav alone) and a copy of the theme's ``custom_dir``.

Without the plugin, MkDocs cannot publish ``SKILL.md`` at its folder URL, so
``SKILL.md`` and ``DESCRIPTION.md`` pages are written as ``index.md`` and
relative links to them are rewritten; every URL stays the same.
"""

from __future__ import annotations

import io
import posixpath
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshelf.config import LintConfig, load_config
from skillshelf.links import iter_links
from skillshelf.model import scan
from skillshelf.published import page_dest
from skillshelf.rules import all_rules
from skillshelf.site.compat import uses_admonitions
from skillshelf.site.formulas import LOADER_URI, uses_math
from skillshelf.site.home import HOME_URI, home_page, needs_home
from skillshelf.site.install import template_problem
from skillshelf.site.moves import find_moves, read_moves_file, resolve_moves
from skillshelf.site.options import SiteOptions
from skillshelf.site.placeholders import fill as fill_placeholders
from skillshelf.site.plan import (
    ASSET_URIS,
    NavItem,
    SitePlan,
    clashes_with,
    plan_site,
    prune_nav,
    refusal_message,
)
from skillshelf.site.rules_page import rules_page
from skillshelf.site.text import derive_source_url
from skillshelf.site.urls import Urls
from skillshelf.titles import title_words

RENAMED = ("SKILL.md", "DESCRIPTION.md")
PLUGIN = "skillshelf"


class ExportError(Exception):
    """The export cannot run; the message says why."""


@dataclass
class ExportResult:
    out_dir: Path
    pages: int
    files: int
    problems: list[str]


def rewrite_links(text: str) -> str:
    """Point relative links at ``SKILL.md``/``DESCRIPTION.md`` to ``index.md`` instead."""
    edits: dict[int, list[tuple[int, str]]] = {}
    for link in iter_links(text):
        if posixpath.basename(link.path) not in RENAMED:
            continue
        edits.setdefault(link.position.line, []).append((link.position.column, link.target))
    if not edits:
        return text
    lines = text.split("\n")
    for number, found in edits.items():
        line = lines[number - 1]
        for column, target in sorted(found, reverse=True):
            start = column - 1
            if line[start : start + len(target)] != target:
                continue
            cut = len(target)
            for mark in ("#", "?"):
                index = target.find(mark)
                if index != -1:
                    cut = min(cut, index)
            head, tail = target[:cut], target[cut:]
            for name in RENAMED:
                if head.endswith(name):
                    head = head[: -len(name)] + "index.md"
                    break
            line = line[:start] + head + tail + line[start + len(target) :]
        lines[number - 1] = line
    return "\n".join(lines)


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _plain(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _plugin_options(plugins: Any) -> dict[str, Any]:
    if isinstance(plugins, dict):
        options = plugins.get(PLUGIN)
        return dict(options) if isinstance(options, dict) else {}
    if isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, dict) and PLUGIN in item:
                options = item[PLUGIN]
                return dict(options) if isinstance(options, dict) else {}
    return {}


def _without_plugin(plugins: Any) -> Any:
    if isinstance(plugins, dict):
        plugins.pop(PLUGIN, None)
    elif isinstance(plugins, list):
        for index in reversed(range(len(plugins))):
            item = plugins[index]
            if item == PLUGIN or (isinstance(item, dict) and PLUGIN in item):
                del plugins[index]
    return plugins


def _export_nav(items: Iterable[NavItem], rename: dict[str, str]) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if isinstance(item, str):
            result.append(rename.get(item, item))
            continue
        for title, value in item.items():
            if isinstance(value, list):
                result.append({title: _export_nav(value, rename)})
            else:
                result.append({title: rename.get(value, value)})
    return result


def _nav_paths(items: Iterable[Any]) -> set[str]:
    found: set[str] = set()
    for item in items:
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                found |= _nav_paths(value if isinstance(value, list) else [value])
    return found


def _docs_pages(docs_dir: Path) -> list[str]:
    """docs_dir's Markdown pages in MkDocs' default nav order (index first)."""
    pages = [
        path.relative_to(docs_dir).as_posix()
        for path in docs_dir.rglob("*.md")
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
    ]

    def key(uri: str) -> tuple[tuple[bool, str], ...]:
        parts = uri.split("/")
        return tuple(
            (posixpath.splitext(part)[0] not in ("index", "README"), part) for part in parts
        )

    return sorted(pages, key=key)


def export_site(
    out_dir: Path,
    *,
    mkdocs_file: Path,
    git_moves: bool = True,
) -> ExportResult:
    """Write the plain docs folder and configuration for ``mkdocs_file``'s site."""
    mkdocs_file = mkdocs_file.resolve()
    if not mkdocs_file.is_file():
        raise ExportError(f"{mkdocs_file} not found")
    project_dir = mkdocs_file.parent
    yaml = _yaml()
    try:
        document = yaml.load(mkdocs_file.read_text(encoding="utf-8"))
    except Exception as error:
        raise ExportError(f"{mkdocs_file}: cannot read: {error}") from None
    if not isinstance(document, dict):
        raise ExportError(f"{mkdocs_file}: not a mapping")
    options = _plugin_options(document.get("plugins"))
    config_file = _plain(options.get("config_file"))
    root_option = _plain(options.get("root"))
    roots_option = options.get("roots")
    lint_config: LintConfig = load_config(
        project_dir,
        config_file=project_dir / config_file if config_file else None,
        root=(project_dir / root_option).resolve() if root_option else None,
        roots=[project_dir / str(r) for r in roots_option] if roots_option else None,
    )
    docs_dir = (project_dir / (_plain(document.get("docs_dir")) or "docs")).resolve()
    out_dir = out_dir.resolve()
    for inside in (docs_dir, *lint_config.root_dirs):
        if out_dir == inside or inside in out_dir.parents:
            raise ExportError(f"{out_dir} must not be inside {inside}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ExportError(f"{out_dir} is not empty")

    words = options.get("title_words") or {}
    if not isinstance(words, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in words.items()
    ):
        raise ExportError(f"{mkdocs_file}: title_words must map words to their spelling")
    tree = scan(
        lint_config.root,
        roots=lint_config.roots,
        title_words=title_words(words),
        exclude=lint_config.excluded,
    )
    site_url = _plain(document.get("site_url"))
    repo_url = _plain(document.get("repo_url"))
    edit_uri = _plain(document.get("edit_uri"))
    use_directory_urls = document.get("use_directory_urls", True) is not False
    source_uri = _plain(options.get("source_uri"))
    if source_uri is None:
        source_uri = derive_source_url(repo_url, edit_uri, str(docs_dir), lint_config.project_dir)
    moves = None
    if options.get("redirects", True) is not False:
        skills = [skill.rel.as_posix() for skill in tree.skills]
        if options.get("git_moves", True) is not False and git_moves:
            moves = find_moves(tree.root, skills, list(tree.categories))
        else:
            pairs, problems = read_moves_file(tree.root)
            moves = resolve_moves(pairs, skills, list(tree.categories))
            moves.problems.extend(problems)
    catalog = options.get("catalog", "catalog.md")
    install = options.get("install_command", "")
    if not isinstance(install, str):
        raise ExportError(f"{mkdocs_file}: install_command must be text")
    problem = template_problem(install)
    if problem is not None:
        raise ExportError(f"{mkdocs_file}: {problem}")
    site_options = SiteOptions(
        site_name=_plain(document.get("site_name")) or "skillshelf",
        site_url=site_url,
        site_description=_plain(document.get("site_description")) or "",
        use_directory_urls=use_directory_urls,
        source_url=source_uri,
        project_dir=lint_config.project_dir,
        catalog=catalog if isinstance(catalog, str) and catalog else None,
        skills_json=options.get("skills_json", True) is not False,
        llms_txt=options.get("llms_txt", True) is not False,
        redirects=options.get("redirects", True) is not False,
        math=uses_math(_list(document.get("markdown_extensions"))),
        admonitions=uses_admonitions(_list(document.get("markdown_extensions"))),
        install_command=install,
    )
    plan = plan_site(tree, site_options, moves)
    clashes = clashes_with(plan, _docs_site_paths(docs_dir, use_directory_urls, plan))
    refusals = [*plan.refusals, *clashes.refusals]
    if refusals:
        raise ExportError(refusal_message(refusals))
    for uri in clashes.skipped:
        plan.files = [item for item in plan.files if item.src_uri != uri]
    problems = [
        *plan.problems,
        *plan.warnings,
        *clashes.skipped.values(),
        *(moves.problems if moves else []),
    ]

    out_docs = out_dir / "docs"
    out_docs.mkdir(parents=True)
    taken = _copy_docs(docs_dir, out_docs, plan, Urls(use_directory_urls))
    home: list[Any] = []
    if plan.placeholders is not None and needs_home(uri for uri in taken if uri.endswith(".md")):
        # docs_dir has no page at the site's root: provide one, as the plugin does
        text = home_page(site_options, plan.placeholders)
        (out_docs / HOME_URI).write_text(text, encoding="utf-8", newline="")
        taken.add(HOME_URI)
        home = [{"Home": HOME_URI}]
    written = _write_plan(plan, out_docs, taken, problems)
    rules_uri = _write_rules_page(_plain(options.get("rules_page")), out_docs, taken, problems)
    written |= {rules_uri} if rules_uri else set()

    rename = {page.src_uri: page.export_uri for page in plan.pages}
    user_nav = document.get("nav")
    head: list[Any] = (
        list(user_nav) if isinstance(user_nav, list) else [*home, *_docs_pages(docs_dir)]
    )
    head = [item for item in head if not (isinstance(item, str) and item not in taken | written)]
    mentioned = _nav_paths(head)
    catalog_nav = [item for item in plan.catalog_nav if not _nav_paths([item]) & mentioned]
    rules_nav = [rules_uri] if rules_uri and rules_uri not in mentioned else []
    nav = [
        *head,
        *_export_nav(catalog_nav, rename),
        *rules_nav,
        *_export_nav(prune_nav(plan.nav, written), rename),
    ]

    _copy_custom_dir(document.get("theme"), project_dir, out_dir)
    document["docs_dir"] = "docs"
    document.pop("site_dir", None)
    document.pop("watch", None)
    # Edit links would point at the exported copy; the skill pages link their source.
    document["edit_uri"] = ""
    document["nav"] = nav
    _without_plugin(document.get("plugins"))
    assets = [("extra_css", ASSET_URIS["css"]), ("extra_javascript", ASSET_URIS["js"])]
    if site_options.math:
        assets.append(("extra_javascript", LOADER_URI))
    for key, uri in assets:
        extra = document.get(key)
        if not isinstance(extra, list):
            extra = []
            document[key] = extra
        if uri not in extra:
            extra.append(uri)
    _dump(yaml, document, out_dir / "mkdocs.yml")
    _dump(yaml, {"nav": nav}, out_dir / "nav.yml")
    return ExportResult(out_dir, len(plan.pages), len(plan.files), problems)


def _docs_site_paths(docs_dir: Path, use_directory_urls: bool, plan: SitePlan) -> dict[str, str]:
    """Where MkDocs publishes each file of docs_dir, with the file; a page with the
    source path of a generated one replaces it on purpose (``_write_plan``), so it is
    left out, as the plugin does."""
    ours = {page.src_uri for page in plan.pages} | {item.src_uri for item in plan.files}
    found: dict[str, str] = {}
    if not docs_dir.is_dir():
        return found
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir).as_posix()
        if rel in ours or not path.is_file() or rel.startswith(".") or "/." in rel:
            continue
        dest = page_dest(rel, use_directory_urls=use_directory_urls) if rel.endswith(".md") else rel
        found[dest] = f"{docs_dir.name}/{rel}"
    return found


def _copy_docs(docs_dir: Path, out_docs: Path, plan: SitePlan, urls: Urls) -> set[str]:
    """Copy docs_dir (Markdown with links rewritten and the plan's lists filled in);
    return the paths written."""
    taken: set[str] = set()
    if not docs_dir.is_dir():
        return taken
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        target = out_docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".md":
            text = rewrite_links(path.read_text(encoding="utf-8"))
            if plan.placeholders is not None:
                page_url = urls.page_url(rel.as_posix())
                text = fill_placeholders(text, page_url, plan.placeholders)
            target.write_text(text, encoding="utf-8", newline="")
        else:
            shutil.copyfile(path, target)
        taken.add(rel.as_posix())
    return taken


def _copy_custom_dir(theme: Any, project_dir: Path, out_dir: Path) -> None:
    """The theme's ``custom_dir`` (template overrides), copied beside the exported
    configuration under the same relative name, so the path in it still holds."""
    if not isinstance(theme, dict):
        return
    custom = _plain(theme.get("custom_dir"))
    if not custom:
        return
    source = (project_dir / custom).resolve()
    if not source.is_dir():
        raise ExportError(f"theme.custom_dir {custom} is not a folder")
    name = Path(custom)
    if name.is_absolute() or ".." in name.parts or name.parts[:1] == ("docs",):
        # outside the project, or where the pages go: keep it where it is
        theme["custom_dir"] = str(source)
        return
    shutil.copytree(source, out_dir / name)


def _write_plan(plan: SitePlan, out_docs: Path, taken: set[str], problems: list[str]) -> set[str]:
    """Write pages and files; return the source paths (plan terms) that were written."""
    written: set[str] = set()
    for page in plan.pages:
        if page.export_uri in taken or page.src_uri in taken:
            problems.append(f"docs has its own {page.export_uri}; the generated page is skipped")
            continue
        target = out_docs / page.export_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rewrite_links(page.content), encoding="utf-8", newline="")
        taken.add(page.export_uri)
        written.add(page.src_uri)
    for item in plan.files:
        if item.src_uri in taken:
            problems.append(f"docs has its own {item.src_uri}; not replaced")
            continue
        target = out_docs / item.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.source is not None:
            shutil.copyfile(item.source, target)
        elif isinstance(item.content, bytes):
            target.write_bytes(item.content)
        else:
            target.write_text(item.content or "", encoding="utf-8", newline="")
        taken.add(item.src_uri)
        written.add(item.src_uri)
    return written


def _write_rules_page(
    uri: str | None, out_docs: Path, taken: set[str], problems: list[str]
) -> str | None:
    """Write the rules page (plugin option ``rules_page``) as the plugin adds it."""
    if not uri:
        return None
    if uri in taken:
        problems.append(f"docs has its own {uri}; the rules page is skipped")
        return None
    target = out_docs / uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(rules_page(all_rules()), encoding="utf-8", newline="")
    taken.add(uri)
    return uri


def _dump(yaml: Any, data: Any, path: Path) -> None:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
