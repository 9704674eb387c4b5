"""The README's table of plugin options is the plugin's configuration class: every
option, in its order, with its default."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from skillshelf.mkdocs.plugin import SkillshelfPlugin

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_options() -> dict[str, object]:
    section = README.read_text(encoding="utf-8").split("### Plugin options", 1)[1]
    section = section.split("\n### ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| `([^`]*)` \|", section, flags=re.MULTILINE)
    return {name: yaml.safe_load(default) for name, default in rows}


def test_the_readme_table_names_every_option_with_its_default() -> None:
    plugin = SkillshelfPlugin()
    errors, warnings = plugin.load_config({})
    assert (errors, warnings) == ([], [])
    defaults = {name: plugin.config[name] for name in plugin.config}
    documented = readme_options()
    assert list(documented) == list(defaults)
    assert documented == defaults
