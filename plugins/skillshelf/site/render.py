"""The Markdown of generated pages: category pages, skill pages, the catalog.

Generated parts are raw HTML blocks with every frontmatter value escaped, so
nothing a SKILL.md declares can turn into markup; the author's body follows
unchanged, as MkDocs would render any page. Links in generated HTML are
relative URLs computed here (MkDocs does not rewrite raw HTML); links in the
body are left for MkDocs to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from skillshelf.model import Category, Document, Skill, SkillTree
from skillshelf.site.text import (
    esc,
    esc_inline,
    href,
    human_size,
    md_text,
    one_line,
    plural,
    quote_path,
    yaml_value,
)

if TYPE_CHECKING:
    from skillshelf.site.plan import Urls

_H1 = re.compile(r"^#\s+\S")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Context:
    tree: SkillTree
    skill_urls: Mapping[str, str]
    category_urls: Mapping[str, str]
    catalog_url: str | None
    source_url: str | None
    project_dir: Path | None


def split_title(body: str) -> tuple[str | None, str]:
    """The body's leading ``# Heading`` line (if it opens the page) and the rest."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if _H1.match(line) and not _FENCE.match(line):
            return line, "\n".join(lines[index + 1 :])
        break
    return None, body


def front(meta: Mapping[str, Any]) -> str:
    """Page metadata for MkDocs and its plugins (tags, search, description)."""
    if not meta:
        return ""
    lines = [f"{key}: {yaml_value(value)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _source_link(ctx: Context, path: Path) -> str:
    from skillshelf.site.plan import repository_path

    rel = repository_path(path, ctx.project_dir)
    if ctx.source_url:
        link = ctx.source_url.rstrip("/") + "/" + quote_path(rel)
        return f'<a href="{esc(link)}">{esc(rel)}</a>'
    return f"<code>{esc(rel)}</code>"


def _tag_links(ctx: Context, tags: Sequence[str], base: str) -> str:
    chips = []
    for tag in tags:
        if ctx.catalog_url is not None:
            link = href(ctx.catalog_url, base) + "?q=" + quote(tag, safe="")
            chips.append(f'<a class="skillshelf-tag" href="{esc(link)}">{esc(tag)}</a>')
        else:
            chips.append(f'<span class="skillshelf-tag">{esc(tag)}</span>')
    return " ".join(chips)


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{esc(label)}</th><td>{value_html}</td></tr>"


def _string_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [one_line(str(item)) for item in value if isinstance(item, str | int | float)]
    if isinstance(value, str) and value.strip():
        return [one_line(value)]
    return []


def skill_header(ctx: Context, skill: Skill, url: str) -> str:
    data = skill.document.data
    fields = skill.project_fields
    rows = [_row("Name", f"<code>{esc(skill.name)}</code>")]
    category = skill.category
    if category.path:
        rows.append(
            _row(
                "Category",
                f'<a href="{esc(href(ctx.category_urls[category.path], url))}">'
                f"{esc(category_trail(category))}</a>",
            )
        )
    for label, value in (
        ("Version", fields.get("version")),
        ("Author", fields.get("author")),
        ("License", data.get("license")),
        ("Compatibility", data.get("compatibility")),
    ):
        if isinstance(value, str | int | float) and str(value).strip():
            rows.append(_row(label, esc(value)))
    platforms = _string_list(fields.get("platforms"))
    if platforms:
        rows.append(_row("Platforms", esc(", ".join(platforms))))
    dependencies = _string_list(fields.get("dependencies"))
    if dependencies:
        rows.append(
            _row("Dependencies", " ".join(f"<code>{esc(dep)}</code>" for dep in dependencies))
        )
    if skill.targets:
        rows.append(
            _row(
                "Written for",
                " ".join(f"<code>{esc(k)} {esc(v)}</code>" for k, v in skill.targets.items()),
            )
        )
    if skill.tags:
        rows.append(_row("Tags", _tag_links(ctx, skill.tags, url)))
    if skill.related_skills:
        links = []
        for name in skill.related_skills:
            found = ctx.tree.skills_named(name)
            if found:
                link = href(ctx.skill_urls[found[0].rel.as_posix()], url)
                links.append(f'<a href="{esc(link)}">{esc(name)}</a>')
            else:
                links.append(f"<span>{esc(name)}</span>")
        rows.append(_row("Related skills", ", ".join(links)))
    rows.append(_row("Source", _source_link(ctx, skill.document.path)))
    description = skill.description
    lead = ""
    if description:
        lead = f'<p class="skillshelf-description">{esc_inline(description)}</p>\n'
    return (
        '<div class="skillshelf-skill">\n'
        f"{lead}"
        # data-search-exclude: material's search would index the table as one run of
        # text ("TagsFine-Tuning RLHF ... Related skillsgrpo-rl-training"); the tags
        # are indexed from the page's metadata, the description stays searchable.
        '<table class="skillshelf-meta" data-search-exclude>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        "</div>\n"
    )


def bundled_list(skill: Skill, url: str, urls: Urls) -> str:
    items = []
    entries: list[tuple[str, str, int, bool]] = []
    for bundled in skill.bundled:
        inner = bundled.rel.relative_to(skill.rel).as_posix()
        entries.append((inner, bundled.rel.as_posix(), bundled.size, True))
    for document in skill.extra_documents:
        inner = document.rel.relative_to(skill.rel).as_posix()
        target = urls.url(urls.dest(document.rel.as_posix()))
        entries.append((inner, target, document.size, False))
    if not entries:
        return ""
    for inner, target, size, download in sorted(entries):
        attribute = " download" if download else ""
        items.append(
            f'<li><a href="{esc(href(target, url))}"{attribute}><code>{esc(inner)}</code></a> '
            f'<span class="skillshelf-size">{esc(human_size(size))}</span></li>'
        )
    return (
        "\n\n## Bundled files\n\n"
        '<div class="skillshelf-files">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>\n"
    )


def skill_page(ctx: Context, skill: Skill, url: str, urls: Urls) -> str:
    document = skill.document
    meta: dict[str, Any] = {}
    if skill.tags:
        meta["tags"] = [esc(tag) for tag in skill.tags]
        # The tags plugin still indexes the page; the header below already shows
        # the tags (linking to the filtered catalog), so material's chips would
        # repeat them.
        meta["hide"] = ["tags"]
    if skill.description:
        meta["description"] = esc(skill.description)
    title, rest = split_title(document.body)
    heading = title or f"# {md_text(skill.name)}"
    unreadable = "" if document.text is not None else _unreadable(document)
    return (
        front(meta)
        + heading
        + "\n\n"
        + skill_header(ctx, skill, url)
        + unreadable
        + "\n"
        + rest.strip("\n")
        + bundled_list(skill, url, urls)
        + "\n"
    )


def skill_page_inputs(ctx: Context, skill: Skill, url: str, urls: Urls) -> tuple[object, ...]:
    """Everything :func:`skill_page` reads, as values that are equal exactly when it
    would write the same page (kept in step with it and the functions it calls).

    The document's text decides its frontmatter, hence the name, description,
    tags, related skills and every other field the header shows.
    """
    document = skill.document
    text = document.text
    category = skill.category
    related = []
    for name in skill.related_skills:
        found = ctx.tree.skills_named(name)
        related.append((name, ctx.skill_urls[found[0].rel.as_posix()] if found else None))
    return (
        text,
        None if text is not None else tuple(issue.message for issue in document.issues),
        document.abspath,
        skill.relpath,
        url,
        urls.use_directory_urls,
        category.path,
        ctx.category_urls.get(category.path),
        category_trail(category),
        tuple(related),
        tuple((bundled.relpath, bundled.size) for bundled in skill.bundled),
        tuple((extra.relpath, extra.size) for extra in skill.extra_documents),
        ctx.catalog_url,
        ctx.source_url,
        ctx.project_dir,
    )


def _unreadable(document: Document) -> str:
    reasons = "; ".join(issue.message for issue in document.issues) or "unreadable"
    return f'\n<p class="skillshelf-problem">This file could not be read: {esc(reasons)}</p>\n'


def document_page(document: Document) -> str:
    """A reference page or other Markdown file: its own text, untouched."""
    if document.text is None:
        return f"# {md_text(document.rel.name)}\n" + _unreadable(document)
    return document.text


def category_trail(category: Category) -> str:
    """``MLOps / Training``: the titles from the top category down."""
    titles = []
    node: Category | None = category
    while node is not None and node.path:
        titles.append(node.title)
        node = node.parent
    return " / ".join(reversed(titles))


def _card(title_html: str, href: str, count: str, description: str) -> str:
    text = f"<p>{esc_inline(description)}</p>" if description else ""
    return (
        f'<li><p><a href="{esc(href)}"><strong>{title_html}</strong></a> '
        f'<span class="skillshelf-count">{esc(count)}</span></p>{text}</li>'
    )


def category_page(ctx: Context, category: Category, url: str) -> str:
    document = category.description
    body = document.body if document is not None and document.text is not None else ""
    title, rest = split_title(body)
    heading = title or f"# {md_text(category.title)}"
    meta: dict[str, Any] = {}
    if category.summary:
        meta["description"] = esc(category.summary)
    parts = [front(meta) + heading + "\n"]
    if category.summary:
        parts.append(f'<p class="skillshelf-description">{esc_inline(category.summary)}</p>\n')
    if rest.strip():
        parts.append(rest.strip("\n") + "\n")
    children = sorted(
        category.children,
        key=lambda c: (c.order is None, c.order or 0, c.title.casefold(), c.path),
    )
    if children:
        cards = [
            _card(
                esc(child.title),
                href(ctx.category_urls[child.path], url),
                plural(child.total_skills, "skill"),
                child.summary,
            )
            for child in children
        ]
        parts.append(_cards("Categories", cards))
    skills = sorted(category.skills, key=lambda s: (s.name.casefold(), s.rel.as_posix()))
    if skills:
        cards = [
            _card(
                f"<code>{esc(skill.name)}</code>",
                href(ctx.skill_urls[skill.rel.as_posix()], url),
                plural(len(skill.references), "reference") if skill.references else "",
                skill.description,
            )
            for skill in skills
        ]
        parts.append(_cards("Skills", cards))
    return "\n".join(parts)


def _cards(heading: str, cards: list[str]) -> str:
    return (
        f"## {heading}\n\n"
        '<div class="grid cards skillshelf-cards">\n<ul>\n' + "\n".join(cards) + "\n</ul>\n</div>\n"
    )


def catalog_page(ctx: Context, skills: Sequence[Skill], url: str) -> str:
    categories = {skill.category.path for skill in skills}
    rows = []
    for skill in skills:
        category = skill.category
        trail = category_trail(category)
        if category.path:
            category_html = (
                f'<a href="{esc(href(ctx.category_urls[category.path], url))}">{esc(trail)}</a>'
            )
        else:
            category_html = ""
        haystack = " ".join([skill.name, trail, category.path, skill.description, *skill.tags])
        tags = " ".join(f'<span class="skillshelf-tag">{esc(tag)}</span>' for tag in skill.tags)
        rows.append(
            f'<tr data-search="{esc(haystack.casefold())}">'
            f'<td><a href="{esc(href(ctx.skill_urls[skill.rel.as_posix()], url))}">'
            f"<code>{esc(skill.name)}</code></a></td>"
            f"<td>{category_html}</td>"
            f"<td>{esc_inline(skill.description)}</td>"
            f"<td>{tags}</td></tr>"
        )
    summary = f"{plural(len(skills), 'skill')} in {plural(len(categories), 'category')}"
    summary = summary.replace("categorys", "categories")
    return (
        front({"search": {"exclude": True}, "description": esc(f"Every skill: {summary}.")})
        + "# Catalog\n\n"
        + f'<p class="skillshelf-description">{esc(summary)}. Type to filter by name, '
        "category, tag or description.</p>\n\n"
        '<div class="skillshelf-catalog">\n'
        '<input type="search" class="skillshelf-filter md-input" '
        'placeholder="Filter skills" aria-label="Filter skills" autocomplete="off">\n'
        '<p class="skillshelf-shown" aria-live="polite"></p>\n'
        "<table>\n<thead><tr><th>Skill</th><th>Category</th><th>Description</th>"
        "<th>Tags</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        '<p class="skillshelf-none" hidden>No skill matches the filter.</p>\n'
        "</div>\n"
    )
