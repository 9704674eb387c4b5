"""Path globs of the configuration (``exclude``, ``per-file-ignores``), as ruff reads them.

A glob is matched against a path relative to the project folder (where the
configuration file is), written with ``/``: ``*`` matches within one path
part, ``**`` across parts, ``?`` one character, ``[abc]`` one of a set. A glob
that matches a folder matches everything inside it, and a glob without ``/``
also matches a file or folder of that name anywhere (``drafts`` excludes
every folder named ``drafts``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def _part(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """The regular expression of one glob: the path, or any folder above it, matches."""
    cleaned = pattern.strip().removeprefix("./").rstrip("/")
    body = _part(cleaned)
    if "/" not in cleaned:
        body = f"(?:.*/)?{body}"
    return re.compile(f"^{body}(?:/.*)?$")


def matches(relpath: str, patterns: Iterable[str]) -> bool:
    """Whether ``relpath`` (relative, with ``/``) is matched by any of ``patterns``."""
    return any(compile_glob(pattern).match(relpath) for pattern in patterns)
