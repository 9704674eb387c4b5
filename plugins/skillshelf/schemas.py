"""The JSON Schemas for frontmatter, and turning their errors into findings.

Validation is the costliest check per document, so :func:`check` asks the
cheap question first (is the data valid at all?) against a copy of the schema
with its local ``$ref``s inlined, and only walks the errors, against the
schema as written, when the answer is no. jsonschema is imported on first
use: a lint answered from the scan cache never imports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshelf.model import Kind
from skillshelf.suggest import closest

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    from skillshelf.model import Document

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
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


@cache
def _fast_validator(name: str) -> Draft202012Validator:
    """The same schema with every local ``{"$ref": "#/$defs/x"}`` replaced by
    the definition itself: the same verdicts, without resolving references for
    every value (a third of the validation time)."""
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    definitions = schema.get("$defs", {})
    return Draft202012Validator(_inline(schema, definitions, 0))


def _inline(node: Any, definitions: dict[str, Any], depth: int) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions, depth) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1 and depth < 16:
        target = definitions.get(ref.removeprefix("#/$defs/"))
        if isinstance(target, dict):
            return _inline(target, definitions, depth + 1)
    return {
        key: value if key == "$defs" else _inline(value, definitions, depth)
        for key, value in node.items()
    }


#: Data known to be valid: id(data) -> (data, schema names). Filled by
#: :func:`check` and, from the scan cache, by :func:`remember_valid`; the data
#: itself is kept so that its id cannot be reused while the entry lives.
_KNOWN_VALID: dict[int, tuple[Any, set[str]]] = {}


def remember_valid(name: str, data: Any) -> None:
    """Record that ``data`` is valid under schema ``name`` (from an earlier run)."""
    entry = _KNOWN_VALID.get(id(data))
    if entry is None or entry[0] is not data:
        _KNOWN_VALID[id(data)] = (data, {name})
    else:
        entry[1].add(name)


def known_valid(data: Any) -> set[str]:
    """Schema names ``data`` is known to be valid under."""
    entry = _KNOWN_VALID.get(id(data))
    return set(entry[1]) if entry is not None and entry[0] is data else set()


def forget_valid() -> None:
    _KNOWN_VALID.clear()


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: where it is (a path into the data) and what is wrong."""

    path: tuple[str | int, ...]
    message: str
    #: Point at the key itself (an unknown key) rather than its value.
    at_key: bool = False


def schema_for(document: Document, style: str) -> str | None:
    """The schema a document's frontmatter must match, if any: a skill's SKILL.md
    the skill schema of the style, a category's DESCRIPTION.md the category schema."""
    if document.kind is Kind.SKILL and document.skill is not None:
        return SKILL_SCHEMAS[style]
    if document.kind is Kind.DESCRIPTION and document.category is not None:
        return CATEGORY_SCHEMA
    return None


def is_valid(name: str, data: Any) -> bool:
    """Whether ``data`` is valid under schema ``name`` (a yes is remembered)."""
    entry = _KNOWN_VALID.get(id(data))
    if entry is not None and entry[0] is data and name in entry[1]:
        return True
    if _fast_validator(name).is_valid(data):
        remember_valid(name, data)
        return True
    return False


def check(name: str, data: Any) -> Iterator[SchemaProblem]:
    """Validate ``data`` against schema ``name``, one problem per leaf error."""
    if is_valid(name, data):
        return
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
        # YAML read a bare 1.0 or 1e3 as a number; quoting keeps it text.
        example = "'1.0.0'" if path and path[-1] == "version" else "'...'"
        message += f" (quote it, e.g. {example})"
    if error.validator == "pattern" and path and path[-1] == "name":
        message = (
            f"{error.instance!r} is not a valid skill name: "
            "use lowercase letters, digits and single hyphens"
        )
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
