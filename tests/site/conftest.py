"""Helpers for the site tests: copy a fixture project and build it with MkDocs' Python API."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "site"
REPO = Path(__file__).resolve().parents[2]


def build_site(project: Path, *, strict: bool = False, site: str = "site") -> object:
    """Build ``project/mkdocs.yml`` into ``project/<site>``; returns the MkDocs config."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(
        config_file=str(project / "mkdocs.yml"), strict=strict, site_dir=str(project / site)
    )
    build(config)
    return config


def site_files(site: Path) -> dict[str, bytes]:
    """Every output file except the ones that hold build dates."""
    skip = {"sitemap.xml", "sitemap.xml.gz"}
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.name not in skip
    }


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy ``tests/fixtures/site/<name>`` to a temporary folder and return it."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site (mkdocs.yml, the real skills tree), built once."""
    site = tmp_path_factory.mktemp("real-site") / "site"
    build_site(REPO, site=str(site))
    return site
