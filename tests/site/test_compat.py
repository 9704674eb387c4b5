"""Markdown written for GitHub or GitBook, as the site renders it (skillshelf.site.compat).

The oracle is Python-Markdown with the site's extensions: what ``for_site`` gives
must render a table where GitHub does, and leave code exactly as written.
"""

from __future__ import annotations

import markdown
import pytest

from skillshelf.site.compat import for_site, is_delimiter_row, uses_admonitions

EXTENSIONS = ["tables", "admonition", "pymdownx.superfences"]


def html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize(
    "text",
    [
        "Settings:\n| key | value |\n| --- | --- |\n| a | 1 |\n",
        "Settings:\nkey | value\n:-- | --:\na | 1\n",
        "- a list item\n\nSome text\n|a|b|\n|-|-|\n",
    ],
)
def test_a_table_right_below_text_renders_as_a_table(text: str) -> None:
    assert "<table>" not in html(text)  # what MkDocs does with the file as it is
    assert "<table>" in html(for_site(text))


@pytest.mark.parametrize(
    "text",
    [
        # inside a fenced block: code, untouched
        "```text\nSettings:\n| key | value |\n| --- | --- |\n```\n",
        "~~~\n{% raw %}\n{% hint style='info' %}\n~~~\n",
        # already apart, or not a table: a pipe in prose, a rule, cell counts that differ
        "Settings:\n\n| key | value |\n| --- | --- |\n",
        "a | b\nc\n",
        "Text\n| a | b |\n| --- |\n",
        "Heading\n---\n",
        # a quote's table is left to the quote
        "> Text\n> | a | b |\n> | - | - |\n",
        # an indented code block
        "Text\n\n    x | y\n    - | -\n",
    ],
)
def test_what_is_not_a_table_after_text_is_left_as_written(text: str) -> None:
    assert for_site(text) == text


def test_liquid_tags_are_left_out_and_hints_become_admonitions() -> None:
    text = (
        "{% raw %}\nUse `{{ name }}`.\n{% endraw %}\n\n"
        '{% hint style="warning" %}\nBack up **first**.\n\n```bash\ncp a b\n```\n{% endhint %}\n\n'
        "Inline {% raw %}x{% endraw %} and `{% raw %}` in code.\n"
    )
    site = for_site(text)
    assert site == (
        "Use `{{ name }}`.\n\n"
        "!!! warning\n    Back up **first**.\n\n    ```bash\n    cp a b\n    ```\n\n"
        "Inline x and `{% raw %}` in code.\n"
    )
    rendered = html(site)
    assert '<div class="admonition warning">' in rendered
    inside = rendered.split('<div class="admonition warning">')[1]
    assert inside.count("<pre") == 1 and "cp" in inside  # the block still is one code block
    assert "{% " not in rendered.replace("<code>{% raw %}</code>", "")


def test_without_the_admonition_extension_a_hints_tags_are_left_out() -> None:
    text = '{% hint style="info" %}\nNote this.\n{% endhint %}\n'
    assert for_site(text, admonitions=False) == "Note this.\n"


def test_an_unclosed_hint_loses_its_tag_only() -> None:
    assert for_site("{% hint style='danger' %}\nText.\n") == "Text.\n"


def test_the_frontmatter_is_kept_as_it_is() -> None:
    text = "---\ntitle: 'a {% raw %} b'\n---\nText\n| a |\n| - |\n"
    expected = "---\ntitle: 'a {% raw %} b'\n---\nText\n\n| a |\n| - |\n"
    assert for_site(text, first_line=4) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [("| --- | :-: |", True), ("---|---", True), ("|-|", True), ("---", False), ("| a |", False)],
)
def test_delimiter_rows(line: str, expected: bool) -> None:
    assert is_delimiter_row(line) is expected


def test_uses_admonitions_reads_names_and_options() -> None:
    assert uses_admonitions(["tables", "admonition"])
    assert uses_admonitions([{"markdown.extensions.admonition": {}}])
    assert not uses_admonitions(["pymdownx.details", {"toc": {"permalink": True}}])
