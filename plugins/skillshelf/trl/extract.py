"""Build the data file from released TRL / transformers / peft wheels.

Nothing imports trl, transformers, peft or torch: the wheels are read as zip
files and their sources parsed with :mod:`ast` (:mod:`~skillshelf.trl.wheels`).
For every exported ``*Config`` dataclass of every release listed here,
:mod:`~skillshelf.trl.describe` follows the class hierarchy across modules and
packages (:mod:`~skillshelf.trl.resolve`), symbolically executes
``__post_init__`` and the matching trainer's ``__init__``
(:mod:`~skillshelf.trl.symbolic`) and discovers the valid ``loss_type`` values
(:mod:`~skillshelf.trl.losses`); :mod:`~skillshelf.trl.datafile` writes the result.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from packaging.version import Version

from skillshelf.trl.datafile import FORMAT, GENERATED_BY, pool
from skillshelf.trl.describe import PackageExtractor
from skillshelf.trl.wheels import (
    ExtractError,
    Sources,
    check_requirement,
    walk_toplevel,
    wheel_path,
)

#: The releases that the data file covers. Every trl release is paired with the
#: pinned transformers release, which each of them accepts (trl's own
#: ``Requires-Dist: transformers>=4.56.2``); keeping transformers fixed means a
#: keyword that disappears between two rows disappeared from trl itself.
PINNED_TRL = "1.16.0"
PINNED_TRANSFORMERS = "5.23.0"
PINNED_PEFT = "0.21.2"
TRL_RELEASES: tuple[str, ...] = (
    "0.28.0",
    "0.29.0",
    "0.29.1",
    "1.0.0",
    "1.1.0",
    "1.2.0",
    "1.3.0",
    "1.4.0",
    "1.5.1",
    "1.6.0",
    "1.7.1",
    "1.8.0",
    "1.9.2",
    "1.10.0",
    "1.11.0",
    "1.12.0",
    "1.13.0",
    "1.14.2",
    "1.15.0",
    "1.16.0",
)
PEFT_CLASSES: tuple[str, ...] = ("LoraConfig",)


def trl_exports(sources: Sources) -> dict[str, tuple[str, str]]:
    """Every ``*Config`` trl exports at top level, plus the experimental ones."""
    names: dict[str, tuple[str, str]] = {}
    tree = sources.module("trl")
    if tree is None:
        raise ExtractError("the trl wheel has no trl/__init__.py")
    exported: set[str] = set()
    for stmt in walk_toplevel(tree.body):
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_import_structure" for t in stmt.targets
        ):
            if isinstance(stmt.value, ast.Dict):
                for value in stmt.value.values:
                    if isinstance(value, ast.List | ast.Tuple):
                        exported |= {
                            e.value
                            for e in value.elts
                            if isinstance(e, ast.Constant) and isinstance(e.value, str)
                        }
        elif isinstance(stmt, ast.ImportFrom):
            exported |= {a.asname or a.name for a in stmt.names}
    for name in exported:
        if name.endswith("Config"):
            names[name] = ("trl", "trl")
    for module in sorted(sources.members):
        parts = module.split(".")
        if (
            len(parts) != 3
            or parts[:2] != ["trl", "experimental"]
            or module not in sources.packages
        ):
            continue
        sub = sources.module(module)
        if sub is None:
            continue
        for stmt in walk_toplevel(sub.body):
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    name = alias.asname or alias.name
                    if name.endswith("Config") and not name.startswith("_") and name not in names:
                        names[name] = (module, module)
    return names


def required_wheels() -> list[tuple[str, str]]:
    specs = [("trl", v) for v in TRL_RELEASES]
    specs += [("transformers", PINNED_TRANSFORMERS), ("peft", PINNED_PEFT)]
    return specs


def _need(directory: Path, dist: str, version: str) -> Path:
    path = wheel_path(directory, dist, version)
    if path is None:
        raise ExtractError(f"no wheel for {dist}=={version} in {directory}")
    return path


def build(wheels: Path) -> dict[str, Any]:
    """The whole data file, from the wheels in ``wheels``."""
    transformers_wheel = _need(wheels, "transformers", PINNED_TRANSFORMERS)
    shared = Sources.from_wheels([transformers_wheel])
    rule_pool: dict[str, dict[str, Any]] = {}
    class_pool: dict[str, dict[str, Any]] = {}
    externals: dict[str, dict[str, Any]] = {}
    releases: dict[str, Any] = {}
    for release in TRL_RELEASES:
        trl_wheel = _need(wheels, "trl", release)
        sources = Sources.from_wheels([trl_wheel], base=shared)
        check_requirement(sources, trl_wheel.name, "transformers", PINNED_TRANSFORMERS)
        extractor = PackageExtractor(sources, "trl.")
        classes = extractor.classes(trl_exports(sources))
        for module, tree in sources._trees.items():
            if module.startswith("transformers"):
                shared._trees[module] = tree  # parse transformers once for all releases
        table: dict[str, str] = {}
        for name, cls in classes.items():
            entry = dict(cls.data, rules=pool(cls.rules, rule_pool))
            table[name] = pool([entry], class_pool)[0]
            inherits = entry.get("inherits")
            if isinstance(inherits, str) and inherits not in externals:
                found = extractor.external_class(inherits)
                if found is not None:
                    externals[inherits] = found
        releases[release] = {"classes": table, "transformers": PINNED_TRANSFORMERS}
    peft_wheel = _need(wheels, "peft", PINNED_PEFT)
    sources = Sources.from_wheels([peft_wheel], base=shared)
    extractor = PackageExtractor(sources, "peft.")
    peft_classes: dict[str, str] = {}
    for name, cls in extractor.classes({n: ("peft", "peft") for n in PEFT_CLASSES}).items():
        entry = dict(cls.data, rules=pool(cls.rules, rule_pool))
        peft_classes[name] = pool([entry], class_pool)[0]
    return {
        "format": FORMAT,
        "generated_by": GENERATED_BY,
        "pinned": {"peft": PINNED_PEFT, "transformers": PINNED_TRANSFORMERS, "trl": PINNED_TRL},
        "packages": {
            "peft": [PINNED_PEFT],
            "transformers": [PINNED_TRANSFORMERS],
            "trl": sorted(TRL_RELEASES, key=Version),
        },
        "releases": releases,
        "peft": {PINNED_PEFT: {"classes": peft_classes}},
        "transformers": {PINNED_TRANSFORMERS: {"classes": externals}},
        "class_pool": class_pool,
        "rule_pool": rule_pool,
    }
