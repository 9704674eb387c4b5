"""The site's "Rules" reference page, generated from the rules' own documentation.

Each rule documents itself in its docstring (see :mod:`skillshelf.rules.base`);
this module turns those texts into one Markdown page: a table of every rule,
then a section per rule with its summary, default severity and four
documented parts, their headings one level down. ``skillshelf rules
--explain ID`` prints the same text. A pure function of the rules it is
given: nothing here imports the rules or MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from skillshelf.diagnostics import Severity

#: What the page says above the rules.
INTRODUCTION = (
    "Every rule `skillshelf lint` checks, with its default severity. Re-level any rule "
    'in `[tool.skillshelf.rules]` (`broken-link = "warning"`, or `"off"`); '
    "`skillshelf rules --explain ID` prints the same text on the command line."
)


class DocumentedRule(Protocol):
    """What the page needs of a rule (:class:`skillshelf.rules.base.Rule` has it)."""

    @property
    def id(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def severity(self) -> Severity: ...

    @property
    def fixable(self) -> bool: ...

    @property
    def styles(self) -> frozenset[str]: ...

    @property
    def docs(self) -> str: ...


def rules_page(rules: Iterable[DocumentedRule], title: str = "Rules") -> str:
    """The Markdown of the page: the rules in the order given."""
    listed = list(rules)
    every_style = frozenset().union(*(rule.styles for rule in listed)) if listed else frozenset()
    lines = [f"# {title}", "", INTRODUCTION, "", "| Rule | Severity | What it checks |"]
    lines.append("| --- | --- | --- |")
    for rule in listed:
        lines.append(
            f"| [`{rule.id}`](#{rule.id}) | {rule.severity.value} | {_cell(rule.summary)} |"
        )
    for rule in listed:
        facts = [f"Default severity: **{rule.severity.value}**"]
        if rule.fixable:
            facts.append("fixable with `skillshelf lint --fix`")
        if rule.styles != every_style:
            facts.append(f"{', '.join(sorted(rule.styles))} style only")
        lines += ["", f"## {rule.id}", "", rule.summary, "", "; ".join(facts) + ".", ""]
        lines += _demoted(rule.docs)
    return "\n".join(lines) + "\n"


def _demoted(docs: str) -> list[str]:
    """The lines of a rule's documentation with its headings one level down (its
    sections sit below the rule's own heading); code blocks as they are."""
    lines = []
    in_code = False
    for line in docs.splitlines():
        if line.startswith(("```", "~~~")):
            in_code = not in_code
        elif line.startswith("#") and not in_code:
            line = f"#{line}"
        lines.append(line)
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
