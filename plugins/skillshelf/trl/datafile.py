"""The data file's text: deterministic JSON, pooled classes and rules."""

from __future__ import annotations

import hashlib
import json
from typing import Any

FORMAT = 1
GENERATED_BY = "skillshelf signatures (plugins/skillshelf/trl/extract.py)"


def rule_id(rule: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(rule, sort_keys=True).encode()).hexdigest()[:12]


def pool(rules: list[dict[str, Any]], pool: dict[str, dict[str, Any]]) -> list[str]:
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
