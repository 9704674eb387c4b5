"""The frontmatter reader: splitting, decoding, positions, and refusal of bad YAML."""

from __future__ import annotations

import codecs

import pytest

from skillshelf.diagnostics import Position
from skillshelf.frontmatter import FRONTMATTER_LIMIT, decode, parse_document


def parse(text: str, expect: bool = True):  # type: ignore[no-untyped-def]
    return parse_document(text, expect_frontmatter=expect)


def test_splits_frontmatter_and_body_with_line_numbers() -> None:
    doc = parse("---\nname: a\ndescription: b\n---\n# Body\n")
    assert doc.frontmatter is not None
    assert doc.frontmatter.data == {"name": "a", "description": "b"}
    assert doc.body == "# Body\n"
    assert doc.body_line == 5
    assert doc.issues == []


def test_dashes_inside_a_value_do_not_close_the_block() -> None:
    text = (
        '---\nname: a\ndescription: "before --- after"\n'
        "notes: |\n  line\n  ---\n  more\n---\nbody\n"
    )
    doc = parse(text)
    assert doc.frontmatter is not None
    assert doc.frontmatter.data["description"] == "before --- after"
    assert doc.frontmatter.data["notes"] == "line\n---\nmore\n"
    assert doc.body == "body\n"


def test_positions_point_at_keys_values_and_list_items() -> None:
    text = (
        "---\nname: a\nmetadata:\n  skillshelf:\n    tags: [x, y]\n"
        "    related-skills:\n      - p\n      - q\n---\n"
    )
    frontmatter = parse(text).frontmatter
    assert frontmatter is not None
    assert frontmatter.position(("name",)) == Position(2, 7)
    assert frontmatter.position(("name",), key=True) == Position(2, 1)
    assert frontmatter.position(("metadata", "skillshelf", "tags", 1)) == Position(5, 15)
    assert frontmatter.position(("metadata", "skillshelf", "related-skills", 1)) == Position(8, 9)
    # A path into something missing stops at the deepest part that exists.
    assert frontmatter.position(("metadata", "nope")) == Position(4, 3)
    assert frontmatter.position(()) == Position(1, 1)


def test_missing_frontmatter_is_reported_only_where_expected() -> None:
    assert [i.rule for i in parse("# Just a page\n").issues] == ["frontmatter-missing"]
    assert parse("# Just a page\n", expect=False).issues == []


def test_unterminated_frontmatter() -> None:
    doc = parse("---\nname: a\ndescription: b\n# Body without closing\n")
    assert doc.frontmatter is None
    assert [(i.rule, i.position) for i in doc.issues] == [("frontmatter-syntax", Position(1, 1))]
    assert "never closed" in doc.issues[0].message


@pytest.mark.parametrize(
    ("yaml", "line", "fragment"),
    [
        ("name: a\nname: b\n", 3, "duplicate key"),
        ("name: [a, b\ndescription: c\n", 3, "invalid YAML"),
        ("name: a\n  bad: indent\n", 3, "invalid YAML"),
        ("a: &x [1]\nb: *x\n", 2, "aliases"),
    ],
)
def test_bad_yaml_is_an_issue_with_a_position(yaml: str, line: int, fragment: str) -> None:
    doc = parse(f"---\n{yaml}---\n")
    assert doc.frontmatter is None
    (issue,) = doc.issues
    assert issue.rule == "frontmatter-syntax"
    assert fragment in issue.message
    assert issue.position.line >= 2
    assert issue.position.line <= line


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)
    ]
    doc = parse("---\n" + "\n".join(lines) + "\n---\n")
    assert doc.frontmatter is None
    assert "aliases" in doc.issues[0].message


def test_huge_frontmatter_is_refused_before_parsing() -> None:
    doc = parse("---\ndescription: " + "x" * (FRONTMATTER_LIMIT + 10) + "\n---\n")
    assert doc.frontmatter is None
    assert "larger than" in doc.issues[0].message


def test_deep_nesting_is_refused() -> None:
    doc = parse("---\nname: " + "[" * 200 + "]" * 200 + "\n---\n")
    assert doc.frontmatter is None
    assert doc.issues[0].rule == "frontmatter-syntax"


def test_non_mapping_frontmatter_loads_but_has_no_mapping() -> None:
    doc = parse("---\n- a\n- b\n---\n")
    assert doc.frontmatter is not None
    assert doc.frontmatter.data == ["a", "b"]


def test_decode_bom_crlf_binary_and_bad_utf8() -> None:
    bom = decode(codecs.BOM_UTF8 + b"---\r\nname: a\r\n---\r\n")
    assert bom.text == "---\nname: a\n---\n"
    assert [(i.rule, i.fix) for i in bom.issues] == [
        ("encoding", "strip-bom"),
        ("line-endings", "lf-endings"),
    ]

    binary = decode(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert binary.text is None
    assert "binary" in binary.issues[0].message

    latin1 = decode("---\nname: caf\xe9\n".encode("latin-1"))
    assert latin1.text is None
    (issue,) = latin1.issues
    assert issue.rule == "encoding"
    assert issue.position == Position(2, 10)
    assert "0xe9" in issue.message

    utf16 = decode("---\n".encode("utf-16"))
    assert utf16.text is None
    assert "UTF-16" in utf16.issues[0].message


@pytest.mark.parametrize(
    ("yaml", "position"),
    [
        # A scalar alias copies text silently; it is refused like a container alias,
        # at the anchor that is used again.
        ("name: &n x\ndescription: *n\n", Position(2, 7)),
        # A merge through an alias is an alias too.
        ("a: &a {x: 1}\n<<: *a\n", Position(2, 4)),
        ("a: &a [*a]\n", Position(2, 4)),
        ("a: &a\n  b: 1\nc:\n  <<: *a\n", Position(2, 4)),
    ],
)
def test_every_alias_is_refused_at_its_anchor(yaml: str, position: Position) -> None:
    doc = parse(f"---\n{yaml}---\n")
    assert doc.frontmatter is None
    (issue,) = doc.issues
    assert issue.rule == "frontmatter-syntax"
    assert "aliases are not supported" in issue.message
    assert issue.position == position


def test_an_anchor_without_an_alias_and_an_inline_merge_are_plain_yaml() -> None:
    doc = parse("---\nname: &n x\n<<: {description: d}\n---\n")
    assert doc.issues == []
    assert doc.frontmatter is not None
    assert doc.frontmatter.data == {"name": "x", "description": "d"}


@pytest.mark.parametrize(
    ("yaml", "message", "position"),
    [
        (
            "x: !!omap\n- a: 1\n- a: 2\n",
            "invalid YAML: key 'a' repeats in an ordered map (!!omap)",
            Position(4, 3),
        ),
        ("x: !!int\n", "invalid YAML: '' cannot be read as a whole number (YAML type !!int)", None),
        (
            "x: !!bool\n",
            "invalid YAML: '' cannot be read as true or false (YAML type !!bool)",
            None,
        ),
        (
            "x: 2001-02-29\n",
            "invalid YAML: '2001-02-29' cannot be read as a date such as 2024-01-02 "
            "(YAML type !!timestamp)",
            Position(2, 4),
        ),
        (
            "? [[]]\n: 1\n",
            "invalid YAML: a key of this mapping holds a list or mapping; keys must be text",
            None,
        ),
    ],
)
def test_values_yaml_cannot_build_are_described_in_words(
    yaml: str, message: str, position: Position | None
) -> None:
    doc = parse(f"---\n{yaml}---\n")
    (issue,) = doc.issues
    assert issue.message == message
    assert "Error" not in issue.message
    if position is not None:
        assert issue.position == position


def test_a_duplicate_key_message_names_the_key_not_the_values() -> None:
    long_value = "v" * 5000
    (issue,) = parse(f"---\nname: {long_value}\nname: {long_value}\n---\n").issues
    assert issue.message == "invalid YAML: duplicate key 'name'"
    assert issue.position == Position(3, 1)


def test_positions_of_keys_that_are_not_text_and_of_merged_keys() -> None:
    text = "---\nname: a\n1: one\n? [x, y]\n: two\n<<: {merged: 3}\nm:\n  <<: {inner: 4}\n---\n"
    frontmatter = parse(text).frontmatter
    assert frontmatter is not None
    assert frontmatter.position((1,), key=True) == Position(3, 1)
    assert frontmatter.position((("x", "y"),), key=True) == Position(4, 3)
    # Merged keys point where the merged mapping holds them.
    assert frontmatter.position(("merged",), key=True) == Position(6, 6)
    assert frontmatter.position(("merged",)) == Position(6, 14)
    assert frontmatter.position(("m", "inner")) == Position(8, 15)
