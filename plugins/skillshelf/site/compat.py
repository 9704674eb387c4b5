"""Markdown written for GitHub or GitBook, made to read on the site as it does there.

Python-Markdown, which MkDocs uses, differs from GitHub where libraries not
written for MkDocs rely on it: a table written straight below a line of text
(no blank line between) stays text, and Liquid tags left from Jekyll or GitBook
(``{% raw %}``, ``{% hint %}``, see :mod:`skillshelf.liquid`) show as written.
:func:`for_site` rewrites those lines of a page's Markdown before MkDocs sees
it: a blank line before such a table, the raw tags left out, a hint made a
material admonition (or, without the ``admonition`` extension, its tags left
out). Lines inside fenced code blocks are never touched. A pure function over
a string; the file in the tree is not changed (the linter reports the tags).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from skillshelf.liquid import TAG, LiquidTag, liquid_tags
from skillshelf.markdown import code_block_lines

#: GitBook hint styles and the admonition each becomes.
_ADMONITIONS = {"info": "info", "warning": "warning", "danger": "danger", "success": "success"}
#: A delimiter row: cells of dashes with optional colons, at least one pipe.
_DELIMITER_CELL = re.compile(r"^[ \t]*:?-+:?[ \t]*$")
_INDENT = re.compile(r"^[ \t]*")


def uses_admonitions(markdown_extensions: Iterable[Any]) -> bool:
    """Whether a configuration's ``markdown_extensions`` (names, or one-key mappings
    of a name to its options) include ``admonition``."""
    for item in markdown_extensions:
        names = item.keys() if isinstance(item, dict) else [item]
        if any(
            isinstance(name, str) and name in ("admonition", "markdown.extensions.admonition")
            for name in names
        ):
            return True
    return False


def _cells(row: str) -> list[str]:
    """The cells of a table row (pipes escaped with a backslash are text)."""
    text = row.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return re.split(r"(?<!\\)\|", text)


def is_delimiter_row(line: str) -> bool:
    """``| --- | :-: |``, ``---|---``: the second line of a GitHub table."""
    if "|" not in line or "-" not in line:
        return False
    return all(_DELIMITER_CELL.match(cell) for cell in _cells(line))


def _table_after_text(lines: list[str], index: int, code: set[int]) -> bool:
    """Whether ``lines[index]`` is a table's header row right below a line of text
    (line numbers in ``code`` are 1-based)."""
    if index < 1 or index + 1 >= len(lines):
        return False
    header, delimiter, above = lines[index], lines[index + 1], lines[index - 1]
    if {index, index + 1, index + 2} & code or "|" not in header:
        return False
    if not above.strip() or above.lstrip().startswith(("|", ">")):
        return False  # already apart, another table's row, or a quote's (left as it is)
    indent = len(_INDENT.match(header).group(0))  # type: ignore[union-attr]
    if indent >= 4 or header.lstrip().startswith(">"):
        return False
    return is_delimiter_row(delimiter) and len(_cells(header)) == len(_cells(delimiter))


def for_site(markdown: str, *, first_line: int = 1, admonitions: bool = True) -> str:
    """``markdown`` as the site renders it (see the module's docstring), from
    ``first_line`` on (1-based; what comes before, the frontmatter, is kept as it
    is). ``admonitions``: the site has the ``admonition`` extension."""
    if "{%" not in markdown and "|" not in markdown:
        return markdown
    lines = markdown.split("\n")
    code = code_block_lines(markdown)
    by_line: dict[int, list[LiquidTag]] = {}
    for tag in liquid_tags(markdown, first_line):
        by_line.setdefault(tag.line, []).append(tag)
    hints = _hint_blocks(lines, by_line) if admonitions else {}
    out: list[str] = lines[: first_line - 1]
    inside_until = 0  # the line of the endhint closing the hint being written
    for number in range(first_line, len(lines) + 1):
        line = lines[number - 1]
        if _table_after_text(lines, number - 1, code):
            out.append("")
        if number in hints:
            lead = _INDENT.match(line).group(0)  # type: ignore[union-attr]
            style, inside_until = hints[number]
            out.append(f"{lead}!!! {_ADMONITIONS.get(style, 'note')}")
            continue
        if number == inside_until:
            inside_until = 0
            continue  # the endhint
        tags = by_line.get(number)
        if tags:
            rest = _without_tags(line, {tag.column for tag in tags})
            if not rest.strip():
                continue  # the line held only tags
            line = rest
        if inside_until and line.strip():
            line = "    " + line  # the admonition's content
        out.append(line)
    return "\n".join(out)


def _without_tags(line: str, columns: set[int]) -> str:
    """``line`` without the tags at ``columns`` (1-based; those in code spans stay)."""
    return TAG.sub(lambda match: "" if match.start() + 1 in columns else match.group(0), line)


def _hint_blocks(
    lines: list[str], by_line: dict[int, list[LiquidTag]]
) -> dict[int, tuple[str, int]]:
    """Each ``{% hint %}`` closed by an ``{% endhint %}``, both alone on their line,
    with no hint in between: its line -> (its style, the line of its end)."""
    blocks: dict[int, tuple[str, int]] = {}
    opening: LiquidTag | None = None
    for number in sorted(by_line):
        tags = by_line[number]
        alone = len(tags) == 1 and lines[number - 1].strip() == tags[0].text
        tag = tags[0]
        if alone and tag.name == "hint":
            opening = tag
        elif alone and tag.name == "endhint" and opening is not None:
            blocks[opening.line] = (opening.style, number)
            opening = None
        else:
            opening = None
    return blocks
