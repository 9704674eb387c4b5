"""The rules about the published site: reserved-path, shadowed-page, unsafe-html."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import description_md, healthy_tree, skill_md

from skillshelf.config import config_from_table
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.html_safety import find_unsafe_html
from skillshelf.lint import lint
from skillshelf.rules import all_rules
from skillshelf.rules.base import REGISTRY

MakeTree = Callable[[Mapping[str, str | bytes]], Path]
PWNED = "pwned()"


def run(root: Path, rule: str) -> list[Diagnostic]:
    config = config_from_table({}, project_dir=root.parent, root=root)
    return [d for d in lint(config).diagnostics if d.rule == rule]


def rel(root: Path, diagnostic: Diagnostic) -> str:
    return diagnostic.path.relative_to(root).as_posix()


def test_the_site_rules_are_errors_with_the_four_part_docs() -> None:
    list(all_rules())
    for rule_id in ("reserved-path", "shadowed-page", "unsafe-html"):
        rule = REGISTRY[rule_id]
        assert rule.severity is Severity.ERROR
        doc = rule.check.__doc__ or ""
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert section in doc, (rule_id, section)


@pytest.mark.parametrize(
    ("files", "reported"),
    [
        ({"assets/skillshelf/SKILL.md": skill_md("skillshelf")}, "assets"),
        ({"Search/DESCRIPTION.md": description_md("S")}, "Search"),
        ({"_skillshelf/x/SKILL.md": skill_md("x")}, "_skillshelf"),
        ({"catalog/x/SKILL.md": skill_md("x")}, "catalog"),
        ({"sitemap.xml.md": "# Not a sitemap\n"}, "sitemap.xml.md"),
        ({"404.html/x/SKILL.md": skill_md("x")}, "404.html"),
    ],
)
def test_reserved_path(make_tree: MakeTree, files: dict[str, str], reported: str) -> None:
    root = make_tree(healthy_tree() | files)
    (hit,) = run(root, "reserved-path")
    assert rel(root, hit) == reported
    assert "where the site keeps" in hit.message and "rename" in hit.message


def test_reserved_names_deeper_in_the_tree_are_fine(make_tree: MakeTree) -> None:
    root = make_tree(
        healthy_tree()
        | {
            "alpha/search/SKILL.md": skill_md("search"),
            "alpha/one/assets/catalog.js": "//\n",
            "alpha/tagsets/SKILL.md": skill_md("tagsets"),
        }
    )
    assert run(root, "reserved-path") == []


@pytest.mark.parametrize(
    ("extra", "holder"),
    [
        ("alpha/one/index.md", "skill 'one'"),
        ("alpha/one/README.md", "skill 'one'"),
        ("alpha/index.md", "category 'alpha'"),
        ("alpha/README.md", "category 'alpha'"),
        ("alpha/one.md", "skill 'one'"),
        ("beta/deep.md", "category 'beta/deep'"),
        ("index.md", "the site's home page"),
    ],
)
def test_shadowed_page(make_tree: MakeTree, extra: str, holder: str) -> None:
    root = make_tree(healthy_tree() | {extra: "# Replaces the page\n"})
    (hit,) = run(root, "shadowed-page")
    assert rel(root, hit) == extra
    assert holder in hit.message and "leaves this file out" in hit.message


def test_two_index_pages_in_one_folder(make_tree: MakeTree) -> None:
    files = {"alpha/one/scripts/README.md": "# R\n", "alpha/one/scripts/index.md": "# I\n"}
    root = make_tree(healthy_tree() | files)
    (hit,) = run(root, "shadowed-page")
    assert rel(root, hit) == "alpha/one/scripts/index.md"
    assert "'alpha/one/scripts/README.md'" in hit.message


def test_index_pages_that_take_no_other_page_are_fine(make_tree: MakeTree) -> None:
    files = {
        "alpha/one/references/index.md": "# Overview\n",
        "alpha/one/scripts/README.md": "# Scripts\n",
        "alpha/overview.md": "# Overview\n",
    }
    root = make_tree(healthy_tree() | files)
    assert run(root, "shadowed-page") == []


UNSAFE_BODIES = {
    "script": (f"<script>{PWNED}</script>", 1),
    "handler": (f'<img src="x.png" onerror="{PWNED}">', 18),
    "svg onload": (f"<svg onload={PWNED}>", 6),
    "iframe srcdoc": ("<iframe srcdoc='&lt;script&gt;'></iframe>", 1),
    "javascript link": (f"[x](javascript:{PWNED})", 5),
    "data image": ("![x](data:image/svg+xml;base64,PHN2Zz4=)", 6),
    "entity in scheme": (f'<a href="jav&#x09;ascript:{PWNED}">x</a>', 4),
    "attribute list": (f'Text\n{{: onclick="{PWNED}" }}', 4),
    "reference definition": (f"[x]: javascript:{PWNED}", 6),
    "form": ('<form action="https://example.org">', 1),
    "meta refresh": ('<meta http-equiv="refresh" content="0; url=https://example.org">', 1),
    "base": ('<base href="https://example.org/">', 1),
    "object": ('<object data="x.swf"></object>', 1),
    "embed": ('<embed src="x.swf">', 1),
    "style expression": ('<p style="width: expression(alert(1))">x</p>', 4),
    "style url javascript": ('<p style="background: url(javascript:alert(1))">x</p>', 4),
}


@pytest.mark.parametrize("case", sorted(UNSAFE_BODIES))
def test_unsafe_html(make_tree: MakeTree, case: str) -> None:
    body, column = UNSAFE_BODIES[case]
    skill = skill_md("one", body=f"# One\n\n{body}\n")
    root = make_tree(healthy_tree() | {"alpha/one/SKILL.md": skill})
    hits = run(root, "unsafe-html")
    assert hits, case
    first = hits[0]
    assert rel(root, first) == "alpha/one/SKILL.md"
    body_line = skill.split("\n").index("# One") + 1
    expected_line = body_line + 2 + (1 if case == "attribute list" else 0)
    assert (first.position.line, first.position.column) == (expected_line, column), first


def test_unsafe_html_in_references_and_category_pages(make_tree: MakeTree) -> None:
    root = make_tree(
        healthy_tree()
        | {
            "beta/deep/four/references/guide.md": f"# Guide\n\n<script>{PWNED}</script>\n",
            "beta/DESCRIPTION.md": description_md("Beta") + f"\n[x](javascript:{PWNED})\n",
            "beta/deep/four/templates/page.md": f"<a onclick='{PWNED}'>x</a>\n",
        }
    )
    found = {rel(root, hit) for hit in run(root, "unsafe-html")}
    assert found == {
        "beta/deep/four/references/guide.md",
        "beta/DESCRIPTION.md",
        "beta/deep/four/templates/page.md",
    }


def test_html_shown_as_code_or_in_comments_is_fine(make_tree: MakeTree) -> None:
    body = (
        "# One\n\n"
        f"Inline `<script>{PWNED}</script>` and ``[x](javascript:{PWNED})``.\n\n"
        f"```html\n<img src=x onerror='{PWNED}'>\n```\n\n"
        f"!!! note\n    ~~~html\n    <script>{PWNED}</script>\n    ~~~\n\n"
        f"<!-- <script>{PWNED}</script>\n[x](javascript:{PWNED}) -->\n\n"
        "&lt;script&gt; as text, a <b>bold</b> <a href='https://example.org'>link</a>, "
        "<img src='assets/x.png' alt='x'> and a <details><summary>s</summary>d</details>.\n"
        "Math such as $a_{i=1}$ and x<y>z stays text.\n"
    )
    skill = skill_md("one", description=f"'<script>{PWNED}</script> Use when testing.'", body=body)
    root = make_tree(healthy_tree() | {"alpha/one/SKILL.md": skill})
    assert run(root, "unsafe-html") == []


def test_the_shipped_library_has_no_unsafe_html() -> None:
    root = Path(__file__).resolve().parents[2] / "skills"
    assert run(root, "unsafe-html") == []
    assert run(root, "reserved-path") == []
    assert run(root, "shadowed-page") == []


@pytest.mark.parametrize(
    "text",
    [
        "{" + "a=" * 100_000,
        "<a" + " b" * 100_000,
        "<a b='" * 50_000,
        "[" * 100_000 + "](",
        "<!--" * 100_000,
    ],
)
def test_hostile_text_holds_no_unsafe_html(text: str) -> None:
    """Texts that made an early version of the scan quadratic (the attribute-list one
    took 79 s); the scan is linear, so this runs in milliseconds."""
    assert find_unsafe_html(text) == ()


def test_a_warm_lint_reports_unsafe_html_from_the_scan_cache(
    make_tree: MakeTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILLSHELF_CACHE_DIR", str(tmp_path / "cache"))
    skill = skill_md("one", body=f"# One\n\n<img src=x onerror={PWNED}>\n")
    root = make_tree(healthy_tree() | {"alpha/one/SKILL.md": skill})
    config = config_from_table({}, project_dir=root.parent, root=root)
    cold = [d for d in lint(config, use_cache=True).diagnostics if d.rule == "unsafe-html"]
    warm_result = lint(config, use_cache=True)
    warm = [d for d in warm_result.diagnostics if d.rule == "unsafe-html"]
    assert len(cold) == 1 and warm == cold
    assert all(d.loaded_text is None for d in warm_result.tree.documents())
