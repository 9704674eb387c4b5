"""The command line: formats, exit codes, path filtering, --fix, configuration errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import description_md, healthy_tree, skill_md

from skillshelf.cli import main
from skillshelf.config import STYLES
from skillshelf.report import FORMATS

MakeTree = Callable[[Mapping[str, str | bytes]], Path]
NOTHING = "nothing there is checked"


@pytest.fixture
def project(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (cwd) with a pyproject.toml and a tree that has two findings."""
    files = healthy_tree() | {
        "alpha/two/SKILL.md": skill_md("deux"),  # name-mismatch at 2:7
        "gamma/DESCRIPTION.md": description_md("Gamma"),
        "gamma/solo/SKILL.md": skill_md("solo"),  # singleton-category on gamma/
    }
    root = make_tree(files)
    (root.parent / "pyproject.toml").write_text(
        '[tool.skillshelf]\nroot = "skills"\n', encoding="utf-8"
    )
    monkeypatch.chdir(root.parent)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return root.parent


def test_text_output_and_exit_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0]
        == "skills/alpha/two/SKILL.md:2:7: name-mismatch name 'deux' differs from its folder "
        "'two': rename one to match the other"
    )
    assert out[1].startswith("skills/gamma:1:1: singleton-category ")
    assert out[-1] == "2 errors"
    assert "\033[" not in "".join(out)


def test_colour_follows_force_color_and_no_color(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    main(["lint"])
    assert "\033[31mname-mismatch\033[0m" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["lint"])
    assert "\033[" not in capsys.readouterr().out


def test_json_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    first = payload["diagnostics"][0]
    assert first == {
        "path": "skills/alpha/two/SKILL.md",
        "line": 2,
        "column": 7,
        "rule": "name-mismatch",
        "severity": "error",
        "message": "name 'deux' differs from its folder 'two': rename one to match the other",
        "fixable": False,
    }
    assert payload["summary"]["error"] == 2


def test_github_annotations_escape_properties(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["lint", "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "::error file=skills/alpha/two/SKILL.md,line=2,col=7,title=name-mismatch::"
        "name 'deux' differs from its folder 'two': rename one to match the other"
    )


def test_paths_limit_the_report_but_tree_rules_still_apply(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the lonely skill's file is passed, as pre-commit would: its category's finding comes up.
    assert main(["lint", "skills/gamma/solo/SKILL.md"]) == 1
    out = capsys.readouterr().out
    assert "singleton-category" in out and "name-mismatch" not in out
    assert main(["lint", "skills/beta/deep/three/SKILL.md"]) == 0
    assert capsys.readouterr().out.strip() == "no problems found"


def test_a_path_that_does_not_exist_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A typo must not make CI green.
    assert main(["lint", "skills/no-such-skill"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "skillshelf: skills/no-such-skill: no such file or folder\n"
    assert captured.out == ""


def test_a_path_outside_the_skills_root_is_refused_unless_asked_to_ignore_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project / "skills"
    for outside in ("/etc/passwd", "pyproject.toml", "skills/../pyproject.toml"):
        assert main(["lint", outside]) == 2
        err = capsys.readouterr().err
        assert err == f"skillshelf: {outside} is outside the skills root {root}: {NOTHING}\n"
    # pre-commit passes every changed file: those outside the tree are left out.
    assert main(["lint", "--ignore-outside-root", "--", "pyproject.toml"]) == 0
    assert capsys.readouterr().out == "no problems found\n"
    assert main(["lint", "--ignore-outside-root", "pyproject.toml", "skills/gamma"]) == 1
    out = capsys.readouterr().out
    assert "singleton-category" in out and "name-mismatch" not in out
    # A missing file is still a mistake.
    assert main(["lint", "--ignore-outside-root", "--", "nowhere.md"]) == 2


def test_after_a_double_dash_every_argument_is_a_path(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crlf = project / "skills/alpha/one/SKILL.md"
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    before = crlf.read_bytes()
    (project / "--fix").write_text("a file whose name looks like an option\n", encoding="utf-8")
    code = main(["lint", "--ignore-outside-root", "--", "--fix", "skills/alpha/one/SKILL.md"])
    assert code == 1
    assert "line-endings" in capsys.readouterr().out
    assert crlf.read_bytes() == before  # --fix was not switched on
    with pytest.raises(SystemExit) as refused:  # argparse's own usage error
        main(["rules", "--", "x"])
    assert refused.value.code == 2


def test_control_characters_in_paths_are_escaped_in_text_and_github_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "evil\n\x1b[31mname\u202e"
    folder = project / "skills" / "alpha" / name
    folder.mkdir()
    (folder / "SKILL.md").write_text(skill_md("x"), encoding="utf-8")
    shown = "skills/alpha/evil\\n\\x1b[31mname\\u202e/SKILL.md"
    main(["lint", "--select", "name-mismatch"])
    out = capsys.readouterr().out
    assert f"{shown}:2:7: name-mismatch name 'x' differs from its folder " in out
    assert "\x1b" not in out and "\u202e" not in out
    main(["lint", "--select", "name-mismatch", "--format", "github"])
    out = capsys.readouterr().out
    assert f"file={shown}," in out and "\x1b" not in out
    assert len(out.splitlines()) == 2  # one annotation per finding, none forged
    main(["lint", "--select", "name-mismatch", "--format", "json"])
    paths = [d["path"] for d in json.loads(capsys.readouterr().out)["diagnostics"]]
    assert f"skills/alpha/{name}/SKILL.md" in paths  # JSON keeps the exact name


def test_select_and_unknown_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--select", "name-mismatch"]) == 1
    assert "singleton" not in capsys.readouterr().out
    assert main(["lint", "--select", "name-mismatch,no-such-rule"]) == 2
    assert "no-such-rule" in capsys.readouterr().err


def test_configuration_errors_are_usage_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.skillshelf.rules]\nsingleton-categroy = "off"\n', encoding="utf-8"
    )
    assert main(["lint"]) == 2
    assert "did you mean 'singleton-category'" in capsys.readouterr().err
    (project / "pyproject.toml").write_text("[tool.skillshelf\n", encoding="utf-8")
    assert main(["lint"]) == 2
    assert "cannot read configuration" in capsys.readouterr().err


def test_missing_root_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--root", "nowhere"]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_rules_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule_id in ("singleton-category", "broken-link", "misplaced-tags", "frontmatter-schema"):
        assert rule_id in out
    assert "(fixable)" in out


def test_choices_come_from_the_formats_and_styles_tables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["lint", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--format {" + ",".join(FORMATS) + "}" in out
    assert "--style {" + ",".join(STYLES) + "}" in out


def test_every_sub_command_is_registered(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    listed = re.findall(r"^    (\S+)", out, flags=re.MULTILINE)
    assert listed == ["lint", "rules", "signatures", "export", "init"]


def test_rules_explain_prints_the_rule_s_documentation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--explain", "misplaced-tags"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# misplaced-tags\n\nTags belong in the style's namespace")
    assert "(default severity: error; fixable with --fix)" in out
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert f"\n## {section}\n" in out
    assert main(["rules", "--explain", "oversized-category"]) == 0
    assert "style: skillshelf only" in capsys.readouterr().out


def test_rules_explain_of_an_unknown_id_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--explain", "broken-links"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "skillshelf: unknown rule 'broken-links'; did you mean 'broken-link'?\n"


def test_help_names_the_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["lint", "--help"])
    assert "misplaced-tags" in capsys.readouterr().out


def test_fix_moves_tags_and_keeps_comments_order_and_body(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "skills/alpha/one/SKILL.md"
    original = (
        "---\nname: one  # keep me\ndescription: Does one thing. Use when needed.\n"
        "tags: [a, b]\nlicense: MIT\n---\n\n# Body\n\n---\n\nA rule above, untouched.\n"
    )
    path.write_text(original, encoding="utf-8")
    before = path.stat().st_mtime_ns
    main(["lint"])
    assert path.read_text(encoding="utf-8") == original and path.stat().st_mtime_ns == before
    capsys.readouterr()

    main(["lint", "--fix"])
    fixed = path.read_text(encoding="utf-8")
    assert fixed == (
        "---\nname: one  # keep me\ndescription: Does one thing. Use when needed.\nlicense: MIT\n"
        "metadata:\n  skillshelf:\n    tags: [a, b]\n"
        "---\n\n# Body\n\n---\n\nA rule above, untouched.\n"
    )
    assert "misplaced-tags" not in capsys.readouterr().out
    main(["lint", "--fix"])
    assert path.read_text(encoding="utf-8") == fixed


def test_fix_strips_bom_and_crlf(project: Path) -> None:
    path = project / "skills/alpha/one/SKILL.md"
    text = skill_md("one")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    main(["lint", "--fix"])
    assert path.read_bytes() == text.encode()
