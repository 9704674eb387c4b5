"""What a site is built with: the options the MkDocs plugin or the export hand over."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "skillshelf"
    site_url: str | None = None
    site_description: str = ""
    use_directory_urls: bool = True
    #: URL prefix of a repository path, e.g. ``https://github.com/o/r/blob/main/``.
    source_url: str | None = None
    #: Folder the repository paths are relative to (the project folder).
    project_dir: Path | None = None
    #: Source path of the generated catalog page; None: no catalog.
    catalog: str | None = "catalog.md"
    skills_json: bool = True
    llms_txt: bool = True
    redirects: bool = True
    #: Carry MathJax and its loader (the configuration uses pymdownx.arithmatex).
    math: bool = False
    #: The configuration has the ``admonition`` extension: a GitBook hint becomes an
    #: admonition (else its tags are left out; see :mod:`skillshelf.site.compat`).
    admonitions: bool = False
    #: The command shown in each skill's "Use this skill" panel, with ``{name}``,
    #: ``{folder}``, ``{path}``, ``{category}``, ``{raw_url}`` and ``{zip_url}``
    #: (see :mod:`skillshelf.site.install`); "" shows none.
    install_command: str = ""
