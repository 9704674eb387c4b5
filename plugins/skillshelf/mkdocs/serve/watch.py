"""The watcher: the skills tree watched for ``mkdocs serve`` with the kernel's
change notifications.

MkDocs watches every path with watchdog's polling observer: every half second
it lists every folder and stats every file below the path. For a 1,000-skill
tree that is ~0.1 s of CPU per poll (0.15-0.2 s per second, idle or not), in
a thread of the serving process, so while a rebuild runs the polls take the
interpreter lock from it; and an edit is only seen at the next poll.

On Linux, :func:`watch_natively` watches the tree with inotify instead
(watchdog's inotify observer, which MkDocs already depends on) and asks the
server for a rebuild the way MkDocs' own watcher does. It reacts to every
event that can change what the tree holds (a file written, created, deleted
or moved; a folder created, deleted or moved, including a folder moved out of
the tree, which polling would report as its files deleted), never to a file
being opened or read. Anywhere it cannot be used (another system, a tree on a
file system whose changes may not reach inotify, a server without the
internals it relies on, inotify refusing the watches), the caller falls back
to MkDocs' ``server.watch``.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver

from skillshelf.mkdocs.serve import internals

log = logging.getLogger(__name__)

#: File systems on which every change, whoever makes it, reaches inotify: local
#: disks and memory. On network and FUSE file systems (NFS, SMB, 9p, WSL's drvfs,
#: Docker Desktop's shares) a change made elsewhere may come without an event:
#: MkDocs' polling sees it.
LOCAL_FILESYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "bcachefs"}
)

#: Every event that can mean the tree changed. Opening, reading and closing a file
#: unwritten are left out (inotify is not even asked for them): the build does those.
CHANGES: list[type[FileSystemEvent]] = [
    FileModifiedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirModifiedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


class _Trigger(FileSystemEventHandler):
    """What MkDocs' own watch callback does: ask the server's build loop for a rebuild.
    Unlike it, folder events count too: a folder moved out of the tree is one event."""

    def __init__(self, rebuild: Callable[[], None]) -> None:
        self.rebuild = rebuild

    def on_any_event(self, event: FileSystemEvent) -> None:
        if type(event) not in CHANGES:
            return
        log.debug(f"skillshelf: {event}")
        self.rebuild()


def filesystem_type(path: str, mounts: str | None = None) -> str | None:
    """The type of the file system holding ``path`` (an absolute, resolved path),
    from ``/proc/self/mounts`` (or ``mounts``, its text); None when unknown."""
    if mounts is None:
        try:
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as handle:
                mounts = handle.read()
        except OSError:
            return None
    found: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # the kernel writes a space in a mount point as \040 (a tab, newline, backslash alike)
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        # the last of equally long matches is the mount on top
        if inside and (found is None or len(point) >= found[0]):
            found = (len(point), fields[2])
    return found[1] if found is not None else None


def watch_natively(server: object, path: str, *more: str) -> BaseObserver | None:
    """Start watching ``path`` (a folder, recursively; and each of ``more``, the
    other roots of a several-roots library) with inotify, rebuilding through
    ``server`` on any change; the running observer (stop it with :func:`stop`),
    or None when this is not possible here."""
    rebuild = internals.rebuild_trigger(server)
    paths = (path, *more)
    if (
        not sys.platform.startswith("linux")
        or rebuild is None
        or not all(os.path.isdir(p) for p in paths)
        or any(filesystem_type(os.path.realpath(p)) not in LOCAL_FILESYSTEMS for p in paths)
    ):
        return None
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:
        return None
    observer: BaseObserver | None = None
    try:
        observer = InotifyObserver()
        # inotify does not follow a symlinked root: watch the folder it leads to
        for folder in paths:
            observer.schedule(
                _Trigger(rebuild),
                os.path.realpath(folder),
                recursive=True,
                event_filter=CHANGES,
            )
        observer.daemon = True
        observer.start()  # adds the watches of the whole tree now, in this thread
    except Exception as error:  # no inotify, too many watches, an unexpected watchdog
        log.debug(f"skillshelf: inotify cannot watch {path} ({error}); polling instead")
        if observer is not None:
            stop(observer)
        return None
    return observer


def stop(observer: BaseObserver) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=5)
    except Exception as error:  # shutting down: nothing is left to fall back to
        log.debug(f"skillshelf: stopping the inotify watcher: {error}")
