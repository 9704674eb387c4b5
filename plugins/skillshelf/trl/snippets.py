"""Check the TRL / peft config calls in a Markdown document's Python snippets.

Pure functions: the document's text in, :class:`SnippetIssue` values out.
Snippets are parsed with :mod:`ast` and never executed. Only literal values
(``0.1``, ``"ipo"``, ``["sigmoid", "ipo"]``) are judged; variables, calls and
``**kwargs`` make the checker skip what depends on them rather than guess.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.version import InvalidVersion, Version

from skillshelf.frontmatter import frontmatter_closing
from skillshelf.markdown import FencedBlock, iter_fenced_blocks, split_lines
from skillshelf.suggest import did_you_mean
from skillshelf.trl.signatures import (
    UNKNOWN,
    ConfigClass,
    Signatures,
    holds,
    load,
    render,
)

UNKNOWN_ARGUMENT = "config-unknown-argument"
TYPE_MISMATCH = "config-type-mismatch"
INVALID_VALUE = "config-invalid-value"
CONFLICT = "config-conflict"
SYNTAX = "snippet-syntax"

#: Info-string languages whose blocks are Python. ``pycon`` blocks are read
#: through their ``>>>`` / ``...`` prompts.
PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"})
_CONSOLE_LANGUAGES = frozenset({"pycon"})
_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_MAGIC = re.compile(r"^[ \t]*[!%]")


@dataclass(frozen=True, order=True)
class SnippetIssue:
    """One finding, 1-based line and column in the Markdown text."""

    line: int
    column: int
    rule: str
    message: str


@dataclass(frozen=True)
class ConfigCall:
    """A config call found in a snippet, for tests and tooling."""

    package: str
    name: str
    line: int
    column: int
    keywords: tuple[tuple[str, Any], ...]  # (name, literal value or UNKNOWN)
    has_star_kwargs: bool
    has_positional: bool
    end_line: int = 0
    end_column: int = 0

    def contains(self, line: int, column: int) -> bool:
        """Is a 1-based text position inside this call's source?"""
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)


# --------------------------------------------------------------------------- versions


def resolve_version(signatures: Signatures, target: str | None, package: str = "trl") -> str:
    """The release to check against: ``target`` if extracted, else the pinned one.

    ``"0.28"`` / ``"0.28.*"`` / ``"==0.28.0"`` / ``"v1.0.0"`` name extracted releases too.
    """
    pinned = signatures.pinned[package]
    if not target:
        return pinned
    text = target.strip().lstrip("=v").strip()
    releases = signatures.releases(package)
    if text in releases:
        return text
    prefix = text.removesuffix(".*").removesuffix(".x")
    if re.fullmatch(r"\d+\.\d+", prefix):
        matching = [r for r in releases if r.startswith(prefix + ".")]
        if matching:
            return matching[-1]
    try:
        wanted = Version(text)
    except InvalidVersion:
        return pinned
    for release in releases:
        if Version(release) == wanted:
            return release
    return pinned


# --------------------------------------------------------------------------- snippets


def code_lines(code: str) -> list[str]:
    """The lines of a block's code; called once per block, whatever it holds.

    Every position of a finding is looked up in these lines: splitting the
    code again per call made a block of n calls cost n splits of n lines.
    """
    return code.split("\n")


@dataclass
class _Snippet:
    block: FencedBlock
    code: str  # prompts removed and magics blanked
    lines: list[str]  # the same code, split once
    extra: list[int]  # characters removed per code line besides the fence indentation (prompts)

    def position(self, line: int, byte_col: int) -> tuple[int, int]:
        lines = self.lines
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        char_col = len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))
        extra = self.extra[line - 1] if 0 < line <= len(self.extra) else 0
        return self.block.position(line, extra + char_col)


def _frontmatter_end(text: str) -> int:
    """Last line of a leading YAML frontmatter block (0 when there is none)."""
    closing = frontmatter_closing(split_lines(text))
    return 0 if closing is None else closing + 1


def python_snippets(text: str, blocks: Sequence[FencedBlock] | None = None) -> Iterator[_Snippet]:
    """The Python blocks of a document, magics blanked and console prompts removed.

    ``blocks``: the text's fenced blocks, when the caller already has them.
    """
    skip_until = _frontmatter_end(text)
    for block in iter_fenced_blocks(text) if blocks is None else blocks:
        if block.start_line <= skip_until or block.language not in PYTHON_LANGUAGES:
            continue
        lines = code_lines(block.code)
        extra = [0] * len(lines)
        if block.language in _CONSOLE_LANGUAGES or any(_PROMPT.match(ln) for ln in lines[:1]):
            for index, line in enumerate(lines):
                match = _PROMPT.match(line)
                if match:
                    extra[index] = match.end()
                    lines[index] = line[match.end() :]
                else:
                    lines[index] = ""  # console output
        for index, line in enumerate(lines):
            if _MAGIC.match(line):
                lines[index] = ""  # notebook ``!pip install`` / ``%magic`` lines
        yield _Snippet(block, "\n".join(lines), lines, extra)


def _parse(snippet: _Snippet) -> ast.Module | SnippetIssue:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(snippet.code)
    except SyntaxError as exc:
        line = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        lines = snippet.lines
        if not 0 < line <= len(lines):
            line, col = max(min(line, len(lines)), 1), 0
        byte_col = len(lines[line - 1][:col].encode("utf-8"))
        pos = snippet.position(line, byte_col)
        detail = exc.msg or "invalid syntax"
        return SnippetIssue(
            pos[0],
            pos[1],
            SYNTAX,
            f"Python snippet does not parse: {detail} (line {line} of the block)",
        )
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return SnippetIssue(
            snippet.block.start_line,
            snippet.block.indent + 1,
            SYNTAX,
            f"Python snippet does not parse: {exc.__class__.__name__}",
        )


# --------------------------------------------------------------------------- imports and calls


@dataclass
class _Scope:
    """Names bound to config classes and modules, carried across a document's blocks."""

    known: Mapping[str, str]  # class name -> package
    classes: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (pkg, class)
    modules: dict[str, str] = field(default_factory=dict)  # local -> "trl" / "peft" / other
    shadowed: set[str] = field(default_factory=set)

    def learn(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                root = node.module.split(".")[0]
                for alias in node.names:
                    local = alias.asname or alias.name
                    if root in ("trl", "peft") and self.known.get(alias.name) == root:
                        self.classes[local] = (root, alias.name)
                        self.shadowed.discard(local)
                    elif root in ("trl", "peft") and alias.name in ("trl", "peft"):
                        self.modules[local] = alias.name
                    else:
                        self.classes.pop(local, None)
                        self.shadowed.add(local)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    root = alias.name.split(".")[0]
                    if alias.asname:
                        self.modules[alias.asname] = root if alias.name == root else alias.name
                    else:
                        self.modules[root] = root
            elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                self._shadow(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self._shadow(node.id)

    def concerns(self, code: str) -> bool:
        """Whether ``code`` may call a config class or change what a name means.

        It must mention a config class, ``trl``/``peft``, or a local name bound
        to one of them; code that mentions none of these can neither call a
        config nor rebind a name that matters, so it is not walked. The test
        is textual and errs towards walking (``ctrl`` contains ``trl``).
        """
        if "trl" in code or "peft" in code:
            return True
        if any(name in code for name in self.classes):
            return True
        if any(
            name in code
            for name, module in self.modules.items()
            if module.split(".")[0] in ("trl", "peft")
        ):
            return True
        return any(name in code for name in self.known)

    def _shadow(self, name: str) -> None:
        if name in self.known:
            self.classes.pop(name, None)
            self.shadowed.add(name)

    def resolve(self, func: ast.expr) -> tuple[str, str] | None:
        if isinstance(func, ast.Name):
            if func.id in self.classes:
                return self.classes[func.id]
            if func.id in self.known and func.id not in self.shadowed:
                return self.known[func.id], func.id  # a bare call: docs often omit imports
            return None
        if isinstance(func, ast.Attribute):
            parts: list[str] = []
            node: ast.expr = func
            while isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
            if not isinstance(node, ast.Name):
                return None
            module = self.modules.get(node.id)
            if module is None:
                return None
            root = module.split(".")[0]
            if root in ("trl", "peft") and self.known.get(func.attr) == root:
                return root, func.attr
        return None


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN


def find_calls(text: str, signatures: Signatures | None = None) -> Iterator[ConfigCall]:
    """Every config call of the document, with its literal keyword values."""
    sigs = signatures or load()
    scope = _Scope(sigs.all_class_names())
    for snippet in python_snippets(text):
        tree = _parse(snippet)
        if isinstance(tree, SnippetIssue):
            continue
        for call, package, name in _known_calls(snippet, tree, scope):
            line, col = snippet.position(call.lineno, call.col_offset)
            end = snippet.position(
                call.end_lineno or call.lineno, call.end_col_offset or call.col_offset
            )
            yield ConfigCall(
                package,
                name,
                line,
                col,
                tuple((kw.arg, _literal(kw.value)) for kw in call.keywords if kw.arg is not None),
                any(kw.arg is None for kw in call.keywords),
                bool(call.args),
                end[0],
                end[1],
            )


def _calls(
    snippet: _Snippet, tree: ast.Module, scope: _Scope
) -> Iterator[tuple[ast.Call, tuple[str, str] | None]]:
    """Every call of a block that concerns TRL / peft, with what it calls if we know it."""
    if not scope.concerns(snippet.code):
        return  # most Python blocks have nothing to do with TRL: skip the walk
    scope.learn(tree)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    calls.sort(key=lambda n: (n.lineno, n.col_offset))
    for call in calls:
        yield call, scope.resolve(call.func)


def _known_calls(
    snippet: _Snippet, tree: ast.Module, scope: _Scope
) -> Iterator[tuple[ast.Call, str, str]]:
    for call, found in _calls(snippet, tree, scope):
        if found is not None:
            yield call, found[0], found[1]


def repeated_keywords(call: ast.Call) -> list[ast.keyword]:
    """The keywords a call passes a second time: Python's compiler rejects the call."""
    seen: set[str] = set()
    repeated: list[ast.keyword] = []
    for kw in call.keywords:
        if kw.arg is None:
            continue
        if kw.arg in seen:
            repeated.append(kw)
        seen.add(kw.arg)
    return repeated


# --------------------------------------------------------------------------- types


def _parse_annotation(text: str) -> ast.expr | None:
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
        options = [_literal(a) for a in args]
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
                v = _literal(a)
                if isinstance(v, str):
                    found.append(v)
        elif isinstance(n, ast.Constant) and n.value is None:
            pass
        else:
            other = True

    visit(node)
    return found if found and not other else None


# --------------------------------------------------------------------------- checking


def _describe(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (sys.get_int_max_str_digits)
        return f"<{type(value).__name__} literal>"
    return text if len(text) <= 60 else text[:57] + "..."


def _release_label(package: str, version: str) -> str:
    return f"{package} {version}"


_REFS: dict[str, frozenset[str]] = {}


def _rule_refs(rule_id: str, condition: Any) -> frozenset[str]:
    """The arguments a rule's condition reads (cached by rule id: ids are content hashes)."""
    cached = _REFS.get(rule_id)
    if cached is not None:
        return cached
    out: set[str] = set()
    stack = [condition]
    while stack:
        tree = stack.pop()
        if isinstance(tree, list) and tree:
            if tree[0] == "arg" and len(tree) == 2 and isinstance(tree[1], str):
                out.add(tree[1])
            else:
                stack.extend(tree[1:])
        elif isinstance(tree, dict):
            stack.extend(tree.values())
    _REFS[rule_id] = frozenset(out)
    return _REFS[rule_id]


class _Checker:
    def __init__(self, signatures: Signatures, trl_version: str) -> None:
        self.sigs = signatures
        self.versions = {"trl": trl_version, "peft": signatures.pinned["peft"]}
        self.issues: list[SnippetIssue] = []

    def repeated(self, snippet: _Snippet, kw: ast.keyword) -> None:
        pos = snippet.position(kw.lineno, kw.col_offset)
        self.issues.append(
            SnippetIssue(
                *pos,
                SYNTAX,
                f"keyword argument repeated: {kw.arg}: Python rejects the whole block with "
                "SyntaxError before running any of it; pass it once",
            )
        )

    def check_call(
        self,
        snippet: _Snippet,
        call: ast.Call,
        package: str,
        name: str,
        skip: Sequence[ast.keyword] = (),
    ) -> None:
        version = self.versions[package]
        cls = self.sigs.config_class(package, version, name)
        if cls is None:
            return  # not in this release at all: nothing to check the keywords against
        where = _release_label(package, version)
        before = len(self.issues)
        env: dict[str, Any] = {}
        passed: dict[str, ast.keyword] = {}
        star = any(kw.arg is None for kw in call.keywords)
        for kw in call.keywords:
            if kw.arg is None or any(kw is other for other in skip):
                continue
            passed[kw.arg] = kw
            pos = snippet.position(kw.lineno, kw.col_offset)
            argument = cls.arguments.get(kw.arg)
            if argument is None:
                self._unknown(pos, cls, kw.arg, where)
                continue
            value = _literal(kw.value)
            env[kw.arg] = value
            if value is UNKNOWN:
                continue
            if not accepts(argument.annotation, value, argument.accepts):
                self.issues.append(
                    SnippetIssue(
                        *pos,
                        TYPE_MISMATCH,
                        f"{kw.arg}={_describe(value)}: {name}.{kw.arg} is `{argument.annotation}` "
                        f"in {where}, not {type(value).__name__}",
                    )
                )
                continue
            if kw.arg == "loss_type" and cls.loss_types is not None:
                self._loss_type(snippet, kw, value, cls, where)
                continue
            choices = list(argument.choices or ()) or literal_choices(argument.annotation)
            if (
                choices
                and isinstance(value, str)
                and all(isinstance(c, str) for c in choices)
                and value not in choices
            ):
                hint = did_you_mean(value, choices)
                self.issues.append(
                    SnippetIssue(
                        *pos,
                        INVALID_VALUE,
                        f"{kw.arg}={_describe(value)}: not a valid value for {name}.{kw.arg} "
                        f"in {where} "
                        f"(one of: {', '.join(map(repr, choices))}){hint}",
                    )
                )
        flagged = set(range(before, len(self.issues)))
        bad = {kw for kw, node in passed.items() if _flagged(self.issues, flagged, snippet, node)}
        self._conflicts(snippet, cls, env, passed, bad, star, where)

    def _unknown(self, pos: tuple[int, int], cls: ConfigClass, keyword: str, where: str) -> None:
        history = self.sigs.argument_history(cls.package, cls.name, keyword, cls.version)
        notes: list[str] = []
        if history.removed_in:
            notes.append(f"removed in {history.removed_in}")
        elif history.last_seen:
            notes.append(f"last in {history.last_seen}")
        elif history.added_in:
            notes.append(f"added in {history.added_in}")
        note = f" ({'; '.join(notes)})" if notes else ""
        hint = did_you_mean(keyword, cls.arguments)
        self.issues.append(
            SnippetIssue(
                *pos,
                UNKNOWN_ARGUMENT,
                f"{keyword}: {cls.name} has no such argument in {where}{note}{hint}",
            )
        )

    def _loss_type(
        self, snippet: _Snippet, kw: ast.keyword, value: Any, cls: ConfigClass, where: str
    ) -> None:
        assert cls.loss_types is not None
        items: list[tuple[Any, ast.expr]]
        if isinstance(value, str):
            items = [(value, kw.value)]
        elif isinstance(kw.value, ast.List | ast.Tuple):
            items = list(zip(value, kw.value.elts, strict=False))
        else:
            return
        for item, node in items:
            if not isinstance(item, str) or item in cls.loss_types:
                continue
            pos = snippet.position(node.lineno, node.col_offset)
            self.issues.append(
                SnippetIssue(*pos, INVALID_VALUE, self._loss_message(cls, item, where))
            )

    def _loss_message(self, cls: ConfigClass, item: str, where: str) -> str:
        assert cls.loss_types is not None
        history = self.sigs.loss_type_history(cls.package, cls.name, item, cls.version)
        notes: list[str] = []
        replaced_by: str | None = None
        if history.last_seen:
            said = self.sigs.deprecation(cls.package, cls.name, item, history.last_seen)
            replaced_by = said.get("replaced_by")
            if replaced_by and history.removed_in:
                notes.append(
                    f"renamed to {replaced_by!r}, the old name removed in {history.removed_in}"
                )
            elif history.removed_in:
                notes.append(f"removed in {history.removed_in}")
        elif history.added_in:
            notes.append(f"added in {history.added_in}")
        rejected = cls.rejected_loss_types.get(item)
        if rejected:
            notes.append(f"TRL says: {rejected}")
        note = f" ({'; '.join(notes)})" if notes else ""
        if replaced_by and replaced_by in cls.loss_types:
            hint = f"; did you mean {replaced_by!r}?"
        else:
            hint = did_you_mean(item, cls.loss_types)
        return f"loss_type {item!r}: not a {cls.name} loss type in {where}{note}{hint}"

    def _conflicts(
        self,
        snippet: _Snippet,
        cls: ConfigClass,
        env: dict[str, Any],
        passed: dict[str, ast.keyword],
        bad: set[str],
        star: bool,
        where: str,
    ) -> None:
        full: dict[str, Any] = {}
        for arg_name, argument in cls.arguments.items():
            if arg_name in env:
                full[arg_name] = env[arg_name]
            elif star or not argument.has_default:
                full[arg_name] = UNKNOWN
            else:
                full[arg_name] = argument.default
        seen: set[str] = set()
        for rule in cls.rules:
            refs = _rule_refs(rule.id, rule.condition)
            literal_refs = [r for r in refs if r in passed and env.get(r) is not UNKNOWN]
            if not literal_refs or refs & bad or not holds(rule.condition, full):
                continue
            message = render(rule.message, full)
            if message in seen:
                continue
            seen.add(message)
            anchor = max((passed[r] for r in literal_refs), key=lambda k: (k.lineno, k.col_offset))
            pos = snippet.position(anchor.lineno, anchor.col_offset)
            by = f"{cls.trainer}" if rule.phase == "trainer" else cls.name
            self.issues.append(SnippetIssue(*pos, CONFLICT, f"{message} (raised by {by}, {where})"))


def _flagged(
    issues: list[SnippetIssue], indexes: set[int], snippet: _Snippet, kw: ast.keyword
) -> bool:
    """Did this call already report something about keyword ``kw``?"""
    start = snippet.position(kw.lineno, kw.col_offset)
    end_line = getattr(kw.value, "end_lineno", None) or kw.lineno
    end = snippet.position(end_line, getattr(kw.value, "end_col_offset", None) or kw.col_offset)
    return any(start <= (issues[i].line, issues[i].column) <= end for i in indexes)


def check_text(
    text: str,
    trl_target: str | None = None,
    signatures: Signatures | None = None,
    blocks: Sequence[FencedBlock] | None = None,
) -> tuple[SnippetIssue, ...]:
    """Every issue of the document, sorted by position.

    ``blocks``: the text's fenced blocks, when the caller already has them.
    """
    if "```" not in text and "~~~" not in text:
        return ()  # no fenced block, so no snippet: most references and descriptions
    sigs = signatures or load()
    checker = _Checker(sigs, resolve_version(sigs, trl_target))
    scope = _Scope(sigs.all_class_names())
    for snippet in python_snippets(text, blocks):
        tree = _parse(snippet)
        if isinstance(tree, SnippetIssue):
            checker.issues.append(tree)
            continue
        for call, found in _calls(snippet, tree, scope):
            repeated = repeated_keywords(call)
            for kw in repeated:
                checker.repeated(snippet, kw)
            if found is not None:
                checker.check_call(snippet, call, *found, skip=repeated)
    return tuple(sorted(set(checker.issues)))
