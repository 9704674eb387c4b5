"""Rules on the content of SKILL.md and DESCRIPTION.md frontmatter."""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf import schemas
from skillshelf.diagnostics import START, Position
from skillshelf.fixes import move_tags_fix
from skillshelf.model import Kind, Skill
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.rules.reading import recorded
from skillshelf.suggest import did_you_mean

#: What each frontmatter style calls the list of related skills in its namespace.
RELATED_KEY = {"skillshelf": "related-skills", "hermes": "related_skills"}


@rule(
    schemas.FRONTMATTER_SCHEMA,
    "Frontmatter must match the JSON Schema for its file (schemas/).",
)
def frontmatter_schema(ctx: LintContext) -> Iterator[Finding]:
    # Checked by each document's analysis (skillshelf.schemas), so the cache keeps it.
    yield from recorded(ctx, schemas.FRONTMATTER_SCHEMA)


@rule("name-mismatch", "A skill's name must equal the name of its folder.")
def name_mismatch(ctx: LintContext) -> Iterator[Finding]:
    for skill in ctx.tree.skills:
        declared = skill.document.data.get("name")
        if isinstance(declared, str) and declared and declared != skill.folder_name:
            yield Finding(
                skill.document.path,
                f"name {declared!r} differs from its folder {skill.folder_name!r}: "
                "rename one to match the other",
                _name_position(skill),
            )


@rule("duplicate-name", "No two skills anywhere in the tree may share a name.")
def duplicate_name(ctx: LintContext) -> Iterator[Finding]:
    seen: dict[str, Skill] = {}
    for skill in ctx.tree.skills:
        first = seen.setdefault(skill.name, skill)
        if first is skill:
            continue
        for here, other in ((skill, first), (first, skill)):
            yield Finding(
                here.document.path,
                f"skill name {skill.name!r} is also used by {other.rel.as_posix()}",
                _name_position(here),
            )


def _name_position(skill: Skill) -> Position:
    frontmatter = skill.document.frontmatter
    return frontmatter.position(("name",)) if frontmatter else START


@rule("unknown-related-skill", "Every related skill named in frontmatter must exist in the tree.")
def unknown_related_skill(ctx: LintContext) -> Iterator[Finding]:
    namespace = schemas.NAMESPACES[ctx.config.style]
    key = RELATED_KEY[ctx.config.style]
    names = sorted({skill.name for skill in ctx.tree.skills})
    # Agents resolve a skill by its declared name or by its folder name; when the
    # two differ, name-mismatch reports it once, not every skill that refers to it.
    folders = {skill.folder_name for skill in ctx.tree.skills}
    for skill in ctx.tree.skills:
        frontmatter = skill.document.frontmatter
        if frontmatter is None:
            continue
        related = skill.related_skills
        for index, name in enumerate(related):
            if ctx.tree.skills_named(name) or name in folders:
                continue
            suffix = did_you_mean(name, names)
            yield Finding(
                skill.document.path,
                f"related skill {name!r} does not exist in this tree{suffix}",
                frontmatter.position((*namespace, key, index)),
            )


@rule(
    "misplaced-tags",
    "Tags belong in the style's namespace (metadata.skillshelf or metadata.hermes), "
    "not at the top level.",
    fixable=True,
)
def misplaced_tags(ctx: LintContext) -> Iterator[Finding]:
    """Top-level ``tags`` is not part of the Agent Skills specification; each
    style keeps them in its namespace. ``--fix`` moves them there, merged into
    the tags already there (order kept, duplicates dropped). A finding is
    fixable only when that merge can be done (both places hold lists, the
    namespace is a mapping), so that one ``--fix`` leaves nothing fixable."""
    namespace = schemas.NAMESPACES[ctx.config.style]
    target = ".".join((*namespace, "tags"))
    for document in ctx.documents():
        frontmatter = document.frontmatter
        if (
            document.kind is not Kind.SKILL
            or document.skill is None
            or frontmatter is None
            or "tags" not in document.data
        ):
            continue
        # Whether the merge can be done is part of the document's analysis, which
        # the scan cache keeps: a warm lint does not round-trip the YAML again.
        fixable = ctx.analysis(document).tags_movable
        yield Finding(
            document.path,
            "'tags' at the top level is not part of the Agent Skills specification; "
            + (f"move it to {target}" if fixable else f"merge it into {target} by hand"),
            frontmatter.position(("tags",), key=True),
            move_tags_fix(document.path, namespace) if fixable else None,
        )
