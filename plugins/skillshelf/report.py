"""Output formats for diagnostics. Checking never formats; formatting never checks.

Each format is a pure function of the diagnostics, held in one table,
:data:`FORMATS`: the command line's ``--format`` choices come from it, and the
MkDocs plugin's log lines are the text format's lines (:func:`text_line`).
``--statistics`` (one line per rule id with its count) has its own table,
:data:`STATISTICS`, for the formats it makes sense in. The SARIF format also
describes each rule it reports, from the rules' own summary and documentation.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol
from urllib.parse import quote

from skillshelf import version
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.rules import all_rules

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Characters a terminal acts on instead of showing: C0 and C1 controls (a
#: newline forges a line of output, ESC starts a colour or cursor sequence),
#: DEL, line and paragraph separators, and the bidirectional controls that
#: reorder what is shown ("trojan source").
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED_CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, control: bool = False) -> str:
    """``text`` that any UTF-8 output accepts; with ``control``, that a terminal
    shows as it is.

    Python reads a file name that is not valid UTF-8 (``caf\\xe9``) with each
    bad byte as a lone surrogate, which a UTF-8 stream refuses to write (the
    lint stopped with an internal error) or writes as invalid UTF-8 (broken
    JSON). Each such byte is shown as ``\\xe9`` instead. With ``control``, a
    control character (a newline in a file name, an escape sequence) is shown
    escaped too (``\\n``, ``\\x1b``, ``\\u202e``): the text and GitHub formats
    are read on terminals and in logs; JSON keeps the name exact (its own
    escaping covers it).
    """
    text = _SURROGATE.sub(_escape_surrogate, text)
    return _CONTROL.sub(_escape_control, text) if control else text


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _escape_control(match: re.Match[str]) -> str:
    character = match.group()
    named = _NAMED_CONTROLS.get(character)
    if named:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def display_path(path: Path, base: Path | None = None, *, control: bool = False) -> str:
    """``path`` relative to ``base`` (default: cwd) when it lies below it."""
    base = base or Path.cwd()
    try:
        shown = Path(os.path.abspath(path)).relative_to(base).as_posix()
    except ValueError:
        shown = path.as_posix()
    return printable(shown, control=control)


def text_line(diagnostic: Diagnostic, base: Path | None = None, *, colour: bool = False) -> str:
    """``path:line:col: rule-id message``, safe to show on a terminal or in a log:
    the text format's lines and the MkDocs plugin's log lines."""
    d = diagnostic
    location = f"{display_path(d.path, base, control=True)}:{d.line}:{d.column}:"
    rule = d.rule
    if colour:
        location = f"\033[1m{location}\033[0m"
        rule = f"\033[{_COLOURS.get(d.severity, '0')}m{rule}\033[0m"
    return f"{location} {rule} {printable(d.message, control=True)}"


def found(diagnostics: Sequence[Diagnostic], severity: Severity) -> int:
    """How many findings of ``severity`` were found, shown or not (a line that
    stands for findings not shown counts as those)."""
    return sum(d.hidden or 1 for d in diagnostics if d.severity is severity)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """``3 errors, 1 warning (1 fixable with --fix)``: what was found, including
    what the output left out, which the last part counts."""
    if not diagnostics:
        return "no problems found"
    counts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = found(diagnostics, severity)
        if n:
            counts.append(f"{n:,} {severity.value}{'' if n == 1 else 's'}")
    fixable = sum(1 for d in diagnostics if d.fix is not None)
    tail = f" ({fixable:,} fixable with --fix)" if fixable else ""
    hidden = sum(d.hidden for d in diagnostics)
    if hidden:
        tail += f"; {hidden:,} of them not shown"
    return ", ".join(counts) + tail


def format_text(
    diagnostics: Sequence[Diagnostic], *, colour: bool = False, quiet: bool = False
) -> str:
    """One line per finding and the summary; ``quiet``: the findings only (nothing
    at all when there are none)."""
    lines = [text_line(d, colour=colour) for d in diagnostics]
    if not quiet:
        lines.append(summary(diagnostics))
    return "".join(line + "\n" for line in lines)


def to_json(diagnostics: Sequence[Diagnostic]) -> dict[str, object]:
    return {
        "version": 1,
        "diagnostics": [
            {
                "path": display_path(d.path),
                "line": d.line,
                "column": d.column,
                "rule": d.rule,
                "severity": d.severity.value,
                "message": printable(d.message),
                "fixable": d.fix is not None,
            }
            for d in diagnostics
        ],
        "summary": {s.value: found(diagnostics, s) for s in _COLOURS},
    }


def format_json(
    diagnostics: Sequence[Diagnostic], *, colour: bool = False, quiet: bool = False
) -> str:
    return json.dumps(to_json(diagnostics), indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(
    diagnostics: Sequence[Diagnostic], *, colour: bool = False, quiet: bool = False
) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = [
        f"::{level.get(d.severity, 'notice')} "
        f"file={_escape_property(display_path(d.path, control=True))},"
        f"line={d.line},col={d.column},title={_escape_property(d.rule)}::"
        f"{_escape_data(printable(d.message, control=True))}"
        for d in diagnostics
    ]
    return "".join(line + "\n" for line in lines)


#: SARIF's name for each severity (``note`` is its lowest).
_SARIF_LEVELS = MappingProxyType(
    {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
)
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://skillshelf.github.io/skillshelf/"


def _artifact_uri(path: Path) -> str:
    """The finding's file as a URI reference: relative to cwd (the checkout, for
    GitHub code scanning) when it lies below it, else a ``file:`` URI. Built from
    the name's bytes, so a name that is not UTF-8 keeps its exact bytes."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return absolute.as_uri()
    return quote(os.fsencode(relative.as_posix()), safe="/")


def to_sarif(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run: the rules reported, described from their own
    summary and documentation, and one result per finding."""
    rules = {rule.id: rule for rule in all_rules()}
    used = sorted({d.rule for d in diagnostics})
    index = {rule_id: position for position, rule_id in enumerate(used)}
    descriptors = []
    for rule_id in used:
        rule = rules.get(rule_id)
        descriptor: dict[str, Any] = {"id": rule_id}
        if rule is not None:
            descriptor |= {
                "shortDescription": {"text": rule.summary},
                "help": {"text": rule.docs, "markdown": rule.docs},
                "defaultConfiguration": {"level": _SARIF_LEVELS.get(rule.severity, "none")},
            }
        descriptors.append(descriptor)
    results = [
        {
            "ruleId": d.rule,
            "ruleIndex": index[d.rule],
            "level": _SARIF_LEVELS.get(d.severity, "none"),
            "message": {"text": printable(d.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _artifact_uri(d.path)},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
        }
        for d in diagnostics
    ]
    driver = {
        "name": "skillshelf",
        "version": version(),
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }


def format_sarif(
    diagnostics: Sequence[Diagnostic], *, colour: bool = False, quiet: bool = False
) -> str:
    """SARIF 2.1.0, as GitHub code scanning reads it (``upload-sarif``)."""
    return json.dumps(to_sarif(diagnostics), indent=2, ensure_ascii=False) + "\n"


class Format(Protocol):
    """A format: the whole output for the diagnostics (``colour`` only for terminals;
    ``quiet`` leaves out what is not a finding, where a format has such lines)."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], *, colour: bool = False, quiet: bool = False
    ) -> str: ...


FORMATS: Mapping[str, Format] = MappingProxyType(
    {"text": format_text, "json": format_json, "github": format_github, "sarif": format_sarif}
)


def render(
    diagnostics: Sequence[Diagnostic], fmt: str, *, colour: bool = False, quiet: bool = False
) -> str:
    return FORMATS[fmt](diagnostics, colour=colour, quiet=quiet)


@dataclass(frozen=True)
class RuleCount:
    """How often one rule was found (findings not shown included)."""

    rule: str
    severity: Severity
    count: int
    fixable: int


def statistics(diagnostics: Sequence[Diagnostic]) -> list[RuleCount]:
    """One count per rule id, most frequent first (then by id), as ``ruff --statistics``."""
    counts: dict[str, list[int]] = {}
    severities: dict[str, Severity] = {}
    for d in diagnostics:
        entry = counts.setdefault(d.rule, [0, 0])
        entry[0] += d.hidden or 1
        entry[1] += d.fix is not None
        severities[d.rule] = d.severity
    return sorted(
        (RuleCount(rule, severities[rule], n, fixable) for rule, (n, fixable) in counts.items()),
        key=lambda c: (-c.count, c.rule),
    )


def statistics_text(diagnostics: Sequence[Diagnostic], *, quiet: bool = False) -> str:
    """``12  broken-link  warning`` per rule (with how many ``--fix`` can fix), then
    the summary line unless ``quiet``."""
    counted = statistics(diagnostics)
    width = max((len(f"{c.count:,}") for c in counted), default=1)
    longest = max((len(c.rule) for c in counted), default=1)
    lines = [
        f"{c.count:>{width},}  {c.rule:<{longest}}  {c.severity.value}"
        + (f"  ({c.fixable:,} fixable with --fix)" if c.fixable else "")
        for c in counted
    ]
    if not quiet:
        lines.append(summary(diagnostics))
    return "".join(line + "\n" for line in lines)


def statistics_json(diagnostics: Sequence[Diagnostic], *, quiet: bool = False) -> str:
    payload = {
        "version": 1,
        "statistics": [
            {"rule": c.rule, "severity": c.severity.value, "count": c.count, "fixable": c.fixable}
            for c in statistics(diagnostics)
        ],
        "summary": {s.value: found(diagnostics, s) for s in _COLOURS},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


class StatisticsFormat(Protocol):
    def __call__(self, diagnostics: Sequence[Diagnostic], *, quiet: bool = False) -> str: ...


#: The formats ``--statistics`` can be written in.
STATISTICS: Mapping[str, StatisticsFormat] = MappingProxyType(
    {"text": statistics_text, "json": statistics_json}
)


def use_colour(
    stream_is_tty: bool, environ: dict[str, str] | os._Environ[str] = os.environ
) -> bool:
    """Colour on a terminal unless NO_COLOR is set to anything non-empty (no-color.org)."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stream_is_tty and environ.get("TERM") != "dumb"
