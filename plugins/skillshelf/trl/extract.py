"""Extract config signatures from released TRL / transformers / peft wheels.

Nothing here imports trl, transformers, peft or torch: the wheels are read as
zip files and their sources parsed with :mod:`ast`. For every exported
``*Config`` dataclass we follow the class hierarchy across modules and
packages (``DPOConfig -> _BaseConfig -> transformers.TrainingArguments``),
collect the dataclass fields, and symbolically execute ``__post_init__`` (and
the matching trainer's ``__init__``) to turn the checks TRL performs on its
arguments into data: a condition tree over the keyword arguments plus the
message TRL raises. The valid ``loss_type`` values come from the trainer's loss
dispatch (the ``if loss_type == ...`` chain that ends in ``raise``), cross-
checked with the config's own validation, help text and ``Literal``.

Condition trees are JSON lists; :mod:`skillshelf.trl.signatures` evaluates them.
"""

from __future__ import annotations

import ast
import builtins
import copy
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

FORMAT = 1
GENERATED_BY = "skillshelf signatures (plugins/skillshelf/trl/extract.py)"

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

UNKNOWN: list[Any] = ["?"]
_MAX_TREE = 400
_MAX_INLINE_DEPTH = 6
_BUILTIN_NAMES = frozenset(dir(builtins))


class ExtractError(Exception):
    """A wheel is missing, unreadable or does not look like what we expect."""


# --------------------------------------------------------------------------- wheels


@dataclass
class Sources:
    """The Python sources of one or more wheels, by dotted module name, read lazily."""

    members: dict[str, tuple[zipfile.ZipFile, str]] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    metadata: dict[str, str] = field(default_factory=dict)
    _trees: dict[str, ast.Module | None] = field(default_factory=dict)

    @classmethod
    def from_wheels(cls, wheels: Iterable[Path], base: Sources | None = None) -> Sources:
        """Index ``wheels``; modules of ``base`` (already parsed) are shared, not re-read."""
        self = cls()
        if base is not None:
            self.members.update(base.members)
            self.packages |= base.packages
            self.metadata.update(base.metadata)
            self._trees.update(base._trees)
        for wheel in wheels:
            try:
                archive = zipfile.ZipFile(wheel)
                for name in sorted(archive.namelist()):
                    if name.endswith(".dist-info/METADATA"):
                        self.metadata[wheel.name] = archive.read(name).decode("utf-8", "replace")
                    if not name.endswith(".py") or ".dist-info/" in name:
                        continue
                    module = name[:-3].replace("/", ".")
                    if module.endswith(".__init__"):
                        module = module[: -len(".__init__")]
                        self.packages.add(module)
                    self.members[module] = (archive, name)
                    self._trees.pop(module, None)
            except (OSError, zipfile.BadZipFile) as exc:
                raise ExtractError(f"cannot read wheel {wheel}: {exc}") from exc
        return self

    def text(self, name: str) -> str | None:
        member = self.members.get(name)
        if member is None:
            return None
        archive, path = member
        return archive.read(path).decode("utf-8", "replace")

    def module(self, name: str) -> ast.Module | None:
        if name not in self._trees:
            text = self.text(name)
            try:
                self._trees[name] = None if text is None else ast.parse(text)
            except SyntaxError:
                self._trees[name] = None
        return self._trees[name]

    def is_module(self, name: str) -> bool:
        return name in self.members


def _walk_toplevel(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, descending into if/try/with blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _walk_toplevel(stmt.body)
            yield from _walk_toplevel(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from _walk_toplevel(stmt.body)
            for handler in stmt.handlers:
                yield from _walk_toplevel(handler.body)
            yield from _walk_toplevel(stmt.orelse)
        elif isinstance(stmt, ast.With):
            yield from _walk_toplevel(stmt.body)


def _relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


# --------------------------------------------------------------------------- classes


@dataclass
class ClassInfo:
    module: str
    node: ast.ClassDef
    bases: list[ClassInfo | str]

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.node.name}"

    @property
    def is_dataclass(self) -> bool:
        for deco in self.node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "dataclass":
                return True
        return False


@dataclass(frozen=True)
class FieldInfo:
    name: str
    owner: str
    annotation: str
    default: Any
    has_literal_default: bool
    default_source: str | None
    choices: tuple[Any, ...] | None


class Resolver:
    """Resolves names to classes across modules and packages by following imports."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self._classes: dict[tuple[str, str], ClassInfo | str | None] = {}

    def resolve(self, module: str, name: str, depth: int = 0) -> ClassInfo | str | None:
        """A class, or the qualified name of a class we cannot see, or None."""
        key = (module, name)
        if key in self._classes:
            return self._classes[key]
        self._classes[key] = None  # cycle guard
        result = self._resolve(module, name, depth)
        self._classes[key] = result
        return result

    def _resolve(self, module: str, name: str, depth: int) -> ClassInfo | str | None:
        if depth > 30:
            return None
        tree = self.sources.module(module)
        if tree is None:
            if name in _BUILTIN_NAMES and module == "builtins":
                return f"builtins.{name}"
            return f"{module}.{name}" if module else name
        is_package = module in self.sources.packages
        candidates: list[ClassInfo | str | None] = []
        for stmt in _walk_toplevel(tree.body):
            if isinstance(stmt, ast.ClassDef) and stmt.name == name:
                bases = [self.resolve_expr(module, b, depth + 1) for b in stmt.bases]
                return ClassInfo(module, stmt, [b for b in bases if b is not None])
        for stmt in _walk_toplevel(tree.body):
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) != name:
                        continue
                    target = _relative(module, is_package, stmt.level, stmt.module)
                    if self.sources.is_module(f"{target}.{alias.name}"):
                        continue  # a submodule, not a class
                    candidates.append(self.resolve(target, alias.name, depth + 1))
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target_node = stmt.targets[0]
                if (
                    isinstance(target_node, ast.Name)
                    and target_node.id == name
                    and isinstance(stmt.value, ast.Name | ast.Attribute)
                ):
                    candidates.append(self.resolve_expr(module, stmt.value, depth + 1))
        for found in candidates:
            if isinstance(found, ClassInfo):
                return found
        lazy = self._lazy_submodule(tree, name)
        if lazy is not None:
            found = self.resolve(f"{module}.{lazy}", name, depth + 1)
            if found is not None:
                return found
        for found in candidates:
            if found is not None:
                return found
        if name in _BUILTIN_NAMES:
            return f"builtins.{name}"
        return None

    @staticmethod
    def _lazy_submodule(tree: ast.Module, name: str) -> str | None:
        """The submodule that a ``_import_structure`` table maps ``name`` to."""
        for stmt in _walk_toplevel(tree.body):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if (
                    isinstance(target, ast.Name)
                    and target.id == "_import_structure"
                    and isinstance(stmt.value, ast.Dict)
                ):
                    for key, value in zip(stmt.value.keys, stmt.value.values, strict=True):
                        if isinstance(key, ast.Constant) and _names_in(value, name):
                            return str(key.value)
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "_import_structure"
                    and isinstance(target.slice, ast.Constant)
                    and _names_in(stmt.value, name)
                ):
                    return str(target.slice.value)
        return None

    def resolve_expr(self, module: str, node: ast.expr, depth: int = 0) -> ClassInfo | str | None:
        if isinstance(node, ast.Name):
            return self.resolve(module, node.id, depth)
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted is None:
                return None
            head, _, rest = dotted.partition(".")
            tree = self.sources.module(module)
            target_module = head
            if tree is not None:
                for stmt in _walk_toplevel(tree.body):
                    if isinstance(stmt, ast.Import):
                        for alias in stmt.names:
                            if (alias.asname or alias.name.split(".")[0]) == head:
                                target_module = alias.name if alias.asname else head
            path = f"{target_module}.{rest}"
            mod, _, cls = path.rpartition(".")
            return self.resolve(mod, cls, depth)
        if isinstance(node, ast.Subscript):  # Generic[T] and friends
            return None
        return None

    def mro(self, cls: ClassInfo) -> list[ClassInfo | str]:
        """C3 linearisation; classes we cannot see are leaves named by a string."""

        def key(item: ClassInfo | str) -> str:
            return item if isinstance(item, str) else item.qualname

        def linearise(item: ClassInfo | str, seen: frozenset[str]) -> list[ClassInfo | str]:
            if isinstance(item, str) or key(item) in seen:
                return [item]
            seen = seen | {key(item)}
            sequences = [linearise(b, seen) for b in item.bases] + [list(item.bases)]
            result: list[ClassInfo | str] = [item]
            sequences = [s for s in sequences if s]
            while sequences:
                for seq in sequences:
                    head = seq[0]
                    if not any(key(head) in [key(x) for x in s[1:]] for s in sequences):
                        break
                else:  # inconsistent hierarchy: fall back to depth-first order
                    head = sequences[0][0]
                result.append(head)
                sequences = [[x for x in s if key(x) != key(head)] for s in sequences]
                sequences = [s for s in sequences if s]
            return result

        return linearise(cls, frozenset())


def _names_in(node: ast.expr, name: str) -> bool:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == name for e in node.elts)
    return False


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def _json_literal(node: ast.expr) -> tuple[bool, Any]:
    """``(True, value)`` when ``node`` is a literal JSON can hold."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None
    return _jsonable(value)


def _jsonable(value: Any) -> tuple[bool, Any]:
    if value is None or isinstance(value, bool | str):
        return True, value
    if isinstance(value, int):
        return True, value
    if isinstance(value, float):
        return (value == value and value not in (float("inf"), float("-inf"))), value
    if isinstance(value, list | tuple):
        items = [_jsonable(v) for v in value]
        if all(ok for ok, _ in items):
            return True, [v for _, v in items]
        return False, None
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return False, None
        pairs = {k: _jsonable(v) for k, v in value.items()}
        if all(ok for ok, _ in pairs.values()):
            return True, {k: v for k, (_, v) in pairs.items()}
    return False, None


def _field_call(value: ast.expr | None) -> ast.Call | None:
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "field":
            return value
    return None


def class_fields(cls: ClassInfo) -> list[FieldInfo]:
    """The init fields this class body declares (annotated, not ClassVar, init!=False)."""
    out: list[FieldInfo] = []
    for stmt in cls.node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        annotation = ast.unparse(stmt.annotation)
        if re.match(r"^(typing\.)?(ClassVar|KW_ONLY)\b", annotation) or annotation.startswith(
            ("dataclasses.KW_ONLY", "'ClassVar", '"ClassVar')
        ):
            continue
        call = _field_call(stmt.value)
        default_node: ast.expr | None = stmt.value
        factory: ast.expr | None = None
        choices: tuple[Any, ...] | None = None
        if call is not None:
            default_node = None
            for kw in call.keywords:
                if (
                    kw.arg == "init"
                    and isinstance(kw.value, ast.Constant)
                    and kw.value.value is False
                ):
                    break
                if kw.arg == "default":
                    default_node = kw.value
                elif kw.arg == "default_factory":
                    factory = kw.value
                elif kw.arg == "metadata" and isinstance(kw.value, ast.Dict):
                    for key, val in zip(kw.value.keys, kw.value.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "choices":
                            ok, literal = _json_literal(val)
                            if ok and isinstance(literal, list):
                                choices = tuple(literal)
            else:
                out.append(
                    _make_field(cls, stmt.target.id, annotation, default_node, factory, choices)
                )
            continue
        out.append(_make_field(cls, stmt.target.id, annotation, default_node, None, None))
    return out


def _make_field(
    cls: ClassInfo,
    name: str,
    annotation: str,
    default_node: ast.expr | None,
    factory: ast.expr | None,
    choices: tuple[Any, ...] | None,
) -> FieldInfo:
    literal_ok, literal = False, None
    source: str | None = None
    if default_node is not None:
        literal_ok, literal = _json_literal(default_node)
        if not literal_ok:
            source = ast.unparse(default_node)
    elif factory is not None:
        if isinstance(factory, ast.Lambda):
            literal_ok, literal = _json_literal(factory.body)
        elif isinstance(factory, ast.Name) and factory.id in ("list", "dict", "tuple"):
            literal_ok, literal = True, ({} if factory.id == "dict" else [])
        if not literal_ok:
            source = f"default_factory={ast.unparse(factory)}"
    else:
        source = None  # required
    return FieldInfo(name, cls.qualname, annotation, literal, literal_ok, source, choices)


# --------------------------------------------------------------------------- symbolic execution


def _size(tree: Any) -> int:
    if isinstance(tree, list):
        return 1 + sum(_size(t) for t in tree)
    return 1


def _cap(tree: Any) -> Any:
    return UNKNOWN if _size(tree) > _MAX_TREE else tree


def _const(value: Any) -> Any:
    ok, literal = _jsonable(value)
    return ["const", literal] if ok else UNKNOWN


@dataclass
class Rule:
    phase: str
    level: str
    exc: str | None
    cond: Any
    message: list[Any]

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"phase": self.phase, "level": self.level, "if": self.cond}
        out["message"] = self.message
        if self.exc:
            out["raises"] = self.exc
        return out


@dataclass
class State:
    attrs: dict[str, Any]
    trainer: dict[str, Any]
    local: dict[str, Any]
    path: list[Any]

    def fork(self, extra: Any | None = None) -> State:
        path = [*self.path, extra] if extra is not None else list(self.path)
        return State(dict(self.attrs), dict(self.trainer), dict(self.local), path)


_WARN_FUNCS = frozenset({"warn", "warning", "warning_once", "warning_advice"})
_MUTATORS = frozenset(
    {"append", "extend", "insert", "update", "pop", "remove", "clear", "add", "setdefault"}
)
_STR_METHODS = frozenset({"lower", "upper", "startswith", "endswith", "strip", "split"})
_CALLS = frozenset(
    {"len", "set", "list", "tuple", "sorted", "int", "float", "str", "bool", "abs", "min", "max"}
)


class Executor:
    """Symbolic execution of ``__post_init__`` / trainer ``__init__`` over the arguments.

    State values are condition trees over the *initial* keyword values; every
    construct we do not model becomes ``UNKNOWN``, so the evaluator can only
    ever conclude "raises" when TRL really would.
    """

    def __init__(self, resolver: Resolver, mro: list[ClassInfo | str], fields: set[str]) -> None:
        self.resolver = resolver
        self.mro = [c for c in mro if isinstance(c, ClassInfo)]
        self.fields = fields
        self.rules: list[Rule] = []
        self.choices: dict[str, list[str]] = {}
        self.accepts: dict[str, set[str]] = {}
        self.phase = "config"
        self.module = self.mro[0].module if self.mro else ""
        self.owner: ClassInfo | None = self.mro[0] if self.mro else None
        self.depth = 0

    # ---- entry points
    def run_post_init(self) -> State:
        state = State({}, {}, {}, [])
        self._call_method("__post_init__", state, start=0)
        return state

    def run_trainer_init(self, trainer: ClassInfo, config_state: State) -> None:
        init = _method(trainer.node, "__init__")
        if init is None:
            return
        self.phase = "trainer"
        saved = (self.module, self.owner)
        self.module, self.owner = trainer.module, trainer
        state = State(config_state.attrs, {}, {}, [])
        self._block(init.body, state, in_loop=False)
        self.module, self.owner = saved

    # ---- methods
    def _call_method(self, name: str, state: State, start: int) -> None:
        if self.depth > _MAX_INLINE_DEPTH:
            self._taint_all(state)
            return
        for index in range(start, len(self.mro)):
            cls = self.mro[index]
            func = _method(cls.node, name)
            if func is None:
                continue
            if len(func.args.args) > 1 or func.args.vararg or func.args.kwonlyargs:
                return
            saved = (self.module, self.owner, state.local)
            self.module, self.owner, state.local = cls.module, cls, {}
            self.depth += 1
            self._block(func.body, state, in_loop=False)
            self.depth -= 1
            self.module, self.owner, state.local = saved
            return

    def _taint_all(self, state: State) -> None:
        for name in self.fields:
            state.attrs[name] = UNKNOWN

    # ---- statements
    def _block(self, body: Sequence[ast.stmt], state: State, *, in_loop: bool) -> str | None:
        """Run statements; return 'raise'/'return' when the block always ends so."""
        for stmt in body:
            ended = self._stmt(stmt, state, in_loop=in_loop)
            if ended:
                return ended
        return None

    def _stmt(self, stmt: ast.stmt, state: State, *, in_loop: bool) -> str | None:
        if isinstance(stmt, ast.If):
            return self._if(stmt, state, in_loop=in_loop)
        if isinstance(stmt, ast.Raise):
            self._rule(state, "error", stmt.exc)
            return "raise"
        if isinstance(stmt, ast.Return):
            return "return"
        if isinstance(stmt, ast.Assert):
            sub = state.fork(["not", self.expr(stmt.test, state)])
            self._rule(sub, "error", stmt.msg, exc="AssertionError")
            return None
        if isinstance(stmt, ast.Assign):
            value = self.expr(stmt.value, state)
            for target in stmt.targets:
                self._assign(target, value, stmt.value, state)
            return None
        if isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._assign(stmt.target, self.expr(stmt.value, state), stmt.value, state)
            return None
        if isinstance(stmt, ast.AugAssign):
            load = ast.copy_location(
                ast.BinOp(left=_as_load(stmt.target), op=stmt.op, right=stmt.value), stmt
            )
            self._assign(stmt.target, self.expr(load, state), load, state)
            return None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._call_stmt(stmt.value, state)
            return None
        if isinstance(stmt, ast.For):
            self._for(stmt, state)
            return None
        if isinstance(stmt, ast.With):
            return self._block(stmt.body, state, in_loop=in_loop)
        if isinstance(
            stmt, ast.Try | ast.While | ast.Match | ast.AsyncFor | ast.AsyncWith | ast.Delete
        ):
            self._taint_assigned(stmt, state)
            return None
        return None

    def _if(self, stmt: ast.If, state: State, *, in_loop: bool) -> str | None:
        cond = self.expr(stmt.test, state)
        then_state = state.fork(cond)
        else_state = state.fork(["not", cond])
        then_end = self._block(stmt.body, then_state, in_loop=in_loop)
        else_end = self._block(stmt.orelse, else_state, in_loop=in_loop)
        if then_end and else_end:
            return then_end if then_end == else_end else "return"
        if then_end:
            self._adopt(state, else_state, keep_path=then_end != "return", cond=["not", cond])
            return None
        if else_end:
            self._adopt(state, then_state, keep_path=else_end != "return", cond=cond)
            return None
        for bucket in ("attrs", "trainer", "local"):
            mine: dict[str, Any] = getattr(state, bucket)
            left: dict[str, Any] = getattr(then_state, bucket)
            right: dict[str, Any] = getattr(else_state, bucket)
            for name in sorted(set(left) | set(right)):
                a = left.get(name, self._initial(bucket, name))
                b = right.get(name, self._initial(bucket, name))
                mine[name] = a if a == b else _cap(["ifexp", cond, a, b])
        return None

    def _adopt(self, state: State, branch: State, *, keep_path: bool, cond: Any) -> None:
        state.attrs, state.trainer, state.local = branch.attrs, branch.trainer, branch.local
        if not keep_path:
            state.path = [*state.path, cond]

    def _initial(self, bucket: str, name: str) -> Any:
        if bucket == "attrs" and name in self.fields:
            return ["arg", name]
        return UNKNOWN

    def _for(self, stmt: ast.For, state: State) -> None:
        iterable = self.expr(stmt.iter, state)
        if iterable[0] == "const" and isinstance(iterable[1], list) and len(iterable[1]) <= 20:
            for item in iterable[1]:
                if not self._bind(stmt.target, ["const", item], state):
                    self._taint_assigned(stmt, state)
                    return
                if self._block(stmt.body, state, in_loop=True):
                    return
            return
        has_jump = any(isinstance(n, ast.Break | ast.Continue) for n in _walk_no_nested(stmt.body))
        if not isinstance(stmt.target, ast.Name):
            self._taint_assigned(stmt, state)
            return
        var = stmt.target.id
        body_state = State(dict(state.attrs), dict(state.trainer), dict(state.local), [])
        body_state.local[var] = ["var", var]
        before = len(self.rules)
        self._block(stmt.body, body_state, in_loop=True)
        inner = self.rules[before:]
        del self.rules[before:]
        if not has_jump and not stmt.orelse:
            for rule in inner:
                cond = ["any", var, iterable, rule.cond]
                self.rules.append(
                    Rule(rule.phase, rule.level, rule.exc, _and(*state.path, cond), rule.message)
                )
        self._taint_assigned(stmt, state)

    def _bind(self, target: ast.expr, value: Any, state: State) -> bool:
        if isinstance(target, ast.Name):
            state.local[target.id] = value
            return True
        if isinstance(target, ast.Tuple) and value[0] == "const" and isinstance(value[1], list):
            if len(value[1]) != len(target.elts):
                return False
            return all(
                self._bind(t, ["const", v], state)
                for t, v in zip(target.elts, value[1], strict=True)
            )
        return False

    def _taint_assigned(self, stmt: ast.stmt, state: State) -> None:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
                self._taint_target(node, state)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                state.local[node.id] = UNKNOWN
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
                self._taint_target(node.value, state)
            elif isinstance(node, ast.Call):
                self._call_side_effects(node, state)

    def _taint_target(self, node: ast.expr, state: State) -> None:
        if isinstance(node, ast.Attribute) and _is_self(node.value):
            bucket = state.attrs if self.phase == "config" else state.trainer
            bucket[node.attr] = UNKNOWN
        elif isinstance(node, ast.Attribute) and self._is_config(node.value):
            state.attrs[node.attr] = UNKNOWN

    def _assign(self, target: ast.expr, value: Any, value_node: ast.expr, state: State) -> None:
        if isinstance(target, ast.Attribute) and _is_self(target.value):
            if self.phase == "config":
                state.attrs[target.attr] = _cap(value)
            else:
                state.trainer[target.attr] = _cap(value)
        elif isinstance(target, ast.Attribute) and self._is_config(target.value):
            state.attrs[target.attr] = _cap(value)
        elif isinstance(target, ast.Name):
            if self.phase == "trainer" and target.id == "args":
                return  # ``if args is None: args = XConfig(...)``
            state.local[target.id] = _cap(value)
        elif isinstance(target, ast.Tuple | ast.List):
            elts: list[Any] | None = None
            if isinstance(value_node, ast.Tuple | ast.List) and len(value_node.elts) == len(
                target.elts
            ):
                elts = [self.expr(e, state) for e in value_node.elts]
            for index, sub in enumerate(target.elts):
                self._assign(sub, elts[index] if elts else UNKNOWN, value_node, state)
        elif isinstance(target, ast.Subscript):
            self._taint_target(target.value, state)

    def _call_stmt(self, call: ast.Call, state: State) -> None:
        func = call.func
        if isinstance(func, ast.Attribute):
            owner = _dotted(func.value)
            if func.attr in _WARN_FUNCS and owner in ("warnings", "logger", "logging"):
                category = None
                if len(call.args) > 1:
                    category = _dotted(call.args[1])
                for kw in call.keywords:
                    if kw.arg == "category":
                        category = _dotted(kw.value)
                self._rule(
                    state,
                    "warning",
                    call.args[0] if call.args else None,
                    exc=category or "UserWarning",
                )
                return
            if (
                func.attr == "__post_init__"
                and isinstance(func.value, ast.Call)
                and _dotted(func.value.func) == "super"
                and self.phase == "config"
                and self.owner is not None
            ):
                start = next(
                    (i + 1 for i, c in enumerate(self.mro) if c.qualname == self.owner.qualname),
                    None,
                )
                if start is not None:
                    self._call_method("__post_init__", state, start)
                return
            if (
                _is_self(func.value)
                and self.phase == "config"
                and not call.args
                and not call.keywords
            ):
                self._call_method(func.attr, state, 0)
                return
        if _dotted(func) == "setattr" and len(call.args) == 3 and _is_self(call.args[0]):
            name = self.expr(call.args[1], state)
            if name[0] == "const" and isinstance(name[1], str):
                bucket = state.attrs if self.phase == "config" else state.trainer
                bucket[name[1]] = _cap(self.expr(call.args[2], state))
            elif self.phase == "config":
                self._taint_all(state)
            return
        self._call_side_effects(call, state)

    def _call_side_effects(self, call: ast.Call, state: State) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _MUTATORS:
            self._taint_target(func.value, state)

    def _rule(self, state: State, level: str, msg: ast.expr | None, exc: str | None = None) -> None:
        if isinstance(msg, ast.Call) and exc is None:
            exc = _dotted(msg.func)
            msg = msg.args[0] if msg.args else None
        elif exc is None and msg is not None:
            exc = _dotted(msg)
            msg = None
        cond = _and(*state.path) if state.path else ["const", True]
        message = self._message(msg, state)
        self.rules.append(Rule(self.phase, level, exc, cond, message))

    def _message(self, node: ast.expr | None, state: State) -> list[Any]:
        if node is None:
            return []
        if isinstance(node, ast.Constant):
            return [str(node.value)]
        if isinstance(node, ast.JoinedStr):
            parts: list[Any] = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    _append_text(parts, str(value.value))
                elif isinstance(value, ast.FormattedValue):
                    conv = "r" if value.conversion == ord("r") else "s"
                    parts.append(
                        {
                            "expr": self.expr(value.value, state),
                            "conv": conv,
                            "src": ast.unparse(value.value),
                        }
                    )
            return parts
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = self._message(node.left, state)
            for part in self._message(node.right, state):
                if isinstance(part, str):
                    _append_text(parts, part)
                else:
                    parts.append(part)
            return parts
        if isinstance(node, ast.Name) and node.id in state.local:
            return [{"expr": state.local[node.id], "conv": "s", "src": node.id}]
        return [{"expr": self.expr(node, state), "conv": "s", "src": ast.unparse(node)}]

    # ---- expressions
    def _is_config(self, node: ast.expr) -> bool:
        if self.phase != "trainer":
            return False
        if isinstance(node, ast.Name) and node.id == "args":
            return True
        return isinstance(node, ast.Attribute) and node.attr == "args" and _is_self(node.value)

    def _config_attr(self, name: str, state: State) -> Any:
        if name in state.attrs:
            return state.attrs[name]
        if name in self.fields:
            return ["arg", name]
        return self._class_constant(name)

    def _class_constant(self, name: str) -> Any:
        for cls in self.mro:
            for stmt in cls.node.body:
                if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in stmt.targets
                ):
                    ok, literal = _json_literal(stmt.value)
                    return ["const", literal] if ok else UNKNOWN
        return UNKNOWN

    def expr(self, node: ast.expr, state: State) -> Any:
        try:
            return _cap(self._expr(node, state))
        except RecursionError:
            return UNKNOWN

    def _expr(self, node: ast.expr, state: State) -> Any:
        if isinstance(node, ast.Constant):
            return _const(node.value)
        if isinstance(node, ast.Name):
            if node.id in state.local:
                return state.local[node.id]
            return UNKNOWN
        if isinstance(node, ast.Attribute):
            if _is_self(node.value):
                if self.phase == "config":
                    return self._config_attr(node.attr, state)
                return state.trainer.get(node.attr, UNKNOWN)
            if self._is_config(node.value):
                return self._config_attr(node.attr, state)
            return self._enum_member(node)
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return [op, *[self._expr(v, state) for v in node.values]]
        if isinstance(node, ast.UnaryOp):
            inner = self._expr(node.operand, state)
            if isinstance(node.op, ast.Not):
                return ["not", inner]
            if isinstance(node.op, ast.USub):
                if (
                    inner[0] == "const"
                    and isinstance(inner[1], int | float)
                    and not isinstance(inner[1], bool)
                ):
                    return ["const", -inner[1]]
                return ["neg", inner]
            if isinstance(node.op, ast.UAdd):
                return inner
            return UNKNOWN
        if isinstance(node, ast.Compare):
            left = self._expr(node.left, state)
            parts: list[Any] = []
            for cmp_op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self._expr(comparator, state)
                parts.append(["cmp", _CMP_OPS.get(type(cmp_op), "?"), left, right])
                left = right
            return parts[0] if len(parts) == 1 else ["and", *parts]
        if isinstance(node, ast.BinOp):
            op_name = _BIN_OPS.get(type(node.op))
            if op_name is None:
                return UNKNOWN
            return ["bin", op_name, self._expr(node.left, state), self._expr(node.right, state)]
        if isinstance(node, ast.IfExp):
            return [
                "ifexp",
                self._expr(node.test, state),
                self._expr(node.body, state),
                self._expr(node.orelse, state),
            ]
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            ok, literal = _json_literal(node)
            if ok:
                return ["const", literal]
            kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "setd"}[type(node)]
            return [kind, *[self._expr(e, state) for e in node.elts]]
        if isinstance(node, ast.Dict):
            ok, literal = _json_literal(node)
            return ["const", literal] if ok else UNKNOWN
        if isinstance(node, ast.Subscript):
            index = self._expr(node.slice, state)
            if index[0] != "const":
                return UNKNOWN
            return ["item", self._expr(node.value, state), index]
        if isinstance(node, ast.Call):
            return self._call(node, state)
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            return self._comprehension(node, state, "listcomp")
        return UNKNOWN

    def _comprehension(self, node: ast.GeneratorExp | ast.ListComp, state: State, kind: str) -> Any:
        if len(node.generators) != 1:
            return UNKNOWN
        gen = node.generators[0]
        if not isinstance(gen.target, ast.Name) or gen.is_async:
            return UNKNOWN
        iterable = self._expr(gen.iter, state)
        inner = state.fork()
        inner.local[gen.target.id] = ["var", gen.target.id]
        conds = [self._expr(c, inner) for c in gen.ifs]
        element = self._expr(node.elt, inner)
        cond = _and(*conds) if conds else ["const", True]
        return [kind, gen.target.id, iterable, element, cond]

    def _call(self, node: ast.Call, state: State) -> Any:
        name = _dotted(node.func)
        if node.keywords and name not in ("getattr",):
            return UNKNOWN
        if name in ("any", "all") and len(node.args) == 1:
            arg = node.args[0]
            if isinstance(arg, ast.GeneratorExp | ast.ListComp):
                comp = self._comprehension(arg, state, name)
                if comp[0] == name:
                    # [kind, var, iter, element, cond] -> any over cond & element
                    _, var, iterable, element, cond = comp
                    body = element if cond == ["const", True] else ["and", cond, element]
                    return [name, var, iterable, body]
                return UNKNOWN
            return ["call", name, self._expr(arg, state)]
        if name in _CALLS:
            return ["call", name, *[self._expr(a, state) for a in node.args]]
        if name == "isinstance" and len(node.args) == 2:
            types = node.args[1]
            elts = types.elts if isinstance(types, ast.Tuple) else [types]
            type_names = []
            for elt in elts:
                dotted = _dotted(elt)
                if dotted is None:
                    return UNKNOWN
                type_names.append(dotted.rsplit(".", 1)[-1])
            return ["call", "isinstance", self._expr(node.args[0], state), ["const", type_names]]
        if name == "hasattr" and len(node.args) == 2:
            return [
                "call",
                "hasattr",
                self._expr(node.args[0], state),
                self._expr(node.args[1], state),
            ]
        if name == "getattr" and len(node.args) in (2, 3) and _is_self(node.args[0]):
            attr = self._expr(node.args[1], state)
            if attr[0] == "const" and isinstance(attr[1], str) and self.phase == "config":
                return self._config_attr(attr[1], state)
            return UNKNOWN
        if isinstance(node.func, ast.Attribute) and node.func.attr in _STR_METHODS:
            return [
                "meth",
                node.func.attr,
                self._expr(node.func.value, state),
                *[self._expr(a, state) for a in node.args],
            ]
        if isinstance(node.func, ast.Name | ast.Attribute) and len(node.args) == 1:
            enum = self._enum_values(node.func)
            if enum is not None:
                values, is_str = enum
                inner = self._expr(node.args[0], state)
                if inner[0] == "arg" and self.phase == "config":
                    self.choices.setdefault(inner[1], values)
                return inner if is_str else UNKNOWN
        return UNKNOWN

    def _enum_values(self, func: ast.expr) -> tuple[list[str], bool] | None:
        found = self.resolver.resolve_expr(self.module, func)
        if not isinstance(found, ClassInfo):
            return None
        return enum_members(self.resolver, found)

    def _enum_member(self, node: ast.Attribute) -> Any:
        found = self.resolver.resolve_expr(self.module, node.value)
        if not isinstance(found, ClassInfo) or enum_members(self.resolver, found) is None:
            return UNKNOWN
        for stmt in found.node.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.attr for t in stmt.targets
            ):
                ok, literal = _json_literal(stmt.value)
                return ["const", literal] if ok else UNKNOWN
        return UNKNOWN


def enum_members(resolver: Resolver, cls: ClassInfo) -> tuple[list[str], bool] | None:
    """String member values of an Enum class and whether it mixes in ``str``."""
    names = [c if isinstance(c, str) else c.qualname for c in resolver.mro(cls)]
    if not any(n.endswith("Enum") for n in names[1:]):
        return None
    is_str = "builtins.str" in names or any(
        n.endswith("ExplicitEnum") or n.endswith("StrEnum") for n in names
    )
    values: list[str] = []
    for stmt in cls.node.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            values.append(stmt.value.value)
    return (values, is_str) if values else None


_CMP_OPS: dict[type, str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_BIN_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}


def _append_text(parts: list[Any], text: str) -> None:
    if parts and isinstance(parts[-1], str):
        parts[-1] += text
    else:
        parts.append(text)


def _and(*conds: Any) -> Any:
    flat: list[Any] = []
    for cond in conds:
        if cond == ["const", True]:
            continue
        if isinstance(cond, list) and cond and cond[0] == "and":
            flat.extend(cond[1:])
        else:
            flat.append(cond)
    if not flat:
        return ["const", True]
    return flat[0] if len(flat) == 1 else ["and", *flat]


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _as_load(node: ast.expr) -> ast.expr:
    clone = copy.deepcopy(node)
    for sub in ast.walk(clone):
        if hasattr(sub, "ctx"):
            sub.ctx = ast.Load()
    return clone


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
            return stmt
    return None


def _walk_no_nested(body: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, ast.For | ast.While | ast.FunctionDef | ast.AsyncFor | ast.Lambda
            ):
                stack.append(child)


def _refs(tree: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(tree, list) and tree:
        if tree[0] == "arg" and len(tree) == 2:
            out.add(tree[1])
        else:
            for sub in tree[1:]:
                out |= _refs(sub)
    elif isinstance(tree, dict) and "expr" in tree:
        out |= _refs(tree["expr"])
    return out


def _is_set_test(cond: Any, fields: dict[str, FieldInfo]) -> bool:
    """``self.x``, ``self.x is not None`` or ``self.x != <default>``: "x was passed"."""
    if cond[0] == "arg":
        return True
    if (
        cond[0] == "cmp"
        and cond[1] in ("is not", "!=")
        and cond[2][0] == "arg"
        and cond[3][0] == "const"
    ):
        f = fields.get(cond[2][1])
        return cond[3][1] is None or (
            f is not None and f.has_literal_default and f.default == cond[3][1]
        )
    return False


def _has_unknown(tree: Any) -> bool:
    if tree == UNKNOWN:
        return True
    return isinstance(tree, list) and any(_has_unknown(t) for t in tree[1:])


def _viable(cond: Any) -> bool:
    """Could this condition ever evaluate to True on literal arguments?

    A conjunct that mentions no argument but something we cannot model is
    never known to hold, so a rule guarded by it can never fire: drop it.
    """
    conjuncts = cond[1:] if cond[0] == "and" else [cond]
    if not _refs(cond):
        return False
    return not any(
        _has_unknown(c) and not _refs(c) and "var" not in json.dumps(c) for c in conjuncts
    )


# --------------------------------------------------------------------------- loss types


def _is_loss_ref(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("loss_type", "lt")
    return isinstance(node, ast.Attribute) and node.attr in ("loss_type", "loss_types")


def _str_consts(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        out = []
        for elt in node.elts:
            if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
                return None
            out.append(elt.value)
        return out
    return None


def _loss_test(test: ast.expr) -> list[str] | None:
    """Values a pure ``loss_type == 'x'`` / ``in (...)`` test matches."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        out: list[str] = []
        for value in test.values:
            sub = _loss_test(value)
            if sub is None:
                return None
            out += sub
        return out
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and _is_loss_ref(test.left)
        and isinstance(test.ops[0], ast.Eq | ast.In)
    ):
        return _str_consts(test.comparators[0])
    return None


def _only_raises(body: Sequence[ast.stmt]) -> bool:
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _message_text(node: ast.expr | None) -> str:
    if isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"  # type: ignore[attr-defined]
            for v in node.values
        )
    return "" if node is None else ast.unparse(node)


@dataclass
class LossTypes:
    dispatch: set[str] = field(default_factory=set)
    validated: set[str] = field(default_factory=set)
    rejected: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)


def dispatch_chains(tree: ast.Module, found: LossTypes) -> None:
    """Collect loss-type dispatch chains: ``if loss_type == ...: elif ...: else: raise``."""
    elifs: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and len(node.orelse) == 1
            and isinstance(node.orelse[0], ast.If)
        ):
            elifs.add(id(node.orelse[0]))
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        if id(node) not in elifs:
            branches: list[tuple[list[str], list[ast.stmt]]] = []
            current: ast.If | None = node
            final: list[ast.stmt] = []
            ok = True
            while current is not None:
                values = _loss_test(current.test)
                if values is None:
                    ok = False
                    break
                branches.append((values, current.body))
                if len(current.orelse) == 1 and isinstance(current.orelse[0], ast.If):
                    current = current.orelse[0]
                else:
                    final = current.orelse
                    current = None
            if ok and branches:
                ends_in_raise = _only_raises(final)
                for values, body in branches:
                    if _only_raises(body):
                        for value in values:
                            found.rejected.setdefault(value, _message_text(body[0].exc))  # type: ignore[attr-defined]
                    elif len(branches) >= 2 or ends_in_raise:
                        found.dispatch.update(values)
        # validation: ``if loss_type not in (...): raise``
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.NotIn)
            and _is_loss_ref(test.left)
            and _only_raises(node.body)
        ):
            values = _str_consts(test.comparators[0])
            if values:
                found.validated.update(values)


def loss_aliases(func: ast.FunctionDef, found: LossTypes) -> None:
    """Deprecated loss types a config's ``__post_init__`` still maps to a new name."""
    for node in ast.walk(func):
        if not isinstance(node, ast.If):
            continue
        compared: list[str] = []
        for sub in ast.walk(node.test):
            if isinstance(sub, ast.Compare) and len(sub.ops) == 1:
                left, right = sub.left, sub.comparators[0]
                if _is_loss_ref(right) and isinstance(sub.ops[0], ast.In):
                    compared += _str_consts(left) or []
                elif _is_loss_ref(left) and isinstance(sub.ops[0], ast.Eq | ast.In):
                    compared += _str_consts(right) or []
        if len(compared) != 1:
            continue
        warn = next(
            (
                call
                for stmt in node.body
                for call in ast.walk(stmt)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in _WARN_FUNCS
            ),
            None,
        )
        if warn is None:
            continue
        inside_warn = {id(n) for n in ast.walk(warn)}
        others = sorted(
            {
                n.value
                for stmt in node.body
                for n in ast.walk(stmt)
                if isinstance(n, ast.Constant)
                and isinstance(n.value, str)
                and id(n) not in inside_warn
                and n.value != compared[0]
            }
        )
        info = {"deprecated": _message_text(warn.args[0] if warn.args else None)}
        if others:
            info["replaced_by"] = others[0]
        found.aliases[compared[0]] = info


_VALUES_SENTENCE = re.compile(
    r"(?is)(?:possible|supported|valid)\s+(?:values|loss types)(?:\s+are)?\s*:?(.*?)(?:\.\s|\.$|$)"
)
_QUOTED = re.compile(r"""['"]([a-z][a-z0-9_]*)['"]""")


# --------------------------------------------------------------------------- classes to data


@dataclass
class ClassData:
    name: str
    info: ClassInfo
    data: dict[str, Any]
    rules: list[dict[str, Any]]


class PackageExtractor:
    def __init__(self, sources: Sources, own_prefix: str) -> None:
        self.sources = sources
        self.resolver = Resolver(sources)
        self.own_prefix = own_prefix
        self._dispatch: dict[str, LossTypes] = {}
        self._isinstance: dict[int, list[tuple[str, str]]] = {}

    def classes(self, names: dict[str, tuple[str, str]]) -> dict[str, ClassData]:
        """``names`` maps an exported name to (module to resolve it in, import path)."""
        out: dict[str, ClassData] = {}
        for name in sorted(names):
            module, import_path = names[name]
            found = self.resolver.resolve(module, name)
            if not isinstance(found, ClassInfo) or not found.is_dataclass:
                continue
            out[name] = self.describe(name, found, import_path)
        return out

    def describe(self, name: str, cls: ClassInfo, import_path: str) -> ClassData:
        mro = self.resolver.mro(cls)
        fields = _dataclass_fields(mro)
        executor = Executor(self.resolver, mro, set(fields))
        final = executor.run_post_init()
        trainers = self._trainers(mro)
        for trainer in trainers:
            executor.run_trainer_init(trainer, final)
        external = next(
            (
                c.qualname
                for c in mro
                if isinstance(c, ClassInfo)
                and not c.module.startswith(self.own_prefix)
                and c.is_dataclass
            ),
            None,
        )
        accepts = self._isinstance_types(mro, trainers, set(fields))
        own_accepts = self._isinstance_types(
            [c for c in mro if isinstance(c, ClassInfo) and c.module.startswith(self.own_prefix)],
            trainers,
            set(fields),
        )
        arguments: dict[str, Any] = {}
        for fname in sorted(fields):
            f = fields[fname]
            if external is not None and not f.owner.startswith(self.own_prefix):
                continue  # stored once with the external base
            arguments[fname] = field_data(f, executor.choices.get(fname), accepts.get(fname))
        rules: list[dict[str, Any]] = []
        deprecated: dict[str, str] = {}
        for rule in executor.rules:
            if not _viable(rule.cond):
                continue
            refs = _refs(rule.cond)
            text = "".join(p for p in rule.message if isinstance(p, str))
            if rule.level == "warning":
                if (
                    len(refs) == 1
                    and "deprecat" in text.lower()
                    and _is_set_test(rule.cond, fields)
                ):
                    deprecated.setdefault(next(iter(refs)), text)
                continue
            rules.append(rule.data())
        for arg, text in deprecated.items():
            if arg in arguments:
                arguments[arg]["deprecated"] = text
        data: dict[str, Any] = {
            "module": cls.module,
            "import": import_path,
            "mro": [c if isinstance(c, str) else c.qualname for c in mro],
            "arguments": arguments,
        }
        if external is not None:
            data["inherits"] = external
        if "loss_type" in fields:
            loss = self._loss_types(mro, trainers, fields["loss_type"])
            if loss:
                data.update(loss)
        if external is not None:
            # accepted types / choices discovered on inherited arguments
            extra: dict[str, Any] = {}
            for fname in sorted(fields):
                f = fields[fname]
                if f.owner.startswith(self.own_prefix):
                    continue
                note: dict[str, Any] = {}
                if fname in own_accepts:
                    note["accepts"] = sorted(own_accepts[fname])
                if fname in deprecated:
                    note["deprecated"] = deprecated[fname]
                if note:
                    extra[fname] = note
            if extra:
                data["inherited_notes"] = extra
        return ClassData(name, cls, data, _dedupe(rules))

    def external_class(self, qualname: str) -> dict[str, Any] | None:
        module, _, name = qualname.rpartition(".")
        found = self.resolver.resolve(module, name)
        if not isinstance(found, ClassInfo):
            return None
        mro = self.resolver.mro(found)
        fields = _dataclass_fields(mro)
        executor = Executor(self.resolver, mro, set(fields))
        executor.run_post_init()
        accepts = self._isinstance_types(mro, [], set(fields))
        return {
            "module": module,
            "mro": [c if isinstance(c, str) else c.qualname for c in mro],
            "arguments": {
                n: field_data(fields[n], executor.choices.get(n), accepts.get(n))
                for n in sorted(fields)
            },
        }

    def _trainers(self, mro: list[ClassInfo | str]) -> list[ClassInfo]:
        """The trainer classes that go with the config classes along the MRO."""
        out: list[ClassInfo] = []
        for item in mro:
            if not isinstance(item, ClassInfo) or not item.module.startswith(self.own_prefix):
                continue
            if not item.node.name.endswith("Config") or not item.module.endswith("_config"):
                continue
            trainer_module = item.module[: -len("_config")] + "_trainer"
            trainer_name = item.node.name.lstrip("_")[: -len("Config")] + "Trainer"
            found = self.resolver.resolve(trainer_module, trainer_name)
            if (
                isinstance(found, ClassInfo)
                and _method(found.node, "__init__") is not None
                and all(t.qualname != found.qualname for t in out)
            ):
                out.append(found)
        return out

    def _isinstance_types(
        self, mro: list[ClassInfo | str], trainers: list[ClassInfo], fields: set[str]
    ) -> dict[str, set[str]]:
        """Types an argument is explicitly handled as: ``isinstance(self.x, str)``."""
        out: dict[str, set[str]] = {}
        funcs: list[ast.AST] = []
        for item in mro:
            if isinstance(item, ClassInfo):
                funcs += [s for s in item.node.body if isinstance(s, ast.FunctionDef)]
        for trainer in trainers:
            init = _method(trainer.node, "__init__")
            if init is not None:
                funcs.append(init)
        for func in funcs:
            for attr, type_name in self._isinstance_checks(func):
                if attr in fields:
                    out.setdefault(attr, set()).add(type_name)
        return out

    def _isinstance_checks(self, func: ast.AST) -> list[tuple[str, str]]:
        key = id(func)
        if key in self._isinstance:
            return self._isinstance[key]
        found: list[tuple[str, str]] = []
        for node in ast.walk(func):
            if not (isinstance(node, ast.Call) and _dotted(node.func) == "isinstance"):
                continue
            if len(node.args) != 2 or not isinstance(node.args[0], ast.Attribute):
                continue
            owner = node.args[0].value
            if not (_is_self(owner) or _dotted(owner) in ("args", "self.args")):
                continue
            types = node.args[1]
            for elt in types.elts if isinstance(types, ast.Tuple) else [types]:
                dotted = _dotted(elt)
                if dotted in ("str", "int", "float", "bool", "list", "dict", "tuple"):
                    found.append((node.args[0].attr, dotted))
        self._isinstance[key] = found
        return found

    def _module_dispatch(self, module: str) -> LossTypes:
        if module not in self._dispatch:
            found = LossTypes()
            tree = self.sources.module(module)
            if tree is not None:
                dispatch_chains(tree, found)
            self._dispatch[module] = found
        return self._dispatch[module]

    def _loss_types(
        self, mro: list[ClassInfo | str], trainers: list[ClassInfo], loss_field: FieldInfo
    ) -> dict[str, Any]:
        found = LossTypes()
        for trainer in trainers:
            cached = self._module_dispatch(trainer.module)
            found.dispatch |= cached.dispatch
            found.validated |= cached.validated
            for key, value in cached.rejected.items():
                found.rejected.setdefault(key, value)
        for item in mro:
            if isinstance(item, ClassInfo) and item.module.startswith(self.own_prefix):
                post = _method(item.node, "__post_init__")
                if post is not None:
                    loss_aliases(post, found)
                    module_tree = ast.Module(body=[post], type_ignores=[])
                    dispatch_chains(module_tree, found)
        literal = (
            set(re.findall(r"""['"]([A-Za-z0-9_]+)['"]""", loss_field.annotation))
            if ("Literal" in loss_field.annotation)
            else set()
        )
        base = found.dispatch or found.validated or literal
        if not base:
            return {}
        valid = base | set(found.aliases)
        table: dict[str, Any] = {}
        for value in sorted(valid):
            table[value] = found.aliases.get(value, {})
        out: dict[str, Any] = {"loss_types": table}
        rejected = {k: v for k, v in sorted(found.rejected.items()) if k not in valid}
        if rejected:
            out["loss_types_rejected"] = rejected
        help_text = ""
        for stmt in loss_help(self.resolver, mro):
            help_text += stmt
        listed = _VALUES_SENTENCE.search(help_text)
        documented = set(_QUOTED.findall(listed.group(1) if listed else help_text))
        if literal:
            documented |= literal
        if documented:
            mismatch = {
                "documented_not_accepted": sorted(documented - valid),
                "accepted_not_documented": sorted(valid - documented - set(found.aliases)),
            }
            mismatch = {k: v for k, v in mismatch.items() if v}
            if mismatch:
                out["loss_types_doc_mismatch"] = mismatch
        return out


def loss_help(resolver: Resolver, mro: list[ClassInfo | str]) -> Iterator[str]:
    """The ``help`` metadata of the nearest ``loss_type`` field."""
    for item in mro:
        if not isinstance(item, ClassInfo):
            continue
        for stmt in item.node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if stmt.target.id != "loss_type":
                    continue
                call = _field_call(stmt.value)
                if call is None:
                    return
                for kw in call.keywords:
                    if kw.arg == "metadata" and isinstance(kw.value, ast.Dict):
                        for key, val in zip(kw.value.keys, kw.value.values, strict=True):
                            if isinstance(key, ast.Constant) and key.value == "help":
                                ok, text = _json_literal(val)
                                if ok and isinstance(text, str):
                                    yield text
                return


def field_data(
    f: FieldInfo, enum_choices: list[str] | None, accepts: set[str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"annotation": f.annotation}
    if f.has_literal_default:
        out["default"] = f.default
    elif f.default_source is not None:
        out["default_source"] = f.default_source
    else:
        out["required"] = True
    choices = enum_choices if enum_choices is not None else (list(f.choices) if f.choices else None)
    if choices:
        out["choices"] = choices
    if accepts:
        out["accepts"] = sorted(accepts)
    return out


def _dedupe(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for rule in rules:
        key = json.dumps(rule, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(rule)
    return out


def rule_id(rule: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(rule, sort_keys=True).encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- releases


def trl_exports(sources: Sources) -> dict[str, tuple[str, str]]:
    """Every ``*Config`` trl exports at top level, plus the experimental ones."""
    names: dict[str, tuple[str, str]] = {}
    tree = sources.module("trl")
    if tree is None:
        raise ExtractError("the trl wheel has no trl/__init__.py")
    exported: set[str] = set()
    for stmt in _walk_toplevel(tree.body):
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
        for stmt in _walk_toplevel(sub.body):
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    name = alias.asname or alias.name
                    if name.endswith("Config") and not name.startswith("_") and name not in names:
                        names[name] = (module, module)
    return names


def check_requirement(sources: Sources, wheel_name: str, dist: str, version: str) -> None:
    meta = sources.metadata.get(wheel_name, "")
    for line in meta.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        req = Requirement(line.split(":", 1)[1].strip())
        if (
            canonicalize_name(req.name) == dist
            and req.marker is None
            and not req.specifier.contains(version, prereleases=True)
        ):
            raise ExtractError(f"{wheel_name} requires {req}, not {dist}=={version}")


def wheel_path(directory: Path, dist: str, version: str) -> Path | None:
    prefix = f"{dist.replace('-', '_')}-{version}-"
    for path in sorted(directory.glob("*.whl")):
        if path.name.lower().startswith(prefix.lower()):
            return path
    return None


def download(directory: Path, specs: Sequence[tuple[str, str]], jobs: int = 6) -> None:
    """``pip download --no-deps`` whatever of ``specs`` is not in ``directory`` yet."""
    from concurrent.futures import ThreadPoolExecutor

    directory.mkdir(parents=True, exist_ok=True)
    missing = [(d, v) for d, v in specs if wheel_path(directory, d, v) is None]

    def fetch(spec: tuple[str, str]) -> str | None:
        dist, version = spec
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        cmd += ["--disable-pip-version-check", "-q", "-d", str(directory), f"{dist}=={version}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or wheel_path(directory, dist, version) is None:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return f"pip download {dist}=={version} failed: " + " | ".join(tail)
        return None

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        errors = [e for e in pool.map(fetch, missing) if e]
    if errors:
        raise ExtractError("; ".join(errors))


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
            entry = dict(cls.data, rules=_pool(cls.rules, rule_pool))
            table[name] = _pool([entry], class_pool)[0]
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
        entry = dict(cls.data, rules=_pool(cls.rules, rule_pool))
        peft_classes[name] = _pool([entry], class_pool)[0]
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


def _pool(rules: list[dict[str, Any]], pool: dict[str, dict[str, Any]]) -> list[str]:
    ids = []
    for rule in rules:
        key = rule_id(rule)
        pool[key] = rule
        ids.append(key)
    return ids


def dumps(data: Any) -> str:
    """Deterministic JSON: indented down to one argument / rule per line, compact below."""
    return _emit(data, 0) + "\n"


def _emit(value: Any, depth: int) -> str:
    if depth >= 4 or not isinstance(value, dict) or not value:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    pad = " " * (depth + 1)
    items = [
        f"{pad}{json.dumps(key, ensure_ascii=False)}: {_emit(value[key], depth + 1)}"
        for key in sorted(value)
    ]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


def _dataclass_fields(mro: Sequence[ClassInfo | str]) -> dict[str, FieldInfo]:
    """The fields of every dataclass along ``mro``, a subclass's overriding its bases'."""
    fields: dict[str, FieldInfo] = {}
    for item in reversed(mro):
        if isinstance(item, ClassInfo) and item.is_dataclass:
            for f in class_fields(item):
                fields[f.name] = f
    return fields
