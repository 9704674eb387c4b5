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
    """## What it does
    Validates frontmatter against its JSON Schema (``schemas/``): a ``SKILL.md``
    against the skill schema of the style (``skill.schema.json``, or
    ``skill.hermes.schema.json`` in the Hermes style), a ``DESCRIPTION.md``
    against ``category.schema.json``, every other published Markdown file against
    ``page.schema.json``. Each problem points at its key or value, in words, with
    a did-you-mean for a misspelt key.

    ## Why is this bad?
    Agents, the site and the other rules read these fields: a misspelt key is
    silently ignored, a value of the wrong type breaks the page (or the build),
    and a description over 1,024 characters is cut by agents.

    ## Example
    ```yaml
    ---
    name: peft
    description: Parameter-efficient fine-tuning.
    lisence: MIT
    metadata:
      skillshelf:
        version: 1.0
    ---
    ```

    ## Use instead
    ```yaml
    ---
    name: peft
    description: Parameter-efficient fine-tuning. Use when adapting large models on one GPU.
    license: MIT
    metadata:
      skillshelf:
        version: "1.0.0"
    ---
    ```
    """
    # Checked by each document's analysis (skillshelf.schemas), so the cache keeps it.
    yield from recorded(ctx, schemas.FRONTMATTER_SCHEMA)


@rule("name-mismatch", "A skill's name must equal the name of its folder.")
def name_mismatch(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a ``SKILL.md`` whose ``name`` differs from the name of its folder.

    ## Why is this bad?
    The Agent Skills specification asks for the two to match: agents find a
    skill by either, links and related skills name one or the other, and a
    rename done halfway leaves both in use.

    ## Example
    ```yaml
    # skills/mlops/inference/vllm/SKILL.md
    ---
    name: vllm-serving
    ---
    ```

    ## Use instead
    Rename one to match the other: ``name: vllm``, or
    ``git mv skills/mlops/inference/vllm skills/mlops/inference/vllm-serving``.
    """
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
    """## What it does
    Reports two skills anywhere in the tree that share a name, on both of them.

    ## Why is this bad?
    Agents pick a skill by its name: with two of one name, which one is loaded
    is an accident, and related skills and tags cannot say which they mean.

    ## Example
    ```text
    skills/mlops/training/peft/SKILL.md     name: peft
    skills/mlops/inference/peft/SKILL.md    name: peft
    ```

    ## Use instead
    Give each its own name (``peft-training``, ``peft-serving``), or merge them.
    """
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
    """## What it does
    Checks every name listed in ``metadata.skillshelf.related-skills`` (in the
    Hermes style ``metadata.hermes.related_skills``): a skill of that name, or in
    a folder of that name, must exist in the tree. Says which name was probably
    meant.

    ## Why is this bad?
    The site links each related skill; a name that matches nothing is a dead
    link, usually left behind by a rename or a typo.

    ## Example
    ```yaml
    metadata:
      skillshelf:
        related-skills: [pefft, unsloth]
    ```

    ## Use instead
    ```yaml
    metadata:
      skillshelf:
        related-skills: [peft, unsloth]
    ```
    """
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
            # never the skill itself: it cannot be its own related skill
            suffix = did_you_mean(name, (n for n in names if n != skill.name))
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
    """## What it does
    Reports ``tags`` at the top level of a ``SKILL.md``. ``--fix`` moves them into
    the style's namespace (``metadata.skillshelf.tags``, or
    ``metadata.hermes.tags``), merged into the tags already there (order kept,
    duplicates dropped), keeping comments and key order. The finding is fixable
    only when that merge can be done (both places hold lists, the namespace is a
    mapping), so one ``--fix`` leaves nothing fixable.

    ## Why is this bad?
    Top-level ``tags`` is not part of the Agent Skills specification: other
    tools ignore it, and the site and the tags index read the namespaced ones.

    ## Example
    ```yaml
    ---
    name: faiss
    description: Vector search with FAISS.
    tags: [Search, Embeddings]
    ---
    ```

    ## Use instead
    ```yaml
    ---
    name: faiss
    description: Vector search with FAISS.
    metadata:
      skillshelf:
        tags: [Search, Embeddings]
    ---
    ```
    """
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
        # Whether the merge can be done, and where the key is, are part of the
        # document's analysis, which the scan cache keeps: a warm lint does not
        # round-trip the YAML again.
        analysis = ctx.analysis(document)
        fixable = analysis.tags_movable
        yield Finding(
            document.path,
            "'tags' at the top level is not part of the Agent Skills specification; "
            + (f"move it to {target}" if fixable else f"merge it into {target} by hand"),
            analysis.tags_position or START,
            move_tags_fix(document.path, namespace) if fixable else None,
        )
