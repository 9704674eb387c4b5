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
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from skillshelf.frontmatter import Frontmatter, Issue, decode, parse_document

if TYPE_CHECKING:
    from skillshelf.cache import ScanCache

SKILL_FILE = "SKILL.md"
DESCRIPTION_FILE = "DESCRIPTION.md"
REFERENCES_DIR = "references"
BUNDLE_DIRS = ("templates", "scripts", "assets")
#: Files above this size are never read into memory (oversized-file still reports them).
READ_LIMIT = 16 * 1024 * 1024
_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})


class Kind(enum.Enum):
    SKILL = "skill"
    DESCRIPTION = "description"
    REFERENCE = "reference"
    MARKDOWN = "markdown"

    @property
    def expects_frontmatter(self) -> bool:
        return self in (Kind.SKILL, Kind.DESCRIPTION)


@dataclass
class Document:
    """A Markdown file in the tree, read and split once."""

    path: Path
    rel: PurePosixPath
    kind: Kind
    size: int
    text: str | None
    frontmatter: Frontmatter | None
    body: str
    body_line: int
    issues: list[Issue]
    skill: Skill | None = field(default=None, repr=False)
    category: Category | None = field(default=None, repr=False)

    @property
    def data(self) -> dict[str, Any]:
        """Frontmatter as a mapping; empty when missing, broken or not a mapping."""
        data = self.frontmatter.data if self.frontmatter else None
        return data if isinstance(data, dict) else {}


@dataclass
class BundledFile:
    path: Path
    rel: PurePosixPath
    size: int


@dataclass
class Skill:
    dir: Path
    rel: PurePosixPath
    category: Category
    document: Document
    references: list[Document] = field(default_factory=list)
    #: Other Markdown files inside the skill folder (templates, nested notes...).
    extra_documents: list[Document] = field(default_factory=list)
    bundled: list[BundledFile] = field(default_factory=list)

    @property
    def folder_name(self) -> str:
        return self.dir.name

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

    @property
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

    dir: Path
    path: str
    parent: Category | None = field(default=None, repr=False)
    description: Document | None = None
    skills: list[Skill] = field(default_factory=list)
    children: list[Category] = field(default_factory=list)
    #: Markdown files directly in the folder other than DESCRIPTION.md.
    extra_documents: list[Document] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.path.count("/") + 1 if self.path else 0

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        """DESCRIPTION.md's title, else a readable form of the folder name."""
        if self.description is not None:
            title = self.description.data.get("title")
            if isinstance(title, str) and title.strip():
                return title.strip()
        return readable(self.name)

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
    def total_skills(self) -> int:
        return len(self.skills) + sum(child.total_skills for child in self.children)

    def all_skills(self) -> Iterator[Skill]:
        for category in self.walk():
            yield from category.skills


def readable(folder_name: str) -> str:
    """``vector-databases`` -> ``Vector databases``; acronyms stay as typed."""
    words = folder_name.replace("_", " ").replace("-", " ").split()
    if not words:
        return folder_name
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


@dataclass(frozen=True)
class TreeIssue:
    """A problem found while walking (a symlink, an unreadable folder)."""

    path: Path
    issue: Issue


@dataclass
class SkillTree:
    root: Path
    top: Category
    issues: list[TreeIssue] = field(default_factory=list)
    #: Every file and folder the walk saw (absolute paths as text), so that
    #: rules can ask whether a path exists without going back to the disk.
    paths: frozenset[str] = frozenset()

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
        for category in self.top.walk():
            if category.description is not None:
                yield category.description
            yield from category.extra_documents
            for skill in category.skills:
                yield from skill.documents()

    def skills_named(self, name: str) -> list[Skill]:
        return self._by_name.get(name, [])

    @cached_property
    def _by_name(self) -> dict[str, list[Skill]]:
        index: dict[str, list[Skill]] = {}
        for skill in self.skills:
            index.setdefault(skill.name, []).append(skill)
        return index


def read_document(path: Path, rel: PurePosixPath, kind: Kind, size: int) -> Document:
    """Read and split one Markdown file; every problem becomes an Issue."""
    expect = kind.expects_frontmatter
    if size > READ_LIMIT:
        issue = Issue(
            "encoding",
            f"file is {size / 2**20:.0f} MiB; files over {READ_LIMIT // 2**20} MiB are not read",
        )
        return Document(path, rel, kind, size, None, None, "", 1, [issue])
    try:
        raw = path.read_bytes()
    except OSError as error:
        issue = Issue("encoding", f"cannot read file: {error.strerror or error}")
        return Document(path, rel, kind, size, None, None, "", 1, [issue])
    decoded = decode(raw)
    issues = list(decoded.issues)
    if decoded.text is None:
        return Document(path, rel, kind, size, None, None, "", 1, issues)
    parsed = parse_document(decoded.text, expect_frontmatter=expect)
    issues.extend(parsed.issues)
    return Document(
        path,
        rel,
        kind,
        size,
        decoded.text,
        parsed.frontmatter,
        parsed.body,
        parsed.body_line,
        issues,
    )


def _is_utf8(name: str) -> bool:
    """False for names the OS decoded with surrogate escapes (bytes that are not UTF-8)."""
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Walker:
    def __init__(self, root: Path, cache: ScanCache | None = None) -> None:
        self.root = root
        self.cache = cache
        self.root_real = os.path.realpath(root)
        self._prefix = str(root).rstrip(os.sep) + os.sep
        self.issues: list[TreeIssue] = []
        self.seen: set[str] = set()

    def rel(self, path: str) -> PurePosixPath:
        # Every path the walk produces is below the root: slice instead of relpath().
        if path.startswith(self._prefix):
            return PurePosixPath(path[len(self._prefix) :].replace(os.sep, "/"))
        return PurePosixPath(os.path.relpath(path, self.root).replace(os.sep, "/"))

    def entries(self, directory: str) -> tuple[list[os.DirEntry[str]], list[os.DirEntry[str]]]:
        """Sorted (folders, files) of ``directory``; symlinks are vetted first."""
        try:
            with os.scandir(directory) as iterator:
                found = sorted(iterator, key=lambda e: e.name)
        except OSError as error:
            self.issues.append(
                TreeIssue(
                    Path(directory), Issue("symlink", f"cannot list folder: {error.strerror}")
                )
            )
            return [], []
        folders, files = [], []
        for entry in found:
            if entry.name.startswith(".") or entry.name in _SKIPPED_DIRS:
                continue
            if not _is_utf8(entry.name):
                shown = os.fsencode(entry.name).decode("utf-8", "backslashreplace")
                self.issues.append(
                    TreeIssue(
                        Path(directory, shown),
                        Issue("encoding", "file name is not valid UTF-8: rename it"),
                    )
                )
            if entry.is_symlink() and not self._symlink_ok(entry):
                continue
            try:
                mode = entry.stat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                folders.append(entry)
                self.seen.add(entry.path)
            elif stat.S_ISREG(mode):
                files.append(entry)
                self.seen.add(entry.path)
        return folders, files

    def _symlink_ok(self, entry: os.DirEntry[str]) -> bool:
        """Follow only links to files inside the tree; never folders (no loops)."""
        path = Path(entry.path)
        try:
            target = os.path.realpath(entry.path, strict=True)
        except OSError as error:
            reason = "a symlink loop" if "loop" in str(error).lower() else "a broken symlink"
            self.issues.append(TreeIssue(path, Issue("symlink", f"{reason}; not followed")))
            return False
        if os.path.commonpath([self.root_real, target]) != self.root_real:
            self.issues.append(
                TreeIssue(
                    path, Issue("symlink", "symlink points outside the skills tree; not followed")
                )
            )
            return False
        if os.path.isdir(target):
            self.issues.append(
                TreeIssue(
                    path, Issue("symlink", "symlink to a folder; not followed (it could loop)")
                )
            )
            return False
        return True

    def document(
        self, entry: os.DirEntry[str], kind: Kind, parent: Path, parent_rel: PurePosixPath
    ) -> Document:
        # Joining one name onto the parent's path objects is several times
        # cheaper than parsing the whole path again, and a big tree has many.
        path, rel = parent / entry.name, parent_rel / entry.name
        if self.cache is not None:
            return self.cache.document(path, rel, kind, entry.stat())
        return read_document(path, rel, kind, entry.stat().st_size)

    def category(
        self, directory: Path, path: str, parent: Category | None, rel: PurePosixPath
    ) -> Category:
        category = Category(directory, path, parent)
        folders, files = self.entries(str(directory))
        for entry in files:
            if entry.name == DESCRIPTION_FILE:
                category.description = self.document(entry, Kind.DESCRIPTION, directory, rel)
                category.description.category = category
            elif entry.name.endswith(".md") and entry.name != SKILL_FILE:
                document = self.document(entry, Kind.MARKDOWN, directory, rel)
                document.category = category
                category.extra_documents.append(document)
        for folder in folders:
            child_path = f"{path}/{folder.name}" if path else folder.name
            child_dir, child_rel = directory / folder.name, rel / folder.name
            if os.path.lexists(os.path.join(folder.path, SKILL_FILE)):
                category.skills.append(self.skill(child_dir, child_rel, category))
            else:
                category.children.append(self.category(child_dir, child_path, category, child_rel))
        return category

    def skill(self, directory: Path, rel: PurePosixPath, category: Category) -> Skill:
        folders, files = self.entries(str(directory))
        skill_entry = (
            next(e for e in files if e.name == SKILL_FILE)
            if any(e.name == SKILL_FILE for e in files)
            else None
        )
        if skill_entry is None:  # SKILL.md is a link we refused to follow
            document = Document(
                directory / SKILL_FILE,
                rel / SKILL_FILE,
                Kind.SKILL,
                0,
                None,
                None,
                "",
                1,
                [],
            )
        else:
            document = self.document(skill_entry, Kind.SKILL, directory, rel)
        skill = Skill(directory, rel, category, document)
        document.skill = skill
        for entry in files:
            if entry.name == SKILL_FILE:
                continue
            self._add_file(skill, entry, directory, rel, in_references=False)
        for folder in folders:
            self._collect(
                skill,
                directory / folder.name,
                rel / folder.name,
                in_references=folder.name == REFERENCES_DIR,
            )
        return skill

    def _collect(
        self, skill: Skill, directory: Path, rel: PurePosixPath, *, in_references: bool
    ) -> None:
        folders, files = self.entries(str(directory))
        for entry in files:
            self._add_file(skill, entry, directory, rel, in_references=in_references)
        for folder in folders:
            self._collect(
                skill, directory / folder.name, rel / folder.name, in_references=in_references
            )

    def _add_file(
        self,
        skill: Skill,
        entry: os.DirEntry[str],
        directory: Path,
        rel: PurePosixPath,
        *,
        in_references: bool,
    ) -> None:
        if entry.name.endswith(".md"):
            kind = Kind.REFERENCE if in_references else Kind.MARKDOWN
            document = self.document(entry, kind, directory, rel)
            document.skill = skill
            (skill.references if in_references else skill.extra_documents).append(document)
        else:
            skill.bundled.append(
                BundledFile(directory / entry.name, rel / entry.name, entry.stat().st_size)
            )


def scan(root: Path, *, cache: ScanCache | None = None) -> SkillTree:
    """Walk ``root`` once and return the model of everything below it.

    With a :class:`skillshelf.cache.ScanCache`, documents that did not change
    since the cache was written are taken from it instead of being read.
    """
    from skillshelf import links, schemas
    from skillshelf.trl import snippets

    # Memoised per text; a new scan starts from what is on disk (and a
    # long-running `mkdocs serve` does not accumulate old versions).
    links.forget()
    snippets.forget()
    schemas.forget_valid()
    root = Path(os.path.abspath(root))
    walker = _Walker(root, cache)
    if not root.is_dir():
        top = Category(root, "")
        walker.issues.append(TreeIssue(root, Issue("symlink", "skills root is not a folder")))
        return SkillTree(root, top, walker.issues, frozenset(walker.seen))
    top = walker.category(root, "", None, PurePosixPath("."))
    return SkillTree(root, top, walker.issues, frozenset(walker.seen))
