"""``skillshelf export``: the exported folder builds with plain MkDocs, no plugin, same URLs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from tests.site.conftest import build_site

from skillshelf.cli import main
from skillshelf.site.export import ExportError, export_site, rewrite_links

Project = Callable[[str], Path]
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))
# Files only one of the two builds writes on purpose: search data and sitemaps hold the
# same pages in another form, and MkDocs adds no file of its own otherwise.
IGNORED = {"sitemap.xml", "sitemap.xml.gz"}


def outputs(site: Path) -> set[str]:
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and p.name not in IGNORED
    }


@pytest.mark.parametrize("name", ["nested", "mixed"])
def test_export_builds_without_the_plugin(project: Project, tmp_path: Path, name: str) -> None:
    root = project(name)
    build_site(root)
    out = tmp_path / f"export-{name}"
    result = export_site(out, mkdocs_file=root / "mkdocs.yml")
    assert result.problems == []
    config = YAML(typ="safe").load((out / "mkdocs.yml").read_text())
    assert "skillshelf" not in str(config["plugins"])
    assert config["docs_dir"] == "docs"
    assert config["nav"] == YAML(typ="safe").load((out / "nav.yml").read_text())["nav"]
    assert (out / "docs/skills.json").is_file() and (out / "docs/llms.txt").is_file()
    assert not list((out / "docs").rglob("SKILL.md"))

    completed = subprocess.run(
        [MKDOCS, "build", "--strict", "-f", str(out / "mkdocs.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    plain, plugin = out / "site", root / "site"
    assert outputs(plain) == outputs(plugin)
    if name == "nested":
        page = (plain / "ml/training/trainer-a/index.html").read_text()
        assert 'href="../trainer-b/#usage"' in page and 'href="references/dpo-variants/"' in page
        assert (plain / "old/alpha/index.html").read_text() == (
            plugin / "old/alpha/index.html"
        ).read_text()
        assert "skillshelf-skill" in page


def test_export_cli_and_refusals(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project("mixed")
    monkeypatch.chdir(root)
    assert main(["export", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out/docs/writing/poem/index.md").is_file()
    assert main(["export", str(tmp_path / "out")]) == 2  # not empty
    with pytest.raises(ExportError):
        export_site(root / "skills" / "x", mkdocs_file=root / "mkdocs.yml")
    assert not (root / "skills" / "x").exists()


def test_rewrite_links() -> None:
    text = (
        "See [a](../a/SKILL.md#usage) and [b](b/DESCRIPTION.md), [c](c/other.md),\n"
        "`[not](x/SKILL.md)` and ![img](../a/SKILL.md?x=1).\n"
        "```\n[fenced](f/SKILL.md)\n```\n"
    )
    assert rewrite_links(text) == (
        "See [a](../a/index.md#usage) and [b](b/index.md), [c](c/other.md),\n"
        "`[not](x/SKILL.md)` and ![img](../a/index.md?x=1).\n"
        "```\n[fenced](f/SKILL.md)\n```\n"
    )
