"""Symbolic execution of ``__post_init__`` and trainer ``__init__`` over the arguments.

The checks TRL performs on its arguments become data: a condition tree over the
keyword arguments plus the message TRL raises or warns with. Condition trees are
JSON lists; :mod:`skillshelf.trl.signatures` evaluates them.
"""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from skillshelf.trl.resolve import (
    ClassInfo,
    FieldInfo,
    Resolver,
    dotted_name,
    enum_members,
    json_literal,
    jsonable,
    method,
)

UNKNOWN: list[Any] = ["?"]
_MAX_TREE = 400
_MAX_INLINE_DEPTH = 6


def _size(tree: Any) -> int:
    if isinstance(tree, list):
        return 1 + sum(_size(t) for t in tree)
    return 1


def _cap(tree: Any) -> Any:
    return UNKNOWN if _size(tree) > _MAX_TREE else tree


def _const(value: Any) -> Any:
    ok, literal = jsonable(value)
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


WARN_FUNCS = frozenset({"warn", "warning", "warning_once", "warning_advice"})
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
        init = method(trainer.node, "__init__")
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
            func = method(cls.node, name)
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
        if isinstance(node, ast.Attribute) and is_self(node.value):
            bucket = state.attrs if self.phase == "config" else state.trainer
            bucket[node.attr] = UNKNOWN
        elif isinstance(node, ast.Attribute) and self._is_config(node.value):
            state.attrs[node.attr] = UNKNOWN

    def _assign(self, target: ast.expr, value: Any, value_node: ast.expr, state: State) -> None:
        if isinstance(target, ast.Attribute) and is_self(target.value):
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
            owner = dotted_name(func.value)
            if func.attr in WARN_FUNCS and owner in ("warnings", "logger", "logging"):
                category = None
                if len(call.args) > 1:
                    category = dotted_name(call.args[1])
                for kw in call.keywords:
                    if kw.arg == "category":
                        category = dotted_name(kw.value)
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
                and dotted_name(func.value.func) == "super"
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
                is_self(func.value)
                and self.phase == "config"
                and not call.args
                and not call.keywords
            ):
                self._call_method(func.attr, state, 0)
                return
        if dotted_name(func) == "setattr" and len(call.args) == 3 and is_self(call.args[0]):
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
            exc = dotted_name(msg.func)
            msg = msg.args[0] if msg.args else None
        elif exc is None and msg is not None:
            exc = dotted_name(msg)
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
        return isinstance(node, ast.Attribute) and node.attr == "args" and is_self(node.value)

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
                    ok, literal = json_literal(stmt.value)
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
            if is_self(node.value):
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
            ok, literal = json_literal(node)
            if ok:
                return ["const", literal]
            kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "setd"}[type(node)]
            return [kind, *[self._expr(e, state) for e in node.elts]]
        if isinstance(node, ast.Dict):
            ok, literal = json_literal(node)
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
        name = dotted_name(node.func)
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
                dotted = dotted_name(elt)
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
        if name == "getattr" and len(node.args) in (2, 3) and is_self(node.args[0]):
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
                ok, literal = json_literal(stmt.value)
                return ["const", literal] if ok else UNKNOWN
        return UNKNOWN


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


def is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _as_load(node: ast.expr) -> ast.expr:
    clone = copy.deepcopy(node)
    for sub in ast.walk(clone):
        if hasattr(sub, "ctx"):
            sub.ctx = ast.Load()
    return clone


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


def referenced_args(tree: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(tree, list) and tree:
        if tree[0] == "arg" and len(tree) == 2:
            out.add(tree[1])
        else:
            for sub in tree[1:]:
                out |= referenced_args(sub)
    elif isinstance(tree, dict) and "expr" in tree:
        out |= referenced_args(tree["expr"])
    return out


def is_set_test(cond: Any, fields: dict[str, FieldInfo]) -> bool:
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


def viable(cond: Any) -> bool:
    """Could this condition ever evaluate to True on literal arguments?

    A conjunct that mentions no argument but something we cannot model is
    never known to hold, so a rule guarded by it can never fire: drop it.
    """
    conjuncts = cond[1:] if cond[0] == "and" else [cond]
    if not referenced_args(cond):
        return False
    return not any(
        _has_unknown(c) and not referenced_args(c) and "var" not in json.dumps(c) for c in conjuncts
    )
