"""What the theme's template files print, as far as the page cache must know.

Two questions, asked of the files in the theme's folders before any page is
rendered:

* does any template print the build date (then no page can be kept: each build
  prints another one)?
* does a template that is not material's own (the project's ``custom_dir``,
  or a folder a plugin or another theme added) read the navigation beyond the
  page at hand, or replace one of material's navigation partials (then each
  page is keyed on the whole navigation, not on the part
  :mod:`~skillshelf.mkdocs.serve.navview` knows material shows)?

material's and MkDocs' own template folders do not change while serving and
are read once per session; any other folder file by file, each file again
whenever it changed (its size or modification time), since ``mkdocs serve
--watch-theme`` rebuilds when ``custom_dir`` is edited.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import Environment, TemplateError, nodes

from skillshelf.mkdocs.serve.internals import (
    NAV_PARTIALS,
    REVIEWED_NAV_TEMPLATES,
    engine_templates_dir,
    material_templates_dir,
    template_digest,
)

#: Context variables that hold the whole site (MkDocs' ``nav`` and ``pages``).
SITE_VARIABLES = frozenset({"nav", "pages"})
#: What leads from a page to other parts of the navigation.
NAV_ATTRIBUTES = frozenset({"parent", "children", "ancestors", "previous_page", "next_page"})


def reads_navigation(env: Environment, source: str) -> bool:
    """Whether a template's text reads the navigation beyond the page it renders:
    the ``nav`` or ``pages`` variable, or a page's parent, children, ancestors or
    neighbours (as an attribute, an item or a name given to ``attr``). A text that
    is no template (Jinja cannot parse it) cannot be rendered, so it reads nothing."""
    try:
        tree = env.parse(source)
    except TemplateError:
        return False
    if any(node.name in SITE_VARIABLES for node in tree.find_all(nodes.Name)):
        return True
    if any(node.attr in NAV_ATTRIBUTES for node in tree.find_all(nodes.Getattr)):
        return True
    return any(
        isinstance(node.value, str) and node.value in NAV_ATTRIBUTES
        for node in tree.find_all(nodes.Const)
    )


@dataclass(frozen=True)
class TemplateFile:
    """What one template file prints (see the module docstring)."""

    prints_build_date: bool
    reads_navigation: bool


def _files(folder: str) -> Iterator[tuple[str, os.stat_result]]:
    for path, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(path, name)
            try:
                yield full, os.stat(full)
            except OSError:
                continue


@dataclass(frozen=True)
class ThemeVerdict:
    """What the theme's templates print, for one build."""

    #: A template prints ``build_date_utc``: no page can be kept.
    prints_build_date: bool
    #: A template that is not material's or MkDocs' own replaces one of material's
    #: :data:`NAV_PARTIALS` or reads the navigation itself: pages are keyed on the
    #: whole navigation.
    own_templates_read_navigation: bool
    #: The template names those other folders provide (``/``-separated).
    own_templates: frozenset[str]


class ThemeTemplates:
    """The theme's template files as read for the page cache, kept for the session."""

    def __init__(self) -> None:
        #: material's and MkDocs' own folders, read once: folder -> whether a
        #: template prints the date.
        self.installed: dict[str, bool] = {}
        #: Other folders' files: path -> (size, modification time, what it prints).
        self.own: dict[str, tuple[int, int, TemplateFile]] = {}
        #: Whether material's navigation templates are as reviewed (None: not read yet).
        self.reviewed: bool | None = None

    def read(self, env: Environment, dirs: list[str]) -> ThemeVerdict:
        """What the templates in the theme's folders ``dirs`` print (``env`` parses
        those that are not material's or MkDocs' own)."""
        date = False
        navigation = False
        names: set[str] = set()
        theirs = {material_templates_dir(), engine_templates_dir()}
        known = {os.path.normpath(folder) for folder in theirs if folder}
        own = [folder for folder in dirs if os.path.normpath(folder) not in known]
        for item, name in self._own(env, own):
            names.add(name)
            date = date or item.prints_build_date
            navigation = navigation or item.reads_navigation or name in NAV_PARTIALS
        for folder in dirs:
            if folder in own:
                continue
            if folder not in self.installed:
                self.installed[folder] = any(
                    path.endswith(".html") and _prints_build_date(path)
                    for path, _ in _files(folder)
                )
            date = date or self.installed[folder]
        return ThemeVerdict(date, navigation, frozenset(names))

    def material_as_reviewed(self) -> bool:
        """Whether material's own templates that show the navigation are the text
        :mod:`~skillshelf.mkdocs.serve.navview` was written against (read once)."""
        if self.reviewed is None:
            self.reviewed = _material_as_reviewed()
        return self.reviewed

    def _own(self, env: Environment, folders: list[str]) -> list[tuple[TemplateFile, str]]:
        """The files of ``folders`` (what it prints, its template name), each read
        again when it changed."""
        found: list[tuple[TemplateFile, str]] = []
        seen: set[str] = set()
        for folder in folders:
            for path, stat in _files(folder):
                known = self.own.get(path)
                if known is None or known[:2] != (stat.st_size, stat.st_mtime_ns):
                    known = (stat.st_size, stat.st_mtime_ns, _read(env, path))
                    self.own[path] = known
                seen.add(path)
                found.append((known[2], os.path.relpath(path, folder).replace(os.sep, "/")))
        for path in set(self.own) - seen:
            del self.own[path]
        return found


def _material_as_reviewed() -> bool:
    folder = material_templates_dir()
    if folder is None:
        return False
    for name, expected in REVIEWED_NAV_TEMPLATES.items():
        try:
            with open(os.path.join(folder, *name.split("/")), "rb") as handle:
                if template_digest(handle.read()) != expected:
                    return False
        except OSError:
            return False
    return True


def _prints_build_date(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "build_date_utc" in handle.read()
    except OSError:
        return False


def _read(env: Environment, path: str) -> TemplateFile:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):  # Jinja cannot load it either
        return TemplateFile(prints_build_date=False, reads_navigation=False)
    return TemplateFile(
        prints_build_date=path.endswith(".html") and "build_date_utc" in text,
        reads_navigation=reads_navigation(env, text),
    )
