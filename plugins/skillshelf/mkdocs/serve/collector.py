"""The collector pause: Python's cyclic garbage collector kept out of the way of
``mkdocs serve`` rebuilds.

A rebuild of a large site keeps a great many container objects alive until it
ends, which the collector walks again and again without being able to free
them. Two measures, both through the :mod:`gc` module's public functions:
:func:`freeze_what_startup_made` once serving starts, and
:class:`CollectorPause` around each rebuild.
"""

from __future__ import annotations

import gc
import threading


class CollectorPause:
    """The cyclic garbage collector held back during each serve rebuild, and run
    in full once serving is idle.

    A rebuild of a 1,000-skill site keeps ~150,000 container objects alive until
    it ends (pages, files, the nav, tables of contents) and the previous one's
    are garbage only in cycles (a file and its page point at each other). The
    collector's thresholds make it run two full collections and ~250 younger
    ones per rebuild, each walking the objects of the rebuild, which it cannot
    free: ~0.45 s of a 1.9 s rebuild. Instead, :meth:`pause` sets thresholds
    under which a rebuild only sees a young collection every
    :data:`YOUNG_THRESHOLD` new objects (what dies young, such as a page's
    Markdown converter, is still freed: a rebuild of every page does not grow
    the process by its garbage) and :meth:`finish` schedules one full
    collection ``delay`` seconds after the rebuild ended (the browser has asked
    for the reloaded page by then; the next save is usually seconds away), after
    which the thresholds are as they were. A rebuild that starts before then
    collects first, so at most one rebuild's garbage waits.

    Not used when something else turned the collector off.
    """

    #: New container objects between two young collections while a rebuild runs.
    YOUNG_THRESHOLD = 100_000
    #: Young collections before an older one: never, until the rebuild ended.
    NEVER = 1_000_000_000

    def __init__(self, delay: float = 0.25) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        #: The collector's thresholds before :meth:`pause` (None: not held back).
        self.saved: tuple[int, int, int] | None = None
        #: Whether a rebuild ended and its collection has not run yet.
        self.pending = False
        self.timer: threading.Timer | None = None

    def pause(self) -> None:
        """A rebuild starts: only young collections until it ended."""
        with self.lock:
            self._cancel_timer()
            if self.pending:  # the last rebuild's garbage, before this one's starts
                self._collect()
            elif self.saved is None and gc.isenabled():
                self.saved = gc.get_threshold()
                gc.set_threshold(self.YOUNG_THRESHOLD, self.NEVER, self.NEVER)

    def finish(self) -> None:
        """A rebuild ended (or failed): collect once serving is idle."""
        with self.lock:
            if self.saved is None or self.pending:
                return
            self.pending = True
            self._cancel_timer()
            self.timer = threading.Timer(self.delay, self._collect_and_resume)
            self.timer.daemon = True
            self.timer.start()

    def stop(self) -> None:
        """Serving stops: the collector is as it was."""
        with self.lock:
            self._cancel_timer()
            self._resume()
            self.pending = False

    def _collect_and_resume(self) -> None:
        with self.lock:
            if self.pending:
                self._collect()
                self._resume()

    def _resume(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)
            self.saved = None

    def _collect(self) -> None:
        gc.collect()
        self.pending = False

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def freeze_what_startup_made() -> bool:
    """Once per process, when ``mkdocs serve`` starts serving: collect garbage, then
    move every object that is left (modules, the theme, the caches filled by the
    first build) out of the garbage collector's sight (:func:`gc.freeze`).

    Each rebuild keeps ~100,000 objects alive until it ends (pages, files, the
    nav, tables of contents), so the collector runs two or three full collections
    per rebuild, and each one walked every object of the process: 0.6 s of a
    2.7 s rebuild at 1,000 skills. Frozen objects are not walked; they are still
    freed when nothing refers to them. Only what was alive at this moment and later
    becomes garbage inside a reference cycle stays in memory: a one-time amount,
    since rebuilds are collected as before. Not done when something else froze
    objects already or the collector is off.
    """
    if gc.get_freeze_count() or not gc.isenabled():
        return False
    gc.collect()
    gc.freeze()
    return True
