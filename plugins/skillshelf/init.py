"""``skillshelf init [DIR]``: a starting configuration for an existing skills library.

It finds the skills folder (the top-level folder of DIR holding the most
``SKILL.md`` files, ``skills/`` first) and the folders beside it named like one
(``optional-skills/``): several are one library, written as ``roots``. Any other
folder holding a ``SKILL.md`` (a ``template/``) is named and left out. It reads
the frontmatter of every skill to
choose the style (``hermes`` when Hermes' fields are the most common, else
``skillshelf``, which also takes plain Agent Skills frontmatter: ``name`` and
``description`` only), and writes ``skillshelf.toml``, ``.pre-commit-config.yaml``
and ``mkdocs.yml``. A file that exists is never overwritten: it is named, and
kept. MkDocs refuses a ``docs_dir`` that does not exist, so an empty ``docs/``
(with a ``.gitkeep``) is made when there is none; the plugin then adds the home page.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshelf import version
from skillshelf.config import STYLES
from skillshelf.exit_codes import EXIT_CLEAN, EXIT_ERROR
from skillshelf.model import scan
from skillshelf.schemas import SKILL_SCHEMAS, load_schema

#: Folders that never hold the library: tools' and builds' own.
_NOT_SKILLS = frozenset({"docs", "site", "node_modules", "venv", "__pycache__", "build", "dist"})


def register_cli(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "init",
        help="write a starting skillshelf.toml, .pre-commit-config.yaml and mkdocs.yml",
        description="Write a starting skillshelf.toml, .pre-commit-config.yaml and mkdocs.yml "
        "for the skills library in DIR, with the skills folder and frontmatter style "
        "(skillshelf, hermes, or plain Agent Skills) read from its files. Existing files "
        "are never overwritten.",
    )
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path("."),
        help="the repository (default: the current folder); a top-level folder of a git "
        "repository that holds skills is taken as its skills folder",
    )
    parser.add_argument("--root", type=Path, help="the skills folder (default: detected)")
    parser.add_argument("--style", choices=STYLES, help="frontmatter style (default: detected)")
    parser.set_defaults(handler=_init)


@dataclass(frozen=True)
class Style:
    name: str
    reason: str


def detect_style(roots: list[Path]) -> Style:
    """The style most of the skills below ``roots`` are written in, and why."""
    hermes_only = set(load_schema(SKILL_SCHEMAS["hermes"])["properties"]) - set(
        load_schema(SKILL_SCHEMAS["skillshelf"])["properties"]
    )
    kinds: Counter[str] = Counter()
    skills = [skill for root in roots for skill in scan(root).skills]
    for skill in skills:
        data = skill.document.data
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        if isinstance(metadata.get("hermes"), dict) or hermes_only & set(data):
            kinds["hermes"] += 1
        elif isinstance(metadata.get("skillshelf"), dict):
            kinds["skillshelf"] += 1
    total = len(skills)
    if kinds["hermes"] > kinds["skillshelf"]:
        return Style("hermes", f"{kinds['hermes']} of {total} skills use Hermes' fields")
    if kinds["skillshelf"]:
        return Style("skillshelf", f"{kinds['skillshelf']} of {total} skills use skillshelf's")
    return Style(
        "skillshelf",
        "plain Agent Skills frontmatter (name, description): the skillshelf style takes it; "
        "skillshelf's own fields go under metadata.skillshelf",
    )


def _skill_count(folder: Path) -> int:
    count = 0
    for _, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _NOT_SKILLS]
        count += "SKILL.md" in files
    return count


def find_roots(project: Path) -> tuple[list[Path], list[Path]]:
    """The skills folders of ``project`` and the other top-level folders that hold a
    ``SKILL.md`` but are left out.

    The first root is ``skills/`` if it holds any skill, else the folder holding the
    most. Folders beside it whose name says they hold skills (``optional-skills/``)
    join it as further roots; any other (a ``template/`` with one example) is only
    named, since taking it in would publish it.
    """
    counts = {
        entry: _skill_count(entry)
        for entry in sorted(project.iterdir())
        if entry.is_dir() and not entry.name.startswith(".") and entry.name not in _NOT_SKILLS
    }
    counts = {folder: n for folder, n in counts.items() if n}
    if not counts:
        return [], []
    first = project / "skills"
    if first not in counts:
        first = max(counts, key=lambda folder: counts[folder])
    others = [folder for folder in counts if folder != first]
    joined = [folder for folder in others if "skills" in folder.name.lower()]
    return [first, *joined], [folder for folder in others if folder not in joined]


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def skillshelf_toml(roots: list[str], style: Style) -> str:
    if len(roots) == 1:
        where = f"root = {_toml_string(roots[0])}"
    else:
        listed = ", ".join(_toml_string(root) for root in roots)
        where = f"# several folders, one library\nroots = [{listed}]"
    return f"""\
# skillshelf's settings, read by `skillshelf lint`, the pre-commit hook and the MkDocs
# plugin (https://skillshelf.github.io/skillshelf/). Written by `skillshelf init`.
{where}
# {style.reason}
style = "{style.name}"

# [categories]
# min-skills = 2      # singleton-category below this
# max-skills = 12     # oversized-category above this (skillshelf style only)
# max-depth = 3       # too-deep beyond this nesting

# [rules]
# broken-link = "warning"   # re-level any rule: error, warning, info or off
"""


def pre_commit_config() -> str:
    return f"""\
# Written by `skillshelf init`; run `pre-commit install` once.
repos:
  - repo: https://github.com/skillshelf/skillshelf
    rev: v{version()}
    hooks:
      - id: skillshelf-lint
"""


def mkdocs_yml(site_name: str, roots: list[str]) -> str:
    folders = " and ".join(f"{root}/" for root in roots)
    return f"""\
# Written by `skillshelf init`: the site of the skills in {folders}, built by the
# skillshelf plugin (skillshelf installed with its [site] extra; mkdocs serve, mkdocs build).
site_name: {json.dumps(site_name, ensure_ascii=False)}
# Hand-written pages, if any; the skills come straight from {folders} through the
# plugin, which adds a home page when docs/ has none.
docs_dir: docs

theme:
  name: material
  features:
    - navigation.indexes
    - navigation.path
    - navigation.prune
    - content.code.copy

plugins:
  - search
  - tags
  - skillshelf

# Broken links inside skills are the linter's job (rule broken-link).
validation:
  links:
    not_found: info
    anchors: info

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.inlinehilite
"""


def _write_new(path: Path, text: str) -> bool:
    """Write ``path`` unless it exists (never overwritten); whether it was written."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


def _init(args: argparse.Namespace) -> int:
    project = args.dir.resolve()
    if not project.is_dir():
        print(f"skillshelf init: {args.dir} is not a folder", file=sys.stderr)
        return EXIT_ERROR
    root = (project / args.root).resolve() if args.root else None
    if (
        root is None
        and not (project / ".git").exists()
        and (project.parent / ".git").exists()
        and _skill_count(project)
    ):
        project, root = project.parent, project  # given the skills folder itself
    roots, left_out = ([root], []) if root is not None else find_roots(project)
    if not roots or not roots[0].is_dir():
        where = args.root or args.dir
        print(
            f"skillshelf init: no SKILL.md below {where}: name the skills folder with --root",
            file=sys.stderr,
        )
        return EXIT_ERROR
    relative = [Path(os.path.relpath(folder, project)).as_posix() for folder in roots]
    style = Style(args.style, "chosen with --style") if args.style else detect_style(roots)
    found = ", ".join(
        f"{name}/ ({_skill_count(folder)} skills)"
        for name, folder in zip(relative, roots, strict=True)
    )
    print(f"skills folder{'s' if len(roots) > 1 else ''}: {found}")
    for folder in left_out:
        print(
            f"left out: {folder.name}/ holds {_skill_count(folder)} SKILL.md too; "
            "add it to roots in skillshelf.toml to lint and publish it"
        )
    print(f"frontmatter style: {style.name} ({style.reason})")
    files = {
        "skillshelf.toml": skillshelf_toml(relative, style),
        ".pre-commit-config.yaml": pre_commit_config(),
        "mkdocs.yml": mkdocs_yml(project.name, relative),
    }
    for name, text in files.items():
        if _write_new(project / name, text):
            print(f"wrote {name}")
        else:
            print(f"kept {name}: it exists, not overwritten; skillshelf's part would be:")
            print("".join(f"    {line}\n" for line in text.splitlines() if line[:1] != "#"))
    docs = project / "docs"
    if not docs.exists():
        docs.mkdir()
        (docs / ".gitkeep").touch()
        print("made docs/ (empty: MkDocs needs the folder; the plugin adds the home page)")
    print("next: skillshelf lint; pre-commit install; mkdocs serve")
    return EXIT_CLEAN
