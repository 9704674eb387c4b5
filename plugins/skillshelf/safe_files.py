"""Reading a file only when it is a regular file, and writing one so that it is
either wholly old or wholly new, never through a link.

Every reader of skillshelf reads through :func:`read_file`: the tree walk
(files of the skills tree, which a stranger may have swapped for a FIFO),
``--fix`` and the scan cache. Both writers use :func:`replace_file`:
``--fix`` (files of the skills tree) and the scan cache (files of its own
folder). Each works on an open folder (a file descriptor) and names inside
it, so that a folder swapped for a symlink after it was checked is never
written into, and a name that is a symlink is neither followed nor written
through: :func:`replace_file` writes a new file beside it and renames that
over the name, which replaces the link itself.

A write that fails (a full disk, a file size limit, a kill) leaves the old
file as it was. A killed process can leave its temporary file behind (a
hidden name starting with :data:`TEMPORARY_PREFIX`, which the tree scan
skips); nothing else. POSIX only: it needs ``O_NOFOLLOW`` and ``dir_fd``.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress

#: How every temporary file starts: hidden, and recognisably ours.
TEMPORARY_PREFIX = ".skillshelf-"
_NOFOLLOW_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


@contextmanager
def open_folder(path: str, *, at: int | None = None, follow: bool = False) -> Iterator[int]:
    """A file descriptor of the folder ``path`` (relative to the folder ``at``).

    Unless ``follow``, a symlink at ``path`` itself is refused (``ENOTDIR`` on
    Linux, ``ELOOP`` elsewhere), as is anything that is not a folder.
    """
    flags = _NOFOLLOW_FOLDER if not follow else _NOFOLLOW_FOLDER & ~os.O_NOFOLLOW
    descriptor = os.open(path, flags, dir_fd=at)
    try:
        yield descriptor
    finally:
        os.close(descriptor)


class NotRegularFileError(OSError):
    """A path that was to be read turned out to be a FIFO, a device, a socket or a folder."""


#: Opening never blocks (a FIFO with no writer would hang a plain open), never
#: makes a terminal device the process's controlling terminal, and leaks no
#: descriptor into a child process.
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)


def read_file(
    name: str, *, at: int | None = None, follow: bool = False
) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file ``name`` (in the folder ``at``), and its status.

    Unless ``follow``, a symlink is refused (``ELOOP``); the tree walk follows
    the links it vetted. Whatever is opened must be a regular file, which is
    checked with ``fstat`` before a byte is read (so a FIFO never blocks, and
    a file swapped since it was listed is caught): anything else raises
    :class:`NotRegularFileError` (``EINVAL``), saying what it is.
    """
    flags = _READ_FLAGS if follow else _READ_FLAGS | os.O_NOFOLLOW
    descriptor = os.open(name, flags, dir_fd=at)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFileError(
                errno.EINVAL, f"{kind_of(status.st_mode)}, not a regular file"
            )
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), status
    finally:
        os.close(descriptor)


def kind_of(mode: int) -> str:
    """What a file mode says the entry is, in words (``a FIFO (named pipe)``)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "a special file" if not stat.S_ISREG(mode) else "a regular file"


def replace_file(
    folder: int,
    name: str,
    data: bytes,
    *,
    mode: int = 0o600,
    owner: tuple[int, int] | None = None,
    durable: bool,
) -> None:
    """Make ``name`` in ``folder`` a regular file holding ``data``, atomically.

    The bytes go to a new temporary file in the same folder (so the rename
    cannot cross file systems), which gets ``mode`` and, where the process may
    set it, ``owner`` (uid, gid), and is then renamed over ``name``. On any
    error the temporary file is removed and ``name`` is untouched.

    ``durable`` flushes the file to disk before the rename, so that even a
    power cut leaves the name holding the old bytes or the new ones, never
    a file whose data was not written yet: wanted for a user's file, not for
    a cache that checks what it reads. The folder is not flushed after the
    rename: that would only make the new name survive a power cut (the old
    file is as good), at about 4 ms a file (1,000 fixes: 11-13 s instead of
    6.6-8.7 s on an ext4 virtual disk).
    """
    temporary = f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o600, dir_fd=folder)
    try:
        try:
            if owner is not None:
                _keep_owner(descriptor, owner)
            os.fchmod(descriptor, mode)  # after chown, which may clear set-id bits
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            if durable:
                os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise


def _keep_owner(descriptor: int, owner: tuple[int, int]) -> None:
    """Give the new file the old one's owner and group, as far as allowed
    (only root may give a file away; a member of a group may give it that group)."""
    uid, gid = owner
    current = os.fstat(descriptor)
    if (current.st_uid, current.st_gid) == (uid, gid):
        return
    try:
        os.fchown(descriptor, uid, gid)
    except PermissionError:
        with suppress(PermissionError):
            os.fchown(descriptor, -1, gid)
