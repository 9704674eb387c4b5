"""The lint rules. Importing this package registers every rule.

Each module groups rules by what they look at; each rule is one function
decorated with :func:`skillshelf.rules.base.rule`, whose docstring documents
it (``skillshelf rules --explain ID``, the site's rules page).
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.rules import (
    blockquotes,
    categories,
    files,
    frontmatter,
    links,
    liquid,
    reading,
    site,
    snippets,
    suppressions,
)
from skillshelf.rules.base import REGISTRY, Rule


def all_rules() -> Iterator[Rule]:
    """Every rule, by id."""
    yield from sorted(REGISTRY.values(), key=lambda r: r.id)


__all__ = [
    "all_rules",
    "blockquotes",
    "categories",
    "files",
    "frontmatter",
    "links",
    "liquid",
    "reading",
    "site",
    "snippets",
    "suppressions",
]
