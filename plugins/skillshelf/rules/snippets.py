"""Rules on the Python snippets of the documents: TRL / peft config calls.

All five rules share one analysis per document and ``trl`` target
(:meth:`skillshelf.model.Document.snippet_issues`), so a document is parsed
once however many of them run.
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Position, Severity
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.trl import snippets


def _findings(ctx: LintContext, rule_id: str) -> Iterator[Finding]:
    for document in ctx.documents():
        if not document.has_text:
            continue
        for issue in document.snippet_issues(document.trl_target):
            if issue.rule == rule_id:
                yield Finding(document.path, issue.message, Position(issue.line, issue.column))


@rule(
    snippets.UNKNOWN_ARGUMENT,
    "A TRL/peft config call passes a keyword the pinned release does not accept.",
    Severity.ERROR,
)
def config_unknown_argument(ctx: LintContext) -> Iterator[Finding]:
    yield from _findings(ctx, snippets.UNKNOWN_ARGUMENT)


@rule(
    snippets.TYPE_MISMATCH,
    "A TRL/peft config call passes a literal of a type the argument's annotation rules out.",
    Severity.ERROR,
)
def config_type_mismatch(ctx: LintContext) -> Iterator[Finding]:
    yield from _findings(ctx, snippets.TYPE_MISMATCH)


@rule(
    snippets.INVALID_VALUE,
    "A TRL/peft config call passes a loss_type or choice value the release does not know.",
    Severity.ERROR,
)
def config_invalid_value(ctx: LintContext) -> Iterator[Finding]:
    yield from _findings(ctx, snippets.INVALID_VALUE)


@rule(
    snippets.CONFLICT,
    "A TRL/peft config call combines literal arguments that TRL (or peft) rejects together.",
    Severity.ERROR,
)
def config_conflict(ctx: LintContext) -> Iterator[Finding]:
    yield from _findings(ctx, snippets.CONFLICT)


@rule(
    snippets.SYNTAX,
    "A Python code block does not parse, so its config calls cannot be checked.",
    Severity.WARNING,
)
def snippet_syntax(ctx: LintContext) -> Iterator[Finding]:
    yield from _findings(ctx, snippets.SYNTAX)
