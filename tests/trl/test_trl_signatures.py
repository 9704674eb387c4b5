"""Lookups on the committed ``schemas/trl-signatures.json``."""

from __future__ import annotations

import json
import time

import pytest

from skillshelf.suggest import closest
from skillshelf.trl import datafile
from skillshelf.trl.signatures import (
    SOURCE_PATH,
    UNKNOWN,
    evaluate,
    holds,
    load,
    render,
)


def test_data_file_shape_and_size() -> None:
    raw = json.loads(SOURCE_PATH.read_text(encoding="utf-8"))
    assert raw["format"] == 1
    assert raw["pinned"] == {"peft": "0.21.2", "transformers": "5.23.0", "trl": "1.16.0"}
    assert SOURCE_PATH.stat().st_size < 2 * 1024 * 1024
    assert {"0.28.0", "0.29.0", "1.0.0", "1.16.0"} <= set(raw["releases"])
    for release in raw["releases"].values():
        assert release["transformers"] == "5.23.0"
        assert all(ref in raw["class_pool"] for ref in release["classes"].values())
    for entry in raw["class_pool"].values():
        assert all(rid in raw["rule_pool"] for rid in entry["rules"])


def test_data_file_is_in_canonical_form() -> None:
    """What ``skillshelf signatures`` writes is what is committed (sorted, stable layout)."""
    text = SOURCE_PATH.read_text(encoding="utf-8")
    assert datafile.dumps(json.loads(text)) == text


def test_loading_is_fast_and_cached() -> None:
    timings = []
    for _ in range(3):  # best of three: a busy machine must not make this flaky
        load.cache_clear()
        started = time.perf_counter()
        first = load()
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5, timings
    assert load() is first


def test_pinned_dpo_config_arguments() -> None:
    sigs = load()
    dpo = sigs.config_class("trl", "1.16.0", "DPOConfig")
    assert dpo is not None
    assert dpo.arguments["beta"].annotation == "float"
    assert dpo.arguments["beta"].default == 0.1
    assert dpo.arguments["loss_type"].default == ["sigmoid"]
    assert "str" in dpo.arguments["loss_type"].accepts  # __post_init__ wraps a str
    # inherited from transformers.TrainingArguments, through trl's _BaseConfig
    assert dpo.arguments["learning_rate"].annotation == "float"
    assert dpo.arguments["gradient_checkpointing"].default is True  # _BaseConfig override
    assert dpo.hierarchy[-1] == "transformers.training_args.TrainingArguments"
    assert "trl.trainer.base_config._BaseConfig" in dpo.hierarchy
    for gone in ("max_prompt_length", "max_completion_length", "aot_pair"):
        assert gone not in dpo.arguments


def test_release_0_28_still_had_the_old_arguments() -> None:
    dpo = load().config_class("trl", "0.28.0", "DPOConfig")
    assert dpo is not None
    assert "max_prompt_length" in dpo.arguments
    assert "deprecated" in (dpo.arguments["max_prompt_length"].deprecated or "")
    assert dpo.loss_types is not None
    assert dpo.loss_types["aot_pair"]["replaced_by"] == "aot_unpaired"
    assert "kto_pair" in dpo.rejected_loss_types


def test_removed_in_is_precise() -> None:
    sigs = load()
    history = sigs.argument_history("trl", "DPOConfig", "max_prompt_length", "1.16.0")
    assert history.last_seen == "0.28.0"
    assert history.removed_in == "0.29.0"
    history = sigs.loss_type_history("trl", "DPOConfig", "aot_pair", "1.16.0")
    assert (history.last_seen, history.removed_in) == ("0.28.0", "0.29.0")
    history = sigs.argument_history("trl", "DPOConfig", "beta", "1.16.0")
    assert history.removed_in is None and "1.16.0" in history.present


def test_loss_types_come_from_the_dispatch() -> None:
    sigs = load()
    dpo = sigs.config_class("trl", "1.16.0", "DPOConfig")
    assert dpo is not None and dpo.loss_types is not None
    assert set(dpo.loss_types) == {
        "sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair", "sppo_hard",
        "aot", "aot_unpaired", "apo_zero", "apo_down", "discopop", "sft", "sigmoid_norm",
    }  # fmt: skip
    grpo = sigs.config_class("trl", "1.16.0", "GRPOConfig")
    assert grpo is not None and grpo.loss_types is not None
    assert {"grpo", "dapo", "dr_grpo", "bnpo"} <= set(grpo.loss_types)
    kto = sigs.config_class("trl", "1.16.0", "KTOConfig")
    assert kto is not None and set(kto.loss_types or ()) == {"kto", "apo_zero_unpaired"}


@pytest.mark.parametrize(
    "name",
    [
        "DPOConfig",
        "SFTConfig",
        "GRPOConfig",
        "KTOConfig",
        "ORPOConfig",
        "RewardConfig",
        "CPOConfig",
    ],
)
def test_the_main_configs_exist_in_every_release(name: str) -> None:
    sigs = load()
    for release in ("0.28.0", "0.29.0", "1.0.0", "1.16.0"):
        cls = sigs.config_class("trl", release, name)
        assert cls is not None, (name, release)
        assert "output_dir" in cls.arguments


def test_experimental_configs_record_their_import_path() -> None:
    orpo = load().config_class("trl", "1.16.0", "ORPOConfig")
    assert orpo is not None and orpo.import_path == "trl.experimental.orpo"


def test_peft_lora_config() -> None:
    lora = load().config_class("peft", "0.21.2", "LoraConfig")
    assert lora is not None
    assert lora.arguments["r"].annotation == "int"
    assert lora.arguments["r"].default == 8
    assert "Literal" in lora.arguments["bias"].annotation
    assert "task_type" in lora.arguments  # from PeftConfig


def test_the_one_did_you_mean_suggests_typos_of_argument_names_not_cousins() -> None:
    dpo = load().config_class("trl", "1.16.0", "DPOConfig")
    assert dpo is not None
    assert closest("betta", dpo.arguments) == "beta"
    assert closest("learnig_rate", dpo.arguments) == "learning_rate"
    assert closest("zzzz", dpo.arguments) is None
    # difflib's ratio paired these; neither is what the author meant
    assert closest("rpo_alpha", dpo.arguments) is None
    assert closest("max_new_tokens", dpo.arguments) is None


def test_loss_weights_rule_evaluates_like_trl() -> None:
    dpo = load().config_class("trl", "1.16.0", "DPOConfig")
    assert dpo is not None
    env = dpo.defaults()
    (rule,) = [r for r in dpo.rules if "loss_weights" in json.dumps(r.condition)]
    assert rule.phase == "config" and rule.raises == "ValueError"
    assert holds(rule.condition, {**env, "loss_type": ["sigmoid", "ipo"], "loss_weights": [1.0]})
    assert not holds(rule.condition, {**env, "loss_type": "sigmoid", "loss_weights": [1.0]})
    assert not holds(rule.condition, {**env, "loss_type": ["a", "b"], "loss_weights": UNKNOWN})
    message = render(rule.message, {**env, "loss_type": ["a", "b"], "loss_weights": [1.0]})
    assert message.endswith("Got 1 weights for 2 loss types.")


def test_evaluator_three_valued_logic() -> None:
    assert evaluate(["and", ["arg", "a"], ["arg", "b"]], {"a": UNKNOWN, "b": False}) is False
    assert evaluate(["or", ["arg", "a"], ["arg", "b"]], {"a": UNKNOWN, "b": 1}) == 1
    assert evaluate(["or", ["arg", "a"], ["arg", "b"]], {"a": UNKNOWN, "b": 0}) is UNKNOWN
    assert evaluate(["cmp", "<", ["arg", "a"], ["const", 1]], {"a": "x"}) is UNKNOWN
    assert evaluate(["cmp", "is", ["arg", "a"], ["const", None]], {"a": None}) is True
    assert evaluate(
        ["any", "v", ["arg", "xs"], ["cmp", "==", ["var", "v"], ["const", 2]]], {"xs": [1, 2]}
    )
    assert evaluate(["?"], {}) is UNKNOWN
    assert evaluate(["call", "isinstance", ["arg", "a"], ["const", ["Enum"]]], {"a": "x"}) is False
    assert evaluate(["ifexp", ["arg", "c"], ["const", 1], ["const", 1]], {"c": UNKNOWN}) == 1


def test_of_typos_as_near_the_one_suggested_does_not_depend_on_order() -> None:
    # 'sigmoid_norn' is one edit from each of these
    ties = ["sigmoid_norm", "sigmoid_born", "sigmoid_horn"]
    assert {closest("sigmoid_norn", order) for order in (ties, ties[::-1], sorted(ties))} == {
        "sigmoid_born"
    }
    # 'kto_pair' is two edits from each DPO loss type below, each a whole other word:
    # a cousin, not a typo
    assert closest("kto_pair", ["exo_pair", "bco_pair", "aot_pair"]) is None
