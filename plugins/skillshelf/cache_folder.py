"""Where the scan cache lives, and how it keeps to its own folder.

The cache home may be a folder other tools use too (``$SKILLSHELF_CACHE_DIR``
pointed at a shared cache, ``$XDG_CACHE_HOME``, ``~/.cache``). skillshelf
keeps everything it writes in one folder of its own inside it,
:data:`OWN_FOLDER`, marked as a cache by a ``CACHEDIR.TAG`` (the Cache
Directory Tagging Specification, which backup tools honour) and ignored by
git through a ``.gitignore`` holding ``*``. Nothing outside that folder is
ever written or removed, and inside it pruning removes only names skillshelf
writes: a root's folder ``scan-<16 hex digits>`` with its shard files, the
single-file caches of format 4 and earlier, and temporary files.

The folder is used only when it is a real folder (not a symlink), belongs to
the user running skillshelf, cannot be written by anyone else (a cache entry
planted by someone else could hide a finding), and is skillshelf's: it holds
skillshelf's tag, or the ``.gitignore`` of skillshelf before the tag, or
nothing at all. Otherwise the run goes without a cache, and the CLI says why.
Every folder is opened without following a symlink and every file is written
through :func:`skillshelf.safe_files.replace_file`, so a link planted at any
name the cache writes is replaced, never written through.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from skillshelf.safe_files import TEMPORARY_PREFIX, open_folder, read_file, replace_file

#: The folder of skillshelf's own inside the cache home.
OWN_FOLDER = "skillshelf"
#: Folders of roots not linted for this many days are removed.
PRUNE_DAYS = 30
#: The file whose modification time says when the folder was last pruned: pruning
#: looks at every root's folder (thousands, where tests lint many temporary trees),
#: so it runs at most once a day, not on every save.
PRUNE_STAMP = "last-prune"
PRUNE_EVERY_SECONDS = 86400
TAG_NAME = "CACHEDIR.TAG"
TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55\n"
TAG = (
    TAG_SIGNATURE + b"# This file is a cache directory tag created by skillshelf.\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
GITIGNORE_NAME = ".gitignore"
#: What skillshelf has written into its .gitignore since before the tag.
GITIGNORE = b"# created by skillshelf\n*\n"
#: A root's folder; the cache file of a root before format 5; a shard file.
_ROOT_FOLDER = re.compile(r"scan-[0-9a-f]{16}")
_OLD_CACHE_FILE = re.compile(r"scan-[0-9a-f]{16}\.pickle")
_SHARD_FILE = re.compile(r"[0-9]{2}\.pickle")
#: Temporary files: this module's, and ``tempfile.mkstemp``'s of format 5.
_TEMPORARY = (TEMPORARY_PREFIX, ".shard-")


class UnsafeFolderError(OSError):
    """The cache folder is not one skillshelf may use; the message says why."""


def cache_home() -> Path:
    """The folder that holds skillshelf's own: ``$SKILLSHELF_CACHE_DIR``, else
    ``$XDG_CACHE_HOME``, else ``~/.cache``."""
    explicit = os.environ.get("SKILLSHELF_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"


def own_folder(home: Path | None = None) -> Path:
    return (home or cache_home()) / OWN_FOLDER


def refusal(own: Path) -> str | None:
    """Why skillshelf will not use its folder ``own``; None when it may (or
    when the folder does not exist yet, or cannot be reached: then there is
    simply no cache)."""
    try:
        status = os.lstat(own)
    except OSError:
        return None
    if stat.S_ISLNK(status.st_mode):
        return f"{own} is a symlink"
    if not stat.S_ISDIR(status.st_mode):
        return f"{own} is not a folder"
    try:
        with open_folder(str(own)) as folder:
            return _problem(folder, own)
    except OSError:
        return None


def _problem(folder: int, own: Path) -> str | None:
    status = os.fstat(folder)
    if status.st_uid != os.geteuid():
        return f"{own} belongs to another user (uid {status.st_uid})"
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        mode = oct(stat.S_IMODE(status.st_mode))[2:]
        return f"{own} can be written by other users (mode {mode}): run chmod go-w on it"
    if not _is_ours(folder):
        return f"{own} holds files skillshelf did not write (it has no {TAG_NAME} of skillshelf)"
    return None


def _is_ours(folder: int) -> bool:
    for name, mark in ((TAG_NAME, TAG_SIGNATURE), (GITIGNORE_NAME, GITIGNORE)):
        try:
            content, _ = read_file(name, at=folder)
        except OSError:
            continue
        if content.startswith(mark) and b"skillshelf" in content:
            return True
    return not os.listdir(folder)


@contextmanager
def opened(own: Path, *, create: bool) -> Iterator[int]:
    """The vetted folder ``own``, open; with ``create``, made (and tagged) first.

    Raises :class:`UnsafeFolderError` for a folder skillshelf must not use,
    and ``OSError`` for one it cannot.
    """
    if create:
        own.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):
            os.mkdir(own, 0o700)
    with open_folder(str(own)) as folder:
        problem = _problem(folder, own)
        if problem is not None:
            raise UnsafeFolderError(problem)
        if create:
            _tag(folder)
        yield folder


@contextmanager
def root_folder(own: Path, name: str, *, create: bool) -> Iterator[tuple[int, int]]:
    """(own folder, the root's folder ``name`` in it), both open and vetted.

    With ``create``, anything but a folder at ``name`` (a planted symlink) is
    removed and a folder made in its place.
    """
    with ExitStack() as stack:
        folder = stack.enter_context(opened(own, create=create))
        if create:
            _make_folder(folder, name)
        yield folder, stack.enter_context(open_folder(name, at=folder))


def _make_folder(folder: int, name: str) -> None:
    try:
        status = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        os.mkdir(name, 0o700, dir_fd=folder)
        return
    if not stat.S_ISDIR(status.st_mode):
        os.unlink(name, dir_fd=folder)
        os.mkdir(name, 0o700, dir_fd=folder)


def _tag(folder: int) -> None:
    """Write the tag and the .gitignore where they are missing or not skillshelf's."""
    for name, content in ((TAG_NAME, TAG), (GITIGNORE_NAME, GITIGNORE)):
        try:
            if read_file(name, at=folder)[0] == content:
                continue
        except OSError:
            pass
        replace_file(folder, name, content, mode=0o644, durable=False)


def prune(folder: int, keep: str) -> None:
    """Remove what skillshelf wrote into its folder and nobody used for
    PRUNE_DAYS days: the folders of other roots (a folder's mtime moves
    whenever one of its shards is replaced), old single-file caches, and
    temporary files left by killed runs. Names skillshelf does not write are
    left alone, and so is a root's folder that holds any. At most once every
    PRUNE_EVERY_SECONDS (see PRUNE_STAMP)."""
    now = time.time()
    try:
        last = os.stat(PRUNE_STAMP, dir_fd=folder, follow_symlinks=False).st_mtime
    except OSError:
        last = 0.0
    if now - PRUNE_EVERY_SECONDS < last <= now:
        return
    with suppress(OSError):
        replace_file(folder, PRUNE_STAMP, b"", mode=0o644, durable=False)
    horizon = now - PRUNE_DAYS * 86400
    with os.scandir(folder) as scanned:
        entries = list(scanned)
    for entry in entries:
        name = entry.name
        with suppress(OSError):
            if name == keep:
                with open_folder(name, at=folder) as inside:
                    _remove_own_files(inside, horizon, shards=False)
            elif not _older(entry, horizon):
                continue
            elif _ROOT_FOLDER.fullmatch(name) and entry.is_dir(follow_symlinks=False):
                with open_folder(name, at=folder) as inside:
                    _remove_own_files(inside, horizon, shards=True)
                os.rmdir(name, dir_fd=folder)  # fails, as it should, if anything is left
            elif _OLD_CACHE_FILE.fullmatch(name) or name.startswith(_TEMPORARY):
                os.unlink(name, dir_fd=folder)


def _remove_own_files(folder: int, horizon: float, *, shards: bool) -> None:
    with os.scandir(folder) as entries:
        names = [
            entry.name
            for entry in entries
            if (shards and _SHARD_FILE.fullmatch(entry.name))
            or (entry.name.startswith(_TEMPORARY) and _older(entry, horizon))
        ]
    for name in names:
        with suppress(OSError):
            os.unlink(name, dir_fd=folder)


def _older(entry: os.DirEntry[str], horizon: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime < horizon
    except OSError:
        return False
