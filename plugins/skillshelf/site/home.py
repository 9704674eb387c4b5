"""The home page of a site whose ``docs_dir`` has none.

A skills repository adopting skillshelf often has no ``docs/`` pages at all:
its site would have no page at ``/`` (a 404 where readers arrive). The plugin
and ``skillshelf export`` then add :func:`home_page`: the site's name and
description, a search box opening the catalog and a card per top-level
category, as ``<!-- skillshelf:categories -->`` makes in a hand-written page.
"""

from __future__ import annotations

from collections.abc import Iterable

from skillshelf.site.options import SiteOptions
from skillshelf.site.placeholders import CATEGORIES, Placeholders, fill
from skillshelf.site.text import esc_inline, md_text

#: The source path of the generated home page.
HOME_URI = "index.md"
#: The names MkDocs publishes at the site's root (``README.md`` when there is no
#: ``index.md``).
INDEX_NAMES = ("index.md", "README.md")


def needs_home(page_uris: Iterable[str]) -> bool:
    """Whether none of ``page_uris`` (source paths of docs_dir's pages) is a root page."""
    return not any(uri in INDEX_NAMES for uri in page_uris)


def home_page(options: SiteOptions, placeholders: Placeholders) -> str:
    """The Markdown of the generated home page."""
    parts = [f"# {md_text(options.site_name)}\n"]
    if options.site_description.strip():
        parts.append(
            f'<p class="skillshelf-description">{esc_inline(options.site_description)}</p>\n'
        )
    parts.append(CATEGORIES + "\n")
    return fill("\n".join(parts), "", placeholders)
