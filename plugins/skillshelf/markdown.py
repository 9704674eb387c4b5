"""Fenced code blocks in Markdown, the way skillshelf's documents write them.

Shared by the snippet checker, the link checker (which must skip code) and the
site. Pure functions over a string: no MkDocs, no Markdown library.

What counts as a fence: a line whose first non-blank characters are three or
more backticks or tildes, at any indentation (fences live inside admonitions
``!!! note``, collapsible blocks ``???+ tip``, content tabs ``=== "Tab"`` and
list items, which all indent their content), optionally after a list marker
(``- ```python``). A backtick fence's info string may not contain a backtick
(that is inline code, not a fence). The block ends at a line holding only the
same character, at least as many times, indented less than four columns past
the opening fence; a fence that never closes runs to the end of the text. The
content is dedented by the opening fence's indentation (as much of it as each
line has).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_OPEN = re.compile(
    r"^(?P<lead>[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
)
_CLOSE = re.compile(r"^(?P<lead>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*$")
_TAB = 4


@dataclass(frozen=True)
class FencedBlock:
    """One fenced code block.

    ``start_line`` is the 1-based line (in the whole text) of the first content
    line, ``end_line`` the line of the closing fence (the last line of the text
    when the fence is never closed). ``indent`` is the number of columns of
    the opening fence's indentation, stripped from every content line;
    ``stripped`` says how many *characters* were removed from each content
    line (they differ from ``indent`` only when tabs are involved).
    """

    info: str
    language: str
    code: str
    start_line: int
    indent: int
    end_line: int
    fence: str = "```"
    closed: bool = True
    stripped: tuple[int, ...] = field(default=(), repr=False)

    @property
    def fence_line(self) -> int:
        """The line of the opening fence."""
        return self.start_line - 1

    def position(self, line: int, column: int) -> tuple[int, int]:
        """Map a 1-based line and 0-based character column in ``code`` to the text.

        Returns a 1-based ``(line, column)`` in the Markdown text.
        """
        index = min(max(line, 1), max(len(self.stripped), 1)) - 1
        offset = self.stripped[index] if self.stripped else self.indent
        return self.start_line + line - 1, offset + column + 1


def split_lines(text: str) -> list[str]:
    """Lines as editors count them (``\\n``, ``\\r\\n`` or ``\\r``), without the breaks."""
    if "\r" not in text:
        return text.split("\n")  # the usual case, several times faster than the regex
    return _LINE_BREAK.split(text)


def _columns(prefix: str) -> int:
    col = 0
    for char in prefix:
        col = col + _TAB - (col % _TAB) if char == "\t" else col + 1
    return col


def _dedent(line: str, columns: int) -> tuple[str, int]:
    """Strip up to ``columns`` columns of leading blanks; return (rest, chars removed)."""
    col = 0
    index = 0
    while index < len(line) and col < columns:
        char = line[index]
        if char == " ":
            col += 1
        elif char == "\t":
            width = _TAB - (col % _TAB)
            if col + width > columns:
                break  # a tab straddling the boundary: keep it
            col += width
        else:
            break
        index += 1
    return line[index:], index


def language_of(info: str) -> str:
    """The lowercased language of an info string.

    Handles ``python``, ``python title="x.py"``, ``{.python title="x"}``,
    ``{ .py linenums="1" }`` and ``py3``-style names verbatim.
    """
    text = info.strip()
    if text.startswith("{"):
        inner = text[1:].rstrip("}").strip()
        for token in inner.split():
            if token.startswith(".") and len(token) > 1:
                return token[1:].lower()
        first = inner.split()[0] if inner.split() else ""
        return "" if "=" in first or first.startswith("#") else first.lower()
    if not text:
        return ""
    first = text.split()[0]
    first = first.split("{", 1)[0]  # python{1,3}
    return first.lstrip(".").lower()


def iter_fenced_blocks(text: str) -> Iterator[FencedBlock]:
    """Every fenced code block of ``text``, in order. Never raises on any string."""
    lines = split_lines(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the text ends with a line break, not with an empty line
    index = 0
    total = len(lines)
    while index < total:
        line = lines[index]
        # Most lines hold no fence at all; the substring test rejects them cheaply.
        match = _OPEN.match(line) if "```" in line or "~~~" in line else None
        if match is None:
            index += 1
            continue
        fence = match.group("fence")
        info = match.group("info")
        if fence[0] == "`" and "`" in info:
            index += 1
            continue
        indent = _columns(match.group("lead"))
        body: list[str] = []
        stripped: list[int] = []
        closed = False
        cursor = index + 1
        while cursor < total:
            line = lines[cursor]
            close = _CLOSE.match(line)
            if (
                close is not None
                and close.group("fence")[0] == fence[0]
                and len(close.group("fence")) >= len(fence)
                and _columns(close.group("lead")) < indent + 4
            ):
                closed = True
                break
            rest, removed = _dedent(line, indent)
            body.append(rest)
            stripped.append(removed)
            cursor += 1
        end_line = cursor + 1 if closed else total
        yield FencedBlock(
            info=info.strip(),
            language=language_of(info),
            code="\n".join(body),
            start_line=index + 2,
            indent=indent,
            end_line=end_line,
            fence=fence,
            closed=closed,
            stripped=tuple(stripped),
        )
        index = cursor + 1


def code_block_lines(text: str, blocks: Iterable[FencedBlock] | None = None) -> set[int]:
    """1-based numbers of every line that belongs to a fenced block, fences included
    (``blocks``: the text's fenced blocks when the caller has them already)."""
    inside: set[int] = set()
    for block in iter_fenced_blocks(text) if blocks is None else blocks:
        inside.update(range(block.fence_line, block.end_line + 1))
    return inside
