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

import os
import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TypeAlias

from skillshelf.model import Category, Document, Skill, SkillTree
from skillshelf.published import PLUGIN_ASSETS_DIR, page_dest, reserved_owner
from skillshelf.site import formulas, outputs, render
from skillshelf.site.moves import Moves
from skillshelf.site.text import esc

ASSETS_DIR = Path(__file__).parent / "assets"
#: Where the catalog's script and style go on the site: a folder no skill,
#: category or file of the tree can take (see :mod:`skillshelf.published`).
ASSET_URIS = {
    "css": f"{PLUGIN_ASSETS_DIR}/skillshelf.css",
    "js": f"{PLUGIN_ASSETS_DIR}/catalog.js",
}

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
    #: The tree's file or folder the page comes from, as messages name it.
    origin: str = ""


@dataclass
class SiteFile:
    """A file copied to the site as is: from ``source`` or from ``content``."""

    src_uri: str
    source: Path | None = None
    content: str | None = None
    #: ``bundled`` (a file of a skill), ``asset``, ``index`` (skills.json, llms.txt)
    #: or ``redirect``.
    kind: str = "bundled"
    #: The tree's file it comes from, as messages name it (bundled files).
    origin: str = ""


@dataclass
class SitePlan:
    pages: list[SitePage] = field(default_factory=list)
    files: list[SiteFile] = field(default_factory=list)
    #: Category sections in MkDocs' nav format, pointing at ``src_uri`` paths.
    nav: list[NavItem] = field(default_factory=list)
    #: The generated catalog page's nav entry, if any.
    catalog_nav: list[NavItem] = field(default_factory=list)
    #: What the plan left out that is worth a note (a redirect where a page lives).
    problems: list[str] = field(default_factory=list)
    #: Files of the tree the plan did not publish because another page or file
    #: already has their place; each names the file and says what to do.
    warnings: list[str] = field(default_factory=list)
    #: Files of the tree that would take a reserved site path: the site must not be
    #: built (or exported) until they are renamed. Each names the file.
    refusals: list[str] = field(default_factory=list)

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
        return page_dest(src_uri, use_directory_urls=self.use_directory_urls, index=index)

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


# -- who takes which site path ----------------------------------------------------


class SitePaths:
    """The site paths taken so far, each with who took it.

    A path is a file or a folder, never both: ``a/b`` taken as a file blocks
    ``a/b/index.html``, and the other way round (MkDocs would fail writing one, or
    one would silently replace the other).
    """

    def __init__(self, taken: Mapping[str, str] = MappingProxyType({})) -> None:
        self.files: dict[str, str] = {}
        self.folders: set[str] = set()
        for path, holder in taken.items():
            self.take(path, holder)

    def holder(self, path: str) -> str | None:
        """Who already has ``path`` or a file where one of its folders would be."""
        held = self.files.get(path)
        if held is not None:
            return held
        if path in self.folders:
            return f"the files below {path}/"
        parent = path.rpartition("/")[0]
        # A known folder is no file, and neither is any folder above it.
        while parent and parent not in self.folders:
            held = self.files.get(parent)
            if held is not None:
                return held
            parent = parent.rpartition("/")[0]
        return None

    def take(self, path: str, holder: str) -> None:
        self.files[path] = holder
        parent = path.rpartition("/")[0]
        while parent and parent not in self.folders:
            self.folders.add(parent)
            parent = parent.rpartition("/")[0]


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
        #: The plugin's own outputs: no file of the tree may take their paths.
        self.own: dict[str, str] = {
            uri: "the skillshelf plugin's assets" for uri in ASSET_URIS.values()
        }
        if options.catalog:
            self.own[self.urls.dest(options.catalog)] = "the catalog page"
        if options.skills_json:
            self.own["skills.json"] = "the skills.json index"
        if options.llms_txt:
            self.own["llms.txt"] = "the llms.txt index"
        self.paths = SitePaths(self.own)
        project = options.project_dir
        self.project_prefix = os.path.join(str(project), "") if project is not None else ""

    def shown(self, path: Path) -> str:
        """``path`` in a message: relative to the project folder (by its text: every
        page and file is named, and ``Path.relative_to`` cost more than the claim)."""
        text = str(path)
        if self.project_prefix and text.startswith(self.project_prefix):
            return text[len(self.project_prefix) :].replace(os.sep, "/")
        return repository_path(path, self.options.project_dir)

    def claim(self, dest: str, origin: Path, what: str) -> bool:
        """Take ``dest`` for the tree's file (or folder) ``origin``; False when the
        plan must leave it out, with the reason noted: a path reserved for the theme
        or the plugin stops the site (:attr:`SitePlan.refusals`); one that another
        page or file of the tree took first is skipped (:attr:`SitePlan.warnings`)."""
        shown = self.shown(origin)
        holder = self.paths.holder(dest)
        owner = reserved_owner(dest)
        if owner is None and holder in self.own.values():
            owner = holder
        if owner is not None:
            self.plan.refusals.append(
                f"{shown}: its {what} would be {dest}, where the site keeps {owner}: "
                f"rename {self.shown(self.top_folder(origin))}"
            )
            return False
        if holder is not None:
            self.plan.warnings.append(
                f"{shown}: not published: its {what} would be {dest}, which {holder} "
                "already takes; rename it"
            )
            return False
        self.paths.take(dest, shown)
        return True

    def top_folder(self, origin: Path) -> Path:
        """The folder (or file) directly below the root that holds ``origin``."""
        try:
            return self.tree.root / origin.relative_to(self.tree.root).parts[0]
        except (ValueError, IndexError):
            return origin

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
        content: Callable[[], str],
        kind: str,
        source: Path | None,
        *,
        origin: Path | None = None,
        index: bool = False,
        section: bool = False,
    ) -> SitePage | None:
        """Add a page made by ``content()``; None when its path is not the tree's
        to take (``origin``: the file or folder of the tree it comes from)."""
        dest, url = self.urls.page(src_uri, index=index)
        if origin is not None and not self.claim(dest, origin, "page"):
            return None
        page = SitePage(
            src_uri=src_uri,
            export_uri=export_uri(src_uri) if index else src_uri,
            dest_uri=dest,
            url=url,
            content=content(),
            kind=kind,
            source=source,
            section_index=section,
            origin=self.shown(origin) if origin is not None else "",
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
            page = self.add_page(
                self.options.catalog,
                lambda: self.text(
                    "catalog",
                    self.site_inputs,
                    lambda: render.catalog_page(
                        ctx, list(ordered_skills(self.tree)), self.catalog_url or ""
                    ),
                ),
                "catalog",
                None,
            )
            assert page is not None  # the plugin's own pages are never refused
            self.plan.catalog_nav.append({"Catalog": page.src_uri})
        self.assets()
        if self.options.skills_json:
            content = self.text(
                "skills.json",
                self.site_inputs,
                lambda: outputs.skills_json(self, ordered_skills(self.tree)),
            )
            self.plan.files.append(SiteFile("skills.json", content=content, kind="index"))
        if self.options.llms_txt:
            content = self.text("llms.txt", self.site_inputs, lambda: outputs.llms_txt(self))
            self.plan.files.append(SiteFile("llms.txt", content=content, kind="index"))
        if self.options.redirects:
            self.redirects()
        return self.plan

    def category(self, category: Category, ctx: render.Context) -> NavItem:
        src = category_src(category)
        description = category.description
        url = self.category_urls[category.path]
        self.add_page(
            src,
            lambda: self.text(
                src,
                lambda: (self.outline, url),
                lambda: render.category_page(ctx, category, url),
            ),
            "category",
            description.path if description is not None else None,
            origin=description.path if description is not None else category.dir,
            index=True,
            section=True,
        )
        children: list[NavItem] = [src]
        children.extend(self.category(child, ctx) for child in sorted_children(category))
        children.extend(self.skill(skill, ctx) for skill in sorted_skills(category))
        # After the skills and sub-categories, whose pages come first: a 'x.md' or
        # 'index.md' beside them never takes a section's page (it is left out).
        for document in category.extra_documents:
            self.document_page(document)
        return {esc(category.title): children}

    def skill(self, skill: Skill, ctx: render.Context) -> NavItem:
        src = skill_src(skill)
        url = self.skill_urls[skill.rel.as_posix()]
        self.add_page(
            src,
            lambda: self.text(
                src,
                lambda: render.skill_page_inputs(ctx, skill, url, self.urls),
                lambda: render.skill_page(ctx, skill, url, self.urls),
            ),
            "skill",
            skill.document.path,
            origin=skill.document.path,
            index=True,
            section=bool(skill.references),
        )
        references: list[NavItem] = []
        for document in sorted(skill.references, key=lambda d: d.rel.as_posix()):
            page = self.document_page(document, kind="reference")
            if page is not None:
                references.append(page.src_uri)
        for document in skill.extra_documents:
            self.document_page(document)
        for bundled in skill.bundled:
            uri = bundled.rel.as_posix()
            if self.claim(uri, bundled.path, "file"):
                self.plan.files.append(
                    SiteFile(uri, source=bundled.path, origin=self.shown(bundled.path))
                )
        title = esc(skill.name)
        if not references:
            return {title: src}
        return {title: [src, *references]}

    def document_page(self, document: Document, kind: str = "document") -> SitePage | None:
        return self.add_page(
            document.rel.as_posix(),
            lambda: render.document_page(document),
            kind,
            document.path,
            origin=document.path,
        )

    def assets(self) -> None:
        for uri in sorted(ASSET_URIS.values()):
            name = posixpath.basename(uri)
            self.plan.files.append(SiteFile(uri, source=ASSETS_DIR / name, kind="asset"))
        if self.options.math:
            loader = formulas.LOADER_URI
            self.plan.files.append(
                SiteFile(loader, source=ASSETS_DIR / posixpath.basename(loader), kind="asset")
            )
            mathjax = formulas.mathjax_files()
            self.plan.files.extend(
                SiteFile(uri, source=path, kind="asset") for uri, path in mathjax
            )

    def redirects(self) -> None:
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
            if reserved_owner(dest) is not None or self.paths.holder(dest) is not None:
                self.plan.problems.append(
                    f"redirect from {dest} skipped: a page of the site lives there"
                )
                continue
            self.paths.take(dest, f"the redirect {dest}")
            self.plan.files.append(
                SiteFile(
                    dest,
                    content=outputs.redirect_html(
                        dest, url, self.urls, site_url=self.options.site_url
                    ),
                    kind="redirect",
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


@dataclass
class Clashes:
    """Pages and files of a plan whose site paths something else already holds."""

    #: Pages and files of the tree: the site must not be built until they are renamed.
    refusals: list[str] = field(default_factory=list)
    #: Redirects left out (their ``src_uri`` -> why).
    skipped: dict[str, str] = field(default_factory=dict)


def clashes_with(plan: SitePlan, others: Mapping[str, str]) -> Clashes:
    """Where ``plan`` would write over what others publish: ``others`` maps the site
    paths the theme, docs_dir and other plugins write to who writes them
    (``docs/tags.md``). A page or file of the tree there (or where one of those needs
    a folder) is refused; a redirect is left out."""
    taken = SitePaths(others)
    clashes = Clashes()
    for page in plan.pages:
        holder = taken.holder(page.dest_uri)
        if holder is not None and page.origin:
            clashes.refusals.append(
                f"{page.origin}: its page would be {page.dest_uri}, which {holder} "
                "already takes: rename it"
            )
    for item in plan.files:
        holder = taken.holder(item.src_uri)
        if holder is None:
            continue
        if item.kind == "redirect":
            clashes.skipped[item.src_uri] = (
                f"redirect from {item.src_uri} skipped: {holder} is published there"
            )
        elif item.origin:
            clashes.refusals.append(
                f"{item.origin}: would be published at {item.src_uri}, which {holder} "
                "already takes: rename it"
            )
    return clashes


#: How many refusals a message lists before it only counts the rest.
_SHOWN_REFUSALS = 10


def refusal_message(refusals: list[str]) -> str:
    """The message that stops a build or export of a tree that takes reserved paths."""
    shown = refusals[:_SHOWN_REFUSALS]
    more = len(refusals) - len(shown)
    lines = [
        "the skills tree cannot be published: some of its files would replace pages or "
        "files of the site",
        *(f"  {refusal}" for refusal in shown),
    ]
    if more:
        lines.append(f"  and {more} more")
    return "\n".join(lines)


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
