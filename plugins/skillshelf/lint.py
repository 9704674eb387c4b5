"""Running the rules over a tree: the one entry point the CLI, the hook and
the MkDocs plugin share.

The flow runs one way: the walk reads the tree (:func:`skillshelf.model.scan`,
with the scan cache as its reader), the run's analyses work out what each
document holds (:class:`skillshelf.analysis.Analyses`, with the cache as their
store), the rules turn both into findings, and the reporting policy bounds
them. The cache sits beside the flow: it hands out what earlier runs made and
is saved at the end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from skillshelf.analysis import Analyses, AnalysisStore
from skillshelf.cache import ScanCache
from skillshelf.config import ConfigError, LintConfig
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.model import SkillTree, scan
from skillshelf.readahead import read_ahead
from skillshelf.rules import all_rules
from skillshelf.rules.base import REGISTRY, LintContext, Rule, concerns
from skillshelf.rules.suppressions import UNUSED_SUPPRESSION
from skillshelf.suggest import did_you_mean
from skillshelf.suppress import apply_suppressions


@dataclass(frozen=True)
class LintResult:
    tree: SkillTree
    diagnostics: list[Diagnostic]

    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), key=lambda s: s.rank, default=None)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)


def check_rule_ids(config: LintConfig) -> None:
    """Refuse a configuration whose ``[rules]`` or ``per-file-ignores`` table
    names a rule that does not exist (a typo would leave the rule at its default
    level, or reported, unnoticed): a :class:`ConfigError` naming the file, with
    a did-you-mean."""
    known = {rule.id for rule in all_rules()}
    named = [(rule_id, "[rules]") for rule_id in config.severities]
    named += [
        (rule_id, f"per-file-ignores {pattern!r}")
        for pattern, rule_ids in config.per_file_ignores
        for rule_id in rule_ids
    ]
    for rule_id, where in named:
        if rule_id not in known:
            suffix = did_you_mean(rule_id, known)
            raise ConfigError(f"{config.where}: unknown rule {rule_id!r} in {where}{suffix}")


def active_rules(
    config: LintConfig, select: Iterable[str] | None = None
) -> list[tuple[Rule, Severity]]:
    chosen = set(select) if select else None
    rules: list[tuple[Rule, Severity]] = []
    for rule in all_rules():
        if config.style not in rule.styles or (chosen is not None and rule.id not in chosen):
            continue
        severity = config.severity_of(rule.id, rule.severity)
        if severity is not Severity.OFF:
            rules.append((rule, severity))
    return rules


def run_rules(
    tree: SkillTree,
    config: LintConfig,
    select: Iterable[str] | None = None,
    paths: Sequence[Path] = (),
    *,
    analyses: Analyses | None = None,
) -> list[Diagnostic]:
    """Every finding of the active rules, as diagnostics in a stable order, less
    those suppressed by comments or ``per-file-ignores`` (applied here, once,
    after every rule ran: :mod:`skillshelf.suppress`); ``analyses`` defaults
    to a fresh set (no store) for the configured style."""
    if analyses is None:
        analyses = Analyses(config.style)
    context = LintContext(tree, config, analyses, tuple(paths))
    active = active_rules(config, select)
    found = {
        Diagnostic(rule.id, severity, finding.path, finding.message, finding.position, finding.fix)
        for rule, severity in active
        for finding in rule.check(context)
    }
    comments = {
        document.path: suppressions
        for document in context.documents()
        if (suppressions := context.analysis(document).suppressions)
    }
    levels = {rule.id: severity for rule, severity in active}
    diagnostics = apply_suppressions(
        found, config, comments, REGISTRY, levels, levels.get(UNUSED_SUPPRESSION)
    )
    return sorted(diagnostics, key=Diagnostic.sort_key)


def lint(
    config: LintConfig,
    paths: Sequence[Path] = (),
    *,
    tree: SkillTree | None = None,
    store: AnalysisStore | None = None,
    select: Iterable[str] | None = None,
    use_cache: bool = False,
    parallel: bool = False,
    one_shot: bool = False,
) -> LintResult:
    """Lint the whole tree, reporting only what concerns ``paths`` when given.

    Tree-level rules always see the whole tree: a file handed over by
    pre-commit is judged in context (a new skill that makes its category a
    singleton is reported against that category).

    ``tree``: a tree the caller scanned (the MkDocs plugin, which also
    publishes it); ``store`` then keeps the analyses (the caller's scan
    cache). Without a tree, the tree is scanned here.

    ``use_cache`` reads and updates the scan cache (:mod:`skillshelf.cache`)
    (outside the project), so that only files that changed are read again.

    ``parallel``: without a cache, or with an empty one, read a big tree in
    worker processes first (:mod:`skillshelf.readahead`). The workers are
    spawned, and a spawned process imports the caller's main script again, so
    this is off by default: the CLI turns it on, a script that does should
    keep its top level under ``if __name__ == "__main__":``.

    ``one_shot`` says the process ends after this run (the CLI, the hook): what
    the cache loaded then lives until exit, so it is taken out of the cyclic
    garbage collector's sight (``gc.freeze``); otherwise every collection
    during the scan walks a big tree's whole cache again (a third of a warm
    lint of 10,000 skills). A long-running caller (``mkdocs serve``) must not
    do this: it would also freeze the garbage of its earlier work.
    """
    check_rule_ids(config)
    cache = None
    if tree is None:
        cache = ScanCache.open(config.root) if use_cache else None
        if parallel:  # an empty cache (or none) on a big tree: read it on every core first
            cache = read_ahead(config, cache)
        if cache is not None and one_shot:
            gc.freeze()
        tree = scan(config.root, roots=config.roots, reader=cache, exclude=config.excluded)
        store = cache
    diagnostics = run_rules(tree, config, select, paths, analyses=Analyses(config.style, store))
    if cache is not None:
        cache.save()
    if paths:
        diagnostics = [d for d in diagnostics if concerns(d.path, paths)]
    return LintResult(tree, bounded(diagnostics))


#: At most this many findings of one rule are reported for one file; the rest
#: become one "... and N more" line. A file with more than 50 findings of one
#: kind needs the first few fixed, not all of them read (30,000 list items of
#: the wrong type printed 4 MB). ruff and yamllint print everything; a linter
#: of contributions from strangers cannot.
FINDINGS_PER_RULE_PER_FILE = 50
#: Messages are cut at this length (rules quote values short already; this
#: bounds what any message, from any rule, can print).
MESSAGE_LIMIT = 1000


def bounded(
    diagnostics: Sequence[Diagnostic],
    per_rule_per_file: int = FINDINGS_PER_RULE_PER_FILE,
    message_limit: int = MESSAGE_LIMIT,
) -> list[Diagnostic]:
    """The reporting policy, applied after the rules and before any format:
    the first ``per_rule_per_file`` findings of each rule in each file (in
    order), one line saying how many more there are, and no message longer
    than ``message_limit`` characters. Rules stay simple: they report all."""
    counts: dict[tuple[Path, str], int] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.path, diagnostic.rule)
        counts[key] = counts.get(key, 0) + 1
    kept: list[Diagnostic] = []
    seen: dict[tuple[Path, str], int] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.path, diagnostic.rule)
        index = seen[key] = seen.get(key, 0) + 1
        if index <= per_rule_per_file:
            kept.append(_short(diagnostic, message_limit))
        elif index == per_rule_per_file + 1:
            more = counts[key] - per_rule_per_file
            message = f"... and {more:,} more {diagnostic.rule} findings in this file"
            kept.append(replace(diagnostic, message=message, fix=None, hidden=more))
    return kept


def _short(diagnostic: Diagnostic, limit: int) -> Diagnostic:
    message = diagnostic.message
    if len(message) <= limit:
        return diagnostic
    return replace(diagnostic, message=f"{message[:limit]}… ({len(message):,} characters)")


__all__ = [
    "LintResult",
    "active_rules",
    "bounded",
    "check_rule_ids",
    "concerns",
    "lint",
    "run_rules",
]
