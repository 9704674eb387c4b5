"""The JSON Schemas for frontmatter, and turning their errors into issues.

Validation is the costliest check per document, so :func:`check` asks the
cheap question first (is the data valid at all?) against a copy of the schema
with its local ``$ref``s inlined, and only walks the errors, against the
schema as written, when the answer is no. The cheap question goes first to
jsonschema-rs, a compiled validator about a hundred times faster, whose "valid"
is taken only for data it reads as jsonschema does (:func:`_plain_json`); on
"invalid", or any exception, jsonschema answers and explains, so every
message and position is jsonschema's. jsonschema-rs is optional: without it
jsonschema answers everything, with the same results. Every problem becomes an
:class:`~skillshelf.diagnostics.Issue` at its place in the file. Nothing is
remembered here: each document's verdicts are part of its analysis
(:mod:`skillshelf.analysis`), which the scan cache keeps. jsonschema is
imported on first use: a lint answered from the scan cache never imports it.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from skillshelf.diagnostics import Issue, described, quoted
from skillshelf.frontmatter import Frontmatter
from skillshelf.model import Document, Kind
from skillshelf.suggest import did_you_mean

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

#: The rule id of every problem the schema check finds.
FRONTMATTER_SCHEMA = "frontmatter-schema"

SKILL_SCHEMAS = MappingProxyType(
    {"skillshelf": "skill.schema.json", "hermes": "skill.hermes.schema.json"}
)
#: Where each style keeps its project fields (the tags among them) in a SKILL.md.
NAMESPACES = MappingProxyType(
    {"skillshelf": ("metadata", "skillshelf"), "hermes": ("metadata", "hermes")}
)
CATEGORY_SCHEMA = "category.schema.json"
#: Frontmatter of the Markdown pages the site publishes as they are (references and others).
PAGE_SCHEMA = "page.schema.json"


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
    if (
        isinstance(ref, str)
        and ref.startswith("#/$defs/")
        and node.keys() <= _ANNOTATIONS | {"$ref"}
        and depth < 16
    ):
        target = definitions.get(ref.removeprefix("#/$defs/"))
        if isinstance(target, dict):
            return _inline(target, definitions, depth + 1)
    return {
        key: value if key == "$defs" else _inline(value, definitions, depth)
        for key, value in node.items()
    }


#: Keywords beside a ``$ref`` that only describe (inlining keeps the same verdicts).
_ANNOTATIONS = frozenset({"description", "title", "$comment", "deprecated"})


class _Problem(NamedTuple):
    """One violation, before it has a place in the file: a path into the data."""

    path: tuple[str | int, ...]
    message: str
    #: Point at the key itself (an unknown key) rather than its value.
    at_key: bool = False


def schema_for(document: Document, style: str) -> str | None:
    """The schema a document's frontmatter must match, if any: a skill's SKILL.md
    the skill schema of the style, a category's DESCRIPTION.md the category
    schema, and every other Markdown file (which the site publishes with its
    frontmatter as the page's metadata) the page schema."""
    if document.kind is Kind.SKILL and document.skill is not None:
        return SKILL_SCHEMAS[style]
    if document.kind is Kind.DESCRIPTION and document.category is not None:
        return CATEGORY_SCHEMA
    if document.kind in (Kind.REFERENCE, Kind.MARKDOWN):
        return PAGE_SCHEMA
    return None


def is_valid(name: str, data: Any, *, precise: bool = False) -> bool:
    """Whether ``data`` is valid under schema ``name`` (``precise``: asking
    jsonschema only, as a run without jsonschema-rs does)."""
    if not precise and _compiled_says_valid(name, data):
        return True
    return bool(_fast_validator(name).is_valid(data)) and not _has_odd_keys(data)


@cache
def _compiled_validator(name: str) -> Any:
    """jsonschema-rs' validator of schema ``name``, or None without the wheel."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.Draft202012Validator(load_schema(name))


def _compiled_says_valid(name: str, data: Any) -> bool:
    """Whether jsonschema-rs finds ``data`` valid and its verdict is jsonschema's too."""
    compiled = _compiled_validator(name)
    if compiled is None or not _plain_json(data):
        return False
    try:
        return bool(compiled.is_valid(data))
    except Exception:  # a value it cannot take (a YAML date, a huge integer): ask jsonschema
        return False


#: Characters Python's ``\s`` matches and Rust's regex does not (the schemas'
#: patterns use ``\s`` and ``\S``): text holding one is left to jsonschema.
_ODD_SPACE = re.compile("[\x1c-\x1f]")


def _plain_json(data: Any) -> bool:
    """Whether ``data`` is JSON that both validators read alike: text keys only,
    and no text holding a character their patterns class differently."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not all(type(key) is str for key in node):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and _ODD_SPACE.search(node) is not None:
            return False
    return True


def _has_odd_keys(data: Any) -> bool:
    """Whether any mapping in ``data`` has a key that is not text (JSON Schema
    only knows text keys, so a schema cannot refuse the others itself)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not all(isinstance(key, str) for key in node):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def check(name: str, frontmatter: Frontmatter, *, precise: bool = False) -> tuple[Issue, ...]:
    """Validate ``frontmatter`` against schema ``name``: one issue per leaf error,
    each at the key or value it is about (``precise`` as for :func:`is_valid`)."""
    return tuple(
        Issue(
            FRONTMATTER_SCHEMA,
            problem.message,
            frontmatter.position(problem.path, key=problem.at_key),
        )
        for problem in _problems(name, frontmatter.data, precise)
    )


def _problems(name: str, data: Any, precise: bool = False) -> Iterator[_Problem]:
    """What is wrong with ``data`` under schema ``name``.

    Keys that are not text (``1: a``, ``? [a]``, ``2024-01-02: x``) are
    reported first, each at its own key; the rest of the data is then
    validated without them, so no error about them is ever sorted among, or
    compared with, the text keys.
    """
    if is_valid(name, data, precise=precise):
        return
    odd_keys: list[_Problem] = []
    textual = _without_odd_keys(data, (), odd_keys)
    yield from odd_keys
    if odd_keys and _fast_validator(name).is_valid(textual):
        return
    errors = sorted(
        validator(name).iter_errors(textual),
        key=lambda e: ([_sortable(part) for part in e.absolute_path], str(e.validator)),
    )
    fields = _namespace_fields(name)
    for error in errors:
        yield from _explain(error, fields)


@cache
def _namespace_fields(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Where schema ``name`` keeps its style's own fields (``metadata.hermes``) and
    their names; nothing for a schema without such a namespace."""
    for style, schema_name in SKILL_SCHEMAS.items():
        if schema_name == name:
            schema = load_schema(name)
            namespace = NAMESPACES[style]
            node: Any = schema
            for key in namespace:
                node = node.get("properties", {}).get(key, {})
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                node = schema["$defs"][ref.removeprefix("#/$defs/")]
            return namespace, frozenset(node.get("properties", {}))
    return (), frozenset()


def _sortable(part: str | int) -> tuple[int, str]:
    return (0, f"{part:020d}") if isinstance(part, int) else (1, part)


def _without_odd_keys(node: Any, path: tuple[Any, ...], found: list[_Problem]) -> Any:
    """``node`` with every mapping key that is not text left out, each recorded in ``found``."""
    if isinstance(node, dict):
        kept: dict[str, Any] = {}
        for key, value in node.items():
            if isinstance(key, str):
                kept[key] = _without_odd_keys(value, (*path, key), found)
            else:
                found.append(_Problem((*path, key), _odd_key_message(path, key), at_key=True))
        return kept if len(kept) != len(node) or any(kept[k] is not node[k] for k in kept) else node
    if isinstance(node, list):
        items = [_without_odd_keys(item, (*path, index), found) for index, item in enumerate(node)]
        return items if any(new is not old for new, old in zip(items, node, strict=True)) else node
    return node


def _odd_key_message(path: tuple[Any, ...], key: Any) -> str:
    where = f" in {_dotted(path)}" if path else ""
    if isinstance(key, tuple):
        return f"a list used as a key{where}: keys must be text"
    if key is None:
        return f"an empty key (null){where}: keys must be text"
    written = _plain(key)
    kind = {bool: "a boolean", int: "a number", float: "a number"}.get(type(key))
    if isinstance(key, datetime.date):
        kind = "a date and time" if isinstance(key, datetime.datetime) else "a date"
    if written and kind:
        return f"the key {written}{where} is {kind}, not text: quote it ('{written}')"
    return f"the key{where} is {described(key)}, not text: keys must be text"


def _plain(value: Any) -> str:
    """How a scalar key was probably written, for a quoted suggestion ("" if unknown)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float):
        try:
            text = repr(value)
        except ValueError:
            return ""
        return text if len(text) <= 40 else ""
    return ""


#: How the schema's JSON types read in a message.
_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _explain(
    error: ValidationError, fields: tuple[tuple[str, ...], frozenset[str]] = ((), frozenset())
) -> Iterator[_Problem]:
    """The problems one validation error stands for; ``fields``: where the style's own
    fields live and their names (see ``_namespace_fields``), for a hint when one of them
    was written a level too high (``metadata.tags`` for ``metadata.hermes.tags``)."""
    path = tuple(error.absolute_path)
    where = _dotted(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = schema.get("properties", {})
        # A key the schema reads but marks deprecated (top-level tags) is never advised.
        allowed = [
            key
            for key, spec in known.items()
            if not (isinstance(spec, dict) and spec.get("deprecated"))
        ]
        patterns = schema.get("patternProperties", {})
        extra_schema = schema.get("additionalProperties")
        if extra_schema is False:
            for key in sorted(k for k in error.instance if k not in known and not patterns):
                suffix = did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
                yield _Problem(
                    (*path, key),
                    f"unknown key {quoted(_dotted((*path, key)))}{suffix}",
                    at_key=True,
                )
            return
    if error.validator == "required":
        yield _Problem(path, f"{where + ': ' if where else ''}{error.message}", at_key=bool(path))
        return
    if error.validator == "type" and not path:
        kind = type(error.instance).__name__
        yield _Problem(
            path, f"frontmatter must be a mapping of keys to values, not a {_yaml_kind(kind)}"
        )
        return
    if error.validator in ("oneOf", "anyOf") and error.context:
        # The alternative the value's type fits says what is wrong (an unknown key in
        # a mapping), not one that wants another type ("a mapping where text is expected").
        fitting = [
            e
            for e in error.context
            if not (e.validator == "type" and tuple(e.absolute_path) == path)
        ]
        if fitting:
            yield from _explain(min(fitting, key=lambda e: len(e.absolute_path)), fields)
            return
        best = min(error.context, key=lambda e: len(e.absolute_path))
        message = _message(best, path)
    else:
        message = _message(error, path)
    namespace, names = fields
    if (
        error.validator == "type"
        and len(path) == len(namespace)
        and path[:-1] == namespace[:-1]
        and path[-1] in names
    ):
        message += f"; did you mean {quoted(_dotted((*namespace, path[-1])))}?"
    if not where:
        yield _Problem(path, message)
        return
    # "description is 1,068 characters (limit 1,024)" reads on; other messages follow a colon.
    joined = " " if message.startswith(("is ", "has ")) else ": "
    refused = error.validator == "not" and error.validator_value == {}
    yield _Problem(path, f"{where}{joined}{message}", at_key=refused)


def _message(error: ValidationError, path: tuple[str | int, ...]) -> str:
    """What is wrong with one value, in words, never echoing a long value whole."""
    value = error.instance
    expected: Any = error.validator_value
    if error.validator == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in types)
        message = f"{described(value)} where {wanted} is expected"
        if "string" in types and _plain(value):
            # YAML read a bare 1.0, true or 2024-01-02 as something else; quoting keeps it text.
            example = "'1.0.0'" if path and path[-1] == "version" else f"'{_plain(value)}'"
            message += f": quote it, e.g. {example}"
        return message
    if error.validator == "maxLength" and isinstance(value, str):
        return f"is {len(value):,} characters (limit {expected:,})"
    if error.validator == "minLength" and isinstance(value, str):
        return "is empty" if not value else f"is {len(value):,} characters (at least {expected:,})"
    if error.validator == "minItems" and isinstance(value, list):
        return (
            "is an empty list" if not value else f"has {len(value):,} items (at least {expected:,})"
        )
    if error.validator == "pattern" and isinstance(value, str):
        if path and path[-1] == "name":
            return (
                f"{quoted(value)} is not a valid skill name: "
                "use lowercase letters, digits and single hyphens"
            )
        return f"{quoted(value)} does not match {quoted(str(expected))}"
    if error.validator == "enum" and isinstance(expected, list):
        choices = ", ".join(repr(choice) for choice in expected)
        suffix = did_you_mean(value, [str(c) for c in expected]) if isinstance(value, str) else ""
        return f"{described(value)} is not one of {choices}{suffix}"
    if error.validator == "uniqueItems" and isinstance(value, list):
        return f"{described(_first_repeated(value))} appears more than once"
    if error.validator == "not" and expected == {}:  # a key the schema refuses outright
        refused = _REFUSED_KEYS.get(str(path[-1])) if path else None
        return refused or "this key is not allowed here"
    return quoted(error.message, 200)[1:-1]


def _first_repeated(items: list[Any]) -> Any:
    seen: list[Any] = []
    for item in items:
        if item in seen:
            return item
        seen.append(item)
    return None


#: Why the page schema refuses a key outright (``"key": {"not": {}}``).
_REFUSED_KEYS = {
    "template": "a contributed page cannot choose the theme template it is rendered with "
    "(a wrong name stops the site build); remove the key",
    "icon": "a contributed page cannot choose a theme icon (an icon the theme lacks stops "
    "the site build); remove the key",
}


def _yaml_kind(python_kind: str) -> str:
    return {
        "list": "list",
        "str": "string",
        "int": "number",
        "float": "number",
        "bool": "boolean",
    }.get(python_kind, python_kind)


#: Longer keys show only their start in a dotted path.
_PART_LIMIT = 60


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
            continue
        text = str(part) if isinstance(part, str) else described(part)
        if len(text) > _PART_LIMIT:
            text = text[:_PART_LIMIT] + "…"
        out += f".{text}" if out else text
    return out
