"""The plugin's logic as plain functions, called without a MkDocs build:
reading the configuration for a site, the assets it adds, and the nav."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from tests.conftest import healthy_tree, write_tree

from skillshelf.mkdocs.build import add_assets, overlaps, read_lint_config
from skillshelf.mkdocs.config import SkillshelfConfig
from skillshelf.mkdocs.files import nav_paths
from skillshelf.site.formulas import LOADER_URI
from skillshelf.site.plan import ASSET_URIS


def mkdocs_config(project: Path, **values: object) -> MkDocsConfig:
    config = MkDocsConfig(config_file_path=str(project / "mkdocs.yml"))
    config.load_dict({"site_name": "Test", "docs_dir": str(project / "docs"), **values})
    errors, _ = config.validate()
    assert errors == []
    return config


def plugin_options(**values: object) -> SkillshelfConfig:
    options = SkillshelfConfig()
    options.load_dict(values)
    errors, warnings = options.validate()
    assert (errors, warnings) == ([], [])
    return options


def test_the_configuration_is_found_from_mkdocs_yml_and_knows_docs_dir(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {**healthy_tree(), "docs/index.md": "# Home\n"})
    lint_config = read_lint_config(mkdocs_config(project), plugin_options())
    assert lint_config.root == (project / "skills").resolve()
    assert lint_config.docs_dir == (project / "docs").resolve()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"root": "skills", "roots": ["skills", "extra"]}, "either root or roots"),
        ({"root": "docs/skills"}, "must not contain one another"),
        ({"root": "."}, "must not contain one another"),
        ({"config_file": "missing.toml"}, "missing.toml"),
    ],
)
def test_a_site_configuration_that_cannot_work_is_a_plugin_error(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    project = write_tree(tmp_path, {**healthy_tree(), "docs/index.md": "# Home\n"})
    with pytest.raises(PluginError, match=message):
        read_lint_config(mkdocs_config(project), plugin_options(**options))


def test_assets_are_added_once_and_math_only_with_a_math_extension(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    plain = mkdocs_config(tmp_path)
    add_assets(plain)
    add_assets(plain)
    assert plain.extra_css.count(ASSET_URIS["css"]) == 1
    assert [str(s) for s in plain.extra_javascript] == [ASSET_URIS["js"]]
    maths = mkdocs_config(
        tmp_path, markdown_extensions=[{"pymdownx.arithmatex": {"generic": True}}]
    )
    add_assets(maths)
    assert [str(s) for s in maths.extra_javascript] == [ASSET_URIS["js"], LOADER_URI]


def test_nav_paths_reads_every_page_of_a_nested_nav() -> None:
    nav = ["index.md", {"Guide": ["a.md", {"Deep": "b/c.md"}]}, {"Link": "https://x.org"}]
    assert nav_paths(nav) == ["index.md", "a.md", "b/c.md", "https://x.org"]


def test_overlapping_folders() -> None:
    assert overlaps(Path("/a"), Path("/a/b"))
    assert overlaps(Path("/a/b"), Path("/a"))
    assert overlaps(Path("/a"), Path("/a"))
    assert not overlaps(Path("/a/b"), Path("/a/c"))
