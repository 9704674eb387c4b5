"""Finding the HTML in a Markdown document that would run script on the published site.

Python-Markdown passes raw HTML through, attribute lists (``{: onclick=...}``)
add any attribute, and link targets are written as given, so a skill body can
carry ``<script>``, event handlers, ``javascript:`` links and the like. The site
strips them (:mod:`skillshelf.site.sanitize`); this module lets the linter say so
first, with a position, so the author knows what will not survive.

What counts:

* elements that run script or reach beyond the page's own content: ``script``,
  ``iframe``, ``frame``, ``frameset``, ``object``, ``embed``, ``applet``,
  ``form``, ``meta``, ``base``, ``link``, ``style``;
* on any element (and in attribute lists): an ``on...=`` event handler, a
  ``srcdoc``, a ``style`` with ``expression(``, ``javascript:``, ``behavior:`` or
  ``-moz-binding``, and a URL attribute (``href``, ``src``, ``action``, ...)
  whose scheme is ``javascript:``, ``vbscript:`` or ``data:``;
* a Markdown link, image or reference definition whose target has one of those
  schemes.

Entities and the blanks browsers drop (``jav&#x09;ascript:``) are decoded
before a scheme is read. Fenced code blocks, code spans, HTML comments and the
frontmatter are not HTML. Indented code blocks are not told apart from the
indented content of admonitions and lists; write code in fences.

A pure function of the text, like :mod:`skillshelf.links`, recording
:class:`~skillshelf.diagnostics.Issue` values under :data:`UNSAFE_HTML`; the
analysis of each document holds them (and the scan cache keeps it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from types import MappingProxyType

from skillshelf.diagnostics import Issue, Position
from skillshelf.markdown import FencedBlock, iter_fenced_blocks, split_lines

#: The rule id of what this module finds.
UNSAFE_HTML = "unsafe-html"

#: Elements that never belong in a skill's page, with what they would do.
UNSAFE_ELEMENTS = MappingProxyType(
    {
        "script": "runs script",
        "iframe": "embeds another page, which can run script",
        "frame": "embeds another page, which can run script",
        "frameset": "replaces the page with other pages",
        "object": "embeds a plugin or another document",
        "embed": "embeds a plugin or another document",
        "applet": "embeds a plugin",
        "form": "sends what readers type to another site",
        "meta": "can send the reader to another page",
        "base": "changes where every link of the page points",
        "link": "loads style or script from elsewhere",
        "style": "restyles the whole site",
    }
)
#: Attributes holding a URL that a browser follows or loads.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "lowsrc",
        "dynsrc",
    }
)
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_UNSAFE_STYLE = re.compile(r"expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding", re.I)

_TAG = re.compile(
    r"<(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attributes>(?:\s+[^\s\"'>/=]+"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
)
_ATTRIBUTE = re.compile(
    r"(?P<name>[^\s\"'>/={}]+)(?:\s*=\s*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'"
    r"|(?P<bare>[^\s\"'=<>`{}]+)))?"
)
# attr_list: "{: #id .class key=value }" or "{ key=value }" after a block or span
_ATTR_LIST = re.compile(r"\{:?(?P<attributes>[^{}\n]*)\}")
# "](target" of an inline link or image; "[label]: target" reference definitions
_INLINE_TARGET = re.compile(r"\]\(\s*(?:<(?P<angle>[^>\n]*)>|(?P<plain>[^)\s]+))")
_REFERENCE_TARGET = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?:<(?P<angle>[^>\n]*)>|(?P<plain>\S+))")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
# Browsers drop ASCII blanks and control characters from URLs before the scheme
# is read ("java\tscript:" is "javascript:").
_URL_BLANKS = re.compile(r"[\x00-\x20\x7f]+")


#: One finding as the scan makes it: 1-based line and column, and what is wrong.
_Found = tuple[int, int, str]


def unsafe_scheme(url: str) -> str | None:
    """``javascript:``, ``vbscript:`` or ``data:`` when ``url`` has that scheme as a
    browser reads it (entities decoded, blanks dropped, any case)."""
    plain = _URL_BLANKS.sub("", html.unescape(url)).lower()
    return next((scheme for scheme in UNSAFE_SCHEMES if plain.startswith(scheme)), None)


def find_unsafe_html(
    text: str, body_line: int = 1, blocks: Sequence[FencedBlock] | None = None
) -> tuple[Issue, ...]:
    """Everything in the Markdown ``text`` (from line ``body_line``, after the
    frontmatter) that would run script on the site, in order."""
    if "<" not in text and "{" not in text and "]" not in text:
        return ()  # no tag, no attribute list, no link
    masked = _masked(text, body_line, blocks)
    found = [*_in_tags(masked), *_in_attribute_lists(masked), *_in_link_targets(masked)]
    return tuple(
        Issue(UNSAFE_HTML, message, Position(line, column))
        for line, column, message in sorted(found)
    )


def _masked(text: str, body_line: int, blocks: Sequence[FencedBlock] | None) -> str:
    """``text`` with the frontmatter, fenced code, code spans and HTML comments blanked
    out (every other character keeps its line and column)."""
    lines = split_lines(text)
    skip = set(range(1, body_line))
    if "```" in text or "~~~" in text:
        for block in iter_fenced_blocks(text) if blocks is None else blocks:
            skip.update(range(block.fence_line, block.end_line + 1))
    kept = []
    for number, line in enumerate(lines, start=1):
        if number in skip:
            kept.append("")
        elif "`" in line:
            kept.append(_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
        else:
            kept.append(line)
    joined = "\n".join(kept)
    if "<!--" in joined:
        joined = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), joined)
    return joined


class _Locator:
    """Offsets in a text to 1-based lines and columns."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1, offset - self.starts[low] + 1


def _attributes(source: str, offset: int) -> Iterator[tuple[str, str | None, int]]:
    """``(name, value, offset)`` of each attribute in ``source`` (which starts at
    ``offset`` in the text); the value None when there is none."""
    for match in _ATTRIBUTE.finditer(source):
        value = next(
            (match.group(g) for g in ("double", "single", "bare") if match.group(g) is not None),
            None,
        )
        yield match.group("name").lower(), value, offset + match.start()


def _attribute_problem(tag: str, name: str, value: str | None) -> str | None:
    where = f"<{tag}>" if tag else "an attribute list"
    if name.startswith("on") and len(name) > 2:
        return f"the {name}= handler on {where} runs script on the site: remove it"
    if name == "srcdoc":
        return f"srcdoc= on {where} is a whole page that can run script: remove it"
    if value is None:
        return None
    if name in URL_ATTRIBUTES:
        scheme = unsafe_scheme(value)
        if scheme is not None:
            return _scheme_problem(scheme, f"{name}= on {where}")
    if name == "style" and _UNSAFE_STYLE.search(html.unescape(value)):
        return f"style= on {where} holds script (expression, javascript:, binding): remove it"
    return None


def _scheme_problem(scheme: str, what: str) -> str:
    if scheme == "data:":
        return (
            f"a data: URL in {what} is stripped from the site (it can carry a page that "
            "runs script): ship the file in the skill's assets/ and link to it"
        )
    return f"a {scheme} URL in {what} runs script on the site: link to a page or file instead"


def _in_tags(masked: str) -> Iterator[_Found]:
    if "<" not in masked:
        return
    locate = _Locator(masked)
    for match in _TAG.finditer(masked):
        tag = match.group("name").lower()
        if tag in UNSAFE_ELEMENTS:
            line, column = locate(match.start())
            yield (
                line,
                column,
                f"<{tag}> {UNSAFE_ELEMENTS[tag]}; the site strips it: remove it",
            )
        for name, value, offset in _attributes(
            match.group("attributes"), match.start("attributes")
        ):
            problem = _attribute_problem(tag, name, value)
            if problem is not None:
                line, column = locate(offset)
                yield (line, column, problem)


def _in_attribute_lists(masked: str) -> Iterator[_Found]:
    if "{" not in masked:
        return
    locate = _Locator(masked)
    for match in _ATTR_LIST.finditer(masked):
        if "=" not in match.group("attributes"):
            continue
        for name, value, offset in _attributes(
            match.group("attributes"), match.start("attributes")
        ):
            problem = _attribute_problem("", name, value)
            if problem is not None:
                line, column = locate(offset)
                yield (line, column, problem)


def _in_link_targets(masked: str) -> Iterator[_Found]:
    if "](" not in masked and "]:" not in masked:
        return
    for number, line in enumerate(masked.split("\n"), start=1):
        if "](" not in line and "]:" not in line:
            continue
        for pattern in (_INLINE_TARGET, _REFERENCE_TARGET):
            for match in pattern.finditer(line):
                group = "angle" if match.group("angle") is not None else "plain"
                scheme = unsafe_scheme(match.group(group))
                if scheme is not None:
                    yield (
                        number,
                        match.start(group) + 1,
                        _scheme_problem(scheme, "a Markdown link"),
                    )
