"""``skillshelf signatures``: regenerate or check the TRL signatures and the API history.

Wheels come from the package index (its JSON simple API gives each file's
sha256) into a cache outside the repository, one folder per published hash;
what each release's extraction gave is kept there too (:mod:`~skillshelf.trl.memo`),
so a repeated check reads no wheel. An index that cannot be reached fails the
command (exit 2): a check that could not look never passes.

Exit codes (:mod:`skillshelf.exit_codes`): 0 written, or ``--check`` found both
files up to date; 1 ``--check`` found a file out of date; 2 the wheels could not
be fetched or read, a file could not be read or written, a usage error, or
``--check`` with neither data file stored (nothing to compare).
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from skillshelf.cache_folder import opened, own_folder
from skillshelf.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from skillshelf.trl.history import SOURCE_PATH as HISTORY_PATH
from skillshelf.trl.signatures import SOURCE_PATH

_MAX_DIFF_LINES = 400


def register_cli(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``signatures`` sub-command to the main ``skillshelf`` parser."""
    parser = subparsers.add_parser(
        "signatures",
        help="regenerate (or --check) schemas/trl-signatures.json and schemas/api-history.json",
        description=(
            "Fetch the trl, transformers and peft wheels the data files cover (checked "
            "against the sha256 the index publishes), read their sources without "
            "importing them and write the config signatures, loss types and argument "
            "rules (schemas/trl-signatures.json) and when each class, import path and "
            "keyword existed (schemas/api-history.json). With --check, compare instead "
            "of writing."
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 with a unified diff if a committed file is not what the wheels give",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="keep wheels and extraction results in DIR "
        "(default: the user cache, $SKILLSHELF_CACHE_DIR or ~/.cache/skillshelf)",
    )
    parser.add_argument(
        "--schemas",
        type=Path,
        metavar="DIR",
        help=f"folder of the data files to write or check (default: {_default_schemas()})",
    )
    parser.set_defaults(handler=run)


def _default_schemas() -> Path:
    if SOURCE_PATH.parent.is_dir():
        return SOURCE_PATH.parent
    return Path("schemas")


@dataclass(frozen=True)
class Generated:
    signatures: str
    history: str
    wheels: int
    memo_hits: int
    memo_misses: int


def generate(cache: Path) -> Generated:
    """Both data files' text, from the wheels (fetched into ``cache`` when missing)."""
    # Imported here: every run of the command line registers this command, and
    # extracting (urllib, zipfile, packaging, the symbolic executor) is a third
    # of a one-file hook's start-up that only this command needs.
    from skillshelf.trl.datafile import dumps
    from skillshelf.trl.extract import build, build_history, required_wheels
    from skillshelf.trl.memo import Memo
    from skillshelf.trl.wheels import fetch, prune

    wheel_cache = cache / "wheels"
    wheels = fetch(required_wheels(), wheel_cache)
    memo = Memo(cache / "extracted")
    signatures = dumps(build(wheels, wheel_cache, memo))
    history = dumps(build_history(wheels, wheel_cache, memo))
    prune(wheel_cache, wheels.values())
    memo.keep_only_used()
    return Generated(signatures, history, len(wheels), memo.hits, memo.misses)


def _default_cache() -> Path:
    """``signatures/`` in skillshelf's own cache folder (made and tagged if new, and
    vetted like the scan cache's: never a folder someone else owns or can write)."""
    own = own_folder()
    with opened(own, create=True):
        pass
    return own / "signatures"


def run(args: argparse.Namespace) -> int:
    schemas: Path = args.schemas or _default_schemas()
    stored = [schemas / SOURCE_PATH.name, schemas / HISTORY_PATH.name]
    if args.check and not any(path.exists() for path in stored):
        # Outside this repository (an installed skillshelf, a skills library) there is
        # nothing to compare: say so at once instead of fetching 500 MB to diff with "".
        print(
            f"skillshelf signatures: nothing to compare: no {stored[0].name} or "
            f"{stored[1].name} in {schemas} (run it in skillshelf's own repository, "
            "or point --schemas at the folder holding them)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from skillshelf.trl.wheels import ExtractError  # see generate()

    started = time.monotonic()
    try:
        cache: Path = args.cache or _default_cache()
        generated = generate(cache)
    except (ExtractError, OSError) as exc:
        print(f"skillshelf signatures: {exc}", file=sys.stderr)
        return EXIT_ERROR
    elapsed = time.monotonic() - started
    outputs = {
        schemas / SOURCE_PATH.name: generated.signatures,
        schemas / HISTORY_PATH.name: generated.history,
    }
    how = (
        f"{elapsed:.0f}s; {generated.wheels} wheels; releases extracted "
        f"{generated.memo_misses}, reused {generated.memo_hits}"
    )
    if args.check:
        return _check(outputs, how)
    for path, text in outputs.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"skillshelf signatures: cannot write {path}: {exc}", file=sys.stderr)
            return EXIT_ERROR
        print(f"wrote {path} ({len(text) // 1024} KiB)")
    print(f"({how})")
    return EXIT_CLEAN


def _check(outputs: dict[Path, str], how: str) -> int:
    stale: list[Path] = []
    for path, text in outputs.items():
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = ""
        except OSError as exc:
            print(f"skillshelf signatures: cannot read {path}: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if current == text:
            print(f"{path}: up to date")
            continue
        stale.append(path)
        diff = list(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path} (committed)",
                tofile=f"{path} (from the wheels)",
            )
        )
        sys.stdout.writelines(diff[:_MAX_DIFF_LINES])
        if len(diff) > _MAX_DIFF_LINES:
            print(f"... {len(diff) - _MAX_DIFF_LINES} more diff lines")
    print(f"({how})")
    if stale:
        names = ", ".join(str(p) for p in stale)
        print(
            f"{names} out of date: run `skillshelf signatures` and commit the result",
            file=sys.stderr,
        )
        return EXIT_FINDINGS  # a stale data file is what --check finds
    return EXIT_CLEAN
