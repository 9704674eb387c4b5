"""What a lint rule is, and the registry that holds them.

A rule is a plain function over the scanned tree (and each document's
analysis) that yields :class:`Finding` values. The registry stamps each
finding with the rule's id and the severity the configuration asks for, so
rules never deal with configuration of severities or with output formats.

A rule's docstring is its documentation, in the four sections of
:data:`DOC_SECTIONS` (as ruff documents its rules): ``skillshelf rules
--explain ID`` prints it and the site's rules page publishes it.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from skillshelf.analysis import Analyses, Analysis
from skillshelf.config import STYLES, LintConfig
from skillshelf.diagnostics import START, Fix, Issue, Position, Severity
from skillshelf.model import Document, SkillTree


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
    #: The analyses of this run's documents (:meth:`analysis`).
    analyses: Analyses
    #: When given (pre-commit passes the changed files), only findings that
    #: concern these paths are reported.
    paths: tuple[Path, ...] = ()

    def analysis(self, document: Document) -> Analysis:
        """What the per-document checks found in ``document`` (made once per run)."""
        return self.analyses.for_document(document)

    def documents(self) -> Iterator[Document]:
        """The documents whose own findings will be reported.

        Rules that judge each document on its own iterate these; rules about
        the tree's shape iterate the whole tree, since a finding elsewhere can
        concern a given file (its category became a singleton).
        """
        if not self.paths:
            return self.tree.documents()
        return iter(self._focused_documents)

    @cached_property
    def recorded(self) -> Mapping[str, Sequence[tuple[Path, Issue]]]:
        """Every issue recorded while the tree was read and analysed, by rule id,
        each with the path it is about: what the walk met, and what reading and
        analysing the documents whose findings will be reported found. Gathered
        once for all the rules that report them
        (:func:`skillshelf.rules.reading.recorded`)."""
        found: dict[str, list[tuple[Path, Issue]]] = {}
        for issue in self.tree.issues:
            where = Path(issue.path) if issue.path is not None else self.tree.root
            found.setdefault(issue.rule, []).append((where, issue))
        for document in self.documents():
            for issue in (*document.issues, *self.analysis(document).issues):
                found.setdefault(issue.rule, []).append((document.path, issue))
        return found

    @cached_property
    def _focused_documents(self) -> tuple[Document, ...]:
        given = [os.path.abspath(path) for path in self.paths]
        return tuple(d for d in self.tree.documents() if _concerns(d.abspath, given))


def _concerns(scope: str, given: list[str]) -> bool:
    return any(
        path == scope or path.startswith(scope + os.sep) or scope.startswith(path + os.sep)
        for path in given
    )


def concerns(reported: Path, paths: Sequence[Path]) -> bool:
    """Whether a finding at ``reported`` is about one of the given ``paths``.

    A finding on a folder concerns every file inside it, and a folder given
    on the command line takes in every finding below it.
    """
    return _concerns(os.path.abspath(reported), [os.path.abspath(path) for path in paths])


Check = Callable[[LintContext], Iterable[Finding]]


#: The sections of every rule's documentation, in order.
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    severity: Severity
    check: Check
    fixable: bool = False
    #: Rules that only make sense for one frontmatter style ("skillshelf" or "hermes").
    styles: frozenset[str] = frozenset(STYLES)

    @property
    def docs(self) -> str:
        """The rule's documentation: its docstring, dedented (Markdown)."""
        return inspect.cleandoc(self.check.__doc__ or "")

    def sections(self) -> dict[str, str]:
        """The documentation's ``## `` sections by title, each text dedented and stripped."""
        found: dict[str, str] = {}
        title = None
        lines: list[str] = []
        for line in [*self.docs.splitlines(), "## "]:
            if line.startswith("## "):
                if title is not None:
                    found[title] = "\n".join(lines).strip()
                title, lines = line[3:].strip(), []
            else:
                lines.append(line)
        return found


REGISTRY: dict[str, Rule] = {}

_RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def rule(
    rule_id: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    *,
    fixable: bool = False,
    styles: Iterable[str] = STYLES,
) -> Callable[[Check], Check]:
    """Register ``check`` under a stable kebab-case id with a one-line summary;
    its docstring documents it (see :data:`DOC_SECTIONS`)."""

    if not _RULE_ID.match(rule_id):
        raise ValueError(f"rule id {rule_id!r} is not kebab-case")
    if rule_id in REGISTRY:
        raise ValueError(f"rule id {rule_id!r} registered twice")

    def register(check: Check) -> Check:
        REGISTRY[rule_id] = Rule(rule_id, summary, severity, check, fixable, frozenset(styles))
        return check

    return register
