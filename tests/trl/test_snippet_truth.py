"""What the checker says about the stale calls real skills make, one case per line.

Each case is a snippet written for these tests, the rules it must trip (in
order) and words its first message must hold; an empty tuple means the
checker must stay silent. The differential test (test_real_trl.py) proves
the verdicts against the real packages; this table pins the messages.
"""

from __future__ import annotations

import pytest

from skillshelf.trl.snippets import (
    API_REMOVED,
    CALL_UNKNOWN_ARGUMENT,
    CONFLICT,
    IGNORED_ARGUMENT,
    IMPORT_MOVED,
    INVALID_VALUE,
    POSITIONAL,
    SYNTAX,
    TYPE_ERROR,
    TYPE_MISMATCH,
    UNKNOWN_ARGUMENT,
    UPGRADE_BREAKS,
    check_text,
    find_calls,
)


def md(code: str, info: str = "python", before: str = "") -> str:
    return f"# Doc\n\n{before}```{info}\n{code}\n```\n"


CASES: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    # ---- removed classes and moved imports
    (
        "a class gone from the release",
        "from trl import PPOConfig\nPPOConfig(batch_size=8)",
        (API_REMOVED,),
        ("PPOConfig: not in trl 1.16.0 (removed in 1.13.0; last in 1.12.0",),
    ),
    (
        "a bare call of a gone class",
        "NashMDConfig(output_dir='x')",
        (API_REMOVED,),
        ("removed in 1.14.0",),
    ),
    (
        "an import that moved to trl.experimental",
        "from trl import ORPOConfig, CPOConfig, OnlineDPOConfig",
        (IMPORT_MOVED, IMPORT_MOVED, IMPORT_MOVED),
        (
            "`from trl import ORPOConfig` fails in trl 1.16.0",
            "import it from trl.experimental.orpo",
        ),
    ),
    ("the moved import written right", "from trl.experimental.orpo import ORPOConfig", (), ()),
    (
        "the experimental package does not export its trainers' classes",
        "from trl.experimental import GOLDConfig",
        (IMPORT_MOVED,),
        ("import it from trl.experimental.gold",),
    ),
    (
        "a bare call of a class the top level no longer exports",
        "CPOConfig(beta=0.1)",
        (IMPORT_MOVED,),
        (
            "CPOConfig: not exported by trl 1.16.0 (it moved out in 0.29.0)",
            "`from trl.experimental.cpo import CPOConfig`",
        ),
    ),
    ("an import path the history does not follow", "from trl.trainer import DPOConfig", (), ()),
    (
        "keywords of a moved class are still checked",
        "from trl import ORPOConfig\nORPOConfig(output_dir='x', betta=0.1)",
        (IMPORT_MOVED, UNKNOWN_ARGUMENT),
        (),
    ),
    # ---- trainers
    (
        "tokenizer= on a trainer",
        "from trl import DPOTrainer\nDPOTrainer(model=m, tokenizer=tok)",
        (CALL_UNKNOWN_ARGUMENT,),
        (
            "tokenizer: DPOTrainer has no such argument in trl 1.16.0 (removed in 0.13.0)",
            "use 'processing_class'",
        ),
    ),
    (
        "SFTTrainer options that moved into SFTConfig",
        "from trl import SFTTrainer\nSFTTrainer(model=m, dataset_text_field='text', packing=True)",
        (CALL_UNKNOWN_ARGUMENT, CALL_UNKNOWN_ARGUMENT),
        ("it is a SFTConfig option now: SFTConfig(dataset_text_field=...), passed as args=",),
    ),
    (
        "max_seq_length on SFTTrainer: moved and renamed",
        "from trl import SFTTrainer\nSFTTrainer(model=m, max_seq_length=512)",
        (CALL_UNKNOWN_ARGUMENT,),
        ("it is a SFTConfig option now, named max_length",),
    ),
    (
        "beta= passed to the trainer",
        "from trl import DPOTrainer\nDPOTrainer(model=m, beta=0.1)",
        (CALL_UNKNOWN_ARGUMENT,),
        ("it is a DPOConfig option now: DPOConfig(beta=...)",),
    ),
    (
        "a trainer called as the docs do",
        "from trl import DPOTrainer\nDPOTrainer(model, ref_model, args=args, train_dataset=ds, "
        "processing_class=tok)",
        (),
        (),
    ),
    # ---- positional arguments, bound to the release's order
    (
        "a dataset passed where the release takes the collator",
        "from trl import DPOTrainer\nDPOTrainer(model, ref_model, args, train_dataset)",
        (POSITIONAL,),
        (
            "train_dataset: positional argument 4 of DPOTrainer is data_collator in trl 1.16.0 "
            "(its order: model, ref_model, args, data_collator, train_dataset, ...)",
            "pass it as train_dataset=train_dataset",
        ),
    ),
    (
        "more positional arguments than parameters",
        "from peft import get_peft_model\nget_peft_model(m, c, 'a', False, True, None, False, 1)",
        (POSITIONAL,),
        ("get_peft_model takes 7 positional arguments in peft 0.21.2; positional argument 8",),
    ),
    (
        "a parameter passed by position and by keyword",
        "from trl import SFTTrainer\nSFTTrainer(model, args, args=args)",
        (POSITIONAL,),
        ("args: passed to SFTTrainer twice, as positional argument 2 and by keyword",),
    ),
    (
        "positional arguments where the release wants them",
        "from trl import DPOTrainer\nDPOTrainer(model, model_ref, args, train_dataset=ds)\n"
        "DPOTrainer(model, ..., train_dataset=ds)",
        (),
        (),
    ),
    # ---- transformers and peft
    (
        "a TrainingArguments keyword transformers dropped",
        "from transformers import TrainingArguments\n"
        "TrainingArguments(output_dir='x', evaluation_strategy='steps')",
        (UNKNOWN_ARGUMENT,),
        ("removed in 4.51.0", "Use `eval_strategy` instead", "use 'eval_strategy'"),
    ),
    (
        "an inherited keyword dropped by transformers, on a trl config",
        "from trl import SFTConfig\nSFTConfig(output_dir='x', evaluation_strategy='steps')",
        (UNKNOWN_ARGUMENT,),
        ("TrainingArguments dropped it in transformers 4.51.0", "use 'eval_strategy'"),
    ),
    (
        "warmup_ratio went in transformers 5.15",
        "from transformers import TrainingArguments\nTrainingArguments(output_dir='x', "
        "warmup_ratio=0.1)",
        (UNKNOWN_ARGUMENT,),
        ("removed in 5.15.0", "use 'warmup_steps'"),
    ),
    (
        "a misspelt BitsAndBytesConfig option is silently ignored",
        "from transformers import BitsAndBytesConfig\n"
        "BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_type='bfloat16')",
        (IGNORED_ARGUMENT,),
        ("kept without effect", "did you mean 'bnb_4bit_compute_dtype'?"),
    ),
    (
        "GenerationConfig options are fine",
        "from transformers import GenerationConfig\n"
        "GenerationConfig(max_new_tokens=10, temperature=0.7, do_sample=True)",
        (),
        (),
    ),
    (
        "Trainer(tokenizer=) went in transformers 5.0",
        "from transformers import Trainer\nTrainer(model=m, tokenizer=tok)",
        (CALL_UNKNOWN_ARGUMENT,),
        ("removed in 5.0.0", "use 'processing_class'"),
    ),
    (
        "peft functions",
        "from peft import get_peft_model, prepare_model_for_kbit_training\n"
        "get_peft_model(m, cfg, adapter_name='a')\n"
        "prepare_model_for_kbit_training(m, gradient_checkpointing=True)",
        (CALL_UNKNOWN_ARGUMENT,),
        ("did you mean 'use_gradient_checkpointing'?",),
    ),
    (
        "a method of a peft class",
        "from peft import PeftModel\nPeftModel.from_pretrained(m, 'id', is_trainable=True)",
        (),
        (),
    ),
    (
        "LoraConfig typo",
        "from peft import LoraConfig\nLoraConfig(r=8, lora_dropot=0.1)",
        (UNKNOWN_ARGUMENT,),
        ("did you mean 'lora_dropout'?",),
    ),
    # ---- suggestions
    (
        "generate()'s max_new_tokens on GRPOConfig",
        "from trl import GRPOConfig\nGRPOConfig(output_dir='x', max_new_tokens=128)",
        (UNKNOWN_ARGUMENT,),
        ("use 'max_completion_length'",),
    ),
    (
        "rpo_alpha: the last release's words, not a cousin's name",
        "from trl import DPOConfig\nDPOConfig(output_dir='x', rpo_alpha=0.5)",
        (UNKNOWN_ARGUMENT,),
        ("equivalent to including `'sft'` in `loss_type`",),
    ),
    # ---- values
    (
        "a placeholder is an unknown value",
        "from trl import DPOConfig\nDPOConfig(output_dir='x', max_length=..., beta=[...])",
        (),
        (),
    ),
    (
        "a type finding says the config is built anyway",
        "from trl import DPOConfig\nDPOConfig(output_dir='x', max_steps=None)",
        (TYPE_MISMATCH,),
        ("DPOConfig is built anyway",),
    ),
    (
        "a type the release's own check fails on",
        "from trl import DPOConfig\nDPOConfig(output_dir='x', warmup_steps='10')",
        (TYPE_ERROR,),
        ("DPOConfig raises TypeError when it is built ('<' not supported between instances",),
    ),
    (
        "a loss type rejected when the trainer is built",
        "from trl import SFTConfig\nSFTConfig(output_dir='x', loss_type='foo')",
        (INVALID_VALUE,),
        ("SFTConfig accepts it; SFTTrainer raises ValueError for it when it is built",),
    ),
    (
        "a loss type the config rewrites to another",
        "from trl.experimental.cpo import CPOConfig\n"
        "CPOConfig(output_dir='x', loss_type='alphapo')",
        (),
        (),
    ),
    # ---- **kwargs
    (
        "a dict written earlier and unpacked",
        "from trl import DPOConfig\nkw = dict(beta=0.1, max_prompt_length=128)\nDPOConfig(**kw)",
        (UNKNOWN_ARGUMENT,),
        ("max_prompt_length: DPOConfig has no such argument",),
    ),
    (
        "a dict literal with a conflict among its keys",
        "from trl import DPOConfig\n"
        "kw = {'loss_type': ['sigmoid', 'sft'], 'loss_weights': [1.0]}\nDPOConfig(**kw)",
        (CONFLICT,),
        (),
    ),
    (
        "a dict changed before the call is not read",
        "from trl import DPOConfig\nkw = {'betta': 1}\nkw.pop('betta')\nDPOConfig(**kw)",
        (),
        (),
    ),
    (
        "a dict rebound before the call is not read",
        "from trl import DPOConfig\nkw = {'betta': 1}\nkw = load()\nDPOConfig(**kw)",
        (),
        (),
    ),
    (
        "a dict added to under an if keeps its keys",
        "from trl import SFTConfig\nkw = dict(max_seq_length=8)\nif steps:\n"
        "    kw['max_steps'] = steps\nSFTConfig(**kw)",
        (UNKNOWN_ARGUMENT,),
        ("max_seq_length: SFTConfig has no such argument",),
    ),
    (
        "TrainingArguments' own checks",
        "from transformers import TrainingArguments\n"
        "TrainingArguments(output_dir='x', load_best_model_at_end=True)",
        (CONFLICT,),
        ("--load_best_model_at_end requires the save and eval strategy to match",),
    ),
    (
        "a keyword passed twice",
        "from trl import DPOConfig\nDPOConfig(beta=1, beta=2)",
        (SYNTAX,),
        ("keyword argument repeated: beta",),
    ),
]


@pytest.mark.parametrize(
    ("code", "rules", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_case(code: str, rules: tuple[str, ...], words: tuple[str, ...]) -> None:
    issues = check_text(md(code))
    assert tuple(i.rule for i in issues) == rules, [i.message for i in issues]
    for word in words:
        assert word in issues[0].message


def test_a_block_starting_with_an_ellipsis_is_code_not_a_console_session() -> None:
    text = md("...\nfrom trl import DPOConfig\nDPOConfig(max_prompt_length=3)")
    (issue,) = check_text(text)
    assert issue.rule == UNKNOWN_ARGUMENT and issue.line == 6
    console = md(
        ">>> from trl import DPOConfig\n>>> DPOConfig(max_prompt_length=3)\nDPOConfig(betta=1)",
        info="",
    )
    (issue,) = check_text(console)  # the output line is not code
    assert issue.line == 5 and issue.column == 15


def test_unlabelled_fences_are_checked_when_they_are_python_calling_a_known_api() -> None:
    text = md("from trl import SFTConfig\nSFTConfig(max_seq_length=3)", info="")
    (issue,) = check_text(text)
    assert (issue.rule, issue.line, issue.column) == (UNKNOWN_ARGUMENT, 5, 11)
    assert check_text(md("$ pip install trl\nDPOConfig(beta=1, beta=2", info="")) == ()
    assert check_text(md("x = dict(a=1, a=2)", info="")) == ()  # Python, but calls nothing known
    assert check_text(md("DPOConfig(max_prompt_length=1)", info="text")) == ()  # said not Python


def test_pip_install_in_the_document_selects_the_release() -> None:
    text = md(
        "from trl import SFTConfig, SFTTrainer\nSFTConfig(max_seq_length=5)\n"
        "SFTTrainer(model=m, tokenizer=t)",
        before="Install with `pip install trl==0.19.1 peft`.\n\n",
    )
    notes = check_text(text)
    assert [i.rule for i in notes] == [UPGRADE_BREAKS, CALL_UNKNOWN_ARGUMENT]
    assert notes[0].message.startswith(
        "works with trl 0.19.1 (what this document targets), breaks on upgrading: "
        "max_seq_length: SFTConfig has no such argument in trl 1.16.0 (removed in 0.20.0"
    )
    assert "in trl 0.19.1 (removed in 0.13.0)" in notes[1].message
    # the skill's own target wins over the document's pin
    assert [i.rule for i in check_text(text, "1.16.0")] == [UNKNOWN_ARGUMENT, CALL_UNKNOWN_ARGUMENT]


def test_positional_order_of_the_release_the_document_targets() -> None:
    text = md(
        "from trl import DPOTrainer\nDPOTrainer(model, ref_model, args, train_dataset=ds)",
        before="pip install trl==0.8.6\n\n",
    )
    (issue,) = check_text(text)
    assert issue.rule == POSITIONAL
    assert issue.message.startswith(
        "args: positional argument 3 of DPOTrainer is beta in trl 0.8.6 "
        "(its order: model, ref_model, beta, label_smoothing, ...), so args lands in beta"
    )
    # right for trl 0.8.6, where args came sixth; in 1.16.0 the sixth is eval_dataset
    old = md(
        "from trl import DPOTrainer\n"
        "DPOTrainer(model, ref_model, beta, label_smoothing, loss_type, args)",
        before="pip install trl==0.8.6\n\n",
    )
    (note,) = check_text(old)
    assert note.rule == UPGRADE_BREAKS
    assert "breaks on upgrading: args: positional argument 6 of DPOTrainer is eval_dataset" in (
        note.message
    )


def test_a_document_older_than_the_history_is_not_judged_by_name() -> None:
    text = md(
        "from trl import SFTConfig\nSFTConfig(max_seq_length=5)",
        before="pip install trl==0.7.4\n\n",
    )
    issues = check_text(text)
    assert [i.rule for i in issues] == [UPGRADE_BREAKS] or issues == ()


def test_a_class_added_after_the_target_release() -> None:
    (issue,) = check_text(md("from trl import SFTConfig"), "0.8.0")
    assert issue.rule == API_REMOVED
    assert issue.message == "SFTConfig: not in trl 0.8.0 yet (added in 0.9.2)"


def test_find_calls_reads_keys_of_unpacked_dicts() -> None:
    (call,) = find_calls(md("kw = {'beta': 0.5}\nDPOConfig(**kw, loss_type='ipo')"))
    assert dict(call.keywords) == {"beta": 0.5, "loss_type": "ipo"}
    assert not call.has_star_kwargs
