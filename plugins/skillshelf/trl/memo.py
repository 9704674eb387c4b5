"""What one release's extraction gave, kept between runs of ``skillshelf signatures``.

A value is stored under a key made of the published sha256 of every wheel it
was read from and a digest of this package's code, so it is never stale: a
different wheel or a changed extractor is a different key. Values are the JSON
the extractor returns; a missing, unreadable or corrupt file just means the
value is computed again. Nothing is ever pruned by age: keys of releases no
longer asked for are removed by :meth:`Memo.keep_only`.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent
_PREFIX = "skillshelf.trl."


def extractor_modules(start: str = "extract") -> list[Path]:
    """``extract.py`` and every module of this package it imports, directly or not.

    Found by reading the imports, so a new module of the extractor is covered
    without a list to keep in step; the snippet checker is not among them.
    """
    seen: dict[str, Path] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        path = _PACKAGE / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen[name] = path
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(_PREFIX):
                todo.append((node.module or "")[len(_PREFIX) :])
    return sorted(seen.values())


def code_digest() -> str:
    """Digest of the extractor's code: any change to it changes every key."""
    digest = hashlib.sha256()
    for path in extractor_modules():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Memo:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.digest = code_digest()
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, hashes: Iterable[str], compute: Callable[[], Any]) -> Any:
        key = hashlib.sha256(json.dumps([kind, self.digest, *hashes]).encode()).hexdigest()[:32]
        self.used.add(key)
        path = None if self.directory is None else self.directory / f"{key}.json"
        if path is not None:
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
            else:
                self.hits += 1
                return value
        self.misses += 1
        # through JSON, so that a computed value is exactly what a later run reads back
        value = json.loads(json.dumps(compute(), sort_keys=True))
        if path is not None:
            self._write(path, value)
        return value

    @staticmethod
    def _write(path: Path, value: Any) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        except OSError:
            return  # no memo is only slower
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, sort_keys=True)
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)

    def keep_only_used(self) -> None:
        """Remove memo files this run did not ask for (old releases, an older extractor)."""
        if self.directory is None or not self.directory.is_dir():
            return
        for path in self.directory.glob("*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
