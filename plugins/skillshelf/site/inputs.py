"""The model, read into the frozen values every generated text is rendered from.

Each function here turns part of a scanned tree into one input value of
:mod:`skillshelf.site.render` or :mod:`skillshelf.site.outputs`, holding only
strings, numbers and tuples of them: everything the text shows, already taken
out of the frontmatter (a ``version: 1`` becomes ``"1"``, a ``true`` ``"True"``,
so values that compare equal but print differently cannot meet). The
renderers read nothing else, so an input that equals the previous one gives
the same text, and the plan memo can key each text on its input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from skillshelf.model import Category, Skill, SkillTree
from skillshelf.site.entries import SkillEntry
from skillshelf.site.options import SiteOptions
from skillshelf.site.order import (
    category_trail,
    ordered_categories,
    sorted_children,
    sorted_references,
    sorted_skills,
)
from skillshelf.site.outputs import LlmsSection, LlmsTxtInput, SkillsJsonInput
from skillshelf.site.render import (
    Card,
    CatalogInput,
    CategoryPageInput,
    FileLink,
    SkillPageInput,
    unreadable_reasons,
)
from skillshelf.site.text import one_line, plural
from skillshelf.site.urls import Addresses


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


def skill_entry(skill: Skill, addresses: Addresses, trail: str) -> SkillEntry:
    """``trail``: the skill's category trail (:func:`category_trail`)."""
    category = skill.category
    version = skill.project_fields.get("version")
    return SkillEntry(
        name=skill.name,
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
    )


def skill_entries(skills: Iterable[Skill], addresses: Addresses) -> dict[str, SkillEntry]:
    """Skill folder -> entry, in the order of ``skills``."""
    trails: dict[str, str] = {}
    entries = {}
    for skill in skills:
        category = skill.category
        trail = trails.get(category.path)
        if trail is None:
            trail = trails[category.path] = category_trail(category)
        entries[skill.relpath] = skill_entry(skill, addresses, trail)
    return entries


def skill_page_input(
    skill: Skill, entry: SkillEntry, tree: SkillTree, addresses: Addresses
) -> SkillPageInput:
    """``entry``: the skill's own entry (what the site-wide texts show of it)."""
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
    related = []
    for name in skill.related_skills:
        found = tree.skills_named(name)
        related.append((name, addresses.skill(found[0]) if found else None))
    urls = addresses.urls
    # every file of the skill is below its folder: its path inside is the rest
    inside = len(skill.relpath) + 1
    files: list[tuple[str, str, int, bool]] = []
    for bundled in skill.bundled:
        files.append((bundled.relpath[inside:], bundled.relpath, bundled.size, True))
    for extra in skill.extra_documents:
        files.append((extra.relpath[inside:], urls.page_url(extra.relpath), extra.size, False))
    return SkillPageInput(
        url=entry.url,
        name=entry.name,
        description=entry.description,
        body=document.body,
        problem=None if document.text is not None else unreadable_reasons(document),
        category=entry.category,
        category_title=entry.category_title,
        category_url=entry.category_url,
        fields=tuple(shown),
        platforms=_string_list(fields.get("platforms")),
        dependencies=_string_list(fields.get("dependencies")),
        targets=tuple(skill.targets.items()),
        tags=entry.tags,
        related=tuple(related),
        source=(entry.source, addresses.source_link(entry.source)),
        catalog_url=addresses.catalog,
        files=tuple(FileLink(*file) for file in sorted(files)),
    )


def category_page_input(
    category: Category, addresses: Addresses, entries: Mapping[str, SkillEntry]
) -> CategoryPageInput:
    document = category.description
    body = document.body if document is not None and document.text is not None else ""
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
                entry.name,
                entry.url,
                plural(len(entry.references), "reference") if entry.references else "",
                entry.description,
            )
            for entry in (entries[skill.relpath] for skill in sorted_skills(category))
        ),
    )


def catalog_input(url: str, entries: Mapping[str, SkillEntry]) -> CatalogInput:
    return CatalogInput(url=url, skills=tuple(entries.values()))


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
