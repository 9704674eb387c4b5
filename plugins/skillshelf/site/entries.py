"""One skill as the site-wide texts list it: a frozen value of plain data.

The catalog, the category cards, ``skills.json`` and ``llms.txt`` each show a
part of every skill; :class:`SkillEntry` holds all of it, read off the model
once per plan (:mod:`skillshelf.site.inputs`). Every field is a string, a
number or a tuple of them, so two entries are equal exactly when every text made
from them is the same. Nothing here depends on the skill's body but its title
(its first heading): editing the rest leaves every site-wide text as it was.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileEntry:
    """A bundled file: its path inside the skill folder, size and SHA-256 (hex)."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SkillEntry:
    name: str
    #: What the site calls the skill (:attr:`skillshelf.model.Skill.title`).
    title: str
    #: The skill folder, relative to the skills root.
    folder: str
    #: The page's URL relative to the site root (not percent-encoded).
    url: str
    #: The category's path ("" for a skill at the top), its title trail and page URL.
    category: str
    category_title: str
    category_url: str | None
    description: str
    tags: tuple[str, ...]
    #: The SKILL.md's path in the repository.
    source: str
    #: The reference pages' URLs relative to the site root, by file name.
    references: tuple[str, ...]
    version: str | None
    #: Site paths of the SKILL.md as it is (None when it could not be read) and of the
    #: zip of the folder (None: no zip).
    raw: str | None
    archive: str | None
    files: tuple[FileEntry, ...]
    #: Each related skill's name as written, with its page's URL when it exists.
    related: tuple[tuple[str, str | None], ...]
    #: What the skill needs: requirements (PEP 508), platforms, the frontmatter's
    #: ``compatibility`` text and the library versions its examples target.
    dependencies: tuple[str, ...]
    platforms: tuple[str, ...]
    compatibility: str | None
    targets: tuple[tuple[str, str], ...]
