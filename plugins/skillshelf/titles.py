"""Titles for readers: a folder name made readable, a Markdown heading as plain text.

A library not written for skillshelf names its folders ``mlops`` or
``ai-agents`` and its skills' pages by their first ``# Heading``; the site
shows "MLOps", "AI agents" and that heading, never the slug. Pure functions
over strings; the model (:mod:`skillshelf.model`) computes each title once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from skillshelf.markdown import code_block_lines, split_lines

#: Words a folder name writes in lower case that a title spells otherwise, keyed
#: by the lower-case word. A site adds to them (plugin option ``title_words``).
TITLE_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "ai": "AI",
        "api": "API",
        "apis": "APIs",
        "aws": "AWS",
        "cli": "CLI",
        "cpu": "CPU",
        "css": "CSS",
        "devops": "DevOps",
        "gcp": "GCP",
        "github": "GitHub",
        "gitlab": "GitLab",
        "gpu": "GPU",
        "gpus": "GPUs",
        "html": "HTML",
        "http": "HTTP",
        "ios": "iOS",
        "javascript": "JavaScript",
        "json": "JSON",
        "llm": "LLM",
        "llms": "LLMs",
        "macos": "macOS",
        "mcp": "MCP",
        "ml": "ML",
        "mlops": "MLOps",
        "nlp": "NLP",
        "ocr": "OCR",
        "pdf": "PDF",
        "rag": "RAG",
        "rl": "RL",
        "sql": "SQL",
        "typescript": "TypeScript",
        "ui": "UI",
        "url": "URL",
        "ux": "UX",
        "yaml": "YAML",
    }
)


def title_words(extra: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """The built-in :data:`TITLE_WORDS` with ``extra`` added (its keys taken in
    lower case; an extra word replaces a built-in one)."""
    if not extra:
        return TITLE_WORDS
    merged = dict(TITLE_WORDS)
    merged.update({key.casefold(): value for key, value in extra.items()})
    return MappingProxyType(merged)


def folder_title(folder_name: str, words: Mapping[str, str] = TITLE_WORDS) -> str:
    """``vector-databases`` -> ``Vector databases``, ``mlops`` -> ``MLOps``,
    ``ai-agents`` -> ``AI agents``: ``-`` and ``_`` become spaces, a word of
    ``words`` (by its lower-case form) takes that spelling, any other word stays as
    typed, and the first letter is upper case."""
    parts = folder_name.replace("_", " ").replace("-", " ").split()
    if not parts:
        return folder_name
    spelled = [words.get(part.casefold(), part) for part in parts]
    first = spelled[0]
    if first == parts[0]:  # not a known word: capitalised, the rest as typed
        spelled[0] = first[:1].upper() + first[1:]
    return " ".join(spelled)


_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
#: Lines a ``===`` below does not make a heading: code, quotes, list items, table rows,
#: headings, HTML, a fence.
_NOT_SETEXT_TEXT = re.compile(r"^(?: {4,}|\t| {0,3}(?:[>#|<]|[-*+] |\d{1,9}[.)] |```|~~~))")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
# No bracket inside a link's text, no parenthesis inside its target: each scan stops
# at the next one, so a heading of many '[' costs time in proportion to its length.
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_REFERENCE_LINK = re.compile(r"!?\[([^\[\]]*)\]\[[^\[\]]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPHASIS = re.compile(
    r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1"
    # underscores inside a word (snake_case) are no emphasis
    r"|(?<![^\W_])(_{1,3})(?=\S)(.+?)(?<=\S)\3(?![^\W_])"
)
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
#: Escaped characters wait in the Unicode private use area while the markup goes.
_ESCAPED_BASE = 0xF0000
_SPACE = re.compile(r"\s+")


def plain_heading(markdown: str) -> str:
    """A heading's inline Markdown as the text a reader sees: code spans, emphasis,
    links and images as their text, HTML tags and closing ``#`` left out."""
    text = _CLOSING_HASHES.sub("", markdown.strip())
    # Code spans first: what they hold is literal.
    pieces = re.split(r"(`+)(.+?)\1", text)
    shown: list[str] = []
    for index in range(0, len(pieces), 3):
        rest = _BACKSLASH_ESCAPE.sub(lambda m: chr(_ESCAPED_BASE + ord(m.group(1))), pieces[index])
        rest = _IMAGE_OR_LINK.sub(r"\1", rest)
        rest = _REFERENCE_LINK.sub(r"\1", rest)
        rest = _HTML_TAG.sub("", rest)
        for _ in range(3):  # nested emphasis, ***a*** and **_a_**
            rest = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), rest)
        shown.append("".join(_unescaped(char) for char in rest))
        if index + 2 < len(pieces):
            shown.append(pieces[index + 2].strip())
    return _SPACE.sub(" ", "".join(shown)).strip()


def _unescaped(char: str) -> str:
    code = ord(char)
    return chr(code - _ESCAPED_BASE) if _ESCAPED_BASE <= code < _ESCAPED_BASE + 128 else char


def first_heading(body: str) -> str | None:
    """The text of the first level-one heading of ``body`` outside fenced code
    (``# Heading``, or a line of text underlined with ``===``), as
    :func:`plain_heading` shows it; None when there is none (or it is empty)."""
    if "#" not in body and "=" not in body:
        return None
    lines = split_lines(body)
    code: set[int] | None = None
    for number, line in enumerate(lines, 1):
        if "#" in line:
            match = _ATX_H1.match(line)
            heading = match.group("text") or "" if match is not None else None
        elif "=" in line and number > 1 and _SETEXT_H1.match(line):
            above = lines[number - 2]
            paragraph = above.strip() and not _NOT_SETEXT_TEXT.match(above)
            heading = above if paragraph else None
        else:
            continue
        if heading is None:
            continue
        if code is None:
            code = code_block_lines(body)
        if number in code or (number - 1 in code and not line.lstrip().startswith("#")):
            continue
        return plain_heading(heading) or None
    return None
