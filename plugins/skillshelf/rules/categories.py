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


def _skill_list(category: Category) -> str:
    return ", ".join(skill.name for skill in category.all_skills())


@rule(
    "singleton-category",
    "A category or sub-category must hold at least min-skills skills (default 2).",
)
def singleton_category(ctx: LintContext) -> Iterator[Finding]:
    minimum = ctx.config.min_skills
    for category in ctx.tree.categories.values():
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
    for category in ctx.tree.categories.values():
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
    maximum = ctx.config.max_skills
    for category in ctx.tree.categories.values():
        if len(category.skills) > maximum:
            yield Finding(
                _where(category),
                f"category {category.path!r} holds {len(category.skills)} skills directly "
                f"(maximum {maximum}): split it into sub-categories",
            )


@rule("missing-description", "Every category folder needs a DESCRIPTION.md.")
def missing_description(ctx: LintContext) -> Iterator[Finding]:
    for category in ctx.tree.categories.values():
        if category.description is None and category.listed and category.total_skills > 0:
            yield Finding(
                category.dir,
                f"category {category.path!r} has no {DESCRIPTION_FILE}: "
                "add one with a title and description",
            )


@rule("too-deep", "Categories may nest at most max-depth levels (default 3).", Severity.WARNING)
def too_deep(ctx: LintContext) -> Iterator[Finding]:
    maximum = ctx.config.max_depth
    for category in ctx.tree.categories.values():
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
    for skill in ctx.tree.skills:
        for document in skill.extra_documents:
            if document.relpath == f"{skill.relpath}/{DESCRIPTION_FILE}":
                yield Finding(
                    document.path,
                    f"{DESCRIPTION_FILE} inside skill {skill.name!r} is never read: move it to the "
                    f"category folder {skill.category.path or '(root)'!r} or fold it into SKILL.md",
                )
