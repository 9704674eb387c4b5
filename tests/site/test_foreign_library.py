"""A library not written for skillshelf, published as it is: real MkDocs builds.

The tree is shaped like the public libraries skillshelf meets (Hermes-style
frontmatter, lower-case folder names, skills named by their first heading, an
index cache of JSON files beside the skills, Markdown written for GitHub and
GitBook); every file is written here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort
from tests.conftest import write_tree
from tests.site.conftest import build_site
from tests.site.test_serve_cache import Serve, reset

from skillshelf.site.export import export_site

MKDOCS_YML = """\
site_name: foreign
site_url: https://example.org/foreign/
theme:
  name: material
  features:
    - navigation.indexes
    - navigation.path
plugins:
  - search
  - tags
  - skillshelf:
      strict_lint: "off"
{options}
markdown_extensions:
  - admonition
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences
"""


def hermes_skill(name: str, body: str, *, extra: str = "", tags: str = "[Agents]") -> str:
    return (
        f"---\nname: {name}\ndescription: Does {name} things. Use when {name} is needed.\n"
        f"version: 1.0.0\n{extra}metadata:\n  hermes:\n    tags: {tags}\n---\n\n{body}"
    )


LIBRARY: dict[str, str | bytes] = {
    "mlops/trainer/SKILL.md": hermes_skill("trainer", "# Fine-tuning with `trainer`\n\nText.\n"),
    "mlops/trainer/references/notes.md": "# Notes\n\nMore.\n",
    "mlops/evaluator/SKILL.md": hermes_skill("evaluator", "No heading here.\n"),
    "mcp/bridge/SKILL.md": hermes_skill(
        "bridge", "# Ignored heading\n", extra="title: MCP bridge for tools\n"
    ),
    "mcp/relay/SKILL.md": hermes_skill(
        "relay",
        "# Relay\n\nOptions:\n| flag | meaning |\n| --- | --- |\n| -v | verbose |\n\n"
        "```text\nNot a table:\n| a | b |\n| - | - |\n{% raw %}\n```\n\n"
        "{% raw %}\nSend `{{ payload }}`.\n{% endraw %}\n\n"
        '{% hint style="warning" %}\nRelays drop messages.\n{% endhint %}\n',
    ),
    "mcp/relay/references/flags.md": "# Flags\n\nAll flags:\nflag | default\n--- | ---\n-q | off\n",
    "mcp/DESCRIPTION.md": "---\ndescription: Model Context Protocol.\n---\n\n"
    "Servers:\n| name | port |\n| --- | --- |\n| relay | 80 |\n",
    "ai-agents/planner/SKILL.md": hermes_skill("planner", "# Task planner\n"),
    "ai-agents/critic/SKILL.md": hermes_skill("critic", "# Critic\n"),
    "k8s/deployer/SKILL.md": hermes_skill("deployer", "# Deployer\n"),
    "k8s/scaler/SKILL.md": hermes_skill("scaler", "# Scaler\n"),
    "titled/DESCRIPTION.md": "---\ntitle: Named by its description\n---\n\nText.\n",
    "titled/one/SKILL.md": hermes_skill("one", "# One\n"),
    "titled/two/SKILL.md": hermes_skill("two", "# Two\n"),
    # an index cache: data files only, in folders of their own
    "index-cache/skills.json": "{}\n",
    "index-cache/by-tag/agents.json": "[]\n",
}


def make_project(
    root: Path,
    files: Mapping[str, str | bytes],
    *,
    options: str = "",
    docs: Mapping[str, str] | None = None,
) -> Path:
    write_tree(root / "skills", files)
    (root / "skillshelf.toml").write_text('root = "skills"\nstyle = "hermes"\n', encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options=options), encoding="utf-8")
    (root / "docs").mkdir()
    write_tree(root / "docs", docs if docs is not None else {"index.md": "# Home\n"})
    return root


def home_of(site: Path) -> str:
    return re.sub(r"\s+", " ", read(site, "index.html"))


def titles(nav: list[Any]) -> list[str]:
    return [next(iter(item)) if isinstance(item, dict) else item for item in nav]


def section(nav: list[Any], title: str) -> list[Any]:
    for item in nav:
        if isinstance(item, dict) and title in item:
            value = item[title]
            return value if isinstance(value, list) else [value]
    raise AssertionError(f"no section {title!r} in {titles(nav)}")


def read(site: Path, uri: str) -> str:
    return (site / uri).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], Path]:
    root = make_project(
        tmp_path_factory.mktemp("foreign"),
        LIBRARY,
        options="      title_words:\n        k8s: Kubernetes",
    )
    config = build_site(root)
    return list(config.nav), root / "site"


def test_categories_are_titled_with_known_words_and_the_sites_own(
    built: tuple[list[Any], Path],
) -> None:
    nav, site = built
    assert titles(nav) == [
        "index.md",
        "Catalog",
        "AI agents",
        "Kubernetes",
        "MCP",
        "MLOps",
        "Named by its description",
    ]
    assert '<h1 id="ai-agents">AI agents' in read(site, "ai-agents/index.html")


def test_skills_are_titled_by_their_heading_everywhere(built: tuple[list[Any], Path]) -> None:
    nav, site = built
    mlops = section(nav, "MLOps")
    # sorted by title; a skill without a heading keeps its name
    assert titles(mlops) == ["mlops/DESCRIPTION.md", "evaluator", "Fine-tuning with trainer"]
    assert section(mlops, "Fine-tuning with trainer") == [
        "mlops/trainer/SKILL.md",
        "mlops/trainer/references/notes.md",
    ]
    assert titles(section(nav, "MCP"))[1:] == ["MCP bridge for tools", "Relay"]  # frontmatter title
    page = read(site, "mlops/trainer/index.html")
    # the page's title and the breadcrumb of its reference page
    assert "<title>Fine-tuning with trainer - foreign</title>" in page
    notes = read(site, "mlops/trainer/references/notes/index.html")
    crumbs = re.search(r'<nav class="md-path".*?</nav>', notes, re.S)
    assert crumbs is not None
    assert "MLOps" in crumbs.group(0) and "Fine-tuning with trainer" in crumbs.group(0)
    assert "trainer</" not in crumbs.group(0).replace("with trainer</", "")
    # the category's cards, the catalog's cards and data, skills.json
    assert "<strong>Fine-tuning with trainer</strong>" in read(site, "mlops/index.html")
    catalog = read(site, "catalog/index.html")
    assert ">Fine-tuning with trainer</a></h2>" in catalog
    assert '<p class="skillshelf-card-id"><code>trainer</code></p>' in catalog
    data = json.loads(read(site, "_skillshelf/catalog.json"))
    rows = {row[0]: row for row in data["skills"]}
    assert rows["trainer"][6] == "Fine-tuning with trainer"
    assert rows["bridge"][6] == "MCP bridge for tools"
    skills = {entry["name"]: entry for entry in json.loads(read(site, "skills.json"))["skills"]}
    assert skills["evaluator"]["title"] == "evaluator"
    assert skills["trainer"]["category_title"] == "MLOps"


def test_the_tags_page_lists_skills_by_title(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n", "tags.md": "# Tags\n\n<!-- material/tags -->\n"}
    root = make_project(tmp_path, LIBRARY, docs=docs)
    build_site(root)
    tags = re.sub(r"\s+", " ", read(root / "site", "tags/index.html"))
    assert '<a href="../mlops/trainer/"> Fine-tuning with trainer </a>' in tags
    assert '<a href="../ai-agents/planner/"> Task planner </a>' in tags


def test_folders_without_skills_or_pages_are_not_published(
    built: tuple[list[Any], Path],
) -> None:
    nav, site = built
    assert "Index cache" not in titles(nav)
    assert not (site / "index-cache").exists()
    assert "index-cache" not in read(site, "_skillshelf/catalog.json")


def test_tables_below_text_and_liquid_tags_read_as_on_github(
    built: tuple[list[Any], Path],
) -> None:
    _, site = built
    page = read(site, "mcp/relay/index.html")
    assert re.search(r"<table>\s*<thead>\s*<tr>\s*<th>flag</th>", page)
    assert "<td>verbose</td>" in page
    # the fenced block keeps its lines, the tag in it included
    assert "Not a table:\n| a | b |\n| - | - |\n{% raw %}\n" in page.replace("</span>", "")
    article = page.split('<article class="md-content__inner md-typeset">')[1]
    assert article.count("{%") == 1  # only the one inside the code block
    assert '<div class="admonition warning">' in page and "Relays drop messages." in page
    assert "<code>{{ payload }}</code>" in page
    assert "<td>off</td>" in read(site, "mcp/relay/references/flags/index.html")
    assert "<td>relay</td>" in read(site, "mcp/index.html")


@pytest.mark.parametrize("docs", [{}, {"guide.md": "# Guide\n"}], ids=["empty", "no-index"])
def test_without_an_index_page_the_plugin_provides_the_home_page(
    tmp_path: Path, docs: dict[str, str]
) -> None:
    root = make_project(tmp_path, LIBRARY, docs=docs)
    config = build_site(root, strict=False)
    nav = list(config.nav)
    assert nav[0] == {"Home": "index.md"}
    assert titles(nav)[1:3] == (["guide.md", "Catalog"] if docs else ["Catalog", "AI agents"])
    home = home_of(root / "site")
    assert '<h1 id="foreign">foreign' in home
    # the search box into the catalog, and a card per top-level category
    assert '<form class="skillshelf-search" action="./catalog/" method="get" role="search">' in home
    assert '<a href="./mlops/"><strong>MLOps</strong></a>' in home
    assert "<strong>Index cache</strong>" not in home


def test_a_hand_written_index_page_is_kept(built: tuple[list[Any], Path]) -> None:
    nav, site = built
    assert nav[0] == "index.md"
    assert '<h1 id="home">Home' in read(site, "index.html")


def test_the_export_provides_the_home_page_when_there_is_no_docs_folder(tmp_path: Path) -> None:
    options = "      title_words:\n        k8s: Kubernetes"
    root = make_project(tmp_path / "project", LIBRARY, docs={}, options=options)
    (root / "docs").rmdir()
    out = tmp_path / "out"
    export_site(out, mkdocs_file=root / "mkdocs.yml", git_moves=False)
    # the same titles and Markdown as the plugin's pages
    assert "- Kubernetes:" in read(out, "nav.yml")
    assert "- Fine-tuning with trainer:" in read(out, "nav.yml")
    assert "!!! warning\n    Relays drop messages." in read(out, "docs/mcp/relay/index.md")
    assert "<!-- skillshelf:categories -->" not in read(out, "docs/index.md")
    assert '<a href="./mcp/"><strong>MCP</strong></a>' in read(out, "docs/index.md")
    assert "- Home: index.md" in read(out, "nav.yml")
    config = build_site(out)
    assert '<a href="./mcp/"><strong>MCP</strong></a>' in home_of(out / "site")
    assert next(iter(config.nav)) == {"Home": "index.md"}


def test_mkdocs_itself_requires_docs_dir_to_exist(tmp_path: Path) -> None:
    """MkDocs checks docs_dir before any plugin runs: the plugin cannot step in, so
    the documentation says an empty docs/ is enough (the test above)."""
    root = make_project(tmp_path, LIBRARY, docs={})
    (root / "docs").rmdir()
    with pytest.raises(Abort):
        build_site(root)


def test_the_generated_home_page_follows_the_tree_while_serving(tmp_path: Path) -> None:
    root = make_project(tmp_path, LIBRARY, docs={})
    serve = Serve(root)
    try:
        site = serve.rebuild()  # each rebuild is compared byte for byte with a cold one
        assert "<strong>Robotics</strong>" not in home_of(site)
        write_tree(root / "skills", {"robotics/arm/SKILL.md": hermes_skill("arm", "# Arm\n")})
        site = serve.rebuild()
        assert '<a href="./robotics/"><strong>Robotics</strong></a>' in home_of(site)
    finally:
        reset(serve.plugin)
