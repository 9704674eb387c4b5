"""Safe, mechanical fixes that ``skillshelf lint --fix`` may apply.

A fix is a pure function from a file's text to its new text. The text is the
file decoded as UTF-8 with nothing normalised, so a byte-order mark or CRLF
endings are still there for the fixes that remove them. Files are only written
when ``--fix`` is given, and only when the text actually changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from skillshelf.diagnostics import Fix
from skillshelf.frontmatter import frontmatter_closing

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


def apply_fixes(fixes: list[Fix]) -> list[Path]:
    """Apply fixes file by file; return the files that changed.

    Each file is read once, every fix for it applied in order, and written
    back once. A file that cannot be decoded is left alone.
    """
    by_path: dict[Path, list[Fix]] = {}
    for fix in fixes:
        by_path.setdefault(fix.path, []).append(fix)
    changed: list[Path] = []
    for path, path_fixes in by_path.items():
        try:
            original = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        text = original
        for fix in path_fixes:
            result = fix.apply(text)
            if result is not None:
                text = result
        if text != original:
            path.write_bytes(text.encode("utf-8"))
            changed.append(path)
    return changed


def _edit_frontmatter(text: str, edit: Callable[[object], bool]) -> str | None:
    """Round-trip the frontmatter of ``text`` through ruamel.yaml, applying ``edit``.

    Comments, key order and quoting survive; the body is untouched. Returns
    ``None`` when there is no frontmatter or ``edit`` declines.
    """
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    normalised = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = normalised.split("\n")
    closing = frontmatter_closing(lines)
    if closing is None:
        return None
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        data = yaml.load("\n".join(lines[1:closing]) + "\n")
    except YAMLError:
        return None
    if not edit(data):
        return None
    out = io.StringIO()
    yaml.dump(data, out)
    return "---\n" + out.getvalue() + "\n".join(lines[closing:])


def move_tags_fix(path: Path, namespace: tuple[str, ...]) -> Fix:
    """Move top-level ``tags`` under ``namespace`` (e.g. metadata.hermes)."""
    from ruamel.yaml.comments import CommentedMap

    def edit(data: object) -> bool:
        if not isinstance(data, CommentedMap) or "tags" not in data:
            return False
        target = data
        for key in namespace:
            child = target.get(key)
            if child is None:
                child = CommentedMap()
                target[key] = child
            if not isinstance(child, CommentedMap):
                return False
            target = child
        if "tags" in target:
            return False  # both places hold tags: a person must merge them
        target["tags"] = data.pop("tags")
        return True

    return Fix(
        f"move tags under {'.'.join(namespace)}", path, lambda text: _edit_frontmatter(text, edit)
    )
