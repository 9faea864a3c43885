"""The structure parser's GFM table rule: markdown-it decides the extent, rows are split once.

markdown-it-py's own table rule builds seven tokens per cell and splits every row with a
per-character Python loop; on a 10,000-card library that was most of the reader's time. This
rule keeps markdown-it's decisions and changes only how rows reach the model:

* where a table starts: markdown-it's own rule, called in validation mode (header row, delimiter
  row, equal cell counts — GFM as markdown-it implements it);
* where it ends: the same tests as markdown-it's body loop (a blank line, less indentation, an
  indented code line, or any rule that may interrupt a blockquote: fence, heading, hr, list …);
* the rows: :func:`cheatdeck.reader.cells.cell_texts` (the same cells as markdown-it's split),
  carried on the ``table_open`` token as ``meta["rows"]`` instead of ``tr``/``td``/``inline``
  tokens. Short rows are not padded (the reader reports missing cells itself), so markdown-it's
  cap on padded cells does not apply.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import table as gfm_table

from cheatdeck.reader.cells import cell_texts, split_row

Row = tuple[int, list[str]]
"""``(0-based line in the parsed text, cell texts)``; the header is the first row."""


def _line_text(state: StateBlock, line: int) -> str:
    # markdown-it's getLine: the line without its block indentation (and, inside a blockquote
    # or list item, without the container's markers).
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _ends_table(state: StateBlock, line: int, end_line: int) -> bool:
    if state.sCount[line] < state.blkIndent:
        return True
    text = _line_text(state, line)
    # A line starting with "|" (nearly every row) starts none of the blocks that end a table:
    # each of those rules needs its own marker there (``` ~~~ > * - + _ # < or a digit). Asking
    # them anyway was a third of reading a 10k-card sheet's structure (issue 15).
    if not text.startswith("|") and any(
            rule(state, line, end_line, True)
            for rule in state.md.block.ruler.getRules("blockquote")):
        return True
    return not text.strip(MD_TRIM_CHARS) or state.is_code_block(line)


def table_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule (markdown-it's signature) for a GFM table; see the module docstring.

    Emits ``table_open`` (``map`` = the table's lines, ``meta["rows"]`` = list of :data:`Row`)
    and ``table_close``.
    """
    if not gfm_table(state, start_line, end_line, True):
        return False
    if silent:
        return True
    rows: list[Row] = [(start_line, cell_texts(_line_text(state, start_line)))]
    old_parent, state.parentType = state.parentType, "table"  # as markdown-it's rule, for the
    line = start_line + 2                                       # terminators' checks
    while line < end_line and not _ends_table(state, line, end_line):
        rows.append((line, cell_texts(_line_text(state, line))))
        line += 1
    state.parentType = old_parent
    token = state.push("table_open", "table", 1)
    token.map = [start_line, line]
    token.meta = {"rows": rows, "align": column_alignment(_line_text(state, start_line + 1))}
    state.push("table_close", "table", -1)
    state.line = line
    return True


def column_alignment(delimiter_row: str) -> list[str]:
    """Return each column's alignment from a GFM delimiter row (GFM spec, "Tables").

    ``:---`` → ``"left"``, ``---:`` → ``"right"``, ``:---:`` → ``"center"``, ``---`` → ``""``.
    """
    found = []
    for cell, _ in split_row(delimiter_row):
        cell = cell.strip()
        left, right = cell.startswith(":"), cell.endswith(":")
        found.append("center" if left and right else "left" if left else "right" if right else "")
    return found


def use_table_rule(md: MarkdownIt) -> MarkdownIt:
    """Replace ``md``'s table rule with :func:`table_rule` (same name, same terminator chains)."""
    md.block.ruler.at("table", table_rule, {"alt": ["paragraph", "reference"]})
    return md
