"""Findings and where they point: one value type per stage.

* reading and analysing (the walk, the frontmatter reader, the schema check,
  the snippet checker...) record :class:`Issue` values under a rule id;
* rules yield :class:`skillshelf.rules.base.Finding` values, which never carry
  a severity;
* the output is :class:`Diagnostic` values: a finding stamped with its rule id
  and the severity the configuration gives it.

Positions are 1-based, like every editor and every ``path:line:col`` parser
expects.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType


class Severity(enum.Enum):
    """How much a finding matters. ``OFF`` only appears in configuration."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None

    @property
    def rank(self) -> int:
        """Higher is worse; used to sort."""
        return _RANKS[self]

    def at_least(self, threshold: Severity) -> bool:
        """Whether a finding of this severity is as bad as ``threshold`` or worse."""
        return _RANKS[self] >= _RANKS[threshold]


_RANKS = MappingProxyType(
    {Severity.OFF: 0, Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
)


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based line and column inside a file."""

    line: int = 1
    column: int = 1

    def shifted(self, lines: int) -> Position:
        return Position(self.line + lines, self.column)


START = Position(1, 1)


@dataclass(frozen=True)
class Fix:
    """A safe, mechanical change that ``--fix`` may apply.

    ``apply`` receives the file's current text and returns the new text, or
    ``None`` when the fix no longer applies (the file changed underneath).
    """

    description: str
    path: Path
    apply: Callable[[str], str | None] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Issue:
    """A problem recorded while reading or analysing, before any rule runs.

    ``rule`` is the id of the rule that reports it: a constant of the module
    that records it (``skillshelf.frontmatter.ENCODING``...). ``fix`` names a
    safe text transformation (see :mod:`skillshelf.fixes`). ``path`` is set
    only for what the walk meets on a path that is not a document (a symlink,
    a folder it cannot list, a file name that is not UTF-8): the absolute path,
    as text; a document's own issues are about that document.
    """

    rule: str
    message: str
    position: Position = START
    fix: str | None = None
    path: str | None = None

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a rule id, where it is, and what to do about it."""

    rule: str
    severity: Severity
    path: Path
    message: str
    position: Position = START
    fix: Fix | None = field(default=None, compare=False)
    #: On the one line that stands for findings not shown (the output keeps at most
    #: so many of one rule per file): how many it stands for. 0 on every other.
    hidden: int = 0

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path.as_posix(), self.line, self.column, self.rule, self.message)


#: Quoted text longer than this shows only its start, and its length.
QUOTE_LIMIT = 60


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` quoted for a message: ``'abc'``, or when it is long, its start
    and its length, ``'aaaa…' (300,000 characters)``, so that one value can
    never flood the output."""
    if len(text) <= limit:
        return repr(text)
    start = repr(text[:limit])
    return f"{start[:-1]}…{start[-1]} ({len(text):,} characters)"


def described(value: object) -> str:
    """A YAML value as a person reads it: ``'x'``, ``the number 5``, ``a date
    (2024-01-02)``, ``a list of 3 items``; never Python's ``repr`` of a whole
    container or of a ``datetime``."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        try:
            return f"the number {value!r}"
        except ValueError:  # an int too long to print (sys.get_int_max_str_digits)
            return "a number too long to print"
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, datetime.datetime):
        return f"a date and time ({value.isoformat(sep=' ')})"
    if isinstance(value, datetime.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, bytes):
        return f"binary data ({_counted(len(value), 'byte')})"
    if isinstance(value, dict):
        return f"a mapping of {_counted(len(value), 'key')}" if value else "an empty mapping"
    if isinstance(value, list | tuple):
        return f"a list of {_counted(len(value), 'item')}" if value else "an empty list"
    if isinstance(value, set | frozenset):
        return f"a set of {_counted(len(value), 'item')}" if value else "an empty set"
    return f"a {type(value).__name__} value"


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
