"""Parse as much of a Python block as can be read, when the block as a whole does not parse.

Documentation blocks often do not parse as written. Some on purpose: ``...``
for arguments left out (``LoraConfig(r=8, ...)``, a line ``...`` in a call),
``<your-token>`` for a value to fill in, an excerpt indented as it sits in its
method, a header whose body is left out, the entries of a dictionary shown
alone. Others by mistake: a comma missing between two arguments, an
unterminated string, console output pasted into the block. ``ast.parse``
gives up on the whole block at the first of them, and every call in the block
would go unchecked.

:func:`parse_block` parses the block as written; when that fails, it reads the
placeholders as what they stand for and tries again; when that fails too (and
the caller asks for it), it splits the block into its top-level statements and
parses each on its own, completing fragments and putting back a comma missing
at the end of a line between two arguments. A statement that still does not
parse is left out (after a bracket that is never closed, the block is split
again from the next line indented no deeper than the statement); every other
statement is kept. Nothing is executed.

Every repair keeps each character the tree points at on its line and column,
so a position in the tree is a position in the block: a placeholder becomes as
many ASCII characters (``...`` -> ``**_``, keywords nobody can read;
``<your-token>`` -> a name of underscores), a comma goes after the last token
of a line, a missing body after the last line of its statement, and an
indented statement is parsed under an ``if 1:`` line whose line is then taken
back out of the numbering.

Strings and comments are blanked out (same length, same line breaks) before
any of this looks at the text, so brackets, ``...`` and ``<`` inside them are
never taken for code. The work is linear in the size of the block, with a
bounded number of re-splits.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from dataclasses import dataclass
from keyword import iskeyword

#: ``ast.parse`` raises these besides SyntaxError (null bytes, nesting too deep ...).
PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)

_STRING_OR_COMMENT = re.compile(
    r"""
      \#[^\n]*
    | \"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)
    | '''(?:\\.|[^\\])*?(?:'''|\Z)
    | "(?:\\.|[^"\\\n])*(?:"|(?=\n)|\Z)
    | '(?:\\.|[^'\\\n])*(?:'|(?=\n)|\Z)
    """,
    re.VERBOSE | re.DOTALL,
)
_NOT_NEWLINE = re.compile(r"[^\n]")
_BRACKET_OR_ELLIPSIS = re.compile(r"[()\[\]{}]|(?<![.\w])\.{3,4}(?![.\w])")
#: A line that stands for code left out: ``[... training code ...]``, ``... more steps``.
_ELIDED_LINE = re.compile(r"[ \t]*(?:\[[ \t]*\.{3}[^\]\n]*\]|\.{3}[ \t]+[A-Za-z][^\n]*)[ \t]*$")
_PLACEHOLDER = re.compile(r"<[A-Za-z_][A-Za-z0-9_.\-/]*(?: [A-Za-z0-9_.\-/]+)*>", re.ASCII)
_NAME_BEFORE = re.compile(r"([A-Za-z_]\w*)\s*$")
_CONTINUES = re.compile(r"[ \t]*(else|elif|except|finally)\b")
_HEADER_LINE = re.compile(r"on line (\d+)$")
_FORGOT_COMMA = "Perhaps you forgot a comma?"
_NO_BODY = "expected an indented block"
_NO_HANDLER = "expected 'except' or 'finally' block"
#: What a body that only stands for code (a fragment shown in prose) holds, once
#: comments are blanked: nothing, ``...`` or ``pass``.
_NO_CODE = frozenset({"", "...", "pass"})
_ANNOTATION = "illegal target for annotation"
_MAX_COMMAS = 16  # per statement: one that needs more is not a list of arguments
_MAX_RESPLITS = 16  # per block: each re-split reads the rest of the block again


@dataclass(frozen=True)
class Problem:
    """Why a block does not parse as written, where (1-based line, 0-based character column
    of the block's code), and whether the block means it (a placeholder, a fragment)."""

    line: int
    column: int
    message: str
    intended: bool


@dataclass(frozen=True)
class Parsed:
    """What :func:`parse_block` read: the statements (None when it read nothing: the block is
    not taken for Python), and the first thing that did not parse as written (None when the
    block parses as it is; else a mistake if the block holds one)."""

    tree: ast.Module | None
    problem: Problem | None


def parse(code: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning on "\d" and the like
        return ast.parse(code)


def parse_block(code: str, statements: bool) -> Parsed:
    """The block's tree, as written or as recovered.

    ``statements``: when the block does not parse even with its placeholders
    read, recover it statement by statement (a block labelled Python). An
    unlabelled block is Python only if it parses whole, placeholders read.
    """
    try:
        return Parsed(parse(code), None)
    except PARSE_ERRORS as exc:
        first = _problem(exc, code, 0)
        if not isinstance(exc, SyntaxError):
            return Parsed(None, first)  # nesting too deep, null bytes: nothing to repair
    block = _Block(code)
    placeholders = block.read_placeholders()
    if placeholders:
        try:
            return Parsed(parse(block.text()), placeholders[0])
        except PARSE_ERRORS:
            pass
    if not statements:
        return Parsed(None, first)
    body, problems = block.by_statement(_MAX_RESPLITS)
    problems += placeholders
    mistakes = [p for p in problems if not p.intended]
    chosen = min(mistakes or problems or [first], key=lambda p: (p.line, p.column))
    return Parsed(ast.Module(body=body, type_ignores=[]), chosen)


def _problem(exc: Exception, code: str, shift: int) -> Problem:
    if not isinstance(exc, SyntaxError):
        return Problem(1 + shift, 0, exc.__class__.__name__, False)
    line = exc.lineno or 1
    column = max((exc.offset or 1) - 1, 0)
    count = code.count("\n") + 1
    if not 0 < line <= count:
        line, column = max(min(line, count), 1), 0
    return Problem(line + shift, column, exc.msg or "invalid syntax", False)


class _Block:
    """A block's lines and the same lines with strings and comments blanked out (repairs
    change both alike), and which lines continue a statement begun above."""

    def __init__(self, code: str) -> None:
        self.lines = code.split("\n")
        masked = _STRING_OR_COMMENT.sub(_blank, code)
        self.masked = masked.split("\n")
        self.starts = [0]
        for line in self.masked[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        # a line inside a string, inside brackets or after a backslash continues a statement
        self.continued = [False] * len(self.lines)
        for match in _STRING_OR_COMMENT.finditer(code):
            first, last = self._line_of(match.start()), self._line_of(max(match.end() - 1, 0))
            for index in range(first + 1, last + 1):
                self.continued[index] = True
        depth = 0
        for index, line in enumerate(self.masked):
            if depth > 0:
                self.continued[index] = True
            depth = max(depth + _count(line, "([{") - _count(line, ")]}"), 0)
            if line.rstrip().endswith("\\") and index + 1 < len(self.lines):
                self.continued[index + 1] = True

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def text(self, first: int = 0, last: int | None = None) -> str:
        return "\n".join(self.lines[first:last])

    def _replace(self, line: int, column: int, old: int, new: str) -> None:
        for lines in (self.lines, self.masked):
            text = lines[line]
            lines[line] = text[:column] + new + text[column + old :]

    def _append_comma(self, line: int) -> None:
        """A comma after the last token of ``line``: only the line's comment moves."""
        self._replace(line, len(self.masked[line].rstrip()), 0, ",")

    # ---- placeholders

    def read_placeholders(self) -> list[Problem]:
        """A line that stands for code left out is blanked; ``...`` for arguments or entries
        left out becomes ``**_`` (with the commas a ``...`` alone on its line goes without);
        ``<your-token>`` in a value's place becomes a name. What was read, as problems."""
        found: list[Problem] = []
        for index, line in enumerate(self.masked):
            if _ELIDED_LINE.match(line):
                code = line.strip()
                self._replace(index, 0, len(line), " " * len(line))
                message = f"`{code}` stands for code left out"
                found.append(Problem(index + 1, _indent(line), message, True))
        masked = "\n".join(self.masked)
        stack: list[int] = []
        elisions: list[tuple[int, int]] = []  # offset, length
        commas: set[int] = set()  # lines a comma goes at the end of
        for match in _BRACKET_OR_ELLIPSIS.finditer(masked):
            token = match.group()
            if token in "([{":
                stack.append(match.start())
            elif token in ")]}":
                if stack:
                    stack.pop()
            elif stack and _holds_arguments(masked, stack[-1]):
                start, end = match.start(), match.end()
                before = _code_before(masked, start)
                after = _code_after(masked, end, newlines=False)
                if _at(masked, after) not in ",)}\n":
                    continue  # ``... + x`` and the like: not an elision
                if masked[before] not in "(,{":
                    if "\n" not in masked[before:start] or not _ends_value(masked[before]):
                        continue  # ``key=...`` is a value, also on the next line
                    commas.add(self._line_of(before))
                following = _code_after(masked, end, newlines=True)
                if _at(masked, following) not in ",)}":
                    commas.add(self._line_of(start))
                elisions.append((start, end - start))
        for start, width in elisions:
            at = self._line_of(start)
            column = start - self.starts[at]
            self._replace(at, column, width, "**_".ljust(width))
            found.append(Problem(at + 1, column, "`...` stands for arguments left out", True))
        for at in commas:
            self._append_comma(at)
        for index, text in enumerate(self.masked):
            for match in reversed(list(_PLACEHOLDER.finditer(text))):
                head, tail = text[: match.start()].rstrip(), text[match.end() :].lstrip()
                if (head and head[-1] not in "(,=[{:") or (tail and tail[0] not in ",)]}"):
                    continue
                width = match.end() - match.start()
                self._replace(index, match.start(), width, "_" * width)
                message = f"`{match.group()}` is a placeholder"
                found.append(Problem(index + 1, match.start(), message, True))
        found.sort(key=lambda p: (p.line, p.column))
        return found

    # ---- statements

    def by_statement(self, resplits: int) -> tuple[list[ast.stmt], list[Problem]]:
        """Every top-level statement that parses, alone or repaired; what was wrong or put
        back, as problems. ``resplits``: how many more times the block may be split again."""
        body: list[ast.stmt] = []
        problems: list[Problem] = []
        previous: int | None = None
        for first, last in self._statements():
            indent = _indent(self.masked[first])
            if previous is None and indent > 0:
                problems.append(Problem(first + 1, 0, "an indented excerpt", True))
            elif previous is not None and indent > previous:
                problems.append(Problem(first + 1, indent, "unexpected indent", False))
            previous = indent
            nodes = self._statement(first, last, indent > 0, problems)
            if nodes is not None:
                body.extend(nodes)
                continue
            cut = self._cut(first, last, indent)
            if cut is not None and resplits > 0:
                rest = _Block(self.text(cut))
                more, found = rest.by_statement(resplits - 1)
                module = ast.Module(body=more, type_ignores=[])
                ast.increment_lineno(module, cut)
                body.extend(module.body)
                problems += [Problem(p.line + cut, p.column, p.message, p.intended) for p in found]
                break
        return body, problems

    def _statements(self) -> list[tuple[int, int]]:
        """Top-level statements as ranges of lines. A statement starts at a line that does
        not continue one (see ``continued``) and is indented no deeper than the statement
        before began, or deeper, after a simple statement (that is a mistake); ``else:``
        and the like stay with their compound statement, a ``def`` with its decorator."""
        out: list[tuple[int, int]] = []
        current: int | None = None
        indent = 0
        compound: bool | None = None  # None until the statement's first line is complete
        last_code = 0
        for index, line in enumerate(self.masked):
            if not line.strip():
                continue
            if self.continued[index]:
                last_code = index
                continue
            if current is not None and compound is None:
                ending = self.masked[last_code].rstrip()
                compound = ending.endswith(":") or self.masked[current].lstrip().startswith("@")
            this = _indent(line)
            if current is None:
                starts = True
            elif this > indent:
                starts = not compound
            else:
                decorated = self.masked[last_code].lstrip().startswith("@") and this == indent
                starts = not ((compound and _CONTINUES.match(line)) or decorated)
            if starts:
                if current is not None:
                    out.append((current, index))
                current, indent, compound = index, this, None
            last_code = index
        if current is not None:
            out.append((current, len(self.lines)))
        return out

    def _statement(
        self, first: int, last: int, indented: bool, problems: list[Problem]
    ) -> list[ast.stmt] | None:
        """A statement's nodes, with missing commas and a missing body put back, a clause
        shown alone given its statement and the entries of a dictionary read inside braces
        (each added to ``problems``); None, its first error added to ``problems``, when it
        does not parse."""
        attempt = _Attempt(_IF if indented else _NO_WRAP)
        clause = _CONTINUES.match(self.masked[first])
        if clause is not None:
            attempt.wrap = _clause(clause.group(1), _indent(self.masked[first]))
            keyword = clause.group(1)
            article = "an" if keyword[0] in "ae" else "a"
            message = f"{article} `{keyword}` clause without the statement it belongs to"
            problems.append(Problem(first + 1, _indent(self.masked[first]), message, True))
        original: Problem | None = None
        while True:
            wrap = attempt.wrap
            text = wrap.before + self.text(first, last) + attempt.suffix + wrap.after
            shift = first - wrap.before.count("\n")
            try:
                tree = parse(text)
            except PARSE_ERRORS as exc:
                problem = _problem(exc, text, shift)
                original = original or problem
                if isinstance(exc, SyntaxError) and self._repair(
                    exc, problem, attempt, shift, first, last, problems
                ):
                    continue
                problems.append(original)
                return None
            if attempt.commas:
                assert original is not None
                problems.append(original)
            module = ast.Module(body=wrap.unwrap(tree), type_ignores=[])
            ast.increment_lineno(module, shift)
            return module.body

    def _repair(
        self,
        exc: SyntaxError,
        problem: Problem,
        attempt: _Attempt,
        shift: int,
        first: int,
        last: int,
        problems: list[Problem],
    ) -> bool:
        """Make the next attempt at a statement that failed with ``exc``; False when there is
        nothing more to try."""
        message = problem.message
        if (
            _FORGOT_COMMA in message
            and attempt.commas < _MAX_COMMAS
            and self._put_comma(exc, shift, first, last)
        ):
            attempt.commas += 1
            return True
        if (
            message == _ANNOTATION
            and attempt.wrap is not _ENTRIES
            and self.masked[first].lstrip().startswith(('"', "'"))
        ):
            attempt.wrap = _ENTRIES  # ``"key": value``: the inside of a dictionary
            message = "the entries of a dictionary, shown alone"
            problems.append(Problem(first + 1, 0, message, True))
            return True
        header = _header_line(message, shift)
        if (
            message.startswith(_NO_BODY)
            and not attempt.suffix
            and header is not None
            and all(not line.strip() for line in self.masked[header + 1 : last])
        ):
            attempt.suffix = "\n" + " " * (_indent(self.masked[header]) + 1) + "pass"
            problems.append(Problem(header + 1, 0, "a header whose body is left out", True))
            return True
        if (
            message.startswith(_NO_BODY)
            and header is not None
            and attempt.bodies < _MAX_COMMAS
            and self._pass_after_header(header, last)
        ):
            # ``try:`` / ``except ...:`` whose branch holds only a comment: ``try: pass``
            attempt.bodies += 1
            problems.append(Problem(header + 1, 0, "a header whose body is left out", True))
            return True
        if (
            message.startswith(_NO_HANDLER)
            and _HANDLER_ADDED not in attempt.suffix
            and self.masked[first].strip() == "try:"
            and all(line.strip() in _NO_CODE for line in self.masked[first + 1 : last])
        ):
            # a ``try:`` shown alone, its body only a comment or ``...``: the idiom in prose
            attempt.suffix += "\n" + " " * _indent(self.masked[first]) + _HANDLER_ADDED
            message = "a `try` shown without its `except` or `finally`"
            problems.append(Problem(first + 1, _indent(self.masked[first]), message, True))
            return True
        return False

    def _pass_after_header(self, header: int, last: int) -> bool:
        """Give the header on line ``header`` a one-line body (`` pass`` after its colon) when
        the next line of code is not indented under it (its body is only comments); False
        when that is not the case."""
        code = self.masked[header].rstrip()
        if not code.endswith(":"):
            return False
        following = next((i for i in range(header + 1, last) if self.masked[i].strip()), None)
        if following is None or _indent(self.masked[following]) > _indent(code):
            return False
        self._replace(header, len(code), 0, " pass")
        return True

    def _put_comma(self, exc: SyntaxError, shift: int, first: int, last: int) -> bool:
        """Put back the comma Python says is missing between two elements: after the last
        token of the line before the second one, or, on one line, in place of the space
        before a keyword's name (``a=1 b=2``)."""
        start = (exc.lineno or 0) + shift - 1
        end = (exc.end_lineno or 0) + shift - 1
        if not first <= start <= end < last:
            return False
        if start == end:
            code = self.masked[end]
            name_end = min(max((exc.end_offset or 0) - 1, 0), len(code))
            name_start = name_end
            while name_start > 0 and (
                code[name_start - 1].isalnum() or code[name_start - 1] == "_"
            ):
                name_start -= 1
            after = code[name_end:].lstrip()
            if name_start == name_end or name_start < 2 or not after.startswith("="):
                return False
            if code[name_start - 1] not in " \t" or code[name_start - 2] in " \t,(":
                return False
            self._replace(end, name_start - 1, 1, ",")
            return True
        for line in range(end - 1, start - 1, -1):
            code = self.masked[line].rstrip()
            if not code:
                continue
            if code[-1] in ",([{\\":
                return False
            self._append_comma(line)
            return True
        return False

    def _cut(self, first: int, last: int, indent: int) -> int | None:
        """Where to read on after a statement that does not parse: the next line in it
        indented no deeper than it, brackets or not (a bracket never closed swallows the
        statements after it), that does not close a bracket or continue a compound one."""
        for index in range(first + 1, last):
            line = self.masked[index]
            stripped = line.strip()
            if (
                stripped
                and _indent(line) <= indent
                and stripped[0] not in ")]}"
                and not _CONTINUES.match(line)
            ):
                return index
        return None


@dataclass(frozen=True)
class _Wrap:
    """Whole lines of text around a statement that make it parse alone (so its columns stay
    as they are), and how to take its nodes back out."""

    before: str
    after: str
    inside_if: bool  # the statement is the body of an ``if 1:`` (it is indented)
    clause: bool  # a ``try:`` or ``if 1:`` was opened for the clause it starts with

    def unwrap(self, tree: ast.Module) -> list[ast.stmt]:
        nodes = tree.body
        if self.inside_if:
            wrapper = nodes[0]
            assert isinstance(wrapper, ast.If)
            nodes = wrapper.body
        if not self.clause:
            return nodes
        opened = nodes[0]
        if isinstance(opened, ast.Try | ast.TryStar):
            return [
                *(stmt for handler in opened.handlers for stmt in handler.body),
                *opened.orelse,
                *opened.finalbody,
            ]
        assert isinstance(opened, ast.If)
        return opened.orelse


@dataclass
class _Attempt:
    """How a statement is being parsed: what it is wrapped in, the body added after it, and
    how many commas were put back so far."""

    wrap: _Wrap
    suffix: str = ""
    commas: int = 0
    #: How many headers were given a `` pass`` body.
    bodies: int = 0


#: The handler put after a ``try:`` shown alone.
_HANDLER_ADDED = "finally: pass"
_NO_WRAP = _Wrap("", "", False, False)
_IF = _Wrap("if 1:\n", "", True, False)  # an indented statement, as in a body
_ENTRIES = _Wrap("{\n", "\n}", False, False)


def _clause(keyword: str, indent: int) -> _Wrap:
    """``except ...:``, ``else:`` ... shown without the statement they belong to: open one."""
    pad = " " * indent
    opener = "try:" if keyword in ("except", "finally") else "if 1:"
    before = ("if 1:\n" if indent else "") + f"{pad}{opener}\n{pad} pass\n"
    return _Wrap(before, "", indent > 0, True)


def _blank(match: re.Match[str]) -> str:
    text = match.group()
    if text.startswith("#"):
        return " " * len(text)
    quote = 3 if text[:3] in ('"""', "'''") else 1
    closed = len(text) >= 2 * quote and text.endswith(text[:quote])
    body_end = len(text) - quote if closed else len(text)
    return text[:quote] + _NOT_NEWLINE.sub(" ", text[quote:body_end]) + text[body_end:]


def _count(line: str, chars: str) -> int:
    return sum(line.count(char) for char in chars)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _at(text: str, index: int) -> str:
    return text[index] if index < len(text) else "\n"


def _ends_value(char: str) -> bool:
    return char.isalnum() or char in "_\"')]}"


def _holds_arguments(masked: str, opener: int) -> bool:
    """Is the bracket at ``opener`` a call's (after a name that is not a keyword, or after a
    closing bracket) or a dictionary's?"""
    if masked[opener] == "{":
        return True
    if masked[opener] != "(":
        return False
    head = masked[masked.rfind("\n", 0, opener) + 1 : opener].rstrip()
    if head.endswith((")", "]")):
        return True
    name = _NAME_BEFORE.search(head)
    return name is not None and not iskeyword(name.group(1))


def _code_before(masked: str, offset: int) -> int:
    """Index of the last character of code before ``offset`` (there is one: a bracket)."""
    index = offset - 1
    while index > 0 and masked[index] in " \t\n\\":
        index -= 1
    return index


def _code_after(masked: str, offset: int, newlines: bool) -> int:
    """Index of the next character of code from ``offset`` (a line break counts as code
    unless ``newlines``); the text's length at its end, where the lookup gives a newline."""
    skip = " \t\n\\" if newlines else " \t\\"
    index = offset
    while index < len(masked) and masked[index] in skip:
        index += 1
    return index


def _header_line(message: str, shift: int) -> int | None:
    """The 0-based block line of the header an "expected an indented block" message names."""
    match = _HEADER_LINE.search(message)
    return int(match.group(1)) + shift - 1 if match else None
