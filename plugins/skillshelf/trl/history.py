"""The compact history of the APIs skills call: when each class, import path and keyword existed.

Written by ``skillshelf signatures`` (:func:`skillshelf.trl.spans.fold`, from
one :mod:`~skillshelf.trl.surface` per release) to ``schemas/api-history.json``;
read by the snippet checker (:class:`ApiHistory`). It covers many more
releases than the full signatures (trl 0.8 -> 1.16, transformers 4.36 ->
5.23, peft 0.10 -> 0.21) because it stores no signature per release: per
keyword, only the spans of releases that had it, as ``"0.9.2-0.19.0,0.21.0-1.16.0"``
(first and last release of each span, in the package's release list). A
release between two listed ones is judged by the listed one before it.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from skillshelf.trl.spans import FORMAT

SOURCE_PATH = Path(__file__).resolve().parents[3] / "schemas" / "api-history.json"


class HistoryDataError(Exception):
    """The history file is missing or not in a format this code understands."""


# --------------------------------------------------------------------------- reading


@functools.cache
def _vkey(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")


@dataclass(frozen=True)
class Span:
    """Where something existed, seen from a target release."""

    present: bool  # in the target release
    first: str | None  # first release that had it
    last: str | None  # last release that had it
    removed_in: str | None  # first release without it after it was last seen before the target
    added_in: str | None  # first release that has it, when that is after the target


@dataclass(frozen=True)
class Positional:
    """How a release binds positional arguments: its first parameters in order (the history
    keeps :data:`~skillshelf.trl.spans.POSITIONAL_NAMED` of them), how many there are, and
    whether ``*args`` takes the rest."""

    names: tuple[str, ...]
    count: int
    var_positional: bool


class ApiHistory:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.releases: dict[str, list[str]] = {
            package: sorted(versions, key=_vkey) for package, versions in raw["releases"].items()
        }
        self._parsed: dict[str, list[tuple[Version, Version]]] = {}
        self._arguments: dict[tuple[str, str, str], frozenset[str]] = {}
        # asked for on every call of every document: computed once per loaded file
        self._spans: dict[tuple[str, str, str | None], Span] = {}
        self._listed: dict[tuple[str, str], str | None] = {}

    def packages(self) -> list[str]:
        return sorted(self.raw["apis"])

    def names(self, package: str) -> set[str]:
        return set(self.raw["apis"].get(package, {}))

    def record(self, package: str, name: str) -> Mapping[str, Any] | None:
        found: Mapping[str, Any] | None = self.raw["apis"].get(package, {}).get(name)
        return found

    def listed_release(self, package: str, version: str) -> str | None:
        """The release of the history that stands for ``version`` (the last one not after it)."""
        key = (package, version)
        if key not in self._listed:
            wanted = _vkey(version)
            before = [r for r in self.releases.get(package, []) if _vkey(r) <= wanted]
            self._listed[key] = before[-1] if before else None
        return self._listed[key]

    def _ranges(self, text: str) -> list[tuple[Version, Version]]:
        ranges = self._parsed.get(text)
        if ranges is None:
            ranges = []
            for part in filter(None, text.split(",")):
                first, _, last = part.partition("-")
                ranges.append((_vkey(first), _vkey(last or first)))
            self._parsed[text] = ranges
        return ranges

    def span(self, package: str, text: str | None, target: str) -> Span:
        """Where ``text`` (a spans string; None: never) says something existed, from ``target``."""
        listed = self.listed_release(package, target)
        key = (package, text or "", listed)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = self._span(package, text or "", listed)
        return found

    def _span(self, package: str, text: str, listed: str | None) -> Span:
        releases = self.releases.get(package, [])
        ranges = self._ranges(text)
        if not ranges:
            return Span(False, None, None, None, None)

        def has(version: str) -> bool:
            key = _vkey(version)
            return any(lo <= key <= hi for lo, hi in ranges)

        present = listed is not None and has(listed)
        first = next((r for r in releases if has(r)), None)
        last = next((r for r in reversed(releases) if has(r)), None)
        tkey = _vkey(listed) if listed is not None else Version("0")
        before = [r for r in releases if _vkey(r) < tkey and has(r)]
        removed_in = None
        if not present and before:
            removed_in = next(
                (r for r in releases if _vkey(before[-1]) < _vkey(r) and not has(r)), None
            )
        after = [r for r in releases if _vkey(r) > tkey and has(r)]
        added_in = after[0] if not present and after and not before else None
        return Span(present, first, last, removed_in, added_in)

    def api(self, package: str, name: str, target: str) -> Span:
        record = self.record(package, name)
        return self.span(package, None if record is None else record["present"], target)

    def argument(self, package: str, name: str, argument: str, target: str) -> Span:
        record = self.record(package, name)
        text = None if record is None else record["arguments"].get(argument)
        return self.span(package, text, target)

    def arguments(self, package: str, name: str, target: str) -> frozenset[str]:
        """The keywords ``name`` takes in ``target`` (asked per call: kept per target)."""
        key = (package, name, target)
        known = self._arguments.get(key)
        if known is None:
            record = self.record(package, name) or {"arguments": {}}
            known = self._arguments[key] = frozenset(
                a
                for a, text in record["arguments"].items()
                if self.span(package, text, target).present
            )
        return known

    def takes_any_keyword(self, package: str, name: str, target: str) -> bool:
        record = self.record(package, name)
        return record is not None and self.span(package, record.get("var_keyword"), target).present

    def positional(self, package: str, name: str, target: str) -> Positional | None:
        """The parameters a call of ``name`` fills by position in ``target``; None when the
        history does not say (a dataclass, or a release it does not list)."""
        record = self.record(package, name)
        for order, text in (record or {}).get("positional", {}).items():
            if self.span(package, text, target).present:
                names, _, count = str(order).rpartition("/")
                return Positional(
                    tuple(names.split(",")) if names else (),
                    int(count),
                    self.span(package, record.get("var_positional"), target).present,  # type: ignore[union-attr]
                )
        return None

    def deprecation(self, package: str, name: str, argument: str) -> str | None:
        """What the last release that warned about ``argument`` said (what to use instead)."""
        record = self.record(package, name) or {}
        text = record.get("deprecated", {}).get(argument)
        return None if text is None else str(text)

    def renamed_to(self, package: str, name: str, argument: str) -> str | None:
        """The keyword a ``@deprecate_kwarg`` renamed ``argument`` to, in any release."""
        record = self.record(package, name) or {}
        new = record.get("renamed", {}).get(argument)
        return None if new is None else str(new)

    def inherits(self, package: str, name: str, target: str) -> str | None:
        record = self.record(package, name)
        for base, text in (record or {}).get("inherits", {}).items():
            if self.span(package, text, target).present:
                return str(base)
        return None

    def import_modules(self, package: str, name: str, target: str) -> list[str]:
        """Modules ``name`` can be imported from in ``target``."""
        record = self.record(package, name)
        if record is None:
            return []
        return sorted(
            m for m, text in record["imports"].items() if self.span(package, text, target).present
        )

    def import_span(self, package: str, name: str, module: str, target: str) -> Span:
        record = self.record(package, name)
        text = None if record is None else record["imports"].get(module)
        return self.span(package, text, target)


def data_path() -> Path:
    if SOURCE_PATH.is_file():
        return SOURCE_PATH
    packaged = importlib.resources.files("skillshelf") / "_data" / "schemas" / SOURCE_PATH.name
    return Path(str(packaged))


@functools.lru_cache(maxsize=4)
def load(path: Path | None = None) -> ApiHistory:
    target = path or data_path()
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HistoryDataError(f"cannot load {target}: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise HistoryDataError(f"{target}: unsupported format {raw.get('format')!r}")
    return ApiHistory(raw)
