"""Rules on links between files."""

from __future__ import annotations

import os
from collections.abc import Iterator

from skillshelf.links import iter_links
from skillshelf.model import Document
from skillshelf.rules.base import Finding, LintContext, rule


def _is_template(document: Document) -> bool:
    """A file under a skill's ``templates/`` is the skeleton of a document the
    agent writes elsewhere: its relative links point into that future output."""
    skill = document.skill
    return skill is not None and (skill.dir / "templates") in document.path.parents


@rule(
    "broken-link",
    "A relative Markdown link or image must point at a file that exists inside the tree.",
)
def broken_link(ctx: LintContext) -> Iterator[Finding]:
    root = str(ctx.tree.root)
    for document in ctx.tree.documents():
        if document.text is None or _is_template(document):
            continue
        base = document.path.parent
        for link in iter_links(document.text):
            resolved = os.path.normpath(os.path.join(base, link.path))
            if os.path.commonpath([root, resolved]) != root:
                yield Finding(
                    document.path,
                    f"link {link.target!r} leaves the skills tree; it cannot work on the published site",
                    link.position,
                )
            elif not os.path.exists(resolved):
                yield Finding(
                    document.path, f"link target {link.target!r} does not exist", link.position
                )
