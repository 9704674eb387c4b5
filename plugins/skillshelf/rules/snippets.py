"""Rules on the Python snippets of the documents: TRL / peft config calls.

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
    "A TRL/peft config call passes a keyword the pinned release does not accept.",
    Severity.ERROR,
)
def config_unknown_argument(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks each keyword of a TRL or peft config call in a Python code block
    (``DPOConfig(...)``, ``SFTConfig(...)``, ``LoraConfig(...)``...) against the
    signature of the release the skill targets (``targets.trl``, else the pinned
    one), and says when a keyword that is gone was removed and what to use.

    ## Why is this bad?
    Configs are dataclasses: an unknown keyword raises ``TypeError`` before
    training starts. Skills copied from older docs are full of keywords TRL has
    since removed or renamed.

    ## Example
    ```python
    DPOConfig(output_dir="out", max_prompt_length=512)
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", max_length=1024)
    ```
    """
    yield from _findings(ctx, snippets.UNKNOWN_ARGUMENT)


@rule(
    snippets.TYPE_MISMATCH,
    "A TRL/peft config call passes a literal of a type the argument's annotation rules out.",
    Severity.ERROR,
)
def config_type_mismatch(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Compares each literal keyword value of a config call with the annotation of
    the argument in the release (``beta: float``, ``report_to: str | list[str]``).
    Values that are not literals are skipped, never guessed.

    ## Why is this bad?
    The wrong value travels on into training, where it fails or is quietly
    misread (``"0.1"`` compared with a number, a string where a list was meant).

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
    snippets.INVALID_VALUE,
    "A TRL/peft config call passes a loss_type or choice value the release does not know.",
    Severity.ERROR,
)
def config_invalid_value(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Checks ``loss_type`` values against the loss types the release's trainer
    dispatches on, and says when a name was renamed or removed.

    ## Why is this bad?
    An unknown loss type often builds a config without complaint and fails only
    when the trainer first computes the loss, after the model and data are loaded.

    ## Example
    ```python
    DPOConfig(output_dir="out", loss_type="aot_pair")
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", loss_type="aot_unpaired")
    ```
    """
    yield from _findings(ctx, snippets.INVALID_VALUE)


@rule(
    snippets.CONFLICT,
    "A TRL/peft config call combines literal arguments that TRL (or peft) rejects together.",
    Severity.ERROR,
)
def config_conflict(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports combinations of literal arguments that the release rejects together,
    as read from its source, such as ``loss_weights`` whose length differs from
    the number of loss types.

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
    "A Python code block does not parse, so its config calls cannot be checked.",
    Severity.WARNING,
)
def snippet_syntax(ctx: LintContext) -> Iterator[Finding]:
    """## What it does
    Reports a Python code block (``python``, ``py``, ``pycon``...) that does not
    parse, at the place Python's parser stops. Code is parsed with ``ast``, never
    run.

    ## Why is this bad?
    A reader who copies the block gets a ``SyntaxError``, and the config calls in
    it cannot be checked. A warning: some blocks are fragments on purpose.

    ## Example
    ```python
    DPOConfig(output_dir="out", beta=0.1
    ```

    ## Use instead
    ```python
    DPOConfig(output_dir="out", beta=0.1)
    ```
    Label a block that is not Python as what it is (``text``, ``bash``).
    """
    yield from _findings(ctx, snippets.SYNTAX)
