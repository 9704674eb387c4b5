"""The pages that list skills, as built: the catalog's first cards and data, the home
page's category cards, the tags index; and the plain functions behind them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.conftest import description_md, skill_md, write_tree
from tests.site.conftest import build_site

from skillshelf.site.catalog import PAGE_SIZE, first_sentence, tag_counts
from skillshelf.site.export import export_site

MKDOCS_YML = """\
site_name: listings
theme:
  name: material
  features: [navigation.indexes]
plugins:
  - search
  - skillshelf:
      strict_lint: "off"
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - attr_list
  - md_in_html
"""
HOME = """\
# Home

Intro.

<!-- skillshelf:categories -->

```markdown
<!-- skillshelf:categories -->
```

Write `<!-- skillshelf:tags -->` on a line of its own.
"""
TAGS = "# Tags\n\n<!-- skillshelf:tags -->\n"


def tagged(name: str, tags: str, description: str | None = None) -> str:
    extra = f"metadata:\n  skillshelf:\n    tags: [{tags}]\n"
    if description is None:
        return skill_md(name, extra=extra)
    return skill_md(name, description, extra=extra)


def project_with(root: Path, skills: dict[str, str]) -> Path:
    write_tree(
        root,
        {
            "mkdocs.yml": MKDOCS_YML,
            "skillshelf.toml": 'root = "skills"\n',
            "docs/index.md": HOME,
            "docs/tags.md": TAGS,
        },
    )
    write_tree(root / "skills", skills)
    return root


def small_tree() -> dict[str, str]:
    return {
        "ml/DESCRIPTION.md": description_md("ML", "Machine learning."),
        "ml/train/DESCRIPTION.md": description_md("Training"),
        "ml/train/dpo/SKILL.md": tagged(
            "dpo", "DPO, RLHF", "Align with DPO. Use when you have preference pairs."
        ),
        "ml/train/sft/SKILL.md": tagged("sft", "dpo, SFT"),
        "ml/serve/DESCRIPTION.md": description_md("Serving"),
        "ml/serve/api/SKILL.md": tagged(
            "api", "Serving", "Expose an endpoint. Use when e.g. a model needs an API."
        ),
        "ml/serve/mid/SKILL.md": tagged("mid", "Serving"),
        "tools/DESCRIPTION.md": description_md("Tools", "Small <helpers> & tools."),
        "tools/one/SKILL.md": tagged("one", "rlhf"),
        "tools/two/SKILL.md": skill_md("two"),
    }


def read(site: Path, uri: str) -> str:
    return (site / uri).read_text(encoding="utf-8")


def test_the_catalog_page_and_its_data(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", small_tree())
    build_site(project)
    site = project / "site"
    catalog = read(site, "catalog/index.html")
    assert catalog.count('<li class="skillshelf-card">') == 6
    dpo = catalog[catalog.index('<a href="../ml/train/dpo/">') :]
    dpo = dpo[: dpo.index("</li>")]
    assert '<p class="skillshelf-card-lead">Align with DPO.</p>' in dpo
    assert "<summary>More" in dpo and "<p>Use when you have preference pairs.</p>" in dpo
    assert '<a class="skillshelf-tag" href="./?tag=DPO">DPO</a>' in dpo
    data = json.loads(read(site, "_skillshelf/catalog.json"))
    assert data["catalog"] == "catalog/"
    assert data["categories"] == [
        ["ml", "ML", "ml/", -1],
        ["ml/serve", "ML / Serving", "ml/serve/", 0],
        ["ml/train", "ML / Training", "ml/train/", 0],
        ["tools", "Tools", "tools/", -1],
    ]
    by_name = {row[0]: row for row in data["skills"]}
    assert by_name["dpo"] == [
        "dpo",
        "ml/train/dpo/",
        2,
        "Align with DPO.",
        "Use when you have preference pairs.",
        ["DPO", "RLHF"],
        "Title",  # the first heading of its SKILL.md
    ]
    assert by_name["api"][3:5] == [
        "Expose an endpoint.",
        "Use when e.g. a model needs an API.",
    ]


def test_a_big_catalog_carries_one_page_of_cards_and_every_category(tmp_path: Path) -> None:
    skills = {f"cat{n % 3}/DESCRIPTION.md": description_md(f"Cat {n % 3}") for n in range(3)}
    for number in range(PAGE_SIZE * 3):
        skills[f"cat{number % 3}/s{number:03}/SKILL.md"] = skill_md(f"s{number:03}")
    project = project_with(tmp_path / "p", skills)
    build_site(project)
    catalog = read(project / "site", "catalog/index.html")
    assert catalog.count('<li class="skillshelf-card">') == PAGE_SIZE
    fallback = catalog[catalog.index('<div class="skillshelf-fallback">') :]
    assert f"The first {PAGE_SIZE} of {PAGE_SIZE * 3} skills" in fallback
    for number in range(3):
        assert f'<a href="../cat{number}/">Cat {number}</a>' in fallback
    assert fallback.count(f"{PAGE_SIZE} skills</span>") == 3
    data = json.loads(read(project / "site", "_skillshelf/catalog.json"))
    assert len(data["skills"]) == PAGE_SIZE * 3


def test_the_home_and_tags_pages_get_their_lists(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", small_tree())
    build_site(project)
    site = project / "site"
    home = read(site, "index.html")
    assert '<form class="skillshelf-search" action="./catalog/" method="get" role="search">' in home
    assert '<label for="skillshelf-home-query">Search the 6 skills</label>' in home
    assert '<a href="./ml/"><strong>ML</strong></a> <span class="skillshelf-count">4 skills' in home
    assert "<p>Small &lt;helpers&gt; &amp; tools.</p>" in home
    # the marker in a code block and the one inside a sentence stay as written
    assert home.count("skillshelf-cards") == 1
    assert "&lt;!-- skillshelf:categories --&gt;" in home
    assert "<code>&lt;!-- skillshelf:tags --&gt;</code>" in home
    tags = read(site, "tags/index.html")
    chips = re.findall(r'<a class="skillshelf-tag" href="([^"]+)">([^<]+) <span', tags)
    # one entry per tag whatever its case, the spelling most skills use, sorted by name
    assert chips == [
        ("../catalog/?tag=DPO", "DPO"),
        ("../catalog/?tag=RLHF", "RLHF"),
        ("../catalog/?tag=Serving", "Serving"),
        ("../catalog/?tag=SFT", "SFT"),
    ]
    assert '?tag=DPO">DPO <span class="skillshelf-count">2<span class="skillshelf-sr"> skills' in (
        tags
    )
    assert "4 tags, each with the number of skills" in tags


def test_the_export_fills_the_same_lists(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", small_tree())
    export_site(tmp_path / "out", mkdocs_file=project / "mkdocs.yml")
    home = (tmp_path / "out/docs/index.md").read_text(encoding="utf-8")
    assert "skillshelf:categories -->\n```" in home  # the fenced one is left
    assert home.count("<!-- skillshelf:categories -->") == 1
    assert '<a href="./ml/"><strong>ML</strong></a>' in home
    tags = (tmp_path / "out/docs/tags.md").read_text(encoding="utf-8")
    assert '<a class="skillshelf-tag" href="../catalog/?tag=DPO">' in tags
    assert (tmp_path / "out/docs/_skillshelf/catalog.json").is_file()
    assert (tmp_path / "out/docs/_skillshelf/skills/ml/train/dpo/dpo.zip").is_file()


@pytest.mark.parametrize(
    ("text", "lead", "rest"),
    [
        ("One. Two.", "One.", "Two."),
        ("Only one sentence", "Only one sentence", ""),
        (
            "Uses e.g. LoRA and i.e. adapters. Then more.",
            "Uses e.g. LoRA and i.e. adapters.",
            "Then more.",
        ),
        ("Targets trl 1.16.0 today. Next.", "Targets trl 1.16.0 today.", "Next."),
        ("Run `a. b` here! Then.", "Run `a. b` here!", "Then."),
        ("Why? Because.", "Why?", "Because."),
        ("Folded\n  over lines.\nThe rest\n", "Folded over lines.", "The rest"),
        ("Ends with a stop.", "Ends with a stop.", ""),
        ("", "", ""),
    ],
)
def test_first_sentence(text: str, lead: str, rest: str) -> None:
    assert first_sentence(text) == (lead, rest)


def test_tag_counts_merge_case_and_count_each_skill_once() -> None:
    counts = tag_counts([["DPO", "dpo"], ["dpo"], ["DPO", "RLHF"], ["beta"], ["Alpha"]])
    assert [(item.tag, item.skills) for item in counts] == [
        ("Alpha", 1),
        ("beta", 1),
        ("DPO", 3),
        ("RLHF", 1),
    ]
