"""What the snippet checker costs on a tree of documents: ``check_text`` on every Markdown file.

``.venv/bin/python benchmarks/snippet_speed.py TREE [--repeat N] [--checker-path OTHER/plugins]``

TREE is a folder of Markdown (``benchmarks/generate.py 1000 TREE --seed 1``
writes 2,671 documents with TRL snippets). The texts are read and the
signatures and the history loaded before the clock starts; then every document
is checked, as one lint run without a cache does (the first pass: "cold", what
a run pays, tables built on first use included), and again ``--repeat`` times
("warm": the best of them). Printed with the number of documents and findings.
``--checker-path`` times another checkout's checker (its ``plugins`` folder)
on the same texts, to compare with a before; ``--profile`` prints where the
time of one run goes instead (cProfile, the 25 most expensive functions).
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import pstats
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checker-path", type=Path, help="a checkout's plugins folder")
    parser.add_argument("--profile", action="store_true", help="cProfile one run")
    parser.add_argument("--sort", default="cumulative", help="the profile's order")
    args = parser.parse_args(argv)
    if args.checker_path:
        sys.path.insert(0, str(args.checker_path))
    from skillshelf.trl import signatures, snippets

    texts = [path.read_text(encoding="utf-8") for path in sorted(args.tree.rglob("*.md"))]
    options = {"signatures": signatures.load()}
    if "history" in inspect.signature(snippets.check_text).parameters:
        from skillshelf.trl import history

        options["history"] = history.load()

    def run() -> int:
        return sum(len(snippets.check_text(text, **options)) for text in texts)

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run)
        pstats.Stats(profile).sort_stats(args.sort).print_stats(25)
        return 0
    start = time.perf_counter()
    found = run()
    cold = time.perf_counter() - start
    best = float("inf")
    for _ in range(max(args.repeat, 1)):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(
        f"{snippets.__file__}: {len(texts)} documents, {found} findings; "
        f"cold {cold:.3f} s, warm (best of {args.repeat}) {best:.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
