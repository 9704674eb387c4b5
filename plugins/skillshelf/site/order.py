"""The order in which the site lists categories and skills, and how it names a
category's place in the tree.

Categories by their DESCRIPTION.md ``order`` (lowest first; categories without
one come after those with one), then by title; inside a category, its
sub-categories first, then its skills by title (:attr:`Skill.title`, what the
nav shows); a skill's references by file name. Several roots keep the
configuration's order, each with the skills sitting in it first. A folder holding no skill, no
category and no page (a folder of data files) is no section of the site. Reads
only the model.
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.model import Category, Document, Skill, SkillTree


def category_key(category: Category) -> tuple[bool, int, str, str]:
    order = category.order
    return (order is None, order or 0, category.title.casefold(), category.path)


def skill_key(skill: Skill) -> tuple[str, str]:
    return (skill.title.casefold(), skill.relpath)


def published(category: Category) -> bool:
    """Whether the site shows ``category``: it holds a skill, a DESCRIPTION.md or
    another page, itself or in a folder below it. A folder of JSON files (an index
    cache) is not shown as an empty section."""
    return bool(
        category.skills
        or category.description is not None
        or category.extra_documents
        or any(published(child) for child in category.children)
    )


def sorted_children(category: Category) -> list[Category]:
    """The sub-categories the site shows (:func:`published`), in nav order; the
    roots of a several-roots library in the configuration's order."""
    shown = [child for child in category.children if published(child)]
    if any(child.is_root for child in shown):
        return shown
    return sorted(shown, key=category_key)


def sorted_skills(category: Category) -> list[Skill]:
    return sorted(category.skills, key=skill_key)


def sorted_references(skill: Skill) -> list[Document]:
    return sorted(skill.references, key=lambda document: document.relpath)


def ordered_categories(tree: SkillTree) -> Iterator[Category]:
    """Every category below the root in nav order (depth first)."""

    def walk(category: Category) -> Iterator[Category]:
        for child in sorted_children(category):
            yield child
            yield from walk(child)

    yield from walk(tree.top)


def ordered_skills(tree: SkillTree) -> Iterator[Skill]:
    yield from sorted_skills(tree.top)
    for category in ordered_categories(tree):
        yield from sorted_skills(category)


def category_trail(category: Category) -> str:
    """``MLOps / Training``: the titles from the top category down."""
    titles = []
    node: Category | None = category
    while node is not None and node.path:
        titles.append(node.title)
        node = node.parent
    return " / ".join(reversed(titles))
