"""Rules on links between files."""

from __future__ import annotations

import os
from collections.abc import Iterator

from skillshelf.diagnostics import quoted
from skillshelf.model import Document
from skillshelf.rules.base import Finding, LintContext, rule


def _is_template(document: Document) -> bool:
    """A file under a skill's ``templates/`` is the skeleton of a document the
    agent writes elsewhere: its relative links point into that future output."""
    skill = document.skill
    return skill is not None and document.relpath.startswith(f"{skill.relpath}/templates/")


@rule(
    "broken-link",
    "A relative Markdown link or image must point at a file that exists inside the tree.",
)
def broken_link(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks every relative Markdown link and image (and ``src=``/``href=`` in inline
    HTML) outside code: the file it points at must exist inside the skills tree.
    Links in a skill's ``templates/`` are skipped: they point into the document
    the agent will write.

    ## Why is this bad?
    A broken link is a dead end for the agent and the reader; a link that leaves
    the tree (``../../README.md``) works in the repository but not on the
    published site, which only holds the tree.

    ## Example
    ```markdown
    See [the setup guide](references/setup.md).   <!-- no such file -->
    See [the README](../../../README.md).          <!-- outside the tree -->
    ```

    ## Use instead
    Point at a file that exists in the tree (fix the path, or add the file), and
    link to pages outside the tree by their URL.
    """
    roots = ctx.tree.root_dirs
    inside = tuple(root.rstrip(os.sep) + os.sep for root in roots)
    for document in ctx.documents():
        if not document.has_text or _is_template(document):
            continue
        base = os.path.dirname(document.abspath)
        for link in ctx.analysis(document).links:
            resolved = os.path.normpath(os.path.join(base, link.path))
            if resolved not in roots and not resolved.startswith(inside):
                yield Finding(
                    document.path,
                    f"link {quoted(link.target)} leaves the skills tree; "
                    "it cannot work on the published site",
                    link.position,
                )
            # The walk saw every file it kept; only a target it skipped (a
            # hidden file, say) costs a look at the disk.
            elif not ctx.tree.has_path(resolved) and not os.path.exists(resolved):
                yield Finding(
                    document.path,
                    f"link target {quoted(link.target)} does not exist",
                    link.position,
                )
