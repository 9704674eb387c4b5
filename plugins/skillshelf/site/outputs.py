"""Machine-readable files at the site root and redirect pages.

* ``skills.json``: every skill with its name, category, description, tags,
  page URL, source path, bundled files (path, size, SHA-256), related skills,
  requirements, and the URLs of its raw SKILL.md and zip (stable order, no
  timestamps; described by ``schemas/skills-json.schema.json``);
  rendered from a :class:`SkillsJsonInput`;
* ``llms.txt``: the llmstxt.org format - an H1 title, a ``>`` summary, then one
  H2 section per category listing its skills as ``- [name](url): description``,
  each URL the skill's SKILL.md as plain text, and an "Optional" section;
  rendered from a :class:`LlmsTxtInput`;
* redirect pages: a tiny HTML page per old URL with a meta refresh, a
  canonical link and a script that keeps the ``#fragment``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from skillshelf.site.entries import SkillEntry
from skillshelf.site.text import absolute_url, esc, href, one_line, quote_path, script_json

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SkillsJsonInput:
    site_name: str
    site_url: str | None
    #: Every skill in nav order.
    skills: tuple[SkillEntry, ...]


def skills_json(index: SkillsJsonInput) -> str:
    site_url = index.site_url
    entries: list[dict[str, Any]] = []
    for skill in index.skills:
        entry: dict[str, Any] = {
            "name": skill.name,
            "title": skill.title,
            "category": skill.category,
            "category_title": skill.category_title,
            "description": one_line(skill.description),
            "tags": list(skill.tags),
            "url": absolute_url(site_url, skill.url),
            # the page's URL relative to the site root, percent-encoded like "url"
            "path": quote_path(skill.url),
            "source": skill.source,
            "references": [absolute_url(site_url, ref) for ref in skill.references],
        }
        if skill.version is not None:
            entry["version"] = skill.version
        entry["raw_url"] = absolute_url(site_url, skill.raw) if skill.raw else None
        entry["zip_url"] = absolute_url(site_url, skill.archive) if skill.archive else None
        entry["files"] = [
            {"path": file.path, "size": file.size, "sha256": file.sha256} for file in skill.files
        ]
        entry["related"] = [
            {"name": name, "url": absolute_url(site_url, url) if url is not None else None}
            for name, url in skill.related
        ]
        entry["requirements"] = {
            "dependencies": list(skill.dependencies),
            "platforms": list(skill.platforms),
            "compatibility": skill.compatibility,
            "targets": dict(skill.targets),
        }
        entries.append(entry)
    document = {
        "version": SCHEMA_VERSION,
        "site": index.site_name,
        "count": len(entries),
        "skills": entries,
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # The same JSON, but a name like "<script>" is no markup wherever the text is shown.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _md_text(text: str) -> str:
    """Frontmatter text for llms.txt: no links, images or HTML tags can come out of it."""
    return "".join("\\" + c if c in "\\[]<>" else c for c in one_line(text))


@dataclass(frozen=True)
class LlmsSection:
    """A category's skills with its title trail and summary; the skills at the top of
    the tree have no title."""

    title: str | None
    summary: str
    skills: tuple[SkillEntry, ...]


@dataclass(frozen=True)
class LlmsTxtInput:
    site_name: str
    site_url: str | None
    site_description: str
    skill_count: int
    skills_json: bool
    catalog_url: str | None
    #: In nav order: the top's skills first, then every category holding skills.
    sections: tuple[LlmsSection, ...]


def llms_txt(index: LlmsTxtInput) -> str:
    site_url = index.site_url
    summary = one_line(index.site_description) or (
        f"A library of {index.skill_count} agent skills: folders holding a SKILL.md "
        "with instructions, reference pages and bundled scripts."
    )
    lines = [f"# {_md_text(index.site_name)}", "", f"> {_md_text(summary)}", ""]
    lines.append(
        "Each link below is a skill's SKILL.md, the Markdown an agent follows, as plain "
        "text; its description says what the skill does and when to use it."
    )
    lines.append("")

    def entry(skill: SkillEntry) -> str:
        # Percent-encoded as MkDocs encodes page URLs: a folder name with spaces,
        # parentheses or '<' must not end the Markdown link or open a tag.
        url = absolute_url(site_url, skill.raw or skill.url)
        description = _md_text(skill.description)
        tail = f": {description}" if description else ""
        return f"- [{_md_text(skill.name)}]({url}){tail}"

    for section in index.sections:
        title = "Skills" if section.title is None else _md_text(section.title)
        lines += [f"## {title}", ""]
        if section.summary:
            lines += [_md_text(section.summary), ""]
        lines += [entry(skill) for skill in section.skills]
        lines.append("")
    optional = []
    if index.skills_json:
        optional.append(
            f"- [skills.json]({absolute_url(site_url, 'skills.json')}): every skill as JSON, "
            "with its page, files (size, SHA-256), requirements and the zip of its folder"
        )
    if index.catalog_url:
        optional.append(
            f"- [Catalog]({absolute_url(site_url, index.catalog_url)}): every skill on one "
            "page, filtered by words, category and tags"
        )
    if optional:
        lines += ["## Optional", "", *optional, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def redirect_html(here: str, target_url: str, *, site_url: str | None) -> str:
    """A page at the site URL ``here`` that sends the reader to the site URL
    ``target_url``."""
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
