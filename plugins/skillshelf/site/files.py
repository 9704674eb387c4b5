"""A skill's files as readers download and view them: one zip of the whole folder,
and for each bundled file its SHA-256 and, for text, a bounded view.

Reads only the files the model lists for the skill (its SKILL.md, references,
other Markdown files and bundled files) and could read itself, each through a
check that it is still a regular file, and never more than once per build. Under ``mkdocs serve`` a
:class:`SkillFilesReader` that keeps its results reads a skill's files again
only when one of them changed (its size, times, inode or mode, as the scan
cache decides).

The zip is the same bytes on every build of the same files: entries in path
order under the skill's folder name, every timestamp 1980-01-01 00:00, the
mode 644 (755 for a file its owner may run), made on "Unix", deflated at level
9, no comment, no extra fields.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from pygments.lexers import find_lexer_class_for_filename
from pygments.util import ClassNotFound

from skillshelf.model import Skill
from skillshelf.safe_files import NotRegularFileError

#: A bundled file up to this size is shown whole in its skill's page.
VIEW_BYTES = 32 * 1024
#: A text file up to this size is shown in part (its first ``VIEW_BYTES``); a larger
#: one, and any binary file, only as a download.
VIEWABLE_BYTES = 1024 * 1024
#: A skill whose files add up to more than this gets no zip (each file stays a download).
ARCHIVE_BYTES = 64 * 1024 * 1024
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1024 * 1024
#: As the model opens files: never blocks on a FIFO, never takes a terminal.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


@dataclass(frozen=True)
class View:
    """What a skill page shows of a text file."""

    #: The text shown: the whole file, or its first lines.
    text: str
    #: A Pygments lexer alias for the file's name ("text" when none fits).
    language: str
    #: Lines of the whole file, and of ``text``.
    lines: int
    shown_lines: int


@dataclass(frozen=True)
class BundledFacts:
    #: The path relative to the skills root.
    relpath: str
    size: int
    sha256: str
    #: None for a binary file, or one too large to show.
    view: View | None


@dataclass(frozen=True)
class SkillFiles:
    #: The zip of the skill folder; None when the folder is too large to zip.
    archive: bytes | None
    #: How many files the zip holds.
    archived: int
    #: The bundled files (not the Markdown ones), by path.
    bundled: tuple[BundledFacts, ...]

    def facts(self) -> dict[str, BundledFacts]:
        return {facts.relpath: facts for facts in self.bundled}


#: (path, size, mtime, ctime, inode, mode) of each file, or the path alone when gone.
Stamps = tuple[tuple[object, ...], ...]


def _chunks(abspath: str) -> Iterator[bytes]:
    """The bytes of ``abspath`` in pieces, after checking it is a regular file."""
    descriptor = os.open(abspath, _OPEN_FLAGS)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError("not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    finally:
        os.close(descriptor)


def _is_text(data: bytes) -> bool:
    return b"\0" not in data[:8192]


def _view(data: bytes, language: str) -> View | None:
    if len(data) > VIEWABLE_BYTES or not _is_text(data):
        return None
    shown = data
    if len(data) > VIEW_BYTES:
        cut = data.rfind(b"\n", 0, VIEW_BYTES)
        shown = data[: cut + 1] if cut > 0 else data[:VIEW_BYTES]
    try:
        text = shown.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    shown_lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return View(text, language, lines, shown_lines)


class SkillFilesReader:
    """Reads skills' files; with ``keep``, remembers each skill's result by the
    stamps of its files and reuses it while they are the same."""

    def __init__(self, *, keep: bool) -> None:
        self.keep = keep
        #: Skill folder -> stamps of its files and what was read from them.
        self.kept: dict[str, tuple[Stamps, SkillFiles]] = {}
        #: File name extension -> Pygments lexer alias: finding one walks every lexer.
        self.languages: dict[str, str] = {}
        self.reads = 0

    def read(self, skill: Skill) -> SkillFiles:
        paths = _skill_paths(skill)
        if not self.keep:
            return self._read(skill, paths)
        stamps = _stamps(paths)
        kept = self.kept.get(skill.relpath)
        if kept is not None and kept[0] == stamps:
            return kept[1]
        files = self._read(skill, paths)
        self.kept[skill.relpath] = (stamps, files)
        return files

    def keep_only(self, skills: set[str]) -> None:
        """Forget the skills (by folder) the last plan did not have."""
        for folder in self.kept.keys() - skills:
            del self.kept[folder]

    def language(self, name: str) -> str:
        extension = name.rpartition(".")[2].lower() if "." in name else name
        found = self.languages.get(extension)
        if found is None:
            try:
                lexer = find_lexer_class_for_filename(name)
            except ClassNotFound:  # pragma: no cover - pygments returns None instead
                lexer = None
            aliases = lexer.aliases if lexer is not None else []
            found = self.languages[extension] = aliases[0] if aliases else "text"
        return found

    def _read(self, skill: Skill, paths: list[tuple[str, str, int, bool]]) -> SkillFiles:
        self.reads += 1
        folder = skill.relpath.rpartition("/")[2]
        inside = len(skill.relpath) + 1
        zipping = sum(size for _, _, size, _ in paths) <= ARCHIVE_BYTES
        buffer = io.BytesIO()
        archive = zipfile.ZipFile(buffer, "w") if zipping else None
        bundled: list[BundledFacts] = []
        archived = 0
        for relpath, abspath, size, is_bundled in paths:
            digest = hashlib.sha256()
            kept = bytearray()
            try:
                mode = os.stat(abspath).st_mode
                for chunk in _chunks(abspath):
                    digest.update(chunk)
                    if zipping or len(kept) <= VIEWABLE_BYTES:
                        kept += chunk
            except OSError:
                continue  # gone or replaced since the scan: left out, as the scan does
            data = bytes(kept)
            if archive is not None:
                info = zipfile.ZipInfo(f"{folder}/{relpath[inside:]}", ZIP_TIME)
                info.create_system = 3
                info.external_attr = (0o100755 if mode & stat.S_IXUSR else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
                archived += 1
            if is_bundled:
                view = _view(data, self.language(relpath.rpartition("/")[2]))
                bundled.append(BundledFacts(relpath, size, digest.hexdigest(), view))
        if archive is not None:
            archive.close()
        return SkillFiles(
            archive=buffer.getvalue() if archive is not None else None,
            archived=archived,
            bundled=tuple(bundled),
        )


def _skill_paths(skill: Skill) -> list[tuple[str, str, int, bool]]:
    """(relpath, abspath, size, bundled) of every file of the skill the model read or
    vetted, by path. Left out: a Markdown file the model could not read (a FIFO, a
    link out of the tree, bytes that are not UTF-8: opening it is what the model
    avoided), and a name that is not UTF-8 (it has no URL; the site refuses the tree)."""
    paths = [(d.relpath, d.abspath, d.size, False) for d in skill.documents() if d.has_text]
    paths.extend((b.relpath, b.abspath, b.size, True) for b in skill.bundled)
    return sorted(path for path in paths if _is_utf8(path[0]))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _stamps(paths: list[tuple[str, str, int, bool]]) -> Stamps:
    stamps: list[tuple[object, ...]] = []
    for relpath, abspath, _, _ in paths:
        try:
            info = os.stat(abspath)
        except OSError:
            stamps.append((relpath,))
            continue
        stamps.append(
            (relpath, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode)
        )
    return tuple(stamps)
