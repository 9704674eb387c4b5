"""skillshelf: lint, publish and keep healthy a library of agent skills."""

from __future__ import annotations


def version() -> str:
    """The installed distribution's version (``pyproject.toml``'s, once installed)."""
    # Imported here: importlib.metadata costs a one-file hook run more than its lint.
    from importlib import metadata

    try:
        return metadata.version("skillshelf")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
