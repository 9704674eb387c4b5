"""Where the files of a skills tree land on the published site, and which site
paths are not theirs to take.

Shared by the lint rules, which report a tree that would collide before anything
is published, and by the site planner, which refuses to publish it. Nothing here
imports MkDocs; the paths are the ones MkDocs derives with its default
``use_directory_urls``.
"""

from __future__ import annotations

import posixpath
from types import MappingProxyType

#: The site folder of the plugin's own script and style.
PLUGIN_ASSETS_DIR = "_skillshelf"

#: Top-level names of the site that belong to the theme, MkDocs, its search and
#: tags plugins, or the skillshelf plugin, with what each holds. A skill, category
#: or file of the tree that lands on one of them could replace the script every
#: page runs (``assets/javascripts/...``, ``_skillshelf/catalog.js``), the search
#: index or the sitemap. Compared case-insensitively: on a case-insensitive file
#: system ``Assets/`` and ``assets/`` are one folder.
RESERVED: MappingProxyType[str, str] = MappingProxyType(
    {
        PLUGIN_ASSETS_DIR: "the skillshelf plugin's script and style",
        "catalog": "the catalog page",
        "skills.json": "the skills.json index",
        "llms.txt": "the llms.txt index",
        "assets": "the theme's scripts, styles and images",
        "search": "the search index",
        "tags": "the tags index page",
        "404.html": "the page shown for missing pages",
        "sitemap.xml": "the sitemap",
        "sitemap.xml.gz": "the sitemap",
    }
)
_RESERVED_FOLDED = MappingProxyType({name.casefold(): owner for name, owner in RESERVED.items()})

#: File stems MkDocs publishes as their folder's index page (``README.md`` counts
#: as ``index.md`` when there is none).
INDEX_STEMS = frozenset({"index", "README"})


def page_dest(src_uri: str, *, use_directory_urls: bool = True, index: bool = False) -> str:
    """The HTML file MkDocs writes for the Markdown page ``src_uri``:
    ``a/b.md`` -> ``a/b/index.html`` (``a/b.html`` without directory URLs),
    ``a/index.md`` and ``a/README.md`` -> ``a/index.html``; ``index`` makes any
    page its folder's index (a skill's ``SKILL.md``, a category's ``DESCRIPTION.md``)."""
    parent, name = posixpath.split(src_uri)
    stem = posixpath.splitext(name)[0]
    if index or stem in INDEX_STEMS:
        return posixpath.join(parent, "index.html")
    if use_directory_urls:
        return posixpath.join(parent, stem, "index.html")
    return posixpath.join(parent, stem + ".html")


def reserved_owner(site_path: str) -> str | None:
    """What owns the top-level name of ``site_path``, when it is reserved."""
    first = site_path.lstrip("/").split("/", 1)[0]
    return _RESERVED_FOLDED.get(first.casefold())
