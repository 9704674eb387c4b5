"""What a lint rule is, and the registry that holds them.

A rule is a plain function over the scanned tree that yields :class:`Finding`
values. The registry stamps each finding with the rule's id and the severity
the configuration asks for, so rules never deal with configuration of
severities or with output formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillshelf.diagnostics import START, Fix, Position, Severity

if TYPE_CHECKING:
    from skillshelf.config import LintConfig
    from skillshelf.model import SkillTree


@dataclass(frozen=True)
class Finding:
    """What a rule reports; the registry turns it into a Diagnostic."""

    path: Path
    message: str
    position: Position = START
    fix: Fix | None = None


@dataclass(frozen=True)
class LintContext:
    """Everything a rule may look at. Rules must not touch the file system."""

    tree: SkillTree
    config: LintConfig


Check = Callable[[LintContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    severity: Severity
    check: Check
    fixable: bool = False
    #: Rules that only make sense for one frontmatter style ("skillshelf" or "hermes").
    styles: frozenset[str] = frozenset({"skillshelf", "hermes"})


REGISTRY: dict[str, Rule] = {}

_RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def rule(
    rule_id: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    *,
    fixable: bool = False,
    styles: Iterable[str] = ("skillshelf", "hermes"),
) -> Callable[[Check], Check]:
    """Register ``check`` under a stable kebab-case id with a one-line summary."""

    if not _RULE_ID.match(rule_id):
        raise ValueError(f"rule id {rule_id!r} is not kebab-case")
    if rule_id in REGISTRY:
        raise ValueError(f"rule id {rule_id!r} registered twice")

    def register(check: Check) -> Check:
        REGISTRY[rule_id] = Rule(rule_id, summary, severity, check, fixable, frozenset(styles))
        return check

    return register


def all_rules() -> Iterator[Rule]:
    """Every known rule, importing the rule modules on first use."""
    from skillshelf import rules  # noqa: F401  (importing registers the rules)

    yield from sorted(REGISTRY.values(), key=lambda r: r.id)
