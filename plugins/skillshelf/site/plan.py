"""Pages, files and navigation of the site, computed from one scanned tree.

URLs (with MkDocs' default ``use_directory_urls``):

============================  ==============================================
``<cat>/DESCRIPTION.md``      ``<cat>/`` - the category page (a section index)
``<cat>/<skill>/SKILL.md``    ``<cat>/<skill>/``
``<skill>/references/x.md``   ``<cat>/<skill>/references/x/``
``<skill>/scripts/run.py``    ``<cat>/<skill>/scripts/run.py`` (copied as is)
============================  ==============================================

Pages keep their source names as *source* paths (``src_uri``), so every
relative link written in a skill (``../axolotl/SKILL.md``,
``references/dpo-variants.md``, ``scripts/run.py``) resolves on the site as
it does in the repository; only the *destination* moves to ``index.html``.

Order: categories by their DESCRIPTION.md ``order`` (lowest first; categories
without one come after those with one), then by title; inside a category, its
sub-categories first, then its skills by name; a skill's references by file
name.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeAlias

from skillshelf.model import Category, Document, Skill, SkillTree
from skillshelf.site import formulas, outputs, render
from skillshelf.site.moves import Moves
from skillshelf.site.text import esc

ASSETS_DIR = Path(__file__).parent / "assets"
#: Where the catalog's script and style go on the site.
ASSET_URIS = {"css": "assets/skillshelf/skillshelf.css", "js": "assets/skillshelf/catalog.js"}

NavItem: TypeAlias = str | dict[str, "str | list[NavItem]"]


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "skillshelf"
    site_url: str | None = None
    site_description: str = ""
    use_directory_urls: bool = True
    #: URL prefix of a repository path, e.g. ``https://github.com/o/r/blob/main/``.
    source_url: str | None = None
    #: Folder the repository paths are relative to (the project folder).
    project_dir: Path | None = None
    #: Source path of the generated catalog page; None: no catalog.
    catalog: str | None = "catalog.md"
    skills_json: bool = True
    llms_txt: bool = True
    redirects: bool = True
    #: Carry MathJax and its loader (the configuration uses pymdownx.arithmatex).
    math: bool = False


@dataclass
class SitePage:
    """A Markdown page handed to MkDocs (or written out by the export)."""

    #: Path in the virtual docs tree; MkDocs resolves relative links against it.
    src_uri: str
    #: Path of the page in an exported plain docs folder (``SKILL.md`` -> ``index.md``).
    export_uri: str
    #: Path of the HTML file in the site.
    dest_uri: str
    #: URL relative to the site root.
    url: str
    content: str
    kind: str
    #: The file in the skills tree the page comes from, if any.
    source: Path | None = None
    #: The first page of a nav section (material's ``navigation.indexes``).
    section_index: bool = False


@dataclass
class SiteFile:
    """A file copied to the site as is: from ``source`` or from ``content``."""

    src_uri: str
    source: Path | None = None
    content: str | None = None


@dataclass
class SitePlan:
    pages: list[SitePage] = field(default_factory=list)
    files: list[SiteFile] = field(default_factory=list)
    #: Category sections in MkDocs' nav format, pointing at ``src_uri`` paths.
    nav: list[NavItem] = field(default_factory=list)
    #: The generated catalog page's nav entry, if any.
    catalog_nav: list[NavItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def by_src(self) -> dict[str, SitePage]:
        return {page.src_uri: page for page in self.pages}


# -- ordering -----------------------------------------------------------------


def category_key(category: Category) -> tuple[bool, int, str, str]:
    order = category.order
    return (order is None, order or 0, category.title.casefold(), category.path)


def skill_key(skill: Skill) -> tuple[str, str]:
    return (skill.name.casefold(), skill.rel.as_posix())


def sorted_children(category: Category) -> list[Category]:
    return sorted(category.children, key=category_key)


def sorted_skills(category: Category) -> list[Skill]:
    return sorted(category.skills, key=skill_key)


def ordered_categories(tree: SkillTree) -> Iterator[Category]:
    """Every category below the root in nav order (depth first)."""

    def walk(category: Category) -> Iterator[Category]:
        for child in sorted_children(category):
            yield child
            yield from walk(child)

    yield from walk(tree.top)


def ordered_skills(tree: SkillTree) -> Iterator[Skill]:
    yield from sorted_skills(tree.top)
    for category in ordered_categories(tree):
        yield from sorted_skills(category)


# -- paths and URLs -------------------------------------------------------------


class Urls:
    """Source path -> destination and URL, the way MkDocs derives them."""

    def __init__(self, use_directory_urls: bool) -> None:
        self.use_directory_urls = use_directory_urls

    def dest(self, src_uri: str, *, index: bool = False) -> str:
        parent, name = posixpath.split(src_uri)
        stem = posixpath.splitext(name)[0]
        if index or stem == "index":
            return posixpath.join(parent, "index.html")
        if self.use_directory_urls:
            return posixpath.join(parent, stem, "index.html")
        return posixpath.join(parent, stem + ".html")

    def url(self, dest_uri: str) -> str:
        if self.use_directory_urls and posixpath.basename(dest_uri) == "index.html":
            parent = posixpath.dirname(dest_uri)
            return parent + "/" if parent else "./"
        return dest_uri

    def page(self, src_uri: str, *, index: bool = False) -> tuple[str, str]:
        dest = self.dest(src_uri, index=index)
        return dest, self.url(dest)


def category_src(category: Category) -> str:
    return f"{category.path}/DESCRIPTION.md"


def skill_src(skill: Skill) -> str:
    return f"{skill.rel.as_posix()}/SKILL.md"


def export_uri(src_uri: str) -> str:
    """Where a page goes in a plain docs folder: section pages become ``index.md``."""
    parent, name = posixpath.split(src_uri)
    if name in ("SKILL.md", "DESCRIPTION.md"):
        return posixpath.join(parent, "index.md")
    return src_uri


# -- reusing the previous plan's texts ------------------------------------------


class PlanMemo:
    """The generated texts of the previous plan (``mkdocs serve``), each kept with
    the inputs it was made from and reused by the next plan while they are equal.

    Inputs are compared by value (texts, paths, sizes, never objects that might
    change in place), so a text is only reused when making it again would give
    the same one. Skill pages are keyed by :func:`render.skill_page_inputs`; the
    category pages, the catalog, ``skills.json`` and ``llms.txt`` by the tree's
    :func:`outline`.
    """

    def __init__(self) -> None:
        self.texts: dict[str, tuple[object, str]] = {}
        self.used: set[str] = set()
        self.outline: object = None
        self.hits = 0
        self.misses = 0

    def same_outline(self, outline: object) -> object:
        """``outline``, or the previous plan's when they are equal: the ~200 texts
        keyed by it then compare it by identity, not item by item each."""
        if outline == self.outline:
            return self.outline
        self.outline = outline
        return outline

    def begin(self) -> None:
        self.used = set()
        self.hits = self.misses = 0

    def text(self, name: str, inputs: object, make: Callable[[], str]) -> str:
        self.used.add(name)
        kept = self.texts.get(name)
        if kept is not None and kept[0] == inputs:
            self.hits += 1
            return kept[1]
        self.misses += 1
        text = make()
        self.texts[name] = (inputs, text)
        return text

    def forget_unused(self) -> None:
        """Drop what the last plan did not ask for (a skill deleted or moved)."""
        for name in self.texts.keys() - self.used:
            del self.texts[name]


def outline(tree: SkillTree, options: SiteOptions) -> tuple[object, ...]:
    """What the site-wide texts read from the tree and the options: the categories
    (their DESCRIPTION.md texts) and, in each, its skills with their frontmatter
    (its source text decides its data), source file and references; not the skills'
    bodies. Equal outlines give the same category pages, catalog, ``skills.json``
    and ``llms.txt``."""

    def description(category: Category) -> object:
        document = category.description
        if document is None:
            return None
        return (document.text, document.relpath)

    return (
        options,
        tuple(
            (
                category.path,
                description(category),
                tuple(
                    (
                        skill.relpath,
                        skill.document.abspath,
                        skill.document.frontmatter.source
                        if skill.document.frontmatter is not None
                        else None,
                        tuple(reference.relpath for reference in skill.references),
                    )
                    for skill in category.skills
                ),
            )
            for category in tree.top.walk()
        ),
    )


# -- the plan -------------------------------------------------------------------


class _Planner:
    def __init__(
        self, tree: SkillTree, options: SiteOptions, moves: Moves, memo: PlanMemo | None = None
    ) -> None:
        self.tree = tree
        self.options = options
        self.moves = moves
        self.memo = memo
        self.outline = memo.same_outline(outline(tree, options)) if memo is not None else None
        self.urls = Urls(options.use_directory_urls)
        self.plan = SitePlan()
        self.skill_urls: dict[str, str] = {}
        self.category_urls: dict[str, str] = {}
        for skill in tree.skills:
            self.skill_urls[skill.rel.as_posix()] = self.urls.page(skill_src(skill), index=True)[1]
        for path, category in tree.categories.items():
            self.category_urls[path] = self.urls.page(category_src(category), index=True)[1]
        self.catalog_url: str | None = None
        if options.catalog:
            self.catalog_url = self.urls.page(options.catalog)[1]

    def context(self) -> render.Context:
        return render.Context(
            tree=self.tree,
            skill_urls=self.skill_urls,
            category_urls=self.category_urls,
            catalog_url=self.catalog_url,
            source_url=self.options.source_url,
            project_dir=self.options.project_dir,
        )

    def text(self, name: str, inputs: Callable[[], object], make: Callable[[], str]) -> str:
        """``make()``, or the previous plan's text of that name when ``inputs()`` equal
        what it was made from."""
        if self.memo is None:
            return make()
        return self.memo.text(name, inputs(), make)

    def site_inputs(self) -> object:
        """What the site-wide texts (catalog, skills.json, llms.txt) are made from."""
        return self.outline

    def add_page(
        self,
        src_uri: str,
        content: str,
        kind: str,
        source: Path | None,
        *,
        index: bool = False,
        section: bool = False,
    ) -> SitePage:
        dest, url = self.urls.page(src_uri, index=index)
        page = SitePage(
            src_uri=src_uri,
            export_uri=export_uri(src_uri) if index else src_uri,
            dest_uri=dest,
            url=url,
            content=content,
            kind=kind,
            source=source,
            section_index=section,
        )
        self.plan.pages.append(page)
        return page

    def build(self) -> SitePlan:
        ctx = self.context()
        top_skills = sorted_skills(self.tree.top)
        for category in sorted_children(self.tree.top):
            self.plan.nav.append(self.category(category, ctx))
        for skill in top_skills:
            self.plan.nav.append(self.skill(skill, ctx))
        for document in self.tree.top.extra_documents:
            self.document_page(document)
        if self.options.catalog:
            content = self.text(
                "catalog",
                self.site_inputs,
                lambda: render.catalog_page(
                    ctx, list(ordered_skills(self.tree)), self.catalog_url or ""
                ),
            )
            page = self.add_page(self.options.catalog, content, "catalog", None)
            self.plan.catalog_nav.append({"Catalog": page.src_uri})
        self.assets()
        if self.options.skills_json:
            content = self.text(
                "skills.json",
                self.site_inputs,
                lambda: outputs.skills_json(self, ordered_skills(self.tree)),
            )
            self.plan.files.append(SiteFile("skills.json", content=content))
        if self.options.llms_txt:
            content = self.text("llms.txt", self.site_inputs, lambda: outputs.llms_txt(self))
            self.plan.files.append(SiteFile("llms.txt", content=content))
        if self.options.redirects:
            self.redirects()
        return self.plan

    def category(self, category: Category, ctx: render.Context) -> NavItem:
        src = category_src(category)
        description = category.description
        url = self.category_urls[category.path]
        self.add_page(
            src,
            self.text(
                src,
                lambda: (self.outline, url),
                lambda: render.category_page(ctx, category, url),
            ),
            "category",
            description.path if description is not None else None,
            index=True,
            section=True,
        )
        for document in category.extra_documents:
            self.document_page(document)
        children: list[NavItem] = [src]
        children.extend(self.category(child, ctx) for child in sorted_children(category))
        children.extend(self.skill(skill, ctx) for skill in sorted_skills(category))
        return {esc(category.title): children}

    def skill(self, skill: Skill, ctx: render.Context) -> NavItem:
        src = skill_src(skill)
        url = self.skill_urls[skill.rel.as_posix()]
        self.add_page(
            src,
            self.text(
                src,
                lambda: render.skill_page_inputs(ctx, skill, url, self.urls),
                lambda: render.skill_page(ctx, skill, url, self.urls),
            ),
            "skill",
            skill.document.path,
            index=True,
            section=bool(skill.references),
        )
        references: list[NavItem] = []
        for document in sorted(skill.references, key=lambda d: d.rel.as_posix()):
            page = self.document_page(document, kind="reference")
            references.append(page.src_uri)
        for document in skill.extra_documents:
            self.document_page(document)
        for bundled in skill.bundled:
            self.plan.files.append(SiteFile(bundled.rel.as_posix(), source=bundled.path))
        title = esc(skill.name)
        if not references:
            return {title: src}
        return {title: [src, *references]}

    def document_page(self, document: Document, kind: str = "document") -> SitePage:
        return self.add_page(
            document.rel.as_posix(), render.document_page(document), kind, document.path
        )

    def assets(self) -> None:
        for uri in sorted(ASSET_URIS.values()):
            name = posixpath.basename(uri)
            self.plan.files.append(SiteFile(uri, source=ASSETS_DIR / name))
        if self.options.math:
            loader = formulas.LOADER_URI
            self.plan.files.append(SiteFile(loader, source=ASSETS_DIR / posixpath.basename(loader)))
            mathjax = formulas.mathjax_files()
            self.plan.files.extend(SiteFile(uri, source=path) for uri, path in mathjax)

    def redirects(self) -> None:
        taken = {page.dest_uri for page in self.plan.pages}
        taken.update(file.src_uri for file in self.plan.files)
        pages = self.plan.by_src()
        targets: list[tuple[str, str]] = []
        for old, new in sorted(self.moves.skills.items()):
            skill_pages = [
                page
                for page in self.plan.pages
                if page.source is not None
                and page.kind in ("skill", "reference", "document")
                and page.src_uri.startswith(new + "/")
            ]
            for page in skill_pages:
                inner = page.src_uri[len(new) + 1 :]
                old_src = f"{old}/{inner}"
                targets.append((self.urls.dest(old_src, index=inner == "SKILL.md"), page.url))
        for old, new in sorted(self.moves.categories.items()):
            category_page = pages.get(f"{new}/DESCRIPTION.md")
            if category_page is not None:
                dest = self.urls.dest(f"{old}/DESCRIPTION.md", index=True)
                targets.append((dest, category_page.url))
        for dest, url in targets:
            if dest in taken:
                self.plan.problems.append(
                    f"redirect from {dest} skipped: a page of the site lives there"
                )
                continue
            taken.add(dest)
            self.plan.files.append(
                SiteFile(
                    dest,
                    content=outputs.redirect_html(
                        dest, url, self.urls, site_url=self.options.site_url
                    ),
                )
            )


def plan_site(
    tree: SkillTree, options: SiteOptions, moves: Moves | None = None, memo: PlanMemo | None = None
) -> SitePlan:
    """Everything the site needs from ``tree``; pure, no I/O beyond what the model holds.
    With ``memo``, texts whose inputs did not change since its last plan are reused."""
    if memo is not None:
        memo.begin()
    plan = _Planner(tree, options, moves or Moves(), memo).build()
    if memo is not None:
        memo.forget_unused()
    return plan


def repository_path(path: Path, project_dir: Path | None) -> str:
    """``path`` relative to the project folder, for source links."""
    if project_dir is None:
        return path.name
    try:
        return PurePosixPath(path.relative_to(project_dir).as_posix()).as_posix()
    except ValueError:
        return path.name


def prune_nav(items: list[NavItem], keep: set[str]) -> list[NavItem]:
    """``items`` without the entries whose page is not in ``keep`` (and without
    sections left empty). Used where a hand-written docs page took a generated
    page's place, or an export could not write a page."""
    result: list[NavItem] = []
    for item in items:
        if isinstance(item, str):
            if item in keep:
                result.append(item)
            continue
        for title, value in item.items():
            if isinstance(value, list):
                children = prune_nav(value, keep)
                if children:
                    result.append({title: children})
            elif value in keep:
                result.append({title: value})
    return result
