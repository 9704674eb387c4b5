"""Which release of trl, transformers and peft a document's snippets are checked against.

In order: what the caller says (the skill's ``targets`` in its frontmatter),
else what the document itself installs (``pip install trl==0.19.1`` in any
line of it that installs something), else the pinned release of the data file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from skillshelf.trl.history import ApiHistory
from skillshelf.trl.signatures import Signatures

_PIN = re.compile(
    r"(?<![\w.-])(?P<package>trl|transformers|peft)(?:\[[^\]]*\])?\s*==\s*(?P<version>\d+(?:\.\d+)*)"
)


def document_pins(text: str) -> dict[str, str]:
    """``package -> version`` for each ``==`` pin on a line of ``text`` that installs something.

    The first pin of a package wins (a document that installs two versions of
    trl is about the first one it installs).
    """
    pins: dict[str, str] = {}
    if "==" not in text:
        return pins
    for line in text.splitlines():
        if "==" not in line or "install" not in line:
            continue
        for match in _PIN.finditer(line):
            pins.setdefault(match.group("package"), match.group("version"))
    return pins


@dataclass(frozen=True)
class Targets:
    """The release each package is checked against, and where that choice came from."""

    versions: Mapping[str, str]
    source: Mapping[str, str]  # package -> "targets", "document" or "pinned"

    def __getitem__(self, package: str) -> str:
        return self.versions[package]


def resolve_version(
    signatures: Signatures, history: ApiHistory, target: str | None, package: str = "trl"
) -> str:
    """The release a ``target`` names: a release of the full signatures or of the history.

    ``"0.28"`` / ``"0.28.*"`` / ``"==0.28.0"`` / ``"v1.0.0"`` name releases too; a
    release newer than the pinned one, or text that is no version, gives the
    pinned one. A release between two of the history's stands for itself (the
    history judges it by the listed release before it).
    """
    pinned = signatures.pinned[package]
    if not target:
        return pinned
    text = target.strip().lstrip("=v").strip()
    full = signatures.releases(package)
    if text in full:
        return text
    prefix = text.removesuffix(".*").removesuffix(".x")
    if re.fullmatch(r"\d+\.\d+", prefix):
        matching = [r for r in full if r.startswith(prefix + ".")]
        matching = matching or [
            r for r in history.releases.get(package, []) if r.startswith(prefix + ".")
        ]
        if matching:
            return matching[-1]
    try:
        wanted = Version(text)
    except InvalidVersion:
        return pinned
    for release in full:
        if Version(release) == wanted:
            return release
    if wanted > Version(pinned):
        return pinned
    return str(wanted)


def choose(
    signatures: Signatures,
    history: ApiHistory,
    text: str,
    trl_target: str | None,
    releases: Mapping[str, str] | None = None,
) -> Targets:
    """The releases for one document; ``releases`` overrides its pins (not the targets)."""
    found = document_pins(text) if releases is None else releases
    versions: dict[str, str] = {}
    source: dict[str, str] = {}
    for package in ("trl", "transformers", "peft"):
        asked = trl_target if package == "trl" and trl_target else None
        origin = "targets" if asked else "pinned"
        if asked is None and package in found:
            asked, origin = found[package], "document"
        versions[package] = resolve_version(signatures, history, asked, package)
        source[package] = origin if versions[package] != signatures.pinned[package] else "pinned"
    return Targets(versions, source)
