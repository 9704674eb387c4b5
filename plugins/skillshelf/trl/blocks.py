"""The Python code blocks of a Markdown document, ready to parse.

A block is Python when its info string says so (``python``, ``py``, ``pycon``
...) and, without an info string, when its content parses as Python and calls
an API the checker knows (:mod:`skillshelf.trl.snippets` decides that part).
A console session (``pycon``, or a block whose first line is a ``>>> `` prompt)
keeps only its prompt lines; a first line of ``...`` is Python's Ellipsis, or a
placeholder, never a prompt. Notebook cells copied into Markdown are read as
IPython reads them: a line magic or shell escape (``!pip install ...``,
``%pip``, ``%time``) becomes ``pass``, and the lines that continue it after a
backslash are blanked (so an ``except ImportError:`` whose body is
``%pip install x`` keeps a body); a cell magic whose body is Python
(``%%capture``, ``%%time``, ``%%writefile x.py``) is blanked, and a block
under any other (``%%bash``, ``%%sh``, ``%%writefile x.yaml``) is not Python.
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
_LINE_MAGIC = re.compile(r"^([ \t]*)(?:!(?!=)|%(?=[A-Za-z%]))")
_CELL_MAGIC = re.compile(r"^%%([A-Za-z_]\w*)(.*)$")
#: Cell magics that run their body as Python (timing it, capturing its output ...).
_PYTHON_CELL_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug"})
#: Cell magics that write their body to a file: Python when the file is.
_FILE_CELL_MAGICS = frozenset({"writefile", "file"})


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
        if ("!" in block.code or "%" in block.code) and not without_magics(lines):
            continue
        yield Snippet(block, "\n".join(lines), lines, extra, labelled)


def without_magics(lines: list[str]) -> bool:
    """Read IPython's magics out of a block's lines, in place; False when the block is a cell
    magic whose body is not Python (``%%bash``)."""
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        cell = _CELL_MAGIC.match(lines[first].strip())
        if cell is not None:
            name, arguments = cell.group(1), cell.group(2).split()
            python = name in _PYTHON_CELL_MAGICS or (
                name in _FILE_CELL_MAGICS and bool(arguments) and arguments[-1].endswith(".py")
            )
            if not python:
                return False
            lines[first] = ""
    continued = False
    for index, line in enumerate(lines):
        if continued:
            lines[index] = ""  # the rest of a shell command that ended in a backslash
        else:
            magic = _LINE_MAGIC.match(line)
            if magic is None:
                continue
            lines[index] = magic.group(1) + "pass"  # a statement, as IPython runs it
        continued = line.rstrip().endswith("\\")
    return True
