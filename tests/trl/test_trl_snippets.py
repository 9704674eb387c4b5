"""The snippet checker's pure functions: finding config calls and judging their keywords."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillshelf.analysis import Analyses
from skillshelf.model import Kind, read_document
from skillshelf.trl import blocks, history
from skillshelf.trl.signatures import UNKNOWN, load
from skillshelf.trl.snippets import (
    CONFLICT,
    INVALID_VALUE,
    SYNTAX,
    TYPE_MISMATCH,
    UNKNOWN_ARGUMENT,
    UPGRADE_BREAKS,
    check_text,
    find_calls,
)
from skillshelf.trl.typecheck import accepts
from skillshelf.trl.versions import resolve_version

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def md(code: str, info: str = "python") -> str:
    return f"# Doc\n\n```{info}\n{code}\n```\n"


def rules_of(text: str, target: str | None = None) -> list[str]:
    return [i.rule for i in check_text(text, target)]


# ---- the seed page


def test_seed_fixture_flags_exactly_what_breaks_on_trl_1_16() -> None:
    text = (FIXTURES / "seed-dpo-variants.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    got = [
        (i.line, i.column, i.rule, lines[i.line - 1][i.column - 1 :].split("=")[0].split(",")[0])
        for i in check_text(text)
    ]
    assert got == [
        (49, 1, UNKNOWN_ARGUMENT, "max_prompt_length"),
        (62, 1, UNKNOWN_ARGUMENT, "max_prompt_length"),
        (63, 1, UNKNOWN_ARGUMENT, "max_completion_length"),
        (96, 1, UNKNOWN_ARGUMENT, "max_prompt_length"),
        (97, 1, UNKNOWN_ARGUMENT, "max_completion_length"),
        (115, 11, INVALID_VALUE, '"aot_pair"'),
    ]
    messages = [i.message for i in check_text(text)]
    assert messages[0].startswith(
        "max_prompt_length: DPOConfig has no such argument in trl 1.16.0 (removed in 0.29.0; "
        "its last release said: “`max_prompt_length` is deprecated and will be removed in "
        "version 0.29.0. We recommend filtering out overlong prompts from your dataset"
    )
    assert messages[2].endswith("; use 'max_length'")  # max_completion_length, as 0.28 said
    assert "renamed to 'aot_unpaired'" in messages[-1] and "0.29.0" in messages[-1]
    assert messages[-1].endswith("did you mean 'aot_unpaired'?")


def test_seed_fixture_is_clean_on_0_28() -> None:
    text = (FIXTURES / "seed-dpo-variants.md").read_text(encoding="utf-8")
    notes = check_text(text, "0.28.0")
    assert {i.rule for i in notes} == {UPGRADE_BREAKS}  # nothing wrong with 0.28.0 itself
    assert [i.line for i in notes] == [49, 62, 63, 96, 97, 115]
    assert notes[0].message.startswith(
        "works with trl 0.28.0 (what this document targets), breaks on upgrading: "
        "max_prompt_length: DPOConfig has no such argument in trl 1.16.0"
    )


# ---- versions


def test_resolve_version() -> None:
    sigs, hist = load(), history.load()
    assert resolve_version(sigs, hist, None) == "1.16.0"
    assert resolve_version(sigs, hist, "0.29.0") == "0.29.0"
    assert resolve_version(sigs, hist, "==1.0.0") == "1.0.0"
    assert resolve_version(sigs, hist, "0.29") == "0.29.1"
    assert resolve_version(sigs, hist, "0.12.2") == "0.12.2"  # judged by the history's 0.12.0
    assert resolve_version(sigs, hist, "0.19") == "0.19.0"
    assert resolve_version(sigs, hist, "9.0.0") == "1.16.0"  # newer than pinned: the pinned one
    assert resolve_version(sigs, hist, "latest") == "1.16.0"


def test_message_names_the_release_checked() -> None:
    (issue,) = check_text(md("DPOConfig(max_prompt_length=5)"), "0.29.1")
    assert "in trl 0.29.1 (removed in 0.29.0; " in issue.message
    (note,) = check_text(md("DPOConfig(max_prompt_length=5)"), "0.28.0")
    assert note.rule == UPGRADE_BREAKS


# ---- one hit and one miss per rule


def test_unknown_argument() -> None:
    assert rules_of(md("DPOConfig(betta=0.1)")) == [UNKNOWN_ARGUMENT]
    assert "did you mean 'beta'" in check_text(md("DPOConfig(betta=0.1)"))[0].message
    assert rules_of(md("DPOConfig(beta=0.1, output_dir='out', learning_rate=5e-7)")) == []


def test_type_mismatch() -> None:
    (issue,) = check_text(md("DPOConfig(beta='0.1')"))
    assert issue.rule == TYPE_MISMATCH
    assert issue.message == (
        "beta='0.1': DPOConfig.beta is annotated `float` in trl 1.16.0, not str; DPOConfig is "
        "built anyway (dataclass fields are not type-checked) and the value reaches whatever "
        "reads it later"
    )
    ok = "DPOConfig(beta=1, max_length=None, loss_type='ipo', eval_strategy='steps', eval_steps=5)"
    assert rules_of(md(ok)) == []


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("DPOConfig(max_length=None)", True),  # Optional
        ("DPOConfig(beta=None)", False),  # not Optional
        ("DPOConfig(learning_rate=1)", True),  # int for float
        ("DPOConfig(num_train_epochs=True)", True),  # bool is an int
        ("DPOConfig(max_steps=10.5)", False),  # float for int
        ("DPOConfig(report_to=['wandb'])", True),
        ("DPOConfig(report_to=('wandb', 'tensorboard'))", True),  # tuple for a list
        ("DPOConfig(report_to=[1])", False),
        ("DPOConfig(lr_scheduler_kwargs={'num_cycles': 1})", True),
        ("DPOConfig(eval_strategy='steps')", True),  # Enum | str
        ("DPOConfig(loss_type=['sigmoid', 'ipo'])", True),
        ("DPOConfig(loss_type=('sigmoid',))", True),
        ("DPOConfig(bf16=1)", False),
        ("LoraConfig(target_modules='all-linear')", True),
        ("LoraConfig(target_modules=['q_proj', 'v_proj'])", True),
        ("LoraConfig(r=16.0)", False),
    ],
)
def test_type_judgements(code: str, ok: bool) -> None:
    assert (TYPE_MISMATCH not in rules_of(md(code))) is ok


def test_accepts_annotation_forms() -> None:
    assert accepts("Optional[Union[list[str], str]]", "x")
    assert accepts("Optional[Union[list[str], str]]", None)
    assert not accepts("Optional[Union[list[str], str]]", 3)
    assert accepts("Literal['none', 'all']", "anything")  # which strings: a value question
    assert not accepts("Literal[False] | None", True)
    assert accepts("torch.dtype | None", "bfloat16")  # a class we do not model
    assert accepts("'SomeForwardRef'", 3)
    assert accepts("tuple[int, ...]", (1, 2))
    assert not accepts("tuple[int, int]", (1,))
    assert accepts("dict[str, int]", {"a": 1})
    assert not accepts("dict[str, int]", {"a": "b"})
    assert accepts("not a valid annotation (", 1)


def test_invalid_loss_type_value() -> None:
    (issue,) = check_text(md('DPOConfig(loss_type="sigmod")'))
    assert issue.rule == INVALID_VALUE
    assert issue.message == (
        "loss_type 'sigmod': not a DPOConfig loss type in trl 1.16.0 (DPOConfig accepts it; "
        "DPOTrainer._compute_loss raises ValueError for it when it computes the loss, at the "
        "first training step); did you mean 'sigmoid'?"
    )
    assert rules_of(md('DPOConfig(loss_type="sigmoid_norm")')) == []
    assert rules_of(md('GRPOConfig(loss_type="dr_grpo")')) == []


def test_invalid_loss_type_list_element_points_at_the_element() -> None:
    text = md('DPOConfig(\n    loss_type=["sigmoid", "kto_pair"],\n)')
    (issue,) = check_text(text)
    assert issue.rule == INVALID_VALUE
    assert (issue.line, issue.column) == (5, 27)
    assert text.split("\n")[4][26:36] == '"kto_pair"'


def test_removed_loss_type_mentions_what_trl_said() -> None:
    (issue,) = check_text(md('DPOConfig(loss_type="kto_pair")'), "0.28.0")
    assert "Support for kto_pair has been removed" in issue.message


def test_invalid_choice_values() -> None:
    (issue,) = check_text(md('DPOConfig(eval_strategy="epochs")'))
    assert issue.rule == INVALID_VALUE and "did you mean 'epoch'" in issue.message
    (issue,) = check_text(md('LoraConfig(bias="some")'))
    assert issue.rule == INVALID_VALUE and "peft 0.21.2" in issue.message
    assert rules_of(md('LoraConfig(bias="lora_only")')) == []


def test_conflicts() -> None:
    (issue,) = check_text(md('DPOConfig(loss_type=["sigmoid", "ipo"], loss_weights=[0.7])'))
    assert issue.rule == CONFLICT
    assert issue.message == (
        "`loss_weights` must have the same length as `loss_type` when combining multiple losses. "
        "Got 1 weights for 2 loss types. (raised by DPOConfig, trl 1.16.0)"
    )
    assert issue.column == 41  # at loss_weights
    assert rules_of(md('DPOConfig(loss_type=["sigmoid", "ipo"], loss_weights=[0.7, 0.3])')) == []
    (issue,) = check_text(md('DPOConfig(loss_type="exo_pair")'))
    assert issue.rule == CONFLICT and "raised by DPOTrainer" in issue.message
    assert rules_of(md('DPOConfig(loss_type="exo_pair", label_smoothing=1e-3)')) == []
    assert rules_of(md("DPOConfig(fp16=True, bf16=True)")) == [CONFLICT]
    assert rules_of(md("DPOConfig(fp16=True)")) == []  # bf16 defaults to `not fp16`
    assert rules_of(md("GRPOConfig(num_generations=1)")) == [CONFLICT]
    assert rules_of(md("LoraConfig(layers_pattern='layers')")) == [CONFLICT]


def test_a_bad_value_does_not_also_report_conflicts() -> None:
    code = 'DPOConfig(load_best_model_at_end=True, eval_strategy="epochs", save_strategy="epoch")'
    assert rules_of(md(code)) == [INVALID_VALUE]


def test_snippet_syntax() -> None:
    (issue,) = check_text("# T\n\n```python\nDPOConfig(beta=0.1\n```\n")
    assert issue.rule == SYNTAX
    assert issue.line == 4
    assert rules_of(md("x = 1")) == []
    assert rules_of(md("not python at all {", info="bash")) == []


# ---- imports, aliases, non-literals


@pytest.mark.parametrize(
    "code",
    [
        "from trl import DPOConfig\nDPOConfig(max_prompt_length=1)",
        "from trl import DPOConfig as C\nC(max_prompt_length=1)",
        "import trl\ntrl.DPOConfig(max_prompt_length=1)",
        "import trl as t\nt.DPOConfig(max_prompt_length=1)",
        "from trl.trainer.dpo_config import DPOConfig\nDPOConfig(max_prompt_length=1)",
        "DPOConfig(max_prompt_length=1)",
        "args = DPOConfig(\n    output_dir='x',\n    max_prompt_length=1,\n)",
        "trainer = DPOTrainer(model, args=DPOConfig(max_prompt_length=1))",
    ],
)
def test_import_forms(code: str) -> None:
    assert rules_of(md(code)) == [UNKNOWN_ARGUMENT]


@pytest.mark.parametrize(
    "code",
    [
        "from mylib import DPOConfig\nDPOConfig(max_prompt_length=1)",
        "class DPOConfig:\n    pass\nDPOConfig(max_prompt_length=1)",
        "import trl as t\nother.DPOConfig(max_prompt_length=1)",
        "MyConfig(max_prompt_length=1)",
    ],
)
def test_not_a_trl_config(code: str) -> None:
    assert rules_of(md(code)) == []


def test_aliases_carry_across_blocks() -> None:
    text = md("from trl import DPOConfig as Cfg") + md("Cfg(betta=1.0)")
    assert rules_of(text) == [UNKNOWN_ARGUMENT]


def test_peft_alias() -> None:
    text = md("from peft import LoraConfig as LC\nLC(rank=8)")
    (issue,) = check_text(text)
    assert issue.rule == UNKNOWN_ARGUMENT and "in peft 0.21.2" in issue.message


def test_non_literals_are_skipped() -> None:
    code = (
        "beta = 'x'\n"
        "DPOConfig(beta=beta, loss_type=LOSS, loss_weights=make(), learning_rate=lr * 2,\n"
        "          label_smoothing=f(), **extra)"
    )
    assert rules_of(md(code)) == []
    # **kwargs may set anything: no conflict from defaults
    assert rules_of(md('DPOConfig(loss_type="exo_pair", **kw)')) == []
    # ... but explicit unknown keywords are still unknown
    assert rules_of(md("DPOConfig(**kw, betta=1)")) == [UNKNOWN_ARGUMENT]


def test_find_calls_reports_literal_keywords() -> None:
    (call,) = find_calls(
        md("from trl import DPOConfig\nDPOConfig(beta=0.1, output_dir=path, **kw)")
    )
    assert (call.package, call.name, call.line) == ("trl", "DPOConfig", 5)
    assert call.keywords == (("beta", 0.1), ("output_dir", UNKNOWN))
    assert call.has_star_kwargs and not call.has_positional


# ---- positions


def test_positions_inside_admonitions_and_lists() -> None:
    text = (
        "---\nname: x\n---\n\n"
        "!!! example\n"
        "    ```python\n"
        "    cfg = DPOConfig(output_dir='o',\n"
        "                    max_prompt_length=10)\n"
        "    ```\n\n"
        "1. Then:\n"
        "   ```py\n"
        '   DPOConfig(loss_type="aot_pair")\n'
        "   ```\n"
    )
    lines = text.split("\n")
    issues = check_text(text)
    assert [(i.line, i.column) for i in issues] == [(8, 21), (13, 24)]
    assert lines[7][20:].startswith("max_prompt_length")
    assert lines[12][23:].startswith('"aot_pair"')


def test_positions_with_non_ascii_before_the_keyword() -> None:
    text = md('DPOConfig(output_dir="βββ", betta=1)')
    (issue,) = check_text(text)
    assert text.split("\n")[3][issue.column - 1 :].startswith("betta")


def test_pycon_prompts_and_notebook_magics() -> None:
    text = md(
        ">>> from trl import DPOConfig\n>>> DPOConfig(betta=1)\nDPOConfig(output_dir='out')",
        "pycon",
    )
    (issue,) = check_text(text)
    assert (issue.line, issue.column) == (5, 15)
    assert rules_of(md("!pip install trl\n%time x = 1\nDPOConfig(betta=1)")) == [UNKNOWN_ARGUMENT]


def test_frontmatter_is_not_code() -> None:
    text = "---\nname: x\ndescription: |\n  ```python\n  DPOConfig(betta=1)\n  ```\n---\n\nBody\n"
    assert check_text(text) == ()


def test_a_document_is_analysed_once_per_target(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(md("DPOConfig(betta=1)"), encoding="utf-8")
    document = read_document(str(page), "page.md", Kind.REFERENCE, page.stat().st_size)
    analyses = Analyses("skillshelf")
    first = analyses.for_document(document)
    assert [i.rule for i in first.text_issues] == [UNKNOWN_ARGUMENT]
    assert analyses.for_document(document) is first
    assert first.inputs.trl_target is None


def test_hostile_documents_do_not_crash() -> None:
    nested = "(" * 5000 + ")" * 5000
    huge = "0x" + "f" * 5000  # an int too long for str()
    for code in (
        nested,
        "DPOConfig(" + "beta=1," * 3000 + ")",
        "\x00",
        "DPOConfig(**{'a': 1})",
        f"DPOConfig(loss_type={huge}, beta={huge}, eval_strategy={huge})",
        f"DPOConfig(loss_type=['sigmoid', 'ipo'], loss_weights=[{huge}])",
        "DPOConfig(beta=" + "9" * 5000 + ")",
    ):
        for issue in check_text(md(code)):
            assert issue.message


_TOKENS = [
    "DPOConfig(",
    "GRPOConfig(",
    "LoraConfig(",
    "trl.",
    "import trl\n",
    "from trl import DPOConfig as C\n",
    "C(",
    ")",
    ",",
    "loss_type=",
    "loss_weights=",
    "beta=",
    "betta=",
    "fp16=True",
    "bf16=",
    "**kw",
    '"sigmoid"',
    '["ipo", "exo_pair"]',
    "[0.5]",
    "None",
    "1",
    "-1.5",
    "'x'",
    "x",
    "\n",
    "    ",
    "(",
    "[",
    "]",
    "{",
    "}",
    ":",
    "β",
    "\t",
    "```",
    ">>> ",
    "!pip",
    "=",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40), st.sampled_from(["python", "pycon", "py"]))
def test_random_snippets_never_crash(tokens: list[str], info: str) -> None:
    text = f"!!! note\n    ```{info}\n" + "".join(tokens) + "\n    ```\n"
    lines = text.split("\n")
    for issue in check_text(text):
        assert 1 <= issue.line <= len(lines)
        assert issue.column >= 1


# ---- per-file cost and repeated keywords


def test_a_block_of_many_calls_is_split_into_lines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear, structurally: one split per block however many calls it holds (it was one per
    finding position, so n calls cost n splits of n lines)."""
    splits: list[int] = []
    real = blocks.code_lines

    def counting(code: str) -> list[str]:
        splits.append(len(code))
        return real(code)

    monkeypatch.setattr(blocks, "code_lines", counting)
    for calls in (10, 1000):
        splits.clear()
        body = "from trl import DPOConfig\n" + "DPOConfig(max_prompt_length=1)\n" * calls
        issues = check_text(md(body) + md("x = 1"))
        assert len(issues) == calls
        assert len(splits) == 2  # one per block


def test_a_repeated_keyword_is_reported_as_the_syntax_error_it_is() -> None:
    text = md("from trl import DPOConfig\nDPOConfig(beta=1, beta=2)\nprint(dict(a=1, a=2))")
    issues = check_text(text)
    assert [(i.line, i.column, i.rule) for i in issues] == [(5, 19, SYNTAX), (6, 17, SYNTAX)]
    assert issues[0].message.startswith("keyword argument repeated: beta: Python rejects")
    assert check_text(md("from trl import DPOConfig\nDPOConfig(beta=1, **{'beta': 2})")) == ()


def test_the_typo_hint_is_the_same_whatever_the_hash_seed() -> None:
    """The loss types are a set: its order changes with PYTHONHASHSEED, the hint must not."""
    code = (
        "from skillshelf.trl.snippets import check_text\n"
        "text = '# T\\n\\n```python\\nfrom trl import DPOConfig\\n"
        'DPOConfig(loss_type="nco_pair")\\n```\\n\'\n'
        "print(check_text(text, '0.28.0')[0].message)\n"
    )
    messages = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    (message,) = messages
    # one edit from both 'bco_pair' and 'nca_pair': the first in alphabetical order
    assert message.rstrip().endswith("did you mean 'bco_pair'?")
