"""Loss-type discovery: which ``loss_type`` values a config and its trainer accept.

The valid values come from the trainer's loss dispatch (the ``if loss_type ==
...`` chain that ends in ``raise``), cross-checked with the config's own
validation, help text and ``Literal``; deprecated aliases from the config's
``__post_init__``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from skillshelf.trl.resolve import ClassInfo, Resolver, field_call, json_literal
from skillshelf.trl.symbolic import WARN_FUNCS


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


def message_text(node: ast.expr | None) -> str:
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
    #: ``Class.method`` holding a chain that ends in ``raise`` or a ``not in``
    #: check that raises: where an unknown loss type is rejected
    raised_in: set[str] = field(default_factory=set)


def dispatch_chains(tree: ast.Module, found: LossTypes, where: str | None = None) -> None:
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
                if ends_in_raise and where is not None:
                    found.raised_in.add(where)
                for values, body in branches:
                    if _only_raises(body):
                        for value in values:
                            found.rejected.setdefault(value, message_text(body[0].exc))  # type: ignore[attr-defined]
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
                if where is not None:
                    found.raised_in.add(where)


def loss_aliases(func: ast.FunctionDef, found: LossTypes) -> None:
    """Loss types a config's ``__post_init__`` maps to another: deprecated names it warns
    about, and shorthands it rewrites without a word (``"alphapo"`` is ``"simpo"`` with
    ``cpo_alpha=0``), which the trainer's dispatch never sees."""
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
                and call.func.attr in WARN_FUNCS
            ),
            None,
        )
        if warn is None:
            rewritten = _rewrites(node.body)
            if rewritten is not None and rewritten != compared[0]:
                found.aliases[compared[0]] = {"same_as": rewritten}
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
        info = {"deprecated": message_text(warn.args[0] if warn.args else None)}
        if others:
            info["replaced_by"] = others[0]
        found.aliases[compared[0]] = info


def _rewrites(body: Sequence[ast.stmt]) -> str | None:
    """The loss type ``self.loss_type = "x"`` in ``body`` sets, if it does."""
    for stmt in body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and _is_loss_ref(stmt.targets[0])
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            return stmt.value.value
    return None


VALUES_SENTENCE = re.compile(
    r"(?is)(?:possible|supported|valid)\s+(?:values|loss types)(?:\s+are)?\s*:?(.*?)(?:\.\s|\.$|$)"
)
QUOTED = re.compile(r"""['"]([a-z][a-z0-9_]*)['"]""")


def loss_help(resolver: Resolver, mro: list[ClassInfo | str]) -> Iterator[str]:
    """The ``help`` metadata of the nearest ``loss_type`` field."""
    for item in mro:
        if not isinstance(item, ClassInfo):
            continue
        for stmt in item.node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if stmt.target.id != "loss_type":
                    continue
                call = field_call(stmt.value)
                if call is None:
                    return
                for kw in call.keywords:
                    if kw.arg == "metadata" and isinstance(kw.value, ast.Dict):
                        for key, val in zip(kw.value.keys, kw.value.values, strict=True):
                            if isinstance(key, ast.Constant) and key.value == "help":
                                ok, text = json_literal(val)
                                if ok and isinstance(text, str):
                                    yield text
                return


def methods_of(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef]]:
    """``(Class.method, node)`` for every method of every module-level class."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            for item in stmt.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{stmt.name}.{item.name}", item
