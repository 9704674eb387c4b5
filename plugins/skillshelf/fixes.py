"""Safe, mechanical fixes that ``skillshelf lint --fix`` may apply, and applying them.

A fix is a pure function from a file's text to its new text. The text is the
file decoded as UTF-8 with nothing normalised (bytes that are not UTF-8 are
kept as they are, through ``surrogateescape``), so a byte-order mark or CRLF
endings are still there for the fixes that remove them, and each fix changes
only what its finding is about. Files are only written when ``--fix`` is
given, and only when the text actually changed.

Writing never loses data (see :mod:`skillshelf.safe_files`): the new bytes go
to a temporary file in the same folder, which is flushed to disk and renamed
over the old one with its mode (and, where allowed, owner), so a full disk, a
kill or a crash leaves either the old file or the new one. Some files are
never written, and are reported as not fixed:

* a symlink, or a file whose path below the skills root passes through one:
  writing through the link would change a file the tree only points at
  (possibly outside it, possibly another skill's), and renaming over it would
  quietly turn the link into a copy. A link inside the tree points at a file
  the linter fixes under its own name anyway;
* a file with more than one hard link: the other names are other files to the
  user (possibly outside the tree); writing in place would change them too,
  and replacing the file would silently split them apart;
* anything but a regular file, a file outside the skills root, and a file that
  changed between being read and being replaced (someone else's edit wins).
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable
from contextlib import ExitStack
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshelf.diagnostics import Fix
from skillshelf.frontmatter import frontmatter_closing, load_frontmatter, parse_document
from skillshelf.safe_files import open_folder, read_file, replace_file

TextFix = Callable[[str], "str | None"]


def _strip_bom(text: str) -> str | None:
    return text[1:] if text.startswith("\ufeff") else None


def _lf_endings(text: str) -> str | None:
    if "\r" not in text:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


TEXT_FIXES: dict[str, tuple[str, TextFix]] = {
    "strip-bom": ("remove the UTF-8 byte-order mark", _strip_bom),
    "lf-endings": ("convert line endings to LF", _lf_endings),
}


def text_fix(name: str, path: Path) -> Fix:
    description, function = TEXT_FIXES[name]
    return Fix(description, path, function)


@dataclass
class FixOutcome:
    """What ``--fix`` did to each file it was asked to change."""

    fixed: list[Path] = field(default_factory=list)
    #: Files left alone on purpose, each with the reason.
    refused: list[tuple[Path, str]] = field(default_factory=list)
    #: Files that could not be written (the OS's reason): each is unchanged.
    failed: list[tuple[Path, str]] = field(default_factory=list)

    def lines(self, show: Callable[[Path], str]) -> list[str]:
        """One line per file, for the user; ``show`` turns a path into text."""
        return (
            [f"fixed {show(path)}" for path in self.fixed]
            + [f"not fixed {show(path)}: {reason}" for path, reason in self.refused]
            + [
                f"skillshelf: could not fix {show(path)}: {reason} (the file is unchanged)"
                for path, reason in self.failed
            ]
        )


class _RefusedError(Exception):
    """A file ``--fix`` will not write; the message says why."""


def apply_fixes(fixes: list[Fix], root: Path) -> FixOutcome:
    """Apply fixes file by file below the skills ``root``.

    Each file is read once, every fix for it applied in order, and written
    back once, atomically (see the module's docstring for what is refused).
    """
    by_path: dict[Path, list[Fix]] = {}
    for fix in fixes:
        by_path.setdefault(fix.path, []).append(fix)
    outcome = FixOutcome()
    for path, path_fixes in by_path.items():
        try:
            if _fix_file(root, path, path_fixes):
                outcome.fixed.append(path)
        except _RefusedError as refusal:
            outcome.refused.append((path, str(refusal)))
        except OSError as error:
            outcome.failed.append((path, error.strerror or str(error)))
    return outcome


def _fix_file(root: Path, path: Path, fixes: list[Fix]) -> bool:
    """Fix one file; True when it was rewritten."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    parts = relative.split(os.sep)
    if relative == os.curdir or parts[0] == os.pardir:
        raise _RefusedError("it is outside the skills tree")
    with ExitStack() as opened:
        # The root and the folders above it are the user's own choice; below
        # it, each folder is opened without following a link.
        folder = opened.enter_context(open_folder(os.path.abspath(root), follow=True))
        for name in parts[:-1]:
            try:
                folder = opened.enter_context(open_folder(name, at=folder))
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _RefusedError(f"{name!r} on its path is a symlink") from None
                raise
        return _fix_in_folder(folder, parts[-1], fixes)


def _fix_in_folder(folder: int, name: str, fixes: list[Fix]) -> bool:
    before = os.stat(name, dir_fd=folder, follow_symlinks=False)
    _check_writable(before)
    raw, opened = read_file(name, at=folder)
    if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
        raise _RefusedError("it changed while being fixed")
    original = raw.decode("utf-8", "surrogateescape")
    text = original
    for fix in fixes:
        result = fix.apply(text)
        if result is not None:
            text = result
    if text == original:
        return False
    now = os.stat(name, dir_fd=folder, follow_symlinks=False)
    if _stamp(now) != _stamp(opened):
        raise _RefusedError("it changed while being fixed; run --fix again")
    replace_file(
        folder,
        name,
        text.encode("utf-8", "surrogateescape"),
        mode=stat.S_IMODE(opened.st_mode),
        owner=(opened.st_uid, opened.st_gid),
        durable=True,
    )
    return True


def _check_writable(status: os.stat_result) -> None:
    if stat.S_ISLNK(status.st_mode):
        raise _RefusedError("it is a symlink; --fix never writes through or over a link")
    if not stat.S_ISREG(status.st_mode):
        raise _RefusedError("it is not a regular file")
    if status.st_nlink > 1:
        raise _RefusedError(
            f"it has {status.st_nlink} hard links; --fix would change the other names "
            "too, or split them apart"
        )


def _stamp(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_nlink)


def move_tags_fix(path: Path, namespace: tuple[str, ...]) -> Fix:
    """Move top-level ``tags`` under ``namespace`` (e.g. metadata.hermes),
    merged into the tags already there."""
    return Fix(
        f"move tags under {'.'.join(namespace)}",
        path,
        lambda text: _edit_frontmatter(text, lambda source: merge_tags(source, namespace)),
    )


def _edit_frontmatter(text: str, edit: Callable[[str], str | None]) -> str | None:
    """Apply ``edit`` to the YAML source of ``text``'s frontmatter.

    The body, the opening line, a byte-order mark and CRLF line endings are
    kept as they were (only a file that mixes line endings comes back with
    LF: the new lines have to be written with one of them). Returns ``None``
    when there is no frontmatter, ``edit`` declines, or the result would not
    read back as a document with clean frontmatter and the same body.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    content = text[len(bom) :]
    pairs = content.count("\r\n")
    crlf = pairs > 0 and pairs == content.count("\r") == content.count("\n")
    normalised = content.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalised.split("\n")
    closing = frontmatter_closing(lines)
    if closing is None:
        return None
    edited = edit("\n".join(lines[1:closing]) + "\n")
    if edited is None:
        return None
    result = lines[0] + "\n" + edited + "\n".join(lines[closing:])
    before = parse_document(normalised, expect_frontmatter=True, fast=False)
    after = parse_document(result, expect_frontmatter=True, fast=False)
    if after.frontmatter is None or after.issues or after.body != before.body:
        return None
    return bom + (result.replace("\n", "\r\n") if crlf else result)


def merge_tags(source: str, namespace: tuple[str, ...]) -> str | None:
    """The frontmatter YAML ``source`` with its top-level ``tags`` moved under
    ``namespace``, or merged into the tags already there (order kept,
    duplicates dropped); ``None`` when that cannot be done safely.

    The YAML is round-tripped with ruamel.yaml, so comments, key order and
    quoting survive: the comment on the ``tags`` line moves with the tags,
    and comment lines after them stay before the key they came before. It
    declines when the namespace is not a mapping, when both places hold
    something other than a list, and when the linter would still read
    top-level tags in the result (tags brought in by a ``<<`` merge key).
    The misplaced-tags rule calls it to know whether its finding is fixable,
    so that a ``--fix`` run always leaves nothing fixable behind.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _round_trip_yaml()
    try:
        data = yaml.load(source)
    except Exception:  # ruamel raises more than YAMLError on odd input; the linter reports it
        return None
    if not isinstance(data, CommentedMap) or "tags" not in data or data.merge:
        return None
    moved = data["tags"]
    target = data
    for key in namespace if moved is not None else ():  # a null is dropped, not moved
        child = target.get(key)
        if child is None:
            child = target[key] = CommentedMap()
        if not isinstance(child, CommentedMap):
            return None
        target = child
    existing = target.get("tags") if moved is not None else None
    if isinstance(existing, CommentedSeq) and not existing:
        existing = None  # an empty list takes the moved tags as they were written
    if existing is not None:
        if not (isinstance(moved, CommentedSeq) and isinstance(existing, CommentedSeq)):
            return None
        _merge_into(existing, moved)
    keys = list(data)
    trailing = _split_trailing_comments(data, "tags")
    line_comment = data.ca.items.pop("tags", None)
    del data["tags"]
    if moved is not None and existing is None:
        target["tags"] = moved
        if line_comment is not None:
            target.ca.items["tags"] = line_comment
    elif existing is not None and line_comment is not None and line_comment[2] is not None:
        _add_line_comment(target, "tags", line_comment[2])
    if trailing is not None:
        before = keys[: keys.index("tags")]
        parent, key = (data, before[-1]) if before else (target, "tags")
        _keep_comment_lines(parent, key, trailing)
    out = io.StringIO()
    try:
        yaml.dump(data, out)
    except Exception:  # a value ruamel loads but cannot write back
        return None
    result = out.getvalue()
    reloaded, issues = load_frontmatter(result, first_line=2, fast=False)
    if reloaded is None or issues or not isinstance(reloaded.data, dict):
        return None
    return None if "tags" in reloaded.data else result


def _round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _merge_into(tags: list[Any], more: list[Any]) -> None:
    """Append to ``tags`` those of ``more`` it does not hold yet."""
    seen = {_identity(tag) for tag in tags}
    for tag in more:
        identity = _identity(tag)
        if identity is None or identity not in seen:
            tags.append(tag)
            seen.add(identity)


def _identity(tag: object) -> tuple[str, object] | None:
    """What makes two tags the same: their YAML kind and value (``true`` is not
    ``1``, ``"1"`` is not ``1``); None for a value that cannot be hashed."""
    from ruamel.yaml.scalarbool import ScalarBoolean

    try:
        hash(tag)
    except TypeError:
        return None
    if isinstance(tag, str):
        return "text", tag
    if isinstance(tag, bool | ScalarBoolean):
        return "bool", bool(tag)
    return "other", tag


def _tail_slot(parent: Any, key: object) -> tuple[list[Any], int]:
    """Where ruamel.yaml keeps the comment that follows ``parent[key]``'s value:
    with the last item of a block collection, recursively, else with ``key``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = parent[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        last = len(value) - 1 if isinstance(value, CommentedSeq) else list(value)[-1]
        return _tail_slot(value, last)
    entry = parent.ca.items.setdefault(key, [None, None, None, None])
    return entry, 0 if isinstance(parent, CommentedSeq) else 2


def _split_trailing_comments(parent: Any, key: object) -> Any:
    """Take the whole-line comments that follow ``parent[key]`` off it and return
    them (a comment token, or None when there are none): they describe what
    comes next, not this value, so they must not move with it."""
    entry, index = _tail_slot(parent, key)
    token = entry[index]
    if token is None or "\n" not in token.value.rstrip("\n"):
        return None
    own, _, rest = token.value.partition("\n")
    trailing = copy(token)
    trailing.value = "\n" + rest
    if own:
        token.value = own + "\n"
    else:
        entry[index] = None
    return trailing


def _add_line_comment(parent: Any, key: object, comment: Any) -> None:
    """Give ``parent[key]``'s line the comment of another line too (after its own)."""
    entry = parent.ca.items.setdefault(key, [None, None, None, None])
    if entry[2] is None:
        entry[2] = comment
    else:
        entry[2].value = entry[2].value.rstrip("\n") + "  " + comment.value


def _keep_comment_lines(parent: Any, key: object, comments: Any) -> None:
    """Put whole-line comments after ``parent[key]``'s value."""
    if key not in parent:
        return
    entry, index = _tail_slot(parent, key)
    token = entry[index]
    if token is None:
        entry[index] = comments
    elif token.value.endswith("\n"):
        token.value += comments.value[1:]
    else:
        token.value += comments.value
