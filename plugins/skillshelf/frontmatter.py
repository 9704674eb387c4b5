"""Reading Markdown files and splitting off their YAML frontmatter.

Two parsers, one library: the data of every frontmatter block is loaded with
ruamel.yaml's C-accelerated safe loader (YAML 1.2, duplicate keys rejected),
which is fast enough to read ten thousand skills on every lint. Positions of
individual keys and values come from ruamel.yaml's round-trip loader, which is
several times slower, so it only runs for a block that actually has a finding
to point at.

ruamel.yaml is imported on first use, so that a lint answered entirely from
the scan cache (see :mod:`skillshelf.cache`) never pays for importing it.

A compiled loader, yaml-rs, loads a block first when it can only agree with
ruamel.yaml (about ten times faster; see :func:`_fast_load`): the block holds
none of what the two may read differently (anchors, aliases, tags, complex
or merge keys, directives, tabs, unusual characters), yaml-rs raises no
error, and the data has none of the shapes ruamel.yaml refuses. Every other
block, every error and every position is ruamel.yaml's. yaml-rs is optional:
without it every block takes ruamel.yaml's path, with the same results.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from skillshelf.diagnostics import Issue, Position, quoted

if TYPE_CHECKING:
    from ruamel.yaml.error import MarkedYAMLError

#: Frontmatter larger than this is refused before any YAML parsing happens.
FRONTMATTER_LIMIT = 64 * 1024
#: Deeper nesting than this is refused (no real frontmatter comes close).
NESTING_LIMIT = 32

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


#: The rule ids of what reading a file can record (each reported by the rule of that id).
ENCODING = "encoding"
LINE_ENDINGS = "line-endings"
FRONTMATTER_MISSING = "frontmatter-missing"
FRONTMATTER_SYNTAX = "frontmatter-syntax"
#: A page whose first lines MkDocs takes as metadata.
MULTIMARKDOWN_METADATA = "multimarkdown-metadata"


@dataclass(frozen=True)
class DecodedText:
    text: str | None
    issues: tuple[Issue, ...] = ()


def decode(raw: bytes) -> DecodedText:
    """Decode a Markdown file as UTF-8, describing anything unusual about it.

    The returned text has a leading BOM removed and line endings normalised to
    ``\\n`` so that positions computed on it match what an editor shows.
    """
    issues: list[Issue] = []
    if raw.startswith(_UTF16_BOMS):
        return DecodedText(None, (Issue(ENCODING, "file is UTF-16 encoded; save it as UTF-8"),))
    nul = raw.find(b"\x00")
    if nul != -1:
        return DecodedText(
            None,
            (
                Issue(
                    ENCODING,
                    "binary file (it contains NUL bytes), not Markdown",
                    _byte_position(raw, nul),
                ),
            ),
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
        issues.append(Issue(ENCODING, "file starts with a UTF-8 byte-order mark", fix="strip-bom"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 1].hex()
        issues.append(
            Issue(
                ENCODING,
                f"not valid UTF-8 (byte 0x{bad}); save the file as UTF-8",
                _byte_position(raw, error.start),
            )
        )
        return DecodedText(None, tuple(issues))
    if "\r" in text:
        first = text.index("\r")
        issues.append(
            Issue(
                LINE_ENDINGS,
                "CRLF or CR line endings; use LF",
                _text_position(text, first),
                fix="lf-endings",
            )
        )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, tuple(issues))


def _byte_position(raw: bytes, offset: int) -> Position:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Position(raw.count(b"\n", 0, offset) + 1, column)


def _text_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


@dataclass
class Frontmatter:
    """The YAML block at the top of a document, and where it sits in the file."""

    source: str
    #: 1-based line, in the file, of the first line of ``source``.
    first_line: int
    data: Any

    def position(self, path: Sequence[Any] = (), *, key: bool = False) -> Position:
        """Where the value at ``path`` sits in the file (its key with ``key=True``).

        The walk stops at the deepest part of ``path`` that exists, so a path
        to a missing key points at its parent. An empty path points at the
        opening ``---``. A mapping's keys may be of any type (``1: a``); a key
        that a ``<<`` merge brought in points where the merged mapping holds it.
        """
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        node: Any = self._round_trip
        line, column = self.first_line - 1, 1
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if isinstance(node, CommentedMap):
                at = _key_position(node, part, key=last and key)
            elif (
                isinstance(node, CommentedSeq)
                and isinstance(part, int)
                and not isinstance(part, bool)
                and 0 <= part < len(node)
            ):
                at = node.lc.item(part)
            else:
                break
            if at is None or at[0] is None:
                break
            line, column = self.first_line + at[0], at[1] + 1
            node = node[part]
        return Position(line, column)

    @cached_property
    def _round_trip(self) -> Any:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # see load_frontmatter
                return YAML(typ="rt").load(self.source)
        except (YAMLError, RecursionError, ValueError):
            return None


def _key_position(mapping: Any, part: Any, *, key: bool) -> tuple[int, int] | None:
    """(line, column), 0-based, of ``part``'s key or value in a round-trip mapping,
    looking into the mappings a ``<<`` merge brought in; None when it is not there."""
    try:
        if part not in mapping:
            return None
    except TypeError:  # an unhashable path part cannot be a key
        return None
    for owner in (mapping, *getattr(mapping, "merge", ())):
        lines = getattr(owner, "lc", None)
        if lines is None:
            continue
        try:
            at: tuple[int, int] | None = lines.key(part) if key else lines.value(part)
        except KeyError:  # not written in this mapping: merged from another
            continue
        if at is not None:
            return at
    return None


@dataclass
class ParsedDocument:
    """A Markdown document split into frontmatter and body."""

    text: str
    frontmatter: Frontmatter | None
    body: str
    #: 1-based line, in the file, where ``body`` starts.
    body_line: int
    issues: list[Issue] = field(default_factory=list)


def _is_delimiter(line: str) -> bool:
    return line.rstrip(" \t") == "---"


def frontmatter_closing(lines: Sequence[str]) -> int | None:
    """Index of the line closing the frontmatter block that ``lines[0]`` opens.

    ``None`` when the first line opens no block, or nothing closes it. A block
    closes at a ``---`` (or YAML's ``...``) that stands alone on its line, so a
    ``---`` inside a quoted or block value does not end it. The reader, the
    fixer and the snippet checker all split documents with this.
    """
    if not lines or not _is_delimiter(lines[0]):
        return None
    return next((i for i in range(1, len(lines)) if lines[i].rstrip(" \t") in ("---", "...")), None)


#: MkDocs' own test for a MultiMarkdown metadata line (``mkdocs.utils.meta``):
#: a page without YAML frontmatter whose first line matches loses its first
#: lines to ``page.meta``, as text.
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_CONTINUATION = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")


def _multimarkdown_metadata(lines: Sequence[str]) -> list[Issue]:
    """An issue when MkDocs would read the first lines of a published page as
    MultiMarkdown-style metadata: they vanish from the page, and their values
    are always text (``tags: 5`` then stops the build)."""
    first = _META_LINE.match(lines[0]) if lines else None
    if first is None:
        return []
    taken = 1
    for line in lines[1:]:
        if not line.strip() or not (_META_LINE.match(line) or _META_CONTINUATION.match(line)):
            break
        taken += 1
    what = "this line" if taken == 1 else f"these {taken} lines"
    key = first["key"].lower()
    return [
        Issue(
            MULTIMARKDOWN_METADATA,
            f"MkDocs reads {what} as page metadata ({quoted(key)}: ..., MultiMarkdown style) "
            "and leaves them off the page: start the page with a heading or a blank line, "
            "or write metadata as YAML between '---' lines",
            Position(1, first.start("key") + 1),
        )
    ]


def parse_document(
    text: str, *, expect_frontmatter: bool, known: Frontmatter | None = None, fast: bool = True
) -> ParsedDocument:
    """Split ``text`` into frontmatter and body and load the frontmatter.

    Delimiters are whole lines: a ``---`` inside a quoted or block value does
    not end the block. Problems become :class:`Issue` values; nothing raises.
    ``known`` is a frontmatter block loaded earlier without any issue: when
    the block is still exactly that text, it is reused instead of loaded
    again (the usual edit changes the body only). ``fast`` as for
    :func:`load_frontmatter`.
    """
    lines = text.split("\n")
    if not lines or not _is_delimiter(lines[0]):
        issues = []
        if expect_frontmatter:
            issues.append(
                Issue(
                    FRONTMATTER_MISSING,
                    "no YAML frontmatter: the file must start with a '---' line",
                )
            )
        else:
            issues.extend(_multimarkdown_metadata(lines))
        return ParsedDocument(text, None, text, 1, issues)
    closing = frontmatter_closing(lines)
    if closing is None:
        return ParsedDocument(
            text,
            None,
            "",
            len(lines) + 1,
            [
                Issue(
                    FRONTMATTER_SYNTAX,
                    "frontmatter opened on line 1 is never closed by a '---' line",
                )
            ],
        )
    source = "\n".join(lines[1:closing]) + "\n"
    body = "\n".join(lines[closing + 1 :])
    if known is not None and known.first_line == 2 and known.source == source:
        return ParsedDocument(text, known, body, closing + 2, [])
    frontmatter, issues = load_frontmatter(source, first_line=2, fast=fast)
    return ParsedDocument(text, frontmatter, body, closing + 2, issues)


class RefusedShapeError(Exception):
    """The composed YAML has a shape frontmatter must not have (an alias, absurd
    nesting, an integer too long to print), at a 0-based line and column."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(line, column, message)
        self.line, self.column, self.message = line, column, message


class ConstructionError(Exception):
    """A YAML value could not be built (``!!int`` alone, a repeated ``!!omap`` key)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(line, column, message)
        self.line, self.column, self.message = line, column, message


#: Integers longer than this are refused: CPython will not turn one over 4300
#: digits into text, so every message or page that shows it would fail.
_INT_DIGITS_LIMIT = 1000
_INT_TAG = "tag:yaml.org,2002:int"
_ALIAS_MESSAGE = (
    "YAML anchors and aliases are not supported in frontmatter: this anchored value is "
    "used again through an alias; write the value out where it is needed"
)


def _check_shape(root: Any) -> None:
    """Raise :class:`RefusedShapeError` for the first alias, over-deep container
    or over-long integer of a composed YAML tree, before anything is built.

    The composer hands over, for each alias, the very node its anchor named,
    so a node reached twice is an alias: of a scalar (``name: &n x`` then
    ``description: *n``), of a container, or of a mapping merged with
    ``<<: *a``. Checking the nodes, not the built data, also stops a "billion
    laughs" bomb before it is built.
    """
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            raise RefusedShapeError(mark.line, mark.column, _ALIAS_MESSAGE)
        seen.add(id(node))
        children = node.value
        if isinstance(children, str):
            if len(children) > _INT_DIGITS_LIMIT and str(node.tag) == _INT_TAG:
                mark = node.start_mark
                message = f"an integer in the frontmatter has more than {_INT_DIGITS_LIMIT} digits"
                raise RefusedShapeError(mark.line, mark.column, message)
            continue
        if depth >= NESTING_LIMIT:
            mark = node.start_mark
            message = f"frontmatter is nested more than {NESTING_LIMIT} levels deep"
            raise RefusedShapeError(mark.line, mark.column, message)
        for child in children:  # a sequence's items, or a mapping's (key, value) pairs
            if isinstance(child, tuple):
                stack.extend((part, depth + 1) for part in child)
            else:
                stack.append((child, depth + 1))


def _checked(base: Any) -> Any:
    """``base``, a safe loader class, made to check the composed tree first
    (see :func:`_check_shape`)."""

    class Checked(base):  # type: ignore[misc]
        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            _check_shape(node)
            return self.construct_document(node)

    return Checked


def _tracking(checked: Any) -> Any:
    """``checked`` remembering the last node it started to build: used again
    only for a document whose values could not be built, to say where."""

    class Tracking(checked):  # type: ignore[misc]
        last_node: Any = None

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            self.last_node = node
            return super().construct_object(node, deep)

    return Tracking


@cache
def _safe_loader() -> Callable[[str], Any]:
    """A loader equivalent to ``YAML(typ="safe", pure=False).load``, built once,
    that refuses aliases, absurd nesting and integers too long to print before
    it builds anything (see :func:`_check_shape`), and says where a value it
    cannot build sits (:class:`ConstructionError`).

    ``YAML.load`` builds a new loader class for every document, and its
    versioned resolver looks the YAML version up (through two caught
    ``AttributeError``s) for every scalar; with the C parser that lookup always
    ends at the default, YAML 1.2. This loader pairs the C parser with the safe
    constructor and the YAML 1.2 resolver directly: the same data, the same
    errors, three times faster.
    """
    import ruamel.yaml.main
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.loader import SafeLoader
    from ruamel.yaml.resolver import Resolver

    c_parser: Any = getattr(ruamel.yaml.main, "CParser", None)
    if c_parser is None:  # no C extension: ruamel's own pure-Python safe loader

        class PureLoader(SafeLoader):
            def __init__(self, stream: str) -> None:
                super().__init__(stream)
                self.allow_duplicate_keys = False

        base: Any = PureLoader
    else:

        class Loader(c_parser, SafeConstructor, Resolver):  # type: ignore[misc]
            def __init__(self, stream: str) -> None:
                c_parser.__init__(self, stream)
                self._parser = self._composer = self
                SafeConstructor.__init__(self, loader=self)
                self.allow_duplicate_keys = False
                Resolver.__init__(self, loadumper=self)

        base = Loader
    checked = _checked(base)
    tracking = _tracking(checked)

    def load(source: str) -> Any:
        loader = checked(source)
        try:
            return loader.get_single_data()
        except (RefusedShapeError, RecursionError, YAMLError):
            raise
        except Exception:  # ruamel's constructors trip on odd values: "!!int" alone
            pass
        finally:
            loader.dispose()
        # Rare: build it again, noting each node, to say which value failed.
        loader = tracking(source)
        try:
            return loader.get_single_data()
        except (RefusedShapeError, RecursionError, YAMLError):
            raise
        except Exception as error:
            node = loader.last_node
            if node is None:
                raise
            mark = node.start_mark
            raise ConstructionError(
                mark.line, mark.column, _describe_construction(node, error)
            ) from error
        finally:
            loader.dispose()

    return load


def load_frontmatter(
    source: str, *, first_line: int, fast: bool = True
) -> tuple[Frontmatter | None, list[Issue]]:
    """Load one YAML block; report syntax problems at their file position.

    ``fast=False`` loads with ruamel.yaml only (``--fix`` checks its edits so).
    """
    if len(source.encode("utf-8")) > FRONTMATTER_LIMIT:
        return None, [
            Issue(
                FRONTMATTER_SYNTAX,
                f"frontmatter is larger than {FRONTMATTER_LIMIT // 1024} KiB",
                Position(first_line, 1),
            )
        ]
    if fast:
        data = _fast_load(source)
        if data is not _UNSURE:
            return Frontmatter(source, first_line, data), []
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    def at(line: int, column: int) -> Position:
        return Position(first_line + line, column + 1)

    def refused(message: str, position: Position) -> tuple[None, list[Issue]]:
        return None, [Issue(FRONTMATTER_SYNTAX, message, position)]

    try:
        with warnings.catch_warnings():
            # ruamel warns on stderr about YAML 1.1 float spellings ("1e3"); the
            # value still loads, and a linter's output is not the place for it.
            warnings.simplefilter("ignore")
            data = _safe_loader()(source)
    except RefusedShapeError as shape:
        return refused(shape.message, at(shape.line, shape.column))
    except ConstructionError as failed:
        return refused(failed.message, at(failed.line, failed.column))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = at(mark.line, mark.column) if mark else Position(first_line, 1)
        return refused(_describe_yaml_error(error), position)
    except YAMLError as error:
        return refused(f"invalid YAML: {quoted(str(error), 200)}", Position(first_line, 1))
    except RecursionError:
        return refused("YAML is nested too deeply", Position(first_line, 1))
    return Frontmatter(source, first_line, data), []


#: Returned by :func:`_fast_load` for a block only ruamel.yaml may load.
_UNSURE: Any = object()

#: What sends a block to ruamel.yaml before yaml-rs sees it: anchors, aliases
#: and tags (``&*!``), a complex key (``? ``), a merge key (``<<``), a block
#: scalar that keeps its trailing lines or sets its indentation (``|+``,
#: ``>2``), ruamel's YAML 1.1 value key (a plain ``=`` alone), a directive or a
#: document marker at the start of a line, tabs, and every character outside
#: printable text that ruamel's reader refuses or treats as a line break (C0/C1
#: controls, NEL, LS/PS, BOM, surrogates, U+FFFE/U+FFFF). Character classes,
#: fixed strings and one run of spaces: the search is linear in the block,
#: whatever it holds (tests/robustness/test_fast_path.py times 1 MB lines).
_NEEDS_RUAMEL = re.compile(
    "[&*!\t\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
    "|<<|(?:^|[-:\\[{,]) *=(?=[\\s,:\\]}]|$)|\\?[ \n]|[|>][-+]?[+0-9]|^%|^---|^\\.\\.\\.",
    re.MULTILINE,
)
#: A colon inside a word (``a:b``); with a flow collection in the block it goes to ruamel.
_COLON_IN_WORD = re.compile(":[^ \n]")
#: The start of ruamel.yaml's timestamp pattern (YAML 1.2 resolver).
_DATE_LIKE = re.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")


@cache
def _compiled_loader() -> Callable[..., Any] | None:
    """yaml-rs' ``loads`` when the wheel is installed, else None."""
    try:
        from yaml_rs import loads
    except ImportError:
        return None
    return loads


def _fast_load(source: str) -> Any:
    """The data of ``source`` as ruamel.yaml's safe loader would build it, from
    yaml-rs, or :data:`_UNSURE` when only ruamel.yaml may answer (see
    :data:`_NEEDS_RUAMEL`, and :func:`_plain_data` for the data's shape)."""
    loads = _compiled_loader()
    if loads is None or _NEEDS_RUAMEL.search(source) is not None:
        return _UNSURE
    if ("[" in source or "{" in source) and _COLON_IN_WORD.search(source) is not None:
        return _UNSURE  # ruamel refuses ``[a:b]``, which YAML 1.2 and yaml-rs read as text
    try:
        # Dates stay text, which _plain_data sends to ruamel: yaml-rs also reads
        # times of day (12:30:00) that ruamel keeps as text.
        data = loads(source, parse_datetime=False)
    except Exception:  # every error, its message and its place, is ruamel.yaml's
        return _UNSURE
    # ruamel refuses an integer written with more than _INT_DIGITS_LIMIT characters
    # (leading zeros count): only a block longer than that can hold one.
    return data if _plain_data(data, ints=len(source) <= _INT_DIGITS_LIMIT) else _UNSURE


def _plain_data(data: Any, *, ints: bool) -> bool:
    """Whether ``data`` has none of the shapes :func:`_check_shape` refuses or
    ruamel.yaml builds otherwise: containers nested :data:`NESTING_LIMIT` deep,
    mapping keys that are not text, text that starts like a date (ruamel.yaml
    refuses ``2001-02-29`` where yaml-rs keeps the text), text of blank lines only
    (which the two chomp differently), integers unless ``ints``."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth >= NESTING_LIMIT:
                return False
            for key in node:
                if type(key) is not str or _DATE_LIKE.match(key):
                    return False
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            if depth >= NESTING_LIMIT:
                return False
            stack.extend((item, depth + 1) for item in node)
        elif type(node) is str:
            if _DATE_LIKE.match(node) or (node and node.isspace()):
                return False
        elif not ints and type(node) is int:
            return False
    return True


#: What a value of each YAML tag must look like, for a value that could not be built.
_TAG_SHAPES = {
    "omap": "a list of one-key mappings, no key repeated",
    "pairs": "a list of one-key mappings",
    "set": "a mapping of keys without values",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "null": "null, ~ or nothing",
    "timestamp": "a date such as 2024-01-02",
    "binary": "base64 text",
}


def _describe_construction(node: Any, error: Exception) -> str:
    """Why the value at ``node`` (the last one the loader started) could not be built."""
    if isinstance(error, TypeError) and "unhashable" in str(error):
        return "invalid YAML: a key of this mapping holds a list or mapping; keys must be text"
    if isinstance(error, AssertionError) and isinstance(node.value, str):
        # ruamel asserts that an ordered map's keys differ; ``node`` is the repeated key.
        return f"invalid YAML: key {quoted(node.value)} repeats in an ordered map (!!omap)"
    tag = str(node.tag)
    short = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag
    shape = _TAG_SHAPES.get(short, f"a valid !!{short} value")
    if isinstance(node.value, str):
        return f"invalid YAML: {quoted(node.value)} cannot be read as {shape} (YAML type !!{short})"
    return f"invalid YAML: this value cannot be read as {shape} (YAML type !!{short})"


_DUPLICATE_KEY = re.compile(r'found duplicate key "(?P<key>.*?)" with value ', re.DOTALL)


def _describe_yaml_error(error: MarkedYAMLError) -> str:
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    duplicate = _DUPLICATE_KEY.match(problem)
    if duplicate:
        # ruamel's text repeats both values whole; the key is what matters.
        return f"invalid YAML: duplicate key {quoted(duplicate['key'])}"
    if "duplicate key" in problem:
        return f"invalid YAML: {quoted(problem.splitlines()[0], 200)[1:-1]}"
    text = "; ".join(part for part in (context, problem) if part)
    return f"invalid YAML: {text or 'cannot parse'}"
