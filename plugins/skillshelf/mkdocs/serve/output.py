"""Keep the previous ``mkdocs serve`` rebuild's files so that MkDocs overwrites them.

MkDocs empties ``site_dir`` before every build and then writes every file
again. Overwriting a file is cheap; creating one (and the folder each page
gets with ``use_directory_urls``) costs a directory entry and a journal
write, which on a slow disk made writing a 1,000-skill site take seconds.

:class:`KeptOutput` lets each rebuild write over the previous one's files and
leaves ``site_dir`` exactly as a clean build would:

1. ``on_pre_build`` (last, right before MkDocs cleans): every file of the
   previous output is marked stale (its modification time set to
   :data:`STALE_MTIME_NS`, which no write leaves behind), then the top-level
   entries are moved into a hidden folder, which MkDocs' clean skips;
2. ``on_files`` (first event after the clean): they are moved back;
3. ``on_env`` (last, before MkDocs writes): when a file of this build would
   land where the old output has a folder, or a folder where it has a file,
   the stale files are removed now (what the clean would have done);
4. ``on_post_build`` (last, after search wrote its index): every file still
   marked stale was not written by this build and is deleted, with the folders
   that this leaves empty.

Between 3 and 4, MkDocs' ``write_file`` and ``copy_file`` are replaced by
versions that leave a kept file alone when it already holds the bytes they
would write (it is only marked as written); they are MkDocs' own again after
the build, also when it fails.

Only plugins known to write their files during the build, unconditionally, are
trusted with this (:data:`KNOWN_PLUGINS`); with any other plugin, a ``--dirty``
serve, anything unexpected in ``site_dir`` (a symlink), or an engine whose
cleaning and writing is not the one checked
(:func:`~skillshelf.mkdocs.serve.internals.mkdocs_writers`), nothing is kept and
MkDocs cleans as usual.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from skillshelf.mkdocs.serve import internals

log = logging.getLogger(__name__)

#: The hidden folder in ``site_dir`` that holds the previous output while MkDocs cleans.
STASH = ".skillshelf-previous-output"
#: The modification time (1 ns after the epoch) that marks a file as not yet rewritten.
STALE_MTIME_NS = 1
#: Plugins (module and class) that write into ``site_dir`` only during a build and
#: always, so that a file they did not write this time is stale.
KNOWN_PLUGINS = frozenset(
    {
        "skillshelf.mkdocs.plugin.SkillshelfPlugin",
        "mkdocs.contrib.search.SearchPlugin",
        "material.plugins.search.plugin.SearchPlugin",
        "material.plugins.tags.plugin.TagsPlugin",
    }
)


def build_outputs(config: MkDocsConfig, files: Files) -> Iterator[str]:
    """What the build will write into site_dir, relative to it: every file (drafts
    too, which serve writes), the theme's and the extra templates, search's index."""
    for file in files:
        yield file.dest_uri
    for name in [*config.theme.static_templates, *config.extra_templates]:
        yield name
        yield f"{name}.gz"
    yield "search/search_index.json"


def plugin_names(plugins: Iterable[object]) -> list[str]:
    return [f"{type(plugin).__module__}.{type(plugin).__qualname__}" for plugin in plugins]


@dataclass
class KeptOutput:
    """The previous rebuild's files, kept in ``site_dir`` (see the module docstring)."""

    site_dir: str = ""
    #: Relative paths (``/``-separated) of the previous output's files and folders.
    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    #: Whether the previous output is in the stash (between pre_build and files).
    stashed: bool = False
    #: MkDocs' writers while :meth:`skip_unchanged` has replaced them.
    replaced: internals.Writers | None = None
    kept: int = 0
    unchanged: int = 0
    removed: int = 0

    def reset(self) -> None:
        self._restore_writers()
        self.files = set()
        self.folders = set()
        self.stashed = False
        self.kept = self.unchanged = self.removed = 0

    # -- 1. before MkDocs cleans --------------------------------------------------------

    def stash(self, site_dir: str, plugins: Iterable[object]) -> None:
        """Mark the previous output stale and hide it from MkDocs' clean."""
        self.reset()
        site_dir = os.path.normpath(os.path.abspath(site_dir))
        self.site_dir = site_dir
        stash = os.path.join(site_dir, STASH)
        if os.path.lexists(stash):  # left by a build that failed before on_files
            shutil.rmtree(stash, ignore_errors=True)
        unknown = [name for name in plugin_names(plugins) if name not in KNOWN_PLUGINS]
        if unknown or internals.mkdocs_writers() is None or not os.path.isdir(site_dir):
            if unknown:
                log.debug(f"skillshelf: site_dir is cleaned as usual because of {unknown}")
            return
        tops = [entry for entry in os.scandir(site_dir) if not entry.name.startswith(".")]
        files: set[str] = set()
        folders: set[str] = set()
        if not all(self._inventory(entry, entry.name, files, folders) for entry in tops):
            return  # something no MkDocs build writes: let MkDocs clean it
        for path in files:
            os.utime(
                os.path.join(site_dir, path),
                ns=(STALE_MTIME_NS, STALE_MTIME_NS),
                follow_symlinks=False,
            )
        os.mkdir(stash)
        for entry in tops:
            os.rename(entry.path, os.path.join(stash, entry.name))
        self.files, self.folders, self.stashed = files, folders, True

    def _inventory(
        self, entry: os.DirEntry[str], path: str, files: set[str], folders: set[str]
    ) -> bool:
        if entry.is_symlink():
            return False
        if entry.is_dir(follow_symlinks=False):
            folders.add(path)
            with os.scandir(entry.path) as children:
                return all(
                    self._inventory(child, f"{path}/{child.name}", files, folders)
                    for child in children
                )
        if entry.is_file(follow_symlinks=False):
            files.add(path)
            return True
        return False  # a socket, a device...

    # -- 2. after MkDocs cleaned ------------------------------------------------------------

    def restore(self) -> None:
        """Put the previous output back where MkDocs will overwrite it."""
        if not self.stashed:
            return
        self.stashed = False
        stash = os.path.join(self.site_dir, STASH)
        for entry in os.scandir(stash):
            target = os.path.join(self.site_dir, entry.name)
            if not os.path.lexists(target):
                os.rename(entry.path, target)
            elif entry.is_dir(follow_symlinks=False):  # written since the clean: that one wins
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        os.rmdir(stash)

    # -- 3. before MkDocs writes -----------------------------------------------------------

    def check(self, outputs: Iterable[str]) -> None:
        """Remove the stale files now when one of them is in the way of an output
        (``outputs``: ``/``-separated paths relative to ``site_dir``)."""
        if not self.files:
            return
        for output in outputs:
            parts = output.split("/")
            ancestors = ("/".join(parts[:end]) for end in range(1, len(parts)))
            if output in self.folders or any(folder in self.files for folder in ancestors):
                log.debug(f"skillshelf: {output} replaces old output of another kind")
                self.sweep()
                return

    # -- while MkDocs writes --------------------------------------------------------------

    def skip_unchanged(self) -> None:
        """Until :meth:`sweep`, let MkDocs' ``write_file`` and ``copy_file`` leave a
        kept file alone when it already holds the bytes they would write (it is
        then only marked as written). Anything else goes to MkDocs' own."""
        writers = internals.mkdocs_writers()
        if not self.files or self.replaced is not None or writers is None:
            return

        def write_unless_unchanged(content: bytes, output_path: str) -> None:
            if not self._holds(output_path, content, None):
                writers.write_file(content, output_path)

        def copy_unless_unchanged(source_path: str, output_path: str) -> None:
            if not self._holds(output_path, None, source_path):
                writers.copy_file(source_path, output_path)

        self.replaced = writers
        internals.install_writers(internals.Writers(write_unless_unchanged, copy_unless_unchanged))

    def _holds(self, output_path: str, content: bytes | None, source_path: str | None) -> bool:
        """Whether ``output_path`` is a kept file, not yet written by this build, that
        holds ``content`` (or the bytes of ``source_path``); if so it is marked as
        written now."""
        prefix = self.site_dir + os.sep
        output_path = os.path.normpath(output_path)
        if not output_path.startswith(prefix):
            return False
        if output_path[len(prefix) :].replace(os.sep, "/") not in self.files:
            return False
        try:
            kept = os.lstat(output_path)
            if kept.st_mtime_ns != STALE_MTIME_NS or not stat.S_ISREG(kept.st_mode):
                return False
            if source_path is not None:
                source = os.stat(source_path)
                if not stat.S_ISREG(source.st_mode) or source.st_size != kept.st_size:
                    return False
                with open(source_path, "rb") as handle:
                    content = handle.read()
            if content is None or len(content) != kept.st_size:
                return False
            with open(output_path, "rb") as handle:
                if handle.read() != content:
                    return False
            os.utime(output_path, follow_symlinks=False)
        except OSError:
            return False
        self.unchanged += 1
        return True

    def _restore_writers(self) -> None:
        if self.replaced is not None:
            internals.install_writers(self.replaced)
            self.replaced = None

    # -- 4. after the build ----------------------------------------------------------------

    def sweep(self) -> None:
        """Delete the previous files that this build did not write, and the folders
        left empty; MkDocs' writers are its own again."""
        self._restore_writers()
        emptied: set[str] = set()
        for path in self.files:
            full = os.path.join(self.site_dir, path)
            try:
                stat = os.lstat(full)
            except FileNotFoundError:
                continue
            if stat.st_mtime_ns == STALE_MTIME_NS:
                os.unlink(full)
                self.removed += 1
                emptied.add(os.path.dirname(path))
            else:
                self.kept += 1
        # deepest first, so a folder whose only content was a folder goes too
        for folder in sorted(_with_ancestors(emptied), key=lambda p: -p.count("/")):
            with contextlib.suppress(OSError):  # not empty: something of this build is in it
                os.rmdir(os.path.join(self.site_dir, folder))
        self.files = set()
        self.folders = set()


def _with_ancestors(folders: set[str]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        while folder and folder not in found:
            found.add(folder)
            folder = os.path.dirname(folder)
    return found
