"""The one model of a skills tree.

:func:`scan` walks the tree once and reads every Markdown file once. The
linter, the pre-commit hook and the MkDocs plugin all work from the
:class:`SkillTree` it returns; none of them walks or parses on its own.

Layout rules:

* a folder holding ``SKILL.md`` is a skill; its category is the path of the
  folders above it, relative to the root (``mlops/training/axolotl`` is in
  ``mlops/training``; the flat ``<category>/<skill>`` layout is the same rule);
* any other folder below the root is a category, and may hold a
  ``DESCRIPTION.md``;
* a skill's ``references/*.md`` are its sub-pages; ``templates/``,
  ``scripts/`` and ``assets/`` (and anything else in the folder) are bundled
  files.
"""

from __future__ import annotations

import enum
import errno
import gc
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from skillshelf.diagnostics import Issue
from skillshelf.frontmatter import ENCODING, Frontmatter, decode, parse_document
from skillshelf.safe_files import NotRegularFileError, kind_of, read_file
from skillshelf.titles import TITLE_WORDS, first_heading, folder_title

SKILL_FILE = "SKILL.md"
DESCRIPTION_FILE = "DESCRIPTION.md"
REFERENCES_DIR = "references"
BUNDLE_DIRS = ("templates", "scripts", "assets")
#: Files above this size are never read into memory (oversized-file still reports them).
READ_LIMIT = 16 * 1024 * 1024
#: The rule ids of what the walk records: files and folders that cannot be read,
#: and symlinks it does not follow.
UNREADABLE = "unreadable"
SYMLINK = "symlink"
_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})


class Kind(enum.Enum):
    SKILL = "skill"
    DESCRIPTION = "description"
    REFERENCE = "reference"
    MARKDOWN = "markdown"

    @property
    def expects_frontmatter(self) -> bool:
        return self in (Kind.SKILL, Kind.DESCRIPTION)


class _FilePaths:
    """``path`` and ``rel`` of a file the walk recorded as text (``abspath``,
    ``relpath``). Path objects are built on first use: a big tree has tens of
    thousands of files, and most runs only need a Path for the few reported."""

    abspath: str
    relpath: str

    @cached_property
    def path(self) -> Path:
        return Path(self.abspath)

    @cached_property
    def rel(self) -> PurePosixPath:
        return PurePosixPath(self.relpath)


@dataclass(eq=False)
class Document(_FilePaths):
    """A Markdown file in the tree, read and split once: what reading produced.

    What the rules work out from it (links, schema verdicts, snippet
    analyses...) is not kept here but in its analysis
    (:mod:`skillshelf.analysis`). A document taken from the scan cache does
    not hold its text: the text is read from the file only if something asks
    for it (the site does, the linter of an unchanged tree does not).
    """

    #: The absolute path, as text; :attr:`path` is the same as a Path.
    abspath: str
    #: The path relative to the skills root, with ``/`` separators.
    relpath: str
    kind: Kind
    size: int
    frontmatter: Frontmatter | None
    body_line: int
    #: What reading the file met (encoding, line endings, frontmatter syntax...).
    issues: tuple[Issue, ...]
    #: False when the file could not be read or decoded: ``text`` is then None.
    has_text: bool = True
    skill: Skill | None = field(default=None, repr=False)
    category: Category | None = field(default=None, repr=False)
    #: The text once read (None until then, and for unreadable files).
    loaded_text: str | None = field(default=None, repr=False)
    #: The body, when it is not simply the text after line ``body_line - 1``.
    body_override: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.relpath.rpartition("/")[2]

    @property
    def text(self) -> str | None:
        """The decoded text; None when the file could not be read or decoded."""
        if self.loaded_text is None and self.has_text:
            self.loaded_text = _read_text(self.abspath)
        return self.loaded_text

    @property
    def body(self) -> str:
        """The Markdown after the frontmatter ("" for unreadable files)."""
        if self.body_override is not None:
            return self.body_override
        text = self.text
        if text is None:
            return ""
        return text.split("\n", self.body_line - 1)[-1] if self.body_line > 1 else text

    @property
    def data(self) -> dict[str, Any]:
        """Frontmatter as a mapping; empty when missing, broken or not a mapping."""
        data = self.frontmatter.data if self.frontmatter else None
        return data if isinstance(data, dict) else {}


def _read_text(abspath: str) -> str:
    """The text of a document the scan cache vouched for ("" if it vanished since)."""
    try:
        raw, _ = read_file(abspath, follow=True)
    except OSError:
        return ""
    return decode(raw).text or ""


@dataclass
class BundledFile(_FilePaths):
    abspath: str
    relpath: str
    size: int


@dataclass
class Skill:
    #: The skill folder: absolute, and relative to the root with ``/`` separators.
    dirpath: str
    relpath: str
    category: Category
    document: Document
    references: list[Document] = field(default_factory=list)
    #: Other Markdown files inside the skill folder (templates, nested notes...).
    extra_documents: list[Document] = field(default_factory=list)
    bundled: list[BundledFile] = field(default_factory=list)

    @cached_property
    def dir(self) -> Path:
        return Path(self.dirpath)

    @cached_property
    def rel(self) -> PurePosixPath:
        return PurePosixPath(self.relpath)

    @property
    def folder_name(self) -> str:
        return self.relpath.rpartition("/")[2]

    @property
    def name(self) -> str:
        """The declared name when it is a string, else the folder name."""
        declared = self.document.data.get("name")
        return declared if isinstance(declared, str) and declared else self.folder_name

    @property
    def description(self) -> str:
        value = self.document.data.get("description")
        return value.strip() if isinstance(value, str) else ""

    @cached_property
    def title(self) -> str:
        """What the site calls the skill (nav, page title, catalog, skills.json): the
        frontmatter's ``title`` (top level, as the Hermes style writes it, or among
        the project's fields), else the first ``# Heading`` of the body, else the name.

        Computed once, here, so that every page and index shows the same words.
        Reads the body of a document the scan cache holds without its text.
        """
        for value in (self.document.data.get("title"), self.project_fields.get("title")):
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())
        return first_heading(self.document.body) or self.name

    @cached_property
    def project_fields(self) -> dict[str, Any]:
        """skillshelf's own fields: ``metadata.skillshelf`` or, for the Hermes
        style, the top-level extras plus ``metadata.hermes``."""
        data = self.document.data
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        own = metadata.get("skillshelf")
        if isinstance(own, dict):
            return own
        hermes = metadata.get("hermes")
        fields: dict[str, Any] = {}
        for key in ("version", "author", "dependencies", "platforms", "tags"):
            if key in data:
                fields[key] = data[key]
        if isinstance(hermes, dict):
            fields.update(hermes)
            if "related_skills" in hermes:
                fields["related-skills"] = hermes["related_skills"]
        return fields

    @property
    def tags(self) -> list[str]:
        tags = self.project_fields.get("tags")
        return [str(t) for t in tags] if isinstance(tags, list) else []

    @property
    def related_skills(self) -> list[str]:
        related = self.project_fields.get("related-skills")
        return [str(r) for r in related] if isinstance(related, list) else []

    @cached_property
    def targets(self) -> dict[str, str]:
        """Library versions the skill's examples were written for (``{'trl': '1.16.0'}``)."""
        targets = self.project_fields.get("targets")
        if not isinstance(targets, dict):
            return {}
        return {str(k): str(v) for k, v in targets.items() if isinstance(v, str | int | float)}

    def documents(self) -> Iterator[Document]:
        yield self.document
        yield from self.references
        yield from self.extra_documents


@dataclass
class Category:
    """A folder below the root that is not a skill. The root itself is the
    nameless category ``""``."""

    #: The folder's absolute path, as text.
    dirpath: str
    path: str
    parent: Category | None = field(default=None, repr=False)
    description: Document | None = None
    skills: list[Skill] = field(default_factory=list)
    children: list[Category] = field(default_factory=list)
    #: Markdown files directly in the folder other than DESCRIPTION.md.
    extra_documents: list[Document] = field(default_factory=list)
    #: False when the folder could not be listed (no permission): what it holds is unknown.
    listed: bool = True
    #: True for each folder of a several-roots library (``skills``, ``optional-skills``):
    #: a root, not a category, though the site shows it as a top-level section.
    is_root: bool = False
    #: How a title made from the folder name spells known words (see :attr:`title`).
    title_words: Mapping[str, str] = field(default_factory=lambda: TITLE_WORDS, repr=False)

    @cached_property
    def dir(self) -> Path:
        return Path(self.dirpath)

    @property
    def depth(self) -> int:
        """Levels below its root (a root, and the top, are at 0)."""
        if not self.path or self.is_root:
            return 0
        if self.parent is not None:
            return self.parent.depth + 1
        return self.path.count("/") + 1

    @property
    def grouping(self) -> bool:
        """Whether category rules apply to it: a folder below a root, not a root."""
        return bool(self.path) and not self.is_root

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        """DESCRIPTION.md's title, else the folder name made readable with
        :attr:`title_words` (``mlops`` -> ``MLOps``, ``ai-agents`` -> ``AI agents``)."""
        if self.description is not None:
            title = self.description.data.get("title")
            if isinstance(title, str) and title.strip():
                return title.strip()
        return folder_title(self.name, self.title_words)

    @property
    def summary(self) -> str:
        if self.description is None:
            return ""
        value = self.description.data.get("description")
        return value.strip() if isinstance(value, str) else ""

    @property
    def order(self) -> int | None:
        if self.description is None:
            return None
        value = self.description.data.get("order")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def walk(self) -> Iterator[Category]:
        yield self
        for child in self.children:
            yield from child.walk()

    @cached_property
    def complete(self) -> bool:
        """Whether this folder and every folder below it could be listed, so
        that counting its skills means something."""
        return self.listed and all(child.complete for child in self.children)

    @cached_property
    def total_skills(self) -> int:
        return len(self.skills) + sum(child.total_skills for child in self.children)

    def all_skills(self) -> Iterator[Skill]:
        for category in self.walk():
            yield from category.skills


@dataclass
class SkillTree:
    root: Path
    top: Category
    #: What the walk met on paths that are not documents (each issue has its ``path``).
    issues: list[Issue] = field(default_factory=list)
    #: Every file and folder the walk saw (absolute paths as text), so that
    #: rules can ask whether a path exists without going back to the disk.
    paths: frozenset[str] = frozenset()

    @cached_property
    def root_dirs(self) -> tuple[str, ...]:
        """The folders that hold skills (absolute, as text): :attr:`root`, or each
        root of a several-roots library."""
        roots = tuple(child.dirpath for child in self.top.children if child.is_root)
        return roots or (str(self.root),)

    def has_path(self, path: str) -> bool:
        """Whether the walk saw ``path`` (a normalised absolute path)."""
        return path in self.paths or path == str(self.root)

    @cached_property
    def categories(self) -> dict[str, Category]:
        """Every category below the root by path (the root itself excluded)."""
        return {c.path: c for c in self.top.walk() if c.path}

    @cached_property
    def skills(self) -> list[Skill]:
        return list(self.top.all_skills())

    def documents(self) -> Iterator[Document]:
        """Every Markdown document of the tree, in a stable order."""
        return iter(self.all_documents)

    @cached_property
    def all_documents(self) -> tuple[Document, ...]:
        # Every rule walks the documents; collect them once.
        found: list[Document] = []
        for category in self.top.walk():
            if category.description is not None:
                found.append(category.description)
            found.extend(category.extra_documents)
            for skill in category.skills:
                found.extend(skill.documents())
        return tuple(found)

    def skills_named(self, name: str) -> list[Skill]:
        return self._by_name.get(name, [])

    @cached_property
    def _by_name(self) -> dict[str, list[Skill]]:
        index: dict[str, list[Skill]] = {}
        for skill in self.skills:
            index.setdefault(skill.name, []).append(skill)
        return index


def read_document(
    abspath: str, relpath: str, kind: Kind, size: int, known: Frontmatter | None = None
) -> Document:
    """Read and split one Markdown file; every problem becomes an Issue.

    Raises ``FileNotFoundError`` when the file vanished since it was listed.
    ``known``: the frontmatter this file had before, when it loaded without
    issues (see :func:`skillshelf.frontmatter.parse_document`).
    """
    expect = kind.expects_frontmatter
    if size > READ_LIMIT:
        issue = Issue(
            ENCODING,
            f"file is {size:,} bytes; files over {READ_LIMIT:,} bytes are not read",
        )
        return Document(abspath, relpath, kind, size, None, 1, (issue,), has_text=False)
    try:
        # Following a link is safe here: the walk only lists links it vetted.
        raw, _ = read_file(abspath, follow=True)
    except FileNotFoundError:
        raise  # vanished since it was listed: the walk leaves it out
    except NotRegularFileError as error:
        issue = Issue(UNREADABLE, f"{error.strerror}: it is never opened; replace it with a file")
        return Document(abspath, relpath, kind, size, None, 1, (issue,), has_text=False)
    except OSError as error:
        issue = Issue(UNREADABLE, f"cannot read file: {error.strerror or error}")
        return Document(abspath, relpath, kind, size, None, 1, (issue,), has_text=False)
    decoded = decode(raw)
    if decoded.text is None:
        return Document(abspath, relpath, kind, size, None, 1, decoded.issues, has_text=False)
    text = decoded.text
    parsed = parse_document(text, expect_frontmatter=expect, known=known)
    issues = (*decoded.issues, *parsed.issues)
    document = Document(abspath, relpath, kind, size, parsed.frontmatter, parsed.body_line, issues)
    document.loaded_text = text
    if parsed.body != document.body:
        document.body_override = parsed.body
    return document


class DocumentReader(Protocol):
    """Where the walk gets a document from, given what it listed: the scan cache
    implements it; without one, :func:`read_document` reads the file."""

    def read(self, abspath: str, relpath: str, kind: Kind, stat: os.stat_result) -> Document:
        """The document at ``abspath`` (``stat``: the walk's look at the file).

        Raises ``FileNotFoundError`` when the file vanished since it was listed.
        """
        ...


def _is_utf8(name: str) -> bool:
    """False for names the OS decoded with surrogate escapes (bytes that are not UTF-8)."""
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _join(parent: str, name: str) -> str:
    # Paths stay text during the walk: building Path objects for every file of
    # a 10,000-skill tree costs more than reading the cached tree.
    return f"{parent}/{name}" if parent else name


@dataclass
class Listing:
    """One folder's entries as the walk keeps them."""

    folders: list[os.DirEntry[str]] = field(default_factory=list)
    #: Regular files, and symlinks vetted to point at regular files inside the tree.
    files: list[os.DirEntry[str]] = field(default_factory=list)
    #: Every name the folder holds that the walk does not skip, of any kind: a
    #: SKILL.md that is a FIFO still makes its folder a skill (and is reported).
    names: frozenset[str] = frozenset()
    #: False when the folder could not be listed.
    listed: bool = True


class TreeWalker:
    """Walks the tree with paths as text (absolute with ``os.sep``, relative with ``/``).

    Only what ``scandir`` (and ``lstat`` for the odd entry) says is looked at
    before deciding: a FIFO, a device or a socket is reported and never opened,
    and a file that vanishes between the listing and the read is left out as if
    it had not been listed.
    """

    def __init__(
        self,
        root: Path,
        reader: DocumentReader | None = None,
        title_words: Mapping[str, str] = TITLE_WORDS,
        exclude: Callable[[str], bool] | None = None,
    ) -> None:
        self.root = root
        #: Whether a path (absolute) is left out of the tree (the ``exclude`` globs).
        self.exclude = exclude
        #: Where documents come from (the scan cache); None: each file is read.
        self.reader = reader
        #: How category titles made from folder names spell known words.
        self.title_words = title_words
        self.root_real = os.path.realpath(root)
        self.issues: list[Issue] = []
        self.seen: set[str] = set()

    def entries(self, directory: str) -> tuple[list[os.DirEntry[str]], list[os.DirEntry[str]]]:
        """Sorted (folders, files) of ``directory``; symlinks are vetted first."""
        listing = self.listing(directory)
        return listing.folders, listing.files

    def listing(self, directory: str) -> Listing:
        """The folder's entries, sorted by name; anything odd becomes a tree issue."""
        try:
            with os.scandir(directory) as iterator:
                found = sorted(iterator, key=lambda e: e.name)
        except OSError as error:
            reason = error.strerror or str(error)
            self._unreadable(
                directory, f"cannot read folder: {reason}; nothing in it is checked or published"
            )
            return Listing(listed=False)
        listing = Listing()
        names: set[str] = set()
        for entry in found:
            name = entry.name
            if name.startswith(".") or name in _SKIPPED_DIRS:
                continue
            if self.exclude is not None and self.exclude(entry.path):
                continue
            names.add(name)
            if not _is_utf8(name):
                shown = os.fsencode(name).decode("utf-8", "backslashreplace")
                self.issues.append(
                    Issue(
                        ENCODING,
                        "file name is not valid UTF-8: rename it",
                        path=os.path.join(directory, shown),
                    )
                )
            try:
                self._sort_entry(entry, listing)
            except FileNotFoundError:  # vanished since the listing: as if it had not been listed
                continue
            except OSError as error:
                self._unreadable(entry.path, f"cannot read: {error.strerror or error}")
        listing.names = frozenset(names)
        return listing

    def _sort_entry(self, entry: os.DirEntry[str], listing: Listing) -> None:
        if entry.is_symlink():
            if not self._symlink_ok(entry):
                return
            # A vetted link points at a file inside the tree (not a folder).
            mode = entry.stat().st_mode
            if stat.S_ISREG(mode):
                listing.files.append(entry)
                self.seen.add(entry.path)
            else:
                self._special(entry.path, mode, through_link=True)
        # The entry's own type needs no stat() call on most file systems.
        elif entry.is_dir(follow_symlinks=False):
            if entry.name.endswith(".md"):  # a SKILL.md, DESCRIPTION.md or page that is a folder
                self._unreadable(entry.path, f"{entry.name} is a folder, not a Markdown file")
                return
            listing.folders.append(entry)
            self.seen.add(entry.path)
        elif entry.is_file(follow_symlinks=False):
            listing.files.append(entry)
            self.seen.add(entry.path)
        else:
            self._special(entry.path, entry.stat(follow_symlinks=False).st_mode)

    def _special(self, path: str, mode: int, *, through_link: bool = False) -> None:
        what = f"symlink to {kind_of(mode).removeprefix('a ')}" if through_link else kind_of(mode)
        self._unreadable(
            path,
            f"{what}, not a regular file: skillshelf never opens it and the site leaves it "
            "out; replace it with a file or remove it",
        )

    def _unreadable(self, path: str, message: str) -> None:
        self.issues.append(Issue(UNREADABLE, message, path=path))

    def _symlink_ok(self, entry: os.DirEntry[str]) -> bool:
        """Follow only links to files inside the tree; never folders (no loops)."""
        path = entry.path
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as error:
            reason = "a symlink loop" if "loop" in str(error).lower() else "a broken symlink"
            self.issues.append(Issue(SYMLINK, f"{reason}; not followed", path=path))
            return False
        if os.path.commonpath([self.root_real, target]) != self.root_real:
            message = "symlink points outside the skills tree; not followed"
            self.issues.append(Issue(SYMLINK, message, path=path))
            return False
        if os.path.isdir(target):
            message = "symlink to a folder; not followed (it could loop)"
            self.issues.append(Issue(SYMLINK, message, path=path))
            return False
        return True

    def document(self, entry: os.DirEntry[str], kind: Kind, relpath: str) -> Document | None:
        """The document at ``entry``; None when it vanished since the listing, or
        cannot even be looked at (reported)."""
        try:
            status = entry.stat()
            if self.reader is not None:
                return self.reader.read(entry.path, relpath, kind, status)
            return read_document(entry.path, relpath, kind, status.st_size)
        except FileNotFoundError:
            return None
        except OSError as error:  # read_document reports what it meets; this is stat()
            self._unreadable(entry.path, f"cannot read file: {error.strerror or error}")
            return None

    def category(
        self, directory: str, path: str, parent: Category | None, listing: Listing | None = None
    ) -> Category:
        category = Category(directory, path, parent, title_words=self.title_words)
        if listing is None:
            listing = self.listing(directory)
        category.listed = listing.listed
        for entry in listing.files:
            if entry.name == DESCRIPTION_FILE:
                description = self.document(entry, Kind.DESCRIPTION, _join(path, entry.name))
                if description is not None:
                    description.category = category
                    category.description = description
            elif entry.name.endswith(".md") and entry.name != SKILL_FILE:
                document = self.document(entry, Kind.MARKDOWN, _join(path, entry.name))
                if document is not None:
                    document.category = category
                    category.extra_documents.append(document)
        for folder in listing.folders:
            child_path = _join(path, folder.name)
            # Decided from the folder's own listing, read once: no window in which
            # SKILL.md could come or go between the decision and the walk.
            inside = self.listing(folder.path)
            if SKILL_FILE in inside.names:
                category.skills.append(self.skill(folder.path, child_path, category, inside))
            else:
                category.children.append(self.category(folder.path, child_path, category, inside))
        return category

    def skill(
        self, directory: str, relpath: str, category: Category, listing: Listing | None = None
    ) -> Skill:
        if listing is None:
            listing = self.listing(directory)
        skill_entry = next((e for e in listing.files if e.name == SKILL_FILE), None)
        document = None
        if skill_entry is not None:
            document = self.document(skill_entry, Kind.SKILL, _join(relpath, SKILL_FILE))
        if document is None:
            # SKILL.md is a link we refused to follow, not a regular file (both
            # reported by the listing), or it vanished since.
            document = Document(
                os.path.join(directory, SKILL_FILE),
                _join(relpath, SKILL_FILE),
                Kind.SKILL,
                0,
                None,
                1,
                (),
                has_text=False,
            )
        skill = Skill(directory, relpath, category, document)
        document.skill = skill
        for entry in listing.files:
            if entry.name == SKILL_FILE:
                continue
            self._add_file(skill, entry, relpath, in_references=False)
        for folder in listing.folders:
            self._collect(
                skill,
                folder.path,
                _join(relpath, folder.name),
                in_references=folder.name == REFERENCES_DIR,
            )
        return skill

    def _collect(self, skill: Skill, directory: str, relpath: str, *, in_references: bool) -> None:
        listing = self.listing(directory)
        for entry in listing.files:
            self._add_file(skill, entry, relpath, in_references=in_references)
        for folder in listing.folders:
            self._collect(
                skill, folder.path, _join(relpath, folder.name), in_references=in_references
            )

    def _add_file(
        self, skill: Skill, entry: os.DirEntry[str], relpath: str, *, in_references: bool
    ) -> None:
        if entry.name.endswith(".md"):
            kind = Kind.REFERENCE if in_references else Kind.MARKDOWN
            document = self.document(entry, kind, _join(relpath, entry.name))
            if document is not None:
                document.skill = skill
                (skill.references if in_references else skill.extra_documents).append(document)
            return
        try:
            size = entry.stat().st_size
        except FileNotFoundError:
            return  # vanished since the listing
        except OSError as error:
            self._unreadable(entry.path, f"cannot read file: {error.strerror or error}")
            return
        # The site copies bundled files as they are: one it could not read would
        # stop the build, so it is reported here and left out.
        if not os.access(entry.path, os.R_OK):
            reason = os.strerror(errno.EACCES)
            self._unreadable(entry.path, f"cannot read file: {reason}; the site leaves it out")
            return
        skill.bundled.append(BundledFile(entry.path, _join(relpath, entry.name), size))


def scan(
    root: Path,
    *,
    roots: tuple[str, ...] = (),
    reader: DocumentReader | None = None,
    title_words: Mapping[str, str] = TITLE_WORDS,
    exclude: Callable[[str], bool] | None = None,
) -> SkillTree:
    """Walk ``root`` once and return the model of everything below it.

    ``roots``: for a library of several roots, the folders of ``root`` to walk
    (each becomes a child of the top marked :attr:`Category.is_root`); the rest
    of ``root`` is not looked at. Names, links and ``related_skills`` then
    resolve across all of them, as they are one tree.

    ``reader``: where documents come from instead of each file being read
    (:class:`skillshelf.cache.ScanCache` hands out those that did not change
    since it was written, and reads the others). ``title_words``: how category
    titles made from folder names spell known words (the site's option).
    ``exclude``: whether a file or folder (its absolute path) is left out, as
    if it were not there (the configuration's ``exclude`` globs): the linter
    and the site, which share this walk, both never see it.
    """
    root = Path(os.path.abspath(root))
    walker = TreeWalker(root, reader, title_words, exclude)
    if not root.is_dir():
        top = Category(str(root), "", title_words=title_words)
        walker.issues.append(Issue(SYMLINK, "skills root is not a folder", path=str(root)))
        return SkillTree(root, top, walker.issues, frozenset(walker.seen))
    if roots:
        top = Category(str(root), "", title_words=title_words)
        for name in roots:
            directory = os.path.join(str(root), name)
            if not os.path.isdir(directory) or os.path.islink(directory):
                message = f"skills root {name!r} is not a folder"
                walker.issues.append(Issue(SYMLINK, message, path=directory))
                continue
            walker.seen.add(directory)
            child = walker.category(directory, name, top)
            child.is_root = True
            top.children.append(child)
        return SkillTree(root, top, walker.issues, frozenset(walker.seen))
    top = walker.category(str(root), "", None)
    return SkillTree(root, top, walker.issues, frozenset(walker.seen))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a big structure is built.

    The scan creates a few objects per file and frees almost none, so every
    collection it triggers walks a growing heap for nothing (on 10,000 skills
    that was a fifth of a warm lint). Reference counting still frees garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
