"""The plugin's logger.

Named "mkdocs.plugins.skillshelf" under MkDocs and "properdocs.plugins.skillshelf"
under ProperDocs (which aliases the mkdocs package): the engine counts warnings
for ``--strict`` on its own logger tree, so the name follows the engine.
"""

from __future__ import annotations

import logging

from mkdocs.plugins import BasePlugin

log = logging.getLogger(f"{BasePlugin.__module__.split('.')[0]}.plugins.skillshelf")
