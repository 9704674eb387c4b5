"""Writing the API history: one package's surfaces, release by release, folded into spans.

:mod:`skillshelf.trl.history` reads what this writes. Kept apart so that the
reader can change without invalidating the memoised extraction (whose key
digests every module the extractor imports).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

FORMAT = 1


def spans(present: Sequence[bool], releases: Sequence[str]) -> str:
    """``"a-b,c-d"``: the runs of releases where ``present`` holds."""
    out: list[str] = []
    start: int | None = None
    for index, here in enumerate([*present, False]):
        if here and start is None:
            start = index
        elif not here and start is not None:
            out.append(f"{releases[start]}-{releases[index - 1]}")
            start = None
    return ",".join(out)


#: Positional parameters the history names; calls pass fewer (the rest are keywords), and
#: the count still says when there are too many.
POSITIONAL_NAMED = 8


def _order(names: Sequence[str]) -> str:
    """``"model,ref_model,args/13"``: the first positional parameters and how many there are."""
    return f"{','.join(names[:POSITIONAL_NAMED])}/{len(names)}"


def fold(
    releases: Sequence[str], surfaces: Sequence[Mapping[str, Mapping[str, Any]]]
) -> dict[str, Any]:
    """One package's history from its surface in each of ``releases`` (oldest first)."""
    names = sorted({name for surface in surfaces for name in surface})
    out: dict[str, Any] = {}
    for name in names:
        entries = [surface.get(name) for surface in surfaces]
        present = [e is not None for e in entries]
        record: dict[str, Any] = {
            "kind": next(e["kind"] for e in entries if e is not None),
            "present": spans(present, releases),
        }
        for key in ("imports", "arguments"):
            values = sorted({v for e in entries if e is not None for v in e[key]})
            record[key] = {
                v: spans([e is not None and v in e[key] for e in entries], releases) for v in values
            }
        var_keyword = [e is not None and bool(e.get("var_keyword")) for e in entries]
        if any(var_keyword):
            record["var_keyword"] = spans(var_keyword, releases)
        renamed = {
            old: new for e in entries if e is not None for old, new in e.get("renamed", {}).items()
        }
        if renamed:
            record["renamed"] = dict(sorted(renamed.items()))
        deprecated: dict[str, str] = {}
        for e in entries:  # the newest release's words win
            if e is not None:
                deprecated.update(e.get("deprecated", {}))
        if deprecated:
            record["deprecated"] = dict(sorted(deprecated.items()))
        orders = [
            _order(e["positional"]) if e is not None and "positional" in e else None
            for e in entries
        ]
        if any(order is not None for order in orders):  # few distinct orders per API
            record["positional"] = {
                order: spans([o == order for o in orders], releases)
                for order in sorted({o for o in orders if o is not None})
            }
        var_positional = [e is not None and bool(e.get("var_positional")) for e in entries]
        if any(var_positional):
            record["var_positional"] = spans(var_positional, releases)
        bases = sorted({e["inherits"] for e in entries if e is not None and e.get("inherits")})
        if bases:
            record["inherits"] = {
                b: spans([e is not None and e.get("inherits") == b for e in entries], releases)
                for b in bases
            }
        out[name] = record
    return out
