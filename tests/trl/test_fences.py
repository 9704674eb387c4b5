"""Fenced-block scanning shared by the snippet checker, the link checker and the site."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skillshelf.markdown import FencedBlock, code_block_lines, iter_fenced_blocks, language_of


def blocks(text: str) -> list[FencedBlock]:
    return list(iter_fenced_blocks(text))


def test_plain_backtick_fence() -> None:
    text = "# T\n\n```python\nx = 1\ny = 2\n```\nafter\n"
    (block,) = blocks(text)
    assert block.language == "python"
    assert block.info == "python"
    assert block.code == "x = 1\ny = 2"
    assert (block.start_line, block.end_line, block.indent) == (4, 6, 0)
    assert block.closed
    assert code_block_lines(text) == {3, 4, 5, 6}


def test_tilde_fence_and_longer_closing() -> None:
    text = "~~~~py\n~~~\nstill code\n~~~~~\ntext\n"
    (block,) = blocks(text)
    assert block.code == "~~~\nstill code"
    assert block.fence == "~~~~"
    assert block.end_line == 4


def test_backticks_do_not_close_a_tilde_fence() -> None:
    (block,) = blocks("~~~\n```\n```\n~~~\n")
    assert block.code == "```\n```"


def test_shorter_closing_fence_does_not_close() -> None:
    (block,) = blocks("````python\n```\nx\n````\n")
    assert block.code == "```\nx"


def test_admonition_and_collapsible_blocks_are_dedented() -> None:
    text = (
        "!!! note\n"
        "    Text.\n"
        "\n"
        "    ```python\n"
        "    def f():\n"
        "        return 1\n"
        "    ```\n"
        '???+ tip "Hint"\n'
        "    ~~~py\n"
        "    y = 2\n"
        "    ~~~\n"
    )
    first, second = blocks(text)
    assert first.code == "def f():\n    return 1"
    assert (first.start_line, first.indent, first.end_line) == (5, 4, 7)
    assert second.language == "py" and second.code == "y = 2" and second.start_line == 10


def test_content_tabs() -> None:
    text = (
        '=== "Python"\n\n    ```python\n    a = 1\n    ```\n\n'
        '=== "Shell"\n\n    ```bash\n    ls\n    ```\n'
    )
    assert [(b.language, b.code) for b in blocks(text)] == [("python", "a = 1"), ("bash", "ls")]


def test_list_items_any_indentation() -> None:
    text = (
        "1. Step one:\n"
        "   ```python\n"
        "   one()\n"
        "   ```\n"
        "   - nested:\n"
        "       ```python\n"
        "       two()\n"
        "         three()\n"
        "       ```\n"
        "- ```python\n"
        "  inline_marker()\n"
        "  ```\n"
    )
    got = blocks(text)
    assert [b.code for b in got] == ["one()", "two()\n  three()", "inline_marker()"]
    assert [b.indent for b in got] == [3, 7, 2]


def test_less_indented_content_lines_lose_only_what_they_have() -> None:
    (block,) = blocks("    ```python\n    a = 1\n  b = 2\nc = 3\n    ```\n")
    assert block.code == "a = 1\nb = 2\nc = 3"
    assert block.stripped == (4, 2, 0)


def test_unterminated_fence_runs_to_end_of_text() -> None:
    text = "intro\n```python\nx = 1\n\ny = 2\n"
    (block,) = blocks(text)
    assert not block.closed
    assert block.code == "x = 1\n\ny = 2"
    assert block.end_line == 5
    assert code_block_lines(text) == {2, 3, 4, 5}


def test_inline_triple_backticks_are_not_a_fence() -> None:
    assert blocks("Use ```code``` inline.\n```text```\n") == []


def test_crlf_and_cr_line_breaks_count_like_editors() -> None:
    (block,) = blocks("a\r\n```py\r\nx\r\n```\r\n")
    assert block.code == "x" and block.start_line == 3 and block.end_line == 4
    (block,) = blocks("a\r```py\rx\r```\r")
    assert block.start_line == 3


def test_position_maps_back_to_the_text() -> None:
    text = "!!! note\n    ```python\n    DPOConfig(beta=0.1)\n    ```\n"
    (block,) = blocks(text)
    # code line 1, character column 10 ("beta") -> text line 3, column 15 (1-based)
    assert block.position(1, 10) == (3, 15)
    assert text.splitlines()[2][14:18] == "beta"


def test_language_of_info_strings() -> None:
    assert language_of("python") == "python"
    assert language_of('python title="train.py"') == "python"
    assert language_of('{.python title="x"}') == "python"
    assert language_of('{ .py linenums="1" }') == "py"
    assert language_of('Python3 hl_lines="2"') == "python3"
    assert language_of("python{1,3}") == "python"
    assert language_of("") == ""
    assert language_of('{ title="x" }') == ""


def test_empty_and_degenerate_inputs() -> None:
    assert blocks("") == []
    assert blocks("```") == [FencedBlock("", "", "", 2, 0, 1, "```", False, ())]
    assert code_block_lines("no code\n") == set()


def test_hostile_input_is_fast_and_safe() -> None:
    text = ("```\n" * 5000) + (" " * 100000) + "x\n" + ("~" * 100000) + "\n" + "\x00\ufeff```py\n"
    got = blocks(text)
    # 2500 empty blocks, then the 100000-tilde fence swallows the rest unterminated
    assert len(got) == 2501
    assert not got[-1].closed and got[-1].code == "\x00\ufeff```py"
    assert len(code_block_lines(text)) == 5000 + 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('`~ \t\n\r>-*1.!=?+pyhon{}"\x00')), max_size=300))
def test_never_crashes_and_lines_are_in_range(text: str) -> None:
    total = max(len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), 1)
    for block in iter_fenced_blocks(text):
        assert 1 <= block.fence_line < block.start_line <= block.end_line + 1
        assert block.end_line <= total
        assert len(block.stripped) == (len(block.code.split("\n")) if block.stripped else 0)
    assert all(1 <= n <= total for n in code_block_lines(text))
