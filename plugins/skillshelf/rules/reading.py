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
    """## What it does
    Reports a ``SKILL.md`` or ``DESCRIPTION.md`` whose first line is not ``---``,
    the line that opens a YAML frontmatter block.

    ## Why is this bad?
    A skill's name and description, which agents read to decide when to use it,
    live in its frontmatter; so do a category's title and description. Without
    it the skill has no name an agent can find, and the site has nothing to show
    for it but the folder's name.

    ## Example
    ```markdown
    # Fine-tuning with TRL

    Use this skill when...
    ```

    ## Use instead
    ```markdown
    ---
    name: trl-fine-tuning
    description: Fine-tune language models with TRL. Use when training with SFT or DPO.
    ---

    # Fine-tuning with TRL
    ```
    """
    yield from recorded(ctx, FRONTMATTER_MISSING)


@rule(
    FRONTMATTER_SYNTAX,
    "Frontmatter must be valid, closed YAML without duplicate keys or aliases.",
)
def frontmatter_syntax(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports frontmatter that is not valid YAML or that skillshelf refuses to read:
    a block never closed by a ``---`` line, a syntax error, a duplicate key, an
    anchor used again through an alias (``*name``, ``<<: *name``), nesting deeper
    than 32 levels, an integer of over 1,000 digits, a value YAML cannot build
    (``!!int x``), or a block over 64 KiB. The finding points at the line and
    column where reading stopped.

    ## Why is this bad?
    Nothing in a block that does not read can be trusted: agents, the site and
    every other rule see no frontmatter at all. Duplicate keys silently keep one
    of the values; aliases can make a few lines expand into gigabytes.

    ## Example
    ```yaml
    ---
    name: vllm
    description: Serve models with vLLM.
    name: vllm-serving
    ---
    ```

    ## Use instead
    Keep each key once, and write values out rather than referring to an anchor:
    ```yaml
    ---
    name: vllm
    description: Serve models with vLLM.
    ---
    ```
    """
    yield from recorded(ctx, FRONTMATTER_SYNTAX)


@rule(
    ENCODING,
    "Markdown files must be UTF-8 text: no binary content, no byte-order mark.",
    fixable=True,
)
def encoding(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a Markdown file that is not UTF-8 text: UTF-16, bytes that are not
    valid UTF-8, binary content (NUL bytes), or a UTF-8 byte-order mark; a file
    over 16 MiB, which is never read; and a file or folder name that is not valid
    UTF-8. ``--fix`` removes a byte-order mark.

    ## Why is this bad?
    Agents, MkDocs and every tool in between read Markdown as UTF-8: anything
    else shows up as mojibake or stops them. A byte-order mark ends up in front of
    the opening ``---``, so the frontmatter is not recognised. A name that is not
    UTF-8 cannot become a URL.

    ## Example
    A ``SKILL.md`` saved as "UTF-16" or "UTF-8 with BOM" by an editor, or a file
    whose name was written in Latin-1 (the byte ``0xE9`` for an é).

    ## Use instead
    Save the file as UTF-8 without a byte-order mark (``skillshelf lint --fix``
    removes the mark), and rename files to UTF-8 names.
    """
    yield from recorded(ctx, ENCODING)  # file names that are not UTF-8 too


@rule(LINE_ENDINGS, "Markdown files use LF line endings.", Severity.WARNING, fixable=True)
def line_endings(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a Markdown file with CRLF (Windows) or lone CR line endings, at the
    first one. ``--fix`` converts the file to LF.

    ## Why is this bad?
    Mixed endings make diffs noisy and trip tools that split lines on LF alone
    (a stray CR ends up inside values and headings); the library keeps one
    convention.

    ## Example
    A ``SKILL.md`` written on Windows without ``core.autocrlf``: every line ends
    in CR LF.

    ## Use instead
    LF line endings: ``skillshelf lint --fix``, or ``* text=auto eol=lf`` in
    ``.gitattributes``.
    """
    yield from recorded(ctx, LINE_ENDINGS)


@rule(SYMLINK, "Symlinks must stay inside the tree, point at files, and resolve.", Severity.WARNING)
def symlink(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a symlink in the tree that skillshelf does not follow: one that
    points outside the skills root, at a folder, at nothing (broken), or around
    in a loop; and a skills root that is not a folder. A link to a file inside
    the tree is followed and raises nothing.

    ## Why is this bad?
    A link out of the tree would publish whatever it points at (``~/.ssh``, a
    secret) and breaks for everyone who clones the repository. A link to a
    folder can loop forever. What is not followed is neither checked nor
    published.

    ## Example
    ```text
    skills/mlops/vllm/references/setup.md -> /home/me/notes/vllm.md
    skills/mlops/all -> ..
    ```

    ## Use instead
    Copy the file into the skill (or link with a relative Markdown link to a
    file inside the tree); never link folders.
    """
    yield from recorded(ctx, SYMLINK)


@rule(
    UNREADABLE,
    "Every file and folder in the tree must be a regular file or folder that can be read.",
)
def unreadable(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports what the tree holds but cannot be read as a file: a FIFO, a device
    or a socket, a folder named like a Markdown file (``SKILL.md/``), and a file
    or folder the linter has no permission to read (the message gives the
    operating system's reason). Such entries are never opened.

    ## Why is this bad?
    Opening a FIFO would hang the linter and the site build; a ``SKILL.md`` that
    is one would publish an empty page. Whatever cannot be read is left out of
    the site, and nothing in an unreadable folder is checked.

    ## Example
    ```text
    skills/tools/grep/SKILL.md      a named pipe (mkfifo)
    skills/private/                 mode 000
    ```

    ## Use instead
    Replace the entry with a regular file, or give it read permission
    (``chmod a+r``, ``chmod a+rx`` for a folder).
    """
    yield from recorded(ctx, UNREADABLE)


@rule(
    MULTIMARKDOWN_METADATA,
    "A published page must not start with 'key: value' lines, which MkDocs takes as metadata.",
    Severity.WARNING,
)
def multimarkdown_metadata(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a published Markdown page without YAML frontmatter whose first line
    looks like ``key: value`` (``Note: read this first``, ``https://example.org``),
    with the lines that follow it in the same way.

    ## Why is this bad?
    MkDocs reads such lines as MultiMarkdown metadata: they vanish from the
    published page, and their values are text, so ``tags: 5`` or ``search: x``
    stops the site build.

    ## Example
    ```markdown
    Note: run the setup script first.

    # Setup
    ```

    ## Use instead
    Start the page with a heading or a blank line, or put real metadata in a YAML
    block between ``---`` lines, where the page schema checks it:
    ```markdown
    # Setup

    Note: run the setup script first.
    ```
    """
    yield from recorded(ctx, MULTIMARKDOWN_METADATA)
