"""Formulas without a CDN: the MathJax files the site carries, and when it needs them.

``pymdownx.arithmatex`` (generic mode) leaves TeX in elements of class
``arithmatex``; MathJax typesets them in the reader's browser. The site
carries its own copy of MathJax 3 (the ``django-static-mathjax`` wheel, a
pinned dependency holding MathJax's es5 build and its woff fonts as plain
files), so formulas render with no request to another host and without a
network.

Every page gets the small loader ``math.js``; it sets MathJax's options and
fetches MathJax itself (about 1.3 MB) only on a page that holds an
``arithmatex`` element. The loader works the same in a site built by the
plugin and in an exported one built by another engine, which runs no plugin
that could pick the pages with math.

MathJax finds its fonts relative to its own script
(``[mathjax]/output/chtml/fonts/woff-v2``), so the folder layout below the
copy is MathJax's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

from skillshelf.published import PLUGIN_ASSETS_DIR

#: The loader, added to every page's scripts.
LOADER_URI = f"{PLUGIN_ASSETS_DIR}/math.js"
#: Where MathJax's files go on the site; the loader asks for ``<this>/tex-chtml-full.js``.
MATHJAX_URI = f"{PLUGIN_ASSETS_DIR}/mathjax"
#: The combined build with every TeX package, so no macro makes MathJax fetch an extension.
MATHJAX_SCRIPT = "tex-chtml-full.js"
_FONTS = "output/chtml/fonts/woff-v2"
ARITHMATEX = "pymdownx.arithmatex"


def mathjax_dir() -> Path:
    """The es5 build inside the installed ``django-static-mathjax`` package."""
    return Path(str(files("mathjax"))) / "static" / "mathjax" / "es5"


def mathjax_files() -> Iterator[tuple[str, Path]]:
    """``(site path, file)`` for MathJax's script and fonts, in a stable order."""
    source = mathjax_dir()
    yield f"{MATHJAX_URI}/{MATHJAX_SCRIPT}", source / MATHJAX_SCRIPT
    for font in sorted((source / _FONTS).glob("*.woff")):
        yield f"{MATHJAX_URI}/{_FONTS}/{font.name}", font


def uses_math(markdown_extensions: Iterable[Any]) -> bool:
    """Whether a configuration's ``markdown_extensions`` (names, or one-key mappings
    of a name to its options, as mkdocs.yml writes them) include arithmatex."""
    for item in markdown_extensions:
        names = item.keys() if isinstance(item, dict) else [item]
        if any(isinstance(name, str) and name == ARITHMATEX for name in names):
            return True
    return False
