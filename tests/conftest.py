"""Shared test helpers: building small skills trees on disk."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest


def skill_md(
    name: str,
    description: str = "Does one useful thing. Use when that thing is needed.",
    *,
    extra: str = "",
    body: str = "# Title\n\nSome text.\n",
) -> str:
    """A valid SKILL.md in the skillshelf style; ``extra`` is appended to the frontmatter."""
    return f"---\nname: {name}\ndescription: {description}\nlicense: MIT\n{extra}---\n\n{body}"


def description_md(title: str, description: str = "A category of skills.") -> str:
    return f"---\ntitle: {title}\ndescription: {description}\n---\n\nWhat belongs here.\n"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) below ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def healthy_tree() -> dict[str, str]:
    """Two categories of two skills each, one with sub-categories: lints clean."""
    return {
        "alpha/DESCRIPTION.md": description_md("Alpha"),
        "alpha/one/SKILL.md": skill_md("one", body="# One\n\nSee [two](../two/SKILL.md).\n"),
        "alpha/two/SKILL.md": skill_md("two"),
        "beta/DESCRIPTION.md": description_md("Beta"),
        "beta/deep/DESCRIPTION.md": description_md("Deep"),
        "beta/deep/three/SKILL.md": skill_md("three"),
        "beta/deep/four/SKILL.md": skill_md("four"),
        "beta/deep/four/references/guide.md": "# Guide\n\nBack to [the skill](../SKILL.md).\n",
    }


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write a tree under ``tmp_path/projectN/skills`` and return the skills root.

    Every call gets a fresh project folder, so one test can compare trees.
    """
    made: list[Path] = []

    def make(files: Mapping[str, str | bytes]) -> Path:
        made.append(write_tree(tmp_path / f"project{len(made)}" / "skills", files))
        return made[-1]

    return make


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Debian's chromium. Locally a missing browser skips them
    with a reason; in CI it is an error, so a green run always means they ran."""
    if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
        return
    wanted = any("browser" in item.keywords for item in items)
    if wanted and os.environ.get("CI"):
        raise pytest.UsageError("CI must run the browser tests, but /usr/bin/chromium is missing")
    marker = pytest.mark.skip(
        reason="Debian's chromium is not installed (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(marker)
