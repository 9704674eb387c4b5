"""Class resolution across modules and packages, and the dataclass fields of a class.

Names are followed through ``from x import y``, assignments and lazy
``_import_structure`` tables until they reach a ``class`` statement; a class we
cannot see (outside the wheels) is a leaf named by its qualified name.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from skillshelf.trl.wheels import Sources, relative_module, walk_toplevel

_BUILTIN_NAMES = frozenset(dir(builtins))


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
class FunctionInfo:
    module: str
    node: ast.FunctionDef

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.node.name}"


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
        self._tables: dict[int, dict[str, str]] = {}

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
        for stmt in walk_toplevel(tree.body):
            if isinstance(stmt, ast.ClassDef) and stmt.name == name:
                bases = [self.resolve_expr(module, b, depth + 1) for b in stmt.bases]
                return ClassInfo(module, stmt, [b for b in bases if b is not None])
        for stmt in walk_toplevel(tree.body):
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) != name:
                        continue
                    target = relative_module(module, is_package, stmt.level, stmt.module)
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

    def function(self, module: str, name: str, depth: int = 0) -> FunctionInfo | None:
        """A module-level ``def`` reached from ``module.name`` through imports."""
        tree = self.sources.module(module)
        if tree is None or depth > 30:
            return None
        defined = [
            stmt
            for stmt in walk_toplevel(tree.body)
            if isinstance(stmt, ast.FunctionDef) and stmt.name == name
        ]
        if defined:  # the last ``def`` is the one Python keeps (``@overload`` stubs come first)
            return FunctionInfo(module, defined[-1])
        is_package = module in self.sources.packages
        for stmt in walk_toplevel(tree.body):
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) == name:
                        target = relative_module(module, is_package, stmt.level, stmt.module)
                        found = self.function(target, alias.name, depth + 1)
                        if found is not None:
                            return found
        lazy = self._lazy_submodule(tree, name)
        return None if lazy is None else self.function(f"{module}.{lazy}", name, depth + 1)

    def _lazy_submodule(self, tree: ast.Module, name: str) -> str | None:
        """The submodule that a ``_import_structure`` table maps ``name`` to."""
        table = self._tables.get(id(tree))
        if table is None:
            table = self._tables[id(tree)] = import_structure(tree)
        return table.get(name)

    def resolve_expr(self, module: str, node: ast.expr, depth: int = 0) -> ClassInfo | str | None:
        if isinstance(node, ast.Name):
            return self.resolve(module, node.id, depth)
        if isinstance(node, ast.Attribute):
            dotted = dotted_name(node)
            if dotted is None:
                return None
            head, _, rest = dotted.partition(".")
            tree = self.sources.module(module)
            target_module = head
            if tree is not None:
                for stmt in walk_toplevel(tree.body):
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


def _str_items(node: ast.expr) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return []


def import_structure(tree: ast.Module) -> dict[str, str]:
    """A lazy package's ``_import_structure``: exported name -> submodule.

    Read from the dict literal, ``_import_structure["sub"] = [...]`` and
    ``_import_structure["sub"].extend([...])`` / ``.append("x")`` anywhere at
    module level (optional-dependency branches included: what a release can
    export with its extras installed). The first submodule named wins.
    """
    table: dict[str, str] = {}

    def add(submodule: object, names: list[str]) -> None:
        if isinstance(submodule, str):
            for name in names:
                table.setdefault(name, submodule)

    for stmt in walk_toplevel(tree.body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and target.id == "_import_structure":
                if isinstance(stmt.value, ast.Dict):
                    for key, value in zip(stmt.value.keys, stmt.value.values, strict=True):
                        if isinstance(key, ast.Constant):
                            add(key.value, _str_items(value))
            elif _is_structure_item(target):
                assert isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                add(target.slice.value, _str_items(stmt.value))
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr in ("extend", "append")
            and _is_structure_item(stmt.value.func.value)
            and stmt.value.args
        ):
            item = stmt.value.func.value
            assert isinstance(item, ast.Subscript) and isinstance(item.slice, ast.Constant)
            arg = stmt.value.args[0]
            names = _str_items(arg)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names = [arg.value]
            add(item.slice.value, names)
    return table


def _is_structure_item(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "_import_structure"
        and isinstance(node.slice, ast.Constant)
    )


def dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def json_literal(node: ast.expr) -> tuple[bool, Any]:
    """``(True, value)`` when ``node`` is a literal JSON can hold."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None
    return jsonable(value)


def jsonable(value: Any) -> tuple[bool, Any]:
    if value is None or isinstance(value, bool | str):
        return True, value
    if isinstance(value, int):
        return True, value
    if isinstance(value, float):
        return (value == value and value not in (float("inf"), float("-inf"))), value
    if isinstance(value, list | tuple):
        items = [jsonable(v) for v in value]
        if all(ok for ok, _ in items):
            return True, [v for _, v in items]
        return False, None
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return False, None
        pairs = {k: jsonable(v) for k, v in value.items()}
        if all(ok for ok, _ in pairs.values()):
            return True, {k: v for k, (_, v) in pairs.items()}
    return False, None


def field_call(value: ast.expr | None) -> ast.Call | None:
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
        call = field_call(stmt.value)
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
                            ok, literal = json_literal(val)
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
        literal_ok, literal = json_literal(default_node)
        if not literal_ok:
            source = ast.unparse(default_node)
    elif factory is not None:
        if isinstance(factory, ast.Lambda):
            literal_ok, literal = json_literal(factory.body)
        elif isinstance(factory, ast.Name) and factory.id in ("list", "dict", "tuple"):
            literal_ok, literal = True, ({} if factory.id == "dict" else [])
        if not literal_ok:
            source = f"default_factory={ast.unparse(factory)}"
    else:
        source = None  # required
    return FieldInfo(name, cls.qualname, annotation, literal, literal_ok, source, choices)


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


def method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    """The class's ``def name``: the last one, as Python keeps it (after ``@overload`` stubs)."""
    found = None
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
            found = stmt
    return found


def dataclass_fields(mro: Sequence[ClassInfo | str]) -> dict[str, FieldInfo]:
    """The fields of every dataclass along ``mro``, a subclass's overriding its bases'."""
    fields: dict[str, FieldInfo] = {}
    for item in reversed(mro):
        if isinstance(item, ClassInfo) and item.is_dataclass:
            for f in class_fields(item):
                fields[f.name] = f
    return fields
