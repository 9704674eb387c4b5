"""Stripping what would run script from the HTML of the pages built from the tree.

Python-Markdown passes a skill's raw HTML through, its attribute lists add any
attribute, and link targets are written as given: a ``<script>``, an
``onerror=`` or a ``javascript:`` link in a SKILL.md would run in every reader's
browser. So the plugin cleans the HTML MkDocs made from each page it adds (the
``on_page_content`` event, before the theme wraps it) with :class:`Sanitizer`:
nh3, the Python binding of the Rust ammonia sanitizer, which parses the HTML as
a browser does and writes back only an allow-list.

The allow-list is what mkdocs-material and pymdown-extensions write for the
features a skills library uses, and the plugin's own markup:

* text, headings with their permalinks, lists, definition lists, quotes,
  tables (``style`` on cells, for column alignment, with only ``text-align``);
* code blocks with highlighting spans, line numbers and their anchors
  (``<a id name href>``), filenames, inline code; the copy button needs only
  ``pre > code``;
* admonitions and ``details``/``summary`` (with ``open``), content tabs
  (``input type=radio``, ``label for``, ``data-tabs``), task lists
  (``input type=checkbox disabled``), footnotes, abbreviations, keys, marks;
* math: arithmatex's ``<span class="arithmatex">`` and ``<div class="arithmatex">``
  (MathJax reads their text);
* images (``src``, ``alt``, ``title``, ``width``, ``height``, ``loading``);
* the plugin's header table, "Use this skill" panel, cards, bundled-file list
  with its views, and the catalog's first cards (``hidden``, ``aria-live``, and
  ``data-search-exclude``, which keeps material's search off the header).

Everything else goes: unknown elements keep their text; ``script``, ``style``,
``iframe``, ``object``, ``embed``, ``form`` controls, ``svg``, ``math`` and the
like go with their content; every ``on...`` handler, ``srcdoc``, ``style``
outside table cells and any URL whose scheme is not http, https or mailto
(``javascript:``, ``data:``, ``vbscript:``) are removed; comments are dropped.
``id`` and ``class`` stay on every element (headings, footnotes and tabs link by
id; every feature is styled by class).

The HTML is written back in nh3's serialisation (``&para;`` becomes ``¶``, ``<br
/>`` becomes ``<br>``): the same document, tested against the shipped library.
"""

from __future__ import annotations

from types import MappingProxyType

import nh3

TAGS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code"),
        *("col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt"),
        *("em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i"),
        *("img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q"),
        *("rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "summary"),
        *("sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul"),
        *("var", "wbr"),
    }
)
#: Removed together with everything inside them.
CLEAN_CONTENT_TAGS = frozenset(
    {
        *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet"),
        *("noscript", "noembed", "noframes", "template", "title", "textarea", "select"),
        *("xmp", "plaintext", "svg", "math"),
    }
)
_EVERYWHERE = frozenset(
    {
        *("id", "class", "title", "lang", "dir", "hidden", "aria-label", "aria-hidden"),
        "aria-live",
        # material's search skips what carries it (the skill header's table)
        "data-search-exclude",
    }
)
ATTRIBUTES = MappingProxyType(
    {
        "*": _EVERYWHERE,
        "a": frozenset({"href", "name", "download"}),
        "img": frozenset({"src", "alt", "width", "height", "loading"}),
        # tabs and task lists; "type" is limited below
        "input": frozenset({"checked", "disabled", "name"}),
        "label": frozenset({"for"}),
        "td": frozenset({"colspan", "rowspan", "style", "align"}),
        "th": frozenset({"colspan", "rowspan", "style", "align", "scope"}),
        "col": frozenset({"span"}),
        "colgroup": frozenset({"span"}),
        "ol": frozenset({"start", "reversed", "type"}),
        "li": frozenset({"value"}),
        "details": frozenset({"open"}),
        "time": frozenset({"datetime"}),
        "del": frozenset({"datetime"}),
        "ins": frozenset({"datetime"}),
        "div": frozenset({"data-tabs"}),  # pymdownx.tabbed
        "span": frozenset({"data-linenos"}),  # pymdownx.highlight's inline line numbers
    }
)
TAG_ATTRIBUTE_VALUES = MappingProxyType(
    {"input": MappingProxyType({"type": frozenset({"checkbox", "radio"})})}
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: The only CSS property kept, on table cells (Markdown's column alignment).
STYLE_PROPERTIES = frozenset({"text-align"})


def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={
            tag: {name: set(values) for name, values in allowed.items()}
            for tag, allowed in TAG_ATTRIBUTE_VALUES.items()
        },
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,
    )


class Sanitizer:
    """Cleans pages' HTML; under ``mkdocs serve``, remembering the last result per page.

    A serve rebuild hands the same HTML again for every page that did not change
    (the serve cache reuses the Markdown conversion, the very same string); the
    page's clean HTML is then reused. A result is only reused for an equal input,
    so a rebuild writes exactly what a cold build writes.
    """

    def __init__(self) -> None:
        self.cleaner = _cleaner()
        #: page -> (HTML given, HTML returned) of the last clean.
        self.last: dict[str, tuple[str, str]] = {}

    def clean(self, page: str, html: str, *, remember: bool = True) -> str:
        """``html`` without what would run script; ``remember``: keep (and reuse) the
        page's result for the next rebuild. Without it, nothing is looked up or kept."""
        if not remember:
            return str(self.cleaner.clean(html))
        kept = self.last.get(page)
        if kept is not None and (kept[0] is html or kept[0] == html):
            return kept[1]
        cleaned = str(self.cleaner.clean(html))
        self.last[page] = (html, cleaned)
        return cleaned

    def keep_only(self, pages: set[str]) -> None:
        """Forget the pages this build did not have."""
        for page in self.last.keys() - pages:
            del self.last[page]
