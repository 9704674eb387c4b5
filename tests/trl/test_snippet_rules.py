"""The snippet rules, run through the rule framework on a small tree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from tests.conftest import healthy_tree, skill_md

import skillshelf.rules.snippets  # noqa: F401  (registers the rules)
from skillshelf.config import LintConfig
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.lint import run_rules
from skillshelf.model import scan
from skillshelf.rules.base import REGISTRY

RULES = {
    "config-unknown-argument": Severity.ERROR,
    "config-type-mismatch": Severity.WARNING,
    "config-type-error": Severity.ERROR,
    "config-invalid-value": Severity.ERROR,
    "config-conflict": Severity.ERROR,
    "snippet-syntax": Severity.WARNING,
    "snippet-placeholder": Severity.INFO,
    "call-unknown-argument": Severity.ERROR,
    "call-positional-argument": Severity.ERROR,
    "config-ignored-argument": Severity.WARNING,
    "api-removed": Severity.ERROR,
    "import-moved": Severity.ERROR,
    "snippet-upgrade-breaks": Severity.WARNING,
}

MakeTree = Callable[[Mapping[str, str | bytes]], Path]


def py(code: str) -> str:
    return f"```python\n{code}\n```\n"


def lint(root: Path, rule_id: str) -> list[Diagnostic]:
    config = LintConfig(project_dir=root.parent, root=root)
    return run_rules(scan(root), config, select=[rule_id])


def test_rules_are_registered_with_their_severities() -> None:
    for rule_id, severity in RULES.items():
        assert REGISTRY[rule_id].severity is severity
        assert REGISTRY[rule_id].summary


@pytest.mark.parametrize(
    ("rule_id", "bad", "good"),
    [
        (
            "config-unknown-argument",
            "DPOConfig(max_prompt_length=512)",
            "DPOConfig(max_length=512)",
        ),
        ("config-type-mismatch", "DPOConfig(beta='0.1')", "DPOConfig(beta=0.1)"),
        ("config-type-error", "DPOConfig(warmup_steps='10')", "DPOConfig(warmup_steps=10)"),
        ("config-invalid-value", "DPOConfig(loss_type='aot_pair')", "DPOConfig(loss_type='aot')"),
        (
            "config-conflict",
            "DPOConfig(loss_type=['sigmoid', 'sft'], loss_weights=[1.0])",
            "DPOConfig(loss_type=['sigmoid', 'sft'], loss_weights=[1.0, 1.0])",
        ),
        ("snippet-syntax", "DPOConfig(beta=0.1", "DPOConfig(beta=0.1)"),
        ("snippet-placeholder", "DPOConfig(beta=0.1, ...)", "DPOConfig(beta=0.1)"),
        (
            "call-unknown-argument",
            "SFTTrainer(model=m, tokenizer=t)",
            "SFTTrainer(model=m, processing_class=t)",
        ),
        (
            "call-positional-argument",
            "DPOTrainer(model, ref_model, args, train_dataset)",
            "DPOTrainer(model, ref_model, args=args, train_dataset=train_dataset)",
        ),
        (
            "config-ignored-argument",
            "BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_type='bfloat16')",
            "BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype='bfloat16')",
        ),
        ("api-removed", "PPOConfig(output_dir='out')", "RLOOConfig(output_dir='out')"),
        (
            "import-moved",
            "from trl import ORPOConfig",
            "from trl.experimental.orpo import ORPOConfig",
        ),
        (
            "snippet-upgrade-breaks",
            "SFTConfig(max_seq_length=8)  # pip install trl==0.19.1",
            "SFTConfig(max_length=8)  # pip install trl==0.19.1",
        ),
    ],
)
def test_each_rule_hits_and_misses(make_tree: MakeTree, rule_id: str, bad: str, good: str) -> None:
    files = healthy_tree()
    body = f"# One\n\n{py(bad)}\nAnd the fixed version:\n\n"
    files["alpha/one/SKILL.md"] = skill_md("one", body=body)
    files["alpha/one/references/fixed.md"] = f"# Fixed\n\n{py(good)}"
    root = make_tree(files)
    found = lint(root, rule_id)
    line = files["alpha/one/SKILL.md"].split("\n").index(bad) + 1
    assert [(d.rule, d.path.name, d.line) for d in found] == [(rule_id, "SKILL.md", line)]
    assert found[0].severity is RULES[rule_id]


def test_skill_target_selects_the_release(make_tree: MakeTree) -> None:
    files = healthy_tree()
    targets = 'metadata:\n  skillshelf:\n    targets: {trl: "0.28.0"}\n'
    files["alpha/one/SKILL.md"] = skill_md(
        "one", extra=targets, body=py("DPOConfig(max_prompt_length=8)")
    )
    files["alpha/one/references/old.md"] = py("DPOConfig(loss_type='aot_pair')")
    files["alpha/two/SKILL.md"] = skill_md("two", body=py("DPOConfig(max_prompt_length=8)"))
    root = make_tree(files)
    found = lint(root, "config-unknown-argument") + lint(root, "config-invalid-value")
    assert [(d.path.parent.name, d.message.split(":")[0]) for d in found] == [
        ("two", "max_prompt_length")
    ]
    assert "trl 1.16.0" in found[0].message


def test_unreadable_documents_are_skipped(make_tree: MakeTree) -> None:
    files: dict[str, str | bytes] = dict(healthy_tree())
    files["alpha/one/references/binary.md"] = b"\xff\xfe\x00```python\nDPOConfig(betta=1)\n```\n"
    root = make_tree(files)
    for rule_id in RULES:
        lint(root, rule_id)  # must not raise
