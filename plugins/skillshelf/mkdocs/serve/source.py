"""The source split: each page's source split into Markdown and metadata, kept
between ``mkdocs serve`` rebuilds.

``Page.read_source`` parses a page's YAML frontmatter on every rebuild. For
the pages the plugin adds, the split is kept under the page's source text and
reused while it is the same; only while no plugin provides
``on_page_read_source`` (which may give a page another source than its
file's). Each page gets its own copy of the metadata, which plugins may change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from skillshelf.mkdocs.serve import internals
from skillshelf.mkdocs.serve.keys import SCALARS


class _NotPlainError(Exception):
    pass


def copy_meta(value: Any) -> Any:
    """A copy of page metadata that shares nothing mutable with ``value``: built
    directly when it is a tree of dicts, lists and scalars (what YAML gives
    without anchors), else deep-copied (which also keeps an alias an alias)."""
    try:
        return _copy_plain(value, set())
    except _NotPlainError:
        return copy.deepcopy(value)


def _copy_plain(value: Any, seen: set[int]) -> Any:
    kind = type(value)
    if kind in SCALARS:
        return value
    if (kind is not dict and kind is not list) or id(value) in seen:
        raise _NotPlainError
    seen.add(id(value))
    if kind is dict:
        return {key: _copy_plain(item, seen) for key, item in value.items()}
    return [_copy_plain(item, seen) for item in value]


class SourceCache:
    """Pages' sources split into Markdown and metadata (see the module docstring)."""

    def __init__(self) -> None:
        #: src_uri -> (source text, Markdown, metadata as parsed)
        self.entries: dict[str, tuple[str, str, dict[str, Any]]] = {}
        self.usable = False
        self.hits = 0
        self.misses = 0

    def begin(self, config: MkDocsConfig) -> None:
        self.hits = self.misses = 0
        self.usable = internals.plugins_handle(config, "page_read_source") is False

    def install(self, page: Page) -> None:
        """Make ``page.read_source`` use the cache (``page`` must have its content in
        memory: a generated file)."""
        if self.usable:
            internals.replace_page_method(
                page, "read_source", partial(self._read, page, page.read_source)
            )

    def _read(
        self, page: Page, original: Callable[[MkDocsConfig], None], config: MkDocsConfig
    ) -> None:
        source = page.file.content_string
        entry = self.entries.get(page.file.src_uri)
        if entry is not None and entry[0] == source:
            self.hits += 1
            page.markdown = entry[1]
            page.meta = copy_meta(entry[2])
            return
        self.misses += 1
        original(config)
        if page.markdown is not None and type(page.meta) is dict:
            self.entries[page.file.src_uri] = (source, page.markdown, copy_meta(page.meta))

    def keep_only(self, uris: set[str]) -> None:
        for uri in set(self.entries) - uris:
            del self.entries[uri]
