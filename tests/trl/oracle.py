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
included). :func:`attribute` gives each call the checker's verdict: *rejects*
when an error-level finding lies in its source (the innermost call holding it)
or on the import that bound its name, *warns* when only a warning does.

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
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
    positional: int = 0
    unpacked: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    trainer: str | None = None  # run this trainer: the checker says it fails there
    checker: str = "silent"  # "rejects", "warns" or "silent"
    messages: list[str] = field(default_factory=list)
    real: str = ""
    detail: str = ""


NON_LITERAL = {"__non_literal__": True}


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
    """Every call of a known API in the document, found without the checker."""
    from skillshelf.markdown import iter_fenced_blocks

    calls: list[Call] = []
    blocks = unparsed = 0
    imports: dict[str, tuple[str, int]] = {}  # local name -> (module, line)
    modules: dict[str, str] = {}  # local name -> module, from ``import x as y``
    defined: set[str] = set()  # names the document defines itself (its own Trainer subclass)
    for block in iter_fenced_blocks(text):
        if block.language not in FENCE_LANGUAGES:
            continue
        lines = block.code.split("\n")
        extra = [0] * len(lines)
        first = next((ln for ln in lines if ln.strip()), "")
        if block.language == "pycon" or first.startswith(">>>"):
            for index, line in enumerate(lines):
                if line.startswith((">>> ", "... ")) or line in (">>>", "..."):
                    extra[index] = min(4, len(line))
                    lines[index] = line[4:]
                else:
                    lines[index] = ""
        lines = ["" if ln.lstrip().startswith(("!", "%")) else ln for ln in lines]
        code = "\n".join(lines)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            if block.language:
                unparsed += 1
            continue
        found_here: list[Call] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    imports[alias.asname or alias.name] = (
                        node.module,
                        block.position(alias.lineno, alias.col_offset)[0],
                    )
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                defined.add(node.name)
        dicts: dict[str, ast.expr] = {}
        for stmt in tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                dicts[stmt.targets[0].id] = stmt.value
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node.func, modules)
            if name is None or name not in apis or name.split(".")[0] in defined:
                continue
            local = node.func.id if isinstance(node.func, ast.Name) else None
            module, import_line = imports.get(local or "", (None, None))
            if module is not None and module.split(".")[0] != apis[name]:
                continue  # a same-named class of another library
            if local is not None and module is None and name == "Trainer":
                continue  # a bare Trainer: Lightning's as often as transformers'
            if isinstance(node.func, ast.Attribute) and name != "PeftModel.from_pretrained":
                assert isinstance(node.func.value, ast.Name)
                module = modules[node.func.value.id]
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

            def pos(
                line: int, col: int, extra: list[int] = extra, block: Any = block
            ) -> tuple[int, int]:
                pad = extra[line - 1] if 0 < line <= len(extra) else 0
                return tuple(block.position(line, pad + col))

            start = pos(node.lineno, node.col_offset)
            end = pos(node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)
            spans = [
                (pos(d.lineno, d.col_offset), pos(d.end_lineno or 0, d.end_col_offset or 0))
                for d in unpacked
            ]
            found_here.append(
                Call(
                    doc,
                    start[0],
                    end,
                    start[1],
                    apis[name],
                    name,
                    module,
                    import_line,
                    ast.get_source_segment(code, node) or name,
                    kwargs,
                    opaque,
                    len(node.args),
                    spans,
                )
            )
        blocks += 1
        calls.extend(found_here)
    return calls, blocks, unparsed


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

def run_trainer(trainer_name, config_cls, kwargs):
    # build the trainer with the call's config on a tiny CPU model and data; train one step
    import trl
    from datasets import Dataset
    model, tok = tiny()
    data = {
        "DPOTrainer": {"prompt": ["hello world", "the a"], "chosen": [" yes good", " b c"],
                       "rejected": [" no bad", " d e"]},
        "SFTTrainer": {"text": ["hello world yes", "the a b c"]},
        "KTOTrainer": {"prompt": ["hello", "the"], "completion": [" yes", " no"],
                       "label": [True, False]},
    }[trainer_name]
    kwargs = dict(kwargs, output_dir=tempfile.mkdtemp(), max_steps=1, report_to="none",
                  save_strategy="no", bf16=False, fp16=False, use_cpu=True,
                  per_device_train_batch_size=2, gradient_accumulation_steps=1,
                  push_to_hub=False, logging_steps=1)
    config = config_cls(**kwargs)
    extra = {"ref_model": model()} if trainer_name == "DPOTrainer" else {}
    trainer = getattr(trl, trainer_name)(model=model(), args=config,
                                         train_dataset=Dataset.from_dict(data),
                                         processing_class=tok, **extra)
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
            # before running it (placeholders for positional arguments)
            inspect.signature(target).bind_partial(*[None] * case["positional"], **kwargs)
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
