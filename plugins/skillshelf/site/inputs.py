"""The model, read into the frozen values every generated text is rendered from.

Each function here turns part of a scanned tree into one input value of
:mod:`skillshelf.site.render`, :mod:`skillshelf.site.skill_page`,
:mod:`skillshelf.site.catalog` or :mod:`skillshelf.site.outputs`, holding only
strings, numbers and tuples of them: everything the text shows, already taken
out of the frontmatter (a ``version: 1`` becomes ``"1"``, a ``true`` ``"True"``,
so values that compare equal but print differently cannot meet). The
renderers read nothing else, so an input that equals the previous one gives
the same text, and the plan memo can key each text on its input.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from skillshelf.model import Category, Skill, SkillTree
from skillshelf.site.catalog import (
    CatalogInput,
    CategoryCount,
    HomeInput,
    TagsInput,
    tag_counts,
)
from skillshelf.site.compat import for_site
from skillshelf.site.entries import FileEntry, SkillEntry
from skillshelf.site.files import SkillFiles
from skillshelf.site.install import install_command
from skillshelf.site.options import SiteOptions
from skillshelf.site.order import (
    category_trail,
    ordered_categories,
    sorted_children,
    sorted_references,
    sorted_skills,
)
from skillshelf.site.outputs import LlmsSection, LlmsTxtInput, SkillsJsonInput
from skillshelf.site.placeholders import Placeholders
from skillshelf.site.render import Card, CategoryPageInput, unreadable_reasons
from skillshelf.site.skill_page import Downloads, FileLink, SkillPageInput
from skillshelf.site.text import absolute_url, one_line, plural
from skillshelf.site.urls import Addresses, archive_name, archive_path, raw_path

#: A skill page shows its bundled text files up to this many bytes in all; the
#: rest are downloads only.
PAGE_VIEW_BYTES = 256 * 1024


def _text(value: Any) -> str | None:
    """A scalar the page shows as text, or None for anything else (or blank)."""
    if isinstance(value, str | int | float) and str(value).strip():
        return str(value)
    return None


def _string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(one_line(str(item)) for item in value if isinstance(item, str | int | float))
    if isinstance(value, str) and value.strip():
        return (one_line(value),)
    return ()


def skill_entry(
    skill: Skill, tree: SkillTree, addresses: Addresses, trail: str, files: SkillFiles
) -> SkillEntry:
    """``trail``: the skill's category trail (:func:`category_trail`); ``files``: what
    was read of its files."""
    category = skill.category
    fields = skill.project_fields
    version = fields.get("version")
    inside = len(skill.relpath) + 1
    related = []
    for name in skill.related_skills:
        found = tree.skills_named(name)
        related.append((name, addresses.skill(found[0]) if found else None))
    compatibility = skill.document.data.get("compatibility")
    return SkillEntry(
        name=skill.name,
        title=skill.title,
        folder=skill.relpath,
        url=addresses.skill(skill),
        category=category.path,
        category_title=trail,
        category_url=addresses.categories.get(category.path),
        description=skill.description,
        tags=tuple(skill.tags),
        source=addresses.source(skill.document.path),
        references=tuple(
            addresses.urls.page_url(document.relpath) for document in sorted_references(skill)
        ),
        version=version if isinstance(version, str) else None,
        raw=raw_path(skill) if skill.document.has_text else None,
        archive=archive_path(skill) if files.archive is not None else None,
        files=tuple(
            FileEntry(facts.relpath[inside:], facts.size, facts.sha256) for facts in files.bundled
        ),
        related=tuple(related),
        dependencies=_string_list(fields.get("dependencies")),
        platforms=_string_list(fields.get("platforms")),
        compatibility=_text(compatibility),
        targets=tuple(skill.targets.items()),
    )


def skill_entries(
    skills: Iterable[Skill],
    tree: SkillTree,
    addresses: Addresses,
    files: Mapping[str, SkillFiles],
) -> dict[str, SkillEntry]:
    """Skill folder -> entry, in the order of ``skills``; ``files``: by skill folder."""
    trails: dict[str, str] = {}
    entries = {}
    for skill in skills:
        category = skill.category
        trail = trails.get(category.path)
        if trail is None:
            trail = trails[category.path] = category_trail(category)
        entries[skill.relpath] = skill_entry(skill, tree, addresses, trail, files[skill.relpath])
    return entries


def _install(template: str, entry: SkillEntry, options: SiteOptions) -> str:
    if not template:
        return ""
    return install_command(
        template,
        {
            "name": entry.name,
            "folder": posixpath.basename(entry.folder),
            "path": posixpath.dirname(entry.source),
            "category": entry.category,
            "raw_url": absolute_url(options.site_url, entry.raw) if entry.raw else "",
            "zip_url": absolute_url(options.site_url, entry.archive or ""),
        },
    )


def skill_page_input(
    skill: Skill,
    entry: SkillEntry,
    files: SkillFiles,
    addresses: Addresses,
    options: SiteOptions,
) -> SkillPageInput:
    """``entry``: the skill's own entry (what the site-wide texts show of it);
    ``files``: what was read of its files."""
    document = skill.document
    data = document.data
    fields = skill.project_fields
    shown = []
    for label, value in (
        ("Version", fields.get("version")),
        ("Author", fields.get("author")),
        ("License", data.get("license")),
        ("Compatibility", data.get("compatibility")),
    ):
        text = _text(value)
        if text is not None:
            shown.append((label, text))
    urls = addresses.urls
    facts = files.facts()
    # every file of the skill is below its folder: its path inside is the rest
    inside = len(skill.relpath) + 1
    links: list[FileLink] = []
    for bundled in skill.bundled:
        known = facts.get(bundled.relpath)
        view = known.view if known is not None else None
        links.append(FileLink(bundled.relpath[inside:], bundled.relpath, bundled.size, True, view))
    for extra in skill.extra_documents:
        links.append(
            FileLink(extra.relpath[inside:], urls.page_url(extra.relpath), extra.size, False)
        )
    links.sort(key=lambda link: (link.inner, link.url, link.size, link.download))
    budget = PAGE_VIEW_BYTES
    for number, link in enumerate(links):
        if link.view is not None:
            size = len(link.view.text.encode("utf-8"))
            if size > budget:
                links[number] = FileLink(link.inner, link.url, link.size, link.download)
            else:
                budget -= size
    return SkillPageInput(
        url=entry.url,
        name=entry.name,
        title=entry.title,
        description=entry.description,
        body=for_site(document.body, admonitions=options.admonitions),
        problem=None if document.text is not None else unreadable_reasons(document),
        category=entry.category,
        category_title=entry.category_title,
        category_url=entry.category_url,
        fields=tuple(shown),
        platforms=entry.platforms,
        dependencies=entry.dependencies,
        targets=entry.targets,
        tags=entry.tags,
        related=entry.related,
        source=(entry.source, addresses.source_link(entry.source)),
        folder=posixpath.dirname(entry.source),
        catalog_url=addresses.catalog,
        install=_install(options.install_command, entry, options),
        downloads=Downloads(
            raw_url=entry.raw,
            raw_size=document.size,
            archive_url=entry.archive,
            archive_name=archive_name(skill),
            archive_size=len(files.archive) if files.archive is not None else 0,
            archive_files=files.archived,
        ),
        files=tuple(links),
    )


def category_page_input(
    category: Category,
    addresses: Addresses,
    entries: Mapping[str, SkillEntry],
    admonitions: bool = False,
) -> CategoryPageInput:
    """``admonitions``: the site renders a GitBook hint as an admonition."""
    document = category.description
    body = document.body if document is not None and document.text is not None else ""
    body = for_site(body, admonitions=admonitions)
    return CategoryPageInput(
        url=addresses.categories[category.path],
        title=category.title,
        summary=category.summary,
        body=body,
        categories=tuple(
            Card(
                child.title,
                addresses.categories[child.path],
                plural(child.total_skills, "skill"),
                child.summary,
            )
            for child in sorted_children(category)
        ),
        skills=tuple(
            Card(
                entry.title,
                entry.url,
                plural(len(entry.references), "reference") if entry.references else "",
                entry.description,
            )
            for entry in (entries[skill.relpath] for skill in sorted_skills(category))
        ),
    )


def _counts(categories: Iterable[Category], addresses: Addresses) -> tuple[CategoryCount, ...]:
    return tuple(
        CategoryCount(
            category.path,
            category_trail(category),
            addresses.categories[category.path],
            category.total_skills,
        )
        for category in categories
        if category.total_skills
    )


def catalog_input(
    tree: SkillTree, url: str, addresses: Addresses, entries: Mapping[str, SkillEntry]
) -> CatalogInput:
    return CatalogInput(
        url=url,
        skills=tuple(entries.values()),
        categories=_counts(ordered_categories(tree), addresses),
    )


def placeholders(
    tree: SkillTree, addresses: Addresses, entries: Mapping[str, SkillEntry]
) -> Placeholders:
    top = [child for child in sorted_children(tree.top) if child.total_skills]
    return Placeholders(
        home=HomeInput(
            catalog_url=addresses.catalog,
            skills=len(entries),
            categories=_counts(top, addresses),
            summaries=tuple(category.summary for category in top),
        ),
        tags=TagsInput(
            catalog_url=addresses.catalog,
            tags=tag_counts(entry.tags for entry in entries.values()),
        ),
    )


def skills_json_input(options: SiteOptions, entries: Mapping[str, SkillEntry]) -> SkillsJsonInput:
    return SkillsJsonInput(
        site_name=options.site_name, site_url=options.site_url, skills=tuple(entries.values())
    )


def llms_txt_input(
    tree: SkillTree,
    options: SiteOptions,
    addresses: Addresses,
    entries: Mapping[str, SkillEntry],
) -> LlmsTxtInput:
    sections = []
    top = sorted_skills(tree.top)
    if top:
        sections.append(LlmsSection(None, "", tuple(entries[s.relpath] for s in top)))
    for category in ordered_categories(tree):
        skills = sorted_skills(category)
        if skills:
            sections.append(
                LlmsSection(
                    category_trail(category),
                    category.summary,
                    tuple(entries[skill.relpath] for skill in skills),
                )
            )
    return LlmsTxtInput(
        site_name=options.site_name,
        site_url=options.site_url,
        site_description=options.site_description,
        skill_count=len(tree.skills),
        skills_json=options.skills_json,
        catalog_url=addresses.catalog,
        sections=tuple(sections),
    )
