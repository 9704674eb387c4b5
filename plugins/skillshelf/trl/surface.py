"""The public surface of one release: what can be imported from where, and which keywords
each class or function accepts.

This is the cheap half of the extraction, run for every release of the history
(:mod:`skillshelf.trl.history`): no symbolic execution, only names. A class's
keywords are its dataclass fields, or else the parameters of the ``__init__``
its own package defines, plus the names that ``__init__`` pops from
``**kwargs`` (``GenerationConfig`` reads every option that way). A class whose
keywords come from a dataclass outside the package (``DPOConfig`` from
``transformers.TrainingArguments``) names it in ``inherits``; that base's
history is the other package's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from skillshelf.trl.resolve import (
    ClassInfo,
    Resolver,
    class_fields,
    dotted_name,
    import_structure,
    method,
)
from skillshelf.trl.wheels import Sources, walk_toplevel


@dataclass
class Api:
    """One public class, function or method of one release."""

    name: str
    kind: str  # "class", "function" or "method"
    module: str  # where it is defined
    imports: set[str] = field(default_factory=set)  # modules it can be imported from
    arguments: set[str] = field(default_factory=set)
    var_keyword: bool = False  # takes **kwargs: an unknown keyword does not raise here
    inherits: str | None = None  # a dataclass base outside the package, keywords and all
    renamed: dict[str, str] = field(default_factory=dict)  # old keyword still taken -> new
    deprecated: dict[str, str] = field(default_factory=dict)  # keyword -> the warning it gives
    #: the parameters a call fills by position, in order (None: not read, as for a dataclass)
    positional: list[str] | None = None
    var_positional: bool = False  # takes *args: any number of positional arguments

    def data(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "module": self.module,
            "imports": sorted(self.imports),
            "arguments": sorted(self.arguments),
        }
        if self.var_keyword:
            out["var_keyword"] = True
        if self.inherits:
            out["inherits"] = self.inherits
        if self.renamed:
            out["renamed"] = dict(sorted(self.renamed.items()))
        if self.deprecated:
            out["deprecated"] = dict(sorted(self.deprecated.items()))
        if self.positional is not None:
            out["positional"] = self.positional
        if self.var_positional:
            out["var_positional"] = True
        return out


def exported_names(sources: Sources, module: str) -> set[str]:
    """Names ``from <module> import X`` gives: its lazy table, its imports and definitions."""
    tree = sources.module(module)
    if tree is None:
        return set()
    names = set(import_structure(tree))
    for stmt in walk_toplevel(tree.body):
        if isinstance(stmt, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in stmt.names if alias.name != "*"}
        elif isinstance(stmt, ast.ClassDef | ast.FunctionDef):
            names.add(stmt.name)
    return {n for n in names if not n.startswith("_")}


def subpackages(sources: Sources, parent: str) -> list[str]:
    """The direct sub-packages of ``parent`` (``trl.experimental.orpo`` ...)."""
    depth = parent.count(".") + 1
    return sorted(
        m
        for m in sources.packages
        if m.startswith(parent + ".") and m.count(".") == depth and "._" not in m
    )


class SurfaceExtractor:
    """Keywords of classes and functions of one package, read from its sources."""

    def __init__(self, sources: Sources, own_prefix: str) -> None:
        self.sources = sources
        self.resolver = Resolver(sources)
        self.own_prefix = own_prefix

    def api(self, module: str, name: str) -> Api | None:
        """``name`` as ``from module import name`` gives it; ``Class.method`` for a method."""
        if "." in name:
            owner, _, attr = name.partition(".")
            cls = self.resolver.resolve(module, owner)
            if not isinstance(cls, ClassInfo):
                return None
            return self._method(cls, attr, name)
        found = self.resolver.resolve(module, name)
        if isinstance(found, ClassInfo):
            if not found.module.startswith(self.own_prefix):
                return None
            return self._class(found, name)
        function = self.resolver.function(module, name)
        if function is not None and function.module.startswith(self.own_prefix):
            api = Api(name, "function", function.module)
            self._parameters(function.node, api, skip_first=False)
            return api
        return None

    def _class(self, cls: ClassInfo, name: str) -> Api:
        """Keywords of the ``__init__`` that runs: the nearest one written out, or the one a
        dataclass generates from the fields of every dataclass along the MRO."""
        api = Api(name, "class", cls.module)
        mro = self.resolver.mro(cls)
        own = [c for c in mro if isinstance(c, ClassInfo) and c.module.startswith(self.own_prefix)]
        for index, item in enumerate(own):
            init = method(item.node, "__init__")
            if init is not None:
                self._parameters(init, api, skip_first=True)
                api.deprecated = deprecations([init], api.arguments)
                return api
            if item.is_dataclass:
                for base in reversed(own[index:]):
                    if base.is_dataclass:
                        api.arguments |= {f.name for f in class_fields(base)}
                api.inherits = next(
                    (
                        c.qualname
                        for c in mro
                        if isinstance(c, ClassInfo)
                        and not c.module.startswith(self.own_prefix)
                        and c.is_dataclass
                    ),
                    None,
                ) or _unseen_base(mro, self.own_prefix)
                post_inits = [method(c.node, "__post_init__") for c in own[index:]]
                api.deprecated = deprecations([f for f in post_inits if f], api.arguments)
                return api
        api.inherits = _unseen_base(mro, self.own_prefix)
        # object.__init__ takes no keyword; a base we cannot see might take any
        api.var_keyword = api.inherits is None
        return api

    def _method(self, cls: ClassInfo, attr: str, name: str) -> Api | None:
        for item in self.resolver.mro(cls):
            if not isinstance(item, ClassInfo) or not item.module.startswith(self.own_prefix):
                continue
            func = method(item.node, attr)
            if func is not None:
                api = Api(name, "method", cls.module)
                self._parameters(func, api, skip_first=not _is_static(func))
                return api
        return None

    @staticmethod
    def _parameters(func: ast.FunctionDef, api: Api, *, skip_first: bool) -> None:
        """The names a call can pass by keyword (``self`` / ``cls`` and positional-only out),
        and those it fills by position, in order."""
        args = func.args
        names = [a.arg for a in args.args]
        if skip_first and not args.posonlyargs:
            names = names[1:]
        in_order = [a.arg for a in [*args.posonlyargs, *args.args]]
        api.positional = in_order[1:] if skip_first else in_order
        api.var_positional = args.vararg is not None
        api.arguments |= set(names) | {a.arg for a in args.kwonlyargs}
        for old, new in _deprecated_keywords(func):
            api.arguments.add(old)
            api.renamed[old] = new
        if args.kwarg is not None:
            api.var_keyword = True
            api.arguments |= _popped(func, args.kwarg.arg)


def deprecations(functions: Iterable[ast.FunctionDef], arguments: set[str]) -> dict[str, str]:
    """The deprecation warning each argument gives: ``if self.x ...: warnings.warn("... x ...
    deprecated ...")``, the text TRL wrote about what to use instead (f-string holes left out)."""
    found: dict[str, str] = {}
    for func in functions:
        for node in ast.walk(func):
            if not isinstance(node, ast.If):
                continue
            tested = {
                n.attr if isinstance(n, ast.Attribute) else n.id
                for n in ast.walk(node.test)
                if (isinstance(n, ast.Attribute) and dotted_name(n.value) == "self")
                or isinstance(n, ast.Name)
            } & arguments
            if len(tested) != 1:
                continue
            (name,) = tested
            for call in (c for stmt in node.body for c in ast.walk(stmt)):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in _WARNINGS
                    and call.args
                ):
                    text = " ".join(_constant_text(call.args[0]).split())
                    if "deprecat" in text.lower() and name in text:
                        found.setdefault(name, text)
                        break
    return found


_WARNINGS = frozenset({"warn", "warning", "warning_once"})


def _constant_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            _constant_text(v) if isinstance(v, ast.Constant) else "..." for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant_text(node.left) + _constant_text(node.right)
    return ""


def _is_static(func: ast.FunctionDef) -> bool:
    return any(dotted_name(d) == "staticmethod" for d in func.decorator_list)


def _unseen_base(mro: Iterable[ClassInfo | str], own_prefix: str) -> str | None:
    """The first base outside the package (``transformers.trainer.Trainer``), if any."""
    for item in mro:
        name = item if isinstance(item, str) else item.qualname
        if not name.startswith(own_prefix) and name not in ("builtins.object", "object"):
            if isinstance(item, str) and item.startswith("builtins."):
                continue
            return name
    return None


def _deprecated_keywords(func: ast.FunctionDef) -> list[tuple[str, str]]:
    """``@deprecate_kwarg("tokenizer", new_name="processing_class", ...)``: the old keyword is
    still taken (renamed on the way in, with a warning) until the decorator goes."""
    out: list[tuple[str, str]] = []
    for deco in func.decorator_list:
        if not (isinstance(deco, ast.Call) and dotted_name(deco.func) in _DEPRECATORS):
            continue
        old = deco.args[0] if deco.args else None
        new = next((k.value for k in deco.keywords if k.arg == "new_name"), None)
        if (
            isinstance(old, ast.Constant)
            and isinstance(old.value, str)
            and isinstance(new, ast.Constant)
            and isinstance(new.value, str)
        ):
            out.append((old.value, new.value))
    return out


_DEPRECATORS = frozenset({"deprecate_kwarg", "utils.deprecate_kwarg"})


def _popped(func: ast.FunctionDef, kwargs: str) -> set[str]:
    """Names read from ``**kwargs``: ``kwargs.pop("x", ...)`` / ``kwargs.get("x")``."""
    names: set[str] = set()
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("pop", "get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == kwargs
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names
