"""``skillshelf export OUTDIR``: the command line side of :mod:`skillshelf.site.export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from skillshelf.exit_codes import EXIT_CLEAN, EXIT_ERROR


def register_cli(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the site as a plain docs folder plus mkdocs.yml, buildable without the plugin",
        description=(
            "Write every page the skillshelf MkDocs plugin generates (skill, reference, "
            "category and catalog pages, bundled files, skills.json, llms.txt, redirects) "
            "into OUTDIR/docs, with OUTDIR/mkdocs.yml holding a static nav and no skillshelf "
            "plugin, so plain 'mkdocs build' (or another engine) builds the same site."
        ),
    )
    parser.add_argument("outdir", type=Path, help="folder to create (must be empty or missing)")
    parser.add_argument(
        "--config-file",
        "-f",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the site's MkDocs configuration (default: ./mkdocs.yml)",
    )
    parser.add_argument(
        "--no-git", action="store_true", help="take moves from skills/.moves.yml only"
    )
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    # Imported when asked for: the site planner (pygments among others) costs every
    # 'skillshelf lint' and pre-commit hook ~30 ms of start-up otherwise (-X importtime).
    from skillshelf.site.export import ExportError, export_site

    try:
        result = export_site(args.outdir, mkdocs_file=args.config_file, git_moves=not args.no_git)
    except ExportError as error:
        print(f"skillshelf: export: {error}", file=sys.stderr)
        return EXIT_ERROR
    for problem in result.problems:
        print(f"skillshelf: export: {problem}", file=sys.stderr)
    print(
        f"exported {result.pages} pages and {result.files} files to {result.out_dir}; "
        f"build with: mkdocs build -f {result.out_dir / 'mkdocs.yml'}"
    )
    return EXIT_CLEAN
