"""Could a literal be what an argument's annotation asks for?

Annotations are the text the wheels carry (``int | None``, ``Literal["a", "b"]``,
``list[str]``), parsed with :mod:`ast`. Names we do not model (an Enum, a
config object, ``torch.dtype``) accept anything: a type finding must be certain.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from collections.abc import Sequence
from typing import Any

from skillshelf.trl.signatures import UNKNOWN


def literal(node: ast.expr) -> Any:
    """The value of a literal expression, else ``UNKNOWN``.

    ``...`` anywhere in it is a documentation placeholder (``max_length=...``):
    an unknown value, never a value of type ``ellipsis``.
    """
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
    return UNKNOWN if _holds_ellipsis(value) else value


def _holds_ellipsis(value: Any) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_ellipsis(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_ellipsis(k) or _holds_ellipsis(v) for k, v in value.items())
    return False


@functools.lru_cache(maxsize=1024)
def _parse_annotation(text: str) -> ast.expr | None:
    """The annotation's tree, parsed once per text: a few hundred distinct annotations are
    looked up for every keyword of every call (the trees are only read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_SEQUENCES = frozenset({"list", "List", "Sequence", "Iterable", "MutableSequence", "Collection"})
_DICTS = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
_SETS = frozenset({"set", "Set", "frozenset", "FrozenSet", "AbstractSet"})


def accepts(annotation: str, value: Any, extra: Sequence[str] = ()) -> bool:
    """Could a literal ``value`` be what ``annotation`` asks for? Unknown names accept anything.

    ``extra`` lists types the code explicitly handles (``isinstance(self.x, str)``)
    beyond its annotation; a container named there only counts when the
    annotation does not already say what that container must hold.
    """
    node = _parse_annotation(annotation)
    if node is None or _accepts(node, value, 0):
        return True
    return _extra_accepts(value, extra, annotation)


_GENERIC_CONTAINER = re.compile(r"\b(list|List|Sequence|Iterable|tuple|Tuple|dict|Dict|Mapping)\[")


def _extra_accepts(value: Any, extra: Sequence[str], annotation: str) -> bool:
    scalars: dict[str, tuple[type, ...]] = {
        "str": (str,),
        "int": (int,),
        "float": (int, float),
        "bool": (bool,),
    }
    containers: dict[str, tuple[type, ...]] = {
        "list": (list, tuple),
        "dict": (dict,),
        "tuple": (tuple, list),
    }
    if any(isinstance(value, scalars.get(name, ())) for name in extra):
        return True
    if _GENERIC_CONTAINER.search(annotation):
        return False
    return any(isinstance(value, containers.get(name, ())) for name in extra)


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _accepts(node: ast.expr, value: Any, depth: int) -> bool:
    if depth > 20:
        return True
    if isinstance(node, ast.Constant):
        if node.value is None:
            return value is None
        if isinstance(node.value, str):
            inner = _parse_annotation(node.value)
            return True if inner is None else _accepts(inner, value, depth + 1)
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _accepts(node.left, value, depth + 1) or _accepts(node.right, value, depth + 1)
    if isinstance(node, ast.Subscript):
        return _accepts_generic(node, value, depth)
    name = _name(node)
    if name is None:
        return True
    return _accepts_plain(name, value)


def _accepts_plain(name: str, value: Any) -> bool:
    if name in ("Any", "object"):
        return True
    if name == "None" or name == "NoneType":
        return value is None
    if name == "bool":
        return isinstance(value, bool)
    if name == "int":
        return isinstance(value, int)
    if name == "float":
        return isinstance(value, int | float)
    if name == "complex":
        return isinstance(value, int | float | complex)
    if name == "str":
        return isinstance(value, str)
    if name == "bytes":
        return isinstance(value, bytes)
    if name in _SEQUENCES or name in ("tuple", "Tuple"):
        return isinstance(value, list | tuple)
    if name in _DICTS:
        return isinstance(value, dict)
    if name in _SETS:
        return isinstance(value, set | frozenset | list | tuple)
    return True  # a class we do not model (an Enum, a config object, torch.dtype, ...)


def _args(node: ast.Subscript) -> list[ast.expr]:
    inner = node.slice
    return list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]


def _accepts_generic(node: ast.Subscript, value: Any, depth: int) -> bool:
    name = _name(node.value)
    args = _args(node)
    if name is None:
        return True
    if name == "Optional":
        return value is None or _accepts(args[0], value, depth + 1)
    if name == "Union":
        return any(_accepts(a, value, depth + 1) for a in args)
    if name == "Annotated":
        return _accepts(args[0], value, depth + 1)
    if name == "Literal":
        options = [literal(a) for a in args]
        if any(isinstance(o, str) for o in options) and isinstance(value, str):
            return True  # which strings: a value question, see ``literal_choices``
        return any(o is not UNKNOWN and type(o) is type(value) and o == value for o in options)
    if name in _SEQUENCES or name in _SETS:
        if not _accepts_plain(name, value):
            return False
        return all(_accepts(args[0], item, depth + 1) for item in value)
    if name in ("tuple", "Tuple"):
        if not isinstance(value, list | tuple):
            return False
        if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
            return all(_accepts(args[0], item, depth + 1) for item in value)
        if len(args) == len(value):
            return all(_accepts(a, item, depth + 1) for a, item in zip(args, value, strict=True))
        return False
    if name in _DICTS:
        if not isinstance(value, dict):
            return False
        if len(args) == 2:
            return all(
                _accepts(args[0], k, depth + 1) and _accepts(args[1], v, depth + 1)
                for k, v in value.items()
            )
        return True
    return True


def literal_choices(annotation: str) -> list[str] | None:
    """The strings of a ``Literal[...]`` annotation (through Optional / unions)."""
    node = _parse_annotation(annotation)
    if node is None:
        return None
    found: list[str] = []
    other = False

    def visit(n: ast.expr) -> None:
        nonlocal other
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr):
            visit(n.left)
            visit(n.right)
        elif isinstance(n, ast.Subscript) and _name(n.value) in ("Optional", "Union"):
            for a in _args(n):
                visit(a)
        elif isinstance(n, ast.Subscript) and _name(n.value) == "Literal":
            for a in _args(n):
                v = literal(a)
                if isinstance(v, str):
                    found.append(v)
        elif isinstance(n, ast.Constant) and n.value is None:
            pass
        else:
            other = True

    visit(node)
    return found if found and not other else None
