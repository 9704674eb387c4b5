"""Findings and where they point.

Every check in skillshelf, whether it comes from the schema, a tree rule or the
snippet checker, produces :class:`Diagnostic` values. Positions are 1-based,
like every editor and every ``path:line:col`` parser expects.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


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
        """Higher is worse; used to sort and to compare against thresholds."""
        return {"off": 0, "info": 1, "warning": 2, "error": 3}[self.value]


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
class Diagnostic:
    """One finding: a rule id, where it is, and what to do about it."""

    rule: str
    severity: Severity
    path: Path
    message: str
    position: Position = START
    fix: Fix | None = field(default=None, compare=False)

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path.as_posix(), self.line, self.column, self.rule, self.message)
