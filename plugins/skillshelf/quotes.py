"""Lines that Markdown turns into a block quote by accident.

Markdown lets a line starting with ``>`` interrupt a paragraph: a sentence
wrapped just before a comparison ("must be" / "> 0; ...") ends there, and the
rest becomes a quote. The reading stage records each such line as an issue
(so the scan cache keeps it and a warm lint reads no text); the rule
``accidental-blockquote`` reports them. A pure function over a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from skillshelf.markdown import FencedBlock, code_block_lines

#: The rule id the reading stage records these lines under.
ACCIDENTAL_BLOCKQUOTE = "accidental-blockquote"
MESSAGE = (
    "this line starts with '>' right after paragraph text, so Markdown shows it as a block "
    "quote: rewrap the paragraph (or write 'greater than'), or put a blank line before a "
    "quote that is meant"
)

_QUOTE = re.compile(r"^( *)>")
_LIST_ITEM = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])( +)\S")
# Lines that are not paragraph text: a quote, heading, table row, HTML, fence,
# math block, thematic break, or nothing.
_NOT_PARAGRAPH = re.compile(r"^ *(?:>|#{1,6}(?: |$)|\||<|```|~~~|\$\$|[-*_](?: *[-*_]){2,} *$|$)")
# A line that introduces what follows: a label in bold or italics ("**Prompt**") or
# text ending in a colon ("Ask it:"). A quote right under it is meant...
_INTRODUCES = re.compile(r"^ *(?:(\*\*|__|\*|_)[^*_ ].*\1|.*:) *$")
# ...unless it reads as a comparison ("> 0", ">= 1", "> -1", "> .5").
_COMPARISON = re.compile(r"^ *> *(?:=|-?\.?\d)")


def accidental_quotes(
    text: str, first_line: int = 1, blocks: Sequence[FencedBlock] | None = None
) -> Iterator[tuple[int, int]]:
    """``(line, column)`` (1-based) of every ``>`` that opens a quote right below a
    line of paragraph or list-item text, from ``first_line`` on (the frontmatter
    before it is YAML), outside fenced code blocks (``blocks``, when the caller has
    found them already)."""
    if ">" not in text:
        return
    lines = text.split("\n")
    code = code_block_lines(text, blocks)
    for number in range(max(first_line, 2), len(lines) + 1):
        quote = _QUOTE.match(lines[number - 1])
        if quote is None or number in code or number - 1 in code:
            continue
        above = lines[number - 2].rstrip("\r")
        if _NOT_PARAGRAPH.match(above):
            continue
        if _INTRODUCES.match(above) and not _COMPARISON.match(lines[number - 1]):
            continue
        # The text's own column: a list item's content, else the line's indent. A '>'
        # up to three columns further right still opens a quote; beyond, the line is
        # plain continuation text.
        item = _LIST_ITEM.match(above)
        column = len(item.group(0)) - 1 if item else len(above) - len(above.lstrip(" "))
        if len(quote.group(1)) <= column + 3:
            yield number, len(quote.group(1)) + 1
