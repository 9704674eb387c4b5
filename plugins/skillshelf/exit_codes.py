"""What the exit status of a ``skillshelf`` command means (every sub-command's)."""

from __future__ import annotations

#: Nothing found, or only ``info`` findings (``signatures``: written, or up to date).
EXIT_CLEAN = 0
#: Findings at warning or error level (``signatures --check``: a data file out of date).
EXIT_FINDINGS = 1
#: A usage error (a bad option, configuration or path) or an internal error
#: (``signatures``: the wheels could not be fetched or read, a file not read or written).
EXIT_ERROR = 2
#: Stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
