"""Released wheels: fetching them and reading their Python sources without importing them.

A wheel is a zip file; :class:`Sources` indexes the ``.py`` members of one or
more wheels by dotted module name and parses each with :mod:`ast` on demand.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


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


def wheel_path(directory: Path, dist: str, version: str) -> Path | None:
    prefix = f"{dist.replace('-', '_')}-{version}-"
    for path in sorted(directory.glob("*.whl")):
        if path.name.lower().startswith(prefix.lower()):
            return path
    return None


def download(directory: Path, specs: Sequence[tuple[str, str]], jobs: int = 6) -> None:
    """``pip download --no-deps`` whatever of ``specs`` is not in ``directory`` yet."""
    from concurrent.futures import ThreadPoolExecutor

    directory.mkdir(parents=True, exist_ok=True)
    missing = [(d, v) for d, v in specs if wheel_path(directory, d, v) is None]

    def fetch(spec: tuple[str, str]) -> str | None:
        dist, version = spec
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        cmd += ["--disable-pip-version-check", "-q", "-d", str(directory), f"{dist}=={version}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or wheel_path(directory, dist, version) is None:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return f"pip download {dist}=={version} failed: " + " | ".join(tail)
        return None

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        errors = [e for e in pool.map(fetch, missing) if e]
    if errors:
        raise ExtractError("; ".join(errors))
