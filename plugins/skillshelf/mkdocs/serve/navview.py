"""What of the navigation a page's render shows: the part of the page cache's key
that adding, removing or renaming a skill elsewhere does not change.

Every page of the site prints some of the navigation. With mkdocs-material's
``navigation.prune``, its templates (``partials/nav.html`` and
``nav-item.html``, ``tabs``, ``path`` and ``footer``, as listed in
:data:`~skillshelf.mkdocs.serve.internals.REVIEWED_NAV_TEMPLATES`) show, for a
page:

* every top-level item; a closed section by its title and the page it opens
  (its first page, found by following first children), whether it has
  children, and (in the blank lines of a loop) how many and which are index
  pages;
* every section on the way to the page, open: each of its items, a page by its
  title, URL and the metadata they print (icon, subtitle, status:
  :data:`~skillshelf.mkdocs.serve.internals.NAV_META`), a closed section as
  above; with ``navigation.sections`` also the sections material always opens
  (every top-level one; with ``navigation.tabs``, those of the current tab);
* the homepage (the logo's link, the first breadcrumb), and the page's
  previous and next page (part of the page's own key).

:class:`NavView` turns exactly that into a digest per page, from digests
made once per section and build. It is used only where the page cache
(:class:`~skillshelf.mkdocs.serve.page.PageCache`) has checked that it holds:
material's own templates as reviewed, ``navigation.prune`` on, no template of
the project's own reading the navigation; elsewhere each page is keyed on
:func:`whole_nav_text`, the whole navigation, as before. Positions count (a
template numbers its items), so every list keeps its order and each section
on the way is named by its place.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from skillshelf.mkdocs.serve.internals import NAV_META, PLUGIN_ATTRIBUTES
from skillshelf.mkdocs.serve.keys import digest, stable, unstable


def item_text(item: Any, meta: Collection[str] | None = None) -> tuple[Any, ...]:
    """One item of the navigation, without its children, as any template may print it
    (``meta``: only these keys of a page's metadata)."""
    extras = [getattr(item, name, None) for name in PLUGIN_ATTRIBUTES]
    if isinstance(item, Page):
        shown = item.meta if meta is None else {k: item.meta[k] for k in meta if k in item.meta}
        return ("page", item.title, item.url, item.file.name, item.file.src_uri, shown, extras)
    return (type(item).__name__, getattr(item, "title", None), getattr(item, "url", None), extras)


def whole_nav_text(items: Any) -> list[Any]:
    """Every item of the navigation, children included."""
    return [
        (*item_text(item), whole_nav_text(getattr(item, "children", None))) for item in items or []
    ]


def shown_text(item: Any) -> tuple[Any, ...]:
    """An item as material's navigation templates print it (metadata: :data:`NAV_META`)."""
    return item_text(item, NAV_META)


def closed_text(item: Any) -> tuple[Any, ...]:
    """An item as material shows it when it is not open: a section by its title and
    the chain of first children down to the page it links to (material's
    ``render_pruned``), whether it has children at each step; and, since with
    ``navigation.indexes`` material looks for the section's index page among its
    children in a loop that prints a blank line per child, which of its children are
    index pages (so how many it has)."""
    children = getattr(item, "children", None) or []
    indexes = tuple(bool(getattr(child, "is_index", False)) for child in children)
    chain: list[tuple[Any, ...]] = []
    step = item
    while True:
        below = getattr(step, "children", None)
        chain.append((*shown_text(step), bool(below)))
        if not below:
            break
        step = below[0]
    return (indexes, tuple(chain))


class NavView:
    """Per page, a digest of what its render shows of ``nav`` (see the module
    docstring); made for one build (``features``: material's theme features).
    Each part is digested once per build, and so is the way down to each section;
    a part holding an object printed by its address makes every page that shows it
    uncached."""

    def __init__(self, nav: Navigation, features: Collection[str]) -> None:
        self.tabs = "navigation.tabs" in features
        self.sections = "navigation.sections" in features
        #: id of an item (this build's objects) -> its place among its siblings.
        self.places: dict[int, int] = {}
        _number(nav.items, self.places)
        #: id of a section -> the digest of its items shown open, and of everything
        #: shown on the way down to it (None: not stable).
        self.open_digests: dict[int, str | None] = {}
        self.way_digests: dict[int, str | None] = {}
        homepage = nav.homepage
        shown = [
            "homepage",
            None if homepage is None else (homepage.title, homepage.url),
            "top",
            self._open(nav.items),
        ]
        if self.sections and not self.tabs:  # material opens every top-level section
            shown += [self._open_section(item) for item in nav.items if _is_section(item)]
        self.shared = _digest_of(stable(shown))

    def of(self, page: Page) -> str | None:
        """The digest of what ``page``'s render shows of the navigation (None: it
        cannot be told)."""
        way = self._way(page.parent)
        if way is None:
            return None
        return digest(way, str(self.places.get(id(page), -1))).hex()

    def _way(self, section: Any) -> str | None:
        """What every page in ``section`` shows alike: the shared part, then each
        section from the top down to this one, open, with its place."""
        if section is None:
            return self.shared
        key = id(section)
        if key not in self.way_digests:
            parts = [
                self._way(section.parent),
                str(self.places.get(key, -1)),
                self._open_section(section),
            ]
            if self.sections and self.tabs and section.parent is None:  # a tab: its sections open
                tab = section.children
                parts += [self._open_section(item) for item in tab if _is_section(item)]
            self.way_digests[key] = (
                None if None in parts else digest(*[part or "" for part in parts]).hex()
            )
        return self.way_digests[key]

    def _open_section(self, section: Any) -> str | None:
        key = id(section)
        if key not in self.open_digests:
            self.open_digests[key] = _digest_of(self._open(section.children))
        return self.open_digests[key]

    @staticmethod
    def _open(items: Any) -> str:
        shown = [shown_text(i) if isinstance(i, Page) else closed_text(i) for i in items or []]
        return stable(shown)


def _number(items: Any, places: dict[int, int]) -> None:
    for place, item in enumerate(items or []):
        places[id(item)] = place
        _number(getattr(item, "children", None), places)


def _digest_of(text: str) -> str | None:
    return None if unstable(text) else digest(text).hex()


def _is_section(item: Any) -> bool:
    return isinstance(item, Section)
