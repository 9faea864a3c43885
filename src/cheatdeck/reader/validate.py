"""Content rules checked on a finished sheet (DESIGN.md "Severity": one bad row never blocks
the rest).

A row that cannot make a sound note (an empty question or answer, the same question twice in
one section, a fact row with no subject) is *skipped* with a warning and recorded in
:attr:`Sheet.skipped`, so the build keeps its last shipped note. The same question in two
sections makes two notes, told apart by :attr:`Card.scope`. Errors are left for what would
make a wrong output: two rows with one explicit ``ID`` (one GUID for two notes).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Literal

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.model import Block, Card, FactRow, FactTable, Section, Sheet, SkippedRow, SourcePos, question_key
from cheatdeck.syntax import MAX_HTML_NESTING, html_nesting_depth


def _report(level: Literal["error", "warning"], pos: SourcePos, message: str,
            hint: str) -> Diagnostic:
    return Diagnostic(pos.path, pos.line, pos.col, level, message, hint)


def validate_sheet(sheet: Sheet, *, cards_expected: bool = True) -> tuple[Sheet, list[Diagnostic]]:
    """Check a sheet's content; skip the rows that cannot make a sound note.

    Args:
        sheet: a sheet built by the reader (positions set).
        cards_expected: report a sheet with no cards (False when an earlier error already
            explains why a table made none).

    Returns:
        ``(sheet, diagnostics)``: the sheet without its skipped rows (each recorded in
        ``sheet.skipped``, in source order) and with ``scope`` set on every card whose question
        is asked in more than one section. Warnings: empty question or answer (Anki imports an
        empty front as a note with 0 cards, FIELD-NOTES.md), the same question twice in one
        section (both lines named), the same question in two sections (both kept), a fact row
        with no subject, a repeated subject, or empty values (those make no cloze). Errors: one
        explicit ID on two rows; a sheet with no cards at all. A warning for a text whose
        ``<sup>``/``<sub>``/``<kbd>`` nest deeper than :data:`~cheatdeck.syntax.MAX_HTML_NESTING`
        (the deeper tags are shown as text).
    """
    found: list[Diagnostic] = []
    skipped: list[SkippedRow] = []
    ids: dict[str, SourcePos] = {}
    sections = [_check_section(section, found, skipped, ids) for section in sheet.sections]
    sections = _scope_repeated_questions(sections, found)
    sheet = dataclasses.replace(sheet, sections=tuple(sections),
                                skipped=tuple(sorted(skipped, key=lambda r: r.pos.line)))
    if cards_expected and not skipped and not sheet.cards and not any(s.fact_tables for s in sheet.sections):
        found.append(Diagnostic(sheet.path, 1, 1, "error", "the sheet has no cards",
                                "add a `| Question | Answer |` table or a gotcha list"))
    return sheet, found


def _check_nesting(pos: SourcePos, *texts: str) -> list[Diagnostic]:
    depth = max((html_nesting_depth(t) for t in texts if "<" in t), default=0)
    if depth <= MAX_HTML_NESTING:
        return []
    return [Diagnostic(pos.path, pos.line, pos.col, "warning",
                       f"<sup>/<sub>/<kbd> nested {depth} deep: the tags past depth "
                       f"{MAX_HTML_NESTING} are shown as text",
                       f"nest these tags at most {MAX_HTML_NESTING} deep")]


def _check_section(section: Section, found: list[Diagnostic], skipped: list[SkippedRow],
                   ids: dict[str, SourcePos]) -> Section:
    first_seen: dict[str, SourcePos] = {}
    blocks: list[Block] = []
    for block in section.blocks:
        if isinstance(block, Card):
            found.extend(_check_nesting(block.pos, block.question, block.answer, block.extra))
            reason = _check_card(block, first_seen, ids, found)
            if reason:
                skipped.append(SkippedRow(section.slug, block.question, reason, block.kind,
                                          block.id, pos=block.pos))
                continue
        elif isinstance(block, FactTable):
            found.extend(_check_nesting(block.pos, *block.columns))
            for row in block.rows:
                found.extend(_check_nesting(row.pos, row.subject, *row.values))
            block = _check_table(block, section.slug, found, skipped)
        blocks.append(block)
    return dataclasses.replace(section, blocks=tuple(blocks))


def _check_card(card: Card, first_seen: dict[str, SourcePos], ids: dict[str, SourcePos],
                found: list[Diagnostic]) -> str:
    """The reason to skip ``card`` ("" to keep it); reports what it finds into ``found``."""
    what = "gotcha" if card.kind == "gotcha" else "row"
    if not card.question:
        found.append(_report("warning", card.pos, f"empty question in this {what}: row skipped",
                             "write the question"))
        return "empty question"
    if not card.answer:
        found.append(_report("warning", card.pos,
                             f"empty answer to {card.question!r}: row skipped",
                             "write the answer, or remove the question"))
        return "empty answer"
    if card.id:
        if card.id in ids:
            first = ids[card.id]
            found.append(_report("error", card.pos, f"ID {card.id!r} is also the ID of line "
                                 f"{first.line} ({first}): the two notes would share one GUID",
                                 "give each row its own ID"))
            return ""
        ids[card.id] = card.pos
    key = card.id or question_key(card.question)
    if key in first_seen:
        first = first_seen[key]
        found.append(_report("warning", card.pos,
                             f"duplicate question {card.question!r}: also at line "
                             f"{first.line} ({first}); this row is skipped",
                             "reword one of them or merge the two"))
        return f"same question as line {first.line}"
    first_seen[key] = card.pos
    return ""


def _scope_repeated_questions(sections: list[Section],
                              found: list[Diagnostic]) -> list[Section]:
    """Give every card whose question (no ID) is asked in 2+ sections its section's slug as
    scope, and warn at each occurrence after the first."""
    where: dict[str, list[tuple[Section, Card]]] = defaultdict(list)
    for section in sections:
        for card in section.cards:
            if not card.id:
                where[card.key].append((section, card))
    repeated = {key for key, places in where.items() if len(places) > 1}
    if not repeated:
        return sections
    for key in repeated:
        (first_section, first), *others = where[key]
        for _, card in others:
            found.append(_report(
                "warning", card.pos, f"question {card.question!r} is also asked in section "
                f"{first_section.title!r} (line {first.pos.line}): both kept, as two notes",
                "reword one of them if they are meant to be one card"))
    return [dataclasses.replace(section, blocks=tuple(
        dataclasses.replace(b, scope=section.slug)
        if isinstance(b, Card) and not b.id and b.key in repeated else b
        for b in section.blocks)) for section in sections]


_NAMED_COLUMNS = 5
"""At most this many column names in one message; the rest are counted."""


def _column_list(table: FactTable, empty: list[int], absent: range) -> str:
    """``"Layers, Heads"`` or ``"A, B, C, D, E and 7 more"``: columns of ``empty + absent``."""
    shown = [*empty[:_NAMED_COLUMNS], *absent[:_NAMED_COLUMNS]][:_NAMED_COLUMNS]
    more = len(empty) + len(absent) - len(shown)
    names = ", ".join(table.columns[i + 1] for i in shown)
    return f"{names} and {more} more" if more else names


def _check_table(table: FactTable, section: str, found: list[Diagnostic],
                 skipped: list[SkippedRow]) -> FactTable:
    rows: list[FactRow] = []
    subjects: dict[str, SourcePos] = {}
    width = len(table.columns) - 1

    def skip(row: FactRow, reason: str) -> None:
        skipped.append(SkippedRow(section, row.subject, reason, "fact", table=table.name,
                                  pos=row.pos))

    for row in table.rows:
        if not row.subject:
            found.append(_report("warning", row.pos, "empty first cell in a fact row: row "
                                 "skipped", f"name what the row is about ({table.columns[0]})"))
            skip(row, "empty subject")
            continue
        key = question_key(row.subject)
        if key in subjects:
            first = subjects[key]
            found.append(_report("warning", row.pos, f"duplicate fact row {row.subject!r}: also "
                                 f"at line {first.line} ({first}); this row is skipped",
                                 "each row of a fact table needs its own subject"))
            skip(row, f"same subject as line {first.line}")
            continue
        subjects[key] = row.pos
        # Work in the row's own size: a short row under a very wide header must not cost
        # columns × rows, and its message names a few columns, not thousands.
        empty = [i for i, value in enumerate(row.values[:width]) if not value]
        absent = range(len(row.values), width)
        if width and len(empty) + len(absent) == width:
            found.append(_report("warning", row.pos, f"fact row {row.subject!r} has no value: "
                                 "row skipped", "fill every cell (write `?` if unknown)"))
            skip(row, "no values")
            continue
        if empty or absent:
            found.append(_report("warning", row.pos, f"fact row {row.subject!r} has no value "
                                 f"for {_column_list(table, empty, absent)}: no card for "
                                 f"{'it' if len(empty) + len(absent) == 1 else 'them'}",
                                 "fill every cell (write `?` if unknown)"))
        rows.append(row)
    return dataclasses.replace(table, rows=tuple(rows))
