#!/usr/bin/env bash
# Template test script for `git bisect run`.
#
#   git bisect run path/to/bisect-check.sh
#
# Exit codes understood by git bisect run:
#   0        -> this commit is good (old)
#   1..127   -> this commit is bad (new), except 125
#   125      -> cannot test this commit: skip it
#   >127     -> abort the whole bisect (so never let a crash leak out as 128+)
#
# Edit BUILD and TEST below. Keep this file OUTSIDE the repository (or untracked),
# otherwise checking out old commits may remove or change it mid-bisect.

set -u

BUILD=${BISECT_BUILD:-"true"}                       # e.g. "make -j8" or "pip install -e . -q"
TEST=${BISECT_TEST:-"python -m pytest -x -q tests/test_regression.py"}
TIMEOUT=${BISECT_TIMEOUT:-600}                      # seconds; a hang counts as "skip"

# 1. Build. A commit that does not build tells us nothing about the bug: skip it.
if ! bash -c "$BUILD" >/dev/null 2>&1; then
    echo "bisect-check: build failed -> skip" >&2
    exit 125
fi

# 2. Run the test that reproduces the regression, with a time limit.
timeout "$TIMEOUT" bash -c "$TEST"
status=$?

if [ "$status" -eq 0 ]; then
    exit 0                                          # good
elif [ "$status" -eq 124 ]; then
    echo "bisect-check: timed out -> skip" >&2      # `timeout` returns 124 on expiry
    exit 125
elif [ "$status" -eq 125 ] || [ "$status" -gt 127 ]; then
    echo "bisect-check: test exited $status (signal/crash) -> counted as bad" >&2
    exit 1                                          # map to "bad" instead of aborting
else
    exit 1                                          # bad
fi
