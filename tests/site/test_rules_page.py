"""The "Rules" reference page: every rule, from its own documentation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.site.conftest import FIXTURES, build_site

from skillshelf.rules import all_rules
from skillshelf.rules.base import DOC_SECTIONS
from skillshelf.site.export import export_site
from skillshelf.site.rules_page import rules_page

RULES = list(all_rules())


def test_the_page_lists_every_rule_with_every_section() -> None:
    page = rules_page(RULES)
    assert page.startswith("# Rules\n")
    for rule in RULES:
        assert f"\n| [`{rule.id}`](#{rule.id}) | {rule.severity.value} |" in page
        section = page.split(f"\n## {rule.id}\n", 1)[1].split("\n## ", 1)[0]
        assert section.startswith(f"\n{rule.summary}\n")
        headings = re.findall(r"^### (.+)$", section, flags=re.MULTILINE)
        assert tuple(headings) == DOC_SECTIONS, rule.id
    assert "fixable with `skillshelf lint --fix`" in page.split("\n## misplaced-tags\n")[1]


def test_headings_move_down_a_level_but_code_stays_as_written() -> None:
    (name_mismatch,) = [rule for rule in RULES if rule.id == "name-mismatch"]
    page = rules_page([name_mismatch])
    assert "\n# skills/mlops/inference/vllm/SKILL.md\n" in page  # a comment in a YAML block
    assert "\n### Example\n" in page and "\n## Example\n" not in page


def test_the_plugin_publishes_the_page_when_asked(tmp_path: Path) -> None:
    project = tmp_path / "flat"
    shutil.copytree(FIXTURES / "flat", project)
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text().replace(
            "  - skillshelf\n", "  - skillshelf:\n      rules_page: reference/rules.md\n"
        )
    )
    config = build_site(project, strict=True)
    html = (project / "site/reference/rules/index.html").read_text(encoding="utf-8")
    for rule in RULES:
        assert f'id="{rule.id}"' in html, rule.id
    assert "reference/rules.md" in str(config["nav"])


def test_without_the_option_there_is_no_page(tmp_path: Path) -> None:
    project = tmp_path / "flat"
    shutil.copytree(FIXTURES / "flat", project)
    build_site(project)
    assert not (project / "site/rules").exists()
    assert "rules" not in {path.name for path in (project / "site").iterdir()}


def test_the_export_writes_the_page_as_the_plugin_publishes_it(tmp_path: Path) -> None:
    project = tmp_path / "flat"
    shutil.copytree(FIXTURES / "flat", project)
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text().replace(
            "  - skillshelf\n", "  - skillshelf:\n      rules_page: rules.md\n"
        )
    )
    out = tmp_path / "export"
    export_site(out, mkdocs_file=mkdocs_yml, git_moves=False)
    assert (out / "docs/rules.md").read_text(encoding="utf-8") == rules_page(RULES)
    assert "rules.md" in (out / "nav.yml").read_text(encoding="utf-8")
