"""Reading a cold tree on every core.

A lint that finds its scan cache empty (the first run, ``--no-cache``, CI on
a fresh clone, an upgrade that invalidated the cache) spends nearly all its
time on work that concerns one document at a time: reading it (decoding,
YAML) and analysing it (links, TRL snippets, the schema check...). Both are
pure functions of the document's bytes and its analysis inputs, so worker
processes do them for the top-level folders of the tree and hand back scan
cache entries. The main process then walks the tree as usual: every document
is a cache hit, checked against the file's stamp like any other, so a file
that changed in the meantime is simply read again. Nothing found by a
worker is reported from the worker; the rules run once, in the main process.

Workers are started with ``spawn``, never ``fork``: the MkDocs plugin lints
inside a threaded server, and forking a threaded process can deadlock. A
failure of any kind in the pool only means the main process reads the
documents itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from skillshelf.analysis import Analyses
from skillshelf.cache import ScanCache
from skillshelf.config import LintConfig
from skillshelf.model import SKILL_FILE, Category, TreeWalker

#: Folders within two levels of the root below which the tree is read in one
#: process: starting workers (about 0.3 s) costs more than a small tree saves.
#: On the benchmark trees (2 cores): 100 skills (11 such folders) 0.28 s alone,
#: 0.44 s with workers; 1,000 skills (102) 1.0 s -> 0.87 s; 10,000 (1,023)
#: 8.4 s -> 6.4 s.
MIN_FOLDERS = 64


def read_ahead(
    config: LintConfig, cache: ScanCache | None, jobs: int | None = None
) -> ScanCache | None:
    """Fill an empty scan cache in worker processes when the tree is big enough.

    Returns the cache to scan with: ``cache`` itself, filled; a new in-memory
    cache when ``cache`` is None (``--no-cache``); or ``cache`` unchanged when
    reading ahead is not worth it (a small tree, one core, a warm cache).
    """
    if (cache is not None and cache.previous) or not _main_can_be_spawned():
        return cache
    workers = min(jobs or _cores(), 8)
    root = Path(os.path.abspath(config.root))
    # Several roots: each is a top folder; the folder holding them is not walked.
    folders = list(config.roots) if config.roots else _top_folders(root)
    if workers < 2 or len(folders) < 2 or _folders_within_two_levels(root, folders) < MIN_FOLDERS:
        return cache
    # Imported here: the pre-commit hook, whose cache is warm, never needs them.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    target = cache if cache is not None else ScanCache.in_memory(root)
    tasks = [(str(root), name, config.style) for name in folders]
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(folders)), mp_context=get_context("spawn")
        ) as pool:
            for entries in pool.map(_read_folder, tasks):
                target.adopt(entries)
    except Exception:  # a broken pool: whatever arrived is still stamp-checked; read the rest here
        if os.environ.get("SKILLSHELF_DEBUG") == "1":
            raise
    return target


def _main_can_be_spawned() -> bool:
    """Whether a spawned worker can import this process's main module again.

    A worker re-imports it by module name (``python -m``) or by file path;
    a script read from stdin has the path ``<stdin>``, which a worker cannot
    open (it would print an error and die), so such a run reads in one process.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return True
    path = getattr(main, "__file__", None)
    return path is None or os.path.isfile(path)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _top_folders(root: Path) -> list[str]:
    """The root's folders the walk would enter, by name."""
    folders, _ = TreeWalker(root).entries(str(root))
    return [folder.name for folder in folders]


def _folders_within_two_levels(root: Path, top: list[str]) -> int:
    count = len(top)
    for name in top:
        try:
            with os.scandir(root / name) as entries:
                count += sum(1 for entry in entries if entry.is_dir(follow_symlinks=False))
        except OSError:
            continue
    return count


def _read_folder(task: tuple[str, str, str]) -> dict[str, tuple[Any, ...]]:
    """In a worker: read and analyse one top-level folder; the entries carry both."""
    root, name, style = task
    cache = ScanCache.in_memory(Path(root))
    walker = TreeWalker(Path(root), cache)
    folder = os.path.join(root, name)
    if os.path.lexists(os.path.join(folder, SKILL_FILE)):
        walker.skill(folder, name, Category(root, ""))
    else:
        walker.category(folder, name, None)
    analyses = Analyses(style, cache)
    for document in cache.documents():
        analyses.for_document(document)
    return cache.raw_entries()
