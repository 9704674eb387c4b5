"""The JSON Schemas for frontmatter, and turning their errors into findings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from skillshelf.suggest import closest

SKILL_SCHEMAS = {"skillshelf": "skill.schema.json", "hermes": "skill.hermes.schema.json"}
CATEGORY_SCHEMA = "category.schema.json"


def schemas_dir() -> Path:
    """The schemas folder: the repository's own when running from a checkout,
    else the copy packed into the wheel."""
    checkout = Path(__file__).resolve().parents[2] / "schemas"
    if (checkout / CATEGORY_SCHEMA).is_file():
        return checkout
    return Path(str(resources.files("skillshelf") / "_data" / "schemas"))


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (schemas_dir() / name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: where it is (a path into the data) and what is wrong."""

    path: tuple[str | int, ...]
    message: str
    #: Point at the key itself (an unknown key) rather than its value.
    at_key: bool = False


def check(name: str, data: Any) -> Iterator[SchemaProblem]:
    """Validate ``data`` against schema ``name``, one problem per leaf error."""
    errors = sorted(
        validator(name).iter_errors(data),
        key=lambda e: (list(map(str, e.absolute_path)), e.message),
    )
    for error in errors:
        yield from _explain(error)


def _explain(error: ValidationError) -> Iterator[SchemaProblem]:
    path = tuple(error.absolute_path)
    where = _dotted(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties", {}))
        patterns = schema.get("patternProperties", {})
        extra_schema = schema.get("additionalProperties")
        if extra_schema is False:
            for key in sorted(k for k in error.instance if k not in allowed and not patterns):
                hint = closest(str(key), allowed)
                suffix = (
                    f"; did you mean {hint!r}?" if hint else f" (allowed: {', '.join(allowed)})"
                )
                yield SchemaProblem(
                    (*path, key), f"unknown key {_dotted((*path, key))!r}{suffix}", at_key=True
                )
            return
    if error.validator in ("oneOf", "anyOf") and error.context:
        best = min(error.context, key=lambda e: len(e.absolute_path))
        yield SchemaProblem(path, f"{where or 'frontmatter'}: {best.message}")
        return
    if error.validator == "required":
        yield SchemaProblem(
            path, f"{where + ': ' if where else ''}{error.message}", at_key=bool(path)
        )
        return
    if error.validator == "type" and not path:
        kind = type(error.instance).__name__
        yield SchemaProblem(
            path, f"frontmatter must be a mapping of keys to values, not a {_yaml_kind(kind)}"
        )
        return
    message = error.message
    if (
        error.validator == "type"
        and isinstance(error.instance, float | int)
        and error.validator_value == "string"
    ):
        message += " (quote it, e.g. '1.0.0')"
    if error.validator == "pattern" and path and path[-1] == "name":
        message = f"{error.instance!r} is not a valid skill name: use lowercase letters, digits and single hyphens"
    yield SchemaProblem(path, f"{where}: {message}" if where else message)


def _yaml_kind(python_kind: str) -> str:
    return {
        "list": "list",
        "str": "string",
        "int": "number",
        "float": "number",
        "bool": "boolean",
    }.get(python_kind, python_kind)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
