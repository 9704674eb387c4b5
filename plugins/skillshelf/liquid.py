"""Liquid template tags left in Markdown: ``{% raw %}``, ``{% endraw %}`` and
GitBook's ``{% hint style="..." %}`` ... ``{% endhint %}``.

Libraries published with Jekyll or GitBook wrap examples holding ``{{ }}`` in
``{% raw %}`` and call out notes with ``{% hint %}``; on GitHub, on an MkDocs
site and in the agent that reads the SKILL.md, each tag is literal text. The
reading stage records every such tag (rule ``liquid-tag``) and the site leaves
them out, a hint becoming an admonition. Tags inside fenced code blocks and
code spans are code, and stay. Pure functions over a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from skillshelf.markdown import code_block_lines, split_lines

#: The rule id the reading stage records these tags under.
LIQUID_TAG = "liquid-tag"

#: ``{% raw %}``, ``{%- endraw -%}``, ``{% hint style="info" %}``, ``{% endhint %}``.
TAG = re.compile(r"\{%-?[ \t]*(?P<name>raw|endraw|hint|endhint)\b(?P<args>[^%]*?)[ \t]*-?%\}")
_STYLE = re.compile(r"""style[ \t]*=[ \t]*["']?(?P<style>[A-Za-z]+)""")


@dataclass(frozen=True)
class LiquidTag:
    """One tag: its 1-based line and column in the text, what it is and says."""

    line: int
    column: int
    name: str
    #: A hint's ``style`` (``info``, ``warning``...); "" for the other tags.
    style: str
    #: The tag as written.
    text: str


def _in_code_span(line: str, column: int) -> bool:
    """Whether the 0-based ``column`` of ``line`` is inside a backtick code span
    (an odd number of backtick runs before it, as Markdown pairs them)."""
    return len(re.findall(r"`+", line[:column])) % 2 == 1


def liquid_tags(text: str, first_line: int = 1) -> Iterator[LiquidTag]:
    """Every Liquid tag of ``text`` from ``first_line`` on (the frontmatter before
    it is YAML), outside fenced code blocks and code spans."""
    if "{%" not in text:
        return
    code: set[int] | None = None
    for number, line in enumerate(split_lines(text), 1):
        if number < first_line or "{%" not in line:
            continue
        for match in TAG.finditer(line):
            if code is None:
                code = code_block_lines(text)
            if number in code or _in_code_span(line, match.start()):
                continue
            style = _STYLE.search(match.group("args")) if match.group("name") == "hint" else None
            yield LiquidTag(
                number,
                match.start() + 1,
                match.group("name"),
                style.group("style").lower() if style else "",
                match.group(0),
            )


def message(tag: LiquidTag) -> str:
    """The finding's message for ``tag``."""
    if tag.name in ("raw", "endraw"):
        return (
            f"'{tag.text}' is a Liquid tag: GitHub, the site and agents show it as text "
            "(the site leaves it out); remove it"
        )
    if tag.name == "hint":
        kind = tag.style or "info"
        return (
            f"'{tag.text}' is a GitBook tag: GitHub and agents show it as text (the site "
            f"shows the hint as an admonition); write a block quote, e.g. '> **{kind.title()}:** "
            "...', or an admonition '!!! " + kind + "' for the site only"
        )
    return (
        f"'{tag.text}' closes a GitBook hint: GitHub and agents show it as text; remove it "
        "with its opening tag"
    )
