"""The install command of a skill's "Use this skill" panel, from the site's template.

The template (plugin option ``install_command``) is Python format syntax with
these fields:

============  =====================================================================
``{name}``     the skill's name (``trl-fine-tuning``)
``{folder}``   its folder's name
``{path}``     its folder in the repository (``skills/mlops/training/trl-fine-tuning``)
``{category}`` its category's path (``mlops/training``; empty at the top)
``{raw_url}``  the URL of its SKILL.md as it is
``{zip_url}``  the URL of the zip of its folder
============  =====================================================================

The URLs are absolute below ``site_url`` when the site has one, else relative to
the site root. Every value is quoted for a POSIX shell when it holds anything but
letters, digits and ``@%+=:,./-_`` : a skill named ``x; rm -rf ~`` comes out as
``'x; rm -rf ~'``, one word, and a reader who pastes the command runs no more than
the template says.
"""

from __future__ import annotations

import shlex
import string
from collections.abc import Mapping

FIELDS = ("name", "folder", "path", "category", "raw_url", "zip_url")


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot be used (a field it does not know, a stray brace),
    or None."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        return f"install_command {template!r}: {error} (write a literal brace as {{{{ or }}}})"
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FIELDS:
            known = ", ".join("{" + name + "}" for name in FIELDS)
            return f"install_command {template!r}: unknown field {{{field}}}; known: {known}"
        if spec or conversion:
            return f"install_command {template!r}: {{{field}}} takes no format or conversion"
    return None


def install_command(template: str, values: Mapping[str, str]) -> str:
    """``template`` with every field replaced by its shell-quoted value."""
    quoted = {name: shlex.quote(values[name]) if values[name] else "" for name in FIELDS}
    return template.format_map(quoted)
