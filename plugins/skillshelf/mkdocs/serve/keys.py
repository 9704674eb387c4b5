"""Cache keys: settings and objects turned into texts and digests that are equal
exactly when what they describe is.

Every serve cache keys its entries on a digest of such texts. A text that holds
``" at 0x"`` came from an object that only prints its address: it would differ on
every rebuild, or worse, be equal for different settings, so whatever it
describes is not cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from types import BuiltinFunctionType, FunctionType
from typing import Any

#: Types whose values :func:`plain` keeps as they are (checked by exact type first:
#: most values are these, and an ``isinstance`` against ``Mapping`` is slow).
SCALARS = frozenset({str, int, float, bool, bytes, type(None)})
#: Mark what a mapping and a set became, so that neither equals a list of the same items.
_MAPPING = "\0mapping"
_SET = "\0set"


def stable(value: Any) -> str:
    """A text that is equal for equal settings across rebuilds; contains ``0x``
    (and is then not used) when some object only prints its address."""
    return repr(plain(value))


def plain(value: Any) -> Any:
    """``value`` as nested tuples of scalars, mappings and sets marked as such."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if kind is list or kind is tuple:
        return tuple([plain(v) for v in value])
    if kind is dict or isinstance(value, Mapping):
        return (_MAPPING, *((str(k), plain(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        if isinstance(value, (set, frozenset)):
            items.sort(key=repr)
            return (_SET, *items)
        return tuple(items)
    if isinstance(value, (str, int, float, bytes)):  # subclasses (bool is an int)
        return value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (FunctionType, BuiltinFunctionType, type)):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, partial):
        return ("partial", plain(value.func), plain(value.args), plain(value.keywords))
    return f"{type(value).__module__}.{type(value).__qualname__}:{value!r}"


def digest(*parts: str) -> bytes:
    """A 20-byte digest of ``parts`` (each one delimited, so that no two lists of
    parts run together into the same bytes)."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.digest()


def unstable(text: str) -> bool:
    """Whether ``text`` (from :func:`stable`) holds an object printed by its address."""
    return " at 0x" in text
