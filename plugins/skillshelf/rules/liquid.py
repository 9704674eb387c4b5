"""Liquid tags (``{% raw %}``, GitBook's ``{% hint %}``) left in Markdown."""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Severity
from skillshelf.liquid import LIQUID_TAG
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.rules.reading import recorded

__all__ = ["LIQUID_TAG", "liquid_tag"]


@rule(
    LIQUID_TAG,
    "Markdown must not hold Liquid tags ({% raw %}, GitBook's {% hint %}): they show as text.",
    Severity.WARNING,
)
def liquid_tag(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Finds the Liquid template tags ``{% raw %}``, ``{% endraw %}``,
    ``{% hint style="..." %}`` and ``{% endhint %}`` outside code blocks and code
    spans, with their line and column.

    ## Why is this bad?
    They belong to the tool a library was once published with (Jekyll, GitBook).
    Everywhere else (GitHub, an MkDocs site, the agent that reads the SKILL.md)
    each tag is literal text in the middle of the instructions. The skillshelf
    site leaves them out and shows a hint as an admonition, but the file itself
    still reads wrong.

    ## Example
    ```markdown
    {% hint style="warning" %}
    Back up the index first.
    {% endhint %}

    {% raw %}
    `{{ model_name }}` is filled in by the template.
    {% endraw %}
    ```

    ## Use instead
    Plain Markdown: a block quote for the hint, and no tags around text that only
    Liquid would have expanded:
    ```markdown
    > **Warning:** back up the index first.

    `{{ model_name }}` is filled in by the template.
    ```
    """
    # Found while reading (skillshelf.liquid), so the scan cache keeps them.
    yield from recorded(ctx, LIQUID_TAG)
