"""Every place that tells users which release to pin names this one: the README's
pre-commit and install lines, the hooks' README and example."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FILES = (
    "README.md",
    "hooks/README.md",
    "hooks/example.pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
)


def test_each_pinned_release_is_pyproject_s_version() -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    pins = {
        name: re.findall(r"(?:rev: |skillshelf@)(v[0-9][^\s`'\"]*)", (REPO / name).read_text())
        for name in FILES
    }
    assert pins["README.md"] and pins["hooks/README.md"]
    assert {pin for found in pins.values() for pin in found} == {f"v{version}"}
