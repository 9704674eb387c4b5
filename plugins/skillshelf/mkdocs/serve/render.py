"""The Markdown render: each page's Markdown conversion, kept between ``mkdocs
serve`` rebuilds.

``Page.render`` converts a page's Markdown on every rebuild. For the pages the
plugin adds, its results (the HTML, table of contents, title, anchors and the
messages MkDocs printed) are kept under a key of the page's final Markdown
(after every plugin's ``on_page_markdown``), its source path, URL and
inclusion, and the Markdown settings; plus every file lookup the conversion
made while resolving links, each of which must give the same answer again (a
link target that appears, disappears or moves is a miss). Not used with
Markdown extensions that read other files, which the key cannot see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from skillshelf.mkdocs.serve import internals
from skillshelf.mkdocs.serve.keys import digest, stable, unstable

#: Markdown extensions that read other files, which the render key cannot see.
READS_FILES = ("pymdownx.snippets", "markdown_include", "mdx_include")


def file_signature(file: File | None) -> tuple[str, str, str] | None:
    """What a link to ``file`` resolves to: its source path, URL and inclusion."""
    if file is None:
        return None
    return (file.src_uri, file.url, str(file.inclusion))


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not any(r is record for r in self.records):
            self.records.append(record)


@dataclass
class _Rendered:
    key: bytes
    lookups: dict[str, tuple[str, str, str] | None]
    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None
    records: list[logging.LogRecord] = field(default_factory=list)


class RenderCache:
    """Markdown conversions kept between serve rebuilds (see the module docstring)."""

    def __init__(self) -> None:
        self.entries: dict[str, _Rendered] = {}
        self.settings = ""
        self.usable = True
        self.hits = 0
        self.misses = 0

    def begin(self, config: MkDocsConfig) -> None:
        self.hits = self.misses = 0
        extensions = [str(e) for e in config.markdown_extensions]
        self.settings = stable(
            (
                config.markdown_extensions,
                config.mdx_configs,
                config.use_directory_urls,
                config.validation,
                config.docs_dir,
            )
        )
        self.usable = not unstable(self.settings) and not any(
            name.startswith(READS_FILES) for name in extensions
        )

    def install(self, page: Page) -> None:
        """Make ``page.render`` use the cache."""
        if not self.usable:
            return
        # a partial, not a closure: fewer objects for the garbage collector per page
        internals.replace_page_method(page, "render", partial(self._render, page, page.render))

    def _render(
        self,
        page: Page,
        original: Callable[[MkDocsConfig, Files], None],
        config: MkDocsConfig,
        files: Files,
    ) -> None:
        file = page.file
        key = digest(
            page.markdown or "", file.src_uri, file.url, str(file.inclusion), self.settings
        )
        entry = self.entries.get(file.src_uri)
        find = internals.file_finder(files)
        if (
            entry is not None
            and entry.key == key
            and all(
                file_signature(find(path)) == signature for path, signature in entry.lookups.items()
            )
        ):
            self.hits += 1
            page.content = entry.content
            page.toc = internals.copy_toc(entry.toc)
            internals.set_title_from_render(page, entry.title)
            page.present_anchor_ids = set(entry.anchors) if entry.anchors is not None else None
            if entry.links_to_anchors is not None:
                targets: dict[File, dict[str, str]] = {}
                for uri, links in entry.links_to_anchors.items():
                    target = find(uri)
                    if target is not None:
                        targets[target] = dict(links)
                page.links_to_anchors = targets
            for record in entry.records:
                logging.getLogger(record.name).handle(record)
            return
        self.misses += 1
        recorder = internals.RecordingFiles(files, file_signature)
        capture = _Capture()
        loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
        for logger in loggers:
            logger.addHandler(capture)
        try:
            original(config, recorder)  # type: ignore[arg-type]
        finally:
            for logger in loggers:
                logger.removeHandler(capture)
        anchor_links = page.links_to_anchors
        self.entries[file.src_uri] = _Rendered(
            key=key,
            lookups=recorder.lookups,
            content=page.content or "",
            toc=internals.copy_toc(page.toc),
            title=internals.title_from_render(page),
            anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            links_to_anchors=None
            if anchor_links is None
            else {target.src_uri: dict(anchors) for target, anchors in anchor_links.items()},
            records=capture.records,
        )

    def keep_only(self, uris: set[str]) -> None:
        for uri in set(self.entries) - uris:
            del self.entries[uri]
