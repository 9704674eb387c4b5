"""Rules for problems found while reading files, before any content check.

The model records these while it reads (see :mod:`skillshelf.frontmatter`);
the rules here only report them under their own ids.
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Severity
from skillshelf.fixes import text_fix
from skillshelf.frontmatter import (
    ENCODING,
    FRONTMATTER_MISSING,
    FRONTMATTER_SYNTAX,
    LINE_ENDINGS,
    MULTIMARKDOWN_METADATA,
)
from skillshelf.model import SYMLINK, UNREADABLE
from skillshelf.rules.base import Finding, LintContext, rule


def recorded(ctx: LintContext, rule_id: str) -> Iterator[Finding]:
    """Every issue recorded under ``rule_id`` while the tree was read, as findings.

    The one way a recorded issue reaches the output: each rule whose problems
    are found while reading reports them through this, under its own id (the
    tests check that no recorded id lacks its rule). A named text fix becomes
    a fix of the file.
    """
    for path, issue in ctx.recorded.get(rule_id, ()):
        fix = text_fix(issue.fix, path) if issue.fix else None
        yield Finding(path, issue.message, issue.position, fix)


@rule(
    FRONTMATTER_MISSING,
    "SKILL.md and DESCRIPTION.md must start with a YAML frontmatter block.",
)
def frontmatter_missing(ctx: LintContext) -> Iterator[Finding]:
    yield from recorded(ctx, FRONTMATTER_MISSING)


@rule(
    FRONTMATTER_SYNTAX,
    "Frontmatter must be valid, closed YAML without duplicate keys or aliases.",
)
def frontmatter_syntax(ctx: LintContext) -> Iterator[Finding]:
    yield from recorded(ctx, FRONTMATTER_SYNTAX)


@rule(
    ENCODING,
    "Markdown files must be UTF-8 text: no binary content, no byte-order mark.",
    fixable=True,
)
def encoding(ctx: LintContext) -> Iterator[Finding]:
    yield from recorded(ctx, ENCODING)  # file names that are not UTF-8 too


@rule(LINE_ENDINGS, "Markdown files use LF line endings.", Severity.WARNING, fixable=True)
def line_endings(ctx: LintContext) -> Iterator[Finding]:
    yield from recorded(ctx, LINE_ENDINGS)


@rule(SYMLINK, "Symlinks must stay inside the tree, point at files, and resolve.", Severity.WARNING)
def symlink(ctx: LintContext) -> Iterator[Finding]:
    yield from recorded(ctx, SYMLINK)


@rule(
    UNREADABLE,
    "Every file and folder in the tree must be a regular file or folder that can be read.",
)
def unreadable(ctx: LintContext) -> Iterator[Finding]:
    """A FIFO, a device or a socket in the tree (a ``SKILL.md`` that is one would
    publish an empty page), a folder named like a Markdown file (``SKILL.md/``),
    and a file or folder the linter has no permission to read. Such entries are
    never opened and the site leaves them out. Replace them with regular files,
    or fix their permissions (the message gives the operating system's reason).
    """
    yield from recorded(ctx, UNREADABLE)


@rule(
    MULTIMARKDOWN_METADATA,
    "A published page must not start with 'key: value' lines, which MkDocs takes as metadata.",
    Severity.WARNING,
)
def multimarkdown_metadata(ctx: LintContext) -> Iterator[Finding]:
    """MkDocs reads the first lines of a Markdown page without YAML frontmatter
    as MultiMarkdown metadata when the first one looks like ``key: value``
    (``Note: read this first``, ``https://example.org``): those lines vanish
    from the published page, and their values are text, so ``tags: 5`` or
    ``search: x`` stops the site build. Start the page with a heading or a
    blank line, or put real metadata in a YAML block between ``---`` lines,
    where the page schema checks it.
    """
    yield from recorded(ctx, MULTIMARKDOWN_METADATA)
