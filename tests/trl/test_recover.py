"""Blocks that do not parse as written: every call that can be read is still checked, at its
exact position, and the block is reported once, as a mistake or as what it means."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillshelf.trl.blocks import python_snippets
from skillshelf.trl.recover import parse_block
from skillshelf.trl.snippets import PLACEHOLDER, SYNTAX, UNKNOWN_ARGUMENT, check_text, find_calls


def md(code: str, info: str = "python") -> str:
    return f"# Doc\n\n```{info}\n{code}\n```\n"


def keywords(code: str) -> list[tuple[str, int, int]]:
    """Every keyword the recovered tree holds: (name, 1-based line, 0-based column)."""
    tree = parse_block(code, statements=True).tree
    assert tree is not None
    found = [(n.arg, n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.keyword)]
    return sorted((name, line, col) for name, line, col in found if name is not None)


#: (case, code, intended?, words of the problem, keywords recovered with their positions)
CASES: list[tuple[str, str, bool, str, list[tuple[str, int, int]]]] = [
    (
        "a missing comma in the same call",
        "GRPOConfig(\n    warmup_ratio=0.1,\n    report_to='none'\n    max_prompt_length=8,\n)",
        False,
        "Perhaps you forgot a comma?",
        [("max_prompt_length", 4, 4), ("report_to", 3, 4), ("warmup_ratio", 2, 4)],
    ),
    (
        "missing commas before comments",
        "RLOOConfig(\n    beta=0.03  # paper\n    num_generations=2  # paper\n    lr=1e-6,\n)",
        False,
        "Perhaps you forgot a comma?",
        [("beta", 2, 4), ("lr", 4, 4), ("num_generations", 3, 4)],
    ),
    (
        "a missing comma between keywords on one line",
        "DPOConfig(beta=0.1 max_prompt_length=8)",
        False,
        "Perhaps you forgot a comma?",
        [("beta", 1, 10), ("max_prompt_length", 1, 19)],
    ),
    (
        "a missing comma in another statement",
        "f(\n  a=1\n  b=2)\nDPOConfig(max_prompt_length=8)",
        False,
        "Perhaps you forgot a comma?",
        [("a", 2, 2), ("b", 3, 2), ("max_prompt_length", 4, 10)],
    ),
    (
        "`...` after keywords",
        "LoraConfig(r=8, target_modules='all-linear', ...)",
        True,
        "`...` stands for arguments left out",
        [("r", 1, 11), ("target_modules", 1, 16)],
    ),
    (
        "`key=...` and `...` in one call",
        "create(model=..., ...)\nDPOConfig(max_prompt_length=3)",
        True,
        "`...` stands for arguments left out",
        [("max_prompt_length", 2, 10), ("model", 1, 7)],
    ),
    (
        "a line `...` first in a call",
        "GRPOConfig(\n    ...\n    scale_rewards='batch',\n    max_prompt_length=3,\n)",
        True,
        "`...`",
        [("max_prompt_length", 4, 4), ("scale_rewards", 3, 4)],
    ),
    (
        "a line `...` between arguments, without commas",
        "DPOTrainer(model,\n    ...\n    beta=0.1\n)",
        True,
        "`...`",
        [("beta", 3, 4)],
    ),
    (
        "a line `...` last, after a comment",
        "SFTConfig(\n    fp16=False,  # safe\n    ...\n)",
        True,
        "`...`",
        [("fp16", 2, 4)],
    ),
    (
        "a line `....` of four dots",
        "SFTTrainer(\n    ....\n    args=TrainingArguments(\n        ....\n"
        "        save_steps=50,\n    ),\n)",
        True,
        "`...`",
        [("args", 3, 4), ("save_steps", 5, 8)],
    ),
    (
        "an angle-bracket placeholder",
        "PeftModel.from_pretrained(model, <path-to-adapter>, is_trainable=True)",
        True,
        "`<path-to-adapter>` is a placeholder",
        [("is_trainable", 1, 52)],
    ),
    (
        "a placeholder as a keyword's value",
        "login(token=<your-token>)\nDPOConfig(betta=1)",
        True,
        "`<your-token>` is a placeholder",
        [("betta", 2, 10), ("token", 1, 6)],
    ),
    (
        "a line standing for code left out",
        "model = get_peft_model(model, config)\n[... training code ...]\nDPOConfig(beta=1)",
        True,
        "`[... training code ...]` stands for code left out",
        [("beta", 3, 10)],
    ),
    (
        "an excerpt indented as in its method",
        "    if self.ready:\n        DPOConfig(beta=1)\n    x = 2",
        True,
        "an indented excerpt",
        [("beta", 2, 18)],
    ),
    (
        "a header whose body is left out",
        "DPOConfig(beta=1)\ndef train():",
        True,
        "a header whose body is left out",
        [("beta", 1, 10)],
    ),
    (
        "an except clause shown alone",
        "except ImportError:\n    DPOConfig(beta=1)",
        True,
        "an `except` clause without the statement it belongs to",
        [("beta", 2, 14)],
    ),
    (
        "dictionary entries shown alone",
        '# the job\n"secrets": {"HF_TOKEN": "$HF_TOKEN"}\n"timeout": "2h"',
        True,
        "the entries of a dictionary, shown alone",
        [],
    ),
    (
        "a bracket never closed swallows nothing after it",
        "x = generate(\n    a=1,\nt = SFTConfig(max_seq_length=1)\n",
        False,
        "'(' was never closed",
        [("max_seq_length", 3, 14)],
    ),
    (
        "output pasted into the block",
        "DPOConfig(beta=1)\n=== Training done ===\nDPOConfig(betta=2)",
        False,
        "invalid syntax",
        [("beta", 1, 10), ("betta", 3, 10)],
    ),
    (
        "an unexpected indent after a simple statement",
        "from trl import DPOConfig\n  c = DPOConfig(betta=1)",
        False,
        "unexpected indent",
        [("betta", 2, 16)],
    ),
    (
        "an invalid character in prose",
        '"abc" → [1, 2]\nDPOConfig(betta=1)',
        False,
        "invalid character",
        [("betta", 2, 10)],
    ),
    (
        "brackets, `...` and `<x>` inside strings and comments are text",
        'f("(", "...", "<a>")  # ( ... <b>\nDPOConfig(beta=1 betta=2)',
        False,
        "Perhaps you forgot a comma?",
        [("beta", 2, 10), ("betta", 2, 17)],
    ),
]


@pytest.mark.parametrize(
    ("code", "intended", "words", "found"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_recovery(code: str, intended: bool, words: str, found: list[tuple[str, int, int]]) -> None:
    parsed = parse_block(code, statements=True)
    assert parsed.problem is not None
    assert parsed.problem.intended is intended, parsed.problem
    assert words in parsed.problem.message
    assert keywords(code) == found
    lines = code.split("\n")
    for name, line, col in found:  # the tree points at the text as written
        assert lines[line - 1][col:].startswith(name)


def test_a_block_that_parses_is_not_touched() -> None:
    code = "f(model, ...)\nx = {'a': 1, **b}\nDPOConfig(max_length=...)"
    parsed = parse_block(code, statements=True)
    assert parsed.problem is None and parsed.tree is not None
    assert ast.dump(parsed.tree) == ast.dump(ast.parse(code))


def test_an_unlabelled_block_is_python_only_if_it_parses_whole() -> None:
    assert parse_block("LoraConfig(r=8, ...)", statements=False).tree is not None
    assert parse_block("f(a=1\n  b=2)\nDPOConfig(x=1)", statements=False).tree is None
    assert parse_block("$ pip install trl", statements=False).tree is None


def test_hostile_blocks_finish() -> None:
    for code in ("f(\n" * 3000, "(" * 500 + "\nx = 1", "x = '''\n" * 200, "\x00f(a=1 b=2)"):
        parse_block(code, statements=True)  # must not raise or hang
    many = "\n".join(f"f({i}, ..., a=1" for i in range(2000))
    assert parse_block(many, statements=True).problem is not None


_ALPHABET = [*"abcfx=(),.:<>[]{}'\"#\\ \n\t+-*01", "...", "    ", "DPOConfig(", "beta="]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=60))
def test_recovered_positions_point_at_the_text(pieces: list[str]) -> None:
    code = "".join(pieces)
    parsed = parse_block(code, statements=True)
    if parsed.tree is None:
        return
    lines = code.split("\n")
    for node in ast.walk(parsed.tree):
        if isinstance(node, ast.keyword) and node.arg is not None:
            assert lines[node.lineno - 1][node.col_offset :].startswith(node.arg), code
        if isinstance(node, ast.Name) and node.id.strip("_"):
            assert lines[node.lineno - 1][node.col_offset :].startswith(node.id), code


# --------------------------------------------------------------------------- documents


def test_a_missing_comma_does_not_hide_stale_arguments_in_the_same_call() -> None:
    code = (
        "from trl import GRPOConfig\n\n"
        "training_args = GRPOConfig(\n"
        '    output_dir = "out",\n'
        "    warmup_ratio = 0.1,\n"
        "    max_prompt_length = 1024,\n"
        '    report_to = "none"\n'
        "\n"
        '    loss_type = "dr_grpo",\n'
        ")"
    )
    issues = check_text(md(code))
    assert [(i.rule, i.line, i.column) for i in issues] == [
        (UNKNOWN_ARGUMENT, 8, 5),  # warmup_ratio, line 5 of the block
        (UNKNOWN_ARGUMENT, 9, 5),  # max_prompt_length
        (SYNTAX, 10, 17),  # reported once, where Python says
    ]
    assert issues[0].message.startswith("warmup_ratio: GRPOConfig has no such argument")
    assert "Perhaps you forgot a comma? (line 7 of the block)" in issues[2].message
    assert issues[2].message.endswith("the rest of the block is still checked")


def test_placeholders_are_a_note_not_a_warning() -> None:
    code = (
        "from peft import LoraConfig\n"
        "config = LoraConfig(r=8, lora_dropot=0.1, ...)\n"
        "model = PeftModel.from_pretrained(model, <your-adapter>)\n"
        "trainer = Trainer(model=model, ...)"
    )
    issues = check_text(md(code))
    assert [(i.rule, i.line, i.column) for i in issues] == [
        (UNKNOWN_ARGUMENT, 5, 26),
        (PLACEHOLDER, 5, 43),  # once for the block, at the first placeholder
    ]
    assert issues[1].message == (
        "Python snippet is not complete code: `...` stands for arguments left out "
        "(line 2 of the block); its calls are checked as written"
    )


def test_one_syntax_warning_per_block_however_many_problems() -> None:
    code = "x = 1 +\nDPOConfig(betta=1, ...)\ny = ]\nz = DPOConfig(beta=1 betta=2)"
    issues = check_text(md(code))
    assert [i.rule for i in issues].count(SYNTAX) == 1
    assert PLACEHOLDER not in [i.rule for i in issues]  # the mistake is what is reported
    assert [(i.rule, i.line) for i in issues if i.rule == UNKNOWN_ARGUMENT] == [
        (UNKNOWN_ARGUMENT, 5),
        (UNKNOWN_ARGUMENT, 7),
    ]


def test_recovered_calls_are_found_with_exact_spans() -> None:
    text = md("x = f(\n  a=1\n  b=2)\ny = DPOConfig(beta=0.5,\n   ...\n   loss_type='ipo')")
    (call,) = find_calls(text)
    assert (call.name, call.line, call.column, call.end_line, call.end_column) == (
        "DPOConfig",
        7,
        5,
        9,
        20,
    )
    assert dict(call.keywords) == {"beta": 0.5, "loss_type": "ipo"}
    assert call.has_star_kwargs  # the arguments left out may be anything


# --------------------------------------------------------------------------- notebook cells


def code_of(text: str) -> list[str]:
    return [snippet.code for snippet in python_snippets(text)]


def test_shell_escapes_and_their_continuation_lines_are_not_python() -> None:
    cell = '!pip install -q \\\n    "trl==0.19.1" \\\n    peft\nDPOConfig(betta=1)'
    assert code_of(md(cell)) == ["pass\n\n\nDPOConfig(betta=1)"]
    (issue,) = check_text(md(cell))
    assert (issue.rule, issue.line, issue.column) == (UNKNOWN_ARGUMENT, 7, 11)


def test_a_magic_in_a_body_leaves_the_body_a_statement() -> None:
    cell = "try:\n    import trl\nexcept ImportError:\n    %pip install trl\nDPOConfig(betta=1)"
    assert [i.rule for i in check_text(md(cell))] == [UNKNOWN_ARGUMENT]


def test_cell_magics() -> None:
    assert code_of(md("%%capture\n!pip install trl\nx = 1")) == ["\npass\nx = 1"]
    assert code_of(md("%%time\nDPOConfig(beta=1)")) == ["\nDPOConfig(beta=1)"]
    assert code_of(md("%%writefile train.py\nDPOConfig(beta=1)")) == ["\nDPOConfig(beta=1)"]
    assert code_of(md("%%bash\nmodel=$(pwd)/out\ndocker run -d x")) == []
    assert code_of(md("%%writefile config.yaml\nrollout:\n  n: 1")) == []
    # a Python line that only looks like a magic is kept
    assert code_of(md("x = (a\n     % b)\ny = (c\n != d)")) == ["x = (a\n     % b)\ny = (c\n != d)"]


def test_a_bash_cell_labelled_python_is_not_a_syntax_warning() -> None:
    assert check_text(md("%%bash\nmax_input_length=1024   # max input length\nDPOConfig(")) == ()


@pytest.mark.parametrize(
    "code",
    [
        # try/except whose branches hold only comments
        "try:\n    # the risky call\nexcept ValueError:\n    # what to do then\n",
        "try:  # first\n    # nothing yet\nexcept Exception as error:\n"
        "    ...\nfinally:\n    # x\n",
        # a try: shown alone, its body a comment or `...`
        "try:\n    ...\n",
        "try:\n    # the call that may fail\n",
        # a bare except: fragment, with or without a body
        "except:\n",
        "except:\n    # log it\n",
        "    except (KeyError, IndexError):\n        ...\n",
    ],
)
def test_idiom_fragments_in_prose_are_a_note_not_a_warning(code: str) -> None:
    (issue,) = check_text(md(code))
    assert issue.rule == PLACEHOLDER, issue.message


@pytest.mark.parametrize(
    "code",
    [
        "try:\n    x = 1\n",  # code in the body: a handler is missing by mistake
        "try:\n    # x\nexcept ValueError:\n    f(a b c)\n",  # a real mistake in a branch
        "def f(:\n    # body\n",
    ],
)
def test_fragments_that_hold_real_mistakes_still_warn(code: str) -> None:
    assert SYNTAX in [i.rule for i in check_text(md(code))]


def test_calls_in_an_idiom_fragment_are_still_checked() -> None:
    code = (
        "try:\n    # load the model first\nexcept ImportError:\n    config = DPOConfig(betta=0.1)\n"
    )
    issues = check_text(md(code))
    assert [i.rule for i in issues] == [PLACEHOLDER, UNKNOWN_ARGUMENT]
    assert "a header whose body is left out (line 1 of the block)" in issues[0].message


def test_a_clause_shown_alone_is_named_with_its_article() -> None:
    (issue,) = check_text(md("finally:\n    ...\n"))
    assert "a `finally` clause" in issue.message
