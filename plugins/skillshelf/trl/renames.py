"""What to write instead of a keyword or class that is gone: the part the history cannot say.

Most replacements come from the releases themselves: a ``@deprecate_kwarg``
rename, or the deprecation warning the last release that took a keyword gave
("Use `max_length` instead", read by :func:`instead`). This table holds the
reviewed rest: keywords that never existed under that name but that people
write (a ``generate()`` option passed to a config), each checked against the
release's own documentation. A replacement is only ever offered when the
target release takes it.
"""

from __future__ import annotations

import re

#: (package, API or "*" for any of that package, keyword) -> what to pass instead.
#: A keyword of None is advice for the API itself (a removed class).
_TABLE: dict[tuple[str, str, str | None], str] = {
    # generate() takes max_new_tokens; TRL's online trainers call the same
    # length max_completion_length (GRPOConfig, RLOOConfig, OnlineDPOConfig ...)
    ("trl", "*", "max_new_tokens"): "max_completion_length",
    # transformers' own generation option, when written on TrainingArguments
    ("transformers", "Seq2SeqTrainingArguments", "max_new_tokens"): "generation_max_length",
}

_INSTEAD = (
    re.compile(r"[Uu]se `(?P<name>\w+)`"),
    re.compile(r"[Uu]se (?P<name>[a-z_][a-z0-9_]*) instead"),
    re.compile(r"in favou?r of `(?P<name>\w+)`"),
    re.compile(r"recommend using `(?P<name>\w+)`"),
    re.compile(r"renamed to `(?P<name>\w+)`"),
)


def advice_for(package: str, api: str, keyword: str | None) -> str | None:
    """The reviewed replacement for ``keyword`` of ``api`` (None: for ``api`` itself)."""
    return _TABLE.get((package, api, keyword)) or _TABLE.get((package, "*", keyword))


def instead(deprecation: str, keyword: str) -> str | None:
    """The keyword a deprecation warning says to use instead of ``keyword``, if it names one."""
    for pattern in _INSTEAD:
        match = pattern.search(deprecation)
        if match and match.group("name") != keyword:
            return match.group("name")
    return None
