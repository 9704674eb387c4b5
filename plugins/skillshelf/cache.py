"""The scan cache: what reading and analysing each Markdown file produced, kept
between runs.

Reading a document (decoding it, splitting off and loading its frontmatter)
and analysing it (:func:`skillshelf.analysis.analyse`: its links, schema
verdicts, snippet issues...) are pure functions of the file's content and the
analysis inputs. The cache keeps both values per file, beside the flow: the
walk asks it for documents (:meth:`ScanCache.read`), the run's analyses
ask it for analyses made earlier (:meth:`ScanCache.recall`) and hand it the
new ones (:meth:`ScanCache.keep`). A lint of an unchanged tree re-reads
nothing: ``skillshelf lint`` on 10,000 skills, or the pre-commit hook on a
one-file change, only reads and analyses the files that changed.

Never stale:

* an entry is used only when the file's path, size, ``mtime_ns``, ``ctime_ns``
  and inode all match (``ctime`` cannot be set by tools that copy or extract
  files with their old times, and any rename, copy or rewrite changes one of
  them); a moved or deleted file has no entry under its new path;
* a file modified within :data:`RACY_SECONDS` of the moment the cache was
  written could change again without its mtime moving on a coarse clock, so
  its entry also holds a digest of its bytes, and is used only when the bytes
  still match (git's "racily clean" rule);
* an analysis is used only for the inputs it was made with (the schema, the
  trl release, the tags namespace);
* the cache file records the cache format, the code that produced it and the
  schemas it validated against; if any differs, the whole file is ignored;
* a missing, truncated or corrupt cache file is ignored and rewritten; a
  folder that cannot be written just means no cache.

It lives outside the project, so that linting never writes into the
repository (only ``--fix`` does), in skillshelf's own folder ``skillshelf/``
of ``$SKILLSHELF_CACHE_DIR``, else of ``$XDG_CACHE_HOME``, else of
``~/.cache``, which :mod:`skillshelf.cache_folder` vets, tags and prunes (a
folder of another user, or one others can write, means no cache). There is
one folder per skills root (named by a hash of its absolute path); folders of
roots not linted for a month are removed. A root's entries
are spread over :data:`SHARDS` files by a hash of their paths, and a run
rewrites only the files holding an entry that changed: the pre-commit hook
after a one-file edit writes one small file, not the cache of the whole tree.
Each file is replaced atomically, never through a symlink, and checked on its
own, so files written by different runs mix safely (every entry is still
checked against its file).
``skillshelf lint --no-cache`` neither reads nor writes it. Loading uses a
restricted unpickler that can only build the types the cache stores, so a
planted cache file cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshelf import cache_folder
from skillshelf.analysis import Analysis, AnalysisInputs, Recalled
from skillshelf.frontmatter import Frontmatter
from skillshelf.model import Document, Kind, gc_paused, read_document
from skillshelf.safe_files import read_file, replace_file
from skillshelf.schemas import schemas_dir

#: Bump whenever what an entry holds, or how it is computed, changes.
CACHE_VERSION = 10
#: Files modified this close to the cache write are also checked by content.
RACY_SECONDS = 3.0
#: How many files a root's cache is split into (see the module's docstring).
SHARDS = 32

#: Modules whose code decides what a cache entry holds: reading, and every
#: module below the analysis (tests/core/test_cache.py checks the list against
#: the imports, so a new one cannot be forgotten).
_CODE = (
    "analysis.py",
    "cache.py",
    "diagnostics.py",  # how the reading stage words the values it quotes
    "directives.py",
    "fixes.py",  # whether misplaced tags can be moved
    "frontmatter.py",
    "html_safety.py",
    "links.py",
    "liquid.py",
    "markdown.py",
    "model.py",
    "quotes.py",
    "safe_files.py",
    "schemas.py",
    "suggest.py",
    "titles.py",  # the model's titles (not cached, but the model imports it)
    "trl/bindings.py",
    "trl/blocks.py",
    "trl/history.py",
    "trl/recover.py",
    "trl/renames.py",
    "trl/signatures.py",
    "trl/snippets.py",
    "trl/spans.py",
    "trl/typecheck.py",
    "trl/versions.py",
)

_ALLOWED_GLOBALS = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("skillshelf.diagnostics", "Position"),
    ("skillshelf.diagnostics", "Issue"),
    ("skillshelf.links", "Link"),
    ("skillshelf.directives", "Suppression"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the scan cache")


@dataclass
class Entry:
    """One document as read: everything :class:`skillshelf.model.Document` holds
    apart from where it sits in the tree, and apart from its text, which is
    read from the file only if something asks for it (the linter does not);
    and its analysis, when one was made."""

    stamp: tuple[int, int, int, int]
    expect_frontmatter: bool
    #: False when the file could not be read or decoded.
    has_text: bool
    #: None when the body is the text after line ``body_line - 1`` (the usual case).
    body: str | None
    body_line: int
    frontmatter: tuple[str, int, Any] | None
    issues: tuple[Any, ...]
    #: The fields of its :class:`~skillshelf.analysis.Analysis` (see :func:`_raw_analysis`).
    analysis: tuple[Any, ...] | None = None
    #: Digest of the raw bytes, kept only for files modified just before the write.
    digest: bytes | None = None


def _entry(fields: Any) -> Entry | None:
    """An Entry from the raw fields the cache file holds; None when they do not fit."""
    if not isinstance(fields, tuple):
        return None
    try:
        return Entry(*fields)
    except TypeError:
        return None


def _raw(entry: Entry) -> tuple[Any, ...]:
    """The plain fields of an Entry, in the order the cache file keeps them."""
    return (
        entry.stamp,
        entry.expect_frontmatter,
        entry.has_text,
        entry.body,
        entry.body_line,
        entry.frontmatter,
        entry.issues,
        entry.analysis,
        entry.digest,
    )


def _raw_analysis(analysis: Analysis) -> tuple[Any, ...]:
    """An analysis as plain tuples, which load several times faster than objects."""
    inputs = analysis.inputs
    return (
        (inputs.schema, inputs.trl_target, inputs.tags_namespace),
        analysis.links,
        analysis.schema_issues,
        analysis.tags_movable,
        analysis.tags_position,
        analysis.text_issues,
        analysis.site_links,
        analysis.suppressions,
    )


def _analysis(fields: Any) -> Analysis | None:
    """The analysis an entry holds; None when there is none or it does not fit."""
    if fields is None:
        return None
    try:
        inputs, *rest = fields
        return Analysis(AnalysisInputs(*inputs), *rest)
    except (TypeError, ValueError):
        return None


@dataclass
class _Seen:
    """A document this run read, and what the cache knows of it."""

    document: Document
    stamp: tuple[int, int, int, int]
    #: The entry it came from, when the file is unchanged since.
    entry: Entry | None
    #: The outdated entry of a file read again whose frontmatter is the same
    #: text: its analysis's frontmatter verdicts still hold.
    same_frontmatter: Entry | None = None
    #: A new analysis this run made of it.
    analysis: Analysis | None = None

    @property
    def learnt(self) -> bool:
        """Whether its entry must be written again."""
        return self.entry is None or self.analysis is not None


def shard_of(relpath: str) -> int:
    """Which of a root's cache files holds the entry of ``relpath``."""
    return zlib.crc32(relpath.encode("utf-8", "surrogateescape")) % SHARDS


def stamp_of(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _environment() -> str:
    """What, besides a file's bytes, decides an entry: the code and the schemas."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CACHE_VERSION}\0{sys.version_info[:2]}\0".encode())
    here = Path(__file__).parent
    for name in _CODE:
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    try:
        schemas = sorted(schemas_dir().glob("*.json"))  # the TRL signatures too
    except OSError:
        schemas = []
    for path in schemas:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for distribution in ("ruamel.yaml", "jsonschema"):
        digest.update(f"{distribution}={_version(distribution)}\0".encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    """The installed version, from the dist-info folder name (no metadata parsing)."""
    prefix = distribution.replace("-", "_").replace(".", "_").lower() + "-"
    for entry in sys.path:
        try:
            names = [child.name for child in Path(entry or ".").iterdir()]
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.replace(".", "_").lower().startswith(prefix):
                return name[len(prefix) : -len(".dist-info")]
    return "unknown"


class ScanCache:
    """The cache of one skills root, loaded once per run and saved at its end."""

    def __init__(self, folder: Path | None, root: Path, environment: str) -> None:
        #: Where the cache files are kept; None for a cache that lives only in memory.
        self.folder = folder
        self.root = root
        self.environment = environment
        #: What the last run stored: rel path -> the raw fields of an Entry.
        self.previous: dict[str, Any] = {}
        #: What this run saw, by rel path.
        self._read: dict[str, _Seen] = {}
        self.hits = 0
        self.misses = 0
        #: Shards whose file lacks entries ``previous`` holds (adopted from
        #: workers, or carried over in memory by :meth:`next_run`).
        self._behind: set[int] = set()
        #: Texts of the previous run's documents, kept by :meth:`next_run`.
        self._texts: dict[str, str] = {}

    @classmethod
    def open(cls, root: Path, directory: Path | None = None) -> ScanCache:
        """The cache of ``root`` in the cache home ``directory`` (default:
        :func:`skillshelf.cache_folder.cache_home`); in memory only when
        skillshelf's folder there must not be used."""
        own = cache_folder.own_folder(directory)
        if cache_folder.refusal(own) is not None:
            return cls.in_memory(root)
        root_key = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
        folder = own / f"scan-{root_key}"
        cache = cls(folder, root, _environment())
        cache.previous = cache._load()
        return cache

    @classmethod
    def in_memory(cls, root: Path) -> ScanCache:
        """A cache that is never read from nor written to disk (``--no-cache``,
        and the worker processes of :mod:`skillshelf.readahead`)."""
        return cls(None, root, "")

    def adopt(self, entries: dict[str, tuple[Any, ...]]) -> None:
        """Take entries computed elsewhere (by :mod:`skillshelf.readahead`'s workers).

        They are used like loaded ones, each only if its file's stamp still
        matches, and written out by :meth:`save`.
        """
        self.previous.update(entries)
        self._behind.update(shard_of(key) for key in entries)

    def documents(self) -> list[Document]:
        """Every document this run has seen so far."""
        return [seen.document for seen in self._read.values()]

    def raw_entries(self) -> dict[str, tuple[Any, ...]]:
        """What this run learnt, in the form the cache file holds."""
        return {key: _raw(entry) for key, entry in self._entries().items()}

    def _load(self) -> dict[str, Any]:
        if self.folder is None:
            return {}
        entries: dict[str, Any] = {}
        opened = cache_folder.root_folder(self.folder.parent, self.folder.name, create=False)
        try:
            with opened as (_, folder), gc_paused():
                for shard in range(SHARDS):
                    entries.update(self._load_shard(folder, shard))
        except OSError:  # no cache yet, or one that must not be used: every file is read
            return {}
        # Entries stay raw tuples until a file asks for its own: building all of
        # them up front costs more than a warm scan of a big tree saves elsewhere.
        return entries

    def _load_shard(self, folder: int, shard: int) -> dict[str, Any]:
        try:
            with io.BytesIO(read_file(f"{shard:02d}.pickle", at=folder)[0]) as handle:
                header = _Unpickler(handle).load()
                if header != (CACHE_VERSION, self.environment, str(self.root), shard):
                    return {}
                entries = _Unpickler(handle).load()
        except Exception:  # missing, truncated, corrupt or from elsewhere: its files are read
            return {}
        if not isinstance(entries, dict):
            return {}
        return entries

    # ---- during the scan -------------------------------------------------
    def read(self, abspath: str, relpath: str, kind: Kind, stat: os.stat_result) -> Document:
        """The document at ``abspath``: from the cache when it did not change, else
        read (see :class:`skillshelf.model.DocumentReader`)."""
        stamp = stamp_of(stat)
        entry = _entry(self.previous.get(relpath))
        if (
            entry is not None
            and entry.stamp == stamp
            and entry.expect_frontmatter == kind.expects_frontmatter
            and (entry.digest is None or entry.digest == _digest_of(abspath))
        ):
            self.hits += 1
            document = _document_from(entry, abspath, relpath, kind)
            document.loaded_text = self._texts.get(relpath)
            self._read[relpath] = _Seen(document, stamp, entry)
            return document
        self.misses += 1
        known = _clean_frontmatter(entry, kind)
        document = read_document(abspath, relpath, kind, stat.st_size, known)
        # Same frontmatter text as before: its verdicts stand.
        same = entry if known is not None and document.frontmatter is known else None
        self._read[relpath] = _Seen(document, stamp, None, same)
        return document

    # ---- during the rules ------------------------------------------------
    def recall(self, document: Document) -> Recalled | None:
        """The analysis kept for ``document``, when this cache read it (see
        :class:`skillshelf.analysis.AnalysisStore`)."""
        seen = self._read.get(document.relpath)
        if seen is None or seen.document is not document:
            return None
        if seen.entry is not None:
            analysis = _analysis(seen.entry.analysis)
            return Recalled(analysis, unchanged=True) if analysis is not None else None
        if seen.same_frontmatter is not None:
            analysis = _analysis(seen.same_frontmatter.analysis)
            return Recalled(analysis, unchanged=False) if analysis is not None else None
        return None

    def keep(self, document: Document, analysis: Analysis) -> None:
        """Keep a new analysis of a document this cache read, for the next run."""
        seen = self._read.get(document.relpath)
        if seen is not None and seen.document is document:
            seen.analysis = analysis

    # ---- after the rules -------------------------------------------------
    def save(self) -> bool:
        """Write what this run read (and learnt) for the next one, rewriting only
        the shards that changed; False when nothing changed or the cache folder
        cannot be written."""
        shards = self._changed_shards()
        if self.folder is None or not shards:
            return False
        return self._write(self._entries(shards), shards)

    def next_run(self) -> None:
        """Make what this run read and learnt what the next scan of the same root
        may reuse, without the disk: for a long-running process (``mkdocs serve``).

        Unlike the file, the texts of unchanged documents are kept too, so
        that the site does not read every page again after each edit; a text
        is reused only for an entry whose stamp alone vouches for it (not for
        files modified just before, which are checked by digest).
        """
        self._behind |= self._changed_shards()
        entries = self._entries()
        self._texts = {
            key: seen.document.loaded_text
            for key, seen in self._read.items()
            if seen.document.loaded_text is not None and entries[key].digest is None
        }
        self.previous = {key: _raw(entry) for key, entry in entries.items()}
        self._read = {}
        self.hits = self.misses = 0

    def _changed_shards(self) -> set[int]:
        """The shards whose file may lack something this run read or learnt:
        a file read afresh (a miss), one analysed anew, a file gone since, and
        shards already behind."""
        shards = set(self._behind)
        for key, seen in self._read.items():
            if seen.learnt:
                shards.add(shard_of(key))
        shards.update(shard_of(key) for key in self.previous.keys() - self._read.keys())
        return shards

    def _entries(self, shards: set[int] | None = None) -> dict[str, Entry]:
        """An entry for every document of this run (in ``shards``, if given);
        files modified just before now also get a digest of their bytes (see
        RACY_SECONDS)."""
        entries = {
            # An entry nothing new was learnt about is kept as it was.
            key: _entry_of(seen) if seen.learnt or seen.entry is None else seen.entry
            for key, seen in self._read.items()
            if shards is None or shard_of(key) in shards
        }
        now = time.time_ns()
        racy = int(RACY_SECONDS * 1e9)
        for key, entry in entries.items():
            if entry.digest is None and now - entry.stamp[1] < racy:
                entry.digest = _digest_of(self._read[key].document.abspath)
        return entries

    def _write(self, entries: dict[str, Entry], shards: set[int]) -> bool:
        if self.folder is None:
            return False
        by_shard: dict[int, dict[str, tuple[Any, ...]]] = {shard: {} for shard in shards}
        for key, entry in entries.items():
            by_shard[shard_of(key)][key] = _raw(entry)
        opened = cache_folder.root_folder(self.folder.parent, self.folder.name, create=True)
        try:
            with opened as (own, folder):
                for shard, shard_entries in sorted(by_shard.items()):
                    self._write_shard(folder, shard, shard_entries)
                    self._behind.discard(shard)
                cache_folder.prune(own, keep=self.folder.name)
        except (OSError, pickle.PicklingError, RecursionError, TypeError):
            return False
        return True

    def _write_shard(self, folder: int, shard: int, entries: dict[str, tuple[Any, ...]]) -> None:
        """Replace one shard's file atomically (an empty shard is written too,
        so that the entries of deleted files do not come back). Not flushed to
        disk: a shard a crash cuts short fails to load and its files are read."""
        buffer = io.BytesIO()
        header = (CACHE_VERSION, self.environment, str(self.root), shard)
        pickle.dump(header, buffer, protocol=5)
        pickle.dump(entries, buffer, protocol=5)
        replace_file(folder, f"{shard:02d}.pickle", buffer.getvalue(), durable=False)


def _digest_of(path: str) -> bytes:
    try:
        # Never a plain open(): the file may have become a FIFO since it was read.
        return hashlib.blake2b(read_file(path, follow=True)[0], digest_size=16).digest()
    except OSError:
        return b"unreadable"


def _document_from(entry: Entry, abspath: str, relpath: str, kind: Kind) -> Document:
    frontmatter = None
    if entry.frontmatter is not None:
        source, first_line, data = entry.frontmatter
        frontmatter = Frontmatter(source, first_line, data)
    return Document(
        abspath,
        relpath,
        kind,
        entry.stamp[0],
        frontmatter,
        entry.body_line,
        tuple(entry.issues),
        has_text=entry.has_text,
        body_override=entry.body,
    )


def _clean_frontmatter(entry: Entry | None, kind: Kind) -> Frontmatter | None:
    """The frontmatter an outdated entry held, if it loaded without any issue."""
    if (
        entry is None
        or entry.frontmatter is None
        or entry.issues
        or entry.expect_frontmatter != kind.expects_frontmatter
    ):
        return None
    source, first_line, data = entry.frontmatter
    return Frontmatter(source, first_line, data)


def _entry_of(seen: _Seen) -> Entry:
    """What the cache keeps of a document read or analysed anew."""
    document, old = seen.document, seen.entry
    frontmatter = document.frontmatter
    analysis = (
        _raw_analysis(seen.analysis)
        if seen.analysis is not None
        else old.analysis
        if old is not None
        else None
    )
    return Entry(
        seen.stamp,
        document.kind.expects_frontmatter,
        document.has_text,
        document.body_override,
        document.body_line,
        (frontmatter.source, frontmatter.first_line, frontmatter.data) if frontmatter else None,
        tuple(document.issues),
        analysis,
        old.digest if old is not None else None,
    )
