"""How the library's Markdown renders on the real site: bare URLs, the DPO guide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DPO_GUIDE = "mlops/training/trl-fine-tuning/references/dpo-variants/index.html"


@pytest.mark.slow
def test_bare_urls_become_links(real_site: Path) -> None:
    html = (real_site / "productivity/ocr-and-documents/index.html").read_text(encoding="utf-8")
    # the skill lists its sources as bare URLs; pymdownx.magiclink links them
    assert '<a href="https://ocrmypdf.readthedocs.io/en/latest/">' in html


@pytest.mark.slow
def test_the_label_smoothing_section_keeps_its_condition(real_site: Path) -> None:
    html = (real_site / DPO_GUIDE).read_text(encoding="utf-8")
    section = html.split('id="label_smoothing-default-00"', 1)[1].split("<h3", 1)[0]
    assert "<blockquote>" not in section
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))
    assert "must be greater than 0; 1e-3 suggested" in text
