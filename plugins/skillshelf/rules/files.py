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
