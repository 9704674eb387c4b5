"""Real MkDocs builds of the fixture trees: nav, pages, links, escaping, outputs, strictness."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort
from tests.site.conftest import build_site, site_files

Project = Callable[[str], Path]


def nav_of(config: Any) -> list[Any]:
    return list(config.nav)


def titles(nav: list[Any]) -> list[str]:
    return [next(iter(item)) if isinstance(item, dict) else item for item in nav]


def section(nav: list[Any], title: str) -> list[Any]:
    for item in nav:
        if isinstance(item, dict) and title in item:
            value = item[title]
            assert isinstance(value, list), value
            return value
    raise AssertionError(f"no section {title!r} in {titles(nav)}")


def read(site: Path, uri: str) -> str:
    return (site / uri).read_text(encoding="utf-8")


def test_nested_nav_urls_and_order(project: Project) -> None:
    root = project("nested")
    config = build_site(root)
    nav = nav_of(config)
    # hand-written pages, then the catalog, then categories by `order` (Tools=1 before ML=2)
    assert titles(nav) == ["index.md", "Catalog", "Tools", "Machine learning"]
    ml = section(nav, "Machine learning")
    assert ml[0] == "ml/DESCRIPTION.md"  # the section's index page comes first
    assert titles(ml[1:]) == ["Training", "Serving"]  # by order, not by title
    training = section(ml, "Training")
    assert training[0] == "ml/training/DESCRIPTION.md"
    trainer_a = section(training, "Trainer A")  # its first heading
    assert trainer_a == [
        "ml/training/trainer-a/SKILL.md",
        "ml/training/trainer-a/references/dpo-variants.md",
        "ml/training/trainer-a/references/sft.md",
    ]
    assert {"Trainer B": "ml/training/trainer-b/SKILL.md"} in training

    site = root / "site"
    for uri in (
        "ml/index.html",
        "ml/training/index.html",
        "ml/training/trainer-a/index.html",
        "ml/training/trainer-a/references/dpo-variants/index.html",
        "ml/training/trainer-a/scripts/run.py",
        "ml/training/trainer-a/templates/config.yaml",
        "catalog/index.html",
        "skills.json",
        "llms.txt",
    ):
        assert (site / uri).is_file(), uri
    assert not list(site.rglob("SKILL")) and not list(site.rglob("DESCRIPTION"))
    assert (site / "ml/training/trainer-a/scripts/run.py").read_text() == "print('hello')\n"
    # nothing written into the sources during the build
    assert sorted(p.name for p in (root / "docs").iterdir()) == ["index.md"]


def test_skill_page_header_and_links(project: Project) -> None:
    root = project("nested")
    build_site(root)
    page = read(root / "site", "ml/training/trainer-a/index.html")
    # body links resolve to the site's URLs
    assert 'href="references/dpo-variants/"' in page
    assert 'href="../trainer-b/#usage"' in page
    assert 'href="scripts/run.py"' in page
    assert 'href="../../../tools/alpha/"' in page
    # header from the frontmatter
    assert "Fine-tune with trainer A. Use when training." in page
    assert "<code>trainer-a</code>" in page
    assert "1.2.0" in page and "Ada" in page and "MIT" in page
    assert "<code>trl==1.16.0</code>" in page
    assert '<a href="../trainer-b/">trainer-b</a>' in page
    assert '<a href="../../../tools/alpha/">alpha</a>' in page
    assert (
        'href="https://github.com/example/nested/blob/main/skills/ml/training/trainer-a/SKILL.md"'
        in page
    )
    # edit button points at the skill in the repository, not at docs/
    assert (
        "https://github.com/example/nested/edit/main/skills/ml/training/trainer-a/SKILL.md" in page
    )
    # bundled files listed and downloadable
    assert '<a href="./scripts/run.py" download=""><code>scripts/run.py</code></a>' in page
    assert '<a href="./templates/config.yaml" download="">' in page
    # tags reach material's tags plugin (rendered at the top of the page)
    assert "md-tag" in page and "Fine-Tuning" in page
    # the H1 is the body's own heading, once
    assert page.count("<h1") == 1 and "Trainer A" in page
    reference = read(root / "site", "ml/training/trainer-a/references/dpo-variants/index.html")
    assert 'href="../../"' in reference  # ../SKILL.md -> the skill page


def test_category_page_cards_and_index(project: Project) -> None:
    root = project("nested")
    build_site(root)
    site = root / "site"
    ml = read(site, "ml/index.html")
    assert '<div class="grid cards skillshelf-cards">' in ml
    assert '<a href="./training/"><strong>Training</strong></a>' in ml
    assert "2 skills" in ml and "Fine-tuning models." in ml
    assert 'href="serving/"' in ml  # the DESCRIPTION.md body's own links work too
    training = read(site, "ml/training/index.html")
    assert '<a href="./trainer-a/"><strong>Trainer A</strong></a>' in training
    assert "2 references" in training
    # material's navigation.indexes: the section label links to the folder URL
    page = read(site, "ml/training/trainer-b/index.html")
    assert re.search(r'<a href="\.\./" class="md-nav__link[^"]*"', page), "section index link"


def test_frontmatter_is_escaped(project: Project) -> None:
    root = project("nested")
    build_site(root)
    site = root / "site"
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        assert "<b>bold</b>" not in text, path
    beta = read(site, "tools/beta/index.html")
    assert "Beta &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; *stars*" in beta
    assert 'href="http://evil"' not in beta
    catalog = read(site, "catalog/index.html")
    assert "&lt;script&gt;alert" in catalog and 'href="http://evil"' not in catalog
    llms = read(site, "llms.txt")
    assert "\\<script\\>" in llms and "\\[link\\](http://evil)" in llms


def test_catalog_skills_json_and_llms_txt(project: Project) -> None:
    root = project("nested")
    build_site(root)
    site = root / "site"
    catalog = read(site, "catalog/index.html")
    assert catalog.count('<li class="skillshelf-card">') == 6
    assert '<p class="skillshelf-shown" aria-live="polite">6 skills in 3 categories.</p>' in catalog
    assert "skillshelf-fallback" not in catalog  # every skill fits on the first page
    assert "_skillshelf/catalog.js" in catalog and (site / "_skillshelf/catalog.js").is_file()
    data = json.loads(read(site, "skills.json"))
    assert data["count"] == 6
    by_name = {skill["name"]: skill for skill in data["skills"]}
    run_py = (root / "skills/ml/training/trainer-a/scripts/run.py").read_bytes()
    config_yaml = (root / "skills/ml/training/trainer-a/templates/config.yaml").read_bytes()
    assert by_name["trainer-a"] == {
        "name": "trainer-a",
        "title": "Trainer A",
        "category": "ml/training",
        "category_title": "Machine learning / Training",
        "description": "Fine-tune with trainer A. Use when training.",
        "tags": ["Fine-Tuning", "DPO"],
        "url": "https://example.org/nested/ml/training/trainer-a/",
        "path": "ml/training/trainer-a/",
        "source": "skills/ml/training/trainer-a/SKILL.md",
        "references": [
            "https://example.org/nested/ml/training/trainer-a/references/dpo-variants/",
            "https://example.org/nested/ml/training/trainer-a/references/sft/",
        ],
        "version": "1.2.0",
        "raw_url": "https://example.org/nested/_skillshelf/skills/ml/training/trainer-a/SKILL.md.txt",
        "zip_url": "https://example.org/nested/_skillshelf/skills/ml/training/trainer-a/trainer-a.zip",
        "files": [
            {
                "path": "scripts/run.py",
                "size": len(run_py),
                "sha256": hashlib.sha256(run_py).hexdigest(),
            },
            {
                "path": "templates/config.yaml",
                "size": len(config_yaml),
                "sha256": hashlib.sha256(config_yaml).hexdigest(),
            },
        ],
        "related": [
            {"name": "trainer-b", "url": "https://example.org/nested/ml/training/trainer-b/"},
            {"name": "alpha", "url": "https://example.org/nested/tools/alpha/"},
        ],
        "requirements": {
            "dependencies": ["trl==1.16.0"],
            "platforms": [],
            "compatibility": None,
            "targets": {},
        },
    }
    llms = read(site, "llms.txt").splitlines()
    assert llms[0] == "# nested" and llms[2].startswith("> ")
    assert "## Machine learning / Training" in llms
    raw = "https://example.org/nested/_skillshelf/skills/ml/training/trainer-a/SKILL.md.txt"
    assert f"- [trainer-a]({raw}): Fine-tune with trainer A. Use when training." in llms
    assert llms.index("## Tools") < llms.index("## Machine learning / Training")
    # the link is the SKILL.md as it is in the repository, byte for byte
    assert (site / "_skillshelf/skills/ml/training/trainer-a/SKILL.md.txt").read_bytes() == (
        root / "skills/ml/training/trainer-a/SKILL.md"
    ).read_bytes()
    assert llms[-4:] == [
        "## Optional",
        "",
        "- [skills.json](https://example.org/nested/skills.json): every skill as JSON, with its "
        "page, files (size, SHA-256), requirements and the zip of its folder",
        "- [Catalog](https://example.org/nested/catalog/): every skill on one page, filtered by "
        "words, category and tags",
    ]


def test_search_index_has_names_and_descriptions(project: Project) -> None:
    root = project("nested")
    build_site(root)
    index = json.loads(read(root / "site", "search/search_index.json"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    alpha = docs["tools/alpha/"]
    assert "alpha" in alpha["title"].lower() and "Alpha does things" in alpha["text"]
    assert not any(location.startswith("catalog/") for location in docs)  # excluded


def test_redirects_from_the_moves_file(project: Project) -> None:
    root = project("nested")
    build_site(root)
    site = root / "site"
    alpha = read(site, "old/alpha/index.html")
    assert '<meta http-equiv="refresh" content="0; url=../../tools/alpha/">' in alpha
    assert '<link rel="canonical" href="https://example.org/nested/tools/alpha/">' in alpha
    assert 'location.replace("../../tools/alpha/"' in alpha
    # a chain ends where the skill is now, and reference pages redirect too
    chained = read(site, "ml/trainer-a/references/dpo-variants/index.html")
    assert "url=../../../training/trainer-a/references/dpo-variants/" in chained
    # a category whose skills all went to one place redirects to it
    assert "url=../tools/" in read(site, "old/index.html")
    # today's paths are never redirected
    assert "skillshelf-skill" in read(site, "tools/alpha/index.html")


def test_redirects_from_git_renames(project: Project, tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = project("nested")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    git("mv", "skills/ml/serving/serve-a", "skills/tools/serve-a")
    git("commit", "-q", "-m", "move serve-a")
    build_site(root)
    page = read(root / "site", "ml/serving/serve-a/index.html")
    assert "url=../../../tools/serve-a/" in page


def test_strict_fails_on_lint_errors(project: Project, caplog: pytest.LogCaptureFixture) -> None:
    root = project("nested")
    skill = root / "skills/tools/alpha/SKILL.md"
    skill.write_text(skill.read_text().replace("name: alpha", "name: Alpha Bad"))
    with caplog.at_level(logging.INFO), pytest.raises(Abort):
        build_site(root, strict=True)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        re.match(r"skills/tools/alpha/SKILL\.md:2:7: (frontmatter-schema|name-mismatch) ", line)
        for line in lines
    ), lines
    assert all(
        r.name.endswith("plugins.skillshelf")
        for r in caplog.records
        if "SKILL.md:" in r.getMessage()
    )


def test_an_unknown_rule_in_the_configuration_stops_the_build_even_unlinted(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    root = project("flat")
    settings = root / "skillshelf.toml"
    settings.write_text(settings.read_text().replace("missing-description", "missing-descripton"))
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text().replace(
            "  - skillshelf\n", "  - skillshelf:\n      strict_lint: 'off'\n"
        )
    )
    with caplog.at_level(logging.INFO), pytest.raises(Abort):
        build_site(root)
    (error,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert f"{settings}: unknown rule 'missing-descripton' in [rules]" in error
    assert "did you mean 'missing-description'?" in error


def test_strict_passes_on_lint_warnings(project: Project, caplog: pytest.LogCaptureFixture) -> None:
    root = project("nested")
    skill = root / "skills/tools/alpha/SKILL.md"
    skill.write_bytes(skill.read_bytes().replace(b"\n", b"\r\n"))  # line-endings: a warning
    with caplog.at_level(logging.INFO):
        build_site(root, strict=True)
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("line-endings" in line for line in infos)


def test_flat_and_mixed_layouts(project: Project) -> None:
    flat = project("flat")
    config = build_site(flat, strict=True)  # missing-description is off in skillshelf.toml
    nav = nav_of(config)
    # no DESCRIPTION.md: readable folder names, sorted by title
    assert titles(nav) == ["index.md", "Catalog", "Data tools", "Writing", "Zeta"]
    assert (flat / "site/data-tools/index.html").is_file()
    assert "csv-clean skill in data-tools." in read(flat / "site", "data-tools/index.html")

    mixed = project("mixed")
    config = build_site(mixed, strict=True)
    nav = nav_of(config)
    assert titles(nav) == ["index.md", "guide.md", "Catalog", "Operations", "Writing", "Misc"]
    ops = section(nav, "Operations")
    assert titles(ops) == ["ops/DESCRIPTION.md", "Cloud", "Deploy", "Rollback"]
    assert section(ops, "Cloud")[-1] == {
        "GCP": ["ops/cloud/gcp/SKILL.md", "ops/cloud/gcp/references/quotas.md"]
    }
    site = mixed / "site"
    essay = read(site, "writing/essay/index.html")
    assert '<h1 id="essay">essay<a class="headerlink"' in essay  # no heading: the name
    poem = read(site, "writing/poem/index.html")
    assert 'href="./templates/prompt/"><code>templates/prompt.md</code>' in poem
    assert '<a href="./assets/logo.svg" download="">' in poem
    assert (site / "writing/poem/templates/prompt/index.html").is_file()
    assert 'href="../writing/essay/"' in read(site, "guide/index.html")


def test_builds_are_deterministic(project: Project) -> None:
    root = project("mixed")
    build_site(root, site="site1")
    build_site(root, site="site2")
    first, second = site_files(root / "site1"), site_files(root / "site2")
    assert first.keys() == second.keys()
    assert [uri for uri in first if first[uri] != second[uri]] == []


def test_rebuild_after_add_move_delete(project: Project) -> None:
    """What ``mkdocs serve`` does on a change: the same plugin instance, a fresh config."""
    root = project("mixed")
    first = build_site(root)
    plugin = first.plugins["skillshelf"]
    skills = root / "skills"
    (skills / "misc/three-thing").mkdir()
    (skills / "misc/three-thing/SKILL.md").write_text(
        "---\nname: three-thing\ndescription: Three things.\nlicense: MIT\n---\n\n# Three\n"
    )
    (skills / "ops/rollback").rename(skills / "misc/rollback")
    for path in sorted((skills / "writing/poem").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (skills / "writing/poem").rmdir()
    (skills / "misc/DESCRIPTION.md").write_text(
        "---\ntitle: Odds and ends\ndescription: Renamed.\norder: 0\n---\n"
    )

    second = build_site(root)
    assert second.plugins["skillshelf"] is plugin
    nav = nav_of(second)
    assert titles(nav) == [
        "index.md",
        "guide.md",
        "Catalog",
        "Odds and ends",
        "Operations",
        "Writing",
    ]
    misc = section(nav, "Odds and ends")
    assert titles(misc) == [
        "misc/DESCRIPTION.md",
        "One-Thing",
        "Rollback",
        "Three",
        "Two-Thing",
    ]
    assert titles(section(nav, "Operations")) == ["ops/DESCRIPTION.md", "Cloud", "Deploy"]
    assert titles(section(nav, "Writing")) == ["writing/DESCRIPTION.md", "essay"]
    site = root / "site"
    assert (site / "misc/three-thing/index.html").is_file()
    assert (site / "misc/rollback/index.html").is_file()
    assert not (site / "ops/rollback").exists()
    assert not (site / "writing/poem").exists()
    assert "poem" not in read(site, "catalog/index.html")
    assert "Odds and ends" in read(site, "index.html")


def test_pages_published_outside_the_nav_are_not_listed_as_missing_from_it(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    """A skill's Markdown outside references/ (templates/prompt.md) is a page its
    SKILL.md links to, not a nav entry: MkDocs is told so, and does not print it among
    the pages "not included in the nav" (a list that ran to 50 lines on a real library)."""
    mixed = project("mixed")
    with caplog.at_level(logging.INFO):
        config = build_site(mixed)
    assert "writing/poem/templates/prompt.md" not in json.dumps(nav_of(config))
    assert (mixed / "site/writing/poem/templates/prompt/index.html").is_file()
    assert 'not included in the "nav"' not in caplog.text
    # the user's exclude_docs still decides first
    with (mixed / "mkdocs.yml").open("a", encoding="utf-8") as file:
        file.write("exclude_docs: |\n  writing/poem/templates/\n")
    build_site(mixed, site="excluded")
    assert not (mixed / "excluded/writing/poem/templates/prompt/index.html").exists()
    assert (mixed / "excluded/writing/poem/index.html").is_file()
