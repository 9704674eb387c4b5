"""What material's search indexes of a skill page, read from the built search index."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.site.conftest import REPO, build_site

Project = Callable[[str], Path]


def search_docs(site: Path) -> dict[str, dict[str, Any]]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {doc["location"]: doc for doc in index["docs"]}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.mark.slow
def test_the_skill_header_is_not_indexed_as_run_together_text(project: Project) -> None:
    root = project("nested")
    build_site(root)
    docs = search_docs(root / "site")
    page = docs["ml/training/trainer-a/"]
    html = (root / "site/ml/training/trainer-a/index.html").read_text(encoding="utf-8")
    # the header is on the page, marked for material's search to skip (the sanitizer
    # keeps the mark, written as nh3 writes an empty attribute)
    assert '<table class="skillshelf-meta" data-search-exclude="">' in html
    words = text_of(page["text"])
    for label in ("Name", "Category", "Tags", "Related skills", "Source"):
        assert not re.search(rf"\b{label}\b", words), (label, words[:200])
    # what a reader searches for stays: the description and the page's tags
    assert "Fine-tune with trainer A. Use when training." in words
    assert page["tags"] == ["Fine-Tuning", "DPO"]


@pytest.mark.slow
def test_the_tags_index_is_boosted_below_every_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(REPO, site=str(site))
    docs = search_docs(site)
    tags = [doc for location, doc in docs.items() if location.startswith("tags/")]
    # one section: the compact index, every tag in its text
    assert len(tags) == 1 and "Fine-Tuning" in tags[0]["text"] and "DPO" in tags[0]["text"]
    # material multiplies a section's score by its page's boost; titles weigh 1000
    # times the text, so the index must weigh less than 1/1000 of a text hit
    assert all(doc["boost"] < 1e-3 for doc in tags)
    assert not [doc for location, doc in docs.items() if "boost" in doc and location[:5] != "tags/"]
