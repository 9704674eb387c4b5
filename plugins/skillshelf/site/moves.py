"""Where skills used to live, so their old URLs can redirect.

Two sources, merged:

* **git history**: every rename of a ``SKILL.md`` below the skills root
  (``git log -M --diff-filter=R``), one subprocess per build, cached until a
  new commit lands. No git, not a repository or a shallow clone simply
  yield fewer moves.
* **the moves file** ``<root>/.moves.yml``, committed with the tree, for moves
  git cannot see (they predate the repository, or were done by copy and
  delete)::

      moves:
        mlops/axolotl: mlops/training/axolotl      # old path: new path
        gifs/gif-search: media/gif-search

Paths are skill folders relative to the skills root. Chains are followed
(``mlops/dspy`` -> ``mlops/research/dspy`` -> ``mlops/inference/dspy``) to
wherever the skill is now; a path where a skill lives today is never
redirected, and moves whose end is gone are dropped.

A redirect page is written at the old path, so an old path must be one a skill
could have had: never a site path reserved for the theme or the plugin
(``search``, ``assets``, ...; see :mod:`skillshelf.published`), never a hidden
folder, never a folder inside a skill that exists today. Any other is refused
with a warning that names the line of the moves file (or git history).
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from skillshelf.published import reserved_owner

MOVES_FILE = ".moves.yml"
_GIT_TIMEOUT = 30
#: Where a move found in git history was recorded, as messages say it.
GIT_HISTORY = "git history"
#: Folder names the scan never publishes (besides hidden ones).
_UNPUBLISHED = frozenset({"__pycache__", "node_modules"})


class RecordedMove(NamedTuple):
    """One move as recorded: skill folder paths relative to the root."""

    old: str
    new: str
    #: Where it was recorded, for messages: ``/p/skills/.moves.yml:3`` or ``git history``.
    where: str = GIT_HISTORY


@dataclass
class Moves:
    #: old skill path -> current skill path (both relative to the root).
    skills: dict[str, str] = field(default_factory=dict)
    #: old category path -> current category path, derived from the skill moves.
    categories: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_moves_file(root: Path) -> tuple[list[RecordedMove], list[str]]:
    """The moves recorded in ``<root>/.moves.yml``, plus problems found."""
    path = root / MOVES_FILE
    if not path.is_file():
        return [], []
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
        return [], [f"{path}: symlink points outside the skills tree; not read"]
    from ruamel.yaml import YAML

    try:
        text = path.read_text(encoding="utf-8")
        data = YAML(typ="safe", pure=True).load(text)
    except Exception as error:  # OSError, YAMLError, and ruamel's IndexError, TypeError...
        return [], [f"{path}: cannot read the moves file: {error}"]
    table = data.get("moves") if isinstance(data, dict) else None
    if table is None:
        return [], []
    if not isinstance(table, dict):
        return [], [f"{path}: 'moves' must be a mapping of old path: new path"]
    lines = _key_lines(text)
    moves: list[RecordedMove] = []
    problems: list[str] = []
    for old, new in table.items():
        where = f"{path}:{lines[old]}" if isinstance(old, str) and old in lines else str(path)
        if not isinstance(old, str) or not isinstance(new, str):
            problems.append(f"{where}: {_shown(old)}: {_shown(new)} is not a pair of paths")
            continue
        old_path, new_path = _clean(old), _clean(new)
        if not old_path or not new_path:
            problems.append(f"{where}: {old!r}: {new!r} is not a pair of paths below the root")
            continue
        moves.append(RecordedMove(old_path, new_path, where))
    return moves, problems


def _key_lines(text: str) -> dict[str, int]:
    """The 1-based line of each key of the ``moves`` mapping, for messages (read from
    the YAML's node tree, which keeps positions; the loaded data does not)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    try:
        document = YAML(typ="safe", pure=True).compose(text)
    except Exception:  # the load above succeeded; positions are a nicety
        return {}
    if not isinstance(document, MappingNode):
        return {}
    for key, value in document.value:
        if isinstance(key, ScalarNode) and key.value == "moves" and isinstance(value, MappingNode):
            return {
                old.value: old.start_mark.line + 1
                for old, _ in value.value
                if isinstance(old, ScalarNode) and isinstance(old.value, str)
            }
    return {}


def _shown(value: object) -> str:
    """A value for a message: a string quoted, anything else by its type (the repr
    of an alias bomb never ends; an int over 4300 digits has none)."""
    return repr(value) if isinstance(value, str) else f"<{type(value).__name__}>"


def _clean(path: str) -> str | None:
    normal = posixpath.normpath(path.strip().strip("/"))
    if normal in ("", ".") or normal.startswith("..") or normal.startswith("/"):
        return None
    return normal


_git_cache: dict[tuple[str, tuple[float, ...]], list[RecordedMove]] = {}


def _git_signature(root: Path) -> tuple[float, ...] | None:
    """Changes whenever a commit lands (HEAD or its reflog move); None: cannot tell."""
    for directory in (root, *root.parents):
        git = directory / ".git"
        if git.is_dir():
            stamps = []
            for name in ("HEAD", "logs/HEAD", "packed-refs", "shallow"):
                try:
                    stamps.append((git / name).stat().st_mtime)
                except OSError:
                    stamps.append(0.0)
            return tuple(stamps)
        if git.exists():  # a worktree or submodule: no cheap way to tell
            return None
    return None


def git_moves(root: Path) -> list[RecordedMove]:
    """Renames of ``SKILL.md`` files below ``root`` in git history, oldest first."""
    signature = _git_signature(root)
    key = (str(root), signature) if signature is not None else None
    if key is not None and key in _git_cache:
        return _git_cache[key]
    try:
        completed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "-M",
                "--diff-filter=R",
                "--name-status",
                "--format=",
                "--relative",
                "--",
                ".",
            ],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if completed.returncode != 0:
        return []
    pairs: list[RecordedMove] = []
    for line in completed.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].startswith("R"):
            continue
        old, new = parts[1], parts[2]
        if posixpath.basename(old) == "SKILL.md" and posixpath.basename(new) == "SKILL.md":
            old_dir, new_dir = _clean(posixpath.dirname(old)), _clean(posixpath.dirname(new))
            if old_dir and new_dir and old_dir != new_dir:
                pairs.append(RecordedMove(old_dir, new_dir))
    pairs.reverse()  # git log lists the newest first
    if key is not None:
        _git_cache[key] = pairs
    return pairs


def resolve_moves(
    recorded: Iterable[RecordedMove],
    skills: Iterable[str],
    categories: Iterable[str],
) -> Moves:
    """Follow every recorded move to where the skill lives now.

    ``recorded`` is oldest first; a later move of the same old path wins.
    ``skills`` and ``categories`` are today's paths. A move from a path no skill
    could have had is refused (:attr:`Moves.problems`); as a step of a chain it
    still leads on.
    """
    existing = set(skills)
    current_categories = set(categories)
    step: dict[str, RecordedMove] = {}
    for move in recorded:
        if move.old != move.new:
            step[move.old] = move
    moves = Moves()
    for old in sorted(step):
        if old in existing:
            continue
        seen = {old}
        target = step[old].new
        while target not in existing and target in step and target not in seen:
            seen.add(target)
            target = step[target].new
        if target not in existing:
            continue
        refusal = _not_a_skill_path(old, existing)
        if refusal is not None:
            moves.problems.append(
                f"{step[old].where}: the move {old!r}: {step[old].new!r} is not redirected: "
                f"{refusal}"
            )
            continue
        moves.skills[old] = target
    moves.categories = _category_moves(moves.skills, existing, current_categories)
    return moves


def _not_a_skill_path(old: str, skills: set[str]) -> str | None:
    """Why a redirect page may not be written at ``old``, if it may not."""
    owner = reserved_owner(old)
    if owner is not None:
        return f"{old.split('/', 1)[0]!r} is where the site keeps {owner}"
    parts = old.split("/")
    if any(part.startswith(".") or part in _UNPUBLISHED for part in parts):
        return "no skill is ever published below a hidden or skipped folder"
    for end in range(1, len(parts)):
        holder = "/".join(parts[:end])
        if holder in skills:
            return f"it is inside the skill {holder!r}, where no other skill can have been"
    return None


def _category_moves(
    skill_moves: Mapping[str, str], skills: set[str], categories: set[str]
) -> dict[str, str]:
    """An old category that is gone, whose moved skills all went to one category."""
    destinations: dict[str, set[str]] = {}
    for old, new in skill_moves.items():
        parent = posixpath.dirname(old)
        if parent:
            destinations.setdefault(parent, set()).add(posixpath.dirname(new))
    result: dict[str, str] = {}
    for old_category, targets in sorted(destinations.items()):
        if old_category in categories or old_category in skills or len(targets) != 1:
            continue
        (target,) = targets
        if target and target in categories:
            result[old_category] = target
    return result


def find_moves(root: Path, skills: Iterable[str], categories: Iterable[str]) -> Moves:
    """Git renames first (older), then the moves file, resolved against today's tree."""
    recorded = git_moves(root)
    from_file, problems = read_moves_file(root)
    moves = resolve_moves([*recorded, *from_file], skills, categories)
    moves.problems.extend(problems)
    return moves
