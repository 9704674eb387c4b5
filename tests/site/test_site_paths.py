"""Which site paths a skills tree may take, and links to names no URL should break on.

Every tree here is built with a real ``mkdocs build``; links are followed by
resolving each ``href`` against the page it sits on and finding the file in the
built site, as a browser would fetch it.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from mkdocs.exceptions import Abort
from tests.conftest import description_md, skill_md, write_tree
from tests.site.conftest import build_site

from skillshelf.site.export import ExportError, export_site

SITE_URL = "https://example.org/odd/"
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))
MKDOCS_YML = f"""\
site_name: odd
site_url: {SITE_URL}
repo_url: https://github.com/example/odd
edit_uri: edit/main/docs/
theme:
  name: material
  features:
    - navigation.indexes
    - content.action.edit
plugins:
  - search
  - tags
  - skillshelf
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
"""


def make_project(tmp_path: Path, files: dict[str, str | bytes], name: str = "project") -> Path:
    project = tmp_path / name
    write_tree(
        project,
        {
            "mkdocs.yml": MKDOCS_YML,
            "skillshelf.toml": 'root = "skills"\n',
            "docs/index.md": "# Home\n",
            "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
        },
    )
    write_tree(project / "skills", files)
    return project


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append(value)
            if tag == "meta" and name == "content" and value and "url=" in value:
                self.found.append(value.split("url=", 1)[1])


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self.values: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.extend(name for name, _ in attrs)
        self.values.extend((name, value or "") for name, value in attrs)


def links_of(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def fetch(site: Path, page_url: str, href: str) -> Path | None:
    """The file a browser on ``page_url`` (relative to the site root, which is
    served at :data:`SITE_URL`) gets for ``href``; None for a link that leaves the
    site."""
    url = urljoin(urljoin(SITE_URL, quote(page_url)), href)
    if not url.startswith(SITE_URL):
        return None
    path = unquote(urlsplit(url).path)[len(urlsplit(SITE_URL).path) :]
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def fetched(site: Path, page_url: str, href: str) -> Path:
    found = fetch(site, page_url, href)
    assert found is not None, href
    return found


def refused_build(project: Path, caplog: pytest.LogCaptureFixture) -> str:
    """Build ``project``, which must fail; the error MkDocs printed."""
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(project)
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


ODD_NAMES = [
    "javascript:window.x=1,{}.py",
    "scripts/a #1?.py",
    "scripts/100% sure.py",
    "scripts/naïve 日本.py",
    "scripts/%2e%2e.py",
]


def odd_tree() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "odd cat/DESCRIPTION.md": description_md("Odd"),
        "odd cat/plain/SKILL.md": skill_md(
            "plain",
            extra=(
                "metadata:\n  skillshelf:\n    tags: ['c#', 'a&b?', '50%']\n"
                "    related-skills: ['hash #skill', '日本語']\n"
            ),
        ),
        "odd cat/plain/notes #1?.md": "# Notes\n",
        "odd cat/plain/references/q? 100%.md": "# Q\n",
        "odd cat/hash #skill/SKILL.md": skill_md("hash #skill"),
        "odd cat/日本語/SKILL.md": skill_md("日本語"),
        ".moves.yml": "moves:\n  'old #1/gone?': odd cat/plain\n",
    }
    for name in ODD_NAMES:
        files[f"odd cat/plain/{name}"] = f"print({name!r})\n"
    return files


def test_every_generated_link_reaches_its_file_whatever_the_name(tmp_path: Path) -> None:
    project = make_project(tmp_path, odd_tree())
    build_site(project)
    site = project / "site"
    checked = 0
    for page in sorted(site.rglob("*.html")):
        page_url = page.relative_to(site).as_posix()
        for link in links_of(page):
            scheme = urlsplit(link).scheme
            assert scheme in ("", "http", "https"), (page_url, link)
            target = fetch(site, page_url, link)
            if target is None:
                continue
            assert target.is_file(), (page_url, link, target)
            checked += 1
    skill = site / "odd cat/plain/index.html"
    hrefs = links_of(skill)
    for name in ODD_NAMES:
        encoded = [h for h in hrefs if unquote(h) == f"./{name}"]
        assert encoded, (name, hrefs)
        assert (site / "odd cat/plain" / name).read_text() == f"print({name!r})\n"
    # every link the plugin writes is relative with ./ or ../: no name is a scheme
    generated = re.findall(r'<a href="([^"]*)"(?: download(?:="")?)?><code>', skill.read_text())
    assert generated and all(h.startswith(("./", "../")) for h in generated), generated
    assert checked > 100

    data = json.loads((site / "skills.json").read_text())
    for entry in data["skills"]:
        for url in [entry["url"], *entry["references"]]:
            assert url.startswith(SITE_URL), url
            assert fetched(site, "", url).is_file(), url
        assert fetched(site, "", "./" + entry["path"]).is_file(), entry
    llms = (site / "llms.txt").read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", llms)
    assert len(targets) >= 3
    for url in targets:
        assert url.startswith(SITE_URL), url
        assert fetched(site, "", url).is_file(), url
    redirect = site / "old #1/gone?/index.html"
    assert redirect.is_file()
    for link in links_of(redirect):
        assert fetch(site, "old #1/gone?/index.html", link) == skill, link


def test_edit_links_keep_a_quote_in_a_folder_name_inside_the_attribute(tmp_path: Path) -> None:
    folder = 'odd cat/x" onmouseover="pwned()'
    files = odd_tree() | {f"{folder}/SKILL.md": skill_md("x")}
    project = make_project(tmp_path, files)
    build_site(project)
    page = project / "site" / folder / "index.html"
    parser = _Attributes()
    parser.feed(page.read_text())
    assert [a for a in parser.names if a.startswith("on")] == []
    (edit,) = [value for name, value in parser.values if name == "href" and "/edit/" in value]
    assert unquote(edit).endswith(f"skills/{folder}/SKILL.md"), edit


def test_relative_links_without_a_site_url_start_with_dot_slash(tmp_path: Path) -> None:
    project = make_project(tmp_path, odd_tree())
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text().replace(f"site_url: {SITE_URL}\n", ""))
    build_site(project)
    site = project / "site"
    data = json.loads((site / "skills.json").read_text())
    for entry in data["skills"]:
        assert entry["url"].startswith("./"), entry
        assert fetched(site, "", entry["url"]).is_file(), entry
    for url in re.findall(r"\]\(([^)\s]+)\)", (site / "llms.txt").read_text()):
        assert url.startswith("./"), url
        assert fetched(site, "", url).is_file(), url


# --------------------------------------------------------------------- reserved paths


def healthy() -> dict[str, str | bytes]:
    return {
        "good/DESCRIPTION.md": description_md("Good"),
        "good/one/SKILL.md": skill_md("one"),
        "good/two/SKILL.md": skill_md("two"),
    }


RESERVED_TREES: dict[str, tuple[dict[str, str | bytes], str]] = {
    # a bundled file at the plugin's own script path (the old assets/skillshelf/ layout)
    "plugin script": (
        {
            "assets/skillshelf/SKILL.md": skill_md("skillshelf"),
            "assets/skillshelf/catalog.js": "alert('pwned')\n",
        },
        "skills/assets/skillshelf/catalog.js",
    ),
    "plugin folder": (
        {"_skillshelf/x/SKILL.md": skill_md("x"), "_skillshelf/x/catalog.js": "alert(1)\n"},
        "skills/_skillshelf/x/catalog.js",
    ),
    "theme script": (
        {
            "assets/javascripts/SKILL.md": skill_md("javascripts"),
            "assets/javascripts/bundle.js": "alert(1)\n",
        },
        "skills/assets/javascripts/SKILL.md",
    ),
    "search index": ({"search/SKILL.md": skill_md("search")}, "skills/search/SKILL.md"),
    "catalog": ({"catalog/DESCRIPTION.md": description_md("C")}, "skills/catalog/DESCRIPTION.md"),
    "tags page": ({"tags/x/SKILL.md": skill_md("x")}, "skills/tags/x/SKILL.md"),
    "sitemap": ({"Sitemap.XML/x/SKILL.md": skill_md("x")}, "skills/Sitemap.XML/x/SKILL.md"),
    "skills.json": ({"skills.json.md": "# J\n"}, "skills/skills.json.md"),
    "404 page": ({"404.html/x/SKILL.md": skill_md("x")}, "skills/404.html/x/SKILL.md"),
}


@pytest.mark.parametrize("name", sorted(RESERVED_TREES))
def test_a_tree_taking_a_reserved_path_is_refused_by_build_and_export(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    files, named = RESERVED_TREES[name]
    project = make_project(tmp_path, healthy() | files)
    message = refused_build(project, caplog)
    assert f"{named}: " in message and "rename" in message, message
    assert not (project / "site/assets/skillshelf").exists()
    with pytest.raises(ExportError) as export_refused:
        export_site(tmp_path / "out", mkdocs_file=project / "mkdocs.yml")
    assert named in str(export_refused.value)
    assert not (tmp_path / "out").exists()


def test_the_plugin_script_comes_from_its_reserved_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path, healthy())
    build_site(project)
    site = project / "site"
    assert "_skillshelf/catalog.js" in (site / "catalog/index.html").read_text()
    shipped = Path(__import__("skillshelf").__file__).parent / "site/assets/catalog.js"
    assert (site / "_skillshelf/catalog.js").read_bytes() == shipped.read_bytes()


def test_a_category_on_a_hand_written_page_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(tmp_path, healthy() | {"guide/x/SKILL.md": skill_md("x")})
    (project / "docs/guide.md").write_text("# Guide\n")
    message = refused_build(project, caplog)
    assert re.search(r"skills/guide: .* docs/guide\.md already takes", message), message
    with pytest.raises(ExportError, match=r"docs/guide\.md already takes"):
        export_site(tmp_path / "out", mkdocs_file=project / "mkdocs.yml")


def test_a_theme_file_is_never_replaced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Beyond the reserved names, the files the theme really writes are checked: MkDocs'
    own theme keeps its icon at ``img/favicon.ico``."""
    files = healthy() | {"img/SKILL.md": skill_md("img"), "img/favicon.ico": "not an icon\n"}
    project = make_project(tmp_path, files)
    yml = project / "mkdocs.yml"
    text = yml.read_text().replace("name: material", "name: mkdocs").replace("  - tags\n", "")
    yml.write_text(text)
    message = refused_build(project, caplog)
    assert re.search(r"skills/img/favicon\.ico: .*the theme's img/favicon", message), message


# --------------------------------------------------------------- index.md, README.md


@pytest.mark.parametrize(
    ("extra", "shadowed"),
    [
        ("good/one/index.md", "good/one/SKILL.md"),
        ("good/one/README.md", "good/one/SKILL.md"),
        ("good/index.md", "good/DESCRIPTION.md"),
        ("good/one.md", "good/one/SKILL.md"),
    ],
)
def test_an_index_page_never_replaces_a_skill_or_category_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, extra: str, shadowed: str
) -> None:
    project = make_project(tmp_path, healthy() | {extra: "# I replace the page\n\nHIJACKED\n"})
    with caplog.at_level(logging.WARNING):
        build_site(project)
    site = project / "site"
    page = site / posixpath.dirname(shadowed) / "index.html"
    assert "HIJACKED" not in page.read_text()
    assert "skillshelf-" in page.read_text()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"skills/{extra}: not published" in w and shadowed in w for w in warnings), warnings
    # export agrees: the page is the skill's or category's, the file is not written
    out = tmp_path / "out"
    result = export_site(out, mkdocs_file=project / "mkdocs.yml")
    assert any(f"skills/{extra}: not published" in p for p in result.problems), result.problems
    exported = out / "docs" / posixpath.dirname(shadowed) / "index.md"
    assert "HIJACKED" not in exported.read_text()
    assert not (out / "docs" / extra).exists() or extra.endswith("/index.md")


def test_a_readme_deeper_in_a_skill_has_the_url_mkdocs_gives_it(tmp_path: Path) -> None:
    """MkDocs publishes README.md as its folder's index; so does the plugin, so that
    a plain build of the export has the same URLs."""
    project = make_project(tmp_path, healthy() | {"good/one/scripts/README.md": "# How to\n"})
    build_site(project)
    assert "How to" in (project / "site/good/one/scripts/index.html").read_text()
    assert not (project / "site/good/one/scripts/README").exists()
    out = tmp_path / "out"
    export_site(out, mkdocs_file=project / "mkdocs.yml")
    completed = subprocess.run(
        [MKDOCS, "build", "-q", "-f", str(out / "mkdocs.yml")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    assert "How to" in (out / "site/good/one/scripts/index.html").read_text()


# ----------------------------------------------------------------------- redirects


def test_moves_never_claim_the_theme_s_or_the_plugin_s_paths(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    moves = (
        "moves:\n"
        "  search: good/one\n"
        "  assets/javascripts: good/one\n"
        "  good/one/references: good/two\n"
        "  old/one: good/one\n"
    )
    project = make_project(tmp_path, healthy() | {".moves.yml": moves})
    with caplog.at_level(logging.WARNING):
        build_site(project)
    site = project / "site"
    assert not (site / "search/index.html").exists()
    assert not (site / "assets/javascripts/index.html").exists()
    assert not (site / "good/one/references/index.html").exists()
    assert "url=../../good/one/" in (site / "old/one/index.html").read_text()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for line in (2, 3, 4):
        assert any(f"skills/.moves.yml:{line}: the move" in w for w in warnings), warnings
    out = tmp_path / "out"
    result = export_site(out, mkdocs_file=project / "mkdocs.yml")
    assert sum(".moves.yml:" in problem for problem in result.problems) == 3, result.problems
    assert not (out / "docs/search/index.html").exists()
