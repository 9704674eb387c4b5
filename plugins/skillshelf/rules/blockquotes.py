"""A paragraph line that starts with ``>`` and so turns into a block quote."""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillshelf.diagnostics import Position, Severity
from skillshelf.markdown import code_block_lines
from skillshelf.rules.base import Finding, LintContext, rule

ACCIDENTAL_BLOCKQUOTE = "accidental-blockquote"

_QUOTE = re.compile(r"^( *)>")
_LIST_ITEM = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])( +)\S")
# Lines that are not paragraph text: a quote, heading, table row, HTML, fence,
# thematic break, math block, definition, or nothing.
_NOT_PARAGRAPH = re.compile(r"^ *(?:>|#{1,6}(?: |$)|\||<|```|~~~|\$\$|[-*_](?: *[-*_]){2,} *$|$)")


@rule(
    ACCIDENTAL_BLOCKQUOTE,
    "A paragraph's continuation line must not start with '>', which opens a block quote.",
    Severity.WARNING,
)
def accidental_blockquote(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Finds a line starting with ``>`` right below a line of paragraph text (or of a
    list item), outside code blocks.

    ## Why is this bad?
    Markdown lets a ``>`` at the start of a line interrupt a paragraph: the line
    and what follows it become a block quote. A sentence wrapped just before a
    comparison loses its condition and shows a stray quote instead; the text
    reads "must be" and then, set apart, "0; 1e-3 suggested".

    ## Example
    ```markdown
    `label_smoothing` is read by `exo_pair`, and must be
    > 0 there.
    ```

    ## Use instead
    Rewrap the paragraph so the line does not start with ``>``, or write the
    comparison out:
    ```markdown
    `label_smoothing` is read by `exo_pair`, and must be greater than 0 there.
    ```
    A block quote that is meant starts after a blank line.
    """
    for document in ctx.documents():
        if not document.has_text:
            continue
        text = document.text
        if text is None or ">" not in text:
            continue
        lines = text.split("\n")
        first = document.body_line  # the frontmatter is YAML, not Markdown
        code = code_block_lines(text)
        for index in range(max(first, 2), len(lines) + 1):
            quote = _QUOTE.match(lines[index - 1])
            if quote is None or index in code or index - 1 in code:
                continue
            above = lines[index - 2].rstrip("\r")
            if _NOT_PARAGRAPH.match(above):
                continue
            # The text's own column: a list item's content, else the line's indent. A
            # '>' up to three columns further right still opens a quote; beyond, the
            # line is plain continuation text.
            item = _LIST_ITEM.match(above)
            column = len(item.group(0)) - 1 if item else len(above) - len(above.lstrip(" "))
            if len(quote.group(1)) > column + 3:
                continue
            yield Finding(
                document.path,
                "this line starts with '>' right after paragraph text, so Markdown shows it "
                "as a block quote: rewrap the paragraph (or write 'greater than'), or put a "
                "blank line before a quote that is meant",
                Position(index, len(quote.group(1)) + 1),
            )
