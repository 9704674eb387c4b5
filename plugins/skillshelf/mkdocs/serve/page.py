"""The finished page: each page's HTML as the theme's template rendered it, kept
between ``mkdocs serve`` rebuilds.

For the pages the plugin adds, the template's output (before any
``on_post_page``) is kept under a key of the template, everything about the
page a theme can print (URL, title, content, table of contents, metadata,
edit and canonical URLs, neighbours), the whole configuration (theme and
plugin settings included), any template variable another plugin added, and
what the page's render shows of the navigation:

* with mkdocs-material's ``navigation.prune``, material's navigation templates
  as reviewed and no other template (the project's ``custom_dir``, a plugin's)
  reading the navigation, exactly the part of it that the page shows
  (:class:`~skillshelf.mkdocs.serve.navview.NavView`): adding a skill misses
  only on the pages that list it, or whose neighbours or closed sections'
  first pages it changes;
* otherwise the whole navigation, with every page's title, URL and metadata,
  and every documentation file: any change to it misses on every page.

Either way a page never keeps a stale navigation. The theme's loader notes the
source of every template the kept pages were rendered with; when one of them
changed, appeared or went (an override in ``custom_dir`` edited under
``--watch-theme``), nothing is reused. Hits are emitted by a wrapper template
that otherwise includes the real one, so a miss renders exactly what MkDocs
would. Themes whose templates print the build date are not cached at all, nor
is a page whose key holds an object printed by its address.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import BaseLoader, Environment, Template, TemplateNotFound
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from skillshelf.mkdocs.serve import internals
from skillshelf.mkdocs.serve.keys import digest, stable, unstable
from skillshelf.mkdocs.serve.navview import NavView, whole_nav_text
from skillshelf.mkdocs.serve.theme import ThemeTemplates

#: The template variable holding a cached page's finished HTML.
HIT_VARIABLE = "skillshelf_cached_page"
#: The template MkDocs renders a page with unless its metadata names another.
DEFAULT_TEMPLATE = "main.html"


def _toc_text(items: Any) -> list[Any]:
    return [
        (
            item.title,
            item.url,
            item.level,
            [getattr(item, name, None) for name in internals.PLUGIN_ATTRIBUTES],
            _toc_text(item.children),
        )
        for item in (items or [])
    ]


def _neighbour(page: Page | None) -> tuple[str | None, str] | None:
    return None if page is None else (page.title, page.url)


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
        self.seen.setdefault(template, digest(found[0]))
        return found

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


def _template_digest(env: Environment, loader: BaseLoader, name: str) -> bytes | None:
    try:
        return digest(loader.get_source(env, name)[0])
    except TemplateNotFound:
        return None


def _navigation_shown_in_part(
    config: MkDocsConfig, nav: Navigation | None, own_templates_read_navigation: bool
) -> NavView | None:
    """A :class:`NavView` of ``nav`` when each page shows only part of it as
    :mod:`~skillshelf.mkdocs.serve.navview` describes, else None."""
    theme = config.theme
    features = theme.get("features") or []
    if (
        nav is None
        or theme.name != "material"
        or "navigation.prune" not in features
        or own_templates_read_navigation
    ):
        return None
    return NavView(nav, features)


class PageCache:
    """Finished pages (see the module docstring)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[bytes, str]] = {}
        #: Every template the kept pages were rendered with (its name, the digest of
        #: its source, None when it did not exist), as found by the theme's loader.
        self.templates: dict[str, bytes | None] = {}
        self.theme = ThemeTemplates()
        #: This build: the digest of what every page shares, and what each page
        #: shows of the navigation (None: the whole of it is in ``site``).
        self.site = b""
        self.view: NavView | None = None
        self.own_templates: frozenset[str] = frozenset()
        #: This build's navigation and files, and the text of the whole navigation,
        #: for a page ``view`` does not describe (another template than main.html).
        self.nav: Navigation | None = None
        self.files: Files | None = None
        self.whole_text: str | None = None
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
        self.view = None
        self.nav, self.files, self.whole_text = nav, files, None
        theme = config.theme
        verdict = self.theme.read(env, theme.dirs)
        self.own_templates = verdict.own_templates
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
        if self.theme.material_as_reviewed():
            self.view = _navigation_shown_in_part(
                config, nav, verdict.own_templates_read_navigation
            )
        shared = stable((settings, dict(theme), theme.dirs, plugins))
        if self.view is None:
            shared += self._whole()
        self.usable = not unstable(shared) and not verdict.prints_build_date
        if not self.usable:
            return
        self.site = digest(shared)
        loader = env.loader
        if loader is None:
            self.usable = False
            return
        if any(
            _template_digest(env, loader, name) != known for name, known in self.templates.items()
        ):
            # a template (or its override in custom_dir) changed, appeared or went
            self.entries.clear()
            self.templates.clear()
        wrappers: dict[str, Template] = {}
        real = env.get_template

        def route(name: str) -> Template:
            if name not in wrappers:
                real(name)  # fail as MkDocs would when the template does not exist
                wrappers[name] = env.from_string(
                    f"{{% if {HIT_VARIABLE} is defined %}}{{{{ {HIT_VARIABLE} }}}}"
                    f"{{% else %}}{{% include {name!r} %}}{{% endif %}}"
                )
            return wrappers[name]

        if not internals.route_templates(env, route):
            self.usable = False
            return
        env.loader = _RecordingLoader(loader, self.templates)

    def _whole(self) -> str:
        """The whole navigation, every page's title, URL and metadata, and every
        documentation file (made once per build)."""
        if self.whole_text is None:
            pages = [
                (file.src_uri, file.url, file.page.title if file.page else None)
                for file in (self.files.documentation_pages() if self.files is not None else [])
            ]
            nav = whole_nav_text(self.nav.items) if self.nav is not None else None
            self.whole_text = stable((nav, pages))
        return self.whole_text

    def _navigation(self, page: Page) -> str | None:
        """What of the navigation ``page`` shows, beyond what ``site`` holds (None:
        it cannot be told)."""
        if self.view is None:
            return ""
        template = page.meta.get("template", DEFAULT_TEMPLATE)
        if template == DEFAULT_TEMPLATE or template in self.own_templates:
            return self.view.of(page)
        return self._whole()

    def lookup(self, context: dict[str, Any], page: Page) -> None:
        """Before the template: put a cached page into ``context`` when its key matches."""
        context.pop(HIT_VARIABLE, None)
        if not self.usable:
            return
        extra = {k: v for k, v in context.items() if k not in internals.TEMPLATE_CONTEXT}
        extra_text = stable(extra)
        navigation = self._navigation(page)
        if navigation is None or unstable(extra_text) or unstable(navigation):
            return
        key = digest(
            self.site.hex(),
            extra_text,
            navigation,
            page.content or "",
            stable(
                (
                    page.meta.get("template", DEFAULT_TEMPLATE),
                    page.url,
                    page.title,
                    page.content is None,
                    _toc_text(page.toc),
                    page.meta,
                    page.edit_url,
                    page.canonical_url,
                    page.is_homepage,
                    [getattr(page, name, None) for name in internals.PLUGIN_ATTRIBUTES],
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
        # this build's navigation and files: not kept past it
        self.view = self.nav = self.files = self.whole_text = None
