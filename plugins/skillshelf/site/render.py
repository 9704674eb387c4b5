"""The Markdown of generated pages: category pages, skill pages, the catalog.

Each page is rendered from one frozen input value and nothing else
(:class:`SkillPageInput`, :class:`CategoryPageInput`, :class:`CatalogInput`,
read off the model by :mod:`skillshelf.site.inputs`): equal inputs give the same
page, which is what lets ``mkdocs serve`` reuse a page while its input is equal
(:class:`skillshelf.site.memo.PlanMemo`), with no second list of what a page
reads to keep in step.

Generated parts are raw HTML blocks with every frontmatter value escaped, so
nothing a SKILL.md declares can turn into markup; the author's body follows
unchanged, as MkDocs would render any page. Links in generated HTML are
relative URLs computed here (MkDocs does not rewrite raw HTML); links in the
body are left for MkDocs to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from skillshelf.model import Document
from skillshelf.site.entries import SkillEntry
from skillshelf.site.text import (
    esc,
    esc_inline,
    href,
    human_size,
    md_text,
    plural,
    yaml_value,
)

_H1 = re.compile(r"^#\s+\S")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def split_title(body: str) -> tuple[str | None, str]:
    """The body's leading ``# Heading`` line (if it opens the page) and the rest."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if _H1.match(line) and not _FENCE.match(line):
            return line, "\n".join(lines[index + 1 :])
        break
    return None, body


def front(meta: Mapping[str, Any]) -> str:
    """Page metadata for MkDocs and its plugins (tags, search, description)."""
    if not meta:
        return ""
    lines = [f"{key}: {yaml_value(value)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


# -- skill pages ------------------------------------------------------------------


@dataclass(frozen=True)
class FileLink:
    """A file of a skill listed under "Bundled files"."""

    #: The path inside the skill folder (``scripts/run.py``).
    inner: str
    #: Its URL relative to the site root: the file itself, or the page of a Markdown file.
    url: str
    size: int
    #: A download (a bundled file) rather than a page (a Markdown file).
    download: bool


@dataclass(frozen=True)
class SkillPageInput:
    """Everything a skill page shows, as plain values (see :mod:`skillshelf.site.inputs`)."""

    url: str
    name: str
    description: str
    #: The SKILL.md's body.
    body: str
    #: Why the SKILL.md could not be read (None when it could).
    problem: str | None
    category: str
    category_title: str
    category_url: str | None
    #: ("Version", "1.2.0"), ("Author", ...), ("License", ...), ("Compatibility", ...)
    #: for those the frontmatter gives, in that order.
    fields: tuple[tuple[str, str], ...]
    platforms: tuple[str, ...]
    dependencies: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    #: Each related skill's name as written, with its page's URL when it exists.
    related: tuple[tuple[str, str | None], ...]
    #: The SKILL.md's repository path and its URL when the repository is known.
    source: tuple[str, str | None]
    catalog_url: str | None
    files: tuple[FileLink, ...]


def _source_link(rel: str, link: str | None) -> str:
    if link is not None:
        return f'<a href="{esc(link)}">{esc(rel)}</a>'
    return f"<code>{esc(rel)}</code>"


def _tag_links(tags: Sequence[str], catalog_url: str | None, base: str) -> str:
    chips = []
    for tag in tags:
        if catalog_url is not None:
            link = href(catalog_url, base) + "?q=" + quote(tag, safe="")
            chips.append(f'<a class="skillshelf-tag" href="{esc(link)}">{esc(tag)}</a>')
        else:
            chips.append(f'<span class="skillshelf-tag">{esc(tag)}</span>')
    return " ".join(chips)


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{esc(label)}</th><td>{value_html}</td></tr>"


def skill_header(page: SkillPageInput) -> str:
    url = page.url
    rows = [_row("Name", f"<code>{esc(page.name)}</code>")]
    if page.category and page.category_url is not None:
        rows.append(
            _row(
                "Category",
                f'<a href="{esc(href(page.category_url, url))}">{esc(page.category_title)}</a>',
            )
        )
    rows.extend(_row(label, esc(value)) for label, value in page.fields)
    if page.platforms:
        rows.append(_row("Platforms", esc(", ".join(page.platforms))))
    if page.dependencies:
        rows.append(
            _row("Dependencies", " ".join(f"<code>{esc(dep)}</code>" for dep in page.dependencies))
        )
    if page.targets:
        rows.append(
            _row(
                "Written for",
                " ".join(f"<code>{esc(k)} {esc(v)}</code>" for k, v in page.targets),
            )
        )
    if page.tags:
        rows.append(_row("Tags", _tag_links(page.tags, page.catalog_url, url)))
    if page.related:
        links = []
        for name, target in page.related:
            if target is not None:
                links.append(f'<a href="{esc(href(target, url))}">{esc(name)}</a>')
            else:
                links.append(f"<span>{esc(name)}</span>")
        rows.append(_row("Related skills", ", ".join(links)))
    rows.append(_row("Source", _source_link(*page.source)))
    lead = ""
    if page.description:
        lead = f'<p class="skillshelf-description">{esc_inline(page.description)}</p>\n'
    return (
        '<div class="skillshelf-skill">\n'
        f"{lead}"
        # data-search-exclude: material's search would index the table as one run of
        # text ("TagsFine-Tuning RLHF ... Related skillsgrpo-rl-training"); the tags
        # are indexed from the page's metadata, the description stays searchable.
        '<table class="skillshelf-meta" data-search-exclude>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        "</div>\n"
    )


def bundled_list(files: Sequence[FileLink], url: str) -> str:
    if not files:
        return ""
    items = []
    for file in files:
        attribute = " download" if file.download else ""
        items.append(
            f'<li><a href="{esc(href(file.url, url))}"{attribute}><code>{esc(file.inner)}</code>'
            f'</a> <span class="skillshelf-size">{esc(human_size(file.size))}</span></li>'
        )
    return (
        "\n\n## Bundled files\n\n"
        '<div class="skillshelf-files">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>\n"
    )


def skill_page(page: SkillPageInput) -> str:
    meta: dict[str, Any] = {}
    if page.tags:
        meta["tags"] = [esc(tag) for tag in page.tags]
        # The tags plugin still indexes the page; the header below already shows
        # the tags (linking to the filtered catalog), so material's chips would
        # repeat them.
        meta["hide"] = ["tags"]
    if page.description:
        meta["description"] = esc(page.description)
    title, rest = split_title(page.body)
    heading = title or f"# {md_text(page.name)}"
    problem = "" if page.problem is None else _unreadable(page.problem)
    return (
        front(meta)
        + heading
        + "\n\n"
        + skill_header(page)
        + problem
        + "\n"
        + rest.strip("\n")
        + bundled_list(page.files, page.url)
        + "\n"
    )


def _unreadable(reasons: str) -> str:
    return f'\n<p class="skillshelf-problem">This file could not be read: {esc(reasons)}</p>\n'


def unreadable_reasons(document: Document) -> str:
    return "; ".join(issue.message for issue in document.issues) or "unreadable"


def document_page(document: Document) -> str:
    """A reference page or other Markdown file: its own text, untouched."""
    if document.text is None:
        return f"# {md_text(document.rel.name)}\n" + _unreadable(unreadable_reasons(document))
    return document.text


# -- category pages -----------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    title: str
    url: str
    #: "2 skills", "3 references" or "".
    count: str
    description: str


@dataclass(frozen=True)
class CategoryPageInput:
    url: str
    title: str
    summary: str
    #: The DESCRIPTION.md's body ("" without one, or when it could not be read).
    body: str
    #: Sub-categories, then skills, each in nav order.
    categories: tuple[Card, ...]
    skills: tuple[Card, ...]


def _card(title_html: str, card: Card, base: str) -> str:
    text = f"<p>{esc_inline(card.description)}</p>" if card.description else ""
    return (
        f'<li><p><a href="{esc(href(card.url, base))}"><strong>{title_html}</strong></a> '
        f'<span class="skillshelf-count">{esc(card.count)}</span></p>{text}</li>'
    )


def category_page(page: CategoryPageInput) -> str:
    url = page.url
    title, rest = split_title(page.body)
    heading = title or f"# {md_text(page.title)}"
    meta: dict[str, Any] = {}
    if page.summary:
        meta["description"] = esc(page.summary)
    parts = [front(meta) + heading + "\n"]
    if page.summary:
        parts.append(f'<p class="skillshelf-description">{esc_inline(page.summary)}</p>\n')
    if rest.strip():
        parts.append(rest.strip("\n") + "\n")
    if page.categories:
        cards = [_card(esc(card.title), card, url) for card in page.categories]
        parts.append(_cards("Categories", cards))
    if page.skills:
        cards = [_card(f"<code>{esc(card.title)}</code>", card, url) for card in page.skills]
        parts.append(_cards("Skills", cards))
    return "\n".join(parts)


def _cards(heading: str, cards: list[str]) -> str:
    return (
        f"## {heading}\n\n"
        '<div class="grid cards skillshelf-cards">\n<ul>\n' + "\n".join(cards) + "\n</ul>\n</div>\n"
    )


# -- the catalog ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogInput:
    url: str
    #: Every skill in nav order.
    skills: tuple[SkillEntry, ...]


def catalog_page(page: CatalogInput) -> str:
    url = page.url
    skills = page.skills
    categories = {skill.category for skill in skills}
    rows = []
    for skill in skills:
        trail = skill.category_title
        if skill.category and skill.category_url is not None:
            category_html = f'<a href="{esc(href(skill.category_url, url))}">{esc(trail)}</a>'
        else:
            category_html = ""
        haystack = " ".join([skill.name, trail, skill.category, skill.description, *skill.tags])
        tags = " ".join(f'<span class="skillshelf-tag">{esc(tag)}</span>' for tag in skill.tags)
        rows.append(
            f'<tr data-search="{esc(haystack.casefold())}">'
            f'<td><a href="{esc(href(skill.url, url))}">'
            f"<code>{esc(skill.name)}</code></a></td>"
            f"<td>{category_html}</td>"
            f"<td>{esc_inline(skill.description)}</td>"
            f"<td>{tags}</td></tr>"
        )
    summary = f"{plural(len(skills), 'skill')} in {plural(len(categories), 'category')}"
    summary = summary.replace("categorys", "categories")
    return (
        front({"search": {"exclude": True}, "description": esc(f"Every skill: {summary}.")})
        + "# Catalog\n\n"
        + f'<p class="skillshelf-description">{esc(summary)}. Type to filter by name, '
        "category, tag or description.</p>\n\n"
        '<div class="skillshelf-catalog">\n'
        '<input type="search" class="skillshelf-filter md-input" '
        'placeholder="Filter skills" aria-label="Filter skills" autocomplete="off">\n'
        '<p class="skillshelf-shown" aria-live="polite"></p>\n'
        "<table>\n<thead><tr><th>Skill</th><th>Category</th><th>Description</th>"
        "<th>Tags</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        '<p class="skillshelf-none" hidden>No skill matches the filter.</p>\n'
        "</div>\n"
    )
