"""Under ``mkdocs serve``, what this branch added follows every edit: the home page's
and tags page's lists, the zips and raw files, the catalog's data. Each rebuild is
compared byte for byte with a cold build (the harness of test_serve_cache.py)."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator

import pytest
from tests.site.test_serve_cache import Project, Serve, read, reset


def ops_count(home: str) -> int:
    """The number of skills the home page's card of the ops category shows."""
    found = re.search(
        r'<a href="\./ops/"><strong>[^<]+</strong></a> <span class="skillshelf-count">(\d+) skill',
        home,
    )
    assert found, home
    return int(found.group(1))


@pytest.fixture
def serve(project: Project) -> Iterator[Serve]:
    root = project("mixed")
    docs = root / "docs"
    (docs / "index.md").write_text("# Mixed\n\n<!-- skillshelf:categories -->\n", encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n<!-- skillshelf:tags -->\n", encoding="utf-8")
    session = Serve(root)
    yield session
    reset(session.plugin)


def test_lists_zips_and_data_follow_the_tree(serve: Serve) -> None:
    skills = serve.root / "skills"
    site = serve.rebuild()
    reads = serve.plugin.serve.plan_memo.files.reads
    assert reads > 3  # every skill's files, once
    ops = ops_count(read(site, "index.html"))
    # an unchanged rebuild reads no skill's files again
    serve.rebuild()
    assert serve.plugin.serve.plan_memo.files.reads == reads
    # a new skill with a tag: the home page's counts, the tags index, the catalog's data
    (skills / "ops/new-one").mkdir()
    (skills / "ops/new-one/SKILL.md").write_text(
        "---\nname: new-one\ndescription: Brand new. Use when new.\nlicense: MIT\n"
        "metadata:\n  skillshelf:\n    tags: [Freshly-Added]\n---\n\n# New\n",
        encoding="utf-8",
    )
    site = serve.rebuild()
    assert serve.plugin.serve.plan_memo.files.reads == reads + 1  # only the new skill's files
    assert ops_count(read(site, "index.html")) == ops + 1
    assert "catalog/?tag=Freshly-Added" in read(site, "tags/index.html")
    data = json.loads(read(site, "_skillshelf/catalog.json"))
    assert "new-one" in [row[0] for row in data["skills"]]
    # a body edit: its raw file and zip follow
    skill_md = skills / "ops/new-one/SKILL.md"
    skill_md.write_text(skill_md.read_text(encoding="utf-8") + "\nMarker 7.\n", "utf-8")
    site = serve.rebuild()
    assert serve.plan_misses == 1  # the page; not the catalog, its data or skills.json
    assert read(site, "_skillshelf/skills/ops/new-one/SKILL.md.txt").endswith("Marker 7.\n")
    with zipfile.ZipFile(site / "_skillshelf/skills/ops/new-one/new-one.zip") as archive:
        assert archive.read("new-one/SKILL.md").decode().endswith("Marker 7.\n")
    # the skill goes: so do its raw file, zip and card
    for path in sorted((skills / "ops/new-one").rglob("*"), reverse=True):
        path.unlink()
    (skills / "ops/new-one").rmdir()
    site = serve.rebuild()
    assert not (site / "_skillshelf/skills/ops/new-one").exists()
    assert "Freshly-Added" not in read(site, "tags/index.html")
