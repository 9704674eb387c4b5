"""Load ``schemas/trl-signatures.json`` and answer questions about it.

The data file is written by :mod:`skillshelf.trl.extract`. This module is what
the linter uses at run time: it only reads JSON (cached), merges a class's own
arguments with the ones it inherits from ``transformers.TrainingArguments``,
says in which releases an argument or loss type existed, and evaluates the
rule conditions the extractor recorded.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

#: Where the data file lives when running from the source tree.
SOURCE_PATH = Path(__file__).resolve().parents[3] / "schemas" / "trl-signatures.json"
FORMAT = 1


class SignatureDataError(Exception):
    """The data file is missing or not in a format this code understands."""


def data_path() -> Path:
    """The data file: the source tree's copy, else the one packaged in the wheel."""
    if SOURCE_PATH.is_file():
        return SOURCE_PATH
    packaged = importlib.resources.files("skillshelf") / "_data" / "schemas" / SOURCE_PATH.name
    return Path(str(packaged))


@functools.lru_cache(maxsize=4)
def load(path: Path | None = None) -> Signatures:
    """The parsed data file (cached: loading is a single ``json.loads``)."""
    target = path or data_path()
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SignatureDataError(f"cannot load {target}: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SignatureDataError(f"{target}: unsupported format {raw.get('format')!r}")
    return Signatures(raw)


@dataclass(frozen=True)
class Argument:
    name: str
    annotation: str
    default: Any = None
    has_default: bool = False
    default_source: str | None = None
    choices: tuple[Any, ...] | None = None
    accepts: tuple[str, ...] = ()
    deprecated: str | None = None


@dataclass(frozen=True)
class RuleSig:
    id: str
    phase: str
    condition: Any
    message: tuple[Any, ...]
    raises: str | None


@dataclass(frozen=True)
class ConfigClass:
    package: str
    version: str
    name: str
    module: str
    import_path: str
    hierarchy: tuple[str, ...]
    arguments: Mapping[str, Argument]
    loss_types: Mapping[str, Mapping[str, str]] | None
    rejected_loss_types: Mapping[str, str]
    rules: tuple[RuleSig, ...]
    #: ``Class.method`` where an unknown loss type is rejected (``DPOTrainer._compute_loss``)
    loss_types_raised_in: tuple[str, ...] = ()

    @property
    def trainer(self) -> str:
        return (
            self.name[: -len("Config")] + "Trainer" if self.name.endswith("Config") else self.name
        )

    def defaults(self) -> dict[str, Any]:
        return {n: a.default for n, a in self.arguments.items() if a.has_default}


@dataclass(frozen=True)
class History:
    """When something existed, relative to a target release."""

    present: tuple[str, ...]
    last_seen: str | None
    removed_in: str | None
    added_in: str | None


@functools.cache
def _vkey(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")


class Signatures:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self._cache: dict[tuple[str, str, str], ConfigClass | None] = {}
        # Asked for on every document: computed once per loaded data file.
        self._releases: dict[str, list[str]] = {}
        self._all_class_names: dict[str, str] | None = None
        self._refs: dict[str, frozenset[str]] = {}

    # ---- releases
    @property
    def pinned(self) -> Mapping[str, str]:
        pinned: Mapping[str, str] = self.raw["pinned"]
        return pinned

    def releases(self, package: str = "trl") -> list[str]:
        ordered = self._releases.get(package)
        if ordered is None:
            table = self.raw["releases"] if package == "trl" else self.raw.get(package, {})
            ordered = self._releases[package] = sorted(table, key=_vkey)
        return list(ordered)

    def has_release(self, package: str, version: str) -> bool:
        return version in self.releases(package)

    def class_names(self, package: str = "trl", version: str | None = None) -> set[str]:
        versions = [version] if version else self.releases(package)
        names: set[str] = set()
        for v in versions:
            names |= set(self._table(package, v))
        return names

    def all_class_names(self) -> dict[str, str]:
        """Every known config class name -> package ("trl" or "peft")."""
        if self._all_class_names is None:
            out = dict.fromkeys(self.class_names("peft"), "peft")
            out.update(dict.fromkeys(self.class_names("trl"), "trl"))
            self._all_class_names = out
        return dict(self._all_class_names)

    def _table(self, package: str, version: str) -> Mapping[str, str]:
        if package == "trl":
            release = self.raw["releases"].get(version)
        else:
            release = self.raw.get(package, {}).get(version)
        if not release:
            return {}
        # transformers' "classes" are the bases trl's configs inherit, by qualified
        # name; the configs a skill calls directly are its "configs"
        table: Mapping[str, str] = release.get(
            "configs" if package == "transformers" else "classes", {}
        )
        return table

    # ---- classes
    def config_class(self, package: str, version: str, name: str) -> ConfigClass | None:
        key = (package, version, name)
        if key not in self._cache:
            found = self._build(package, version, name)
            if found is None and package == "transformers":
                found = self._external(version, name)
            self._cache[key] = found
        return self._cache[key]

    def _external(self, version: str, name: str) -> ConfigClass | None:
        """A transformers dataclass the trl configs inherit (``TrainingArguments``), by its
        class name: its arguments, without rules of its own."""
        classes = self.raw.get("transformers", {}).get(version, {}).get("classes", {})
        for qualname, entry in classes.items():
            if qualname.rsplit(".", 1)[-1] == name:
                return ConfigClass(
                    package="transformers",
                    version=version,
                    name=name,
                    module=entry["module"],
                    import_path="transformers",
                    hierarchy=tuple(entry.get("mro", ())),
                    arguments={a: _argument(a, d) for a, d in sorted(entry["arguments"].items())},
                    loss_types=None,
                    rejected_loss_types={},
                    rules=(),
                )
        return None

    def rule_refs(self, rule: RuleSig) -> frozenset[str]:
        """The arguments a rule's condition reads (kept by rule id: ids are content hashes)."""
        cached = self._refs.get(rule.id)
        if cached is None:
            out: set[str] = set()
            stack = [rule.condition]
            while stack:
                tree = stack.pop()
                if isinstance(tree, list) and tree:
                    if tree[0] == "arg" and len(tree) == 2 and isinstance(tree[1], str):
                        out.add(tree[1])
                    else:
                        stack.extend(tree[1:])
                elif isinstance(tree, dict):
                    stack.extend(tree.values())
            cached = self._refs[rule.id] = frozenset(out)
        return cached

    def _build(self, package: str, version: str, name: str) -> ConfigClass | None:
        ref = self._table(package, version).get(name)
        if ref is None:
            return None
        entry = self.raw["class_pool"][ref]
        arguments: dict[str, Argument] = {}
        inherits = entry.get("inherits")
        if inherits:
            release = self.raw["releases"].get(version, {}) if package == "trl" else {}
            tf_version = release.get("transformers") or self.pinned.get("transformers")
            external = self.raw["transformers"].get(tf_version, {}).get("classes", {}).get(inherits)
            if external:
                for arg_name, data in external["arguments"].items():
                    arguments[arg_name] = _argument(arg_name, data)
        for arg_name, data in entry.get("inherited_notes", {}).items():
            if arg_name in arguments:
                base = arguments[arg_name]
                accepts = tuple(sorted(set(base.accepts) | set(data.get("accepts", ()))))
                arguments[arg_name] = Argument(
                    base.name,
                    base.annotation,
                    base.default,
                    base.has_default,
                    base.default_source,
                    base.choices,
                    accepts,
                    data.get("deprecated", base.deprecated),
                )
        for arg_name, data in entry["arguments"].items():
            arguments[arg_name] = _argument(arg_name, data)
        rules = tuple(
            RuleSig(
                rid,
                self.raw["rule_pool"][rid]["phase"],
                self.raw["rule_pool"][rid]["if"],
                tuple(self.raw["rule_pool"][rid]["message"]),
                self.raw["rule_pool"][rid].get("raises"),
            )
            for rid in entry.get("rules", ())
        )
        return ConfigClass(
            package=package,
            version=version,
            name=name,
            module=entry["module"],
            import_path=entry.get("import", package),
            hierarchy=tuple(entry.get("mro", ())),
            arguments=dict(sorted(arguments.items())),
            loss_types=entry.get("loss_types"),
            rejected_loss_types=entry.get("loss_types_rejected", {}),
            rules=rules,
            loss_types_raised_in=tuple(entry.get("loss_types_raised_in", ())),
        )

    # ---- history
    def argument_history(self, package: str, name: str, argument: str, target: str) -> History:
        def has(version: str) -> bool:
            cls = self.config_class(package, version, name)
            return cls is not None and argument in cls.arguments

        return self._history(package, target, has)

    def loss_type_history(self, package: str, name: str, value: str, target: str) -> History:
        def has(version: str) -> bool:
            cls = self.config_class(package, version, name)
            return cls is not None and cls.loss_types is not None and value in cls.loss_types

        return self._history(package, target, has)

    def _history(self, package: str, target: str, has: Callable[[str], bool]) -> History:
        versions = self.releases(package)
        present = tuple(v for v in versions if has(v))
        tkey = _vkey(target)
        before = [v for v in present if _vkey(v) < tkey]
        after = [v for v in present if _vkey(v) > tkey]
        last_seen = before[-1] if before else None
        removed_in = None
        if last_seen is not None:
            removed_in = next(
                (v for v in versions if _vkey(last_seen) < _vkey(v) <= tkey and not has(v)), None
            )
        added_in = after[0] if after and target not in present else None
        return History(present, last_seen, removed_in, added_in)

    def deprecation(self, package: str, name: str, value: str, version: str) -> Mapping[str, str]:
        """What release ``version`` said about loss type ``value`` (deprecation, new name)."""
        cls = self.config_class(package, version, name)
        if cls is None or cls.loss_types is None:
            return {}
        return cls.loss_types.get(value, {})


def _argument(name: str, data: Mapping[str, Any]) -> Argument:
    choices = data.get("choices")
    return Argument(
        name=name,
        annotation=data.get("annotation", ""),
        default=data.get("default"),
        has_default="default" in data,
        default_source=data.get("default_source"),
        choices=tuple(choices) if choices else None,
        accepts=tuple(data.get("accepts", ())),
        deprecated=data.get("deprecated"),
    )


# --------------------------------------------------------------------------- evaluation


class _Unknown:
    """The value of anything the linter cannot know (a variable, the machine, ...)."""

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value")


UNKNOWN: _Unknown = _Unknown()


@dataclass(frozen=True)
class Raised:
    """The evaluation raised, as the release's own code would on these values: a
    ``TypeError`` from an operation on known values (``"10" < 0``)."""

    message: str


_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
_BIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "set": set,
}
_FUNCS: dict[str, Callable[..., Any]] = {
    "len": len,
    "set": set,
    "list": list,
    "tuple": tuple,
    "sorted": sorted,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "abs": abs,
    "min": min,
    "max": max,
    "any": any,
    "all": all,
}
_SAFE_METHODS = frozenset({"lower", "upper", "startswith", "endswith", "strip", "split"})


def _truth(value: object) -> bool | _Unknown | Raised:
    if isinstance(value, _Unknown | Raised):
        return value
    try:
        return bool(value)
    except Exception:
        return UNKNOWN


def evaluate(tree: Any, env: Mapping[str, Any], local: Mapping[str, Any] | None = None) -> Any:
    """Evaluate a condition tree; ``UNKNOWN`` when it depends on what we cannot know."""
    value = _evaluate(tree, env, local)
    return UNKNOWN if isinstance(value, Raised) else value


def raises(tree: Any, env: Mapping[str, Any]) -> str | None:
    """The ``TypeError`` that evaluating ``tree`` certainly meets, in the order Python
    evaluates it (``and`` / ``or`` stop early), or None."""
    value = _evaluate(tree, env, None)
    return value.message if isinstance(value, Raised) else None


def _evaluate(tree: Any, env: Mapping[str, Any], local: Mapping[str, Any] | None) -> Any:
    try:
        return _eval(tree, env, dict(local or {}), 0)
    except (RecursionError, MemoryError):
        return UNKNOWN


def holds(tree: Any, env: Mapping[str, Any]) -> bool:
    """True only when the condition certainly holds."""
    return _truth(evaluate(tree, env)) is True


def _eval(tree: Any, env: Mapping[str, Any], local: dict[str, Any], depth: int) -> Any:
    if depth > 200 or not isinstance(tree, list) or not tree:
        return UNKNOWN
    kind = tree[0]
    sub = depth + 1
    if kind == "const":
        return tree[1]
    if kind == "arg":
        return env.get(tree[1], UNKNOWN)
    if kind == "var":
        return local.get(tree[1], UNKNOWN)
    if kind == "not":
        truth = _truth(_eval(tree[1], env, local, sub))
        return truth if isinstance(truth, _Unknown | Raised) else not truth
    if kind in ("and", "or"):
        return _boolop(kind, tree[1:], env, local, sub)
    if kind == "cmp":
        return _compare(tree[1], _eval(tree[2], env, local, sub), _eval(tree[3], env, local, sub))
    if kind == "bin":
        left, right = _eval(tree[2], env, local, sub), _eval(tree[3], env, local, sub)
        return _apply(_BIN.get(tree[1]), left, right)
    if kind == "neg":
        return _apply(operator.neg, _eval(tree[1], env, local, sub))
    if kind == "ifexp":
        truth = _truth(_eval(tree[1], env, local, sub))
        if isinstance(truth, Raised):
            return truth
        if truth is UNKNOWN:
            a, b = _eval(tree[2], env, local, sub), _eval(tree[3], env, local, sub)
            return a if _same(a, b) else UNKNOWN
        return _eval(tree[2] if truth else tree[3], env, local, sub)
    if kind in ("list", "tuple", "setd"):
        items = [_eval(t, env, local, sub) for t in tree[1:]]
        raised = next((i for i in items if isinstance(i, Raised)), None)
        if raised is not None:
            return raised
        if any(i is UNKNOWN for i in items):
            return UNKNOWN
        maker: Callable[[list[Any]], Any] = {"list": list, "tuple": tuple, "setd": set}[kind]
        return _apply(maker, items)
    if kind == "item":
        return _apply(
            operator.getitem, _eval(tree[1], env, local, sub), _eval(tree[2], env, local, sub)
        )
    if kind == "call":
        return _call(tree[1], [_eval(t, env, local, sub) for t in tree[2:]])
    if kind == "meth":
        obj = _eval(tree[2], env, local, sub)
        args = [_eval(t, env, local, sub) for t in tree[3:]]
        if isinstance(obj, Raised):
            return obj
        if not isinstance(obj, str) or tree[1] not in _SAFE_METHODS:
            return UNKNOWN
        return _apply(getattr(obj, tree[1]), *args)
    if kind in ("any", "all", "listcomp"):
        return _comprehension(tree, env, local, sub)
    return UNKNOWN


def _same(a: Any, b: Any) -> bool:
    if a is UNKNOWN or b is UNKNOWN or isinstance(a, Raised) or isinstance(b, Raised):
        return False
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _apply(func: Callable[..., Any] | None, *args: Any) -> Any:
    raised = next((a for a in args if isinstance(a, Raised)), None)
    if raised is not None:
        return raised  # an operand's evaluation raised before this operation ran
    if func is None or any(a is UNKNOWN for a in args):
        return UNKNOWN
    try:
        return func(*args)
    except TypeError as exc:
        return Raised(str(exc))
    except Exception:
        return UNKNOWN


def _boolop(
    kind: str, operands: Sequence[Any], env: Mapping[str, Any], local: dict[str, Any], depth: int
) -> Any:
    uncertain = False
    last: Any = None
    for operand in operands:
        value = _eval(operand, env, local, depth)
        truth = _truth(value)
        if isinstance(truth, Raised):
            return UNKNOWN if uncertain else truth  # reached only if the ones before decide
        if truth is UNKNOWN:
            uncertain = True
            continue
        decisive = not truth if kind == "and" else truth
        if decisive:
            return value  # a falsy operand ends `and`, a truthy one ends `or`
        last = value
    return UNKNOWN if uncertain else last


def _compare(op: str, left: Any, right: Any) -> Any:
    if isinstance(left, Raised) or isinstance(right, Raised):
        return left if isinstance(left, Raised) else right
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if op in ("is", "is not"):
        singletons = (None, True, False)
        if any(left is s for s in singletons) or any(right is s for s in singletons):
            same = left is right
            return same if op == "is" else not same
        return UNKNOWN
    return _apply(_CMP.get(op), left, right)


def _call(name: str, args: list[Any]) -> Any:
    if name == "isinstance" and len(args) == 2:
        if isinstance(args[0], Raised):
            return args[0]
        if args[0] is UNKNOWN or not isinstance(args[1], list):
            return UNKNOWN
        types = [_TYPES.get(t) for t in args[1]]
        # a literal is never an instance of a class we do not model
        return any(t is not None and isinstance(args[0], t) for t in types)
    if name == "hasattr" and len(args) == 2:
        return _apply(hasattr, *args)
    return _apply(_FUNCS.get(name), *args)


def _comprehension(
    tree: list[Any], env: Mapping[str, Any], local: dict[str, Any], depth: int
) -> Any:
    kind, var = tree[0], tree[1]
    iterable = _eval(tree[2], env, local, depth)
    if isinstance(iterable, Raised):
        return iterable
    if iterable is UNKNOWN or not isinstance(iterable, list | tuple | str | set | dict):
        return UNKNOWN
    results: list[Any] = []
    for item in list(iterable):
        scope = dict(local)
        scope[var] = item
        if kind == "listcomp":
            cond = _truth(_eval(tree[4], env, scope, depth))
            if cond is UNKNOWN or isinstance(cond, Raised):
                return cond
            if cond:
                results.append(_eval(tree[3], env, scope, depth))
        else:
            results.append(_truth(_eval(tree[3], env, scope, depth)))
        if results and isinstance(results[-1], Raised):
            return results[-1]
    if kind == "listcomp":
        return UNKNOWN if any(r is UNKNOWN for r in results) else results
    if kind == "any":
        if any(r is True for r in results):
            return True
        return UNKNOWN if any(r is UNKNOWN for r in results) else False
    if any(r is False for r in results):
        return False
    return UNKNOWN if any(r is UNKNOWN for r in results) else True


def render(message: Sequence[Any], env: Mapping[str, Any]) -> str:
    """TRL's own error message, with the values we know filled in."""
    out: list[str] = []
    for part in message:
        if isinstance(part, str):
            out.append(part)
            continue
        value = evaluate(part.get("expr"), env)
        text = None
        if value is not UNKNOWN:
            try:
                text = repr(value) if part.get("conv") == "r" else str(value)
            except ValueError:  # an int too long to print
                text = None
        out.append("{" + str(part.get("src", "?")) + "}" if text is None else text)
    return " ".join("".join(out).split())
