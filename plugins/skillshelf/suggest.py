"""Did-you-mean suggestions for misspelt keys, rule ids and names."""

from __future__ import annotations

import re
from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance counting a swap of neighbours as one edit.

    difflib's ratio misses the commonest typo, two swapped letters
    (``lisence`` scores 0.57 against ``license``), hence this.
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word`` if it is plausibly a typo of it; of several as
    near, the first in alphabetical order. Never the first met: callers pass sets,
    whose order changes from one run to the next with the hash seed."""
    best: tuple[int, str] | None = None
    lowered = word.lower()
    for candidate in candidates:
        distance = edit_distance(lowered, candidate.lower())
        if _typo(lowered, candidate.lower(), distance) and (
            best is None or (distance, candidate) < best
        ):
            best = (distance, candidate)
    return None if best is None else best[1]


def _typo(word: str, candidate: str, distance: int) -> bool:
    """Whether ``word`` is ``distance`` edits from ``candidate`` as a typo would be: a
    third of the shorter at most, and, between names of as many words
    (``vector-stor``, ``vector-store``), no word replaced by another
    (``subagent-driven-development`` is not a typo of ``test-driven-development``)."""
    if distance > _limit(word, candidate):
        return False
    words, others = _WORDS.split(word), _WORDS.split(candidate)
    if len(words) < 2 or len(words) != len(others):
        return True
    return all(
        edit_distance(a, b) <= _limit(a, b) for a, b in zip(words, others, strict=True) if a != b
    )


def _limit(a: str, b: str) -> int:
    return max(1, min(len(a), len(b)) // 3)


#: What separates the words of a name or key.
_WORDS = re.compile(r"[-_. ]")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` or the empty string."""
    match = closest(word, candidates)
    return f"; did you mean {match!r}?" if match else ""
