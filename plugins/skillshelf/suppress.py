"""What the configuration and the text ask not to report, applied once after the rules.

Two ways to silence a finding, both applied here and nowhere else, so no rule
has to know about them:

* ``per-file-ignores`` in the configuration: rule ids not reported on paths
  matching a glob (as ruff's setting of the same name);
* suppression comments in the Markdown (:mod:`skillshelf.directives`):
  ``disable`` for the next line or fenced block, ``disable-file`` for the file.

A comment that suppressed nothing, names an unknown rule or does not parse is
reported under ``unused-suppression`` (as ruff's ``RUF100``). A comment naming
a rule that did not run (turned off, not selected, another style's) is not
judged: whether it would suppress something is not known.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from skillshelf.config import LintConfig
from skillshelf.diagnostics import Diagnostic, Position, Severity, quoted
from skillshelf.directives import WHOLE_FILE, Suppression
from skillshelf.rules.suppressions import UNUSED_SUPPRESSION
from skillshelf.suggest import did_you_mean


def apply_suppressions(
    diagnostics: Iterable[Diagnostic],
    config: LintConfig,
    comments: Mapping[Path, tuple[Suppression, ...]],
    known: Collection[str],
    ran: Collection[str],
    unused_severity: Severity | None,
) -> list[Diagnostic]:
    """The ``diagnostics`` that are not suppressed, plus the findings about the
    suppression comments themselves.

    ``comments``: each document's suppression comments, by path (the documents
    whose findings are reported). ``known``: every rule id; ``ran``: those that
    ran. ``unused_severity``: the level of ``unused-suppression`` (None: off).
    """
    used: set[tuple[Path, int, str]] = set()
    kept: list[Diagnostic] = []
    ignored: dict[Path, frozenset[str]] = {}
    for diagnostic in diagnostics:
        path = diagnostic.path
        if path not in ignored:
            ignored[path] = config.ignored_rules(path)
        if diagnostic.rule in ignored[path]:
            continue
        covering = [
            s
            for s in comments.get(path, ())
            if diagnostic.rule in s.rules and s.covers(diagnostic.line)
        ]
        if not covering or diagnostic.rule == UNUSED_SUPPRESSION:
            kept.append(diagnostic)
        for suppression in covering:
            used.add((path, suppression.line, diagnostic.rule))
    if unused_severity is None:
        return kept
    for path, suppressions in comments.items():
        if UNUSED_SUPPRESSION in config.ignored_rules(path):
            continue
        for suppression in suppressions:
            message = _judged(suppression, used, path, known, ran)
            if message is not None:
                where = Position(suppression.line, suppression.column)
                kept.append(Diagnostic(UNUSED_SUPPRESSION, unused_severity, path, message, where))
    return kept


def _judged(
    suppression: Suppression,
    used: set[tuple[Path, int, str]],
    path: Path,
    known: Collection[str],
    ran: Collection[str],
) -> str | None:
    """What is wrong with one comment, or None."""
    if suppression.malformed:
        return (
            f"suppression comment {quoted(suppression.malformed)} does not parse: write "
            "<!-- skillshelf: disable=rule-id --> or <!-- skillshelf: disable-file=rule-id -->"
        )
    unknown = [r for r in suppression.rules if r not in known]
    if unknown:
        suggestion = did_you_mean(unknown[0], known)
        return f"suppression names unknown rule {quoted(unknown[0])}{suggestion}"
    unused = [r for r in suppression.rules if r in ran and (path, suppression.line, r) not in used]
    if not unused:
        return None
    names = ", ".join(unused)
    scope = "in this file" if suppression.last == WHOLE_FILE else "on the line or block it covers"
    return f"unused suppression of {names}: no such finding {scope}; remove it"
