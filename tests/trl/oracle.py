"""The real packages as an oracle for the snippet checker, shared by the differential test
(test_real_trl.py) and ``benchmarks/snippet_truth.py``.

:func:`calls_of` finds every call of a known API in a document on its own,
independently of the checker under test: the code blocks (``python``,
``pycon``, unlabelled ones that parse), every call whose callee is a trl
``*Config`` / ``*Trainer`` (any release of the history), ``TrainingArguments``,
``Seq2SeqTrainingArguments``, ``Trainer``, ``BitsAndBytesConfig``,
``GenerationConfig``, ``LoraConfig``, ``get_peft_model``,
``prepare_model_for_kbit_training`` or ``PeftModel.from_pretrained``, where the
document imports it from, and its keywords (a dict written earlier and unpacked
included). Blocks labelled Python that do not parse are read from their tokens
instead of their tree (:func:`_tolerant_calls`), a way of its own, not the
checker's statement-by-statement recovery. :func:`attribute` gives each call
the checker's verdict: *rejects* when an error-level finding lies in its source
(the innermost call holding it) or on the import that bound its name, *warns*
when only a warning does.

:func:`judge` runs :data:`RUNNER` in a virtual environment with the pinned
packages: the callee is looked up where the document imports it from (a call
without an import: its package's top level); a config is constructed from the
literal keywords, a keyword whose value is not a literal taking the field's
default (so only its name is judged); a trainer, function or method has the
call bound to its signature, as Python does before running it; a finding that
says a trainer fails later is checked by building that trainer on a one-layer
GPT-2 and a word-level tokenizer made on the spot, with two rows of data, and
training one step. ``bf16`` is passed as False when the call does not set it
(a CPU cannot run bf16; a GPU would take the default); errors that only say
this machine lacks a GPU, an optional package or more processes are
"environment", not verdicts. Snippets are never executed: only calls rebuilt
from their literal keywords.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import tokenize
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ERROR_RULES = frozenset(
    {
        "config-unknown-argument",
        "config-invalid-value",
        "config-conflict",
        "config-type-error",
        "call-unknown-argument",
        "call-positional-argument",
        "api-removed",
        "import-moved",
    }
)

#: Names the corpus counts; trl's are read from the history at run time.
OTHER_APIS = {
    "TrainingArguments": "transformers",
    "Seq2SeqTrainingArguments": "transformers",
    "Trainer": "transformers",
    "BitsAndBytesConfig": "transformers",
    "GenerationConfig": "transformers",
    "LoraConfig": "peft",
    "get_peft_model": "peft",
    "prepare_model_for_kbit_training": "peft",
    "PeftModel.from_pretrained": "peft",
}
#: A finding that says a trainer fails later names it so; those trainers are run.
TRAINER_TIME = re.compile(r"(?:raised by |; )(\w+Trainer)\b")
TRAINERS_RUN = ("DPOTrainer", "SFTTrainer", "KTOTrainer")
FENCE_LANGUAGES = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3", ""}


@dataclass
class Call:
    doc: str
    line: int  # in the document text the checker saw
    end: tuple[int, int]
    column: int
    package: str
    name: str
    module: str | None  # where the document imported it from
    import_line: int | None
    source: str
    kwargs: dict[str, Any]  # literal values; names of non-literal ones map to NON_LITERAL
    opaque: bool  # a ** the script cannot read
    positional: int = 0  # positional arguments before any ``*args`` or ``...``
    unpacked: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    trainer: str | None = None  # run this trainer: the checker says it fails there
    tolerant: bool = False  # found in a block that does not parse
    positional_names: list[str | None] = field(default_factory=list)  # a variable's name or None
    checker: str = "silent"  # "rejects", "warns" or "silent"
    messages: list[str] = field(default_factory=list)
    real: str = ""
    detail: str = ""


NON_LITERAL = {"__non_literal__": True}


def known_apis() -> dict[str, str]:
    """API name -> package: every trl name of the history, and the others above."""
    history = json.loads((REPO / "schemas" / "api-history.json").read_text(encoding="utf-8"))
    apis = dict(OTHER_APIS)
    apis.update(dict.fromkeys(history["apis"]["trl"], "trl"))
    return apis


def _literal(node: ast.expr) -> Any:
    try:
        value = ast.literal_eval(node)
        json.dumps(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NON_LITERAL
    return NON_LITERAL if "Ellipsis" in repr(value) else value


def _callee(func: ast.expr, modules: dict[str, str]) -> str | None:
    """The API a callee names: a bare name, ``PeftModel.from_pretrained``, or an attribute
    of a module alias of trl / peft / transformers (``trl.DPOConfig``); ``pl.Trainer`` or
    ``FastLanguageModel.get_peft_model`` are other libraries'."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id == "PeftModel":
            return f"PeftModel.{func.attr}"
        if modules.get(func.value.id, "").split(".")[0] in ("trl", "peft", "transformers"):
            return func.attr
    return None


def calls_of(doc: str, text: str, apis: dict[str, str]) -> tuple[list[Call], int, int]:
    """Every call of a known API in the document, found without the checker; the number of
    code blocks read, and of those labelled Python that do not parse, whose calls
    :func:`_tolerant_calls` finds token by token."""
    from skillshelf.markdown import iter_fenced_blocks

    calls: list[Call] = []
    blocks = unparsed = 0
    names = _Names()
    for block in iter_fenced_blocks(text):
        if block.language not in FENCE_LANGUAGES:
            continue
        read = _code_of(block.language, block.code)
        if read is None:
            continue  # a %%bash cell and the like
        lines, extra = read
        code = "\n".join(lines)

        def pos(line: int, col: int, extra: list[int] = extra, block: Any = block) -> Position:
            pad = extra[line - 1] if 0 < line <= len(extra) else 0
            return tuple(block.position(line, pad + col))  # type: ignore[return-value]

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            if not block.language:
                continue  # an unlabelled block that is not Python
            unparsed += 1
            blocks += 1
            calls.extend(_tolerant_calls(doc, code, pos, apis, names))
            continue
        blocks += 1
        names.learn(tree, pos)
        dicts = _dicts(tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                call = _record(doc, node, code, pos, apis, names, dicts)
                if call is not None:
                    calls.append(call)
    return calls, blocks, unparsed


Position = tuple[int, int]
PositionOf = Callable[[int, int], Position]
_CELL_MAGIC = re.compile(r"%%(\w+)(.*)")


def _code_of(language: str, code: str) -> tuple[list[str], list[int]] | None:
    """A block's code lines as Python reads them: a console session's prompt lines only, IPython
    magics and shell escapes blanked with the lines they continue; None for a cell magic that
    does not run Python (``%%bash``, ``%%writefile`` of a file that is not ``.py``)."""
    lines = code.split("\n")
    extra = [0] * len(lines)
    first = next((ln for ln in lines if ln.strip()), "")
    if language == "pycon" or first.startswith(">>>"):
        for index, line in enumerate(lines):
            if line.startswith((">>> ", "... ")) or line in (">>>", "..."):
                extra[index] = min(4, len(line))
                lines[index] = line[4:]
            else:
                lines[index] = ""
    cell = _CELL_MAGIC.match(first.strip())
    if cell:
        words = cell.group(2).split()
        runs_python = cell.group(1) in ("capture", "time", "timeit") or (
            cell.group(1) == "writefile" and bool(words) and words[-1].endswith(".py")
        )
        if not runs_python:
            return None
    shell = False
    for index, line in enumerate(lines):
        starts = line.lstrip().startswith(("!", "%")) and not line.lstrip().startswith("!=")
        if shell or starts:
            shell = line.rstrip().endswith("\\")
            lines[index] = ""
    return lines, extra


class _Names:
    """What a document's names stand for, block after block: imports, module aliases and the
    classes and functions it defines itself (its own Trainer subclass)."""

    def __init__(self) -> None:
        self.imports: dict[str, tuple[str, int]] = {}  # local name -> (module, line)
        self.modules: dict[str, str] = {}  # local name -> module, from ``import x as y``
        self.defined: set[str] = set()

    def learn(self, tree: ast.AST, pos: PositionOf) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.modules[alias.asname or alias.name.split(".")[0]] = alias.name
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (
                        node.module,
                        pos(alias.lineno, alias.col_offset)[0],
                    )
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                self.defined.add(node.name)


def _dicts(statements: Iterable[ast.stmt]) -> dict[str, ast.expr]:
    dicts: dict[str, ast.expr] = {}
    for stmt in statements:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            dicts[stmt.targets[0].id] = stmt.value
    return dicts


def _record(
    doc: str,
    node: ast.Call,
    code: str,
    pos: PositionOf,
    apis: dict[str, str],
    names: _Names,
    dicts: dict[str, ast.expr],
    where: tuple[Position, Position, str] | None = None,
) -> Call | None:
    """The call ``node`` as a :class:`Call`, when it calls a known API. ``where``: its start,
    end and source in the document when ``node`` was rebuilt from tokens (its own positions
    then mean nothing)."""
    name = _callee(node.func, names.modules)
    if name is None or name not in apis or name.split(".")[0] in names.defined:
        return None
    local = node.func.id if isinstance(node.func, ast.Name) else None
    module, import_line = names.imports.get(local or "", (None, None))
    if module is not None and module.split(".")[0] != apis[name]:
        return None  # a same-named class of another library
    if local is not None and module is None and name == "Trainer":
        return None  # a bare Trainer: Lightning's as often as transformers'
    if isinstance(node.func, ast.Attribute) and name != "PeftModel.from_pretrained":
        assert isinstance(node.func.value, ast.Name)
        module = names.modules[node.func.value.id]
    kwargs: dict[str, Any] = {}
    opaque = False
    unpacked: list[ast.expr] = []  # dicts written earlier, passed as **name
    for kw in node.keywords:
        if kw.arg is not None:
            kwargs[kw.arg] = _literal(kw.value)
            continue
        value = kw.value
        if isinstance(value, ast.Name) and value.id in dicts:
            value = dicts[value.id]
            unpacked.append(value)
        if isinstance(value, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
        ):
            for k, v in zip(value.keys, value.values, strict=True):
                assert isinstance(k, ast.Constant)
                kwargs[k.value] = _literal(v)
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "dict"
            and not value.args
        ):
            for k2 in value.keywords:
                if k2.arg is None:
                    opaque = True
                else:
                    kwargs[k2.arg] = _literal(k2.value)
        else:
            opaque = True
    positional: list[ast.expr] = []
    for arg in node.args:  # up to ``*args`` or ``...`` (arguments left out): where they land
        if isinstance(arg, ast.Starred) or _is_ellipsis(arg):
            break
        positional.append(arg)
    if where is None:
        start = pos(node.lineno, _char_col(code, node.lineno, node.col_offset))
        end_line = node.end_lineno or node.lineno
        end = pos(end_line, _char_col(code, end_line, node.end_col_offset or node.col_offset))
        source = ast.get_source_segment(code, node) or name
    else:
        start, end, source = where
    spans = [
        (
            pos(d.lineno, _char_col(code, d.lineno, d.col_offset)),
            pos(d.end_lineno or 0, _char_col(code, d.end_lineno or 0, d.end_col_offset or 0)),
        )
        for d in unpacked
    ]
    return Call(
        doc,
        start[0],
        end,
        start[1],
        apis[name],
        name,
        module,
        import_line,
        source,
        kwargs,
        opaque,
        len(positional),
        spans,
        tolerant=where is not None,
        positional_names=[a.id if isinstance(a, ast.Name) else None for a in positional],
    )


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _char_col(code: str, line: int, byte_col: int) -> int:
    """``ast``'s byte column as a character column of the code's line."""
    lines = code.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))


# ---------------------------------------------------------------- blocks that do not parse


def _tokens(code: str) -> list[tokenize.TokenInfo]:
    """The block's tokens, as many as the tokenizer gives: after an error it starts again on
    the next line (a string never closed, an invalid character)."""
    lines = code.split("\n")
    out: list[tokenize.TokenInfo] = []
    first = 0
    while first < len(lines):
        chunk = iter([line + "\n" for line in lines[first:]])
        reached = first
        try:
            for tok in tokenize.generate_tokens(partial(next, chunk, "")):
                row = tok.start[0] + first
                reached = row
                out.append(
                    tok._replace(start=(row, tok.start[1]), end=(tok.end[0] + first, tok.end[1]))
                )
            break
        except (tokenize.TokenError, SyntaxError):
            first = max(reached, first + 1)  # ``reached`` (1-based) is the next line, 0-based
    skipped = (tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    return [t for t in out if t.type not in skipped and t.end[0] <= len(lines)]


def _tolerant_calls(
    doc: str, code: str, pos: PositionOf, apis: dict[str, str], names: _Names
) -> list[Call]:
    """The calls of a block that does not parse, read from its tokens: each call of a known
    name with its arguments up to the bracket that closes it, each argument parsed on its
    own (split again at line breaks when it does not parse: a missing comma), imports and
    ``name = dict(...)`` / ``{...}`` statements read line by line."""
    lines = code.split("\n")
    tokens = _tokens(code)

    def source(first: tokenize.TokenInfo, last: tokenize.TokenInfo) -> str:
        (r1, c1), (r2, c2) = first.start, last.end
        if r1 == r2:
            return lines[r1 - 1][c1:c2]
        return "\n".join([lines[r1 - 1][c1:], *lines[r1 : r2 - 1], lines[r2 - 1][:c2]])

    def closing(open_index: int) -> int | None:
        depth = 0
        for index in range(open_index, len(tokens)):
            text = tokens[index].string
            if tokens[index].type == tokenize.OP and text in "([{":
                depth += 1
            elif tokens[index].type == tokenize.OP and text in ")]}":
                depth -= 1
                if depth == 0:
                    return index
        return None

    statements = [
        (index, tok) for index, tok in enumerate(tokens) if tok.start[1] == _indent_of(lines, tok)
    ]
    dicts: dict[str, ast.expr] = {}
    for index, tok in statements:  # imports and dictionaries, each on its own
        end_index = _statement_end(tokens, index, closing)
        text = source(tok, tokens[end_index])
        try:
            tree = ast.parse(text.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        shifted = ast.Module(body=tree.body, type_ignores=[])
        ast.increment_lineno(shifted, tok.start[0] - 1)
        names.learn(shifted, lambda line, col: pos(line, col))
        for stmt in tree.body:
            if not isinstance(stmt, ast.Import | ast.ImportFrom):
                dicts.update(_dicts([stmt]))
    found: list[Call] = []
    for index, tok in enumerate(tokens[:-1]):
        nxt = tokens[index + 1]
        if tok.type != tokenize.NAME or nxt.string != "(" or nxt.type != tokenize.OP:
            continue
        head = tok
        if (
            index >= 2
            and tokens[index - 1].string == "."
            and tokens[index - 2].type == tokenize.NAME
        ):
            head = tokens[index - 2]
        close = closing(index + 1)
        if close is None:
            continue  # a call never closed is not a call
        arguments = _arguments(tokens[index + 2 : close], source)
        callee = source(head, tok)
        try:
            node = ast.parse(f"{callee}({', '.join(arguments)})", mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if not isinstance(node, ast.Call):
            continue
        where = (
            pos(head.start[0], head.start[1]),
            pos(tokens[close].end[0], tokens[close].end[1]),
            source(head, tokens[close]),
        )
        call = _record(doc, node, code, pos, apis, names, dicts, where)
        if call is not None:
            found.append(call)
    return found


def _indent_of(lines: list[str], tok: tokenize.TokenInfo) -> int:
    line = lines[tok.start[0] - 1] if tok.start[0] <= len(lines) else ""
    return len(line) - len(line.lstrip())


def _statement_end(
    tokens: list[tokenize.TokenInfo], index: int, closing: Callable[[int], int | None]
) -> int:
    """The last token of the logical line starting at ``index``, brackets followed."""
    last = index
    position = index
    while position < len(tokens):
        tok = tokens[position]
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            return last
        if tok.type == tokenize.OP and tok.string in "([{":
            close = closing(position)
            if close is None:
                return last
            position = last = close
        else:
            last = position
        position += 1
    return last


def _arguments(
    tokens: list[tokenize.TokenInfo],
    source: Callable[[tokenize.TokenInfo, tokenize.TokenInfo], str],
) -> list[str]:
    """A call's arguments, each parsed alone: a group that does not parse is split at its
    line breaks; ``...`` is left out; ``name=<anything unreadable>`` keeps its name."""
    groups: list[list[tokenize.TokenInfo]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        if depth == 0 and tok.type == tokenize.OP and tok.string == ",":
            groups.append([])
        else:
            groups[-1].append(tok)
    out: list[str] = []
    for group in groups:
        pieces = [group]
        if not _parses(group, source):
            pieces = [[]]
            depth = 0
            for tok in group:
                if tok.type == tokenize.OP and tok.string in "([{":
                    depth += 1
                elif tok.type == tokenize.OP and tok.string in ")]}":
                    depth -= 1
                if depth == 0 and tok.type == tokenize.NL:
                    pieces.append([])
                else:
                    pieces[-1].append(tok)
        for part in (part for piece in pieces for part in _at_keywords(piece, source)):
            if not part:
                continue
            text = " ".join(source(part[0], part[-1]).split("\n"))
            if text.strip() == "...":
                continue
            if _parses(part, source):
                out.append(text)
            elif len(part) >= 2 and part[0].type == tokenize.NAME and part[1].string == "=":
                out.append(f"{part[0].string}=__unreadable__")
    return out


def _at_keywords(
    piece: list[tokenize.TokenInfo],
    source: Callable[[tokenize.TokenInfo, tokenize.TokenInfo], str],
) -> list[list[tokenize.TokenInfo]]:
    """A piece that does not parse, split before each ``name=`` in it (``a=1 b=2``)."""
    piece = [t for t in piece if t.type not in (tokenize.NL, tokenize.NEWLINE)]
    if _parses(piece, source):
        return [piece]
    parts: list[list[tokenize.TokenInfo]] = [[]]
    depth = 0
    for index, tok in enumerate(piece):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        following = piece[index + 1].string if index + 1 < len(piece) else ""
        if depth == 0 and index and tok.type == tokenize.NAME and following == "=":
            parts.append([])
        parts[-1].append(tok)
    return parts


def _parses(
    group: list[tokenize.TokenInfo],
    source: Callable[[tokenize.TokenInfo, tokenize.TokenInfo], str],
) -> bool:
    group = [t for t in group if t.type not in (tokenize.NL, tokenize.NEWLINE)]
    if not group:
        return True
    text = " ".join(source(group[0], group[-1]).split("\n"))
    try:
        ast.parse(f"f({text})", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def attribute(calls: Sequence[Call], issues: Iterable[Any], error_rules: Iterable[str]) -> None:
    """Give every call of one document the checker's verdict on it."""
    issues = list(issues)
    errors = frozenset(error_rules)
    found = list(calls)
    owner: dict[Any, Call] = {}
    for issue in issues:  # a finding belongs to the innermost call holding it
        where = (issue.line, issue.column)
        holding = [
            c
            for c in found
            if (c.line, c.column) <= where <= c.end or any(a <= where <= b for a, b in c.unpacked)
        ]
        if holding:
            owner[issue] = max(holding, key=lambda c: (c.line, c.column))
    for call in found:
        inside = [
            i
            for i in issues
            if owner.get(i) is call
            or (
                call.import_line is not None
                and i.line == call.import_line
                and call.name.split(".")[0] in i.message
            )
        ]
        call.messages = [f"{i.rule}: {i.message}" for i in inside]
        claimed = {
            m.group(1)
            for i in inside
            if i.rule in ("config-invalid-value", "config-conflict", "config-type-error")
            for m in TRAINER_TIME.finditer(i.message)
        } & set(TRAINERS_RUN)
        if claimed and call.name.endswith("Config"):
            call.trainer = sorted(claimed)[0]
        if any(i.rule in errors for i in inside):
            call.checker = "rejects"
        elif inside:
            call.checker = "warns"


RUNNER = r"""
import dataclasses, importlib, inspect, json, os, sys, tempfile, warnings, logging
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
NON_LITERAL = {"__non_literal__": True}

def tiny():
    # a one-layer GPT-2 and a word-level tokenizer made here: no download
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast
    words = "a b c d e f g h hello world yes no the is good bad".split()
    vocab = {"[PAD]": 0, "[UNK]": 1, "[EOS]": 2, **{w: i + 3 for i, w in enumerate(words)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    ptok = PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="[PAD]", eos_token="[EOS]", unk_token="[UNK]"
    )
    def model():
        return GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_positions=64, n_embd=16,
                               n_layer=1, n_head=2, bos_token_id=2, eos_token_id=2,
                               pad_token_id=0))
    return model, ptok

DATA = {
    "DPOTrainer": {"prompt": ["hello world", "the a"], "chosen": [" yes good", " b c"],
                   "rejected": [" no bad", " d e"]},
    "SFTTrainer": {"text": ["hello world yes", "the a b c"]},
    "KTOTrainer": {"prompt": ["hello", "the"], "completion": [" yes", " no"],
                   "label": [True, False]},
}
TINY = dict(output_dir=tempfile.mkdtemp(), max_steps=1, report_to="none", save_strategy="no",
            bf16=False, fp16=False, use_cpu=True, per_device_train_batch_size=2,
            gradient_accumulation_steps=1, push_to_hub=False, logging_steps=1)

def run_trainer(trainer_name, config_cls, kwargs):
    # build the trainer with the call's config on a tiny CPU model and data; train one step
    import trl
    from datasets import Dataset
    model, tok = tiny()
    data = DATA[trainer_name]
    kwargs = dict(kwargs, **TINY)
    config = config_cls(**kwargs)
    extra = {"ref_model": model()} if trainer_name == "DPOTrainer" else {}
    trainer = getattr(trl, trainer_name)(model=model(), args=config,
                                         train_dataset=Dataset.from_dict(data),
                                         processing_class=tok, **extra)
    trainer.train()

class Passed:
    # a positional argument, named by the variable the snippet passes (None: an expression)
    def __init__(self, name):
        self.name = name


class Misbound(Exception):
    # the real signature puts a variable named like one of its parameters on another one
    pass


STAND_INS = ("model", "ref_model", "args", "training_args", "train_dataset", "eval_dataset",
             "tokenizer", "processing_class")


def run_positional(trainer_name, names, kwargs):
    # the trainer built as the snippet calls it, each variable replaced by a tiny stand-in of
    # what its name says; then one training step
    import trl
    from datasets import Dataset
    model, tok = tiny()
    data = Dataset.from_dict(DATA[trainer_name])
    config = getattr(trl, trainer_name[: -len("Trainer")] + "Config")(**TINY)
    stand_in = {"model": model(), "ref_model": model(), "args": config, "training_args": config,
                "train_dataset": data, "eval_dataset": data, "tokenizer": tok,
                "processing_class": tok}
    keywords = {k: stand_in[k] for k in kwargs if k in stand_in}
    if "processing_class" not in names and "tokenizer" not in names:
        keywords.setdefault("processing_class", tok)
    trainer = getattr(trl, trainer_name)(*[stand_in[n] for n in names], **keywords)
    trainer.train()


# what only says this machine lacks something: a GPU, an optional package, more
# processes (GRPO's generation batch spans every process)
DEVICE = (
    "doesn't support bf16/gpu",
    "requires a gpu",
    "cuda is not available",
    "is not installed",
    "no package metadata was found",
    "must be divisible by num_generations",
)
results = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    name, package, module = case["name"], case["package"], case["module"] or case["package"]
    owner, _, method = name.partition(".")
    try:
        mod = importlib.import_module(module)
        target = getattr(mod, owner)
        if method:
            target = getattr(target, method)
    except (ImportError, AttributeError) as exc:
        results.append({"outcome": "ImportError", "detail": str(exc)[:300]})
        continue
    kwargs = dict(case["kwargs"])
    try:
        if inspect.isclass(target) and name.endswith(("Config", "Arguments")):
            # build the config: a keyword whose value is not a literal takes its default,
            # so that only its name is judged; an unknown one is passed on and rejected
            fields = {}
            if dataclasses.is_dataclass(target):
                fields = {f.name: f for f in dataclasses.fields(target) if f.init}
            params = inspect.signature(target).parameters
            takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
            for key, value in list(kwargs.items()):
                if value != NON_LITERAL:
                    continue
                f = fields.get(key)
                if f is not None and f.default is not dataclasses.MISSING:
                    kwargs[key] = f.default
                elif f is not None and f.default_factory is not dataclasses.MISSING:
                    kwargs[key] = f.default_factory()
                elif key in params or takes_any:
                    del kwargs[key]
            if "bf16" in fields and "bf16" not in kwargs:
                kwargs["bf16"] = False
            target(**kwargs)
            if case.get("trainer"):
                run_trainer(case["trainer"], target, kwargs)
        else:
            # a trainer, function or method: bind the call to its signature, as Python does
            # before running it, each positional argument standing for its variable
            signature = inspect.signature(target)
            names = case["positional_names"]
            bound = signature.bind_partial(*[Passed(n) for n in names], **kwargs)
            misbound = [
                (value.name, param)
                for param, value in bound.arguments.items()
                if isinstance(value, Passed)
                and value.name in signature.parameters
                and value.name != param
            ]
            if misbound and name in DATA and all(n in STAND_INS for n in names):
                run_positional(name, names, case["kwargs"])  # what really happens then
            elif misbound:
                raise Misbound(", ".join(f"{n} lands in {p}" for n, p in misbound))
    except Exception as exc:
        text = str(exc)
        if any(words in text.lower() for words in DEVICE):
            results.append({"outcome": "environment", "detail": text[:300]})
        else:
            results.append({"outcome": type(exc).__name__, "detail": text[:300]})
    else:
        results.append({"outcome": "ok", "detail": ""})
print(json.dumps(results))
"""


def judge(calls: list[Call], real_python: Path) -> None:
    payload = [
        {
            "name": c.name,
            "package": c.package,
            "module": c.module,
            "kwargs": c.kwargs,
            "positional": c.positional,
            "positional_names": c.positional_names,
            "trainer": c.trainer,
        }
        for c in calls
    ]
    proc = subprocess.run(
        [str(real_python), "-c", RUNNER, "/dev/stdin"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for call, result in zip(calls, results, strict=True):
        call.real = result["outcome"]
        call.detail = result["detail"]
