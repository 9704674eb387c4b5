"""How often the snippet checker is right, judged by the real packages.

``.venv/bin/python benchmarks/snippet_truth.py CORPUS --real-python VENV/bin/python``

CORPUS is a folder of documents the user points at (Markdown, MDX, notebooks):
for example TRL's own docs of several releases, notebooks and public skills
libraries, fetched locally. Nothing of it is committed. VENV is a virtual
environment with the pinned trl, transformers and peft (and torch, CPU build).

Every call of a known API in the text is counted, independently of the checker
under test: the script finds the code blocks itself (``python``, ``py``,
``pycon``, unlabelled blocks that parse, notebook code cells; IPython magics
and ``%%bash`` cells left out) and every call
whose callee is a trl ``*Config`` / ``*Trainer`` (any release of the history),
``TrainingArguments``, ``Seq2SeqTrainingArguments``, ``Trainer``,
``BitsAndBytesConfig``, ``GenerationConfig``, ``LoraConfig``, ``get_peft_model``,
``prepare_model_for_kbit_training`` or ``PeftModel.from_pretrained``. In a
block labelled Python that does not parse (a missing comma, ``...`` for
arguments left out, output pasted in), the calls are found from the
tokenizer's tokens: each call of a known name up to its closing bracket, each
argument parsed on its own, split again at line breaks and before ``name=``
when it does not parse; ``...`` is an argument left out.

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
import inspect
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the oracle is the differential test's

from tests.trl.oracle import ERROR_RULES, Call, attribute, calls_of, judge, known_apis  # noqa: E402


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--real-python", type=Path, required=True)
    parser.add_argument("--target", default=None, help="trl release to check against")
    parser.add_argument("--checker-path", type=Path, help="a checkout's plugins folder")
    parser.add_argument("--quiet", action="store_true", help="no list of disagreements")
    args = parser.parse_args(argv)
    if args.checker_path:
        sys.path.insert(0, str(args.checker_path))
    from skillshelf.trl import snippets

    apis = known_apis()  # from this checkout's history, whichever checker is judged
    target = args.target or "1.16.0"
    pinned = {"trl": target, "transformers": "5.23.0", "peft": "0.21.2"}
    error_rules = set(ERROR_RULES)
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
        attribute(found, issues, error_rules)
        calls.extend(found)
    judge(calls, args.real_python)

    judged = [c for c in calls if c.real != "environment"]
    matrix = Counter((c.checker == "rejects", c.real != "ok") for c in judged)
    tp, fp = matrix[(True, True)], matrix[(True, False)]
    fn, tn = matrix[(False, True)], matrix[(False, False)]
    per_package = Counter(c.package for c in calls)
    tolerant = [c for c in calls if c.tolerant]
    print(
        f"corpus: {args.corpus}: {len(docs)} documents, {block_count} code blocks "
        f"({unparsed} labelled Python do not parse; their calls are found token by token)"
    )
    print(
        f"calls of known APIs: {len(calls)} ({dict(per_package)}), {len(tolerant)} of them in "
        f"blocks that do not parse; judged {len(judged)}, "
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
