"""Suppression comments in Markdown: ``<!-- skillshelf: disable=rule-id -->``.

What ruff's ``# noqa`` is to Python, these comments are to a skills library.
A directive is a line holding only the comment (blanks around it allowed):

* ``<!-- skillshelf: disable=a,b -->`` suppresses rules ``a`` and ``b`` on the
  next non-blank line (directives stacked above it are skipped); when that
  line opens a fenced code block, on every line of the block, from the
  opening fence to the closing one.
* ``<!-- skillshelf: disable-file=a,b -->`` suppresses them in the whole file.

A comment inside fenced code is text, not a directive (a skill may document
the directives themselves). A comment that starts like a directive
(``<!-- skillshelf:``) but does not parse is kept as a malformed one, so that
it is reported rather than silently ignored.

A pure function of the text, like :mod:`skillshelf.links`; which findings a
directive suppresses is decided after the rules ran (:mod:`skillshelf.suppress`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from skillshelf.markdown import FencedBlock, split_lines

_START = re.compile(r"^[ \t]*<!--\s*skillshelf\s*:")
_DIRECTIVE = re.compile(
    r"^[ \t]*<!--\s*skillshelf\s*:\s*(?P<kind>disable-file|disable)\s*=\s*"
    r"(?P<ids>[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*,?\s*-->[ \t]*$"
)
#: ``Suppression.last`` of a ``disable-file`` directive: every line.
WHOLE_FILE = 0


class Suppression(NamedTuple):
    # A tuple of plain values: the scan cache keeps one per directive.
    #: The 1-based line of the comment itself, and its column.
    line: int
    column: int
    #: The rule ids it names (empty for a malformed directive).
    rules: tuple[str, ...]
    #: The lines it covers, inclusive; ``last == WHOLE_FILE``: the whole file.
    first: int
    last: int
    #: The comment as written, when it does not parse (else "").
    malformed: str = ""

    def covers(self, line: int) -> bool:
        return self.last == WHOLE_FILE or self.first <= line <= self.last


def _is_target(line: str) -> bool:
    """Whether a line can be what a ``disable`` covers: not blank, and not a
    directive of its own (directives may be stacked above one line)."""
    return bool(line.strip()) and not _START.match(line)


def suppressions_of(text: str, blocks: Sequence[FencedBlock] = ()) -> tuple[Suppression, ...]:
    """Every directive of ``text`` (the whole file), in order. ``blocks``: its fenced blocks."""
    if "skillshelf" not in text:
        return ()
    lines = split_lines(text)
    fenced: set[int] = set()
    fence_end: dict[int, int] = {}
    for block in blocks:
        fenced.update(range(block.fence_line, block.end_line + 1))
        fence_end[block.fence_line] = block.end_line
    found: list[Suppression] = []
    for index, line in enumerate(lines):
        number = index + 1
        if number in fenced or not _START.match(line):
            continue
        column = len(line) - len(line.lstrip()) + 1
        match = _DIRECTIVE.match(line)
        if match is None:
            found.append(Suppression(number, column, (), number, number, line.strip()))
            continue
        rules = tuple(dict.fromkeys(part.strip() for part in match["ids"].split(",")))
        if match["kind"] == "disable-file":
            found.append(Suppression(number, column, rules, 1, WHOLE_FILE))
            continue
        target = next((n for n in range(number + 1, len(lines) + 1) if _is_target(lines[n - 1])), 0)
        if target == 0:  # nothing follows: it covers nothing, and will be reported unused
            found.append(Suppression(number, column, rules, number + 1, number))
        else:
            found.append(Suppression(number, column, rules, target, fence_end.get(target, target)))
    return tuple(found)
