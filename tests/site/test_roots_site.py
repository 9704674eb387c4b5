"""A library of several roots published as one site: real MkDocs builds.

The tree is the two-root Hermes-shaped library of ``tests/core/test_roots.py``
(every file written there): ``skills/`` and ``optional-skills/``, a skill
directly in each root, a DESCRIPTION.md at the second root.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import write_tree
from tests.core.test_roots import LIBRARY, hermes_skill
from tests.site.conftest import build_site
from tests.site.test_serve_cache import Serve, reset

MKDOCS_YML = """\
site_name: two roots
site_url: https://example.org/two/
theme:
  name: material
  features: [navigation.indexes]
plugins:
  - search
  - skillshelf
"""


def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path, {**LIBRARY, "docs/index.md": "# Home\n", "mkdocs.yml": MKDOCS_YML})


def titles(nav: list[Any]) -> list[str]:
    return [next(iter(item)) for item in nav if isinstance(item, dict)]


def test_each_root_is_a_top_level_section_with_its_own_skills_first(tmp_path: Path) -> None:
    config: Any = build_site(project(tmp_path), strict=True)
    nav = config.nav
    assert titles(nav) == ["Catalog", "Skills", "Optional skills"]  # roots in config order
    skills, optional = nav[2]["Skills"], nav[3]["Optional skills"]
    assert skills[:2] == ["skills/DESCRIPTION.md", {"Dogfood": "skills/dogfood/SKILL.md"}]
    assert titles(skills) == ["Dogfood", "MLOps"]
    assert optional[:2] == [
        "optional-skills/DESCRIPTION.md",
        {"Sandbox": "optional-skills/sandbox/SKILL.md"},
    ]
    assert titles(optional) == ["Sandbox", "Search"]


def test_a_roots_description_is_its_section_page(tmp_path: Path) -> None:
    root = project(tmp_path)
    build_site(root, strict=True)  # strict: no orphan warning for optional-skills/DESCRIPTION.md
    page = (root / "site" / "optional-skills" / "index.html").read_text(encoding="utf-8")
    assert "Extras installed on demand." in page
    assert (root / "site" / "skills" / "index.html").is_file()


def test_indexes_hold_the_skills_of_every_root_with_their_urls(tmp_path: Path) -> None:
    root = project(tmp_path)
    build_site(root, strict=True)
    site = root / "site"
    index = json.loads((site / "skills.json").read_text(encoding="utf-8"))
    urls = {skill["name"]: skill["url"] for skill in index["skills"]}
    assert urls == {
        "dogfood": "https://example.org/two/skills/dogfood/",
        "evaluator": "https://example.org/two/skills/mlops/evaluator/",
        "trainer": "https://example.org/two/skills/mlops/trainer/",
        "sandbox": "https://example.org/two/optional-skills/sandbox/",
        "vector-store": "https://example.org/two/optional-skills/search/vector-store/",
        "web-search": "https://example.org/two/optional-skills/search/web-search/",
    }
    for url in urls.values():
        assert (site / url.removeprefix("https://example.org/two/") / "index.html").is_file()
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    assert "optional-skills/search/vector-store/" in llms and "skills/mlops/trainer/" in llms
    # a related skill of the other root links to its page
    trainer = (site / "skills" / "mlops" / "trainer" / "index.html").read_text(encoding="utf-8")
    assert "../../../optional-skills/search/vector-store/" in trainer


def test_serving_follows_a_change_in_the_second_root(tmp_path: Path) -> None:
    root = project(tmp_path)
    serve = Serve(root)
    try:
        site = serve.rebuild()  # each rebuild is compared byte for byte with a cold one
        assert not (site / "optional-skills" / "search" / "crawler").exists()
        write_tree(root, {"optional-skills/search/crawler/SKILL.md": hermes_skill("crawler")})
        site = serve.rebuild()
        assert (site / "optional-skills" / "search" / "crawler" / "index.html").is_file()
    finally:
        reset(serve.plugin)


def test_a_relative_link_into_the_other_root_works_on_the_site(tmp_path: Path) -> None:
    root = project(tmp_path)
    body = "# Dogfood\n\nSee [the sandbox](../../optional-skills/sandbox/SKILL.md).\n"
    skill = hermes_skill("dogfood").replace("# Dogfood\n\nSteps.\n", body)
    write_tree(root, {"skills/dogfood/SKILL.md": skill})
    build_site(root, strict=True)  # strict: MkDocs warns on a link it cannot resolve
    page = (root / "site" / "skills" / "dogfood" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../optional-skills/sandbox/">the sandbox</a>' in page
