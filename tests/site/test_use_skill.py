"""Each skill page's "Use this skill" panel, its bundled files' views, the raw SKILL.md,
the zip of the folder, and skills.json against its published schema."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from mkdocs.exceptions import Abort
from tests.conftest import description_md, skill_md, write_tree
from tests.site.conftest import REPO, build_site

from skillshelf.model import scan
from skillshelf.site.export import ExportError, export_site
from skillshelf.site.files import VIEW_BYTES, SkillFilesReader
from skillshelf.site.install import install_command, template_problem
from skillshelf.site.skill_page import esc_code

SITE_URL = "https://example.org/use/"
SCHEMA = json.loads((REPO / "schemas/skills-json.schema.json").read_text(encoding="utf-8"))
MKDOCS_YML = f"""\
site_name: use
site_url: {SITE_URL}
repo_url: https://github.com/example/use
edit_uri: edit/main/docs/
theme:
  name: material
  features: [navigation.indexes, content.code.copy]
plugins:
  - search
  - skillshelf:
      strict_lint: "off"
      install_command: {{install}}
validation:
  links:
    not_found: info
    anchors: info
markdown_extensions:
  - attr_list
  - pymdownx.highlight
  # Python-Markdown's own fences: its preprocessor finds a fenced block anywhere in the
  # text, raw HTML included
  - fenced_code
  # would include a file named on a line "--8<-- name" of any page's Markdown
  - pymdownx.snippets
  - toc:
      permalink: true
"""
#: A script whose lines would open a Markdown fence, include a file (pymdownx.snippets)
#: or close the HTML around the view, were they not escaped.
TRICKY_SCRIPT = (
    "#!/usr/bin/env python3\n"
    'print("```")\n'
    "```python\n"
    "fenced = True\n"
    "```\n"
    "~~~\n"
    "tilde = True\n"
    "~~~\n"
    '--8<-- "pyproject.toml"\n'
    "</div></details></li></ul>\n"
    "\n"
    "x = 1  # a blank line above\n"
)
BIG_TEXT = "".join(f"line {number}\n" for number in range(1, 10_001))  # ~ 100 KB


def files() -> dict[str, str | bytes]:
    return {
        "cat/DESCRIPTION.md": description_md("Cat"),
        "cat/alpha/SKILL.md": skill_md(
            "alpha",
            extra="metadata:\n  skillshelf:\n    platforms: [linux]\n"
            "    dependencies: ['requests==2.32.0']\n    targets: {trl: '1.16.0'}\n"
            "    related-skills: [beta, missing]\n",
        ),
        "cat/alpha/references/guide.md": "# Guide\n",
        "cat/alpha/scripts/tricky.py": TRICKY_SCRIPT,
        # plain text: no highlighting spans, so each line starts with its own characters
        "cat/alpha/templates/tricky.txt": TRICKY_SCRIPT,
        "cat/alpha/scripts/big.txt": BIG_TEXT,
        "cat/alpha/assets/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0binary",
        "cat/beta/SKILL.md": skill_md("beta", description="Second. Use when second."),
    }


def make_project(root: Path, *, install: str = '""') -> Path:
    write_tree(
        root,
        {
            "mkdocs.yml": MKDOCS_YML.replace("{install}", install),
            "skillshelf.toml": 'root = "skills"\n',
            "docs/index.md": "# Home\n",
        },
    )
    write_tree(root / "skills", files())
    return root


def read(site: Path, uri: str) -> str:
    return (site / uri).read_text(encoding="utf-8")


def panel(page: str) -> str:
    match = re.search(r'<div class="skillshelf-use"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no Use this skill panel"
    return match.group(1)


def test_the_use_panel_names_the_skill_and_links_its_raw_file_and_zip(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", install='"tool install {name} --from {zip_url}"')
    build_site(project)
    site = project / "site"
    page = read(site, "cat/alpha/index.html")
    use = panel(page)
    assert '<h2 id="use-this-skill">Use this skill' in page
    assert "<dd><code>alpha</code></dd>" in use
    assert "<dd><code>skills/cat/alpha</code></dd>" in use
    zip_url = f"{SITE_URL}_skillshelf/skills/cat/alpha/alpha.zip"
    assert f"<pre><code>tool install alpha --from {zip_url}</code></pre>" in use
    raw = "../../_skillshelf/skills/cat/alpha/SKILL.md.txt"
    assert f'<a href="{raw}"><code>SKILL.md</code></a>' in use
    assert (
        '<a href="../../_skillshelf/skills/cat/alpha/alpha.zip" download=""><code>alpha.zip' in use
    )
    assert "the whole folder, 6 files," in use
    assert 'href="https://github.com/example/use/blob/main/skills/cat/alpha/SKILL.md"' in use
    # the raw file is the SKILL.md, byte for byte; the zip holds the whole folder
    assert (site / "_skillshelf/skills/cat/alpha/SKILL.md.txt").read_bytes() == (
        project / "skills/cat/alpha/SKILL.md"
    ).read_bytes()
    with zipfile.ZipFile(site / "_skillshelf/skills/cat/alpha/alpha.zip") as archive:
        names = archive.namelist()
        assert (
            names
            == sorted(names)
            == [
                "alpha/SKILL.md",
                "alpha/assets/logo.png",
                "alpha/references/guide.md",
                "alpha/scripts/big.txt",
                "alpha/scripts/tricky.py",
                "alpha/templates/tricky.txt",
            ]
        )
        for name in names:
            source = project / "skills/cat" / name
            assert archive.read(name) == source.read_bytes(), name
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # the header keeps its metadata; name and source moved to the panel
    header = page[page.index('<div class="skillshelf-skill">') : page.index('<h2 id="use-this')]
    assert "<th>Platforms</th><td>linux</td>" in header
    assert '<a href="../beta/">beta</a>, <span>missing</span>' in header


def test_the_zip_is_the_same_bytes_on_every_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    build_site(project, site="one")
    # a later build, after the files' times changed and in another site folder
    for path in (project / "skills").rglob("*"):
        if path.is_file():
            path.touch()
    build_site(project, site="two")
    for skill in ("alpha", "beta"):
        uri = f"_skillshelf/skills/cat/{skill}/{skill}.zip"
        one, two = ((project / site / uri).read_bytes() for site in ("one", "two"))
        assert one == two and len(one) > 100, uri


def test_bundled_text_files_are_viewable_binary_and_huge_ones_are_not(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    build_site(project)
    page = read(project / "site", "cat/alpha/index.html")
    files_html = page[page.index('<div class="skillshelf-files">') :]
    views = re.findall(r'<summary>View <span class="skillshelf-sr">([^<]+)</span>', files_html)
    assert views == ["scripts/big.txt", "scripts/tricky.py", "templates/tricky.txt"]  # no PNG
    assert '<a href="./assets/logo.png" download=""><code>assets/logo.png</code></a>' in files_html
    # the tricky files stayed inside their views, every line of them there as text
    for name in ("scripts/tricky.py", "templates/tricky.txt"):
        tricky = files_html[files_html.index(f"{name}</span>") :]
        tricky = tricky[: tricky.index("</details>")]
        text = html.unescape(re.sub(r"<[^>]+>", "", tricky))
        for line in TRICKY_SCRIPT.splitlines():
            assert line in text, (name, line)
    assert '<span class="nb">print</span>' in files_html  # highlighted as Python
    assert "[build-system]" not in page  # pymdownx.snippets included no file
    # a long file: its first lines only, and it says so
    big = files_html[files_html.index("scripts/big.txt</span>") :]
    big = big[: big.index("</details>")]
    note = re.search(r"The first ([\d,]+) of 10,000 lines", big)
    assert note, big[-300:]
    shown = int(note.group(1).replace(",", ""))
    assert 1000 < shown < 10_000
    code = big[big.index("<code>") : big.index("</code>")]
    assert code.count("line ") == shown and f"line {shown}\n" in code
    assert len(re.sub(r"<[^>]+>", "", code)) <= VIEW_BYTES


def test_the_files_reader_reads_a_skill_again_only_when_a_file_changed(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "skills", files())
    reader = SkillFilesReader(keep=True)
    (alpha,) = [skill for skill in scan(root).skills if skill.folder_name == "alpha"]
    first = reader.read(alpha)
    assert reader.read(alpha) is first and reader.reads == 1
    facts = {item.relpath: item for item in first.bundled}
    tricky = facts["cat/alpha/scripts/tricky.py"]
    assert tricky.sha256 == hashlib.sha256(TRICKY_SCRIPT.encode()).hexdigest()
    assert facts["cat/alpha/assets/logo.png"].view is None
    (root / "cat/alpha/scripts/tricky.py").write_text(TRICKY_SCRIPT + "y = 2\n", "utf-8")
    (alpha,) = [skill for skill in scan(root).skills if skill.folder_name == "alpha"]
    second = reader.read(alpha)
    assert reader.reads == 2 and second.archive != first.archive
    assert zipfile.ZipFile(io.BytesIO(second.archive or b"")).read("alpha/scripts/tricky.py") == (
        (TRICKY_SCRIPT + "y = 2\n").encode()
    )


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("hermes skills install {name}", None),
        ("get {zip_url} && unzip {folder}.zip -d {path} # {category} {raw_url}", None),
        ("", None),
        ("x {nmae}", "unknown field {nmae}; known: {name}, {folder}"),
        ("x {name", "expected '}' before end of string"),
        ("x {name!r}", "{name} takes no format or conversion"),
        ("x {name:>10}", "{name} takes no format or conversion"),
        ("echo {{literal}} {name}", None),
    ],
)
def test_install_templates(template: str, problem: str | None) -> None:
    found = template_problem(template)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_install_command_values_are_one_shell_word_each() -> None:
    values = dict.fromkeys(("folder", "path", "category", "raw_url", "zip_url"), "")
    command = install_command("install {name}", {**values, "name": "x; rm -rf ~ $(id)"})
    assert command == "install 'x; rm -rf ~ $(id)'"
    assert install_command("install {name}", {**values, "name": "plain-name"}) == (
        "install plain-name"
    )
    assert esc_code("a `b` ~~~ <i>") == "a &#96;b&#96; &#126;&#126;&#126; &lt;i&gt;"


def test_a_bad_install_command_stops_the_build_and_the_export(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(tmp_path / "p", install='"install {nmae}"')
    with pytest.raises(Abort):
        build_site(project)
    assert "install_command 'install {nmae}': unknown field {nmae}" in caplog.text
    with pytest.raises(ExportError, match=re.escape("unknown field {nmae}")):
        export_site(tmp_path / "out", mkdocs_file=project / "mkdocs.yml")


def validate(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(document)]


def test_the_skills_json_schema_is_a_valid_schema_that_can_fail() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert validate({"version": 1, "site": "s", "count": 0, "skills": []}) == []
    assert validate({"version": 2, "site": "s", "count": 0, "skills": [{"name": "x"}]})


def test_skills_json_follows_its_schema(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    build_site(project)
    data = json.loads(read(project / "site", "skills.json"))
    assert validate(data) == []
    (alpha,) = [skill for skill in data["skills"] if skill["name"] == "alpha"]
    assert alpha["requirements"] == {
        "dependencies": ["requests==2.32.0"],
        "platforms": ["linux"],
        "compatibility": None,
        "targets": {"trl": "1.16.0"},
    }
    assert alpha["related"] == [
        {"name": "beta", "url": f"{SITE_URL}cat/beta/"},
        {"name": "missing", "url": None},
    ]
    assert [file["path"] for file in alpha["files"]] == [
        "assets/logo.png",
        "scripts/big.txt",
        "scripts/tricky.py",
        "templates/tricky.txt",
    ]
    for file in alpha["files"]:
        served = (project / "site/cat/alpha" / file["path"]).read_bytes()
        assert (len(served), hashlib.sha256(served).hexdigest()) == (file["size"], file["sha256"])


@pytest.mark.slow
def test_the_real_skills_json_follows_its_schema(real_site: Path) -> None:
    data = json.loads((real_site / "skills.json").read_text(encoding="utf-8"))
    assert validate(data) == []
    assert data["count"] == len(data["skills"]) >= 50
