"""Titles: folder names made readable with known words, headings as plain text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import skill_md

from skillshelf.config import config_from_table
from skillshelf.lint import lint
from skillshelf.model import scan
from skillshelf.titles import TITLE_WORDS, first_heading, folder_title, plain_heading, title_words

MakeTree = Callable[[Mapping[str, str | bytes]], Path]


@pytest.mark.parametrize(
    ("folder", "title"),
    [
        ("mlops", "MLOps"),
        ("mcp", "MCP"),
        ("ai-agents", "AI agents"),
        ("vector-databases", "Vector databases"),
        ("llm_inference", "LLM inference"),
        ("software-development", "Software development"),
        ("github-tools", "GitHub tools"),
        ("ios", "iOS"),  # a known word keeps its spelling, even first
        ("LLM-Tools", "LLM-Tools".replace("-", " ")),  # what is typed in capitals stays
        ("data-for-ml", "Data for ML"),
        ("-", "-"),  # nothing but separators: the name as it is
    ],
)
def test_folder_titles_keep_known_words(folder: str, title: str) -> None:
    assert folder_title(folder) == title


def test_a_site_adds_and_replaces_words() -> None:
    words = title_words({"K8s": "Kubernetes", "ai": "A.I."})
    assert folder_title("k8s-operators", words) == "Kubernetes operators"
    assert folder_title("ai-agents", words) == "A.I. agents"
    assert folder_title("mlops", words) == "MLOps"  # the built-in words stay
    assert title_words(None) is TITLE_WORDS and title_words({}) is TITLE_WORDS


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Plain title", "Plain title"),
        ("PyTorch FSDP (FSDP2 `fully_shard`)", "PyTorch FSDP (FSDP2 fully_shard)"),
        ("**Bold** and _em_ and ***both***", "Bold and em and both"),
        ("[Link text](https://example.org) and ![img](x.png)", "Link text and img"),
        ("A <kbd>key</kbd> press", "A key press"),
        ("Closing hashes ##", "Closing hashes"),
        ("Escaped \\*star\\*", "Escaped *star*"),
        ("Code `a * b * c` stays", "Code a * b * c stays"),
        ("snake_case_name", "snake_case_name"),
    ],
)
def test_plain_heading(markdown: str, text: str) -> None:
    assert plain_heading(markdown) == text


@pytest.mark.parametrize(
    ("body", "heading"),
    [
        ("# Title\n\ntext\n", "Title"),
        ("Intro line.\n\n## Second level\n\n# Later title\n", "Later title"),
        ("```bash\n# a shell comment\n```\n\n# Real title\n", "Real title"),
        ("~~~\n# comment\n~~~\n", None),
        ("    # indented code\n", None),
        ("#hashtag is not a heading\n", None),
        ("#\n\n# Second\n", None),  # an empty heading: no title
        ("No heading at all.\n", None),
        ("  # Up to three spaces   \n", "Up to three spaces"),
        # a line underlined with '=' (setext), whichever comes first
        ("Intro.\n\nUnderlined *title*\n=================\n\n# Later\n", "Underlined title"),
        ("Text\n\n    code\n    ====\n", None),
        ("- item\n===\n", None),
        ("```\nin code\n===\n```\n# After\n", "After"),
        ("a = 1\n", None),
    ],
)
def test_first_heading(body: str, heading: str | None) -> None:
    assert first_heading(body) == heading


def test_the_model_titles_skills_and_categories(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "mlops/heading/SKILL.md": skill_md("heading", body="# The `heading` skill\n"),
            "mlops/plain/SKILL.md": skill_md("plain", body="No heading.\n"),
            "mlops/own/SKILL.md": skill_md(
                "own", extra="metadata:\n  skillshelf:\n    title: Own title\n", body="# Not it\n"
            ),
            "ai-agents/hermes/SKILL.md": skill_md(
                "hermes", extra="title: Hermes   title\n", body="# Not it either\n"
            ),
            "k8s/x/SKILL.md": skill_md("x"),
        }
    )
    tree = scan(root, title_words=title_words({"k8s": "Kubernetes"}))
    titles = {skill.relpath: skill.title for skill in tree.skills}
    assert titles == {
        "mlops/heading": "The heading skill",
        "mlops/plain": "plain",
        "mlops/own": "Own title",
        "ai-agents/hermes": "Hermes title",
        "k8s/x": "Title",
    }
    categories = {path: category.title for path, category in tree.categories.items()}
    assert categories == {"mlops": "MLOps", "ai-agents": "AI agents", "k8s": "Kubernetes"}
    assert scan(root).categories["k8s"].title == "K8s"  # without the site's words


def test_a_skillshelf_style_title_lints_clean(make_tree: MakeTree) -> None:
    """metadata.skillshelf.title is part of the schema (the Hermes schema already has a
    top-level title)."""
    root = make_tree(
        {
            "alpha/DESCRIPTION.md": "---\ntitle: Alpha\ndescription: A.\n---\n",
            "alpha/one/SKILL.md": skill_md(
                "one", extra="metadata:\n  skillshelf:\n    title: The first one\n"
            ),
            "alpha/two/SKILL.md": skill_md("two"),
        }
    )
    config = config_from_table({}, project_dir=root.parent, root=root)
    result = lint(config)
    assert [d for d in result.diagnostics if d.rule == "frontmatter-schema"] == []
    assert {skill.name: skill.title for skill in result.tree.skills} == {
        "one": "The first one",
        "two": "Title",
    }
