"""What the exit status of a ``skillshelf`` command means (every sub-command's)."""

from __future__ import annotations

#: Nothing found, or only ``info`` findings.
EXIT_CLEAN = 0
#: Findings at warning or error level.
EXIT_FINDINGS = 1
#: A usage error (a bad option, configuration or path) or an internal error.
EXIT_ERROR = 2
#: Stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
