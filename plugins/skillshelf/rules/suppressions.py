"""The rule about suppression comments themselves.

Which findings a ``<!-- skillshelf: disable=... -->`` comment suppresses is
decided once, after every rule ran (:mod:`skillshelf.suppress`): a rule cannot
know whether another rule's finding was there to suppress. So this rule's
check finds nothing itself; it registers the id, the default level and the
documentation, and :mod:`skillshelf.suppress` reports under it.
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Severity
from skillshelf.rules.base import Finding, LintContext, rule

UNUSED_SUPPRESSION = "unused-suppression"


@rule(
    UNUSED_SUPPRESSION,
    "A suppression comment must name known rules and suppress a finding.",
    Severity.WARNING,
)
def unused_suppression(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks every suppression comment (``<!-- skillshelf: disable=rule-id -->``,
    which suppresses the rules it names on the next non-blank line, or on the
    whole fenced block when that line opens one; ``disable-file=rule-id`` for the
    whole file). It reports a comment that suppresses nothing, one that names a
    rule that does not exist (with a did-you-mean), and one that starts like a
    directive but does not parse. Comments inside fenced code are not directives.
    Like ruff's ``RUF100``.

    ## Why is this bad?
    A suppression outlives the finding it was written for: once the text is
    fixed, a stale comment would silently hide the next, real problem on that
    line. A misspelt rule id suppresses nothing while looking as if it did.

    ## Example
    ```markdown
    <!-- skillshelf: disable=broken-link -->
    See [the guide](references/guide.md).   <!-- the file exists now -->

    <!-- skillshelf: disable=broken-links -->
    ```

    ## Use instead
    Remove the comment, or correct the rule id (``skillshelf rules`` lists them).
    """
    return iter(())
