"""Rules on the Python snippets of the documents: calls into TRL, peft and transformers.

All of them report what one check of each document found, part of its
analysis (:mod:`skillshelf.analysis`), so a document is parsed once however
many of them run. The ids are constants of :mod:`skillshelf.trl.snippets`,
which records every issue under one of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from skillshelf.diagnostics import Severity
from skillshelf.rules.base import Finding, LintContext, rule
from skillshelf.rules.reading import recorded
from skillshelf.trl import snippets


def _findings(ctx: LintContext, rule_id: str) -> Iterator[Finding]:
    yield from recorded(ctx, rule_id)


@rule(
    snippets.UNKNOWN_ARGUMENT,
    "A TRL/peft/transformers config call passes a keyword the target release does not accept.",
    Severity.ERROR,
)
def config_unknown_argument(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks every keyword of a call to a TRL config (``DPOConfig``, ``SFTConfig``,
    ``GRPOConfig`` ...), peft's ``LoraConfig`` or transformers' ``TrainingArguments``
    against the release the document targets, and says when a missing keyword went
    and what its last release said to use instead.

    ## Why is this bad?
    A config is a dataclass: an unknown keyword raises ``TypeError`` before training
    starts. Skills copied from older docs are full of keywords TRL has since removed.

    ## Example
    ```python
    SFTConfig(output_dir="out", max_seq_length=1024)  # removed in trl 0.20.0
    ```

    ## Use instead
    ```python
    SFTConfig(output_dir="out", max_length=1024)
    ```
    """
    yield from _findings(ctx, snippets.UNKNOWN_ARGUMENT)


@rule(
    snippets.TYPE_MISMATCH,
    "A config call passes a literal of a type the argument's annotation rules out.",
    Severity.WARNING,
)
def config_type_mismatch(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Compares each literal keyword value with the argument's annotation in the
    target release (``beta: float``, ``report_to: str | list[str]`` ...).

    ## Why is this bad?
    Dataclass fields are not type-checked: the config is built anyway and the
    wrong value travels on to whatever reads it (a comparison, a scheduler, the
    trainer), where it fails or is quietly misread. A warning, since building the
    config does not fail.

    ## Example
    ```python
    DPOConfig(output_dir="out", beta="0.1")
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", beta=0.1)
    ```
    """
    yield from _findings(ctx, snippets.TYPE_MISMATCH)


@rule(
    snippets.TYPE_ERROR,
    "A config call passes a literal of a type the release's own checks fail on (TypeError).",
    Severity.ERROR,
)
def config_type_error(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    For a literal of the wrong type, evaluates the checks the release performs on
    the argument (read from its source, never run) and reports the calls where
    one of them certainly fails on it, with Python's own message.

    ## Why is this bad?
    The call raises ``TypeError`` when the config (or its trainer) is built.

    ## Example
    ```python
    DPOConfig(output_dir="out", warmup_steps="10")  # '<' between str and int
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", warmup_steps=10)
    ```
    """
    yield from _findings(ctx, snippets.TYPE_ERROR)


@rule(
    snippets.INVALID_VALUE,
    "A config call passes a loss_type or choice value the release does not know.",
    Severity.ERROR,
)
def config_invalid_value(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks ``loss_type`` values against the loss types the release's trainer
    dispatches on, and choice arguments (``eval_strategy``, ``lr_scheduler_type``
    ...) against their choices; says which component rejects the value and when.

    ## Why is this bad?
    An unknown loss type often builds a config fine and only fails when the
    trainer first computes the loss, after the model and data are loaded.

    ## Example
    ```python
    DPOConfig(output_dir="out", loss_type="aot_pair")  # renamed 'aot_unpaired'
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", loss_type="aot_unpaired")
    ```
    """
    yield from _findings(ctx, snippets.INVALID_VALUE)


@rule(
    snippets.CONFLICT,
    "A config call combines literal arguments that TRL (or peft) rejects together.",
    Severity.ERROR,
)
def config_conflict(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Evaluates the checks the release's ``__post_init__`` and trainer ``__init__``
    perform on the arguments (read from the source, never run) on the literal
    values of the call, and reports the ones that certainly raise, with TRL's own
    message.

    ## Why is this bad?
    The call raises ``ValueError`` when the config or the trainer is built.

    ## Example
    ```python
    DPOConfig(output_dir="out", loss_type=["sigmoid", "sft"], loss_weights=[1.0])
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", loss_type=["sigmoid", "sft"], loss_weights=[1.0, 1.0])
    ```
    """
    yield from _findings(ctx, snippets.CONFLICT)


@rule(
    snippets.SYNTAX,
    "A Python code block does not parse (or passes a keyword twice), so it cannot run.",
    Severity.WARNING,
)
def snippet_syntax(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Parses every Python block (and every unlabelled block that turns out to be
    Python calling a known API) and reports where it does not parse, and calls
    that pass the same keyword twice, which Python's compiler rejects.

    ## Why is this bad?
    A reader who copies the block gets a ``SyntaxError``; and its calls cannot be
    checked.

    ## Example
    ```python
    DPOConfig(beta=0.1, beta=0.2)
    ```

    ## Use instead
    ```python
    DPOConfig(beta=0.2)
    ```
    """
    yield from _findings(ctx, snippets.SYNTAX)


@rule(
    snippets.PLACEHOLDER,
    "A Python block holds placeholders or is a fragment, so it does not run as written.",
    Severity.INFO,
)
def snippet_placeholder(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Notes, once per block, a Python block that does not parse as written only
    because of what documentation means it to leave out: ``...`` for arguments
    (``LoraConfig(r=8, ...)``, a line ``...`` inside a call), ``<your-token>``
    for a value to fill in, an excerpt indented as it sits in its method, a
    header whose body is left out, the entries of a dictionary shown alone.
    Every call of the block is still checked, as written.

    ## Why is this bad?
    It is not: the block says what it means. It is a note, not a warning,
    because a reader who copies the block still has to fill it in before it
    runs. A block that does not parse for any other reason (a missing comma, an
    unterminated string, output pasted into a ``python`` fence) is a
    ``snippet-syntax`` warning.

    ## Example
    ```python
    config = LoraConfig(r=8, ...)
    ```

    ## Use instead
    Nothing to change. To hide the note, turn the rule off:
    ``snippet-placeholder = "off"`` under ``[tool.skillshelf.rules]``.
    """
    yield from _findings(ctx, snippets.PLACEHOLDER)


@rule(
    snippets.CALL_UNKNOWN_ARGUMENT,
    "A TRL trainer or a peft/transformers function is called with a keyword it does not take.",
    Severity.ERROR,
)
def call_unknown_argument(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks the keywords of trainer constructors (``DPOTrainer``, ``SFTTrainer`` ...),
    transformers' ``Trainer`` and peft's ``get_peft_model``,
    ``prepare_model_for_kbit_training`` and ``PeftModel.from_pretrained`` against
    the release the document targets; says when a keyword went, what it was
    renamed to, or which config it moved into.

    ## Why is this bad?
    The call raises ``TypeError: unexpected keyword argument``. Trainer
    signatures changed a lot: ``tokenizer=`` became ``processing_class=``, and
    ``SFTTrainer``'s data options moved into ``SFTConfig``.

    ## Example
    ```python
    SFTTrainer(model=model, tokenizer=tokenizer, max_seq_length=1024, train_dataset=ds)
    ```

    ## Use instead
    ```python
    args = SFTConfig(output_dir="out", max_length=1024)
    SFTTrainer(model=model, args=args, processing_class=tokenizer, train_dataset=ds)
    ```
    """
    yield from _findings(ctx, snippets.CALL_UNKNOWN_ARGUMENT)


@rule(
    snippets.POSITIONAL,
    "A trainer or function gets a positional argument that lands on the wrong parameter.",
    Severity.ERROR,
)
def call_positional_argument(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Binds the positional arguments of calls to trainers (``DPOTrainer``,
    ``SFTTrainer`` ..., transformers' ``Trainer``) and peft's functions to the
    parameters of the release the document targets, as Python does, and reports
    an argument that has no parameter to go to, one whose parameter is also
    passed by keyword, and a variable named like one of the callee's parameters
    that lands on another one.

    ## Why is this bad?
    The first two raise ``TypeError``. The third runs into the wrong parameter:
    trainers reordered their parameters across releases (``beta`` came third in
    ``DPOTrainer`` until trl 0.13, ``data_collator`` comes fourth since), so a
    call written for one release passes the dataset as the collator in another;
    ``DPOTrainer`` then raises ``train_dataset is required`` when it is built.

    ## Example
    ```python
    trainer = DPOTrainer(model, ref_model, args, train_dataset)
    ```

    ## Use instead
    ```python
    trainer = DPOTrainer(model, ref_model, args=args, train_dataset=train_dataset)
    ```
    """
    yield from _findings(ctx, snippets.POSITIONAL)


@rule(
    snippets.IGNORED_ARGUMENT,
    "A config that takes any keyword is passed one that is none of its options.",
    Severity.WARNING,
)
def config_ignored_argument(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    ``BitsAndBytesConfig`` and ``GenerationConfig`` accept ``**kwargs``: a
    misspelt or stale option raises nothing. This rule reports keywords that are
    none of the release's options.

    ## Why is this bad?
    The setting silently does nothing: a 4-bit model is loaded with the default
    compute dtype, a generation ignores the intended limit.

    ## Example
    ```python
    BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_type=torch.bfloat16)
    ```

    ## Use instead
    ```python
    BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=torch.bfloat16)
    ```
    """
    yield from _findings(ctx, snippets.IGNORED_ARGUMENT)


@rule(
    snippets.API_REMOVED,
    "A snippet imports or calls a TRL/peft/transformers class the target release no longer has.",
    Severity.ERROR,
)
def api_removed(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Looks up every imported or called class and function in the history of its
    package and reports those the target release does not have, with the release
    that removed them (or, for a document that targets an older release, the one
    that added them).

    ## Why is this bad?
    The import raises ``ImportError``, the bare call ``NameError``.

    ## Example
    ```python
    from trl import PPOConfig  # removed in trl 1.13.0
    ```

    ## Use instead
    Port the recipe to a trainer the release has, or pin the release it was
    written for (``targets: {trl: "1.12.0"}`` in the skill's metadata).
    """
    yield from _findings(ctx, snippets.API_REMOVED)


@rule(
    snippets.IMPORT_MOVED,
    "A snippet imports a TRL/peft/transformers class from a module that no longer exports it.",
    Severity.ERROR,
)
def import_moved(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks ``from <module> import <name>`` of known APIs against where the
    target release exports them, and names the module to import from instead.

    ## Why is this bad?
    The import raises ``ImportError``; TRL moved its less used trainers to
    ``trl.experimental`` in 0.26 and dropped the old paths in 0.29.

    ## Example
    ```python
    from trl import ORPOConfig, ORPOTrainer
    ```

    ## Use instead
    ```python
    from trl.experimental.orpo import ORPOConfig, ORPOTrainer
    ```
    """
    yield from _findings(ctx, snippets.IMPORT_MOVED)


@rule(
    snippets.UPGRADE_BREAKS,
    "A snippet works with the release its document targets but breaks on the pinned one.",
    Severity.WARNING,
)
def snippet_upgrade_breaks(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    When a document targets an older release (its skill's ``targets``, or a
    ``pip install trl==X`` in its text), its calls are checked against that
    release, and again against the pinned one; what only fails there is reported
    here, with what changed.

    ## Why is this bad?
    The snippet is right for its release, and readers install the newest one: it
    is the next thing to go stale.

    ## Example
    ```python
    # pip install trl==0.19.1
    SFTConfig(output_dir="out", max_seq_length=1024)  # removed in trl 0.20.0
    ```

    ## Use instead
    ```python
    # pip install trl==1.16.0
    SFTConfig(output_dir="out", max_length=1024)
    ```
    """
    yield from _findings(ctx, snippets.UPGRADE_BREAKS)
