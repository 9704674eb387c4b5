"""The ``mkdocs serve`` caches: rebuilds reuse what did not change and are never stale.

Every rebuild runs like ``mkdocs serve`` runs it (the same plugin instance, a
fresh config, the same site folder as the previous rebuild) and its output is
compared, byte for byte, with a cold build of the same tree by the same plugin
with the caches off: every page, search/search_index.json, every copied file;
and the served folder must hold no other file and no empty folder.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs import utils as mkdocs_utils
from tests.site.conftest import build_site, site_files

Project = Callable[[str], Path]
MKDOCS_WRITERS = (mkdocs_utils.write_file, mkdocs_utils.copy_file)


class Serve:
    """Rebuilds of one project the way ``mkdocs serve`` does them."""

    def __init__(self, root: Path) -> None:
        from mkdocs.config import load_config

        self.root = root
        config = load_config(config_file=str(root / "mkdocs.yml"))
        self.plugin: Any = config.plugins["skillshelf"]
        reset(self.plugin)
        self.plugin.serve.command = "serve"
        self.builds = 0

    def rebuild(self) -> Path:
        """A serve rebuild; asserts it equals a cold build and returns the site folder."""
        self.plugin.serve.command = "serve"
        config: Any = build_site(self.root, site="served")
        assert config.plugins["skillshelf"] is self.plugin
        self.builds += 1
        self.plugin.serve.command = "build"
        try:
            build_site(self.root, site="cold")
        finally:
            self.plugin.serve.command = "serve"
        served, cold = (
            {uri: undated(data) for uri, data in site_files(self.root / site).items()}
            for site in ("served", "cold")
        )
        assert served.keys() == cold.keys()
        assert [uri for uri in served if served[uri] != cold[uri]] == []
        assert empty_folders(self.root / "served") == empty_folders(self.root / "cold") == []
        return self.root / "served"

    @property
    def page_hits(self) -> int:
        return int(self.plugin.serve.page_cache.hits)

    @property
    def page_misses(self) -> int:
        return int(self.plugin.serve.page_cache.misses)

    @property
    def plan_hits(self) -> int:
        return int(self.plugin.serve.plan_memo.hits)

    @property
    def plan_misses(self) -> int:
        """Generated pages and files whose Markdown (or text) was made again."""
        return int(self.plugin.serve.plan_memo.misses)

    @property
    def source_hits(self) -> int:
        return int(self.plugin.serve.source_cache.hits)

    @property
    def render_hits(self) -> int:
        return int(self.plugin.serve.render_cache.hits)

    @property
    def search_hits(self) -> int:
        return int(self.plugin.serve.search_cache.hits)

    @property
    def search_misses(self) -> int:
        return int(self.plugin.serve.search_cache.misses)

    @property
    def overwritten(self) -> int:
        """Files of the previous rebuild that this one wrote over."""
        return int(self.plugin.serve.kept_output.kept)

    @property
    def unchanged(self) -> int:
        """Files of the previous rebuild that already held what this one wrote."""
        return int(self.plugin.serve.kept_output.unchanged)

    @property
    def removed(self) -> int:
        """Files of the previous rebuild that this one did not write."""
        return int(self.plugin.serve.kept_output.removed)


def undated(data: bytes) -> bytes:
    """Without the build date MkDocs' own theme prints in the home page."""
    return re.sub(rb"Build Date UTC : [^\n]*", b"Build Date UTC : -", data)


def empty_folders(site: Path) -> list[str]:
    return [
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_dir() and not any(path.iterdir())
    ]


def reset(plugin: Any) -> None:
    """MkDocs keeps plugin instances for the whole process: start and leave clean."""
    from skillshelf.mkdocs.serve.session import ServeSession
    from skillshelf.site.sanitize import Sanitizer

    plugin.serve = ServeSession()  # command "build", every cache empty
    plugin.sanitizer = Sanitizer()


def read(site: Path, uri: str) -> str:
    return (site / uri).read_text(encoding="utf-8")


@pytest.fixture
def serve(project: Project) -> Iterator[Serve]:
    root = project("mixed")
    skills = root / "skills"
    (skills / "misc/one-thing/SKILL.md").write_text(
        "---\nname: one-thing\ndescription: One thing.\nlicense: MIT\n---\n\n# One-Thing\n\n"
        "See [the poem](../../writing/poem/SKILL.md) and [quotas]"
        "(../../ops/cloud/gcp/references/quotas.md#top).\n",
        encoding="utf-8",
    )
    session = Serve(root)
    yield session
    reset(session.plugin)


def test_unchanged_rebuild_reuses_every_page(serve: Serve) -> None:
    serve.rebuild()
    assert serve.page_hits == 0
    pages = serve.page_misses
    assert pages > 10
    indexed = serve.search_misses
    assert indexed > pages  # the hand-written pages are indexed too
    generated = serve.plan_misses
    assert generated > 5 and serve.plan_hits == 0
    serve.rebuild()
    assert (serve.plan_hits, serve.plan_misses) == (generated, 0)
    assert serve.source_hits == pages
    assert (serve.page_hits, serve.page_misses) == (pages, 0)
    assert serve.render_hits == pages
    assert (serve.search_hits, serve.search_misses) == (indexed, 0)
    assert serve.overwritten > pages and serve.removed == 0
    assert serve.unchanged > pages  # not the sitemap (it holds the build date)
    assert (mkdocs_utils.write_file, mkdocs_utils.copy_file) == MKDOCS_WRITERS


def test_edit_shows_up_and_only_that_page_is_redone(serve: Serve) -> None:
    serve.rebuild()
    essay = serve.root / "skills/writing/essay/SKILL.md"
    for round in range(3):
        with essay.open("a", encoding="utf-8") as handle:
            handle.write(f"\nMarker {round} here.\n")
        site = serve.rebuild()
        assert f"Marker {round} here." in read(site, "writing/essay/index.html")
        assert f"Marker {round} here." in read(site, "search/search_index.json")
        assert serve.page_misses == 1
        assert serve.plan_misses == 1  # the skill's page, not the catalog nor skills.json
        assert serve.search_misses == 1
        assert serve.unchanged < serve.overwritten  # the page and the search index


def test_heading_and_title_changes(serve: Serve) -> None:
    serve.rebuild()
    poem = serve.root / "skills/writing/poem/SKILL.md"
    poem.write_text(poem.read_text(encoding="utf-8").replace("# Poem", "# Verse"), "utf-8")
    site = serve.rebuild()
    assert "Verse" in read(site, "writing/poem/index.html")
    quotas = serve.root / "skills/ops/cloud/gcp/references/quotas.md"
    quotas.write_text("---\ntitle: Limits of GCP\n---\n\nText.\n", "utf-8")
    site = serve.rebuild()
    # a nav title changed: no page that shows it may keep the old nav; with material's
    # navigation.prune the pages outside ops/cloud/gcp do not show it (test_serve_nav)
    assert 0 < serve.page_misses < serve.page_hits
    assert "Limits of GCP" in read(site, "ops/cloud/gcp/index.html")


def test_addition_move_deletion(serve: Serve) -> None:
    serve.rebuild()
    skills = serve.root / "skills"
    (skills / "misc/three-thing").mkdir()
    (skills / "misc/three-thing/SKILL.md").write_text(
        "---\nname: three-thing\ndescription: Three things.\nlicense: MIT\n---\n\n# Three\n"
    )
    site = serve.rebuild()
    assert (site / "misc/three-thing/index.html").is_file()
    assert serve.page_hits == 0  # a new nav entry: no page may keep the old nav
    assert "three-thing" in read(site, "misc/one-thing/index.html")
    assert "three-thing" in read(site, "catalog/index.html")

    (skills / "writing/poem").rename(skills / "misc/poem")
    site = serve.rebuild()
    assert serve.removed > 0  # the old place's page, assets and references
    assert '"location":"writing/poem/' not in read(site, "search/search_index.json")
    assert not (site / "writing/poem/index.html").exists() or "url=" in read(
        site, "writing/poem/index.html"
    )
    # one-thing's Markdown did not change, but its link target moved
    one = read(site, "misc/one-thing/index.html")
    assert 'href="../poem/"' in one

    for path in sorted((skills / "misc/poem").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (skills / "misc/poem").rmdir()
    site = serve.rebuild()
    assert "poem" not in read(site, "catalog/index.html")
    assert 'href="../poem/"' not in read(site, "misc/one-thing/index.html")


def test_generated_markdown_follows_everything_it_shows(serve: Serve) -> None:
    """The plan's reused Markdown: each change below reaches every page that shows
    it (every rebuild is compared with a cold build)."""
    skills = serve.root / "skills"
    deploy = skills / "ops/deploy/SKILL.md"
    deploy.write_text(
        deploy.read_text(encoding="utf-8").replace(
            "license: MIT\n",
            "license: MIT\nmetadata:\n  skillshelf:\n    related-skills: [poem, essay]\n",
        ),
        "utf-8",
    )
    site = serve.rebuild()
    assert 'href="../../writing/poem/"' in read(site, "ops/deploy/index.html")
    poem = skills / "writing/poem/SKILL.md"
    # a related skill renamed: the page naming it no longer links it
    poem.write_text(poem.read_text(encoding="utf-8").replace("name: poem", "name: verse"), "utf-8")
    site = serve.rebuild()
    assert 'href="../../writing/poem/"' not in read(site, "ops/deploy/index.html")
    assert '"name": "verse"' in read(site, "skills.json")
    # a description: the skill's page, its category's cards, the catalog, skills.json
    text = poem.read_text(encoding="utf-8")
    poem.write_text(text.replace("Write poems.", "Write short poems."), "utf-8")
    site = serve.rebuild()
    for uri in ("writing/poem/index.html", "writing/index.html", "catalog/index.html", "llms.txt"):
        assert "Write short poems." in read(site, uri)
    # a bundled file added, then grown: the skill's list of files and their sizes
    (skills / "writing/poem/scripts").mkdir()
    (skills / "writing/poem/scripts/run.py").write_text("print(1)\n", "utf-8")
    site = serve.rebuild()
    assert "scripts/run.py" in read(site, "writing/poem/index.html")
    (skills / "writing/poem/scripts/run.py").write_text("print(1)\n" * 200, "utf-8")
    site = serve.rebuild()
    assert "1.8 KB" in read(site, "writing/poem/index.html")
    # a reference added: the category's card counts it, skills.json lists it
    (skills / "ops/deploy/references").mkdir()
    (skills / "ops/deploy/references/steps.md").write_text("# Steps\n", "utf-8")
    site = serve.rebuild()
    assert "1 reference" in read(site, "ops/index.html")
    assert "references/steps/" in read(site, "skills.json")
    # a category's title: every skill header below it shows the new trail
    cloud = skills / "ops/cloud/DESCRIPTION.md"
    cloud.write_text(
        cloud.read_text(encoding="utf-8").replace("title: Cloud", "title: Sky"), "utf-8"
    )
    site = serve.rebuild()
    assert "Sky" in read(site, "ops/cloud/gcp/index.html")
    assert "Sky" in read(site, "ops/cloud/aws/index.html")
    # a category's body only: its own page
    cloud.write_text(cloud.read_text(encoding="utf-8") + "\nMore about the sky.\n", "utf-8")
    site = serve.rebuild()
    assert "More about the sky." in read(site, "ops/cloud/index.html")
    # the repository's address changes every skill's source link
    config = serve.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("example/mixed", "example/renamed"), "utf-8"
    )
    site = serve.rebuild()
    assert serve.plan_hits == 0
    assert "example/renamed/blob/main/skills/writing/essay/SKILL.md" in read(
        site, "writing/essay/index.html"
    )


def test_a_skill_moved_between_categories_and_back(serve: Serve) -> None:
    skills = serve.root / "skills"
    serve.rebuild()
    (skills / "ops/deploy").rename(skills / "writing/deploy")
    site = serve.rebuild()
    assert "Writing" in read(site, "writing/deploy/index.html")
    assert "writing/deploy/" in read(site, "catalog/index.html")
    (skills / "writing/deploy").rename(skills / "ops/deploy")
    site = serve.rebuild()
    assert (site / "ops/deploy/index.html").is_file()
    assert 'href="deploy/"' in read(site, "ops/index.html")


def test_reference_frontmatter_and_metadata_copies(serve: Serve) -> None:
    """A reference page's own frontmatter (anchors and all) is split once and every
    rebuild gets metadata of its own: what a plugin changes in it does not stay."""
    quotas = serve.root / "skills/ops/cloud/gcp/references/quotas.md"
    quotas.write_text(
        "---\ntags: &shared [alpha]\nkeywords: *shared\nsearch:\n  boost: 2\n---\n\n# Quotas\n",
        "utf-8",
    )
    serve.rebuild()
    site = serve.rebuild()
    assert serve.source_hits > 0
    assert "alpha" in read(site, "ops/cloud/gcp/references/quotas/index.html")
    entry = serve.plugin.serve.source_cache.entries["ops/cloud/gcp/references/quotas.md"]
    assert entry[2]["tags"] is entry[2]["keywords"]  # an alias stays one (deep copy)
    assert "title" not in entry[2]  # the plugin's own on_page_content title went to a copy
    quotas.write_text("---\ntitle: Quota limits\n---\n\n# Quotas\n", "utf-8")
    site = serve.rebuild()
    assert "Quota limits" in read(site, "ops/cloud/gcp/index.html")


def test_link_target_anchor_change_is_reported_again(serve: Serve) -> None:
    serve.rebuild()
    quotas = serve.root / "skills/ops/cloud/gcp/references/quotas.md"
    quotas.write_text(quotas.read_text(encoding="utf-8") + "\n## Top\n\nNow there.\n", "utf-8")
    site = serve.rebuild()
    assert 'id="top"' in read(site, "ops/cloud/gcp/references/quotas/index.html")


def test_description_and_config_changes(serve: Serve) -> None:
    serve.rebuild()
    (serve.root / "skills/misc/DESCRIPTION.md").write_text(
        "---\ntitle: Odds and ends\ndescription: Renamed.\norder: 0\n---\n"
    )
    site = serve.rebuild()
    assert serve.page_hits == 0
    assert "Odds and ends" in read(site, "index.html")
    config = serve.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_name: mixed", "site_name: renamed"),
        "utf-8",
    )
    site = serve.rebuild()
    assert serve.page_hits == 0
    assert "renamed" in read(site, "misc/one-thing/index.html")


def test_sanitized_pages_follow_edits_and_the_option(serve: Serve) -> None:
    """Each page's clean HTML is kept between rebuilds (the sanitizer's memo) and every
    rebuild still equals a cold build: with script added, removed, and sanitizing off."""
    serve.rebuild()
    essay = serve.root / "skills/writing/essay/SKILL.md"
    original = essay.read_text(encoding="utf-8")
    hostile = "\n<img src=x onerror=pwned()> <script>pwned()</script> Still here.\n"
    essay.write_text(original + hostile, "utf-8")
    site = serve.rebuild()
    page = read(site, "writing/essay/index.html")
    assert "Still here." in page and "pwned" not in page
    kept = dict(serve.plugin.sanitizer.last)
    assert "writing/essay/SKILL.md" in kept and len(kept) > 10
    serve.rebuild()
    assert serve.page_hits > 10
    assert all(serve.plugin.sanitizer.last[uri][1] is kept[uri][1] for uri in kept)
    essay.write_text(original, "utf-8")
    site = serve.rebuild()
    assert "Still here." not in read(site, "writing/essay/index.html")
    essay.write_text(original + hostile, "utf-8")
    config = serve.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - skillshelf", "  - skillshelf:\n      sanitize: false"
        ),
        "utf-8",
    )
    site = serve.rebuild()
    assert "<script>pwned()</script>" in read(site, "writing/essay/index.html")


def test_docs_page_edit_and_hand_written_link(serve: Serve) -> None:
    serve.rebuild()
    guide = serve.root / "docs/guide.md"
    guide.write_text("# Guide\n\nRead [poem](writing/poem/SKILL.md).\n", "utf-8")
    site = serve.rebuild()
    assert 'href="../writing/poem/"' in read(site, "guide/index.html")
    assert serve.page_hits > 0  # the skill pages did not change


def test_caches_off_outside_serve_and_by_option(project: Project) -> None:
    from mkdocs.config import load_config

    root = project("mixed")
    plugin: Any = load_config(config_file=str(root / "mkdocs.yml")).plugins["skillshelf"]
    reset(plugin)
    config: Any = build_site(root)
    assert config.plugins["skillshelf"] is plugin
    assert plugin.serve.page_cache.entries == {} and plugin.serve.render_cache.entries == {}
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        text.replace("  - skillshelf", "  - skillshelf:\n      serve_cache: false"), "utf-8"
    )
    plugin.serve.command = "serve"
    try:
        build_site(root)
        assert plugin.serve.page_cache.entries == {} and plugin.serve.render_cache.entries == {}
    finally:
        reset(plugin)


def test_search_entries_follow_the_page_and_its_frontmatter(serve: Serve) -> None:
    serve.rebuild()
    guide = serve.root / "docs/guide.md"
    body = "# Guide\n\nRead [essay](writing/essay/SKILL.md).\n\n## Later\n\nMore.\n"
    for frontmatter in (
        "tags:\n  - alpha\n",
        "tags:\n  - beta\nsearch:\n  boost: 2\n",
        "title: Handbook\n",
        "search:\n  exclude: true\n",
        "",
    ):
        guide.write_text(f"---\n{frontmatter}---\n\n{body}" if frontmatter else body, "utf-8")
        site = serve.rebuild()  # the search index is compared with a cold build's
        assert serve.search_misses >= 1
        index = read(site, "search/search_index.json")
        assert ('"location":"guide/"' in index) == ("exclude" not in frontmatter)
    assert '"location":"guide/#later"' in index


def test_a_file_replaced_by_a_folder_and_back(serve: Serve) -> None:
    docs = serve.root / "docs"
    (docs / "notes").write_text("plain notes\n", "utf-8")
    serve.rebuild()
    (docs / "notes").write_text("PLAIN NOTES\n", "utf-8")  # the same size
    assert read(serve.rebuild(), "notes") == "PLAIN NOTES\n"
    (docs / "notes").unlink()
    (docs / "notes").mkdir()
    (docs / "notes/todo.txt").write_text("a file in a folder\n", "utf-8")
    site = serve.rebuild()
    assert read(site, "notes/todo.txt") == "a file in a folder\n"
    (docs / "notes/todo.txt").unlink()
    (docs / "notes").rmdir()
    (docs / "notes").write_text("plain again\n", "utf-8")
    site = serve.rebuild()
    assert read(site, "notes") == "plain again\n"


def test_a_failed_rebuild_then_a_good_one(serve: Serve) -> None:
    from jinja2.exceptions import TemplateNotFound

    serve.rebuild()
    guide = serve.root / "docs/guide.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text("---\ntemplate: no-such-template.html\n---\n\n" + text, "utf-8")
    with pytest.raises(TemplateNotFound):
        build_site(serve.root, site="served")
    assert not (serve.root / "served/.skillshelf-previous-output").exists()
    assert (mkdocs_utils.write_file, mkdocs_utils.copy_file) == MKDOCS_WRITERS
    guide.write_text(text, "utf-8")
    serve.rebuild()


def test_a_plugin_not_known_to_write_only_while_building_means_a_clean(serve: Serve) -> None:
    (serve.root / "hook.py").write_text(
        "from pathlib import Path\n\n\n"
        "def on_post_build(config, **kwargs):\n"
        "    (Path(config.site_dir) / 'from-hook.txt').write_text('hook', 'utf-8')\n",
        "utf-8",
    )
    config = serve.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hook.py\n", "utf-8")
    serve.rebuild()
    site = serve.rebuild()
    assert serve.overwritten == 0 and serve.removed == 0
    assert read(site, "from-hook.txt") == "hook"
    assert serve.search_hits > 0  # the search entries do not depend on the site folder


def test_kept_output_marks_hides_restores_and_sweeps(tmp_path: Path) -> None:
    from mkdocs.utils import clean_directory

    from skillshelf.mkdocs.plugin import SkillshelfPlugin
    from skillshelf.mkdocs.serve.output import STASH, KeptOutput

    site = tmp_path / "site"
    (site / "a/b").mkdir(parents=True)
    (site / "a/b/index.html").write_text("old", "utf-8")
    (site / "a/gone.html").write_text("old", "utf-8")
    (site / "c/d").mkdir(parents=True)
    (site / "c/d/gone.txt").write_text("old", "utf-8")
    (site / ".hidden").write_text("MkDocs leaves it", "utf-8")
    kept = KeptOutput()
    kept.stash(str(site), [SkillshelfPlugin()])
    assert sorted(p.name for p in site.iterdir()) == [".hidden", STASH]
    clean_directory(str(site))
    kept.restore()
    assert not (site / STASH).exists()
    (site / "a/b/index.html").write_text("new", "utf-8")
    (site / "e.html").write_text("new", "utf-8")
    kept.sweep()
    assert (kept.kept, kept.removed) == (1, 2)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        ".hidden",
        "a",
        "a/b",
        "a/b/index.html",
        "e.html",
    ]

    kept.stash(str(site), [SkillshelfPlugin(), object()])  # an unknown plugin: no stash
    assert not (site / STASH).exists() and kept.files == set()
    (site / "link").symlink_to(site / "e.html")
    kept.stash(str(site), [SkillshelfPlugin()])  # a symlink, which MkDocs never writes
    assert not (site / STASH).exists() and kept.files == set()


def test_mkdocs_theme_and_its_own_search(project: Project) -> None:
    root = project("mixed")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  name: material", "  name: mkdocs").replace("  - tags\n", "")
    config.write_text(text, "utf-8")
    session = Serve(root)
    try:
        session.rebuild()
        essay = root / "skills/writing/essay/SKILL.md"
        with essay.open("a", encoding="utf-8") as handle:
            handle.write("\nMarker here.\n")
        site = session.rebuild()
        assert "Marker here." in read(site, "search/search_index.json")
        assert session.search_hits == 0  # only material's search is known to the cache
        assert session.overwritten > 0  # (no page cache: the theme prints the build date)
    finally:
        reset(session.plugin)


def test_theme_override_edits_reach_every_page(serve: Serve) -> None:
    """``mkdocs serve --watch-theme`` (or ``watch:``) rebuilds when a template of
    ``custom_dir`` changes: no page may keep the old template's output."""
    overrides = serve.root / "overrides"
    overrides.mkdir()
    main = overrides / "main.html"
    main.write_text(
        '{% extends "base.html" %}{% block content %}{{ super() }}<p>Version 1</p>{% endblock %}',
        "utf-8",
    )
    config = serve.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n"
        ),
        "utf-8",
    )
    serve.rebuild()
    assert serve.plugin.serve.template_code.code  # compiled once, reused by the next rebuilds
    main.write_text(main.read_text(encoding="utf-8").replace("Version 1", "Version 2"), "utf-8")
    site = serve.rebuild()
    assert serve.page_hits == 0
    assert "Version 2" in read(site, "writing/essay/index.html")
    site = serve.rebuild()
    assert serve.page_misses == 0
    (overrides / "partials").mkdir()
    (overrides / "partials/copyright.html").write_text("<p>Our own footer</p>", "utf-8")
    site = serve.rebuild()  # a new file that shadows one of material's partials
    assert "Our own footer" in read(site, "writing/essay/index.html")


def test_table_of_contents_copies_share_nothing() -> None:
    import markdown
    from mkdocs.structure.toc import get_toc

    from skillshelf.mkdocs.serve.internals import copy_toc

    converter = markdown.Markdown(extensions=["toc"])
    converter.convert("# One\n\n## One point one\n\n# Two\n")
    toc = get_toc(converter.toc_tokens)
    copied = copy_toc(toc)
    assert str(copied) == str(toc) and copied is not toc
    assert vars(copied.items[0]).keys() == vars(toc.items[0]).keys()  # "active" too
    assert copied.items[0].children[0] is not toc.items[0].children[0]
    copied.items[0].children.clear()
    assert len(toc.items[0].children) == 1
    toc.items[1].extra = ["a list"]  # something MkDocs does not set: copied the slow way
    slow = copy_toc(toc)
    assert slow.items[1].extra == ["a list"] and slow.items[1].extra is not toc.items[1].extra


def test_stable_texts_tell_kinds_of_containers_apart() -> None:
    from skillshelf.mkdocs.serve.keys import stable

    assert stable({"a": 1}) != stable([("a", 1)])
    assert stable({"a": 1}) != stable((("a", 1),))
    assert stable({1, 2}) != stable([1, 2]) and stable({2, 1}) == stable({1, 2})
    assert stable({"tags": ["x"], "n": None}) == stable({"tags": ["x"], "n": None})
    assert stable([True]) != stable([1]) and stable(["1"]) != stable([1])


def printed_by_own_interpreter(script: str, cwd: Path) -> list[str]:
    """The words ``script`` prints, run by an interpreter of its own (for state that
    is the whole interpreter's, such as the garbage collector's)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=cwd
    )
    return done.stdout.split()


def test_serve_freezes_what_startup_made_once(tmp_path: Path) -> None:
    """In a process of its own: freezing is for the whole interpreter."""
    script = (
        "import gc\n"
        "from skillshelf.mkdocs.serve.collector import freeze_what_startup_made\n"
        "first = freeze_what_startup_made()\n"
        "frozen = gc.get_freeze_count()\n"
        "second = freeze_what_startup_made()\n"
        "gc.unfreeze(); gc.disable()\n"
        "off = freeze_what_startup_made()\n"
        "print(first, frozen > 0, second, off, gc.get_freeze_count())\n"
    )
    assert printed_by_own_interpreter(script, tmp_path) == ["True", "True", "False", "False", "0"]


def test_collector_held_back_during_rebuilds_and_run_when_idle(tmp_path: Path) -> None:
    """In a process of its own: the collector's state is the whole interpreter's."""
    script = (
        "import gc, time, weakref\n"
        "from skillshelf.mkdocs.serve.collector import CollectorPause\n"
        "class Node: pass\n"
        "usual = gc.get_threshold()\n"
        "pause = CollectorPause(delay=0.2)\n"
        "pause.pause(); during = gc.get_threshold()[1:] == (pause.NEVER, pause.NEVER)\n"
        "node = Node(); node.me = node; ref = weakref.ref(node); del node\n"
        "gc.collect(1); old = Node(); old.me = old; old_ref = weakref.ref(old); del old\n"
        "pause.finish(); after = gc.get_threshold() != usual\n"
        # the idle collection comes 0.2 s after the rebuild; on a loaded machine the
        # timer thread may be late, so wait for it up to 20 s, never assume it ran
        "deadline = time.monotonic() + 20\n"
        "while gc.get_threshold() != usual and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "idle = gc.get_threshold() == usual\n"
        "freed = ref() is None and old_ref() is None\n"
        "pause.pause(); pause.finish(); pause.pause()  # the next rebuild comes first\n"
        "quick = (gc.get_threshold() != usual, pause.pending)\n"
        "pause.stop(); stopped = gc.get_threshold() == usual\n"
        "gc.disable(); pause.pause(); pause.finish()\n"
        "theirs = (gc.isenabled(), gc.get_threshold() == usual, pause.pending)\n"
        "print(during, after, idle, freed, *quick, stopped, *theirs)\n"
    )
    assert printed_by_own_interpreter(script, tmp_path) == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "False",
        "True",
        "False",  # turned off by someone else: left as it was
        "True",
        "False",
    ]


def test_a_cache_folder_others_can_write_is_said_and_left_alone(
    serve: Serve,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """As in the CLI: a planted cache entry could hide a finding, so the session keeps
    its cache in memory, says why once, and serves the same site."""
    own = tmp_path / "cache-home" / "skillshelf"
    own.mkdir(parents=True)
    own.chmod(0o777)
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(own.parent))
    with caplog.at_level(logging.INFO):
        serve.rebuild()
        serve.rebuild()
    said = [r.getMessage() for r in caplog.records if "scan cache" in r.getMessage()]
    assert said == [
        f"not using the scan cache on disk: {own} can be written by other users "
        "(mode 777): run chmod go-w on it"
    ]
    assert list(own.iterdir()) == []
