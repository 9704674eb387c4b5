"""Check the calls into TRL, peft and transformers in a Markdown document's Python snippets.

Pure functions: the document's text in, :class:`~skillshelf.diagnostics.Issue` values out
(the reading stage's type, positions in the Markdown text).
Snippets are parsed with :mod:`ast` and never executed. What is judged:

* imports of known APIs: a class gone from the target release, or one that
  moved (``from trl import ORPOConfig`` -> ``trl.experimental.orpo``);
* every keyword of a call to a known class, trainer, function or method,
  against the target release: with the full signature where the data file has
  one (trl configs of the window, peft ``LoraConfig``, transformers
  ``TrainingArguments``: types, choices, loss types and the argument checks TRL
  performs), else by name against the history (``schemas/api-history.json``),
  which says when a keyword went and what the release before said instead;
* keywords spelled out in a dictionary earlier in the block and passed as
  ``**kwargs``; a keyword passed twice (a SyntaxError in Python);
* positional arguments of trainers and functions, bound to the target
  release's parameter order (the history keeps it).

A block that does not parse is read statement by statement
(:mod:`skillshelf.trl.recover`) and reported once: ``snippet-syntax`` for a
mistake, ``snippet-placeholder`` for a block that only leaves things out.

Only literal values (``0.1``, ``"ipo"``, ``["sigmoid", "ipo"]``) are judged;
variables, calls and ``...`` placeholders are unknown values, and whatever
depends on them is skipped rather than guessed.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from skillshelf.diagnostics import Issue, Position, quoted
from skillshelf.markdown import FencedBlock
from skillshelf.suggest import did_you_mean
from skillshelf.trl import history as history_data
from skillshelf.trl.bindings import (
    Api,
    Dictionaries,
    ImportUse,
    Keyword,
    Scope,
    call_keywords,
    calls_by_statement,
    mentions,
    statement_nodes,
)
from skillshelf.trl.blocks import Snippet, python_snippets
from skillshelf.trl.history import ApiHistory, Span
from skillshelf.trl.recover import parse_block
from skillshelf.trl.renames import advice_for, instead
from skillshelf.trl.signatures import (
    UNKNOWN,
    ConfigClass,
    Signatures,
    holds,
    load,
    raises,
    render,
)
from skillshelf.trl.typecheck import accepts, literal, literal_choices
from skillshelf.trl.versions import Targets, choose

UNKNOWN_ARGUMENT = "config-unknown-argument"
TYPE_MISMATCH = "config-type-mismatch"
TYPE_ERROR = "config-type-error"
INVALID_VALUE = "config-invalid-value"
CONFLICT = "config-conflict"
SYNTAX = "snippet-syntax"
PLACEHOLDER = "snippet-placeholder"
CALL_UNKNOWN_ARGUMENT = "call-unknown-argument"
POSITIONAL = "call-positional-argument"
IGNORED_ARGUMENT = "config-ignored-argument"
API_REMOVED = "api-removed"
IMPORT_MOVED = "import-moved"
UPGRADE_BREAKS = "snippet-upgrade-breaks"

#: What a finding that is an upgrade note was, at the pinned release.
_BREAKING = frozenset(
    {UNKNOWN_ARGUMENT, CALL_UNKNOWN_ARGUMENT, POSITIONAL, API_REMOVED, IMPORT_MOVED, INVALID_VALUE}
)


@dataclass(frozen=True)
class ConfigCall:
    """A call of a known API found in a snippet, for tests and tooling."""

    package: str
    name: str
    line: int
    column: int
    keywords: tuple[tuple[str, Any], ...]  # (name, literal value or UNKNOWN)
    has_star_kwargs: bool  # a ``**`` whose keys the checker cannot read
    has_positional: bool
    end_line: int = 0
    end_column: int = 0

    def contains(self, line: int, column: int) -> bool:
        """Is a 1-based text position inside this call's source?"""
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)


# --------------------------------------------------------------------------- blocks


def _parse(snippet: Snippet) -> tuple[ast.Module | None, Issue | None]:
    """The block's statements, as many as can be read (:mod:`skillshelf.trl.recover`), and,
    for a block labelled Python that does not parse as written, one issue saying why: a
    mistake is a ``snippet-syntax`` warning, a placeholder or fragment the block means is a
    ``snippet-placeholder`` note. An unlabelled block that does not parse whole is not
    Python: no statements, no issue."""
    parsed = parse_block(snippet.code, statements=snippet.labelled)
    problem = parsed.problem
    if problem is None or not snippet.labelled:
        return parsed.tree, None
    lines = snippet.lines
    line, column = problem.line, problem.column
    if not 0 < line <= len(lines):
        line, column = max(min(line, len(lines)), 1), 0
    pos = Position(*snippet.position(line, len(lines[line - 1][:column].encode("utf-8"))))
    if problem.intended:
        return parsed.tree, Issue(
            PLACEHOLDER,
            f"Python snippet is not complete code: {problem.message} (line {line} of the "
            "block); its calls are checked as written",
            pos,
        )
    rest = "; the rest of the block is still checked" if parsed.tree and parsed.tree.body else ""
    return parsed.tree, Issue(
        SYNTAX,
        f"Python snippet does not parse: {problem.message} (line {line} of the block){rest}",
        pos,
    )


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


@dataclass
class _Block:
    """One parsed block that concerns a known API: its imports and its calls."""

    snippet: Snippet
    uses: list[ImportUse]
    calls: list[tuple[ast.Call, Api | None, list[Keyword], bool]]  # call, api, keywords, opaque


def _blocks(
    text: str, scope: Scope, blocks: Sequence[FencedBlock] | None, syntax: list[Issue]
) -> Iterator[_Block]:
    for snippet in python_snippets(text, blocks):
        tree, problem = _parse(snippet)
        if problem is not None:
            syntax.append(problem)
        if tree is None or not scope.concerns(snippet.code):
            continue  # most Python blocks have nothing to do with these APIs: skip the walk
        nodes = statement_nodes(tree)
        uses = scope.learn(nodes)
        dictionaries = Dictionaries(tree, nodes)
        calls: list[tuple[ast.Call, Api | None, list[Keyword], bool]] = []
        for statement, call in calls_by_statement(nodes):
            api = scope.resolve(call.func)
            keywords, opaque = call_keywords(call, dictionaries, statement)
            calls.append((call, api, keywords, opaque))
        if snippet.labelled or uses or any(api is not None for _, api, _, _ in calls):
            yield _Block(snippet, uses, calls)


# --------------------------------------------------------------------------- checking


def _describe(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (sys.get_int_max_str_digits)
        return f"<{type(value).__name__} literal>"
    return text if len(text) <= 60 else text[:57] + "..."


def _quote(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_config(name: str) -> bool:
    return name.endswith(("Config", "Arguments"))


class _Checker:
    def __init__(self, signatures: Signatures, history: ApiHistory, targets: Targets) -> None:
        self.sigs = signatures
        self.history = history
        self.targets = targets
        self.issues: list[Issue] = []
        self.removed_names: set[str] = set()  # locals bound by an import already reported
        self.imported: set[str] = set()  # locals the document imported a known API as
        self._unknown_messages: dict[tuple[str, str, str], tuple[str, str]] = {}

    def where(self, package: str) -> str:
        return f"{package} {self.targets[package]}"

    def judged(self, package: str) -> bool:
        """Whether the history covers the target release (older ones are not judged)."""
        return self.history.listed_release(package, self.targets[package]) is not None

    # ---- imports and removed APIs

    def check_import(self, snippet: Snippet, use: ImportUse) -> bool:
        """Judge an import; False when it is not judged (an old release, a path not followed)."""
        package, name = use.api.package, use.api.name
        self.imported.add(use.local)
        if not self.judged(package):
            return False
        pos = Position(*snippet.position(use.node.lineno, use.node.col_offset))
        target = self.targets[package]
        span = self.history.api(package, name, target)
        if not span.present:
            self.issues.append(Issue(API_REMOVED, self._removed(package, name, span), pos))
            self.removed_names.add(use.local)
            return True
        record = self.history.record(package, name) or {}
        judged = use.module == package or use.module.startswith("trl.experimental")
        if not judged and use.module not in record.get("imports", {}):
            return False  # a module path the history does not follow
        here = self.history.import_span(package, name, use.module, target)
        if here.present:
            return True
        elsewhere = self.history.import_modules(package, name, target)
        if not elsewhere:
            return True
        best = min(elsewhere, key=lambda m: (m.count("."), m))
        when = f" (it moved out in {here.removed_in})" if here.removed_in else ""
        self.issues.append(
            Issue(
                IMPORT_MOVED,
                f"{name}: `from {use.module} import {name}` fails in {self.where(package)}"
                f"{when}; import it from {best}",
                pos,
            )
        )
        return True

    def _removed(self, package: str, name: str, span: Span) -> str:
        where = self.where(package)
        if span.removed_in:
            last = self.history.import_modules(package, name, span.last or "") if span.last else []
            as_ = f", as {min(last, key=lambda m: (m.count('.'), m))}" if last else ""
            replacement = advice_for(package, name, None)
            hint = f"; {replacement}" if replacement else ""
            return (
                f"{name}: not in {where} (removed in {span.removed_in}; "
                f"last in {span.last}{as_}){hint}"
            )
        if span.added_in:
            return f"{name}: not in {where} yet (added in {span.added_in})"
        return f"{name}: not in {where}"

    # ---- calls

    def check_call(
        self,
        snippet: Snippet,
        call: ast.Call,
        api: Api,
        keywords: list[Keyword],
        opaque: bool,
    ) -> bool:
        """Judge a call; False when it is not judged (an old release, an import reported)."""
        package, name = api.package, api.name
        if not self.judged(package):
            return False
        target = self.targets[package]
        span = self.history.api(package, name, target)
        if not span.present:
            if isinstance(call.func, ast.Name) and call.func.id in self.removed_names:
                return False
            pos = Position(*snippet.position(call.lineno, call.col_offset))
            self.issues.append(Issue(API_REMOVED, self._removed(package, name, span), pos))
            return True
        if isinstance(call.func, ast.Name) and call.func.id not in self.imported:
            self._bare(snippet, call, package, name)
        cls = self.sigs.config_class(package, target, name)
        if cls is not None:
            self._check_config(snippet, cls, keywords, opaque)
            return True
        accepted, any_keyword = self._accepted(package, name)
        for kw in keywords:
            if kw.name in accepted:
                continue
            pos = Position(*snippet.position(kw.anchor.lineno, kw.anchor.col_offset))  # type: ignore[attr-defined]
            if any_keyword:
                if _is_config(name):
                    self.issues.append(
                        Issue(
                            IGNORED_ARGUMENT,
                            f"{kw.name}: not an option of {name} in {self.where(package)}; "
                            f"{name} takes any keyword, so it is kept without effect"
                            f"{did_you_mean(kw.name, accepted)}",
                            pos,
                        )
                    )
                continue
            self.issues.append(
                Issue(
                    UNKNOWN_ARGUMENT if _is_config(name) else CALL_UNKNOWN_ARGUMENT,
                    self._unknown(package, name, kw.name, accepted),
                    pos,
                )
            )
        if call.args:
            self._positional(snippet, call, api, keywords, accepted)
        return True

    def _positional(
        self,
        snippet: Snippet,
        call: ast.Call,
        api: Api,
        keywords: list[Keyword],
        accepted: frozenset[str],
    ) -> None:
        """Where each positional argument lands in the target release: nowhere (more than the
        parameters that take one), on a parameter also passed by keyword, or, for a name that
        is one of the callee's parameters, on another one (``DPOTrainer(model, ref_model,
        args, train_dataset)`` fills ``data_collator`` with the dataset in trl 1.16)."""
        package, name = api.package, api.name
        order = self.history.positional(package, name, self.targets[package])
        if order is None:
            return
        where = self.where(package)
        by_keyword = {kw.name for kw in keywords}
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred) or (
                isinstance(arg, ast.Constant) and arg.value is Ellipsis
            ):
                return  # ``*args`` or ``...``: where the rest lands is unknown
            nth = f"positional argument {index + 1}"
            if index >= order.count:
                if not order.var_positional:
                    takes = f"{order.count} positional argument{'s' if order.count != 1 else ''}"
                    self.issues.append(
                        Issue(
                            POSITIONAL,
                            f"{name} takes {takes} in {where}; "
                            f"{nth} raises TypeError: pass it by keyword",
                            _position(snippet, arg),
                        )
                    )
                return
            if index >= len(order.names):
                return  # the history names the first parameters only
            param = order.names[index]
            if param in by_keyword:
                self.issues.append(
                    Issue(
                        POSITIONAL,
                        f"{param}: passed to {name} twice, as {nth} "
                        f"and by keyword: TypeError in {where}; pass it once",
                        _position(snippet, arg),
                    )
                )
            elif isinstance(arg, ast.Name) and arg.id != param and arg.id in accepted:
                shown = ", ".join(order.names[: max(index + 2, 4)])
                more = (
                    ", ..."
                    if len(order.names) > max(index + 2, 4) or order.count > len(order.names)
                    else ""
                )
                self.issues.append(
                    Issue(
                        POSITIONAL,
                        f"{arg.id}: {nth} of {name} is {param} in "
                        f"{where} (its order: {shown}{more}), so {arg.id} lands in {param}; "
                        f"pass it as {arg.id}={arg.id}",
                        _position(snippet, arg),
                    )
                )

    def _bare(self, snippet: Snippet, call: ast.Call, package: str, name: str) -> None:
        """A call with no import in the document of a class its package does not export at
        the top level: the import the reader will write (``from trl import CPOConfig``)
        fails, so say where it lives."""
        target = self.targets[package]
        if "." in name or self.history.import_span(package, name, package, target).present:
            return
        elsewhere = self.history.import_modules(package, name, target)
        if not elsewhere:
            return
        best = min(elsewhere, key=lambda m: (m.count("."), m))
        gone = self.history.import_span(package, name, package, target)
        when = f" (it moved out in {gone.removed_in})" if gone.removed_in else ""
        pos = Position(*snippet.position(call.lineno, call.col_offset))
        self.issues.append(
            Issue(
                IMPORT_MOVED,
                f"{name}: not exported by {package} {target}{when}, and the document does not "
                f"import it: `from {best} import {name}`",
                pos,
            )
        )

    def _accepted(self, package: str, name: str) -> tuple[frozenset[str], bool]:
        """Keywords ``name`` takes in the target release, inherited ones included."""
        target = self.targets[package]
        accepted = set(self.history.arguments(package, name, target))
        any_keyword = self.history.takes_any_keyword(package, name, target)
        base = self._base(package, name)
        if base is not None:
            accepted |= self.history.arguments("transformers", base, self.targets["transformers"])
            any_keyword = any_keyword or self.history.takes_any_keyword(
                "transformers", base, self.targets["transformers"]
            )
        return frozenset(accepted), any_keyword

    def _base(self, package: str, name: str) -> str | None:
        """The transformers class whose keywords ``name`` inherits (``TrainingArguments``)."""
        inherits = self.history.inherits(package, name, self.targets[package])
        if inherits is None or not inherits.startswith("transformers."):
            return None
        base = inherits.rsplit(".", 1)[-1]
        return base if self.history.record("transformers", base) is not None else None

    def _unknown(
        self, package: str, name: str, keyword: str, accepted: frozenset[str] | set[str]
    ) -> str:
        """Why ``keyword`` is not taken, from the history: when it went, what the last release
        that had it said, where it lives now; and what to write instead."""
        key = (package, name, keyword)
        if key in self._unknown_messages:
            return self._unknown_messages[key][1]
        target = self.targets[package]
        notes: list[str] = []
        deprecation: str | None = None
        renamed: str | None = self.history.renamed_to(package, name, keyword)
        own = self.history.argument(package, name, keyword, target)
        base = self._base(package, name)
        if own.removed_in:
            notes.append(f"removed in {own.removed_in}")
            deprecation = self.history.deprecation(package, name, keyword)
        elif own.added_in:
            notes.append(f"added in {own.added_in}")
        elif base is not None:
            version = self.targets["transformers"]
            inherited = self.history.argument("transformers", base, keyword, version)
            if inherited.removed_in:
                notes.append(
                    f"{base} dropped it in transformers {inherited.removed_in}, "
                    f"this check assumes transformers {version}"
                )
                deprecation = self.history.deprecation("transformers", base, keyword)
                renamed = renamed or self.history.renamed_to("transformers", base, keyword)
            elif inherited.added_in:
                notes.append(f"{base} has it from transformers {inherited.added_in}")
        if deprecation:
            notes.append(f"its last release said: “{_quote(deprecation)}”")
        moved = self._moved_to_config(package, name, keyword)
        if moved:
            notes.append(moved)
        note = f" ({'; '.join(notes)})" if notes else ""
        hint = ""
        replacement = next(
            (
                r
                for r in (
                    renamed,
                    instead(deprecation or "", keyword),
                    advice_for(package, name, keyword),
                )
                if r and r in accepted
            ),
            None,
        )
        if replacement:
            hint = f"; use {replacement!r}"
        elif not moved:
            hint = did_you_mean(keyword, accepted)
        message = f"{keyword}: {name} has no such argument in {self.where(package)}{note}{hint}"
        self._unknown_messages[key] = (keyword, message)
        return message

    def _moved_to_config(self, package: str, name: str, keyword: str) -> str | None:
        """``SFTTrainer(max_seq_length=...)``: options that went from the trainer to its config."""
        if package != "trl" or not name.endswith("Trainer"):
            return None
        config = name[: -len("Trainer")] + "Config"
        if not self.history.api(package, config, self.targets[package]).present:
            return None
        accepted, _ = self._accepted(package, config)
        if keyword in accepted:
            return f"it is a {config} option now: {config}({keyword}=...), passed as args="
        renamed = instead(self.history.deprecation(package, config, keyword) or "", keyword)
        if renamed and renamed in accepted:
            return f"it is a {config} option now, named {renamed}: {config}({renamed}=...)"
        own = self.history.argument(package, config, keyword, self.targets[package])
        if own.removed_in:
            return f"it was a {config} option until {own.last}"
        return None

    # ---- full signatures

    def _check_config(
        self, snippet: Snippet, cls: ConfigClass, keywords: list[Keyword], opaque: bool
    ) -> None:
        where = f"{cls.package} {cls.version}"
        env: dict[str, Any] = {}
        passed: dict[str, Keyword] = {}
        bad: set[str] = set()  # keywords already reported: their conflicts would repeat it
        for kw in keywords:
            passed[kw.name] = kw
            before = len(self.issues)
            self._check_keyword(snippet, cls, kw, keywords, opaque, env, where)
            if len(self.issues) != before:
                bad.add(kw.name)
        self._conflicts(snippet, cls, env, passed, bad, opaque, where)

    def _check_keyword(
        self,
        snippet: Snippet,
        cls: ConfigClass,
        kw: Keyword,
        keywords: list[Keyword],
        opaque: bool,
        env: dict[str, Any],
        where: str,
    ) -> None:
        """One keyword of a config call against the full signature; its literal value goes
        into ``env`` for the conflicts."""
        anchor: Any = kw.anchor
        argument = cls.arguments.get(kw.name)
        if argument is None:
            message = self._unknown(cls.package, cls.name, kw.name, set(cls.arguments))
            pos = Position(*snippet.position(anchor.lineno, anchor.col_offset))
            self.issues.append(Issue(UNKNOWN_ARGUMENT, message, pos))
            return
        value = literal(kw.value)
        env[kw.name] = value
        if value is UNKNOWN:
            return
        if not accepts(argument.annotation, value, argument.accepts):
            pos = Position(*snippet.position(anchor.lineno, anchor.col_offset))
            self.issues.append(self._type_issue(cls, kw, value, keywords, opaque, pos))
            return
        if kw.name == "loss_type" and cls.loss_types is not None:
            self._loss_type(snippet, kw, value, cls, where)
            return
        choices = list(argument.choices or ()) or literal_choices(argument.annotation)
        if (
            choices
            and isinstance(value, str)
            and all(isinstance(c, str) for c in choices)
            and value not in choices
        ):
            pos = Position(*snippet.position(anchor.lineno, anchor.col_offset))
            self.issues.append(
                Issue(
                    INVALID_VALUE,
                    f"{kw.name}={_describe(value)}: not a valid value for "
                    f"{cls.name}.{kw.name} in {where} "
                    f"(one of: {', '.join(map(repr, choices))})"
                    f"{did_you_mean(value, set(choices))}",
                    pos,
                )
            )

    def _type_issue(
        self,
        cls: ConfigClass,
        kw: Keyword,
        value: Any,
        keywords: list[Keyword],
        opaque: bool,
        pos: Position,
    ) -> Issue:
        """A value of the wrong type: an error when the release's own checks on it certainly
        raise (``warmup_steps="10"`` meets ``< 0``), else a warning that says it is kept."""
        argument = cls.arguments[kw.name]
        where = f"{cls.package} {cls.version}"
        said = (
            f"{cls.name}.{kw.name} is annotated `{argument.annotation}` in {where}, "
            f"not {type(value).__name__}"
        )
        env = _environment(cls, {k.name: literal(k.value) for k in keywords}, opaque)
        for rule in cls.rules:
            if kw.name not in self.sigs.rule_refs(rule):
                continue
            message = raises(rule.condition, env)
            if message is None:
                continue
            if rule.phase == "trainer":
                who = f"{cls.name} is built; {cls.trainer} raises TypeError when it is built"
            else:
                who = f"{cls.name} raises TypeError when it is built"
            return Issue(
                TYPE_ERROR, f"{kw.name}={_describe(value)}: {who} ({message}); {said}", pos
            )
        return Issue(
            TYPE_MISMATCH,
            f"{kw.name}={_describe(value)}: {said}; {cls.name} is built anyway (dataclass "
            "fields are not type-checked) and the value reaches whatever reads it later",
            pos,
        )

    def _loss_type(
        self, snippet: Snippet, kw: Keyword, value: Any, cls: ConfigClass, where: str
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
            pos = Position(*snippet.position(node.lineno, node.col_offset))
            self.issues.append(Issue(INVALID_VALUE, self._loss_message(cls, item, where), pos))

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
        notes.append(_loss_when(cls))
        note = f" ({'; '.join(notes)})"
        if replaced_by and replaced_by in cls.loss_types:
            hint = f"; did you mean {replaced_by!r}?"
        else:
            hint = did_you_mean(item, set(cls.loss_types))
        return f"loss_type {quoted(item)}: not a {cls.name} loss type in {where}{note}{hint}"

    def _conflicts(
        self,
        snippet: Snippet,
        cls: ConfigClass,
        env: dict[str, Any],
        passed: dict[str, Keyword],
        bad: set[str],
        opaque: bool,
        where: str,
    ) -> None:
        full = _environment(cls, env, opaque)
        seen: set[str] = set()
        for rule in cls.rules:
            refs = self.sigs.rule_refs(rule)
            literal_refs = [r for r in refs if r in passed and env.get(r) is not UNKNOWN]
            if not literal_refs or refs & bad or not holds(rule.condition, full):
                continue
            message = render(rule.message, full)
            if message in seen:
                continue
            seen.add(message)
            anchor = max(
                (passed[r].anchor for r in literal_refs),
                key=lambda k: (k.lineno, k.col_offset),  # type: ignore[attr-defined]
            )
            pos = Position(*snippet.position(anchor.lineno, anchor.col_offset))  # type: ignore[attr-defined]
            if rule.phase == "trainer":
                by = f"raised by {cls.trainer} when it is built, {where}"
            else:
                by = f"raised by {cls.name}, {where}"
            self.issues.append(Issue(CONFLICT, f"{message} ({by})", pos))


def _environment(cls: ConfigClass, passed: Mapping[str, Any], opaque: bool) -> dict[str, Any]:
    """Every argument's value for a call: what it passes, else the default (unknown when a
    ``**`` we cannot read may pass it, or when there is no literal default)."""
    full: dict[str, Any] = {}
    for name, argument in cls.arguments.items():
        if name in passed:
            full[name] = passed[name]
        elif opaque or not argument.has_default:
            full[name] = UNKNOWN
        else:
            full[name] = argument.default
    return full


def _loss_when(cls: ConfigClass) -> str:
    """Who rejects an unknown loss type, and when, from where the release's code does it."""
    places = cls.loss_types_raised_in
    built = [p for p in places if p.endswith((".__post_init__", ".__init__"))]
    if any(p.endswith(".__post_init__") for p in built):
        return f"{cls.name} raises ValueError for it when it is built"
    if built:
        owner = built[0].split(".")[0]
        return f"{cls.name} accepts it; {owner} raises ValueError for it when it is built"
    if places:
        return (
            f"{cls.name} accepts it; {places[0]} raises ValueError for it when it computes "
            "the loss, at the first training step"
        )
    return (
        f"{cls.name} accepts it and no check in {cls.trainer} rejects it by name; "
        "no branch of its loss code handles it"
    )


# --------------------------------------------------------------------------- documents


def check_text(
    text: str,
    trl_target: str | None = None,
    signatures: Signatures | None = None,
    blocks: Sequence[FencedBlock] | None = None,
    history: ApiHistory | None = None,
    releases: Mapping[str, str] | None = None,
) -> tuple[Issue, ...]:
    """Every issue of the document, sorted by position.

    ``trl_target``: the release the skill says it targets (its frontmatter);
    without one, a ``pip install trl==X`` in the text chooses, else the pinned
    release. When the document is checked against an older release than the
    pinned one, calls that work there but break in the pinned release are
    reported too (``snippet-upgrade-breaks``).
    ``blocks``: the text's fenced blocks, when the caller already has them.
    ``releases``: ``package -> version`` to check against, whatever the document
    says (a measurement judges every document against one set of releases).
    """
    if "```" not in text and "~~~" not in text:
        return ()  # no fenced block, so no snippet: most references and descriptions
    sigs = signatures or load()
    hist = history or history_data.load()
    targets = choose(sigs, hist, text, trl_target, releases)
    checker = _Checker(sigs, hist, targets)
    pinned = Targets(dict(sigs.pinned), {p: "pinned" for p in sigs.pinned})
    upgrade = _Checker(sigs, hist, pinned) if targets.versions != pinned.versions else None
    syntax: list[Issue] = []
    scope = _scope(hist)
    for block in _blocks(text, scope, blocks, syntax):
        for use in block.uses:
            _with_upgrade_notes(checker, upgrade, partial(_check_import, block.snippet, use))
        for call, api, keywords, opaque in block.calls:
            for kw in repeated_keywords(call):
                pos = Position(*block.snippet.position(kw.lineno, kw.col_offset))
                checker.issues.append(
                    Issue(
                        SYNTAX,
                        f"keyword argument repeated: {kw.arg}: Python rejects the whole block "
                        "with SyntaxError before running any of it; pass it once",
                        pos,
                    )
                )
            if api is not None:
                check = partial(_check_call, block.snippet, call, api, keywords, opaque)
                _with_upgrade_notes(checker, upgrade, check)
    return tuple(sorted(set(checker.issues) | set(syntax), key=_in_text_order))


def _position(snippet: Snippet, node: ast.expr) -> Position:
    """Where ``node`` of the snippet's code stands in the Markdown text."""
    return Position(*snippet.position(node.lineno, node.col_offset))


def _in_text_order(issue: Issue) -> tuple[Position, str, str]:
    return issue.position, issue.rule, issue.message


def _check_import(snippet: Snippet, use: ImportUse, checker: _Checker) -> bool:
    return checker.check_import(snippet, use)


def _check_call(
    snippet: Snippet,
    call: ast.Call,
    api: Api,
    keywords: list[Keyword],
    opaque: bool,
    checker: _Checker,
) -> bool:
    return checker.check_call(snippet, call, api, keywords, opaque)


def _with_upgrade_notes(
    checker: _Checker, upgrade: _Checker | None, check: Callable[[_Checker], bool]
) -> None:
    """Run ``check``; then against the pinned releases too: what breaks only there is a note."""
    before = len(checker.issues)
    judged = check(checker)
    if upgrade is None or not judged or len(checker.issues) != before:
        return  # already wrong for the release the document targets
    start = len(upgrade.issues)
    check(upgrade)
    for issue in upgrade.issues[start:]:
        if issue.rule not in _BREAKING:
            continue
        targets = checker.targets
        chosen = ", ".join(
            f"{p} {targets[p]}"
            for p in ("trl", "transformers", "peft")
            if targets.source[p] != "pinned"
        )
        checker.issues.append(
            Issue(
                UPGRADE_BREAKS,
                f"works with {chosen} (what this document targets), breaks on upgrading: "
                f"{issue.message}",
                issue.position,
            )
        )


def _scope(history: ApiHistory) -> Scope:
    """A fresh scope for one document; the name tables behind it are built once per history."""
    known, methods, mentioned = _names(history)
    return Scope(known, methods, mentioned)


@functools.lru_cache(maxsize=4)
def _names(history: ApiHistory) -> tuple[dict[str, str], dict[str, set[str]], re.Pattern[str]]:
    known = _known(history)
    return known, _methods(history), mentions(known)


def _known(history: ApiHistory) -> dict[str, str]:
    """Top-level API names -> package; a name in several packages goes to trl, then peft."""
    out: dict[str, str] = {}
    for package in ("transformers", "peft", "trl"):
        for name in history.names(package):
            if "." not in name:
                out[name] = package
    return out


def _methods(history: ApiHistory) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for package in history.packages():
        for name in history.names(package):
            owner, dot, method = name.partition(".")
            if dot:
                out.setdefault(owner, set()).add(method)
    return out


def find_calls(
    text: str, signatures: Signatures | None = None, history: ApiHistory | None = None
) -> Iterator[ConfigCall]:
    """Every call of a known API in the document, with its literal keyword values."""
    hist = history or history_data.load()
    scope = _scope(hist)
    for block in _blocks(text, scope, None, []):
        for call, api, keywords, opaque in block.calls:
            if api is None:
                continue
            snippet = block.snippet
            line, col = snippet.position(call.lineno, call.col_offset)
            end = snippet.position(
                call.end_lineno or call.lineno, call.end_col_offset or call.col_offset
            )
            yield ConfigCall(
                api.package,
                api.name,
                line,
                col,
                tuple((kw.name, literal(kw.value)) for kw in keywords),
                opaque,
                bool(call.args),
                end[0],
                end[1],
            )
