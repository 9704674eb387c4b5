"""Two builds of the same tree give the same site, byte for byte.

``tests/site`` already rebuilds a fixture in the same folder and the same
process. Here the two builds differ in everything that must not matter: the
absolute path of the project, the order in which its files were created, the
process and its hash seed (set and dict order of strings). Both a fixture tree
and a copy of the real ``skills/`` tree are built, and every output file is
compared, the sitemap included.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import description_md, healthy_tree, skill_md, write_tree

REPO = Path(__file__).resolve().parents[2]

#: MkDocs stamps every sitemap entry with the day of the build ("<lastmod>").
_LASTMOD = re.compile(rb"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>")

MKDOCS_YML = """\
site_name: determinism
site_url: https://example.org/determinism/
repo_url: https://github.com/example/determinism
edit_uri: edit/main/docs/
theme:
  name: material
  features:
    - navigation.indexes
plugins:
  - search
  - tags
  - skillshelf
validation:
  links:
    not_found: info
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""


def fixture_files() -> dict[str, str | bytes]:
    """A tree with a bit of everything the site renders: nested categories, tags,
    references, bundled files, a redirect, findings."""
    tags = "metadata:\n  skillshelf:\n    tags: [Zeta, alpha, Beta, alpha-2]\n"
    related = "metadata:\n  skillshelf:\n    related-skills: [one, three]\n    tags: [Beta]\n"
    files: dict[str, str | bytes] = dict(healthy_tree())
    files |= {
        "alpha/two/SKILL.md": skill_md("two", extra=tags),
        "alpha/one/references/b.md": "# B\n\n[a](a.md)\n",
        "alpha/one/references/a.md": "# A\n\n| x | y |\n|---|---|\n| 1 | 2 |\n",
        "alpha/one/scripts/run.py": "print('run')\n",
        "alpha/one/assets/data.bin": bytes(range(256)),
        "beta/deep/three/SKILL.md": skill_md("three", extra=related),
        "gamma/DESCRIPTION.md": description_md("Gamma ünïcode", "Ordering by title."),
        "gamma/Zed/SKILL.md": skill_md("Zed"),
        "gamma/äpfel/SKILL.md": skill_md("äpfel", "Ä description <with> & markup."),
        "gamma/broken/SKILL.md": "---\nname: [unclosed\n---\n\n# Broken\n",
        ".moves.yml": "moves:\n  old/one: alpha/one\n",
    }
    return files


def make_project(directory: Path, skills: dict[str, str | bytes] | Path, reverse: bool) -> Path:
    """A MkDocs project; ``reverse`` creates the files in the opposite order."""
    (directory / "docs").mkdir(parents=True)
    (directory / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (directory / "skillshelf.toml").write_text('root = "skills"\n', encoding="utf-8")
    (directory / "docs/index.md").write_text("# Home\n\nHello.\n", encoding="utf-8")
    (directory / "docs/tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    if isinstance(skills, Path):
        shutil.copytree(skills, directory / "skills")
    else:
        items = sorted(skills.items(), reverse=reverse)
        for rel, content in items:
            write_tree(directory / "skills", {rel: content})
    return directory


def copy_repository_site(source: Path, target: Path) -> Path:
    """The repository's own site project: mkdocs.yml, docs/, the configuration, skills/,
    the theme's overrides/."""
    target.mkdir(parents=True)
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy2(source / name, target / name)
    for name in ("docs", "skills", "overrides"):
        shutil.copytree(source / name, target / name, symlinks=True)
    return target


def build(project: Path, hash_seed: str) -> dict[str, bytes]:
    """``mkdocs build`` in a fresh process; every output file, normalised."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)  # the real case: dates come from the clock
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", "site"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    site = project / "site"
    return {
        path.relative_to(site).as_posix(): normalised(path.relative_to(site).as_posix(), path)
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def normalised(rel: str, path: Path) -> bytes:
    """The file's bytes with only what depends on the calendar taken out.

    * ``sitemap.xml``: every ``<lastmod>`` is the day of the build, so two builds
      either side of midnight (UTC) differ there and nowhere else;
    * ``sitemap.xml.gz``: the same XML, and its gzip header holds that day as
      the archive's modification time, so it is compared decompressed.

    Nothing else is touched: no timestamps, absolute paths or orderings that
    vary between runs may appear in any other file.
    """
    data = path.read_bytes()
    if rel == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if rel in ("sitemap.xml", "sitemap.xml.gz"):
        data = _LASTMOD.sub(b"<lastmod>DAY</lastmod>", data)
    return data


def assert_same_site(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    assert sorted(first) == sorted(second)
    differing = [rel for rel in first if first[rel] != second[rel]]
    assert differing == [], differing


@pytest.mark.slow
def test_fixture_tree_builds_identically(tmp_path: Path) -> None:
    files = fixture_files()
    one = make_project(tmp_path / "first", files, reverse=False)
    two = make_project(tmp_path / "elsewhere" / "second copy", files, reverse=True)
    first, second = build(one, "1"), build(two, "4242")
    assert "skills.json" in first and "llms.txt" in first and "sitemap.xml.gz" in first
    assert "old/one/index.html" in first  # the redirect from .moves.yml
    assert_same_site(first, second)


@pytest.mark.slow
def test_real_skills_tree_builds_identically(tmp_path: Path) -> None:
    # Copy once from the repository, then copy that copy: other work on skills/
    # while this test runs cannot make the two projects differ.
    one = copy_repository_site(REPO, tmp_path / "first")
    two = tmp_path / "elsewhere" / "second copy"
    shutil.copytree(one, two, symlinks=True)
    first, second = build(one, "0"), build(two, "987654")
    assert len([rel for rel in first if rel.endswith("index.html")]) > 50
    assert_same_site(first, second)
