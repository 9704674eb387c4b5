"""Released wheels: fetching them and reading their Python sources without importing them.

A wheel is a zip file; :class:`Sources` indexes the ``.py`` members of one or
more wheels by dotted module name and parses each with :mod:`ast` on demand.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


class ExtractError(Exception):
    """A wheel is missing, unreadable or does not look like what we expect."""


@dataclass
class Sources:
    """The Python sources of one or more wheels, by dotted module name, read lazily."""

    members: dict[str, tuple[zipfile.ZipFile, str]] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    metadata: dict[str, str] = field(default_factory=dict)
    _trees: dict[str, ast.Module | None] = field(default_factory=dict)

    @classmethod
    def from_wheels(cls, wheels: Iterable[Path], base: Sources | None = None) -> Sources:
        """Index ``wheels``; modules of ``base`` (already parsed) are shared, not re-read."""
        self = cls()
        if base is not None:
            self.members.update(base.members)
            self.packages |= base.packages
            self.metadata.update(base.metadata)
            self._trees.update(base._trees)
        for wheel in wheels:
            try:
                archive = zipfile.ZipFile(wheel)
                for name in sorted(archive.namelist()):
                    if name.endswith(".dist-info/METADATA"):
                        self.metadata[wheel.name] = archive.read(name).decode("utf-8", "replace")
                    if not name.endswith(".py") or ".dist-info/" in name:
                        continue
                    module = name[:-3].replace("/", ".")
                    if module.endswith(".__init__"):
                        module = module[: -len(".__init__")]
                        self.packages.add(module)
                    self.members[module] = (archive, name)
                    self._trees.pop(module, None)
            except (OSError, zipfile.BadZipFile) as exc:
                raise ExtractError(f"cannot read wheel {wheel}: {exc}") from exc
        return self

    def text(self, name: str) -> str | None:
        member = self.members.get(name)
        if member is None:
            return None
        archive, path = member
        return archive.read(path).decode("utf-8", "replace")

    def module(self, name: str) -> ast.Module | None:
        if name not in self._trees:
            text = self.text(name)
            try:
                self._trees[name] = None if text is None else ast.parse(text)
            except SyntaxError:
                self._trees[name] = None
        return self._trees[name]

    def is_module(self, name: str) -> bool:
        return name in self.members


def walk_toplevel(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, descending into if/try/with blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from walk_toplevel(stmt.body)
            yield from walk_toplevel(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from walk_toplevel(stmt.body)
            for handler in stmt.handlers:
                yield from walk_toplevel(handler.body)
            yield from walk_toplevel(stmt.orelse)
        elif isinstance(stmt, ast.With):
            yield from walk_toplevel(stmt.body)


def relative_module(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


def check_requirement(sources: Sources, wheel_name: str, dist: str, version: str) -> None:
    meta = sources.metadata.get(wheel_name, "")
    for line in meta.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        req = Requirement(line.split(":", 1)[1].strip())
        if (
            canonicalize_name(req.name) == dist
            and req.marker is None
            and not req.specifier.contains(version, prereleases=True)
        ):
            raise ExtractError(f"{wheel_name} requires {req}, not {dist}=={version}")


#: The index asked for wheels and their hashes; ``PIP_INDEX_URL`` overrides it,
#: as it does for pip.
DEFAULT_INDEX = "https://pypi.org/simple"
_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
_TIMEOUT = 60


@dataclass(frozen=True)
class Wheel:
    """One published wheel: where the index says it is and the sha256 it publishes."""

    dist: str
    version: str
    filename: str
    url: str
    sha256: str


def index_url() -> str:
    return (os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX).rstrip("/")


def _get(url: str, accept: str | None = None) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            body: bytes = response.read()
            return body
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
        raise ExtractError(f"cannot reach {url}: {exc}") from exc


def published(dist: str, versions: Iterable[str], index: str | None = None) -> dict[str, Wheel]:
    """The pure-Python wheel of each version of ``dist``, as the index's JSON simple API lists it.

    Raises :class:`ExtractError` when the index cannot be reached or a version has
    no such wheel: a check that could not look must fail, never pass.
    """
    base = index or index_url()
    url = f"{base}/{canonicalize_name(dist)}/"
    try:
        files = json.loads(_get(url, _SIMPLE_JSON))["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ExtractError(f"{url} did not answer with the JSON simple API: {exc}") from exc
    wanted = set(versions)
    found: dict[str, Wheel] = {}
    for entry in files:
        filename = str(entry.get("filename", ""))
        if not filename.endswith("-py3-none-any.whl") or entry.get("yanked"):
            continue
        parts = filename.split("-")
        version = parts[1] if len(parts) >= 5 else ""
        sha256 = entry.get("hashes", {}).get("sha256")
        if version in wanted and isinstance(sha256, str):
            target = urllib.parse.urljoin(url, str(entry.get("url", "")))
            found[version] = Wheel(dist, version, filename, target, sha256)
    missing = sorted(wanted - set(found), key=Version)
    if missing:
        raise ExtractError(f"{url} lists no pure-Python wheel for {dist} {', '.join(missing)}")
    return found


def cached_wheel(wheel: Wheel, cache: Path) -> Path:
    """The wheel's file in ``cache`` (``<sha256>/<filename>``), downloaded and verified if new.

    The file is written under its published hash only once its bytes hash to it,
    so whatever sits in the cache is the published file.
    """
    target = cache / wheel.sha256 / wheel.filename
    if target.is_file():
        return target
    data = _get(wheel.url)
    digest = hashlib.sha256(data).hexdigest()
    if digest != wheel.sha256:
        raise ExtractError(f"{wheel.url}: sha256 {digest} is not the published {wheel.sha256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def fetch(
    specs: Sequence[tuple[str, str]], cache: Path, jobs: int = 6
) -> dict[tuple[str, str], Wheel]:
    """Ask the index for every ``(dist, version)`` and make sure each wheel is in ``cache``."""
    by_dist: dict[str, list[str]] = {}
    for dist, version in specs:
        by_dist.setdefault(dist, []).append(version)
    wheels: dict[tuple[str, str], Wheel] = {}
    for dist, versions in sorted(by_dist.items()):
        for version, wheel in published(dist, versions).items():
            wheels[(dist, version)] = wheel
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(lambda w: cached_wheel(w, cache), wheels.values()))
    return wheels


def prune(cache: Path, keep: Iterable[Wheel]) -> None:
    """Remove cached wheels that are no longer asked for (older releases, replaced files)."""
    wanted = {w.sha256 for w in keep}
    if not cache.is_dir():
        return
    for folder in cache.iterdir():
        if folder.is_dir() and len(folder.name) == 64 and folder.name not in wanted:
            shutil.rmtree(folder, ignore_errors=True)
