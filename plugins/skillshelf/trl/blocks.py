"""The Python code blocks of a Markdown document, ready to parse.

A block is Python when its info string says so (``python``, ``py``, ``pycon``
...) and, without an info string, when its content parses as Python and calls
an API the checker knows (:mod:`skillshelf.trl.snippets` decides that part).
A console session (``pycon``, or a block whose first line is a ``>>> `` prompt)
keeps only its prompt lines; a first line of ``...`` is Python's Ellipsis, or a
placeholder, never a prompt. Notebook magics (``!pip``, ``%time``) are blanked.
Blanking and prompt removal keep every line where it was, so a position in the
code maps back to the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from skillshelf.frontmatter import frontmatter_closing
from skillshelf.markdown import FencedBlock, iter_fenced_blocks, split_lines

#: Info-string languages whose blocks are Python. ``pycon`` blocks are read
#: through their ``>>>`` / ``...`` prompts.
PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"})
_CONSOLE_LANGUAGES = frozenset({"pycon"})
_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_FIRST_PROMPT = re.compile(r"^>>>( |$)")
_MAGIC = re.compile(r"^[ \t]*[!%]")


def code_lines(code: str) -> list[str]:
    """The lines of a block's code; called once per block, whatever it holds.

    Every position of a finding is looked up in these lines: splitting the
    code again per call made a block of n calls cost n splits of n lines.
    """
    return code.split("\n")


@dataclass
class Snippet:
    block: FencedBlock
    code: str  # prompts removed and magics blanked
    lines: list[str]  # the same code, split once
    extra: list[int]  # characters removed per code line besides the fence indentation (prompts)
    labelled: bool  # the info string says Python (else: Python only if it parses)

    def position(self, line: int, byte_col: int) -> tuple[int, int]:
        """The document's 1-based (line, column) of a code position (``ast``'s byte column)."""
        lines = self.lines
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        char_col = len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))
        extra = self.extra[line - 1] if 0 < line <= len(self.extra) else 0
        return self.block.position(line, extra + char_col)


def frontmatter_end(text: str) -> int:
    """Last line of a leading YAML frontmatter block (0 when there is none)."""
    closing = frontmatter_closing(split_lines(text))
    return 0 if closing is None else closing + 1


def is_console(language: str, lines: Sequence[str]) -> bool:
    """A ``pycon`` block, or one whose first non-blank line is a ``>>>`` prompt."""
    if language in _CONSOLE_LANGUAGES:
        return True
    first = next((line for line in lines if line.strip()), "")
    return _FIRST_PROMPT.match(first) is not None


def python_snippets(text: str, blocks: Sequence[FencedBlock] | None = None) -> Iterator[Snippet]:
    """The blocks of a document that are or may be Python, magics blanked, prompts removed.

    ``blocks``: the text's fenced blocks, when the caller already has them.
    """
    skip_until = frontmatter_end(text)
    for block in iter_fenced_blocks(text) if blocks is None else blocks:
        labelled = block.language in PYTHON_LANGUAGES
        if block.start_line <= skip_until or not (labelled or block.language == ""):
            continue
        lines = code_lines(block.code)
        extra = [0] * len(lines)
        if is_console(block.language, lines):
            for index, line in enumerate(lines):
                match = _PROMPT.match(line)
                if match:
                    extra[index] = match.end()
                    lines[index] = line[match.end() :]
                else:
                    lines[index] = ""  # console output
        for index, line in enumerate(lines):
            if _MAGIC.match(line):
                lines[index] = ""  # notebook ``!pip install`` / ``%magic`` lines
        yield Snippet(block, "\n".join(lines), lines, extra, labelled)
