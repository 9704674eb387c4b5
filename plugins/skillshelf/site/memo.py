"""The generated texts of the previous plan, reused while their inputs are equal.

Under ``mkdocs serve`` every rebuild plans the whole site again; most of its
texts (skill pages, category pages, the catalog, ``skills.json``, ``llms.txt``)
are the same as last time. Each is rendered by a pure function from one frozen
input value (:mod:`skillshelf.site.inputs`), and :class:`PlanMemo` keeps the
last input and text under the text's name: the text is reused when the new
input equals the kept one, else rendered from the new input. The key *is* what
the text is rendered from, so a reused text is the one rendering would give:
it cannot be stale.

Texts are reused only under the options they were made with: a plan with other
options (``mkdocs.yml`` edited while serving) starts from an empty memo: such an
edit is rare, and the inputs then need not say which options each text reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from skillshelf.site.files import SkillFilesReader

Input = TypeVar("Input")


class PlanMemo:
    def __init__(self) -> None:
        #: Name of the text (its source path, ``skills.json``...) -> its input and text.
        self.texts: dict[str, tuple[object, str]] = {}
        self.used: set[str] = set()
        #: The options of the plan that made the kept texts.
        self.options: object = None
        #: What was read of each skill's files, reused while the files are unchanged.
        self.files = SkillFilesReader(keep=True)
        self.hits = 0
        self.misses = 0

    def begin(self, options: object) -> None:
        """Start a plan made with ``options``; texts made under other ones are dropped."""
        if options != self.options:
            self.texts = {}
            self.options = options
        self.used = set()
        self.hits = self.misses = 0

    def text(self, name: str, value: Input, render: Callable[[Input], str]) -> str:
        """``render(value)``, or the text kept under ``name`` when it was rendered from
        an input equal to ``value``."""
        self.used.add(name)
        kept = self.texts.get(name)
        if kept is not None and kept[0] == value:
            self.hits += 1
            return kept[1]
        self.misses += 1
        text = render(value)
        self.texts[name] = (value, text)
        return text

    def forget_unused(self) -> None:
        """Drop what the last plan did not ask for (a skill deleted or moved)."""
        for name in self.texts.keys() - self.used:
            del self.texts[name]
