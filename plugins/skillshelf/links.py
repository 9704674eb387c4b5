"""Finding the relative links and images in a Markdown document.

Links inside fenced code and inline code are not links. The scan is
regex-based on purpose: a full Markdown parse of every document would cost
more than the whole rest of the lint, and the targets are all we need.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from skillshelf.diagnostics import Position
from skillshelf.markdown import iter_fenced_blocks

# "](target" of an inline link or image, the target optionally in <angle brackets>.
_INLINE = re.compile(r"\]\(\s*(?:<([^>\n]*)>|([^)\s]+))")
# "[label]: target" reference definitions.
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?:<([^>\n]*)>|(\S+))")
# src="..." / href="..." in inline HTML.
_HTML = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"'\n]+)["']""")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Link:
    target: str
    #: The target with any #fragment or ?query removed and %-escapes decoded.
    path: str
    position: Position


def is_relative(target: str) -> bool:
    return bool(target) and not (
        target.startswith(("#", "/", "{{")) or _SCHEME.match(target) or target.startswith("//")
    )


def iter_links(text: str) -> Iterator[Link]:
    """Every relative link target in ``text``, with its 1-based position."""
    fenced: set[int] = set()
    for block in iter_fenced_blocks(text):
        fenced.update(range(block.start_line - 1, block.end_line + 1))
    for number, line in enumerate(text.split("\n"), start=1):
        if number in fenced or ("](" not in line and "]:" not in line and "=" not in line):
            continue
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for pattern in (_INLINE, _REFERENCE, _HTML):
            for match in pattern.finditer(masked):
                group = next(
                    g for g in range(1, (pattern.groups or 0) + 1) if match.group(g) is not None
                )
                target = match.group(group).strip()
                if not is_relative(target):
                    continue
                path = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
                if path:
                    yield Link(target, path, Position(number, match.start(group) + 1))
