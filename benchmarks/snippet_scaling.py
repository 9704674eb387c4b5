"""How the snippet checker's cost grows with one document's size.

``.venv/bin/python benchmarks/snippet_scaling.py [--sizes 1000,4000,16000,65000]``

For each size N, three documents are checked by ``check_text`` in a fresh
process (so peak RSS is that document's alone): one ``python`` block of N
one-line ``DPOConfig(...)`` calls (the shape that used to be quadratic:
65,000 calls, 975 KB, took 759 s and 355 MB), N blocks of one call each, and
one block of N calls spread over ``dict`` literals passed as ``**kwargs``.
Printed per document: wall time of the check (import and data loading
excluded, reported apart), peak RSS of the process, findings, and the time
per call, which stays flat when the cost is linear. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SHAPES = {
    "one block, N calls": "one_block",
    "N blocks, one call each": "many_blocks",
    "one block, N **kwargs dicts": "kwargs_dicts",
}

CHILD = r"""
import json, resource, sys, time
started = time.perf_counter()
from skillshelf.trl.snippets import check_text
from skillshelf.trl.signatures import load
load()
loaded = time.perf_counter() - started
shape, size = sys.argv[1], int(sys.argv[2])
fence = "`" * 3
if shape == "one_block":
    text = fence + "python\nfrom trl import DPOConfig\n" + "DPOConfig(a=1)\n" * size + fence + "\n"
elif shape == "many_blocks":
    one = fence + "python\nfrom trl import DPOConfig\nDPOConfig(a=1)\n" + fence + "\n\n"
    text = one * size
else:
    lines = [f"kw{i} = dict(beta=0.1, a=1)\nDPOConfig(**kw{i})\n" for i in range(size // 2)]
    text = fence + "python\nfrom trl import DPOConfig\n" + "".join(lines) + fence + "\n"
started = time.perf_counter()
issues = check_text(text)
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"bytes": len(text.encode()), "seconds": seconds, "load": loaded,
                  "peak_mib": peak_kib / 1024, "findings": len(issues)}))
"""


def measure(shape: str, size: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, shape, str(size)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,4000,16000,65000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'document':<28} {'calls':>7} {'KB':>7} {'check s':>8} {'us/call':>8} "
        f"{'peak MiB':>9} {'findings':>8}"
    )
    for label, shape in SHAPES.items():
        for size in sizes:
            r = measure(shape, size)
            print(
                f"{label:<28} {size:>7} {r['bytes'] / 1000:>7.0f} {r['seconds']:>8.2f} "
                f"{r['seconds'] / size * 1e6:>8.1f} {r['peak_mib']:>9.0f} {r['findings']:>8.0f}"
            )
    print(f"(import and loading the signatures, per process: {r['load']:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
