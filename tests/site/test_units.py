"""The plain functions behind the plugin: URLs, escaping, moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshelf.site.memo import PlanMemo
from skillshelf.site.moves import RecordedMove, read_moves_file, resolve_moves
from skillshelf.site.text import absolute_url, derive_source_url, esc, href, md_text, relative_url
from skillshelf.site.urls import Urls, export_uri


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("mlops/training/b/", "mlops/training/a/", "../b/"),
        ("mlops/training/a/", "mlops/training/a/", "./"),
        ("x/scripts/run.py", "x/", "scripts/run.py"),
        ("catalog/", "mlops/a/", "../../catalog/"),
        ("mlops/", "./", "mlops/"),
        ("a.html", "b/c.html", "../a.html"),
    ],
)
def test_relative_url(target: str, base: str, expected: str) -> None:
    assert relative_url(target, base) == expected


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("x/javascript:window.x=1,{}.py", "x/", "./javascript%3Awindow.x%3D1%2C%7B%7D.py"),
        ("x/scripts/a #1?.py", "x/", "./scripts/a%20%231%3F.py"),
        ("x/100%.py", "x/", "./100%25.py"),
        ("x/naïve/", "y/", "../x/na%C3%AFve/"),
        ("x/", "x/", "./"),
        ("catalog/", "a/b/", "../../catalog/"),
    ],
)
def test_href_is_encoded_and_never_a_scheme(target: str, base: str, expected: str) -> None:
    assert href(target, base) == expected


def test_absolute_url() -> None:
    assert absolute_url("https://e.org/s/", "a b/#x/") == "https://e.org/s/a%20b/%23x/"
    assert absolute_url(None, "javascript:x/") == "./javascript%3Ax/"


def test_urls_with_and_without_directory_urls() -> None:
    assert Urls(True).page("a/b/SKILL.md", index=True) == ("a/b/index.html", "a/b/")
    assert Urls(True).page("a/b/references/x.md") == (
        "a/b/references/x/index.html",
        "a/b/references/x/",
    )
    assert Urls(False).page("a/b/SKILL.md", index=True) == ("a/b/index.html", "a/b/index.html")
    assert Urls(False).page("a/b/references/x.md") == (
        "a/b/references/x.html",
        "a/b/references/x.html",
    )
    assert export_uri("a/DESCRIPTION.md") == "a/index.md"


def test_escaping() -> None:
    assert esc('<script>"x"</script>\n  &') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp;"
    assert "<" not in md_text("<b>*x*</b> $y$") and "*" not in md_text("*x*")


def test_derive_source_url() -> None:
    repo, project = "https://github.com/o/r", Path("/p")
    assert derive_source_url(repo, "edit/main/docs/", "/p/docs", project) == (
        "https://github.com/o/r/blob/main/"
    )
    assert derive_source_url(repo, None, "/p/docs", project) is None
    assert derive_source_url(repo, "edit/main/site-src/", "/p/docs", project) is None


def test_resolve_moves_follows_chains_and_keeps_current_paths() -> None:
    moves = resolve_moves(
        [
            RecordedMove("mlops/dspy", "mlops/research/dspy"),
            RecordedMove("mlops/research/dspy", "mlops/inference/dspy"),
            RecordedMove("gifs/gif-search", "media/gif-search"),
            RecordedMove("mlops/gone", "mlops/training/gone"),  # the skill no longer exists
            RecordedMove("media/youtube", "old/youtube"),  # moved back: today's path wins
            RecordedMove("a/loop", "b/loop"),
            RecordedMove("b/loop", "a/loop"),
        ],
        skills=["mlops/inference/dspy", "media/gif-search", "media/youtube"],
        categories=["mlops", "mlops/inference", "media"],
    )
    assert moves.skills == {
        "gifs/gif-search": "media/gif-search",
        "mlops/dspy": "mlops/inference/dspy",
        "mlops/research/dspy": "mlops/inference/dspy",
    }
    assert moves.categories == {"gifs": "media", "mlops/research": "mlops/inference"}


def test_moves_file_problems(tmp_path: Path) -> None:
    (tmp_path / ".moves.yml").write_text("moves:\n  a/b: c/b\n  ../x: y\n  k: [1]\n")
    pairs, problems = read_moves_file(tmp_path)
    assert pairs == [RecordedMove("a/b", "c/b", f"{tmp_path / '.moves.yml'}:2")]
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        f"{tmp_path / '.moves.yml'}:3",
        f"{tmp_path / '.moves.yml'}:4",
    ]


def test_repository_moves_file_records_the_seed_reorganization() -> None:
    root = Path(__file__).resolve().parents[2] / "skills"
    pairs = {move.old: move.new for move in read_moves_file(root)[0]}
    assert pairs["mlops/axolotl"] == "mlops/training/axolotl"
    assert pairs["gifs/gif-search"] == "media/gif-search"
    assert pairs["mlops/code-review"] == "software-development/code-review"
    assert pairs["mlops/research/dspy"] == "mlops/inference/dspy"
    assert pairs["ocr-and-documents/ocr-and-documents"] == "productivity/ocr-and-documents"
    assert sum(1 for old in pairs if old.count("/") == 1 and old.startswith("mlops/")) == 40
    moves = resolve_moves(
        [RecordedMove(old, new) for old, new in pairs.items()],
        ["mlops/inference/dspy"],
        ["mlops/inference"],
    )
    assert moves.skills["mlops/dspy"] == "mlops/inference/dspy"


def test_moves_from_paths_no_skill_can_have_had_are_refused_with_their_line(
    tmp_path: Path,
) -> None:
    (tmp_path / ".moves.yml").write_text(
        "moves:\n"
        "  search: cat/alpha\n"  # the search index
        "  Assets/javascripts: cat/alpha\n"  # the theme's script, whatever the case
        "  _skillshelf: cat/alpha\n"
        "  .well-known/acme: cat/alpha\n"
        "  cat/alpha/scripts: cat/beta\n"  # inside a skill that exists
        "  old/alpha: older/alpha\n"
        "  older/alpha: cat/alpha\n"  # a chain through a valid path
        "  tags/x: cat/gamma\n"  # a step of a chain may be anywhere
        "  old/gamma: tags/x\n"
    )
    recorded, problems = read_moves_file(tmp_path)
    assert problems == []
    moves = resolve_moves(recorded, ["cat/alpha", "cat/beta", "cat/gamma"], ["cat"])
    assert moves.skills == {
        "old/alpha": "cat/alpha",
        "older/alpha": "cat/alpha",
        "old/gamma": "cat/gamma",
    }
    where = f"{tmp_path / '.moves.yml'}"
    refused = {problem.split(": ", 1)[0]: problem for problem in moves.problems}
    assert sorted(refused) == [f"{where}:{line}" for line in (2, 3, 4, 5, 6, 9)]
    assert "the search index" in refused[f"{where}:2"]
    assert "inside the skill 'cat/alpha'" in refused[f"{where}:6"]
    assert all("is not redirected" in problem for problem in moves.problems)


def test_the_plan_memo_renders_from_the_value_it_is_keyed_on() -> None:
    memo = PlanMemo()
    rendered: list[tuple[str, ...]] = []

    def render(value: tuple[str, ...]) -> str:
        rendered.append(value)
        return "|".join(value)

    memo.begin("options")
    assert memo.text("page", ("a", "b"), render) == "a|b"
    memo.forget_unused()
    memo.begin("options")
    assert memo.text("page", ("a", "b"), render) == "a|b"  # an equal value: reused
    assert (memo.hits, memo.misses, rendered) == (1, 0, [("a", "b")])
    assert memo.text("page", ("a", "c"), render) == "a|c"  # another: rendered from it
    memo.begin("other options")  # made under other options: nothing is reused
    assert memo.text("page", ("a", "c"), render) == "a|c"
    assert (memo.hits, memo.misses) == (0, 1)
    memo.begin("other options")
    memo.forget_unused()  # the page was not asked for
    assert memo.texts == {}
