"""Finding the relative links and images in a Markdown document.

Links inside fenced code and inline code are not links. The scan is
regex-based on purpose: a full Markdown parse of every document would cost
more than the whole rest of the lint, and the targets are all we need.

Most lines of a document hold no link at all, so one search over the whole
text finds the few lines that can (they contain ``](``, ``]:``, ``src=`` or ``href=``) and
only those are examined, each exactly as a line-by-line scan would.
Fenced blocks are looked for only when such a line exists and the text has a
fence at all. A document's links are part of its analysis
(:mod:`skillshelf.analysis`), which the scan cache stores, so an unchanged
document is never scanned twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple
from urllib.parse import unquote

from skillshelf.diagnostics import Position
from skillshelf.markdown import FencedBlock, iter_fenced_blocks

# "](target" of an inline link or image, the target optionally in <angle brackets>.
_INLINE = re.compile(r"\]\(\s*(?:<([^>\n]*)>|([^)\s]+))")
# "[label]: target" reference definitions.
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?:<([^>\n]*)>|(\S+))")
# src="..." / href="..." in inline HTML.
_HTML = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"'\n]+)["']""")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# What a line must contain to hold a link (the cheap filter of a line-by-line
# scan): the start of each pattern above. Two searches, because a literal
# prefix lets the regex engine skip ahead and an alternation with a word
# boundary does not (the first runs about 30 times faster than one combined
# pattern); the second runs only on texts that mention src or href at all.
_MARKDOWN_TRIGGER = re.compile(r"\][(:]")
_HTML_TRIGGER = re.compile(r"\b(?:src|href)[^\S\n]*=")


class Link(NamedTuple):
    # A tuple rather than a dataclass: the scan cache holds one per link of
    # every document, and tuples of text and numbers load several times faster.
    target: str
    #: The target with any #fragment or ?query removed and %-escapes decoded.
    path: str
    line: int
    column: int

    @property
    def position(self) -> Position:
        return Position(self.line, self.column)


def is_relative(target: str) -> bool:
    return bool(target) and not (
        target.startswith(("#", "/", "{{")) or _SCHEME.match(target) or target.startswith("//")
    )


def is_site_absolute(target: str) -> bool:
    """A link to a path of the site (``/get-started/x.md``), not to another host."""
    return target.startswith("/") and not target.startswith("//")


def split_links(
    text: str, blocks: Sequence[FencedBlock] | None = None
) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
    """The relative links of ``text``, and its site-absolute ones, in one scan."""
    relative: list[Link] = []
    absolute: list[Link] = []
    for link in _scan(text, blocks, site_absolute=True):
        (absolute if is_site_absolute(link.target) else relative).append(link)
    return tuple(relative), tuple(absolute)


def iter_links(text: str, blocks: Sequence[FencedBlock] | None = None) -> Iterator[Link]:
    """Every relative link target in ``text``, with its 1-based position.

    ``blocks``: the text's fenced blocks, when the caller already has them.
    """
    return _scan(text, blocks)


def _scan(
    text: str, blocks: Sequence[FencedBlock] | None, *, site_absolute: bool = False
) -> Iterator[Link]:
    fenced: set[int] | None = None
    number, start, end = 1, 0, -1
    triggers = [m.start() for m in _MARKDOWN_TRIGGER.finditer(text)]
    if "src" in text or "href" in text:
        triggers.extend(m.start() for m in _HTML_TRIGGER.finditer(text))
        triggers.sort()
    for at in triggers:
        if at < end:
            continue  # a line already examined
        line_start = text.rfind("\n", 0, at) + 1
        number += text.count("\n", start, line_start)
        start = line_start
        end = text.find("\n", at)
        if end == -1:
            end = len(text)
        if fenced is None:
            fenced = set()
            if "```" in text or "~~~" in text:
                for block in iter_fenced_blocks(text) if blocks is None else blocks:
                    fenced.update(range(block.start_line - 1, block.end_line + 1))
        if number in fenced:
            continue
        yield from _line_links(text[start:end], number, site_absolute)


def _line_links(line: str, number: int, site_absolute: bool = False) -> Iterator[Link]:
    masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line
    for pattern in (_INLINE, _REFERENCE, _HTML):
        for match in pattern.finditer(masked):
            group = next(
                g for g in range(1, (pattern.groups or 0) + 1) if match.group(g) is not None
            )
            target = match.group(group).strip()
            if not (is_relative(target) or (site_absolute and is_site_absolute(target))):
                continue
            cut = len(target)
            for mark in "#?":
                at = target.find(mark, 0, cut)
                if at != -1:
                    cut = at
            path = unquote(target[:cut])
            if path:
                yield Link(target, path, number, match.start(group) + 1)
