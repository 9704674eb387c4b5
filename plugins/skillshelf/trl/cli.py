"""``skillshelf signatures``: regenerate or check ``schemas/trl-signatures.json``."""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
import time
from pathlib import Path

from skillshelf.trl.datafile import dumps
from skillshelf.trl.extract import build, required_wheels
from skillshelf.trl.signatures import SOURCE_PATH
from skillshelf.trl.wheels import ExtractError, download

_MAX_DIFF_LINES = 400


def register_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``signatures`` sub-command to the main ``skillshelf`` parser."""
    parser = subparsers.add_parser(
        "signatures",
        help="regenerate (or --check) schemas/trl-signatures.json from released wheels",
        description=(
            "Download the trl, transformers and peft wheels the data file covers "
            "(pip download --no-deps), read their sources without importing them and "
            "write the config signatures, loss types and argument rules to "
            "schemas/trl-signatures.json. With --check, compare instead of writing."
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 with a unified diff if the committed file is not what the wheels give",
    )
    parser.add_argument(
        "--wheels",
        type=Path,
        metavar="DIR",
        help="keep downloaded wheels in DIR (reused when present) instead of a temporary folder",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help=f"data file to write or check (default: {_default_output()})",
    )
    parser.set_defaults(handler=run)


def _default_output() -> Path:
    if SOURCE_PATH.parent.is_dir():
        return SOURCE_PATH
    return Path("schemas") / SOURCE_PATH.name


def generate(wheels: Path | None) -> str:
    """The data file's text, from wheels in ``wheels`` (downloaded when missing)."""
    if wheels is not None:
        download(wheels, required_wheels())
        return dumps(build(wheels))
    with tempfile.TemporaryDirectory(prefix="skillshelf-wheels-") as tmp:
        download(Path(tmp), required_wheels())
        return dumps(build(Path(tmp)))


def run(args: argparse.Namespace) -> int:
    output: Path = args.output or _default_output()
    started = time.monotonic()
    try:
        text = generate(args.wheels)
    except ExtractError as exc:
        print(f"skillshelf signatures: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"skillshelf signatures: {exc}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    if args.check:
        try:
            current = output.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = ""
        except OSError as exc:
            print(f"skillshelf signatures: cannot read {output}: {exc}", file=sys.stderr)
            return 2
        if current == text:
            print(f"{output}: up to date ({elapsed:.0f}s)")
            return 0
        diff = list(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{output} (committed)",
                tofile=f"{output} (from the wheels)",
            )
        )
        sys.stdout.writelines(diff[:_MAX_DIFF_LINES])
        if len(diff) > _MAX_DIFF_LINES:
            print(f"... {len(diff) - _MAX_DIFF_LINES} more diff lines")
        print(
            f"{output} is out of date: run `skillshelf signatures` and commit the result",
            file=sys.stderr,
        )
        return 1
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"skillshelf signatures: cannot write {output}: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {output} ({len(text) // 1024} KiB, {elapsed:.0f}s)")
    return 0
