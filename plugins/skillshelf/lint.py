"""Running the rules over a tree: the one entry point the CLI, the hook and
the MkDocs plugin share."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from skillshelf.config import LintConfig
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.model import SkillTree, scan
from skillshelf.rules.base import LintContext, Rule, all_rules, concerns


@dataclass(frozen=True)
class LintResult:
    tree: SkillTree
    diagnostics: list[Diagnostic]

    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), key=lambda s: s.rank, default=None)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)


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
) -> list[Diagnostic]:
    context = LintContext(tree, config, tuple(paths))
    diagnostics = {
        Diagnostic(rule.id, severity, finding.path, finding.message, finding.position, finding.fix)
        for rule, severity in active_rules(config, select)
        for finding in rule.check(context)
    }
    return sorted(diagnostics, key=Diagnostic.sort_key)


def lint(
    config: LintConfig,
    paths: Sequence[Path] = (),
    *,
    tree: SkillTree | None = None,
    select: Iterable[str] | None = None,
    use_cache: bool = False,
    parallel: bool = False,
    one_shot: bool = False,
) -> LintResult:
    """Lint the whole tree, reporting only what concerns ``paths`` when given.

    Tree-level rules always see the whole tree: a file handed over by
    pre-commit is judged in context (a new skill that makes its category a
    singleton is reported against that category).

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
    cache = None
    if tree is None:
        from skillshelf.cache import ScanCache
        from skillshelf.readahead import read_ahead

        cache = ScanCache.open(config.root) if use_cache else None
        if parallel:  # an empty cache (or none) on a big tree: read it on every core first
            cache = read_ahead(config, cache)
        if cache is not None and one_shot:
            gc.freeze()
        tree = scan(config.root, cache=cache)
    diagnostics = run_rules(tree, config, select, paths)
    if cache is not None:
        cache.save()
    if paths:
        diagnostics = [d for d in diagnostics if concerns(d.path, paths)]
    return LintResult(tree, diagnostics)


__all__ = ["LintResult", "active_rules", "concerns", "lint", "run_rules"]
