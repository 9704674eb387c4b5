"""Options of the ``skillshelf`` MkDocs plugin.

Lint settings (the skills root, style, rule severities) are *not* plugin
options: the plugin reads the project's one configuration (``skillshelf.toml``
or ``[tool.skillshelf]`` in ``pyproject.toml``) through
:func:`skillshelf.config.load_config`. ``repo_url`` and ``edit_uri`` are
MkDocs' own settings.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from skillshelf.site.install import template_problem


class InstallCommand(c.Type[str]):
    """A template of skillshelf.site.install: only its fields, braces balanced."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: Any) -> str:
        text = super().run_validation(value)
        problem = template_problem(text)
        if problem is not None:
            raise ValidationError(problem)
        return text


class TitleWords(c.Type[dict[str, str]]):
    """``{folder word: title word}``: text keys and values only."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: Any) -> dict[str, str]:
        words = super().run_validation(value)
        for key, spelled in words.items():
            if not isinstance(key, str) or not isinstance(spelled, str) or not spelled.strip():
                raise ValidationError(
                    f"title_words maps a word to its spelling, both text: {key!r}: {spelled!r}"
                )
        return words


class SkillshelfConfig(Config):  # type: ignore[no-untyped-call]
    #: Turn the plugin off (e.g. ``enabled: !ENV [SKILLSHELF_SITE, true]``).
    enabled = c.Type(bool, default=True)
    #: The skillshelf configuration file; default: found from mkdocs.yml's folder upwards.
    config_file = c.Optional(c.Type(str))
    #: The skills tree, overriding the configuration's ``root`` (relative to mkdocs.yml).
    root = c.Optional(c.Type(str))
    #: Several skills trees as one library (folders side by side), overriding the
    #: configuration's ``roots``; not together with ``root``.
    roots = c.Optional(c.ListOfItems(c.Type(str)))
    #: Lowest lint severity printed as a MkDocs warning (so ``--strict`` fails on it);
    #: findings below it are printed as info. ``off`` skips the lint.
    strict_lint = c.Choice(("error", "warning", "info", "off"), default="error")
    #: Source path of the generated catalog page; empty: no catalog.
    catalog = c.Type(str, default="catalog.md")
    #: Source path of a generated "Rules" page documenting every lint rule (from the
    #: rules' own docs, skillshelf.site.rules_page); empty: no such page.
    rules_page = c.Type(str, default="")
    #: Write redirect pages for skills that moved (git renames plus ``<root>/.moves.yml``).
    redirects = c.Type(bool, default=True)
    #: Look for moves in git history (one ``git log`` per build, cached).
    git_moves = c.Type(bool, default=True)
    #: The command each skill page's "Use this skill" panel shows, e.g.
    #: ``hermes skills install {name}``; fields {name} {folder} {path} {category}
    #: {raw_url} {zip_url}, each shell-quoted. Default "": no command, only the downloads.
    install_command = InstallCommand()
    #: How titles made from folder names (categories without a DESCRIPTION.md
    #: ``title``) spell words, added to the built-in ones (skillshelf.titles.TITLE_WORDS:
    #: ``mlops: MLOps``, ``mcp: MCP``, ``ai: AI``...), e.g. ``{k8s: Kubernetes}``.
    title_words = TitleWords()
    #: Write ``skills.json`` and ``llms.txt`` at the site root.
    skills_json = c.Type(bool, default=True)
    llms_txt = c.Type(bool, default=True)
    #: Strip what would run script (``<script>``, ``on...=`` handlers, ``javascript:``
    #: links, iframes, forms...) from the HTML of every page built from the tree, keeping
    #: what Markdown, mkdocs-material and pymdown-extensions write (skillshelf.site.sanitize).
    #: Turn off only for a library whose every contributor you trust with your site.
    sanitize = c.Type(bool, default=True)
    #: URL prefix for "view source" links to repository paths; default: derived from
    #: ``repo_url`` and ``edit_uri`` (GitHub/GitLab ``edit/<branch>/`` -> ``blob/<branch>/``).
    source_uri = c.Optional(c.Type(str))
    #: Under ``mkdocs serve``, reuse the scan, Markdown conversions and finished pages of
    #: what did not change between rebuilds (see skillshelf.mkdocs.serve), and
    #: watch the skills tree with inotify instead of polling it (serve.watch).
    serve_cache = c.Type(bool, default=True)
