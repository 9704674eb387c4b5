"""Where the tree's pages and files go on the site, and their repository paths.

URLs (with MkDocs' default ``use_directory_urls``):

============================  ==============================================
``<cat>/DESCRIPTION.md``      ``<cat>/`` - the category page (a section index)
``<cat>/<skill>/SKILL.md``    ``<cat>/<skill>/``
``<skill>/references/x.md``   ``<cat>/<skill>/references/x/``
``<skill>/scripts/run.py``    ``<cat>/<skill>/scripts/run.py`` (copied as is)
============================  ==============================================

Pages keep their source names as *source* paths (``src_uri``), so every
relative link written in a skill (``../axolotl/SKILL.md``,
``references/dpo-variants.md``, ``scripts/run.py``) resolves on the site as
it does in the repository; only the *destination* moves to ``index.html``.

Below every generated text: it reads the model's types, :mod:`skillshelf.published`
and :mod:`skillshelf.site.text`, nothing else of the site's.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skillshelf.model import Category, Skill, SkillTree
from skillshelf.published import PLUGIN_ASSETS_DIR, page_dest
from skillshelf.site.text import quote_path


class Urls:
    """Source path -> destination and URL, the way MkDocs derives them."""

    def __init__(self, use_directory_urls: bool) -> None:
        self.use_directory_urls = use_directory_urls

    def dest(self, src_uri: str, *, index: bool = False) -> str:
        return page_dest(src_uri, use_directory_urls=self.use_directory_urls, index=index)

    def url(self, dest_uri: str) -> str:
        if self.use_directory_urls and posixpath.basename(dest_uri) == "index.html":
            parent = posixpath.dirname(dest_uri)
            return parent + "/" if parent else "./"
        return dest_uri

    def page(self, src_uri: str, *, index: bool = False) -> tuple[str, str]:
        dest = self.dest(src_uri, index=index)
        return dest, self.url(dest)

    def page_url(self, src_uri: str, *, index: bool = False) -> str:
        return self.url(self.dest(src_uri, index=index))


def category_src(category: Category) -> str:
    return f"{category.path}/DESCRIPTION.md"


def skill_src(skill: Skill) -> str:
    return f"{skill.relpath}/SKILL.md"


#: Each skill's SKILL.md as it is and the zip of its folder, below the plugin's own
#: folder: no file of the tree can take these paths (a bundled ``x.zip`` beside the
#: page could). The SKILL.md keeps a ``.txt`` suffix: an engine building an export
#: would make a page of any ``.md`` file.
DOWNLOADS_DIR = f"{PLUGIN_ASSETS_DIR}/skills"
#: The catalog's data, read by ``catalog.js``.
CATALOG_DATA = f"{PLUGIN_ASSETS_DIR}/catalog.json"


def raw_path(skill: Skill) -> str:
    return f"{DOWNLOADS_DIR}/{skill.relpath}/SKILL.md.txt"


def archive_name(skill: Skill) -> str:
    return f"{skill.folder_name}.zip"


def archive_path(skill: Skill) -> str:
    return f"{DOWNLOADS_DIR}/{skill.relpath}/{archive_name(skill)}"


def export_uri(src_uri: str) -> str:
    """Where a page goes in a plain docs folder: section pages become ``index.md``."""
    parent, name = posixpath.split(src_uri)
    if name in ("SKILL.md", "DESCRIPTION.md"):
        return posixpath.join(parent, "index.md")
    return src_uri


def repository_path(path: Path, project_dir: Path | None) -> str:
    """``path`` relative to the project folder, for source links; its name alone when
    it is outside. Compared as text, as ``Path.relative_to`` compares: every skill's
    page asks, and this is a tenth of the cost."""
    if project_dir is None:
        return path.name
    prefix = os.path.join(str(project_dir), "")
    text = str(path)
    if text.startswith(prefix):
        return text[len(prefix) :].replace(os.sep, "/")
    return path.name


@dataclass(frozen=True)
class Addresses:
    """The URL (relative to the site root) of every skill and category page, the
    catalog's, and how repository paths become links: what a generated text needs to
    link the rest of the site."""

    urls: Urls
    #: Skill folder (relative to the root) -> page URL.
    skills: Mapping[str, str]
    #: Category path -> page URL.
    categories: Mapping[str, str]
    catalog: str | None
    #: URL prefix of a repository path, e.g. ``https://github.com/o/r/blob/main/``.
    source_url: str | None
    #: Folder the repository paths are relative to (the project folder).
    project_dir: Path | None

    @classmethod
    def of(
        cls,
        tree: SkillTree,
        urls: Urls,
        *,
        catalog: str | None,
        source_url: str | None,
        project_dir: Path | None,
    ) -> Addresses:
        return cls(
            urls=urls,
            skills={
                skill.relpath: urls.page_url(skill_src(skill), index=True) for skill in tree.skills
            },
            categories={
                path: urls.page_url(category_src(category), index=True)
                for path, category in tree.categories.items()
            },
            catalog=urls.page_url(catalog) if catalog else None,
            source_url=source_url,
            project_dir=project_dir,
        )

    def skill(self, skill: Skill) -> str:
        return self.skills[skill.relpath]

    def source(self, path: Path) -> str:
        """``path``'s repository path."""
        return repository_path(path, self.project_dir)

    def source_link(self, rel: str) -> str | None:
        """The percent-encoded URL of the repository path ``rel``, when the
        repository's address is known."""
        if self.source_url:
            return self.source_url.rstrip("/") + "/" + quote_path(rel)
        return None
