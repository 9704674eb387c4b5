"""Escaping and URL helpers shared by every generated page and file.

Everything that comes from frontmatter is untrusted text: it goes into HTML
through :func:`esc` and into Markdown headings through :func:`md_text`, and
never into anything that is executed.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urljoin

_SPACE = re.compile(r"\s+")
# Characters with a meaning in Markdown or one of the configured extensions
# (arithmatex's $, tables' |, attr_list's {}); written as numeric entities they
# are plain text to every Markdown engine.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|$~^=:<>&\"'")


def one_line(text: str) -> str:
    """Collapse runs of whitespace (folded YAML keeps line breaks)."""
    return _SPACE.sub(" ", text).strip()


def esc(text: object) -> str:
    """HTML-escape any value for element content or a quoted attribute."""
    return html.escape(one_line(str(text)), quote=True)


_CODE_SPAN = re.compile(r"`([^`]+)`")


def esc_inline(text: object) -> str:
    """:func:`esc`, then backtick code spans shown as code (safe: applied to escaped text)."""
    return _CODE_SPAN.sub(r"<code>\1</code>", esc(text))


def md_text(text: object) -> str:
    """Text that Markdown shows literally, e.g. in a ``#`` heading."""
    return "".join(f"&#{ord(c)};" if c in _MARKDOWN_SPECIAL else c for c in one_line(str(text)))


def yaml_value(value: object) -> str:
    """A YAML scalar or flow sequence (JSON is valid YAML) for generated page metadata."""
    return json.dumps(value, ensure_ascii=False)


def script_json(value: object) -> str:
    """JSON safe to place inside a ``<script>`` element."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def relative_url(target: str, base: str) -> str:
    """The URL of ``target`` relative to the page at ``base``.

    Both are site-root-relative: ``mlops/training/trl-fine-tuning/`` (a folder
    URL), ``catalog.html`` or ``mlops/x/scripts/run.py`` (files).
    """
    base = "" if base in (".", "./") else base
    target = "" if target in (".", "./") else target
    base_parts = base.split("/")[:-1]
    target_parts = target.split("/")
    common = 0
    while (
        common < len(base_parts)
        and common < len(target_parts) - 1
        and base_parts[common] == target_parts[common]
    ):
        common += 1
    rel = "/".join([".."] * (len(base_parts) - common) + target_parts[common:])
    return rel or "./"


def quote_path(path: str) -> str:
    """A site path as a URL path: every character but letters, digits, ``/`` and
    ``_.-~`` percent-encoded (UTF-8), as MkDocs encodes its page URLs. ``#``, ``?``,
    ``%``, ``:`` and spaces in a file name stay part of the name."""
    return quote(path, safe="/", errors="surrogateescape")


def href(target: str, base: str) -> str:
    """The link from the page at ``base`` to the site path ``target`` (see
    :func:`relative_url`), percent-encoded and starting with ``./`` or ``../``.

    Every link the plugin writes goes through here: a bundled file named
    ``javascript:x.py`` or ``a #1.py`` must link to that file, never be read
    as a scheme or cut at the ``#``.
    """
    rel = quote_path(relative_url(target, base))
    return rel if rel.startswith(("./", "../")) else "./" + rel


def absolute_url(site_url: str | None, path: str) -> str:
    """The URL of the site path ``path`` as files at the site root give it
    (``skills.json``, ``llms.txt``, canonical links): below ``site_url`` when the
    site's address is known, else relative to the root with ``./``; percent-encoded
    either way."""
    if not site_url:
        return href(path, "")
    return site_url.rstrip("/") + "/" + quote_path(path)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def join_html(items: Iterable[str], separator: str = ", ") -> str:
    return separator.join(items)


def derive_source_url(
    repo_url: str | None, edit_uri: str | None, docs_dir: str, project_dir: Path
) -> str | None:
    """The URL prefix of repository paths for "source" links, from MkDocs' settings.

    ``https://github.com/o/r`` + ``edit/main/docs/`` -> ``https://github.com/o/r/blob/main/``.
    """
    if not repo_url or not edit_uri or edit_uri.startswith(("?", "#")):
        return None
    base = urljoin(repo_url.rstrip("/") + "/", edit_uri).rstrip("/")
    docs_rel = posixpath.normpath(Path(os.path.relpath(docs_dir, project_dir)).as_posix())
    if docs_rel != "." and not docs_rel.startswith(".."):
        if not base.endswith("/" + docs_rel):
            return None
        base = base[: -len(docs_rel) - 1]
    for edit, view in (("/-/edit/", "/-/blob/"), ("/edit/", "/blob/"), ("/src/", "/src/")):
        if edit in base:
            return base.replace(edit, view, 1) + "/"
    return None
