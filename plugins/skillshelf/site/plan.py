"""Pages, files and navigation of the site, computed from one scanned tree.

:func:`plan_site` decides which page and file goes where (URLs in
:mod:`skillshelf.site.urls`, order in :mod:`skillshelf.site.order`), who may take
which site path, and asks for each generated text by its frozen input
(:mod:`skillshelf.site.inputs`), which a :class:`~skillshelf.site.memo.PlanMemo`
turns into the previous plan's text while it is unchanged.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeAlias, TypeVar

from skillshelf.model import Category, Document, Skill, SkillTree
from skillshelf.published import PLUGIN_ASSETS_DIR, reserved_owner
from skillshelf.site import catalog, formulas, inputs, outputs, render, skill_page
from skillshelf.site.entries import SkillEntry
from skillshelf.site.files import SkillFiles, SkillFilesReader
from skillshelf.site.memo import PlanMemo
from skillshelf.site.moves import Moves
from skillshelf.site.options import SiteOptions
from skillshelf.site.order import ordered_skills, sorted_children, sorted_references, sorted_skills
from skillshelf.site.placeholders import Placeholders
from skillshelf.site.text import esc
from skillshelf.site.urls import (
    CATALOG_DATA,
    Addresses,
    Urls,
    category_src,
    export_uri,
    repository_path,
    skill_src,
)

ASSETS_DIR = Path(__file__).parent / "assets"
#: Where the catalog's script and style go on the site: a folder no skill,
#: category or file of the tree can take (see :mod:`skillshelf.published`).
ASSET_URIS = {
    "css": f"{PLUGIN_ASSETS_DIR}/skillshelf.css",
    "js": f"{PLUGIN_ASSETS_DIR}/catalog.js",
}

NavItem: TypeAlias = str | dict[str, "str | list[NavItem]"]
Input = TypeVar("Input")


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
    content: str | bytes | None = None
    #: ``bundled`` (a file of a skill), ``download`` (a skill's raw SKILL.md or zip),
    #: ``asset``, ``index`` (skills.json, llms.txt, the catalog's data) or ``redirect``.
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
    #: The lists hand-written pages may ask for (:mod:`skillshelf.site.placeholders`).
    placeholders: Placeholders | None = None
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
        self.urls = Urls(options.use_directory_urls)
        self.addresses = Addresses.of(
            tree,
            self.urls,
            catalog=options.catalog,
            source_url=options.source_url,
            project_dir=options.project_dir,
        )
        self.plan = SitePlan()
        reader = memo.files if memo is not None else SkillFilesReader(keep=False)
        #: What was read of each skill's files, by skill folder.
        self.files: dict[str, SkillFiles] = {
            skill.relpath: reader.read(skill) for skill in tree.skills
        }
        if memo is not None:
            memo.files.keep_only(set(self.files))
        #: Every skill as the site-wide texts list it, in nav order.
        self.entries: dict[str, SkillEntry] = inputs.skill_entries(
            ordered_skills(tree), tree, self.addresses, self.files
        )
        #: The plugin's own outputs: no file of the tree may take their paths.
        self.own: dict[str, str] = {
            uri: "the skillshelf plugin's assets" for uri in ASSET_URIS.values()
        }
        if options.catalog:
            self.own[self.urls.dest(options.catalog)] = "the catalog page"
            self.own[CATALOG_DATA] = "the catalog's data"
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

    def text(self, name: str, value: Input, render: Callable[[Input], str]) -> str:
        """``render(value)``, or the previous plan's text of that name when it was
        rendered from an equal value."""
        if self.memo is None:
            return render(value)
        return self.memo.text(name, value, render)

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
        top_skills = sorted_skills(self.tree.top)
        for category in sorted_children(self.tree.top):
            self.plan.nav.append(self.category(category))
        for skill in top_skills:
            self.plan.nav.append(self.skill(skill))
        for document in self.tree.top.extra_documents:
            self.document_page(document)
        catalog_url = self.addresses.catalog
        if self.options.catalog and catalog_url is not None:
            value = inputs.catalog_input(self.tree, catalog_url, self.addresses, self.entries)
            page = self.add_page(
                self.options.catalog,
                lambda: self.text("catalog", value, catalog.catalog_page),
                "catalog",
                None,
            )
            assert page is not None  # the plugin's own pages are never refused
            self.plan.catalog_nav.append({"Catalog": page.src_uri})
            data = self.text(CATALOG_DATA, value, catalog.catalog_data)
            self.plan.files.append(SiteFile(CATALOG_DATA, content=data, kind="index"))
        self.plan.placeholders = inputs.placeholders(self.tree, self.addresses, self.entries)
        self.assets()
        if self.options.skills_json:
            index = inputs.skills_json_input(self.options, self.entries)
            content = self.text("skills.json", index, outputs.skills_json)
            self.plan.files.append(SiteFile("skills.json", content=content, kind="index"))
        if self.options.llms_txt:
            llms = inputs.llms_txt_input(self.tree, self.options, self.addresses, self.entries)
            content = self.text("llms.txt", llms, outputs.llms_txt)
            self.plan.files.append(SiteFile("llms.txt", content=content, kind="index"))
        if self.options.redirects:
            self.redirects()
        return self.plan

    def category(self, category: Category) -> NavItem:
        src = category_src(category)
        description = category.description
        self.add_page(
            src,
            lambda: self.text(
                src,
                inputs.category_page_input(
                    category, self.addresses, self.entries, self.options.admonitions
                ),
                render.category_page,
            ),
            "category",
            description.path if description is not None else None,
            origin=description.path if description is not None else category.dir,
            index=True,
            section=True,
        )
        children: list[NavItem] = [src]
        sections = [self.category(child) for child in sorted_children(category)]
        skills = [self.skill(skill) for skill in sorted_skills(category)]
        # A root of several: the skills sitting in it (no category) lead its section.
        children.extend([*skills, *sections] if category.is_root else [*sections, *skills])
        # After the skills and sub-categories, whose pages come first: a 'x.md' or
        # 'index.md' beside them never takes a section's page (it is left out).
        for document in category.extra_documents:
            self.document_page(document)
        return {esc(category.title): children}

    def skill(self, skill: Skill) -> NavItem:
        src = skill_src(skill)
        entry = self.entries[skill.relpath]
        files = self.files[skill.relpath]
        self.add_page(
            src,
            lambda: self.text(
                src,
                inputs.skill_page_input(skill, entry, files, self.addresses, self.options),
                skill_page.skill_page,
            ),
            "skill",
            skill.document.path,
            origin=skill.document.path,
            index=True,
            section=bool(skill.references),
        )
        references: list[NavItem] = []
        for document in sorted_references(skill):
            page = self.document_page(document, kind="reference")
            if page is not None:
                references.append(page.src_uri)
        for document in skill.extra_documents:
            self.document_page(document)
        for bundled in skill.bundled:
            uri = bundled.relpath
            if self.claim(uri, bundled.path, "file"):
                self.plan.files.append(
                    SiteFile(uri, source=bundled.path, origin=self.shown(bundled.path))
                )
        if entry.raw is not None:
            self.plan.files.append(SiteFile(entry.raw, source=skill.document.path, kind="download"))
        if entry.archive is not None and files.archive is not None:
            self.plan.files.append(SiteFile(entry.archive, content=files.archive, kind="download"))
        title = esc(skill.title)
        if not references:
            return {title: src}
        return {title: [src, *references]}

    def document_page(self, document: Document, kind: str = "document") -> SitePage | None:
        return self.add_page(
            document.relpath,
            lambda: render.document_page(document, admonitions=self.options.admonitions),
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
                        self.urls.url(dest), url, site_url=self.options.site_url
                    ),
                    kind="redirect",
                )
            )


def plan_site(
    tree: SkillTree, options: SiteOptions, moves: Moves | None = None, memo: PlanMemo | None = None
) -> SitePlan:
    """Everything the site needs from ``tree``. Reads nothing but the model and the
    files the model lists for each skill (:mod:`skillshelf.site.files`: the zips, the
    digests, the views); writes nothing. With ``memo``, texts whose inputs did not change
    since its last plan are reused, and skills whose files did not change are not read."""
    if memo is not None:
        memo.begin(options)
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
