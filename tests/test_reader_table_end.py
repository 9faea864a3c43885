"""Where a GFM table ends in the reader's structure parser (reader/table_rule.py): the same
lines as markdown-it's own table rule, including every block that interrupts it."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from cheatdeck.reader.tokens import make_structure_parser

TABLE = "| Question | Answer |\n| --- | --- |\n| A? | a |\n"


def _table_lines(md: MarkdownIt, text: str) -> list[list[int] | None]:
    return [token.map for token in md.parse(text) if token.type == "table_open"]


@pytest.mark.parametrize("after", [
    "| B? | b |",  # a row
    "|B?|b|",  # a row without spaces
    "  | B? | b |",  # an indented row
    "B? | b",  # a row without outer pipes
    "|",  # a lone pipe is a row
    "# Heading", "## Heading |", "> quote | x", "- item | x", "* item", "+ item", "1. item | x",
    "2) item", "---", "***", "___", "```", "~~~ | x", "<div> | x", "",
    "    | indented code |",  # four spaces: an indented code line ends it
    "\t| tab |",
])
def test_the_table_ends_where_markdown_it_ends_it(after: str) -> None:
    text = TABLE + after + "\n| C? | c |\n"
    stock = MarkdownIt("commonmark", {"html": False}).enable("table")
    assert _table_lines(make_structure_parser(), text) == _table_lines(stock, text)


def test_rows_starting_with_a_pipe_all_belong_to_the_table() -> None:
    rows = "".join(f"| Q{n}? | `x` **y** $z$ |\n" for n in range(50))
    [table] = [t for t in make_structure_parser().parse(TABLE + rows) if t.type == "table_open"]
    assert table.map == [0, 53]
    assert [cells[0] for _, cells in table.meta["rows"]][-1] == "Q49?"
