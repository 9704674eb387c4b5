"""A paragraph line that starts with ``>`` and so turns into a block quote."""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Severity
from skillshelf.quotes import ACCIDENTAL_BLOCKQUOTE
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.rules.reading import recorded

__all__ = ["ACCIDENTAL_BLOCKQUOTE", "accidental_blockquote"]


@rule(
    ACCIDENTAL_BLOCKQUOTE,
    "A paragraph's continuation line must not start with '>', which opens a block quote.",
    Severity.WARNING,
)
def accidental_blockquote(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Finds a line starting with ``>`` right below a line of paragraph text (or of a
    list item), outside code blocks. A quote right under a line that introduces it
    (a label in bold or italics, ``**Prompt**``, or text ending in a colon) is taken
    as meant, unless it reads as a comparison (``> 0``, ``>= 1``).

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
    # Found while reading (skillshelf.quotes), so the scan cache keeps them.
    yield from recorded(ctx, ACCIDENTAL_BLOCKQUOTE)
