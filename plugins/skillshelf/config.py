"""Project configuration: one place, read by the linter, the hooks and the site.

Settings live in ``skillshelf.toml`` (its keys at the top level) or, failing
that, in the ``[tool.skillshelf]`` table of ``pyproject.toml``, found by walking
up from the working directory to the repository's root (the folder holding
``.git``), no further. Paths are relative to the file's folder; without a file,
to the repository's root. Every key is optional::

    [tool.skillshelf]
    root = "skills"            # the skills tree, relative to this file
    # roots = ["skills", "optional-skills"]   # several trees, one library (not with root)
    style = "skillshelf"       # or "hermes": frontmatter style to validate against

    [tool.skillshelf.categories]
    min-skills = 2             # fewer skills than this in a category: singleton-category
    max-skills = 12            # more skills directly in one category: oversized-category
    max-depth = 3              # deeper category nesting: too-deep

    [tool.skillshelf.files]
    max-bytes = 1048576        # larger SKILL.md, reference or bundled file: oversized-file

    exclude = ["drafts", "skills/legacy/**"]   # never scanned, linted or published

    [tool.skillshelf.per-file-ignores]
    "skills/imported/**" = ["unsafe-html"]     # these rules are not reported there

    [tool.skillshelf.rules]
    broken-link = "warning"    # re-level a rule: "error", "warning", "info" or "off"

(``exclude`` sits before the first sub-table, as TOML requires.) Globs are
relative to the configuration file's folder (:mod:`skillshelf.globs`).

This module reads the settings; it does not know the rules. That every id in
``[rules]`` and ``per-file-ignores`` names a rule is checked where both are known
(:func:`skillshelf.lint.check_rule_ids`).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshelf.diagnostics import Severity
from skillshelf.globs import matches
from skillshelf.suggest import did_you_mean

STYLES = ("skillshelf", "hermes")
CONFIG_FILES = ("skillshelf.toml", "pyproject.toml")


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


@dataclass(frozen=True)
class LintConfig:
    project_dir: Path
    #: The skills tree; with several roots, the folder that holds them all.
    root: Path
    #: With several roots: their folder names inside :attr:`root` (empty for one root).
    roots: tuple[str, ...] = ()
    style: str = "skillshelf"
    min_skills: int = 2
    max_skills: int = 12
    max_depth: int = 3
    max_file_bytes: int = 1024 * 1024
    severities: dict[str, Severity] = field(default_factory=dict)
    source: Path | None = None
    #: Globs of paths never scanned (so never linted nor published).
    exclude: tuple[str, ...] = ()
    #: (glob, rule ids) pairs: those rules are not reported on matching paths.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The site's docs_dir, when a site build runs the lint (not a setting: the
    #: MkDocs plugin sets it), for checking site-absolute links.
    docs_dir: Path | None = None

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the project folder, with ``/`` (globs match this)."""
        relpath = os.path.relpath(os.path.abspath(path), self.project_dir)
        return relpath.replace(os.sep, "/")

    def excluded(self, path: str) -> bool:
        """Whether the walk leaves ``path`` (absolute) out: it matches an ``exclude`` glob."""
        return bool(self.exclude) and matches(self.relative(path), self.exclude)

    def ignored_rules(self, path: Path) -> frozenset[str]:
        """The rule ids ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        relpath = self.relative(path)
        return frozenset(
            rule_id
            for pattern, rule_ids in self.per_file_ignores
            if matches(relpath, (pattern,))
            for rule_id in rule_ids
        )

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        return self.severities.get(rule_id, default)

    @property
    def root_dirs(self) -> tuple[Path, ...]:
        """Every skills root folder (one, or each of ``roots``)."""
        return tuple(self.root / name for name in self.roots) if self.roots else (self.root,)

    @property
    def where(self) -> str:
        """The file the settings came from, for messages ("configuration" when none)."""
        return str(self.source) if self.source else "configuration"


_SECTIONS: dict[str, dict[str, tuple[str, type]]] = {
    "": {"root": ("root", str), "roots": ("roots", list), "style": ("style", str)},
    "categories": {
        "min-skills": ("min_skills", int),
        "max-skills": ("max_skills", int),
        "max-depth": ("max_depth", int),
    },
    "files": {"max-bytes": ("max_file_bytes", int)},
}


def _up_to_repository(start: Path) -> list[Path]:
    """``start`` and its parents up to the first that holds ``.git`` (a folder, or a
    file in a worktree or submodule), or to the file system's root when none does."""
    folders = []
    for directory in (start, *start.parents):
        folders.append(directory)
        if (directory / ".git").exists():
            break
    return folders


def find_config_file(start: Path) -> Path | None:
    """The nearest ``skillshelf.toml``, or ``pyproject.toml`` with a skillshelf table,
    from ``start`` up to the repository's root."""
    for directory in _up_to_repository(start):
        candidate = directory / "skillshelf.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and "[tool.skillshelf" in candidate.read_text(
            encoding="utf-8", errors="replace"
        ):
            return candidate
    return None


def load_config(
    start: Path | None = None,
    *,
    config_file: Path | None = None,
    root: Path | None = None,
    roots: Sequence[Path] | None = None,
) -> LintConfig:
    """Read the configuration for the project around ``start`` (default: cwd).

    ``root`` or ``roots`` (absolute paths) override the file's setting.
    """
    start = (start or Path.cwd()).resolve()
    path = config_file.resolve() if config_file else find_config_file(start)
    table: dict[str, Any] = {}
    folders = _up_to_repository(start)
    # without a file, the root is found from the repository's top (or the start)
    project_dir = folders[-1] if (folders[-1] / ".git").exists() else start
    if path is not None:
        project_dir = path.parent
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{path}: cannot read configuration: {error}") from None
        if path.name != "skillshelf.toml":
            table = document.get("tool", {}).get("skillshelf", {})
        elif isinstance(document.get("tool"), dict) and "skillshelf" in document["tool"]:
            raise ConfigError(
                f"{path}: skillshelf.toml holds its settings at the top level: write "
                "root = ... and [categories], not [tool.skillshelf] and "
                "[tool.skillshelf.categories] (those are for pyproject.toml)"
            )
        else:
            table = document
    return config_from_table(table, project_dir=project_dir, source=path, root=root, roots=roots)


def config_from_table(
    table: dict[str, Any],
    *,
    project_dir: Path,
    source: Path | None = None,
    root: Path | None = None,
    roots: Sequence[Path] | None = None,
) -> LintConfig:
    where = str(source) if source else "configuration"
    values: dict[str, Any] = {}
    for section, keys in _SECTIONS.items():
        part = table if not section else table.get(section, {})
        if not isinstance(part, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        for key, value in part.items():
            if not section and key in (*_SECTIONS, *_LISTS, "rules"):
                continue
            if key not in keys:
                known = _known(section)
                guess = did_you_mean(key, [name.strip("[]") for name in known])
                raise ConfigError(
                    f"{where}: unknown setting {_dotted(section, key)!r}{guess} "
                    f"(known: {', '.join(known)})"
                )
            attribute, kind = keys[key]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ConfigError(f"{where}: {_dotted(section, key)} must be a {kind.__name__}")
            values[attribute] = value
    if values.get("style", "skillshelf") not in STYLES:
        raise ConfigError(f"{where}: style must be one of {', '.join(STYLES)}")
    for attribute in ("min_skills", "max_skills", "max_depth", "max_file_bytes"):
        if values.get(attribute, 1) < 1:
            raise ConfigError(f"{where}: {attribute.replace('_', '-')} must be at least 1")
    severities = _read_severities(table.get("rules", {}), where)
    values["exclude"] = _strings(table.get("exclude", []), "exclude", where)
    values["per_file_ignores"] = _read_ignores(table.get("per-file-ignores", {}), where)
    if "root" in values and "roots" in values:
        raise ConfigError(f"{where}: give either root (one tree) or roots (several), not both")
    configured: list[Path] = [
        project_dir / r for r in _read_roots(values.pop("roots", None), where)
    ]
    configured_root = project_dir / values.pop("root", "skills")
    if root is not None:
        configured = []
        configured_root = root
    elif roots:
        configured = list(roots)
    root_path, root_names = _split_roots(configured, where) if configured else (configured_root, ())
    return LintConfig(
        project_dir=project_dir,
        root=root_path.resolve(),
        roots=root_names,
        severities=severities,
        source=source,
        **values,
    )


#: Top-level keys that hold globs (read by their own functions).
_LISTS = ("exclude", "per-file-ignores")


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(value)


def _read_ignores(table: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [per-file-ignores] must be a table of glob = [rule ids]")
    return tuple(
        (pattern, _strings(rule_ids, f"per-file-ignores.{pattern!r}", where))
        for pattern, rule_ids in table.items()
    )


def _read_roots(value: list[Any] | None, where: str) -> list[str]:
    if value is None:
        return []
    if not value or not all(isinstance(item, str) and item.strip("/.") for item in value):
        raise ConfigError(f"{where}: roots must be a non-empty list of folder names")
    return value


def _split_roots(
    roots: Sequence[Path], where: str = "configuration"
) -> tuple[Path, tuple[str, ...]]:
    """The folder that holds ``roots`` and their names in it.

    Several roots are one library: they sit side by side in one folder, which
    the scan walks as its root, entering only the named folders.
    """
    resolved = [Path(os.path.abspath(r)) for r in roots]
    if len(resolved) == 1:
        return resolved[0], ()
    parents = {r.parent for r in resolved}
    if len(parents) != 1:
        shown = ", ".join(str(r) for r in resolved)
        raise ConfigError(f"{where}: roots must sit side by side in one folder ({shown})")
    names = tuple(r.name for r in resolved)
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: roots names the same folder twice")
    return parents.pop(), names


def _read_severities(rules: Any, where: str) -> dict[str, Severity]:
    if not isinstance(rules, dict):
        raise ConfigError(f"{where}: [rules] must be a table of rule id = severity")
    severities: dict[str, Severity] = {}
    for rule_id, level in rules.items():
        try:
            severities[rule_id] = Severity.parse(str(level))
        except ValueError as error:
            raise ConfigError(f"{where}: rules.{rule_id}: {error}") from None
    return severities


def _known(section: str) -> list[str]:
    """Every setting a section takes; at the top level, the sections too (``[files]``)."""
    keys = sorted(_SECTIONS[section])
    if section:
        return keys
    tables = sorted((*_SECTIONS, "rules", "per-file-ignores"))
    return sorted((*keys, "exclude")) + [f"[{name}]" for name in tables if name]


def _dotted(section: str, key: str) -> str:
    return f"{section}.{key}" if section else key
