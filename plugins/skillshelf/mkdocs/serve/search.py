"""The search entries: what mkdocs-material's search plugin adds to its index for
each page, kept between ``mkdocs serve`` rebuilds.

Its ``on_page_context`` parses every page's HTML into sections on every
rebuild. The entries a page adds depend only on the page's content, table of
contents (anchor ids and URLs), URL, title and metadata (``title``, ``tags``,
``search``), so they are kept under a key of exactly those and the plugin's
settings, for every page of the site, and added again when it matches; the
index written is the same, entry for entry, in the same order. Any other
search plugin, or a material that does not match what this was written
against (:func:`~skillshelf.mkdocs.serve.internals.material_search_index`),
indexes as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from mkdocs.structure.pages import Page

from skillshelf.mkdocs.serve import internals
from skillshelf.mkdocs.serve.keys import digest, stable, unstable


def _toc_targets(items: Any) -> list[Any]:
    return [(item.id, item.url, _toc_targets(item.children)) for item in (items or [])]


def _copy_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, list) else value for key, value in entry.items()}


class SearchCache:
    """The search index entries of each page (see the module docstring)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[bytes, list[dict[str, Any]]]] = {}
        self.seen: set[str] = set()
        self.usable = False
        self.hits = 0
        self.misses = 0

    def begin(self, plugins: Iterable[object]) -> None:
        """Route this build's search index through the cache (before the first page)."""
        self.hits = self.misses = 0
        self.seen = set()
        index = internals.material_search_index(plugins)
        self.usable = index is not None
        if index is None:
            return
        index.route(partial(self._add, index, index.add_entry, stable(index.settings)))

    def _add(
        self,
        index: internals.SearchIndex,
        original: Callable[[Page], None],
        settings: str,
        page: Page,
    ) -> None:
        meta = stable(page.meta)
        if unstable(meta) or unstable(settings):
            original(page)
            return
        uri = page.file.src_uri
        key = digest(
            settings,
            page.url,
            str(page.title),
            meta,
            repr(_toc_targets(page.toc)),
            page.content or "",
        )
        self.seen.add(uri)
        entry = self.entries.get(uri)
        entries = index.entries
        if entry is not None and entry[0] == key:
            self.hits += 1
            entries.extend(_copy_entry(item) for item in entry[1])
            return
        self.misses += 1
        before = len(entries)
        original(page)
        self.entries[uri] = (key, [_copy_entry(item) for item in entries[before:]])

    def keep_only_seen(self) -> None:
        for uri in set(self.entries) - self.seen:
            del self.entries[uri]
