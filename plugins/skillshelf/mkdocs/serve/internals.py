"""Every private part of MkDocs, mkdocs-material and Jinja that the serve caches use.

The serve caches exist for speed, and some of that speed needs what these
packages do not promise: an attribute with a leading underscore, a method
replaced on one object, a module function swapped for the time of a build, or
knowledge of what a template prints. All of it is here and nowhere else in
:mod:`skillshelf.mkdocs` (a test reads the other modules' code to keep it so).

Each access is guarded twice: by the release it was read against (the engine,
MkDocs or ProperDocs, in :data:`CHECKED_ENGINES`; material in
:data:`CHECKED_MATERIAL`; Jinja in :data:`CHECKED_JINJA`), and by the exact
type of the object at hand. When a guard fails, the function says so (it
returns None or False) and its caller takes MkDocs' public path: the cache is
not used, MkDocs polls the tree, MkDocs writes and cleans as usual. Slower,
never wrong.

``tests/site/test_serve_internals.py`` checks every one of them against the
installed packages (names, signatures, attributes, the templates' text) and
fails, naming the internal, when an upgrade changed one.
"""

from __future__ import annotations

import copy
import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from types import MappingProxyType
from typing import Any, Literal

import jinja2
import mkdocs
from jinja2 import Environment, Template
from mkdocs import utils as mkdocs_utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

try:
    import material
    from material.plugins.search import plugin as material_search
except ImportError:  # another theme: nothing of material is used
    material = None  # type: ignore[assignment]
    material_search = None  # type: ignore[assignment]

#: The package that runs the build: ``mkdocs``, or ``properdocs``, which aliases it.
ENGINE = BasePlugin.__module__.split(".")[0]
#: Releases (prefixes) whose internals this module was read against, per engine.
CHECKED_ENGINES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"mkdocs": ("1.6.",), "properdocs": ("1.6.",)}
)
CHECKED_MATERIAL = ("9.",)
CHECKED_JINJA = ("3.",)


def engine_checked() -> bool:
    """Whether the running MkDocs (or ProperDocs) is a release this module was read against."""
    return mkdocs.__version__.startswith(CHECKED_ENGINES.get(ENGINE, ()))


def material_checked() -> bool:
    return material is not None and material.__version__.startswith(CHECKED_MATERIAL)


def jinja_checked() -> bool:
    return jinja2.__version__.startswith(CHECKED_JINJA)


# -- the live-reload server -------------------------------------------------------------


def rebuild_trigger(server: object) -> Callable[[], None] | None:
    """A function that asks ``server``'s build loop for a rebuild exactly as MkDocs'
    own watch callback does (``_want_rebuild`` set under ``_rebuild_cond``), or None
    when ``server`` does not hold those two as MkDocs 1.6 does (then only
    ``server.watch``, the public path, can make it rebuild)."""
    condition = getattr(server, "_rebuild_cond", None)
    if (
        not engine_checked()
        or not isinstance(condition, threading.Condition)
        or not isinstance(getattr(server, "_want_rebuild", None), bool)
    ):
        return None

    def trigger() -> None:
        with condition:
            server._want_rebuild = True  # type: ignore[attr-defined]
            condition.notify_all()

    return trigger


# -- pages -------------------------------------------------------------------------------


def replace_page_method(
    page: Page, name: Literal["read_source", "render"], replacement: Callable[..., None]
) -> bool:
    """Make ``page.<name>(...)`` call ``replacement`` instead, for this page only;
    False (nothing replaced) unless ``page`` is exactly MkDocs' ``Page`` of a
    checked release, whose build calls ``page.read_source(config)`` and
    ``page.render(config, files)`` through the instance."""
    if not engine_checked() or type(page) is not Page or name in vars(page):
        return False
    setattr(page, name, replacement)
    return True


def title_from_render(page: Page) -> str | None:
    """The title ``Page.render`` found in the page's first heading (MkDocs keeps it
    in ``_title_from_render`` and ``Page.title`` prefers it). Only for a page whose
    ``render`` :func:`replace_page_method` replaced (so of the type checked)."""
    title: str | None = page._title_from_render
    return title


def set_title_from_render(page: Page, title: str | None) -> None:
    page._title_from_render = title


def plugins_handle(config: MkDocsConfig, event: str) -> bool | None:
    """Whether any plugin (or hook) has a handler for ``event`` in this build; None
    when the plugin collection does not list its handlers as MkDocs 1.6 does."""
    events = getattr(config.plugins, "events", None)
    if not engine_checked() or not isinstance(events, dict):
        return None
    handlers = events.get(event)
    return None if not isinstance(handlers, list) else bool(handlers)


class RecordingFiles:
    """A stand-in for :class:`Files` during one page's conversion that notes every
    lookup (``lookups``: the path as MkDocs normalises it -> ``signature`` of the
    file found, or of None), so the next rebuild can tell whether the links resolve
    the same way. MkDocs 1.6's ``Page.render`` looks link targets up with
    ``files.get_file_from_path`` and nothing else; the rest is passed through."""

    def __init__(self, files: Files, signature: Callable[[File | None], Any]) -> None:
        self.files = files
        self.signature = signature
        self.lookups: dict[str, Any] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self.files.get_file_from_path(path)
        self.lookups[PurePath(path).as_posix()] = self.signature(file)
        return file

    def __getattr__(self, name: str) -> Any:
        return getattr(self.files, name)

    def __iter__(self) -> Iterator[File]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __contains__(self, path: str) -> bool:
        return path in self.files


def file_finder(files: Files) -> Callable[[str], File | None]:
    """``files.get_file_from_path`` for a path already normalised as
    :class:`RecordingFiles` notes it: MkDocs 1.6's own ``Files`` looks such a path
    up in ``src_uris`` directly (skipping the normalisation, a third of a lookup's
    time); anything else is asked."""
    if engine_checked() and type(files) is Files:
        return files.src_uris.get
    return files.get_file_from_path


#: What MkDocs' ``get_toc`` sets on an entry (``active`` on the first one only).
_ANCHOR_FIELDS = frozenset({"title", "id", "level", "children"})
_ANCHOR_OPTIONAL = frozenset({"active"})


class _UnknownTocError(Exception):
    pass


def copy_toc(toc: Any) -> Any:
    """A copy of a table of contents that shares nothing mutable with ``toc``: built
    directly when it is MkDocs' own classes holding only their own fields (much
    faster than :func:`copy.deepcopy`), else deep-copied."""
    if type(toc) is not TableOfContents or vars(toc).keys() != {"items"}:
        return copy.deepcopy(toc)
    try:
        return TableOfContents([_copy_anchor(item) for item in toc.items])
    except _UnknownTocError:
        return copy.deepcopy(toc)


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


# -- templates ---------------------------------------------------------------------------


#: The variables MkDocs' ``get_context`` gives every page's template; anything else
#: in a page's context was added by a plugin.
TEMPLATE_CONTEXT = frozenset(
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


def route_templates(env: Environment, route: Callable[[str], Template]) -> bool:
    """Make ``env.get_template(name)`` return ``route(name)`` for a plain name (MkDocs
    asks for a page's template that way); False (nothing routed) unless ``env`` is
    exactly a Jinja 3 ``Environment`` whose ``get_template`` is still its own."""
    if not jinja_checked() or type(env) is not Environment or "get_template" in vars(env):
        return False
    real = env.get_template

    def get_template(name: Any, *args: Any, **kwargs: Any) -> Template:
        if not isinstance(name, str) or args or kwargs:
            return real(name, *args, **kwargs)
        return route(name)

    setattr(env, "get_template", get_template)  # noqa: B010 (an instance attribute over a method)
    return True


def engine_templates_dir() -> str:
    """MkDocs' own template folder, which every theme gets last (the sitemap)."""
    return os.path.join(os.path.dirname(mkdocs.__file__), "templates")


def material_templates_dir() -> str | None:
    """material's own template folder (None: material is not installed or not a
    checked release)."""
    if not material_checked():
        return None
    return os.path.join(os.path.dirname(material.__file__), "templates")


#: material's templates that print something of the navigation beyond the page
#: itself, with the digest (:func:`template_digest`) of the text that
#: :mod:`skillshelf.mkdocs.serve.navview` was written against (material 9.8.1).
#: With ``navigation.prune``, these show the top level, the open sections on the
#: way to the page, each closed section by its title and first page, the
#: homepage, and the neighbours: what :class:`~skillshelf.mkdocs.serve.navview.NavView`
#: keys each page on.
REVIEWED_NAV_TEMPLATES: Mapping[str, str] = MappingProxyType(
    {
        "main.html": "ed91f2bc689340b3b6c6b420719b74ae",
        "base.html": "a43f44ae0f4a6a1abe9a3f1a25a3e12e",
        "partials/header.html": "113230da675a645efce6a20b683c4f2c",
        "partials/nav.html": "00ea3f50139c6e835d50f95d3f6c90cb",
        "partials/nav-item.html": "e386c37c9cbe1fe8b3726b35f20d8546",
        "partials/tabs.html": "7f6d02005e6ce00eb0521676132beeaf",
        "partials/tabs-item.html": "8bccd73b498aa62790218fa693a15f7e",
        "partials/path.html": "0fb3f93fe8891a9ec106dfa7153fd0fc",
        "partials/path-item.html": "54daeb8c9cd5130725c1f052b3764c2e",
        "partials/footer.html": "ebb818be0b021ec08b35ac9b5036e963",
        "partials/toc.html": "003e2ea6275c6c84ae317b9ddc2a6a71",
        "partials/toc-item.html": "1aebff7d0829ba7d0d5752a020a806f1",
    }
)
#: What of a page's metadata they print for a page in the navigation (other than
#: the page being rendered, whose metadata is all in its key).
NAV_META = ("icon", "subtitle", "status")
#: Attributes material's own plugins set on a page (``typeset``: its first heading's
#: markup; ``encrypted``) or a table of contents' entry, which the templates print.
PLUGIN_ATTRIBUTES = ("typeset", "encrypted")
#: Those of them that exist to print the navigation: a project's own copy of one
#: (in ``custom_dir``, or a folder a plugin added) means the navigation is shown
#: its way, whatever it reads.
NAV_PARTIALS = frozenset(
    {
        "partials/nav.html",
        "partials/nav-item.html",
        "partials/tabs.html",
        "partials/tabs-item.html",
        "partials/path.html",
        "partials/path-item.html",
    }
)


def template_digest(text: bytes) -> str:
    return hashlib.blake2b(text, digest_size=16).hexdigest()


# -- mkdocs-material's search -------------------------------------------------------------


@dataclass(frozen=True)
class SearchIndex:
    """mkdocs-material's search index of this build, as :func:`material_search_index` found it."""

    index: Any
    #: The search plugin's settings (they shape every entry).
    settings: dict[str, Any]

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The index's entries so far, in order (the list itself)."""
        entries: list[dict[str, Any]] = self.index.entries
        return entries

    @property
    def add_entry(self) -> Callable[[Page], None]:
        """The index's own ``add_entry_from_context(page)``, which the plugin calls in
        its ``on_page_context`` to index a page."""
        add: Callable[[Page], None] = self.index.add_entry_from_context
        return add

    def route(self, add: Callable[[Page], None]) -> None:
        """Make the plugin index each page with ``add`` instead, for this build's index
        (``add`` may call :attr:`add_entry`, taken before)."""
        setattr(self.index, "add_entry_from_context", add)  # noqa: B010


def material_search_index(plugins: Iterable[object]) -> SearchIndex | None:
    """mkdocs-material's search index when it is exactly the one whose indexing the
    search cache was written against: a checked material, its own plugin enabled
    once, its own index class unmodified, and no Chinese segmentation (jieba, whose
    dictionaries may change between rebuilds). Else None: search indexes as usual."""
    if material_search is None or not material_checked():
        return None
    found = [plugin for plugin in plugins if type(plugin) is material_search.SearchPlugin]
    if len(found) != 1 or not found[0].config.enabled:
        return None
    index = getattr(found[0], "search_index", None)
    if (
        type(index) is not material_search.SearchIndex
        or "add_entry_from_context" in vars(index)
        or not isinstance(getattr(index, "entries", None), list)
        or getattr(material_search, "jieba", None) is not None
    ):
        return None
    return SearchIndex(index, dict(found[0].config))


# -- writing the site ---------------------------------------------------------------------


@dataclass(frozen=True)
class Writers:
    """MkDocs' two functions that put files into ``site_dir``: every page, template,
    static and theme file and the search index goes through one of them (MkDocs
    1.6 calls both as ``mkdocs.utils.<name>`` at the time of the write)."""

    write_file: Callable[[bytes, str], None]
    copy_file: Callable[[str, str], None]


def mkdocs_writers() -> Writers | None:
    """The writers in use, or None when this is not an engine that is known to call
    them through :mod:`mkdocs.utils` and to leave names starting with ``.`` in
    ``site_dir`` alone when it cleans it (then neither may be relied on)."""
    if not engine_checked():
        return None
    return Writers(mkdocs_utils.write_file, mkdocs_utils.copy_file)


def install_writers(writers: Writers) -> None:
    """Make MkDocs write with ``writers`` (give :func:`mkdocs_writers`' back to undo)."""
    setattr(mkdocs_utils, "write_file", writers.write_file)  # noqa: B010
    setattr(mkdocs_utils, "copy_file", writers.copy_file)  # noqa: B010
