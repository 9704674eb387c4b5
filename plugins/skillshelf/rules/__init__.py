"""The lint rules. Importing this package registers every rule.

Each module groups rules by what they look at; each rule is one function
decorated with :func:`skillshelf.rules.base.rule`.
"""

from skillshelf.rules import (
    blockquotes,
    categories,
    files,
    frontmatter,
    links,
    reading,
    site,
    snippets,
)

__all__ = [
    "blockquotes",
    "categories",
    "files",
    "frontmatter",
    "links",
    "reading",
    "site",
    "snippets",
]
