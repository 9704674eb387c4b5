"""The Markdown of a skill's page, from one :class:`SkillPageInput`.

The page is: the body's own ``#`` title (else the skill's title), a header from
the frontmatter (description, category, version, author, license, requirements,
tags linking the catalog filtered by that tag, related skills), a "Use this
skill" panel (name, path, the site's install command, the SKILL.md as it is, the
zip of the folder, the source), the body unchanged, and the bundled files, each a
download and, for text, a highlighted view.

The header, the panel and the file list are raw HTML with every value escaped,
marked ``data-search-exclude`` so that material's search does not index them
as one run of words. A file's view is escaped by Pygments and has its backticks
and tildes written as entities, so no line of a script can open a Markdown fence
(preprocessors see raw HTML blocks before they are set aside).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from skillshelf.site.files import View
from skillshelf.site.render import front, split_title, unreadable
from skillshelf.site.text import esc, esc_inline, href, human_size, md_text, plural


@dataclass(frozen=True)
class FileLink:
    """A file of a skill listed under "Bundled files"."""

    #: The path inside the skill folder (``scripts/run.py``).
    inner: str
    #: Its URL relative to the site root: the file itself, or the page of a Markdown file.
    url: str
    size: int
    #: A download (a bundled file) rather than a page (a Markdown file).
    download: bool
    #: What the page shows of it (text files within the page's budget).
    view: View | None = None


@dataclass(frozen=True)
class Downloads:
    """The SKILL.md as it is (None when it could not be read) and the zip of the skill
    folder (site paths)."""

    raw_url: str | None
    raw_size: int
    archive_url: str | None
    archive_name: str
    archive_size: int
    archive_files: int


@dataclass(frozen=True)
class SkillPageInput:
    """Everything a skill page shows, as plain values (see :mod:`skillshelf.site.inputs`)."""

    url: str
    name: str
    title: str
    description: str
    #: The SKILL.md's body.
    body: str
    #: Why the SKILL.md could not be read (None when it could).
    problem: str | None
    category: str
    category_title: str
    category_url: str | None
    #: ("Version", "1.2.0"), ("Author", ...), ("License", ...), ("Compatibility", ...)
    #: for those the frontmatter gives, in that order.
    fields: tuple[tuple[str, str], ...]
    platforms: tuple[str, ...]
    dependencies: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    #: Each related skill's name as written, with its page's URL when it exists.
    related: tuple[tuple[str, str | None], ...]
    #: The SKILL.md's repository path and its URL when the repository is known.
    source: tuple[str, str | None]
    #: The skill folder's repository path.
    folder: str
    catalog_url: str | None
    #: The install command, filled in for this skill ("" when the site shows none).
    install: str
    downloads: Downloads
    files: tuple[FileLink, ...]


def _tag_links(tags: Sequence[str], catalog_url: str | None, base: str) -> str:
    chips = []
    for tag in tags:
        if catalog_url is not None:
            link = href(catalog_url, base) + "?tag=" + quote(tag, safe="")
            chips.append(f'<a class="skillshelf-tag" href="{esc(link)}">{esc(tag)}</a>')
        else:
            chips.append(f'<span class="skillshelf-tag">{esc(tag)}</span>')
    return " ".join(chips)


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{esc(label)}</th><td>{value_html}</td></tr>"


def skill_header(page: SkillPageInput) -> str:
    url = page.url
    rows = []
    if page.category and page.category_url is not None:
        rows.append(
            _row(
                "Category",
                f'<a href="{esc(href(page.category_url, url))}">{esc(page.category_title)}</a>',
            )
        )
    rows.extend(_row(label, esc(value)) for label, value in page.fields)
    if page.platforms:
        rows.append(_row("Platforms", esc(", ".join(page.platforms))))
    if page.dependencies:
        rows.append(
            _row("Dependencies", " ".join(f"<code>{esc(dep)}</code>" for dep in page.dependencies))
        )
    if page.targets:
        rows.append(
            _row(
                "Written for",
                " ".join(f"<code>{esc(k)} {esc(v)}</code>" for k, v in page.targets),
            )
        )
    if page.tags:
        rows.append(_row("Tags", _tag_links(page.tags, page.catalog_url, url)))
    if page.related:
        links = []
        for name, target in page.related:
            if target is not None:
                links.append(f'<a href="{esc(href(target, url))}">{esc(name)}</a>')
            else:
                links.append(f"<span>{esc(name)}</span>")
        rows.append(_row("Related skills", ", ".join(links)))
    lead = ""
    if page.description:
        lead = f'<p class="skillshelf-description">{esc_inline(page.description)}</p>\n'
    table = ""
    if rows:
        table = (
            '<table class="skillshelf-meta" data-search-exclude>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody>\n</table>\n"
        )
    return f'<div class="skillshelf-skill">\n{lead}{table}</div>\n'


def use_panel(page: SkillPageInput) -> str:
    """ "Use this skill": what a reader needs to put the skill to work."""
    url = page.url
    downloads = page.downloads
    rows = [
        ("Name", f"<code>{esc(page.name)}</code>"),
        ("Path", f"<code>{esc(page.folder)}</code>"),
    ]
    if page.install:
        rows.append(("Install", f"<pre><code>{esc_code(page.install)}</code></pre>"))
    files = []
    if downloads.raw_url is not None:
        files.append(
            f'<a href="{esc(href(downloads.raw_url, url))}"><code>SKILL.md</code></a> '
            f'<span class="skillshelf-size">raw Markdown, {esc(human_size(downloads.raw_size))}'
            "</span>"
        )
    if downloads.archive_url is not None:
        files.append(
            f'<a href="{esc(href(downloads.archive_url, url))}" download>'
            f"<code>{esc(downloads.archive_name)}</code></a> "
            f'<span class="skillshelf-size">the whole folder, '
            f"{esc(plural(downloads.archive_files, 'file'))}, "
            f"{esc(human_size(downloads.archive_size))}</span>"
        )
    if files:
        rows.append(("Download", "<br>".join(files)))
    rel, link = page.source
    if link is not None:
        rows.append(("Source", f'<a href="{esc(link)}">{esc(rel)}</a>'))
    else:
        rows.append(("Source", f"<code>{esc(rel)}</code>"))
    items = "\n".join(f"<dt>{esc(label)}</dt>\n<dd>{value}</dd>" for label, value in rows)
    return (
        "## Use this skill\n\n"
        f'<div class="skillshelf-use" data-search-exclude>\n<dl>\n{items}\n</dl>\n</div>\n'
    )


def esc_code(text: str) -> str:
    """Text for a ``<pre><code>`` element in a raw HTML block: escaped, line breaks
    kept, and no character a Markdown preprocessor acts on (a fence's backticks or
    tildes) left as itself."""
    return _no_fences(
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _no_fences(html: str) -> str:
    return html.replace("`", "&#96;").replace("~", "&#126;")


def _highlighted(view: View) -> str:
    try:
        lexer = get_lexer_by_name(view.language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        lexer = get_lexer_by_name("text", stripnl=False, ensurenl=False)
    code = _no_fences(highlight(view.text, lexer, HtmlFormatter(nowrap=True)))
    return f'<div class="highlight"><pre><code>{code}</code></pre></div>'


def _viewer(file: FileLink) -> str:
    view = file.view
    if view is None:
        return ""
    note = ""
    if view.shown_lines < view.lines:
        note = (
            f'<p class="skillshelf-size">The first {view.shown_lines:,} of {view.lines:,} '
            "lines; download the file for the rest.</p>"
        )
    return (
        # data-search-exclude on the details, not on the list around it: material's
        # search (9.8) tells elements apart by tag, and a div (the highlight) inside an
        # excluded div ends the exclusion at its own end.
        f'\n<details class="skillshelf-view" data-search-exclude><summary>View '
        f'<span class="skillshelf-sr">{esc(file.inner)}</span></summary>\n'
        f"{_highlighted(view)}{note}</details>"
    )


def bundled_list(files: Sequence[FileLink], url: str) -> str:
    if not files:
        return ""
    items = []
    for file in files:
        attribute = " download" if file.download else ""
        items.append(
            f'<li><a href="{esc(href(file.url, url))}"{attribute}><code>{esc(file.inner)}</code>'
            f'</a> <span class="skillshelf-size">{esc(human_size(file.size))}</span>'
            f"{_viewer(file)}</li>"
        )
    return (
        "\n\n## Bundled files\n\n"
        '<div class="skillshelf-files">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>\n"
    )


def skill_page(page: SkillPageInput) -> str:
    meta: dict[str, Any] = {}
    if page.tags:
        meta["tags"] = [esc(tag) for tag in page.tags]
        # The tags plugin still indexes the page; the header below already shows
        # the tags (linking to the filtered catalog), so material's chips would
        # repeat them.
        meta["hide"] = ["tags"]
    if page.description:
        meta["description"] = esc(page.description)
    title, rest = split_title(page.body)
    heading = title or f"# {md_text(page.title)}"
    problem = "" if page.problem is None else unreadable(page.problem)
    return (
        front(meta)
        + heading
        + "\n\n"
        + skill_header(page)
        + problem
        + "\n"
        + use_panel(page)
        + "\n"
        + rest.strip("\n")
        + bundled_list(page.files, page.url)
        + "\n"
    )
