"""skillshelf: lint, publish and keep healthy a library of agent skills."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    """The installed distribution's version (``pyproject.toml``'s, once installed)."""
    try:
        return metadata.version("skillshelf")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
