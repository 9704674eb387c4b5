"""Rules on links between files."""

from __future__ import annotations

import os
from collections.abc import Iterator

from skillshelf.diagnostics import Severity, quoted
from skillshelf.model import Document
from skillshelf.rules.base import Finding, LintContext, rule


def _is_placeholder(target: str) -> bool:
    """A bare word (``[name](url)`` in an output template): no dot, no slash, no
    ``#``, so no file name any link would point at; a placeholder, not a link."""
    return not any(mark in target for mark in "./#")


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
    the agent will write; so is a target that is a bare word (no dot, no slash,
    no ``#``: ``[name](url)`` in an output format), a placeholder, not a path.
    Site-absolute links (``/x.md``) are left to ``unverifiable-link``.

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
            if _is_placeholder(link.target):
                continue
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


def _on_site(docs_dir: str, path: str) -> bool:
    """Whether a site-absolute ``path`` names a file inside ``docs_dir``."""
    resolved = os.path.normpath(os.path.join(docs_dir, path.lstrip("/")))
    return resolved.startswith(docs_dir.rstrip(os.sep) + os.sep) and os.path.exists(resolved)


@rule(
    "unverifiable-link",
    "A site-absolute link must resolve under the site's docs_dir, or it is reported once.",
    Severity.INFO,
)
def unverifiable_link(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports, once per file, a site-absolute link (``[guide](/get-started/x.md)``,
    outside code) that cannot be checked: the linter runs on the skills tree
    alone and does not know the site the link expects. When a site build runs
    the lint, the MkDocs plugin passes its ``docs_dir``, and links to files that
    exist there are not reported. An ``info`` finding: it never fails a commit.

    ## Why is this bad?
    A link that starts with ``/`` works only on one site served at one path: on
    GitHub, in an agent reading the skill from disk, or on a site under a
    sub-path it leads nowhere, and no check can tell whether it ever worked.

    ## Example
    ```markdown
    Install it first ([setup](/get-started/setup.md)).
    ```

    ## Use instead
    Link relatively (``../../references/setup.md``) to a file in the tree, or by
    a full URL (``https://...``) to a page outside it.
    """
    docs_dir = str(ctx.config.docs_dir) if ctx.config.docs_dir is not None else None
    for document in ctx.documents():
        if not document.has_text:
            continue
        unverified = [
            link
            for link in ctx.analysis(document).site_links
            if docs_dir is None or not _on_site(docs_dir, link.path)
        ]
        if unverified:
            first = unverified[0]
            others = len(unverified) - 1
            more = f" (and {others:,} more in this file)" if others else ""
            yield Finding(
                document.path,
                f"site-absolute link {quoted(first.target)}{more} cannot be checked: "
                "link relatively to a file in the tree, or by full URL",
                first.position,
            )
