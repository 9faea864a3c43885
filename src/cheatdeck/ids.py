"""Stable identities: note GUIDs, note type and deck IDs (names and anchors: ``names.py``).

Anki matches notes only by GUID and note types by ID (FIELD-NOTES.md), so these are derived
from names and content, never from randomness or the clock. A GUID hashes the sheet slug and the
*question* (never the answer), so editing an answer updates the note in place on re-import.
"""

from __future__ import annotations

import hashlib

from cheatdeck.model import Card, FactRow, FactTable, Sheet, question_key

QA_MODEL_ID = 1_607_392_319
"""Note type ID of the Q&A note type. Constant forever: changing it orphans every note."""

FACT_MODEL_ID = 1_607_392_320
"""Note type ID of the cloze "fact" note type. Constant forever."""


def _digest(*parts: str) -> str:
    # \x1f (unit separator) cannot occur in normalized text, so ("a b", "c") != ("a", "b c").
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def note_guid(sheet_slug: str, question: str) -> str:
    """Return the GUID of a Q&A or gotcha note.

    Args:
        sheet_slug: the sheet's slug (``Sheet.slug``).
        question: the question's Markdown source; only its :func:`question_key` counts, so case,
            whitespace and a trailing ``?`` may change without a new note.

    Returns:
        ``"cd"`` + 24 lowercase hex digits. Hex only: Anki's ``guid:`` search chokes on some of
        genanki's base91 characters (FIELD-NOTES.md).
    """
    return "cd" + _digest("qa", sheet_slug, question_key(question))[:24]


def card_guid(sheet: Sheet, card: Card) -> str:
    """Return the GUID of ``card`` in ``sheet``: its explicit ``id`` if set, else :func:`note_guid`.

    A question asked in two sections of one sheet has ``card.scope`` set (its section's slug):
    its GUID then also hashes the scope, so both notes live, each keeps its GUID whatever the
    order of rows and sections, and a question asked once keeps the GUID it always had.
    """
    if card.id:
        return "cd" + _digest("id", sheet.slug, card.id)[:24]
    if card.scope:
        return "cd" + _digest("qa-in-section", sheet.slug, card.scope,
                              question_key(card.question))[:24]
    return note_guid(sheet.slug, card.question)


def fact_guid(sheet_slug: str, table: FactTable, row: FactRow) -> str:
    """Return the GUID of a fact-table row's cloze note: hash of (sheet, table, subject).

    Args:
        sheet_slug: the sheet's slug.
        table: the fact table (its ``name``, the header cells, identifies it in the sheet).
        row: the row; only its subject counts, so values may change without a new note.

    Returns:
        ``"cd"`` + 24 lowercase hex digits.
    """
    return "cd" + _digest("fact", sheet_slug, table.name, question_key(row.subject))[:24]


def deck_id(name: str) -> int:
    """Return a deck ID derived from the full deck name (``A::B::C``).

    Anki matches decks by name and remaps the ID on import (FIELD-NOTES.md); a derived ID only
    keeps the package deterministic. Result is in ``[1 << 30, 1 << 31)``.
    """
    return (1 << 30) + int(_digest("deck", name)[:8], 16) % (1 << 30)
