"""Real-library proof: what the linter accepts, TRL accepts; what it rejects, TRL rejects.

A fresh venv gets the pinned trl and transformers (``--no-deps``) plus the
helper packages of ``requirements-real-trl.txt`` (no torch). One subprocess
then constructs every config call of the corpus: hand-written good and bad
calls, every TRL config call of the repository's ``skills/`` tree and of the
seed fixture. Calls are rebuilt from the literal keywords the linter extracted
(``ast.literal_eval`` of each value), never by running a snippet's text.

Set ``SKILLSHELF_REAL_TRL_PYTHON`` to an interpreter that already has that
setup to skip building the venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skillshelf.trl.signatures import UNKNOWN, load
from skillshelf.trl.snippets import CONFLICT, UNKNOWN_ARGUMENT, check_text, find_calls

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REQUIREMENTS = HERE / "requirements-real-trl.txt"

HAND_WRITTEN_GOOD = [
    'DPOConfig(output_dir="out", beta=0.1, learning_rate=5e-7, loss_type="sigmoid")',
    'DPOConfig(output_dir="out", loss_type=["sigmoid", "sft"], loss_weights=[0.8, 0.2])',
    'DPOConfig(output_dir="out", loss_type="exo_pair", label_smoothing=1e-3)',
    'DPOConfig(output_dir="out", loss_type="robust", label_smoothing=0.1, max_length=512)',
    'DPOConfig(output_dir="out", f_divergence_type="js_divergence", loss_type="ipo")',
    'DPOConfig(output_dir="out", fp16=True, eval_strategy="steps", eval_steps=50)',
    'DPOConfig(output_dir="out", load_best_model_at_end=True, eval_strategy="epoch", '
    'save_strategy="epoch", report_to="none")',
    'DPOConfig(output_dir="out", truncation_mode="keep_start", precompute_ref_log_probs=True)',
    'SFTConfig(output_dir="out", max_length=1024, packing=True, loss_type="dft")',
    'SFTConfig(output_dir="out", dataset_text_field="text", num_train_epochs=1)',
    'KTOConfig(output_dir="out", desirable_weight=1.0, undesirable_weight=1.5)',
    'KTOConfig(output_dir="out", loss_type="apo_zero_unpaired")',
    'RewardConfig(output_dir="out", max_length=512, center_rewards_coefficient=0.01)',
    'DistillationConfig(output_dir="out")',
    'ModelConfig(model_name_or_path="Qwen/Qwen2-0.5B", use_peft=True, lora_r=16)',
]
HAND_WRITTEN_BAD = [
    'DPOConfig(output_dir="out", max_prompt_length=512)',
    'DPOConfig(output_dir="out", max_completion_length=256, max_length=1024)',
    'DPOConfig(output_dir="out", betta=0.1)',
    'DPOConfig(output_dir="out", loss_type=["sigmoid", "ipo"], loss_weights=[1.0])',
    'DPOConfig(output_dir="out", loss_type="sigmoid", loss_weights=[0.5, 0.5])',
    'DPOConfig(output_dir="out", fp16=True, bf16=True)',
    'DPOConfig(output_dir="out", load_best_model_at_end=True, eval_strategy="steps", '
    'save_strategy="epoch")',
    'DPOConfig(output_dir="out", warmup_steps=-1)',
    'DPOConfig(output_dir="out", logging_strategy="steps", logging_steps=0)',
    'DPOConfig(output_dir="out", dataloader_prefetch_factor=2)',
    'SFTConfig(output_dir="out", max_seq_length=1024)',
    'SFTConfig(output_dir="out", evaluation_strategy="steps")',
    'KTOConfig(output_dir="out", max_prompt_length=128)',
    'RewardConfig(output_dir="out", fp16_full_eval=True, bf16_full_eval=True)',
    'ModelConfig(model_name_or_path="x", lora_rank=8)',
]

RUNNER = r"""
import dataclasses, importlib, json, sys, warnings
warnings.simplefilter("ignore")
results = []
for case in json.load(open(sys.argv[1], encoding="utf-8")):
    try:
        cls = getattr(importlib.import_module(case["module"]), case["name"])
        kwargs = dict(case["kwargs"])
        if "pad_to_multiple_of" in {f.name for f in dataclasses.fields(cls)}:
            kwargs.setdefault("pad_to_multiple_of", None)  # "auto" asks torch for the device
        cls(**kwargs)
    except ImportError as exc:  # needs torch / pandas: not what we are testing
        results.append({"outcome": "environment", "detail": repr(exc)[:200]})
    except Exception as exc:
        results.append({"outcome": type(exc).__name__, "detail": str(exc)[:300]})
    else:
        results.append({"outcome": "ok", "detail": ""})
print(json.dumps(results))
"""


@dataclass
class Case:
    label: str
    module: str
    name: str
    kwargs: dict[str, Any]
    rules: frozenset[str]
    config_conflict: bool


@pytest.fixture(scope="session")
def real_trl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    override = os.environ.get("SKILLSHELF_REAL_TRL_PYTHON")
    if override:
        return Path(override)
    pinned = load().pinned
    venv = tmp_path_factory.mktemp("real-trl") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    trl, transformers = f"trl=={pinned['trl']}", f"transformers=={pinned['transformers']}"
    subprocess.run([*pip, "--no-deps", trl, transformers], check=True)
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    return python


def _documents() -> list[tuple[str, str]]:
    docs = [(f"good #{i}", f"```python\n{c}\n```\n") for i, c in enumerate(HAND_WRITTEN_GOOD)]
    docs += [(f"bad #{i}", f"```python\n{c}\n```\n") for i, c in enumerate(HAND_WRITTEN_BAD)]
    paths = [*sorted((REPO / "skills").rglob("*.md")), REPO / "tests/fixtures/seed-dpo-variants.md"]
    for path in paths:
        try:
            docs.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return docs


def _jsonable(value: Any) -> bool:
    try:
        return bool(json.loads(json.dumps(value)) == value)
    except (TypeError, ValueError):
        return False


def corpus() -> list[Case]:
    sigs = load()
    version = sigs.pinned["trl"]  # the venv has the pinned release, whatever a skill targets
    cases: list[Case] = []
    for label, text in _documents():
        issues = check_text(text)  # against the pinned release
        for call in find_calls(text):
            cls = sigs.config_class(call.package, version, call.name)
            if call.package != "trl" or cls is None or call.has_star_kwargs or call.has_positional:
                continue
            kwargs = dict(call.keywords)
            if any(v is UNKNOWN for v in kwargs.values()) or not _jsonable(kwargs):
                continue
            mine = [i for i in issues if call.contains(i.line, i.column)]
            cases.append(
                Case(
                    f"{label}:{call.line}",
                    cls.module,
                    call.name,
                    kwargs,
                    frozenset(i.rule for i in mine),
                    any(
                        i.rule == CONFLICT and f"(raised by {call.name}," in i.message for i in mine
                    ),
                )
            )
    return cases


def test_linter_verdicts_match_real_trl(real_trl: Path, tmp_path: Path) -> None:
    cases = corpus()
    payload = tmp_path / "cases.json"
    payload.write_text(
        json.dumps([{"module": c.module, "name": c.name, "kwargs": c.kwargs} for c in cases]),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [str(real_trl), "-c", RUNNER, str(payload)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        timeout=600,
    )
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(results) == len(cases)

    failures: list[str] = []
    verified = {"accepted": 0, "unknown": 0, "conflict": 0}
    skipped = 0
    for case, result in zip(cases, results, strict=True):
        outcome = result["outcome"]
        if outcome == "environment":
            skipped += 1
            continue
        if not case.rules:
            verified["accepted"] += 1
            if outcome != "ok":
                failures.append(f"{case.label}: linter accepts, TRL raised {outcome}: {result}")
        elif UNKNOWN_ARGUMENT in case.rules:
            verified["unknown"] += 1
            if outcome != "TypeError":
                failures.append(f"{case.label}: unknown keyword, but TRL gave {outcome}")
        elif case.config_conflict:
            verified["conflict"] += 1
            if outcome != "ValueError":
                failures.append(f"{case.label}: config conflict, but TRL gave {outcome}")
    print(f"verified against real TRL: {verified}; skipped (needs torch/pandas): {skipped}")
    assert not failures, "\n".join(failures)
    assert verified["accepted"] >= 20, verified
    assert verified["unknown"] >= 8, verified
    assert verified["conflict"] >= 6, verified


def test_corpus_covers_the_skills_tree_and_the_seed() -> None:
    labels = [c.label for c in corpus()]
    assert any(label.startswith("skills/") for label in labels)
    assert sum(label.startswith("tests/fixtures/seed-dpo-variants.md") for label in labels) == 11
