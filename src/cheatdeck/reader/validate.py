"""Content rules checked on a finished sheet: what would make a broken or duplicated note."""

from __future__ import annotations

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.model import Card, FactTable, Sheet, SourcePos, question_key


def _error(pos: SourcePos, message: str, hint: str) -> Diagnostic:
    return Diagnostic(pos.path, pos.line, pos.col, "error", message, hint)


def validate_sheet(sheet: Sheet, *, cards_expected: bool = True) -> list[Diagnostic]:
    """Check a sheet for content errors.

    Args:
        sheet: a sheet built by the reader (positions set).
        cards_expected: report a sheet with no cards (False when an earlier error already
            explains why a table made none).

    Returns:
        Errors for: an empty question or answer (Anki imports an empty front as a note with
        0 cards, FIELD-NOTES.md); a fact row with an empty or missing value (its cloze would be
        empty); the same question twice in the sheet, or the same subject twice in a fact table
        (both would get one GUID; the message names both lines); a sheet with no cards.
    """
    found: list[Diagnostic] = []
    first_seen: dict[str, SourcePos] = {}
    for section in sheet.sections:
        for block in section.blocks:
            if isinstance(block, Card):
                found.extend(_check_card(block, first_seen))
            elif isinstance(block, FactTable):
                found.extend(_check_table(block))
    if cards_expected and not sheet.cards and not any(s.fact_tables for s in sheet.sections):
        found.append(Diagnostic(sheet.path, 1, 1, "error", "the sheet has no cards",
                                "add a `| Question | Answer |` table or a gotcha list"))
    return found


def _check_card(card: Card, first_seen: dict[str, SourcePos]) -> list[Diagnostic]:
    what = "gotcha" if card.kind == "gotcha" else "row"
    if not card.question:
        return [_error(card.pos, f"empty question in this {what}", "write the question")]
    if not card.answer:
        return [_error(card.pos, f"empty answer to {card.question!r}",
                       "write the answer, or remove the question")]
    key = card.id or question_key(card.question)
    if key in first_seen:
        first = first_seen[key]
        return [_error(card.pos, f"duplicate question {card.question!r}: also at line "
                       f"{first.line} ({first})", "reword one of them or merge the two")]
    first_seen[key] = card.pos
    return []


_NAMED_COLUMNS = 5
"""At most this many column names in one message; the rest are counted."""


def _column_list(table: FactTable, empty: list[int], absent: range) -> str:
    """``"Layers, Heads"`` or ``"A, B, C, D, E and 7 more"``: columns of ``empty + absent``."""
    shown = [*empty[:_NAMED_COLUMNS], *absent[:_NAMED_COLUMNS]][:_NAMED_COLUMNS]
    more = len(empty) + len(absent) - len(shown)
    names = ", ".join(table.columns[i + 1] for i in shown)
    return f"{names} and {more} more" if more else names


def _check_table(table: FactTable) -> list[Diagnostic]:
    found = []
    subjects: dict[str, SourcePos] = {}
    width = len(table.columns) - 1
    for row in table.rows:
        if not row.subject:
            found.append(_error(row.pos, "empty first cell in a fact row",
                                f"name what the row is about ({table.columns[0]})"))
            continue
        # Work in the row's own size: a short row under a very wide header must not cost
        # columns × rows, and its message names a few columns, not thousands.
        empty = [i for i, value in enumerate(row.values[:width]) if not value]
        absent = range(len(row.values), width)
        if empty or absent:
            found.append(_error(row.pos, f"fact row {row.subject!r} has no value for "
                                f"{_column_list(table, empty, absent)}",
                                "fill every cell (write `?` if unknown)"))
        key = question_key(row.subject)
        if key in subjects:
            found.append(_error(row.pos, f"duplicate fact row {row.subject!r}: also at line "
                                f"{subjects[key].line} ({subjects[key]})",
                                "each row of a fact table needs its own subject"))
        subjects.setdefault(key, row.pos)
    return found
