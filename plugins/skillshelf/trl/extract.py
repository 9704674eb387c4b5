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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.version import Version

from skillshelf.trl.datafile import FORMAT, GENERATED_BY, pool
from skillshelf.trl.describe import PackageExtractor
from skillshelf.trl.memo import Memo
from skillshelf.trl.spans import FORMAT as HISTORY_FORMAT
from skillshelf.trl.spans import fold
from skillshelf.trl.surface import SurfaceExtractor, exported_names, subpackages
from skillshelf.trl.wheels import ExtractError, Sources, Wheel, check_requirement, walk_toplevel

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
#: transformers' own config dataclasses a skill calls directly, with their rules.
TRANSFORMERS_CONFIGS: tuple[str, ...] = ("Seq2SeqTrainingArguments", "TrainingArguments")


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


#: The history (``schemas/api-history.json``) covers what skills in the wild
#: were written for. One release per minor version (its first published one:
#: keywords come and go at minors), plus every release of the full window above.
TRL_HISTORY: tuple[str, ...] = (
    "0.8.0",
    "0.9.2",
    "0.10.1",
    "0.11.0",
    "0.12.0",
    "0.13.0",
    "0.14.0",
    "0.15.0",
    "0.16.0",
    "0.17.0",
    "0.18.0",
    "0.19.0",
    "0.20.0",
    "0.21.0",
    "0.22.0",
    "0.23.0",
    "0.24.0",
    "0.25.0",
    "0.26.0",
    "0.27.0",
    # the window's minors whose first release it does not list, so that "removed in"
    # names the release that did it
    "1.5.0",
    "1.7.0",
    "1.9.0",
    "1.14.0",
    *TRL_RELEASES,
)
#: 4.36 is what trl 0.8 was released against; minors without an ``x.y.0`` on the
#: index start at their first patch.
TRANSFORMERS_HISTORY: tuple[str, ...] = (
    *(f"4.{minor}.0" for minor in range(36, 46)),
    "4.46.1",
    *(f"4.{minor}.0" for minor in range(47, 52)),
    "4.52.1",
    *(f"4.{minor}.0" for minor in range(53, 57)),
    "4.57.1",
    *(f"5.{minor}.0" for minor in range(0, 10)),
    "5.10.1",
    *(f"5.{minor}.0" for minor in range(11, 23)),
    PINNED_TRANSFORMERS,
)
PEFT_HISTORY: tuple[str, ...] = (
    *(f"0.{minor}.0" for minor in range(10, 22)),
    PINNED_PEFT,
)
#: The APIs of transformers and peft the history follows (trl: every exported
#: ``*Config`` and ``*Trainer``, experimental ones included).
TRANSFORMERS_APIS: tuple[str, ...] = (
    "BitsAndBytesConfig",
    "GenerationConfig",
    "Seq2SeqTrainingArguments",
    "Trainer",
    "TrainingArguments",
)
PEFT_APIS: tuple[str, ...] = (
    "LoraConfig",
    "PeftModel",
    "PeftModel.from_pretrained",
    "get_peft_model",
    "prepare_model_for_kbit_training",
)


def required_wheels() -> list[tuple[str, str]]:
    specs = [("trl", v) for v in dict.fromkeys(TRL_HISTORY)]
    specs += [("transformers", v) for v in dict.fromkeys(TRANSFORMERS_HISTORY)]
    specs += [("peft", v) for v in dict.fromkeys(PEFT_HISTORY)]
    return specs


Wheels = Mapping[tuple[str, str], Wheel]


def _path(wheels: Wheels, cache: Path, dist: str, version: str) -> Path:
    wheel = wheels.get((dist, version))
    if wheel is None:
        raise ExtractError(f"no wheel for {dist}=={version}")
    return cache / wheel.sha256 / wheel.filename


def build(wheels: Wheels, cache: Path, memo: Memo) -> dict[str, Any]:
    """The signatures file: full signatures of the window's releases."""
    transformers = wheels[("transformers", PINNED_TRANSFORMERS)]
    shared: list[Sources] = []

    def base() -> Sources:
        if not shared:  # read transformers once, and only when some release is not memoised
            shared.append(
                Sources.from_wheels([_path(wheels, cache, "transformers", PINNED_TRANSFORMERS)])
            )
        return shared[0]

    rule_pool: dict[str, dict[str, Any]] = {}
    class_pool: dict[str, dict[str, Any]] = {}
    externals: dict[str, dict[str, Any]] = {}
    releases: dict[str, Any] = {}
    for release in TRL_RELEASES:
        wheel = wheels[("trl", release)]

        def extract(release: str = release) -> dict[str, Any]:
            path = _path(wheels, cache, "trl", release)
            sources = Sources.from_wheels([path], base=base())
            check_requirement(sources, path.name, "transformers", PINNED_TRANSFORMERS)
            extractor = PackageExtractor(sources, "trl.")
            classes = extractor.classes(trl_exports(sources))
            for module, tree in sources._trees.items():
                if module.startswith("transformers"):
                    base()._trees[module] = tree  # parse transformers once for all releases
            out: dict[str, Any] = {"classes": {}, "externals": {}}
            for name, cls in classes.items():
                out["classes"][name] = [cls.data, cls.rules]
                inherits = cls.data.get("inherits")
                if isinstance(inherits, str):
                    found = extractor.external_class(inherits)
                    if found is not None:
                        out["externals"][inherits] = found
            return out

        extracted = memo.get("signatures", [wheel.sha256, transformers.sha256], extract)
        table: dict[str, str] = {}
        for name, (data, rules) in sorted(extracted["classes"].items()):
            entry = dict(data, rules=pool(rules, rule_pool))
            table[name] = pool([entry], class_pool)[0]
        for name, found in extracted["externals"].items():
            externals.setdefault(name, found)
        releases[release] = {"classes": table, "transformers": PINNED_TRANSFORMERS}

    def extract_peft() -> dict[str, Any]:
        sources = Sources.from_wheels([_path(wheels, cache, "peft", PINNED_PEFT)], base=base())
        extractor = PackageExtractor(sources, "peft.")
        found = extractor.classes({n: ("peft", "peft") for n in PEFT_CLASSES})
        return {name: [cls.data, cls.rules] for name, cls in found.items()}

    def extract_transformers() -> dict[str, Any]:
        extractor = PackageExtractor(base(), "transformers.")
        names = {n: ("transformers", "transformers") for n in TRANSFORMERS_CONFIGS}
        return {name: [cls.data, cls.rules] for name, cls in extractor.classes(names).items()}

    transformers_configs: dict[str, str] = {}
    for name, (data, rules) in sorted(
        memo.get("transformers-signatures", [transformers.sha256], extract_transformers).items()
    ):
        entry = dict(data, rules=pool(rules, rule_pool))
        transformers_configs[name] = pool([entry], class_pool)[0]

    peft_wheel = wheels[("peft", PINNED_PEFT)]
    peft_classes: dict[str, str] = {}
    for name, (data, rules) in sorted(
        memo.get("peft-signatures", [peft_wheel.sha256, transformers.sha256], extract_peft).items()
    ):
        entry = dict(data, rules=pool(rules, rule_pool))
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
        "transformers": {
            PINNED_TRANSFORMERS: {"classes": externals, "configs": transformers_configs}
        },
        "class_pool": class_pool,
        "rule_pool": rule_pool,
    }


def trl_surface(sources: Sources) -> dict[str, dict[str, Any]]:
    """Every ``*Config`` and ``*Trainer`` a trl release exports, experimental ones included."""
    extractor = SurfaceExtractor(sources, "trl.")
    where: dict[str, set[str]] = {}
    for module in ["trl", *subpackages(sources, "trl.experimental")]:
        for name in exported_names(sources, module):
            if name.endswith(("Config", "Trainer")):
                where.setdefault(name, set()).add(module)
    out: dict[str, dict[str, Any]] = {}
    for name, modules in sorted(where.items()):
        api = extractor.api(min(modules, key=lambda m: (m != "trl", m)), name)
        if api is not None:
            api.imports |= modules | {api.module}
            out[name] = api.data()
    return out


def package_surface(
    sources: Sources, package: str, names: Sequence[str]
) -> dict[str, dict[str, Any]]:
    extractor = SurfaceExtractor(sources, package + ".")
    exported = exported_names(sources, package)
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        api = extractor.api(package, name)
        if api is not None:
            if name.split(".")[0] in exported:
                api.imports.add(package)
            api.imports.add(api.module)
            out[name] = api.data()
    return out


def build_history(wheels: Wheels, cache: Path, memo: Memo) -> dict[str, Any]:
    """The history file: the surface of every release of every package, folded into spans."""
    plans: dict[str, tuple[Sequence[str], Any]] = {
        "trl": (TRL_HISTORY, trl_surface),
        "transformers": (
            TRANSFORMERS_HISTORY,
            lambda s: package_surface(s, "transformers", TRANSFORMERS_APIS),
        ),
        "peft": (PEFT_HISTORY, lambda s: package_surface(s, "peft", PEFT_APIS)),
    }
    apis: dict[str, Any] = {}
    releases: dict[str, list[str]] = {}
    for package, (versions, surface_of) in plans.items():
        ordered = sorted(dict.fromkeys(versions), key=Version)
        surfaces = []
        for version in ordered:
            wheel = wheels[(package, version)]

            def read(
                version: str = version, package: str = package, surface_of: Any = surface_of
            ) -> Any:
                return surface_of(Sources.from_wheels([_path(wheels, cache, package, version)]))

            surfaces.append(memo.get(f"surface-{package}", [wheel.sha256], read))
        releases[package] = ordered
        apis[package] = fold(ordered, surfaces)
    return {
        "format": HISTORY_FORMAT,
        "generated_by": GENERATED_BY,
        "releases": releases,
        "apis": apis,
    }
