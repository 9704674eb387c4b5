"""What ``mkdocs serve`` may reuse from one rebuild to the next.

MkDocs rebuilds every page on every change. For the pages the plugin adds
(skills, references, categories, the catalog), two results are kept between
rebuilds, each under a key made of everything that can change it:

* :class:`SourceCache`, a page's source split into Markdown and metadata
  (``Page.read_source``, which parses the YAML frontmatter). Key: the page's
  source text; only while no plugin provides ``on_page_read_source``. Each
  page gets its own copy of the metadata, which plugins may change.
* :class:`RenderCache`, a page's Markdown conversion (``Page.render``): the
  HTML, table of contents, title, anchors and the messages MkDocs printed.
  Key: the page's final Markdown (after every plugin's ``on_page_markdown``),
  its source path, URL and inclusion, the Markdown settings; plus every file
  lookup the conversion made while resolving links, each of which must give the
  same answer again (a link target that appears, disappears or moves is a
  miss).
* :class:`PageCache`, a page's finished HTML (the theme's template output,
  before any ``on_post_page``). Key: the template, everything about the page
  a theme can print (URL, title, content, table of contents, metadata, edit
  and canonical URLs, neighbours), the whole navigation with every page's
  title, URL and metadata, every documentation file, the whole configuration
  (theme and plugin settings included) and any template variable another plugin
  added. Any nav change therefore misses on every page: never a stale nav.
  The theme's loader notes the source of every template the kept pages were
  rendered with; when one of them changed, appeared or went (an override in
  ``custom_dir`` edited under ``--watch-theme``), nothing is reused.
  Hits are emitted by a wrapper template that otherwise includes the real one,
  so a miss renders exactly what MkDocs would.

For every page of the site, hand-written ones included:

* :class:`SearchCache`, the entries mkdocs-material's search plugin adds to its
  index for a page. Key: the page's content, table of contents, URL, title,
  metadata and the plugin's settings. Only for exactly material 9.x's plugin,
  as it indexes today; any other search plugin indexes as usual.

And for the session:

* :class:`TemplateCodeCache`, the theme's templates compiled (Jinja's bytecode
  cache, in memory): reused when a template's source and every environment
  setting that shapes the compiled code are the same.
* :func:`freeze_what_startup_made`: once serving starts, what the first build
  left is frozen out of the garbage collector's walks;
* :class:`CollectorPause`: the garbage collector only runs young collections
  while a rebuild runs, and a full one after it.

When something cannot be made into a stable key (an object printed with its
address), the page is not cached. Themes whose templates print the build date
are not cached at all. The files of the previous rebuild are reused by
:mod:`skillshelf.mkdocs.serve_output`.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from types import BuiltinFunctionType, FunctionType
from typing import Any

from jinja2 import BaseLoader, Environment, Template, TemplateNotFound
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

#: The template variable holding a cached page's finished HTML.
HIT_VARIABLE = "skillshelf_cached_page"
_STANDARD_CONTEXT = frozenset(
    {
        "nav",
        "pages",
        "base_url",
        "extra_css",
        "extra_javascript",
        "mkdocs_version",
        "build_date_utc",
        "config",
        "page",
    }
)
#: Markdown extensions that read other files, which the render key cannot see.
_READS_FILES = ("pymdownx.snippets", "markdown_include", "mdx_include")


def stable(value: Any) -> str:
    """A text that is equal for equal settings across rebuilds; contains ``0x``
    (and is then not used) when some object only prints its address."""
    return repr(_plain(value))


#: Types whose values :func:`_plain` keeps as they are (checked by exact type first:
#: most values are these, and an ``isinstance`` against ``Mapping`` is slow).
_SCALARS = frozenset({str, int, float, bool, bytes, type(None)})
#: Mark what a mapping and a set became, so that neither equals a list of the same items.
_MAPPING = "\0mapping"
_SET = "\0set"


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return tuple([_plain(v) for v in value])
    if kind is dict or isinstance(value, Mapping):
        return (_MAPPING, *((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        if isinstance(value, (set, frozenset)):
            items.sort(key=repr)
            return (_SET, *items)
        return tuple(items)
    if isinstance(value, (str, int, float, bytes)):  # subclasses (bool is an int)
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (FunctionType, BuiltinFunctionType, type)):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, partial):
        return ("partial", _plain(value.func), _plain(value.args), _plain(value.keywords))
    return f"{type(value).__module__}.{type(value).__qualname__}:{value!r}"


def _digest(*parts: str) -> bytes:
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.digest()


def _unstable(text: str) -> bool:
    return " at 0x" in text


# -- reading the source --------------------------------------------------------------


class _NotPlainError(Exception):
    pass


def _copy_meta(value: Any) -> Any:
    """A copy of page metadata that shares nothing mutable with ``value``: built
    directly when it is a tree of dicts, lists and scalars (what YAML gives
    without anchors), else deep-copied (which also keeps an alias an alias)."""
    try:
        return _copy_plain(value, set())
    except _NotPlainError:
        return copy.deepcopy(value)


def _copy_plain(value: Any, seen: set[int]) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if (kind is not dict and kind is not list) or id(value) in seen:
        raise _NotPlainError
    seen.add(id(value))
    if kind is dict:
        return {key: _copy_plain(item, seen) for key, item in value.items()}
    return [_copy_plain(item, seen) for item in value]


class SourceCache:
    """Pages' sources split into Markdown and metadata, kept between serve rebuilds
    (see the module docstring)."""

    def __init__(self) -> None:
        #: src_uri -> (source text, Markdown, metadata as parsed)
        self.entries: dict[str, tuple[str, str, dict[str, Any]]] = {}
        self.usable = False
        self.hits = 0
        self.misses = 0

    def begin(self, config: MkDocsConfig) -> None:
        self.hits = self.misses = 0
        # A plugin's on_page_read_source may give a page another source than its file's.
        events = getattr(config.plugins, "events", None)
        self.usable = isinstance(events, dict) and events.get("page_read_source") == []

    def install(self, page: Page) -> None:
        """Make ``page.read_source`` use the cache (``page`` must have its content in
        memory: a generated file)."""
        if not self.usable:
            return
        read = partial(self._read, page, page.read_source)
        setattr(page, "read_source", read)  # noqa: B010 (an instance attribute over a method)

    def _read(
        self, page: Page, original: Callable[[MkDocsConfig], None], config: MkDocsConfig
    ) -> None:
        source = page.file.content_string
        entry = self.entries.get(page.file.src_uri)
        if entry is not None and entry[0] == source:
            self.hits += 1
            page.markdown = entry[1]
            page.meta = _copy_meta(entry[2])
            return
        self.misses += 1
        original(config)
        if page.markdown is not None and type(page.meta) is dict:
            self.entries[page.file.src_uri] = (source, page.markdown, _copy_meta(page.meta))

    def keep_only(self, uris: set[str]) -> None:
        for uri in set(self.entries) - uris:
            del self.entries[uri]


# -- Markdown conversion ---------------------------------------------------------------


#: What MkDocs' ``get_toc`` sets on an entry (``active`` on the first one only).
_ANCHOR_FIELDS = frozenset({"title", "id", "level", "children"})
_ANCHOR_OPTIONAL = frozenset({"active"})


def _copy_toc(toc: Any) -> Any:
    """A copy of a table of contents that shares nothing mutable with ``toc``: built
    directly when it is MkDocs' own classes holding only their own fields (much
    faster than :func:`copy.deepcopy`), else deep-copied."""
    if type(toc) is not TableOfContents or vars(toc).keys() != {"items"}:
        return copy.deepcopy(toc)
    try:
        return TableOfContents([_copy_anchor(item) for item in toc.items])
    except _UnknownTocError:
        return copy.deepcopy(toc)


class _UnknownTocError(Exception):
    pass


def _copy_anchor(item: Any) -> AnchorLink:
    if type(item) is not AnchorLink:
        raise _UnknownTocError
    fields = vars(item)
    if not _ANCHOR_FIELDS <= fields.keys() <= _ANCHOR_FIELDS | _ANCHOR_OPTIONAL:
        raise _UnknownTocError
    copied = AnchorLink(item.title, item.id, item.level)
    for name, value in fields.items():
        if name != "children":
            if type(value) not in (str, int, bool):
                raise _UnknownTocError
            setattr(copied, name, value)
    copied.children = [_copy_anchor(child) for child in item.children]
    return copied


def _file_signature(file: File | None) -> tuple[str, str, str] | None:
    if file is None:
        return None
    return (file.src_uri, file.url, str(file.inclusion))


class _RecordingFiles:
    """A stand-in for :class:`Files` during one page's conversion that notes every
    lookup, so the next rebuild can tell whether the links resolve the same way."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: dict[str, tuple[str, str, str] | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self._files.get_file_from_path(path)
        # what MkDocs' lookup depends on: the path as it normalises it
        self.lookups[PurePath(path).as_posix()] = _file_signature(file)
        return file

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)

    def __iter__(self) -> Iterator[File]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: str) -> bool:
        return path in self._files


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
        self.usable = not _unstable(self.settings) and not any(
            name.startswith(_READS_FILES) for name in extensions
        )

    def install(self, page: Page) -> None:
        """Make ``page.render`` use the cache."""
        if not self.usable:
            return
        # a partial, not a closure: fewer objects for the garbage collector per page
        render = partial(self._render, page, page.render)
        setattr(page, "render", render)  # noqa: B010 (an instance attribute over a method)

    def _render(
        self,
        page: Page,
        original: Callable[[MkDocsConfig, Files], None],
        config: MkDocsConfig,
        files: Files,
    ) -> None:
        file = page.file
        key = _digest(
            page.markdown or "", file.src_uri, file.url, str(file.inclusion), self.settings
        )
        entry = self.entries.get(file.src_uri)
        # MkDocs' own Files looks normalised paths up in src_uris; anything else is asked
        find = files.src_uris.get if type(files) is Files else files.get_file_from_path
        if (
            entry is not None
            and entry.key == key
            and all(
                _file_signature(find(path)) == signature
                for path, signature in entry.lookups.items()
            )
        ):
            self.hits += 1
            page.content = entry.content
            page.toc = _copy_toc(entry.toc)
            page._title_from_render = entry.title
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
        recorder = _RecordingFiles(files)
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
            toc=_copy_toc(page.toc),
            title=page._title_from_render,
            anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            links_to_anchors=None
            if anchor_links is None
            else {target.src_uri: dict(anchors) for target, anchors in anchor_links.items()},
            records=capture.records,
        )

    def keep_only(self, uris: set[str]) -> None:
        for uri in set(self.entries) - uris:
            del self.entries[uri]


# -- finished pages ----------------------------------------------------------------------


def _toc_text(items: Any) -> list[Any]:
    return [(item.title, item.url, item.level, _toc_text(item.children)) for item in (items or [])]


def _nav_text(items: Any) -> list[Any]:
    found: list[Any] = []
    for item in items or []:
        if isinstance(item, Page):
            found.append(
                ("page", item.title, item.url, item.file.name, item.file.src_uri, item.meta)
            )
        else:
            found.append(
                (
                    type(item).__name__,
                    getattr(item, "title", None),
                    getattr(item, "url", None),
                    _nav_text(getattr(item, "children", None)),
                )
            )
    return found


def _neighbour(page: Page | None) -> tuple[str | None, str] | None:
    return None if page is None else (page.title, page.url)


_theme_text_cache: dict[tuple[str, ...], bool] = {}


def _theme_prints_build_date(dirs: list[str]) -> bool:
    key = tuple(dirs)
    if key not in _theme_text_cache:
        found = False
        for folder in dirs:
            for path in Path(folder).rglob("*.html"):
                try:
                    if "build_date_utc" in path.read_text(encoding="utf-8", errors="replace"):
                        found = True
                        break
                except OSError:
                    continue
            if found:
                break
        _theme_text_cache[key] = found
    return _theme_text_cache[key]


class _RecordingLoader(BaseLoader):
    """The theme's loader, noting the source of every template it hands out (None
    for one it did not find) the first time it is asked for it."""

    def __init__(self, loader: BaseLoader, seen: dict[str, bytes | None]) -> None:
        self.loader = loader
        self.seen = seen

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        try:
            found = self.loader.get_source(environment, template)
        except TemplateNotFound:
            self.seen.setdefault(template, None)
            raise
        self.seen.setdefault(template, _digest(found[0]))
        return found

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


def _template_digest(env: Environment, loader: BaseLoader, name: str) -> bytes | None:
    try:
        return _digest(loader.get_source(env, name)[0])
    except TemplateNotFound:
        return None


class PageCache:
    """Finished pages kept between serve rebuilds (see the module docstring)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[bytes, str]] = {}
        #: Every template the kept pages were rendered with (its name, the digest of
        #: its source, None when it did not exist), as found by the theme's loader.
        self.templates: dict[str, bytes | None] = {}
        self.site = b""
        self.usable = False
        self.pending: dict[str, bytes] = {}
        self.hits = 0
        self.misses = 0

    def begin(
        self, env: Environment, config: MkDocsConfig, files: Files, nav: Navigation | None
    ) -> None:
        """Fingerprint what every page shares and route templates through the wrapper."""
        self.hits = self.misses = 0
        self.pending = {}
        theme = config.theme
        settings = {
            key: value for key, value in config.items() if key not in {"plugins", "theme", "nav"}
        }
        # a hook (``hooks:`` in mkdocs.yml) is a module, without options
        plugins = [
            (
                name,
                dict(options)
                if isinstance(options := getattr(plugin, "config", None), Mapping)
                else None,
            )
            for name, plugin in config.plugins.items()
        ]
        pages = [
            (file.src_uri, file.url, file.page.title if file.page else None)
            for file in files.documentation_pages()
        ]
        shared = stable(
            (
                settings,
                dict(theme),
                theme.dirs,
                plugins,
                _nav_text(nav.items) if nav is not None else None,
                pages,
            )
        )
        self.usable = not _unstable(shared) and not _theme_prints_build_date(theme.dirs)
        if not self.usable:
            return
        self.site = _digest(shared)
        loader = env.loader
        if loader is None:
            self.usable = False
            return
        if any(
            _template_digest(env, loader, name) != digest for name, digest in self.templates.items()
        ):
            # a template (or its override in custom_dir) changed, appeared or went
            self.entries.clear()
            self.templates.clear()
        env.loader = _RecordingLoader(loader, self.templates)
        wrappers: dict[str, Template] = {}
        real = env.get_template

        def get_template(name: Any, *args: Any, **kwargs: Any) -> Template:
            if not isinstance(name, str) or args or kwargs:
                return real(name, *args, **kwargs)
            if name not in wrappers:
                real(name)  # fail as MkDocs would when the template does not exist
                wrappers[name] = env.from_string(
                    f"{{% if {HIT_VARIABLE} is defined %}}{{{{ {HIT_VARIABLE} }}}}"
                    f"{{% else %}}{{% include {name!r} %}}{{% endif %}}"
                )
            return wrappers[name]

        setattr(env, "get_template", get_template)  # noqa: B010

    def lookup(self, context: dict[str, Any], page: Page) -> None:
        """Before the template: put a cached page into ``context`` when its key matches."""
        context.pop(HIT_VARIABLE, None)
        if not self.usable:
            return
        extra = {k: v for k, v in context.items() if k not in _STANDARD_CONTEXT}
        extra_text = stable(extra)
        if _unstable(extra_text):
            return
        key = _digest(
            self.site.hex(),
            extra_text,
            page.content or "",
            stable(
                (
                    page.meta.get("template", "main.html"),
                    page.url,
                    page.title,
                    page.content is None,
                    _toc_text(page.toc),
                    page.meta,
                    page.edit_url,
                    page.canonical_url,
                    page.is_homepage,
                    _neighbour(page.previous_page),
                    _neighbour(page.next_page),
                )
            ),
        )
        entry = self.entries.get(page.file.src_uri)
        if entry is not None and entry[0] == key:
            self.hits += 1
            context[HIT_VARIABLE] = Markup(entry[1])
            return
        self.misses += 1
        self.pending[page.file.src_uri] = key

    def store(self, output: str, page: Page) -> None:
        """After the template, before any ``on_post_page``: keep what it rendered."""
        key = self.pending.pop(page.file.src_uri, None)
        if key is not None:
            self.entries[page.file.src_uri] = (key, output)

    def keep_only(self, uris: set[str]) -> None:
        for uri in set(self.entries) - uris:
            del self.entries[uri]


# -- search index entries ----------------------------------------------------------------


def _toc_targets(items: Any) -> list[Any]:
    return [(item.id, item.url, _toc_targets(item.children)) for item in (items or [])]


def _material_search(plugins: Iterable[object]) -> Any | None:
    """mkdocs-material's search plugin when it is exactly the one whose indexing
    :class:`SearchCache` was written against (9.x, unmodified, no Chinese
    segmentation, whose dictionaries may change between rebuilds), else None."""
    try:
        from material.plugins.search import plugin as material_search
    except ImportError:
        return None
    found = [plugin for plugin in plugins if type(plugin) is material_search.SearchPlugin]
    if len(found) != 1 or not found[0].config.enabled:
        return None
    index = getattr(found[0], "search_index", None)
    if (
        type(index) is not material_search.SearchIndex
        or "add_entry_from_context" in vars(index)
        or getattr(material_search, "jieba", None) is not None
        or not _version("mkdocs-material").startswith("9.")
    ):
        return None
    return found[0]


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def _copy_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, list) else value for key, value in entry.items()}


class SearchCache:
    """The search index entries of each page, for mkdocs-material's search plugin.

    Its ``on_page_context`` parses every page's HTML into sections on every
    rebuild. The entries a page adds depend only on the page's content, table of
    contents (anchor ids and URLs), URL, title and metadata (``title``, ``tags``,
    ``search``), so they are kept under a key of exactly those and added again
    when it matches; the index written is the same, entry for entry, in the same
    order. Any other search plugin, or a material that does not match what this
    was written against, indexes as usual.
    """

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
        search = _material_search(plugins)
        self.usable = search is not None
        if search is None:
            return
        index = search.search_index
        original: Callable[[Page], None] = index.add_entry_from_context
        settings = stable(dict(search.config))

        def add_entry_from_context(page: Page) -> None:
            self._add(index, original, settings, page)

        setattr(index, "add_entry_from_context", add_entry_from_context)  # noqa: B010

    def _add(self, index: Any, original: Callable[[Page], None], settings: str, page: Page) -> None:
        meta = stable(page.meta)
        if _unstable(meta) or _unstable(settings):
            original(page)
            return
        uri = page.file.src_uri
        key = _digest(
            settings,
            page.url,
            str(page.title),
            meta,
            repr(_toc_targets(page.toc)),
            page.content or "",
        )
        self.seen.add(uri)
        entry = self.entries.get(uri)
        if entry is not None and entry[0] == key:
            self.hits += 1
            index.entries.extend(_copy_entry(item) for item in entry[1])
            return
        self.misses += 1
        before = len(index.entries)
        original(page)
        self.entries[uri] = (key, [_copy_entry(item) for item in index.entries[before:]])

    def keep_only_seen(self) -> None:
        for uri in set(self.entries) - self.seen:
            del self.entries[uri]


# -- compiled templates ------------------------------------------------------------------


def _environment_text(env: Environment) -> str:
    """Everything of a Jinja environment that changes how a template compiles."""
    return stable(
        (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            sorted(env.extensions),
            env.optimized,
            env.autoescape,
            env.finalize,
            env.is_async,
            sorted(env.filters),
            sorted(env.tests),
            env.policies,  # e.g. ext.i18n.trimmed, applied while compiling
        )
    )


class TemplateCodeCache(BytecodeCache):
    """The theme's templates compiled once per serve session instead of per rebuild.

    MkDocs makes a new Jinja environment for every build, which compiles every
    template again. This is Jinja's own bytecode cache, kept in memory: a template
    is reused only when its source (Jinja checks a checksum of it) and every
    environment setting that shapes the compiled code are the same.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def install(self, env: Environment) -> None:
        settings = _environment_text(env)
        if not _unstable(settings) and env.bytecode_cache is None:
            env.bytecode_cache = self

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = _digest(self.get_cache_key(name, filename), _environment_text(environment)).hex()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


# -- the garbage collector ---------------------------------------------------------------


class CollectorPause:
    """The cyclic garbage collector held back during each serve rebuild, and run
    in full once serving is idle.

    A rebuild of a 1,000-skill site keeps ~150,000 container objects alive until
    it ends (pages, files, the nav, tables of contents) and the previous one's
    are garbage only in cycles (a file and its page point at each other). The
    collector's thresholds make it run two full collections and ~250 younger
    ones per rebuild, each walking the objects of the rebuild, which it cannot
    free: ~0.45 s of a 1.9 s rebuild. Instead, :meth:`pause` sets thresholds
    under which a rebuild only sees a young collection every
    :data:`YOUNG_THRESHOLD` new objects (what dies young, such as a page's
    Markdown converter, is still freed: a rebuild of every page does not grow
    the process by its garbage) and :meth:`finish` schedules one full
    collection ``delay`` seconds after the rebuild ended (the browser has asked
    for the reloaded page by then; the next save is usually seconds away), after
    which the thresholds are as they were. A rebuild that starts before then
    collects first, so at most one rebuild's garbage waits.

    Not used when something else turned the collector off.
    """

    #: New container objects between two young collections while a rebuild runs.
    YOUNG_THRESHOLD = 100_000
    #: Young collections before an older one: never, until the rebuild ended.
    NEVER = 1_000_000_000

    def __init__(self, delay: float = 0.25) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        #: The collector's thresholds before :meth:`pause` (None: not held back).
        self.saved: tuple[int, int, int] | None = None
        #: Whether a rebuild ended and its collection has not run yet.
        self.pending = False
        self.timer: threading.Timer | None = None

    def pause(self) -> None:
        """A rebuild starts: only young collections until it ended."""
        with self.lock:
            self._cancel_timer()
            if self.pending:  # the last rebuild's garbage, before this one's starts
                self._collect()
            elif self.saved is None and gc.isenabled():
                self.saved = gc.get_threshold()
                gc.set_threshold(self.YOUNG_THRESHOLD, self.NEVER, self.NEVER)

    def finish(self) -> None:
        """A rebuild ended (or failed): collect once serving is idle."""
        with self.lock:
            if self.saved is None or self.pending:
                return
            self.pending = True
            self._cancel_timer()
            self.timer = threading.Timer(self.delay, self._collect_and_resume)
            self.timer.daemon = True
            self.timer.start()

    def stop(self) -> None:
        """Serving stops: the collector is as it was."""
        with self.lock:
            self._cancel_timer()
            self._resume()
            self.pending = False

    def _collect_and_resume(self) -> None:
        with self.lock:
            if self.pending:
                self._collect()
                self._resume()

    def _resume(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None

    def _collect(self) -> None:
        gc.collect()
        self.pending = False

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def freeze_what_startup_made() -> bool:
    """Once per process, when ``mkdocs serve`` starts serving: collect garbage, then
    move every object that is left (modules, the theme, the caches filled by the
    first build) out of the garbage collector's sight (:func:`gc.freeze`).

    Each rebuild keeps ~100,000 objects alive until it ends (pages, files, the
    nav, tables of contents), so the collector runs two or three full collections
    per rebuild, and each one walked every object of the process: 0.6 s of a
    2.7 s rebuild at 1,000 skills. Frozen objects are not walked; they are still
    freed when nothing refers to them. Only what was alive at this moment and later
    becomes garbage inside a reference cycle stays in memory: a one-time amount,
    since rebuilds are collected as before. Not done when something else froze
    objects already or the collector is off.
    """
    if gc.get_freeze_count() or not gc.isenabled():
        return False
    gc.collect()
    gc.freeze()
    return True
