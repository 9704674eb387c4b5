"""Hypothesis settings for the robustness suite.

Profile ``ci`` is derandomized: every run explores the same examples, so a red
CI run reproduces locally with ``CI=1`` (or ``HYPOTHESIS_PROFILE=ci``), and it
keeps no example database. Outside CI the default profile explores new
examples on every run and remembers failures in ``.hypothesis/``.

The property tests take :data:`PROFILE` as the parent of their ``@settings``
instead of loading a profile globally, so other test modules' Hypothesis
settings are left alone (``pytest --hypothesis-profile=ci`` still works for
the whole suite).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)

#: The profile the robustness properties run under.
PROFILE: settings = settings.get_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)
