"""Machine-readable files at the site root and redirect pages.

* ``skills.json``: every skill with its name, category, description, tags,
  page URL and source path (stable order, no timestamps);
* ``llms.txt``: the llmstxt.org format - an H1 title, a ``>`` summary, then one
  H2 section per category listing its skills as ``- [name](url): description``;
* redirect pages: a tiny HTML page per old URL with a meta refresh, a
  canonical link and a script that keeps the ``#fragment``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from skillshelf.model import Skill
from skillshelf.site.text import absolute_url, esc, href, one_line, quote_path, script_json

if TYPE_CHECKING:
    from skillshelf.site.plan import Urls, _Planner

SCHEMA_VERSION = 1


def skills_json(planner: _Planner, skills: Iterable[Skill]) -> str:
    from skillshelf.site.plan import repository_path
    from skillshelf.site.render import category_trail

    options = planner.options
    entries: list[dict[str, Any]] = []
    for skill in skills:
        url = planner.skill_urls[skill.rel.as_posix()]
        references = [
            planner.urls.url(planner.urls.dest(document.rel.as_posix()))
            for document in sorted(skill.references, key=lambda d: d.rel.as_posix())
        ]
        entry: dict[str, Any] = {
            "name": skill.name,
            "category": skill.category.path,
            "category_title": category_trail(skill.category),
            "description": one_line(skill.description),
            "tags": skill.tags,
            "url": absolute_url(options.site_url, url),
            # the page's URL relative to the site root, percent-encoded like "url"
            "path": quote_path(url),
            "source": repository_path(skill.document.path, options.project_dir),
            "references": [absolute_url(options.site_url, ref) for ref in references],
        }
        version = skill.project_fields.get("version")
        if isinstance(version, str):
            entry["version"] = version
        entries.append(entry)
    document = {
        "version": SCHEMA_VERSION,
        "site": options.site_name,
        "count": len(entries),
        "skills": entries,
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # The same JSON, but a name like "<script>" is no markup wherever the text is shown.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _md_text(text: str) -> str:
    """Frontmatter text for llms.txt: no links, images or HTML tags can come out of it."""
    return "".join("\\" + c if c in "\\[]<>" else c for c in one_line(text))


def llms_txt(planner: _Planner) -> str:
    from skillshelf.site.plan import ordered_categories, sorted_skills
    from skillshelf.site.render import category_trail

    options = planner.options
    tree = planner.tree
    summary = one_line(options.site_description) or (
        f"A library of {len(tree.skills)} agent skills: folders holding a SKILL.md "
        "with instructions, reference pages and bundled scripts."
    )
    lines = [f"# {_md_text(options.site_name)}", "", f"> {_md_text(summary)}", ""]
    lines.append(
        "Each link below is a skill's page; its description says what the skill does and "
        "when to use it."
    )
    if options.skills_json:
        lines.append(f"The same list as JSON: {absolute_url(options.site_url, 'skills.json')}")
    lines.append("")

    def entry(skill: Skill) -> str:
        # Percent-encoded as MkDocs encodes page URLs: a folder name with spaces,
        # parentheses or '<' must not end the Markdown link or open a tag.
        url = absolute_url(options.site_url, planner.skill_urls[skill.rel.as_posix()])
        description = _md_text(skill.description)
        tail = f": {description}" if description else ""
        return f"- [{_md_text(skill.name)}]({url}){tail}"

    top = sorted_skills(tree.top)
    if top:
        lines += ["## Skills", "", *(entry(skill) for skill in top), ""]
    for category in ordered_categories(tree):
        skills = sorted_skills(category)
        if not skills:
            continue
        lines += [f"## {_md_text(category_trail(category))}", ""]
        if category.summary:
            lines += [_md_text(category.summary), ""]
        lines += [entry(skill) for skill in skills]
        lines.append("")
    if planner.catalog_url:
        lines += [
            "## Optional",
            "",
            f"- [Catalog]({absolute_url(options.site_url, planner.catalog_url)}): "
            "every skill in one filterable table",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def redirect_html(dest: str, target_url: str, urls: Urls, *, site_url: str | None) -> str:
    """A page at ``dest`` that sends the reader to the site URL ``target_url``."""
    here = urls.url(dest)
    link = href(target_url, here)
    canonical = absolute_url(site_url, target_url) if site_url else link
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Redirecting</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{esc(canonical)}">\n'
        f'<meta http-equiv="refresh" content="0; url={esc(link)}">\n'
        f"<script>location.replace({script_json(link)} + location.search + location.hash);"
        "</script>\n"
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{esc(link)}">{esc(link)}</a>.</p>\n'
        "</body>\n</html>\n"
    )
