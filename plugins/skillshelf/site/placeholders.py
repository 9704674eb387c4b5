"""Generated lists inside hand-written pages: a line holding only a marker becomes
the list it names.

================================  ===================================================
``<!-- skillshelf:categories -->``  a search box opening the catalog, and a card per
                                    top-level category with its number of skills
``<!-- skillshelf:tags -->``        every tag, whatever its case, with its number of
                                    skills, each opening the catalog at that tag
================================  ===================================================

The MkDocs plugin fills the markers of ``docs_dir``'s pages as MkDocs reads them;
``skillshelf export`` fills them in the pages it copies, so an engine without the
plugin shows the same lists. A marker inside a fenced code block, or sharing its
line with other text, is left as it is (so a page can show how to write one).
"""

from __future__ import annotations

from dataclasses import dataclass

from skillshelf.markdown import iter_fenced_blocks
from skillshelf.site.catalog import HomeInput, TagsInput, home_categories, tags_index

CATEGORIES = "<!-- skillshelf:categories -->"
TAGS = "<!-- skillshelf:tags -->"


@dataclass(frozen=True)
class Placeholders:
    home: HomeInput
    tags: TagsInput


def fill(markdown: str, page_url: str, placeholders: Placeholders) -> str:
    """``markdown`` (of the page at the site URL ``page_url``) with its markers
    replaced by their lists; the same string when it has none."""
    if CATEGORIES not in markdown and TAGS not in markdown:
        return markdown
    lines = markdown.split("\n")
    fenced: set[int] = set()
    for block in iter_fenced_blocks(markdown):
        fenced.update(range(block.start_line - 1, block.end_line))
    for number, line in enumerate(lines):
        if number in fenced:
            continue
        marker = line.strip()
        if marker == CATEGORIES:
            lines[number] = home_categories(placeholders.home, page_url)
        elif marker == TAGS:
            lines[number] = tags_index(placeholders.tags, page_url)
    return "\n".join(lines)
