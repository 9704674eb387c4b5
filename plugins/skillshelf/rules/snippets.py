"""Rules on the Python snippets of the documents: TRL / peft config calls.

All of them report what one check of each document found, part of its
analysis (:mod:`skillshelf.analysis`), so a document is parsed once however
many of them run. The ids are constants of :mod:`skillshelf.trl.snippets`,
which records every issue under one of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Severity
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.rules.reading import recorded
from skillshelf.trl import snippets


def _findings(ctx: LintContext, rule_id: str) -> Iterator[Finding]:
    yield from recorded(ctx, rule_id)


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
