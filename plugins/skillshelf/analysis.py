"""What the rules need to know about each document, computed once: its analysis.

The model holds what reading a file produced (its frontmatter, its body, the
problems met while reading). Everything the rules work out from a document's
text and frontmatter is an :class:`Analysis`: a frozen value made by one pure
function, :func:`analyse`, from the document and the few inputs that are not
the document's own (:class:`AnalysisInputs`: the schema its frontmatter must
match, the trl release its snippets are checked against, where misplaced tags
would go).

:class:`Analyses` makes them for one run, each on first request (the
pre-commit hook only analyses the files it was given), and asks an optional
:class:`AnalysisStore` for one made earlier with the same inputs: the scan
cache implements it, so a warm lint analyses nothing and reads no text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from skillshelf import schemas
from skillshelf.diagnostics import Issue, Position
from skillshelf.directives import Suppression, suppressions_of
from skillshelf.fixes import merge_tags
from skillshelf.html_safety import find_unsafe_html
from skillshelf.links import Link, split_links
from skillshelf.liquid import LIQUID_TAG, liquid_tags
from skillshelf.liquid import message as liquid_message
from skillshelf.markdown import iter_fenced_blocks
from skillshelf.model import Document, Kind
from skillshelf.quotes import ACCIDENTAL_BLOCKQUOTE, accidental_quotes
from skillshelf.quotes import MESSAGE as QUOTE_MESSAGE
from skillshelf.trl.snippets import check_text


@dataclass(frozen=True)
class AnalysisInputs:
    """What, besides the document itself, decides its analysis."""

    #: The JSON Schema its frontmatter is checked against (None: not checked).
    schema: str | None = None
    #: The trl release its snippets were written for (its skill's ``targets.trl``).
    trl_target: str | None = None
    #: Where ``--fix`` would move top-level tags (the style's namespace); None when
    #: the document is no skill's SKILL.md or has no top-level tags.
    tags_namespace: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Analysis:
    """Everything the per-document rules need, with every position resolved in the file."""

    inputs: AnalysisInputs
    #: The relative links and images of the text (rule broken-link).
    links: tuple[Link, ...] = ()
    #: What the schema check found in the frontmatter (rule frontmatter-schema).
    schema_issues: tuple[Issue, ...] = ()
    #: Whether ``--fix`` can move the top-level tags into ``inputs.tags_namespace``
    #: (rule misplaced-tags marks its finding fixable only then).
    tags_movable: bool = False
    #: Where the top-level ``tags`` key is, when there are tags to move.
    tags_position: Position | None = None
    #: What the text holds that the rules report: snippet issues (config-*,
    #: snippet-syntax), unsafe HTML, accidental block quotes, Liquid tags.
    text_issues: tuple[Issue, ...] = ()
    #: Site-absolute links (``/get-started/x.md``) (rule unverifiable-link).
    site_links: tuple[Link, ...] = ()
    #: The suppression comments of the text (applied by :mod:`skillshelf.suppress`).
    suppressions: tuple[Suppression, ...] = ()

    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.schema_issues + self.text_issues


def analyse(
    document: Document, inputs: AnalysisInputs, earlier: Analysis | None = None
) -> Analysis:
    """The analysis of ``document`` under ``inputs``.

    ``earlier``: an analysis made from the same frontmatter text (the file
    changed below it): its frontmatter verdicts are taken over when they were
    made for the same schema and namespace, so a body-only edit validates
    nothing (and never imports jsonschema).
    """
    text = document.text
    if text is None:
        return Analysis(inputs)
    if (
        earlier is not None
        and earlier.inputs.schema == inputs.schema
        and earlier.inputs.tags_namespace == inputs.tags_namespace
    ):
        verdicts = earlier.schema_issues, earlier.tags_movable, earlier.tags_position
    else:
        verdicts = _frontmatter_verdicts(document, inputs)
    blocks = tuple(iter_fenced_blocks(text)) if "```" in text or "~~~" in text else ()
    text_issues = (
        *check_text(text, inputs.trl_target, blocks=blocks),
        *find_unsafe_html(text, document.body_line, blocks),
        *(
            Issue(ACCIDENTAL_BLOCKQUOTE, QUOTE_MESSAGE, Position(line, column))
            for line, column in accidental_quotes(text, document.body_line, blocks)
        ),
        *(
            Issue(LIQUID_TAG, liquid_message(tag), Position(tag.line, tag.column))
            for tag in liquid_tags(text, document.body_line)
        ),
    )
    schema_issues, tags_movable, tags_position = verdicts
    links, site_links = split_links(text, blocks)
    return Analysis(
        inputs,
        links,
        schema_issues,
        tags_movable,
        tags_position,
        text_issues,
        site_links,
        suppressions_of(text, blocks),
    )


def _frontmatter_verdicts(
    document: Document, inputs: AnalysisInputs
) -> tuple[tuple[Issue, ...], bool, Position | None]:
    """The schema issues, and whether and from where top-level tags can be moved:
    what the frontmatter alone decides (positions need a round trip of its YAML,
    done here once rather than on every warm lint)."""
    frontmatter = document.frontmatter
    if frontmatter is None:
        return (), False, None
    schema_issues = schemas.check(inputs.schema, frontmatter) if inputs.schema else ()
    namespace = inputs.tags_namespace
    if namespace is None:
        return schema_issues, False, None
    movable = merge_tags(frontmatter.source, namespace) is not None
    return schema_issues, movable, frontmatter.position(("tags",), key=True)


def inputs_for(document: Document, style: str) -> AnalysisInputs:
    """The inputs of ``document``'s analysis in a tree of frontmatter ``style``."""
    skill = document.skill
    trl_target = None
    namespace = None
    if skill is not None:
        try:
            trl_target = skill.targets.get("trl")
        except ValueError:  # a frontmatter number too long to turn into text
            trl_target = None
        if document.kind is Kind.SKILL and "tags" in document.data:
            namespace = schemas.NAMESPACES[style]
    return AnalysisInputs(schemas.schema_for(document, style), trl_target, namespace)


@dataclass(frozen=True)
class Recalled:
    """An analysis a store kept for a document, and how far it still holds."""

    analysis: Analysis
    #: The file is unchanged since: the whole analysis holds, for the same inputs.
    #: Otherwise only the frontmatter is the same text, and only its verdicts hold.
    unchanged: bool


class AnalysisStore(Protocol):
    """Where analyses made by earlier runs are kept (the scan cache)."""

    def recall(self, document: Document) -> Recalled | None:
        """The analysis kept for ``document`` at an earlier run, if its text (or
        at least its frontmatter) is still what was analysed."""
        ...

    def keep(self, document: Document, analysis: Analysis) -> None:
        """Keep a new analysis of ``document`` for later runs."""
        ...


class Analyses:
    """The analyses of one run over a tree of frontmatter ``style``."""

    def __init__(self, style: str, store: AnalysisStore | None = None) -> None:
        self.style = style
        self.store = store
        self._made: dict[str, Analysis] = {}

    def for_document(self, document: Document) -> Analysis:
        """The analysis of ``document``: made once per run, or recalled from the store."""
        made = self._made.get(document.abspath)
        if made is not None:
            return made
        inputs = inputs_for(document, self.style)
        recalled = self.store.recall(document) if self.store is not None else None
        if recalled is not None and recalled.unchanged and recalled.analysis.inputs == inputs:
            analysis = recalled.analysis
        else:
            analysis = analyse(document, inputs, recalled.analysis if recalled else None)
            if self.store is not None:
                self.store.keep(document, analysis)
        self._made[document.abspath] = analysis
        return analysis
