"""Rules on the files a skill ships."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skillshelf.rules.base import Finding, LintContext, rule


@rule(
    "oversized-file",
    "SKILL.md, references and bundled files must stay under max-bytes (default 1 MiB).",
)
def oversized_file(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a skill's ``SKILL.md``, reference page, other Markdown file or
    bundled file larger than ``max-bytes`` (default 1 MiB), with its size.

    ## Why is this bad?
    Agents load a skill's files into their context; a megabyte of text crowds
    out the task, and a big binary bloats every clone and the published site.

    ## Example
    ```text
    skills/data/tidy-csv/assets/sample.csv   48,000,000 bytes
    ```

    ## Use instead
    Split long references into several pages, trim samples to what the skill
    needs, and link to large data instead of shipping it; or raise ``max-bytes``
    in ``[tool.skillshelf.files]``.
    """
    limit = ctx.config.max_file_bytes
    for skill in ctx.tree.skills:
        sized = [(d.abspath, d.size) for d in skill.documents()] + [
            (f.abspath, f.size) for f in skill.bundled
        ]
        for path, size in sized:
            if size > limit:
                yield Finding(
                    Path(path),
                    f"file is {size:,} bytes, over the limit of {limit:,}: split or trim it",
                )
