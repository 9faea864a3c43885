"""Tables that are not cards: navigation, layout, and a leading row-number column.

Real sheets hold tables that only look like Q&A or fact tables (issue 19, measured on public
sheets): a table of contents whose cells link to the sheet's own headings made hundreds of
"1 → [What is …]" cards; a ``# | Question | Expected answer`` table would have keyed fact
clozes on the row number; a confusion matrix with an empty corner cell is laid out for the
eye. Each is recognized here from its header and cells alone, and the reader says so at info
level (``check`` shows why no card was made; ``--strict`` does not fail on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_OWN_LINK = re.compile(r"(?:\*\*|__)?\[[^\]]*\]\(#[^)\s]*\)(?:\*\*|__)?")
"""A cell that is only a link to a heading of the same page (``[What is X?](#what-is-x)``)."""
_ROW_NUMBER = re.compile(r"\d{1,6}[.)]?")
_NUMBER_HEADERS = frozenset({"", "#", "no", "no.", "nr", "nr.", "n", "n.", "num", "number",
                             "s.no", "s.no.", "s. no.", "sr", "sr.", "sr.no", "sr. no.", "sl",
                             "sl.no", "sl. no.", "q", "q.", "q#", "#q", "index", "id"})
"""Header names of a leading column that numbers the rows (compared case-folded)."""

TableKind = Literal["cards", "navigation", "layout"]


@dataclass(frozen=True, slots=True)
class TableReading:
    """How a table is read.

    Attributes:
        kind: ``"cards"`` (Q&A or fact rows), ``"navigation"`` (every row links to a heading of
            this page: no cards, kept for the site) or ``"layout"`` (the header starts with an
            empty cell: a matrix laid out for the eye, kept for the site).
        skip_first_column: the first column numbers the rows (``#``, ``No.`` … over ``1``,
            ``2.`` …): the table is read without it.
        info: why, for an info diagnostic ("" when the table is read as usual).
    """

    kind: TableKind
    skip_first_column: bool = False
    info: str = ""


def read_table_kind(header: list[str], body: list[list[str]]) -> TableReading:
    """Decide how a table with ``header`` cells and ``body`` rows (cleaned cell text) is read.

    Rules, in order: a header whose first cell is empty while another is not → layout; a
    table with rows, each holding a cell that is only a link to an anchor of the same page →
    navigation; a first column named like a row number (:data:`_NUMBER_HEADERS`) over cells
    that are all numbers, with at least two more columns → read without it; else cards.
    """
    if len(header) > 1 and not header[0] and any(header[1:]):
        return TableReading("layout", info="the header starts with an empty cell: a table laid "
                            "out for the site, not cards")
    if body and all(any(_OWN_LINK.fullmatch(cell) for cell in cells) for cells in body):
        return TableReading("navigation", info="every row links to a heading of this page: a "
                            "table of contents, not cards")
    if len(header) >= 3 and header[0].casefold() in _NUMBER_HEADERS and body \
            and all(_ROW_NUMBER.fullmatch(cells[0]) for cells in body if cells):
        return TableReading("cards", skip_first_column=True,
                            info=f"the first column ({header[0] or 'no name'}) numbers the rows: "
                            "read without it")
    return TableReading("cards")
