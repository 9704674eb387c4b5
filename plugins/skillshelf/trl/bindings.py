"""What the names of a document's snippets stand for: imports of known APIs, module aliases,
and dictionaries written out before they are passed as ``**kwargs``.

A :class:`Scope` lives for one document and learns block by block, in order, as
a reader would: docs often import in one block and call in the next. Anything
rebinding a name (an assignment, a ``def``, another import) makes the name
unknown again, so a local class called ``DPOConfig`` is never judged as TRL's.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

#: Packages whose APIs are followed; an import from one of their modules is
#: judged only for these module names (and ``trl.experimental.*``): a deeper
#: module (``trl.trainer.dpo_config``) is where a class is defined, which the
#: history records too, but an import path we do not follow is never reported.
PACKAGES = ("trl", "peft", "transformers")


@dataclass(frozen=True)
class Api:
    package: str
    name: str  # "DPOConfig", "get_peft_model", "PeftModel.from_pretrained"


@dataclass(frozen=True)
class ImportUse:
    """``from module import name [as local]`` of a known API, where the alias is written."""

    module: str
    api: Api
    local: str
    node: ast.alias


def mentions(names: Iterable[str]) -> re.Pattern[str]:
    """One pattern for "does this code mention any of these names or packages"."""
    words = sorted({*names, *PACKAGES}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@dataclass
class Scope:
    known: Mapping[str, str]  # top-level API name -> package
    methods: Mapping[str, set[str]]  # class name -> known methods ("from_pretrained")
    mentioned: re.Pattern[str]  # :func:`mentions` of ``known``
    bound: dict[str, Api] = field(default_factory=dict)  # local name -> API
    modules: dict[str, str] = field(default_factory=dict)  # local name -> module
    shadowed: set[str] = field(default_factory=set)

    def learn(self, nodes: Sequence[Sequence[ast.AST]]) -> list[ImportUse]:
        """Take in a block's bindings, statement by statement (:func:`statement_nodes`);
        return its imports of known APIs, in order."""
        uses: list[ImportUse] = []
        for node in (node for statement in nodes for node in statement):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                root = node.module.split(".")[0]
                for alias in node.names:
                    local = alias.asname or alias.name
                    if root in PACKAGES and self.known.get(alias.name) == root:
                        api = Api(root, alias.name)
                        self.bound[local] = api
                        self.shadowed.discard(local)
                        uses.append(ImportUse(node.module, api, local, alias))
                    elif root in PACKAGES and alias.name in PACKAGES:
                        self.modules[local] = alias.name
                    else:
                        self._forget(local)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    root = alias.name.split(".")[0]
                    if alias.asname:
                        self.modules[alias.asname] = alias.name
                    else:
                        self.modules[root] = root
            elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                self._forget(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self._forget(node.id)
        uses.sort(key=lambda u: (u.node.lineno, u.node.col_offset))
        return uses

    def concerns(self, code: str) -> bool:
        """Whether ``code`` may call a known API or change what a name means.

        It must mention a known API, one of the packages, or a local name bound
        to one of them; code that mentions none of these can neither call an
        API nor rebind a name that matters, so it is not walked. The test is
        textual (one regular expression) and errs towards walking.
        """
        if self.mentioned.search(code):
            return True
        return any(name in code for name in self.bound) or any(
            name in code
            for name, module in self.modules.items()
            if module.split(".")[0] in PACKAGES
        )

    def _forget(self, name: str) -> None:
        self.bound.pop(name, None)
        if name in self.known:
            self.shadowed.add(name)

    def resolve(self, func: ast.expr) -> Api | None:
        """The API a call's callee names, if it is one we know."""
        if isinstance(func, ast.Name):
            if func.id in self.bound:
                return self.bound[func.id]
            if func.id in self.known and func.id not in self.shadowed:
                return Api(self.known[func.id], func.id)  # a bare call: docs often omit imports
            return None
        if not isinstance(func, ast.Attribute):
            return None
        owner = func.value
        # ``PeftModel.from_pretrained(...)``: a known class's known method
        owner_api = self._name_or_module_attr(owner)
        if owner_api is not None:
            if func.attr in self.methods.get(owner_api.name, set()):
                return Api(owner_api.package, f"{owner_api.name}.{func.attr}")
            return None
        # ``trl.DPOConfig(...)``, ``import trl.experimental.orpo as o; o.ORPOConfig(...)``
        if isinstance(owner, ast.Name | ast.Attribute):
            module = self._module(owner)
            if module is not None:
                root = module.split(".")[0]
                if root in PACKAGES and self.known.get(func.attr) == root:
                    return Api(root, func.attr)
        return None

    def _name_or_module_attr(self, node: ast.expr) -> Api | None:
        if isinstance(node, ast.Name):
            found = self.resolve(node)
            return found if found is not None and "." not in found.name else None
        if isinstance(node, ast.Attribute):
            module = self._module(node.value)
            if module is not None and self.known.get(node.attr) == module.split(".")[0]:
                return Api(module.split(".")[0], node.attr)
        return None

    def _module(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.modules.get(node.id)
        if isinstance(node, ast.Attribute):
            inner = self._module(node.value)
            return None if inner is None else f"{inner}.{node.attr}"
        return None


# --------------------------------------------------------------------------- **kwargs


@dataclass(frozen=True)
class Keyword:
    """One keyword a call passes, written out or from a dictionary it unpacks."""

    name: str
    value: ast.expr
    anchor: ast.AST  # where a finding about it points: the keyword, or the dict's key


class Dictionaries:
    """Dictionaries a block binds to a name at module level, by statement, for ``**name``.

    ``kwargs = dict(beta=0.1)`` or ``kwargs = {"beta": 0.1}`` with every key a
    string literal. Adding to it later (``kwargs["x"] = ...``, ``kwargs.update(...)``,
    ``setdefault``), even under an ``if``, keeps its keys but no longer says
    what it holds: its keys are still checked by name, its values are unknown
    and more keys may come. Any other binding, ``pop``, ``del`` or ``clear``
    makes it unknown from that statement on. Built in one pass; a lookup is a
    binary search.
    """

    _ADDING = frozenset({"update", "setdefault"})
    _REMOVING = frozenset({"pop", "popitem", "clear"})

    def __init__(self, tree: ast.Module, nodes: Sequence[Sequence[ast.AST]]) -> None:
        """``nodes``: the block's :func:`statement_nodes`."""
        self._at: dict[str, tuple[list[int], list[tuple[ast.Dict | ast.Call, bool] | None]]] = {}
        for index, (stmt, inside) in enumerate(zip(tree.body, nodes, strict=True)):
            target: ast.AST | None = None
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                target = stmt.targets[0]
                found = _literal_dict(stmt.value)
                self._bind(stmt.targets[0].id, index, None if found is None else (found, False))
            for node in inside:
                if node is target:
                    continue  # the binding itself, taken in above
                change = _change(node, self._ADDING, self._REMOVING)
                if change is None:
                    continue
                name, adds = change
                current = self.lookup(name, index + 1)
                if adds and current is not None:
                    self._bind(name, index, (current[0], True))
                else:
                    self._bind(name, index, None)

    def _bind(self, name: str, index: int, value: tuple[ast.Dict | ast.Call, bool] | None) -> None:
        indexes, values = self._at.setdefault(name, ([], []))
        if indexes and indexes[-1] == index:
            if value is None or values[-1] is None:
                values[-1] = None  # bound and dropped in one statement: unknown
            else:
                values[-1] = value
            return
        indexes.append(index)
        values.append(value)

    def lookup(self, name: str, statement: int) -> tuple[ast.Dict | ast.Call, bool] | None:
        """The dictionary ``name`` holds when top-level statement ``statement`` runs, and
        whether it may have been added to since it was written."""
        found = self._at.get(name)
        if found is None:
            return None
        indexes, values = found
        position = bisect.bisect_left(indexes, statement) - 1
        return values[position] if position >= 0 else None


def _literal_dict(node: ast.expr) -> ast.Dict | ast.Call | None:
    if isinstance(node, ast.Dict):
        if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            return node
        return None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "dict"
        and not node.args
        and all(kw.arg is not None for kw in node.keywords)
    ):
        return node
    return None


def _change(
    node: ast.AST, adding: frozenset[str], removing: frozenset[str]
) -> tuple[str, bool] | None:
    """The name a node rebinds or changes in place, and whether it only adds keys."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
        return node.id, False
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if isinstance(node.ctx, ast.Store):
            return node.value.id, True
        if isinstance(node.ctx, ast.Del):
            return node.value.id, False
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.attr in adding | removing
    ):
        return node.func.value.id, node.func.attr in adding
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return node.target.id, False
    return None


def dictionary_items(node: ast.Dict | ast.Call, changed: bool = False) -> Iterator[Keyword]:
    """The keys of a dictionary as keywords; ``changed``: their values are unknown."""
    pairs: list[tuple[str, ast.expr, ast.AST]] = []
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                pairs.append((key.value, value, key))
    else:
        pairs = [(kw.arg, kw.value, kw) for kw in node.keywords if kw.arg is not None]
    for name, value, anchor in pairs:
        if changed:
            value = ast.copy_location(ast.Name(id="__changed__", ctx=ast.Load()), value)
        yield Keyword(name, value, anchor)


def call_keywords(
    call: ast.Call, dictionaries: Dictionaries, statement: int
) -> tuple[list[Keyword], bool]:
    """The keywords a call passes and whether some come from a ``**`` we cannot read."""
    out: list[Keyword] = []
    opaque = False
    for kw in call.keywords:
        if kw.arg is not None:
            out.append(Keyword(kw.arg, kw.value, kw))
            continue
        value = kw.value
        inline = _literal_dict(value) if isinstance(value, ast.Dict | ast.Call) else None
        found = None if inline is None else (inline, False)
        if found is None and isinstance(value, ast.Name):
            found = dictionaries.lookup(value.id, statement)
        if found is None:
            opaque = True
        else:
            node, changed = found
            out.extend(dictionary_items(node, changed))
            opaque = opaque or changed  # more keys may have come
    return out, opaque


def statement_nodes(tree: ast.Module) -> list[list[ast.AST]]:
    """Every node of each top-level statement: the one walk of a block, which the scope, the
    dictionaries and the calls then read."""
    return [list(ast.walk(stmt)) for stmt in tree.body]


def calls_by_statement(nodes: Sequence[Sequence[ast.AST]]) -> list[tuple[int, ast.Call]]:
    """Every call of a block with the index of the top-level statement holding it, in order."""
    out: list[tuple[int, ast.Call]] = []
    for index, inside in enumerate(nodes):
        out.extend((index, node) for node in inside if isinstance(node, ast.Call))
    out.sort(key=lambda item: (item[1].lineno, item[1].col_offset))
    return out
