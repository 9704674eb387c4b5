"""Real-library proof: what the checker accepts, the real packages accept; what it rejects,
they reject.

A fresh venv gets the pinned trl, transformers and peft and the exact pins of
``requirements-real-trl.txt`` (torch's CPU build among them), all with
``--no-deps``. The corpus: hand-written good and bad calls of every kind the
checker judges (configs, trainers, peft functions and methods, transformers'
classes, moved imports, removed classes, trainer-time errors; calls in blocks
that do not parse as written, which the oracle finds token by token), every document
of the repository's ``skills/`` tree and the seed fixture. :mod:`tests.trl.oracle`
finds the calls on its own and judges each in the venv: configs built, trainers
and functions bound to their signatures, and a finding that says a trainer
fails later checked by training one step of a tiny CPU model. Calls are
rebuilt from their literal keywords, never by running a snippet's text.

Set ``SKILLSHELF_REAL_TRL_PYTHON`` to an interpreter that already has that
setup to skip building the venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from tests.trl.oracle import ERROR_RULES, Call, attribute, calls_of, judge, known_apis

from skillshelf.trl.signatures import load
from skillshelf.trl.snippets import check_text

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REQUIREMENTS = HERE / "requirements-real-trl.txt"

#: (imports, call) the checker must accept, and the real packages too.
GOOD = [
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", beta=0.1, loss_type="sigmoid")'),
    (
        "from trl import DPOConfig",
        'DPOConfig(output_dir="o", loss_type=["sigmoid", "sft"], loss_weights=[0.8, 0.2])',
    ),
    (
        "from trl import DPOConfig",
        'DPOConfig(output_dir="o", loss_type="exo_pair", label_smoothing=1e-3)',
    ),
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", max_length=..., beta=0.1)'),
    # a type warning says the config is built anyway: the real one must be
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", max_steps=None)'),
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", learning_rate="2e-5")'),
    (
        "from trl import DPOConfig",
        'DPOConfig(output_dir="o", fp16=True, eval_strategy="steps", eval_steps=50)',
    ),
    (
        "from trl import SFTConfig",
        'SFTConfig(output_dir="o", max_length=1024, packing=True, loss_type="dft")',
    ),
    (
        "from trl import SFTConfig",
        'SFTConfig(output_dir="o", dataset_text_field="text", num_train_epochs=1)',
    ),
    (
        "from trl import KTOConfig",
        'KTOConfig(output_dir="o", desirable_weight=1.0, undesirable_weight=1.5)',
    ),
    (
        "from trl import GRPOConfig",
        'GRPOConfig(output_dir="o", max_completion_length=256, num_generations=8)',
    ),
    ("from trl import RewardConfig", 'RewardConfig(output_dir="o", max_length=512)'),
    ("from trl.experimental.orpo import ORPOConfig", 'ORPOConfig(output_dir="o", beta=0.1)'),
    (
        "from trl import DPOTrainer",
        "DPOTrainer(model, ref_model, args=args, train_dataset=ds, processing_class=tok)",
    ),
    (
        "from trl import SFTTrainer",
        "SFTTrainer(model=m, args=args, train_dataset=ds, processing_class=tok)",
    ),
    (
        "from trl import GRPOTrainer",
        "GRPOTrainer(model=m, reward_funcs=[f], args=args, train_dataset=ds)",
    ),
    (
        "from transformers import TrainingArguments",
        'TrainingArguments(output_dir="o", eval_strategy="epoch", warmup_steps=0.1)',
    ),
    (
        "from transformers import Trainer",
        "Trainer(model=m, args=a, train_dataset=ds, processing_class=tok)",
    ),
    (
        "from transformers import BitsAndBytesConfig",
        'BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", '
        "bnb_4bit_use_double_quant=True)",
    ),
    (
        "from transformers import GenerationConfig",
        "GenerationConfig(max_new_tokens=32, do_sample=True, temperature=0.7)",
    ),
    (
        "from peft import LoraConfig",
        'LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules="all-linear", '
        'task_type="CAUSAL_LM")',
    ),
    ("from peft import get_peft_model", 'get_peft_model(model, config, adapter_name="default")'),
    (
        "from peft import prepare_model_for_kbit_training",
        "prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)",
    ),
    (
        "from peft import PeftModel",
        'PeftModel.from_pretrained(model, "adapter", is_trainable=True)',
    ),
    # a shorthand __post_init__ rewrites (simpo with cpo_alpha=0), unknown to the trainer
    (
        "from trl.experimental.cpo import CPOConfig",
        'CPOConfig(output_dir="o", loss_type="alphapo")',
    ),
    # positional arguments where the release's order puts them
    ("from trl import DPOTrainer", "DPOTrainer(model, ref_model, args, train_dataset=ds)"),
    ("from peft import get_peft_model", "get_peft_model(model, peft_config)"),
    ("from peft import PeftModel", "PeftModel.from_pretrained(model, model_id)"),
    ("from transformers import Trainer", "Trainer(model, args, data_collator, train_dataset)"),
    # blocks that do not parse as written: placeholders, and calls beside a mistake
    ("from peft import LoraConfig", "LoraConfig(r=8, lora_alpha=16, ...)"),
    ("from trl import DPOConfig", 'DPOConfig(\n    output_dir="o",\n    ...\n    beta=0.1,\n)'),
    ("from peft import PeftModel", "PeftModel.from_pretrained(model, <your-adapter>)"),
    ("from trl import SFTConfig", 'x = (1,\nSFTConfig(output_dir="o", max_length=512)'),
]

#: (imports, call) the checker must reject, and the real packages too.
BAD = [
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", max_prompt_length=512)'),
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", rpo_alpha=0.5)'),
    (
        "from trl import DPOConfig",
        'DPOConfig(output_dir="o", loss_type=["sigmoid", "ipo"], loss_weights=[1.0])',
    ),
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", warmup_steps=-1)'),
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", warmup_steps="10")'),
    ("from trl import SFTConfig", 'SFTConfig(output_dir="o", max_seq_length=1024)'),
    ("from trl import SFTConfig", 'SFTConfig(output_dir="o", evaluation_strategy="steps")'),
    ("from trl import GRPOConfig", 'GRPOConfig(output_dir="o", max_new_tokens=128)'),
    ("from trl import ORPOConfig", 'ORPOConfig(output_dir="o", beta=0.1)'),
    ("from trl import PPOConfig", "PPOConfig(batch_size=8)"),
    ("from trl import DPOTrainer", "DPOTrainer(model=m, tokenizer=tok)"),
    ("from trl import DPOTrainer", "DPOTrainer(model=m, beta=0.1)"),
    (
        "from trl import SFTTrainer",
        'SFTTrainer(model=m, dataset_text_field="text", max_seq_length=512, packing=True)',
    ),
    (
        "from transformers import TrainingArguments",
        'TrainingArguments(output_dir="o", evaluation_strategy="steps")',
    ),
    (
        "from transformers import TrainingArguments",
        'TrainingArguments(output_dir="o", warmup_ratio=0.1)',
    ),
    (
        "from transformers import TrainingArguments",
        'TrainingArguments(output_dir="o", load_best_model_at_end=True)',
    ),
    ("from transformers import Trainer", "Trainer(model=m, tokenizer=tok)"),
    ("from peft import LoraConfig", "LoraConfig(r=8, lora_dropot=0.1)"),
    (
        "from peft import prepare_model_for_kbit_training",
        "prepare_model_for_kbit_training(m, gradient_checkpointing=True)",
    ),
    ("from peft import get_peft_model", 'get_peft_model(m, config, adapter="x")'),
    (
        "from trl import DPOConfig",
        'kw = dict(beta=0.1, max_prompt_length=8)\nDPOConfig(output_dir="o", **kw)',
    ),
    # the config is built; the trainer raises, when built or at its first step
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", loss_type="aot_pair")'),
    (
        "from trl import DPOConfig",
        'DPOConfig(output_dir="o", loss_type="exo_pair", label_smoothing=0.0)',
    ),
    ("from trl import SFTConfig", 'SFTConfig(output_dir="o", loss_type="chunked")'),
    # positional arguments: none left for one, one passed twice, one on another parameter
    ("from trl import DPOTrainer", "DPOTrainer(model, ref_model, args, train_dataset)"),
    ("from trl import SFTTrainer", "SFTTrainer(model, args, args=args)"),
    (
        "from peft import get_peft_model",
        'get_peft_model(model, config, "default", False, True, None, False, 1)',
    ),
    ("from transformers import Trainer", "Trainer(model, args, train_dataset)"),
    # blocks that do not parse as written: the calls are still judged
    (
        "from trl import GRPOConfig",
        'GRPOConfig(\n    output_dir="o",\n    report_to="none"\n    max_prompt_length=512,\n)',
    ),
    ("from trl import DPOConfig", 'DPOConfig(output_dir="o", max_prompt_length=8, ...)'),
    ("from trl import DPOConfig", 'x = (1,\nDPOConfig(output_dir="o", rpo_alpha=0.5)'),
    (
        "from transformers import TrainingArguments",
        'TrainingArguments(output_dir="o" warmup_ratio=0.1)',
    ),
]


@pytest.fixture(scope="session")
def real_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    override = os.environ.get("SKILLSHELF_REAL_TRL_PYTHON")
    if override:
        return Path(override)
    pinned = load().pinned
    venv = tmp_path_factory.mktemp("real-trl") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps"]
    packages = [f"{name}=={version}" for name, version in sorted(pinned.items())]
    subprocess.run([*pip, "-r", str(REQUIREMENTS), *packages], check=True)
    return python


def md(imports: str, call: str) -> str:
    return f"# Case\n\n```python\n{imports}\n{call}\n```\n"


def corpus() -> list[tuple[str, str]]:
    docs = [(f"good #{i}", md(*case)) for i, case in enumerate(GOOD)]
    docs += [(f"bad #{i}", md(*case)) for i, case in enumerate(BAD)]
    paths = [*sorted((REPO / "skills").rglob("*.md")), REPO / "tests/fixtures/seed-dpo-variants.md"]
    for path in paths:
        try:
            docs.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return docs


def checked_calls() -> list[Call]:
    pinned = dict(load().pinned)
    apis = known_apis()
    calls: list[Call] = []
    for label, text in corpus():
        found, _, _ = calls_of(label, text, apis)
        attribute(found, check_text(text, releases=pinned), ERROR_RULES)
        calls.extend(found)
    return calls


def test_checker_verdicts_match_the_real_packages(real_python: Path) -> None:
    calls = checked_calls()
    judge(calls, real_python)
    failures: list[str] = []
    kinds: Counter[str] = Counter()
    for call in calls:
        if call.real == "environment":
            continue
        rejects = call.checker == "rejects"
        raises = call.real != "ok"
        where = f"{call.doc}:{call.line} {call.source[:80]!r}"
        if rejects != raises:
            failures.append(f"{where}: checker {call.checker}, real {call.real} {call.detail}")
            continue
        if not rejects:
            kinds["accepted"] += 1
            continue
        rules = {m.split(":")[0] for m in call.messages}
        if call.trainer:
            kinds["trainer raises"] += 1
        elif rules & {"api-removed", "import-moved"}:
            kinds["import"] += 1
            if call.real != "ImportError":
                failures.append(f"{where}: import finding, but real {call.real}")
        elif rules & {"config-unknown-argument", "call-unknown-argument", "config-type-error"}:
            kinds["unknown keyword"] += 1
            if call.real != "TypeError":
                failures.append(f"{where}: unknown keyword, but real {call.real}")
        elif "call-positional-argument" in rules:
            kinds["positional"] += 1
            if call.real not in ("TypeError", "ValueError", "Misbound"):
                failures.append(f"{where}: positional, but real {call.real}")
        elif "config-conflict" in rules:
            kinds["conflict"] += 1
            if call.real != "ValueError":
                failures.append(f"{where}: conflict, but real {call.real}")
    print(f"verified against the real packages: {dict(kinds)}")
    assert not failures, "\n".join(failures)
    assert kinds["accepted"] >= 40, kinds
    assert kinds["unknown keyword"] >= 14, kinds
    assert kinds["import"] >= 2, kinds
    assert kinds["conflict"] >= 3, kinds
    assert kinds["trainer raises"] >= 3, kinds  # the seed fixture's aot_pair too
    assert kinds["positional"] >= 4, kinds


def test_every_hand_written_case_is_a_call_of_the_corpus() -> None:
    labels = Counter(c.doc.split(" #")[0] for c in checked_calls())
    assert labels["good"] == len(GOOD) and labels["bad"] == len(BAD)
    assert any(label.startswith("skills/") for label in labels)
