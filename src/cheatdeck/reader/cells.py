"""Splitting a GFM table row into cells: one function for the repair pass and the table rule.

markdown-it-py's table rule splits rows with ``escapedSplit``, a per-character Python loop that
cost most of the reader's time. This module gives the same cells with one C-level regex scan, and
both the line repair (cell counts in diagnostics) and the structure parser's table rule (the cells
in the model) use it, so a row is never counted one way and read another.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import MD_TRIM_CHARS

_CELL_PIPE = re.compile(r"(?<!\\)\|")
"""A cell separator: a pipe not directly after a backslash (markdown-it's escapedSplit rule;
``\\\\|`` is an escaped pipe too, as there)."""
_DELIMITER_CHARS = re.compile(r"[|:\- \t]+")
_DELIMITER_CELL = re.compile(r":?-+:?")


def split_row(line: str) -> list[tuple[str, int]]:
    """Split a table row into cells exactly where markdown-it (and GFM) splits it.

    Rules (GFM spec https://github.github.com/gfm/#tables-extension- and markdown-it-py's
    ``rules_block/table.py``): the line and each cell are trimmed of CommonMark whitespace
    (``mdTrim``); every pipe not directly after a backslash separates cells, also inside a code
    span (GFM example 200); an empty first and an empty last cell (outer pipes) are dropped.

    Args:
        line: one source line of a table.

    Returns:
        ``(cell text, 1-based column in line)`` pairs; ``\\|`` is kept as written (see
        :func:`cell_texts` for the unescaped text).
    """
    end = len(line.rstrip(MD_TRIM_CHARS))
    start = len(line) - len(line.lstrip(MD_TRIM_CHARS))
    raw: list[tuple[int, int]] = []
    for match in _CELL_PIPE.finditer(line, start, end):
        raw.append((start, match.start()))
        start = match.end()
    raw.append((start, end))
    if raw and raw[0][0] == raw[0][1]:
        raw.pop(0)
    if raw and raw[-1][0] == raw[-1][1]:
        raw.pop()
    cells = []
    for first, last in raw:
        text = line[first:last]
        stripped = text.lstrip(MD_TRIM_CHARS)
        cells.append((stripped.rstrip(MD_TRIM_CHARS), first + 1 + len(text) - len(stripped)))
    return cells


def _parts(line: str) -> list[str]:
    parts = _CELL_PIPE.split(line.strip(MD_TRIM_CHARS))
    if parts[0] == "":
        del parts[0]
    if parts and parts[-1] == "":
        del parts[-1]
    return parts


def cell_texts(line: str) -> list[str]:
    """The cells of a table row as markdown-it gives them: trimmed, ``\\|`` made ``|``.

    Same split as :func:`split_row`, without columns (this runs once per row of every table).
    markdown-it's escapedSplit drops the one backslash before every escaped pipe; inside a cell
    every pipe is escaped, so replacing each ``\\|`` with ``|`` is the same operation.
    """
    return [part.strip(MD_TRIM_CHARS).replace("\\|", "|") for part in _parts(line)]


def count_cells(line: str) -> int:
    """The number of cells :func:`split_row` finds, without building them."""
    return len(_parts(line))


def has_pipe(line: str) -> bool:
    """Return True if ``line`` holds a pipe that is not escaped with a backslash."""
    return "|" in line and _CELL_PIPE.search(line) is not None


def is_delimiter_row(line: str) -> bool:
    """Return True for a GFM delimiter row (``|---|:--:|``), whatever its cell count."""
    trimmed = line.strip(MD_TRIM_CHARS)
    if "-" not in trimmed or not _DELIMITER_CHARS.fullmatch(trimmed):
        return False  # fast reject: most lines hold some other character
    if not has_pipe(line) and ":" not in line:
        return False
    cells = split_row(line)
    return bool(cells) and all(_DELIMITER_CELL.fullmatch(c.replace(" ", "")) for c, _ in cells)
