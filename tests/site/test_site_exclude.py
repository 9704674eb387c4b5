"""The site and the linter share the walk: what ``exclude`` leaves out is neither
linted nor published, and site-absolute links are checked against docs_dir."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.site.conftest import build_site

Project = Callable[[str], Path]


def test_excluded_skills_are_not_published(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    root = project("flat")
    draft = root / "skills/writing/draft"
    draft.mkdir()
    (draft / "SKILL.md").write_text("no frontmatter at all\n", encoding="utf-8")
    with caplog.at_level(logging.INFO):
        build_site(root, site="before")
    assert (root / "before/writing/draft/index.html").is_file()
    assert any("frontmatter-missing" in r.getMessage() for r in caplog.records)
    caplog.clear()

    config = root / "skillshelf.toml"
    config.write_text('exclude = ["skills/writing/draft"]\n' + config.read_text(), "utf-8")
    with caplog.at_level(logging.INFO):
        build_site(root, strict=True, site="after")
    assert (root / "after/writing/essay/index.html").is_file()
    assert not (root / "after/writing/draft").exists()
    assert not any("draft" in r.getMessage() for r in caplog.records)


def test_site_absolute_links_are_checked_against_docs_dir(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    root = project("flat")
    skill = root / "skills/writing/essay/SKILL.md"
    skill.write_text(
        skill.read_text("utf-8") + "\nStart at [home](/index.md), then [more](/more.md).\n",
        "utf-8",
    )
    with caplog.at_level(logging.INFO):
        build_site(root)
    (line,) = [r.getMessage() for r in caplog.records if "unverifiable-link" in r.getMessage()]
    assert "'/more.md'" in line and "and 1 more" not in line
