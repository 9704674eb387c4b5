"""The pages that list skills: the catalog, its data file, the home page's category
cards and the tags index.

The catalog page carries the first :data:`PAGE_SIZE` cards as HTML (what a
reader without JavaScript sees, with links to every category page for the
rest); ``catalog.js`` then renders every card from ``_skillshelf/catalog.json``
(:func:`catalog_data`), a page at a time, filtered by word prefixes, category and
tags, the state kept in the URL (``?q=&category=&tag=``). A library of 10,000
skills thus has a catalog page of a few dozen kilobytes.

The home page's cards and the tags index are filled into hand-written pages where
a line holds only ``<!-- skillshelf:categories -->`` or ``<!-- skillshelf:tags -->``
(:mod:`skillshelf.site.placeholders`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from skillshelf.site.entries import SkillEntry
from skillshelf.site.render import front
from skillshelf.site.text import esc, esc_inline, href, one_line, plural, quote_path

#: Cards on the catalog page as HTML, and cards the script adds at a time.
PAGE_SIZE = 50
CATALOG_DATA_VERSION = 1

#: Words whose full stop ends no sentence.
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "no."})
_SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")


def first_sentence(text: str) -> tuple[str, str]:
    """``text``'s first sentence and the rest, each on one line (the rest may be ""). A
    full stop inside backticks, after an abbreviation or inside a number ends nothing."""
    text = one_line(text)
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text.count("`", 0, end) % 2:
            continue
        word = text[:end].rsplit(None, 1)[-1].casefold()
        if word in _ABBREVIATIONS:
            continue
        return text[:end].strip(), text[end:].strip()
    return text.strip(), ""


def plural_categories(count: int) -> str:
    return f"{count} {'category' if count == 1 else 'categories'}"


# -- the catalog page -------------------------------------------------------------


@dataclass(frozen=True)
class CategoryCount:
    """A category with the skills in it and below it."""

    path: str
    title: str
    url: str
    skills: int


@dataclass(frozen=True)
class CatalogInput:
    url: str
    #: Every skill in nav order.
    skills: tuple[SkillEntry, ...]
    #: Every category holding skills (in it or below), in nav order.
    categories: tuple[CategoryCount, ...]


def skill_card(skill: SkillEntry, base: str, catalog: str) -> str:
    """One card, as ``catalog.js`` writes it too: title (with the name below when it
    differs), category, the description's first sentence with the rest on demand,
    tags opening the catalog at that tag."""
    lead, rest = first_sentence(skill.description)
    parts = [
        '<li class="skillshelf-card">',
        f'<h2 class="skillshelf-card-name"><a href="{esc(href(skill.url, base))}">'
        f"{esc(skill.title)}</a></h2>",
    ]
    if skill.title != skill.name:
        parts.append(f'<p class="skillshelf-card-id"><code>{esc(skill.name)}</code></p>')
    if skill.category and skill.category_url is not None:
        parts.append(
            f'<p class="skillshelf-card-category"><a href="{esc(href(skill.category_url, base))}">'
            f"{esc(skill.category_title)}</a></p>"
        )
    if lead:
        parts.append(f'<p class="skillshelf-card-lead">{esc_inline(lead)}</p>')
    if rest:
        parts.append(
            '<details class="skillshelf-more"><summary>More'
            f'<span class="skillshelf-sr"> about {esc(skill.title)}</span></summary>'
            f"<p>{esc_inline(rest)}</p></details>"
        )
    if skill.tags:
        filtered = href(catalog, base) + "?tag="
        chips = " ".join(
            f'<a class="skillshelf-tag" href="{esc(filtered + quote(tag, safe=""))}">{esc(tag)}</a>'
            for tag in skill.tags
        )
        parts.append(f'<p class="skillshelf-card-tags">{chips}</p>')
    parts.append("</li>")
    return "".join(parts)


def catalog_page(page: CatalogInput) -> str:
    url = page.url
    skills = page.skills
    categories = {skill.category for skill in skills}
    summary = f"{plural(len(skills), 'skill')} in {plural_categories(len(categories))}"
    cards = "\n".join(skill_card(skill, url, url) for skill in skills[:PAGE_SIZE])
    fallback = ""
    if len(skills) > PAGE_SIZE:
        links = "\n".join(
            f'<li><a href="{esc(href(category.url, url))}">{esc(category.title)}</a> '
            f'<span class="skillshelf-count">{esc(plural(category.skills, "skill"))}</span></li>'
            for category in page.categories
        )
        fallback = (
            '<div class="skillshelf-fallback">\n'
            f"<p>The first {PAGE_SIZE} of {len(skills):,} skills. Every category lists "
            "all of its skills:</p>\n"
            f'<ul class="skillshelf-category-links">\n{links}\n</ul>\n</div>\n'
        )
    return (
        front({"search": {"exclude": True}, "description": esc(f"Every skill: {summary}.")})
        + "# Catalog\n\n"
        '<div class="skillshelf-catalog">\n'
        f'<p class="skillshelf-shown" aria-live="polite">{esc(summary)}.</p>\n'
        f'<ul class="skillshelf-results">\n{cards}\n</ul>\n'
        f"{fallback}</div>\n"
    )


# -- the catalog's data -----------------------------------------------------------


def catalog_data(page: CatalogInput) -> str:
    """What ``catalog.js`` (and the 404 page's suggestions) read: compact JSON, every
    URL relative to the site root and percent-encoded, so it never holds a scheme.

    ``{"version", "catalog": URL, "categories": [[path, title, URL, parent index]],
    "skills": [[name, URL, category index or -1, first sentence, rest, [tags], title]]}``
    """
    index = {category.path: number for number, category in enumerate(page.categories)}
    categories = []
    for category in page.categories:
        parent = category.path.rpartition("/")[0]
        categories.append(
            [category.path, category.title, quote_path(category.url), index.get(parent, -1)]
        )
    skills = [
        [
            skill.name,
            quote_path(skill.url),
            index.get(skill.category, -1),
            *first_sentence(skill.description),
            list(skill.tags),
            skill.title,
        ]
        for skill in page.skills
    ]
    data: dict[str, Any] = {
        "version": CATALOG_DATA_VERSION,
        "catalog": quote_path(page.url),
        "categories": categories,
        "skills": skills,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


# -- the home page's categories and the tags index ------------------------------------


@dataclass(frozen=True)
class HomeInput:
    catalog_url: str | None
    skills: int
    #: The top-level categories (their skills counted with their sub-categories').
    categories: tuple[CategoryCount, ...]
    #: Their summaries, in the same order.
    summaries: tuple[str, ...]


def home_categories(home: HomeInput, base: str) -> str:
    """A search box opening the catalog, then a card per top-level category."""
    parts = []
    if home.catalog_url is not None:
        action = href(home.catalog_url, base)
        parts.append(
            f'<form class="skillshelf-search" action="{esc(action)}" method="get" role="search">\n'
            '<label for="skillshelf-home-query">Search the '
            f"{esc(plural(home.skills, 'skill'))}</label>\n"
            '<input id="skillshelf-home-query" type="search" name="q" '
            'placeholder="a name, a tag, a word" autocomplete="off">\n'
            '<button type="submit" class="md-button md-button--primary">Search</button>\n'
            f'<a class="md-button" href="{esc(action)}">Browse all</a>\n'
            "</form>\n"
        )
    items = []
    for category, summary in zip(home.categories, home.summaries, strict=True):
        text = f"<p>{esc_inline(summary)}</p>" if summary else ""
        items.append(
            f'<li><p><a href="{esc(href(category.url, base))}"><strong>{esc(category.title)}'
            f'</strong></a> <span class="skillshelf-count">{esc(plural(category.skills, "skill"))}'
            f"</span></p>{text}</li>"
        )
    if items:
        parts.append(
            '<div class="grid cards skillshelf-cards">\n<ul>\n'
            + "\n".join(items)
            + "\n</ul>\n</div>"
        )
    return "\n".join(parts) + "\n"


@dataclass(frozen=True)
class TagCount:
    #: The spelling most skills use (the first in sort order on a tie).
    tag: str
    skills: int


def tag_counts(tag_lists: Iterable[Sequence[str]]) -> tuple[TagCount, ...]:
    """Every tag once, whatever its case, with how many skills carry it, sorted by
    name regardless of case."""
    spellings: dict[str, Counter[str]] = {}
    counts: Counter[str] = Counter()
    for tags in tag_lists:
        seen = set()
        for tag in tags:
            key = tag.casefold()
            spellings.setdefault(key, Counter())[tag] += 1
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    found = []
    for key, spelled in spellings.items():
        tag = min(spelled, key=lambda spelling: (-spelled[spelling], spelling))
        found.append(TagCount(tag, counts[key]))
    return tuple(sorted(found, key=lambda item: (item.tag.casefold(), item.tag)))


@dataclass(frozen=True)
class TagsInput:
    catalog_url: str | None
    tags: tuple[TagCount, ...]


def tags_index(tags: TagsInput, base: str) -> str:
    """Every tag as a chip with its count, opening the catalog at that tag."""
    items = []
    for item in tags.tags:
        unit = "skill" if item.skills == 1 else "skills"
        count = (
            f'<span class="skillshelf-count">{item.skills}'
            f'<span class="skillshelf-sr"> {unit}</span></span>'
        )
        if tags.catalog_url is not None:
            link = href(tags.catalog_url, base) + "?tag=" + quote(item.tag, safe="")
            items.append(
                f'<li><a class="skillshelf-tag" href="{esc(link)}">{esc(item.tag)} {count}</a></li>'
            )
        else:
            items.append(f'<li><span class="skillshelf-tag">{esc(item.tag)} {count}</span></li>')
    total = plural(len(tags.tags), "tag")
    return (
        f'<p class="skillshelf-shown">{esc(total)}, each with the number of skills that '
        "carry it.</p>\n"
        f'<ul class="skillshelf-tag-index" aria-label="Tags">\n' + "\n".join(items) + "\n</ul>\n"
    )
