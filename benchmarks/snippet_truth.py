"""How often the snippet checker is right, judged by the real packages.

``.venv/bin/python benchmarks/snippet_truth.py CORPUS --real-python VENV/bin/python``

CORPUS is a folder of documents the user points at (Markdown, MDX, notebooks):
for example TRL's own docs of several releases, notebooks and public skills
libraries, fetched locally. Nothing of it is committed. VENV is a virtual
environment with the pinned trl, transformers and peft (and torch, CPU build).

Every call of a known API in the text is counted, independently of the checker
under test: the script finds the code blocks itself (``python``, ``py``,
``pycon``, unlabelled blocks that parse, notebook code cells) and every call
whose callee is a trl ``*Config`` / ``*Trainer`` (any release of the history),
``TrainingArguments``, ``Seq2SeqTrainingArguments``, ``Trainer``,
``BitsAndBytesConfig``, ``GenerationConfig``, ``LoraConfig``, ``get_peft_model``,
``prepare_model_for_kbit_training`` or ``PeftModel.from_pretrained``.

The checker's verdict on a call: *rejects* when an error-level finding lies in
the call's source or on the import that bound its name; *warns* when only a
warning does. The real verdict, in a subprocess of VENV: the callee is looked
up where the document imports it from (``from trl import ORPOConfig`` fails in
trl 1.16, as it would for the reader; a call without an import is looked up in
its package's top level); a config is constructed from the call's literal
keywords, a keyword whose value is not a literal taking the field's default
(so only its name is judged); a trainer, function or method has the keywords
bound to its signature (what Python does before running it). ``bf16`` is
passed as False when the call does not set it (a CPU cannot run bf16; a GPU
would take the default), and errors that only say the machine has no GPU are
counted as "environment", not as verdicts. Findings that claim the trainer
fails later (an unknown ``loss_type``, a trainer-time conflict) are judged by
building the config only, so they show up as disagreements to read.

Printed: the corpus (documents, blocks, calls), the confusion matrix, precision
and recall over every call, and every disagreement with the document, line,
call, the checker's messages and the real exception. ``--checker-path`` runs
the checker of another checkout (its ``plugins`` folder) to measure a before.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import subprocess
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

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


def notebook_markdown(path: Path) -> str:
    """A notebook as Markdown: its markdown cells, and its code cells as python blocks."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return ""
    parts: list[str] = []
    for cell in cells:
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "code":
            parts.append(f"```python\n{text}\n```")
        else:
            parts.append(text)
    return "\n\n".join(parts) + "\n"


def documents(corpus: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in (".md", ".mdx"):
            text = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".ipynb":
            text = notebook_markdown(path)
        else:
            continue
        out.append((str(path.relative_to(corpus)), text))
    return out


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--real-python", type=Path, required=True)
    parser.add_argument("--target", default=None, help="trl release to check against")
    parser.add_argument("--checker-path", type=Path, help="a checkout's plugins folder")
    parser.add_argument("--quiet", action="store_true", help="no list of disagreements")
    args = parser.parse_args(argv)
    # the names to count come from this checkout's history, whichever checker is judged
    history = json.loads((REPO / "schemas" / "api-history.json").read_text(encoding="utf-8"))
    apis = dict(OTHER_APIS)
    apis.update(dict.fromkeys(history["apis"]["trl"], "trl"))
    if args.checker_path:
        sys.path.insert(0, str(args.checker_path))
    from skillshelf.trl import snippets

    target = args.target or "1.16.0"
    pinned = {"trl": target, "transformers": "5.23.0", "peft": "0.21.2"}
    error_rules = {
        "config-unknown-argument",
        "config-invalid-value",
        "config-conflict",
        "call-unknown-argument",
        "api-removed",
        "import-moved",
    }
    if getattr(snippets, "TYPE_MISMATCH", None) and not hasattr(snippets, "API_REMOVED"):
        error_rules.add("config-type-mismatch")  # an error before it became a warning
    docs = documents(args.corpus)
    calls: list[Call] = []
    block_count = unparsed = 0
    for doc, text in docs:
        found, blocks, broken = calls_of(doc, text, apis)
        block_count += blocks
        unparsed += broken
        if "releases" in inspect.signature(snippets.check_text).parameters:
            issues = snippets.check_text(text, target, releases=pinned)
        else:
            issues = snippets.check_text(text, target)
        owner: dict[Any, Call] = {}
        for issue in issues:  # a finding belongs to the innermost call holding it
            where = (issue.line, issue.column)
            holding = [
                c
                for c in found
                if (c.line, c.column) <= where <= c.end
                or any(a <= where <= b for a, b in c.unpacked)
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
                if i.rule in ("config-invalid-value", "config-conflict")
                for m in TRAINER_TIME.finditer(i.message)
            } & set(TRAINERS_RUN)
            if claimed and call.name.endswith("Config"):
                call.trainer = sorted(claimed)[0]
            if any(i.rule in error_rules for i in inside):
                call.checker = "rejects"
            elif inside:
                call.checker = "warns"
        calls.extend(found)
    judge(calls, args.real_python)

    judged = [c for c in calls if c.real != "environment"]
    matrix = Counter((c.checker == "rejects", c.real != "ok") for c in judged)
    tp, fp = matrix[(True, True)], matrix[(True, False)]
    fn, tn = matrix[(False, True)], matrix[(False, False)]
    per_package = Counter(c.package for c in calls)
    print(
        f"corpus: {args.corpus}: {len(docs)} documents, {block_count} code blocks with calls "
        f"or none ({unparsed} labelled blocks do not parse)"
    )
    print(
        f"calls of known APIs: {len(calls)} ({dict(per_package)}); judged {len(judged)}, "
        f"environment-only errors {len(calls) - len(judged)}"
    )
    print(f"checked against trl {target}")
    print()
    print("                     real raises   real accepts")
    print(f"checker rejects      {tp:>11}   {fp:>12}")
    print(f"checker silent/warns {fn:>11}   {tn:>12}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nprecision {precision:.3f}   recall {recall:.3f}")
    outcomes = Counter(c.real for c in judged if c.real != "ok")
    print("real errors: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    trainers = [c for c in judged if c.trainer]
    print(
        f"trainers run on a tiny CPU model for findings that claim a trainer fails: "
        f"{len(trainers)} ({sum(c.real != 'ok' for c in trainers)} raised)"
    )
    warned = [c for c in judged if c.checker == "warns"]
    print(
        f"warnings only: {len(warned)} calls "
        f"({sum(c.real != 'ok' for c in warned)} of them raise for real)"
    )
    if not args.quiet:
        print("\n--- disagreements")
        for c in judged:
            if (c.checker == "rejects") == (c.real != "ok"):
                continue
            kind = "FALSE POSITIVE" if c.checker == "rejects" else "MISSED"
            print(f"\n{kind} {c.doc}:{c.line}  {c.source[:160]!r}")
            print(f"  real: {c.real} {c.detail[:240]}")
            for message in c.messages:
                print(f"  checker: {message[:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
