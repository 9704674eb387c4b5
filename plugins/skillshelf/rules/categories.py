"""Rules on the shape of the category tree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skillshelf.diagnostics import Severity
from skillshelf.model import DESCRIPTION_FILE, Category
from skillshelf.rules.base import Finding, LintContext, rule


def _where(category: Category) -> Path:
    """Tree-level findings sit on the category folder, so that a change to any
    file inside it (as pre-commit passes them) brings them up."""
    return category.dir


def _categories(ctx: LintContext) -> Iterator[Category]:
    """The categories the rules judge: each root of a several-roots library is a
    root, not a category (its own skills have no category)."""
    return (category for category in ctx.tree.categories.values() if category.grouping)


def _skill_list(category: Category) -> str:
    return ", ".join(skill.name for skill in category.all_skills())


@rule(
    "singleton-category",
    "A category or sub-category must hold at least min-skills skills (default 2).",
)
def singleton_category(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a category or sub-category that holds fewer than ``min-skills``
    skills (default 2), counting those of its sub-categories, on the category's
    folder. A category below a folder that cannot be read is not counted.

    ## Why is this bad?
    A category of one skill is a folder a reader opens for nothing: the
    navigation gets a level that does not help anyone find anything, and the
    tree drifts into one category per skill.

    ## Example
    ```text
    skills/research/
        DESCRIPTION.md
        paper-search/SKILL.md
    ```

    ## Use instead
    Merge the skill into a related category, or add the skills the category was
    made for; or lower ``min-skills`` in ``[tool.skillshelf.categories]``.
    """
    minimum = ctx.config.min_skills
    for category in _categories(ctx):
        if not category.complete:  # an unreadable folder below: its skills are unknown
            continue
        count = category.total_skills
        if 0 < count < minimum:
            noun = "skill" if count == 1 else "skills"
            yield Finding(
                _where(category),
                f"category {category.path!r} holds {count} {noun} ({_skill_list(category)}); "
                f"the minimum is {minimum}: merge it into a related category or add skills",
            )


@rule("empty-category", "A category folder must hold at least one skill.")
def empty_category(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a category folder with no skill anywhere below it (a folder can be
    left behind, or hold only a ``DESCRIPTION.md``, after its skills moved).

    ## Why is this bad?
    The site publishes a section that leads nowhere, and the tree says there is
    something where there is nothing.

    ## Example
    ```text
    skills/media/
        DESCRIPTION.md
    ```

    ## Use instead
    Remove the folder (its ``DESCRIPTION.md`` with it), or move skills into it.
    """
    for category in _categories(ctx):
        if category.total_skills == 0 and category.complete:
            yield Finding(
                _where(category), f"category {category.path!r} holds no skills: remove the folder"
            )


@rule(
    "oversized-category",
    "A category may hold at most max-skills skills directly (default 12).",
    # A skillshelf policy: Hermes-style libraries keep broad, flat categories.
    styles=("skillshelf",),
)
def oversized_category(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a category holding more than ``max-skills`` skills directly (default
    12; skills in its sub-categories are not counted). skillshelf style only:
    Hermes-style libraries keep broad, flat categories.

    ## Why is this bad?
    A long flat list is hard to scan in the navigation and on the category's
    page; past a dozen skills, sub-categories help readers find theirs.

    ## Example
    ```text
    skills/mlops/   40 skill folders, no sub-category
    ```

    ## Use instead
    Split it into sub-categories (``mlops/training``, ``mlops/inference``...),
    or raise ``max-skills`` in ``[tool.skillshelf.categories]``.
    """
    maximum = ctx.config.max_skills
    for category in _categories(ctx):
        if len(category.skills) > maximum:
            yield Finding(
                _where(category),
                f"category {category.path!r} holds {len(category.skills)} skills directly "
                f"(maximum {maximum}): split it into sub-categories",
            )


@rule("missing-description", "Every category folder needs a DESCRIPTION.md.")
def missing_description(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a category folder that holds skills but no ``DESCRIPTION.md``.

    ## Why is this bad?
    The category's page and its card in the navigation have nothing to say
    about what belongs there, and its title falls back to the folder's name.

    ## Example
    ```text
    skills/vector-databases/
        chroma/SKILL.md
        faiss/SKILL.md
    ```

    ## Use instead
    ```markdown
    ---
    title: Vector databases
    description: Storing and searching embeddings.
    ---
    ```
    in ``skills/vector-databases/DESCRIPTION.md``.
    """
    for category in _categories(ctx):
        if category.description is None and category.listed and category.total_skills > 0:
            yield Finding(
                category.dir,
                f"category {category.path!r} has no {DESCRIPTION_FILE}: "
                "add one with a description in its frontmatter (a title is optional)",
            )


@rule("too-deep", "Categories may nest at most max-depth levels (default 3).", Severity.WARNING)
def too_deep(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports the first category nested deeper than ``max-depth`` levels below the
    root (default 3), once, at that level.

    ## Why is this bad?
    Every level is a click in the navigation and a folder in every path; deep
    trees hide skills and make categories too narrow to hold more than one.

    ## Example
    ```text
    skills/mlops/training/rl/preference/dpo/SKILL.md
    ```

    ## Use instead
    Flatten the tree: ``skills/mlops/training/dpo/SKILL.md``; or raise
    ``max-depth`` in ``[tool.skillshelf.categories]``.
    """
    maximum = ctx.config.max_depth
    for category in _categories(ctx):
        if category.depth == maximum + 1:  # once, at the first level too deep
            yield Finding(
                _where(category),
                f"category {category.path!r} is nested {category.depth} levels deep "
                f"(maximum {maximum})",
            )


@rule(
    "orphan-description",
    "A DESCRIPTION.md inside a skill folder describes nothing; it belongs to a category.",
)
def orphan_description(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a ``DESCRIPTION.md`` inside a skill's folder.

    ## Why is this bad?
    ``DESCRIPTION.md`` describes a category; in a skill's folder nothing reads
    it, and what it says is lost (usually it was meant for the category above,
    or for the skill itself).

    ## Example
    ```text
    skills/mlops/vllm/DESCRIPTION.md
    skills/mlops/vllm/SKILL.md
    ```

    ## Use instead
    Move it to the category folder (``skills/mlops/DESCRIPTION.md``), or fold
    what it says into ``SKILL.md``.
    """
    for skill in ctx.tree.skills:
        for document in skill.extra_documents:
            if document.relpath == f"{skill.relpath}/{DESCRIPTION_FILE}":
                yield Finding(
                    document.path,
                    f"{DESCRIPTION_FILE} inside skill {skill.name!r} is never read: move it to the "
                    f"category folder {skill.category.path or '(root)'!r} or fold it into SKILL.md",
                )
