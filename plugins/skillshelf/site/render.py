"""The Markdown of category pages and of the tree's other pages, and what every
generated page shares (metadata, the title, cards).

Each generated page is rendered from one frozen input value and nothing else
(:class:`CategoryPageInput` here, :class:`~skillshelf.site.skill_page.SkillPageInput`,
:class:`~skillshelf.site.catalog.CatalogInput`..., read off the model by
:mod:`skillshelf.site.inputs`): equal inputs give the same page, which is what lets
``mkdocs serve`` reuse a page while its input is equal
(:class:`skillshelf.site.memo.PlanMemo`), with no second list of what a page reads
to keep in step.

Generated parts are raw HTML blocks with every frontmatter value escaped, so
nothing a SKILL.md declares can turn into markup; the author's body follows
unchanged, as MkDocs would render any page. Links in generated HTML are
relative URLs computed here (MkDocs does not rewrite raw HTML); links in the
body are left for MkDocs to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skillshelf.model import Document
from skillshelf.site.compat import for_site
from skillshelf.site.text import (
    esc,
    esc_inline,
    href,
    md_text,
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


def unreadable(reasons: str) -> str:
    return f'\n<p class="skillshelf-problem">This file could not be read: {esc(reasons)}</p>\n'


def unreadable_reasons(document: Document) -> str:
    return "; ".join(issue.message for issue in document.issues) or "unreadable"


def document_page(document: Document, *, admonitions: bool = False) -> str:
    """A reference page or other Markdown file: its own text, with what GitHub and
    GitBook render differently made to read the same (:func:`for_site`)."""
    if document.text is None:
        return f"# {md_text(document.rel.name)}\n" + unreadable(unreadable_reasons(document))
    return for_site(document.text, first_line=document.body_line, admonitions=admonitions)


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


def card_item(title_html: str, card: Card, base: str) -> str:
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
        items = [card_item(esc(card.title), card, url) for card in page.categories]
        parts.append(cards("Categories", items))
    if page.skills:
        items = [card_item(esc(card.title), card, url) for card in page.skills]
        parts.append(cards("Skills", items))
    return "\n".join(parts)


def cards(heading: str, items: list[str]) -> str:
    return (
        f"## {heading}\n\n"
        '<div class="grid cards skillshelf-cards">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>\n"
    )
