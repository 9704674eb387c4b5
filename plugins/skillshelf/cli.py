"""``skillshelf``: the command line.

Exit codes (:mod:`skillshelf.exit_codes`): 0 no findings (or only ``info``),
1 findings at warning or error level, 2 usage or internal error, 130 stopped
with Ctrl-C. Tracebacks are never shown unless ``SKILLSHELF_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from skillshelf import cache_folder, export, init, report, version
from skillshelf.config import STYLES, ConfigError, load_config
from skillshelf.diagnostics import Diagnostic, Severity
from skillshelf.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED
from skillshelf.fixes import apply_fixes
from skillshelf.lint import LintResult, check_rule_ids, lint
from skillshelf.rules import all_rules
from skillshelf.rules.base import Rule
from skillshelf.suggest import did_you_mean
from skillshelf.trl import cli as trl_cli

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

#: Sub-commands that live with what they drive: each adds its parser.
SUBCOMMANDS: tuple[Callable[[Subparsers], None], ...] = (
    trl_cli.register_cli,
    export.register_cli,
    init.register_cli,
)


class _VersionAction(argparse.Action):
    """``--version``, looking the version up only when asked (``action="version"``
    needs the text when the parser is built, and importlib.metadata is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        help = "show the version and exit"
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"skillshelf {version()}")
        parser.exit()


def _build_parser() -> tuple[argparse.ArgumentParser, Mapping[str, argparse.ArgumentParser]]:
    """The parser, and each sub-command's own (whose usage its errors show)."""
    fixable = ", ".join(rule.id for rule in all_rules() if rule.fixable)
    parser = argparse.ArgumentParser(
        prog="skillshelf", description="Keep a library of agent skills healthy."
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lint_parser = sub.add_parser(
        "lint",
        help="check the skills tree",
        description="Check SKILL.md and DESCRIPTION.md files, the category tree, links "
        "and code snippets.",
        epilog=f"--fix applies only safe, mechanical fixes, for: {fixable}. "
        "YAML is round-tripped with comments and key order preserved; nothing else is rewritten.",
    )
    lint_parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or folders of the skills tree to report on (default: the whole tree); "
        "put them after '--' when a name could start with '-'",
    )
    lint_parser.add_argument(
        "--ignore-outside-root",
        action="store_true",
        help="leave out given paths that lie outside the skills root instead of refusing them "
        "(for pre-commit, which passes every changed file of the repository)",
    )
    lint_parser.add_argument(
        "--format", choices=tuple(report.FORMATS), default="text", help="output format"
    )
    lint_parser.add_argument(
        "--fix", action="store_true", help="apply safe fixes, then report what remains"
    )
    lint_parser.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings each rule has instead of the findings "
        f"(formats: {', '.join(report.STATISTICS)})",
    )
    lint_parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings (usage and internal errors still exit 2)",
    )
    lint_parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print the findings only: no summary line and nothing at all when clean",
    )
    lint_parser.add_argument("--config", type=Path, help="skillshelf.toml or pyproject.toml to use")
    lint_parser.add_argument(
        "--root", type=Path, help="skills tree to check (overrides the configuration)"
    )
    lint_parser.add_argument(
        "--style", choices=STYLES, help="frontmatter style (overrides the configuration)"
    )
    lint_parser.add_argument(
        "--select", metavar="RULES", help="comma-separated rule ids to run (default: all enabled)"
    )
    lint_parser.add_argument("--no-color", action="store_true", help="never colour the text output")
    lint_parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file afresh; neither read nor write the scan cache (~/.cache/skillshelf)",
    )
    lint_parser.set_defaults(handler=_lint)

    rules = sub.add_parser(
        "rules",
        help="list every rule with its id, default severity and summary",
        description="List every rule, or explain one: what it does, why, an example "
        "that trips it and what to write instead.",
    )
    rules.add_argument("--explain", metavar="ID", help="print the documentation of rule ID")
    rules.set_defaults(handler=_rules)

    for register in SUBCOMMANDS:
        register(sub)
    return parser, sub.choices


def _lint(args: argparse.Namespace) -> int:
    if args.statistics and args.format not in report.STATISTICS:
        print(
            f"skillshelf: --statistics is written as {' or '.join(report.STATISTICS)}, "
            f"not {args.format}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    config = load_config(config_file=args.config, root=args.root.resolve() if args.root else None)
    if args.style:
        config = replace(config, style=args.style)
    check_rule_ids(config)
    if not config.root.is_dir():
        print(f"skillshelf: skills root {config.root} is not a folder", file=sys.stderr)
        return EXIT_ERROR
    paths, problem = _paths_in_tree(
        args.paths, config.root_dirs, ignore_outside=args.ignore_outside_root
    )
    if problem:
        print(f"skillshelf: {problem}", file=sys.stderr)
        return EXIT_ERROR
    if args.paths and not paths:  # only files outside the tree changed: nothing to report
        _write_report([], args, colour=False)
        return EXIT_CLEAN
    select = [s.strip() for s in args.select.split(",") if s.strip()] if args.select else None
    if select:
        unknown = sorted(set(select) - {rule.id for rule in all_rules()})
        if unknown:
            print(
                f"skillshelf: unknown rule id(s): {', '.join(unknown)} (see 'skillshelf rules')",
                file=sys.stderr,
            )
            return EXIT_ERROR

    use_cache = not args.no_cache
    if use_cache:  # told here, once, though a --fix run lints twice
        refused = cache_folder.refusal(cache_folder.own_folder())
        if refused is not None:
            if not args.quiet:
                print(f"skillshelf: info: not using the scan cache: {refused}", file=sys.stderr)
            use_cache = False

    def run() -> LintResult:
        return lint(
            config,
            paths,
            select=select,
            use_cache=use_cache,
            parallel=True,
            one_shot=True,
        )

    result = run()
    unwritten = False
    if args.fix:
        outcome = apply_fixes([d.fix for d in result.diagnostics if d.fix is not None], config.root)
        lines = outcome.lines(report.display_path)
        for line in lines[len(lines) - len(outcome.failed) :] if args.quiet else lines:
            print(line, file=sys.stderr)  # quiet: only the files that could not be written
        unwritten = bool(outcome.failed)
        if outcome.fixed:
            result = run()
    colour = args.format == "text" and not args.no_color and report.use_colour(sys.stdout.isatty())
    _write_report(result.diagnostics, args, colour=colour)
    if unwritten:  # asked to write and could not: an error, whatever the findings
        return EXIT_ERROR
    failing = any(d.severity.at_least(Severity.WARNING) for d in result.diagnostics)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_CLEAN


def _write_report(
    diagnostics: Sequence[Diagnostic], args: argparse.Namespace, *, colour: bool
) -> None:
    if args.statistics:
        text = report.STATISTICS[args.format](diagnostics, quiet=args.quiet)
    else:
        text = report.render(diagnostics, args.format, colour=colour, quiet=args.quiet)
    sys.stdout.write(text)


def _paths_in_tree(
    given: Sequence[Path], root_dirs: Sequence[Path], *, ignore_outside: bool
) -> tuple[list[Path], str | None]:
    """The given paths that lie in the skills tree, or why the command line is wrong.

    A path that does not exist is a mistake (a typo must not make CI green); so
    is a path outside the tree, unless ``ignore_outside`` (pre-commit hands
    over README.md and the rest of the repository too).
    """
    kept: list[Path] = []
    roots = {os.path.abspath(r) for r in root_dirs} | {os.path.realpath(r) for r in root_dirs}
    for path in given:
        shown = report.printable(str(path), control=True)
        if not os.path.lexists(path):
            return [], f"{shown}: no such file or folder"
        absolute = os.path.abspath(path)
        if any(absolute == top or absolute.startswith(top + os.sep) for top in roots):
            kept.append(path)
        elif not ignore_outside:
            where = report.printable(", ".join(str(r) for r in root_dirs), control=True)
            noun = "roots" if len(root_dirs) > 1 else "root"
            return [], f"{shown} is outside the skills {noun} {where}: nothing there is checked"
    return kept, None


def _rules(args: argparse.Namespace) -> int:
    rules = {rule.id: rule for rule in all_rules()}
    if args.explain is not None:
        explained = rules.get(args.explain)
        if explained is None:
            shown = report.printable(args.explain, control=True)
            suffix = did_you_mean(args.explain, rules)
            print(f"skillshelf: unknown rule {shown!r}{suffix}", file=sys.stderr)
            return EXIT_ERROR
        sys.stdout.write(explanation(explained))
        return EXIT_CLEAN
    for rule in rules.values():
        fix = " (fixable)" if rule.fixable else ""
        print(f"{rule.id:26} {rule.severity.value:8} {rule.summary}{fix}")
    return EXIT_CLEAN


def explanation(rule: Rule) -> str:
    """What ``skillshelf rules --explain`` prints: the id, its default severity, the
    summary and the rule's documentation (Markdown, readable as it is)."""
    facts = [f"default severity: {rule.severity.value}"]
    if rule.fixable:
        facts.append("fixable with --fix")
    if rule.styles != frozenset(STYLES):
        facts.append(f"style: {', '.join(sorted(rule.styles))} only")
    return f"# {rule.id}\n\n{rule.summary}\n\n({'; '.join(facts)})\n\n{rule.docs}\n"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser, subparsers = _build_parser()
        arguments = list(sys.argv[1:] if argv is None else argv)
        # Everything after the first "--" is a path, whatever it looks like (a
        # file named --fix must not switch --fix on); split here rather than
        # rely on how each Python's argparse treats "--" below a sub-command.
        tail: list[str] = []
        if "--" in arguments:
            cut = arguments.index("--")
            arguments, tail = arguments[:cut], arguments[cut + 1 :]
        args, unknown = parser.parse_known_args(arguments)
        if unknown:  # told with the sub-command's own usage, not the top-level one
            subparsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
        if tail:
            if not hasattr(args, "paths"):
                parser.error(f"{args.command} takes no paths")
            args.paths = [*args.paths, *map(Path, tail)]
        code: int = args.handler(args)
        return code
    except ConfigError as error:
        print(f"skillshelf: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: never a traceback for users
        if os.environ.get("SKILLSHELF_DEBUG"):
            raise
        print(f"skillshelf: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        print(
            "skillshelf: set SKILLSHELF_DEBUG=1 to see the traceback and please report it",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
