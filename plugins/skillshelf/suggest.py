"""Did-you-mean suggestions for misspelt keys, rule ids and names."""

from __future__ import annotations

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
        if best is None or (distance, candidate) < best:
            best = (distance, candidate)
    if best is None:
        return None
    limit = max(1, min(len(word), len(best[1])) // 3)
    return best[1] if best[0] <= limit else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` or the empty string."""
    match = closest(word, candidates)
    return f"; did you mean {match!r}?" if match else ""
