"""The quiz page's card data, as a small script the page loads (no server, works from file://).

The script assigns one JSON object to ``window.cheatdeckQuiz``. Questions and answers are the
shared renderer's sanitized HTML fragments, so a card reads as on the section page and in Anki.
Every card carries its *study key* (:func:`card_keys`), which the browser's spaced-repetition
progress (``study.js``) is stored under: the note GUID the deck ships, so a reworded question
keeps its progress. A second, small script (:func:`study_index_script`) lists the keys per
section for the home and section pages' due counts, without the cards' HTML.
The JSON is written so it can never end a ``<script>`` element, even if someone inlines it:
``<``, ``>`` and ``&`` are ``\\u``-escaped, as are U+2028/U+2029 (line terminators in older JS).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from cheatdeck.ids import card_guid, fact_guid
from cheatdeck.model import Card, Library, Section, Sheet
from cheatdeck.names import section_url
from cheatdeck.site.fragments import plain_text

_SCRIPT_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_json(data: Any) -> str:
    """Return ``data`` as JSON that is safe inside a ``<script>`` element.

    Args:
        data: JSON-serializable data.

    Returns:
        Compact JSON with non-ASCII kept and ``< > &`` U+2028 U+2029 as ``\\uXXXX`` escapes, so
        no ``</script>`` or ``<!--`` can appear in it.

    Raises:
        TypeError: ``data`` is not JSON-serializable.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_UNSAFE:  # str.replace: far faster than translate on megabytes
        text = text.replace(char, escape)
    return text


Inline = Callable[[str], str]
"""Inline Markdown → HTML fragment (``MarkupRenderer().inline`` or a cached wrapper of it)."""

Answer = Callable[[Card], str]
"""Card → its answer as an HTML fragment (block HTML for a block-shaped card)."""

Anchors = Callable[[Section], tuple[str, ...]]
"""Section → its cards' anchors (``names.section_anchors`` or a cached wrapper of it)."""


Guids = Mapping[str, str]
"""``{own GUID: GUID to ship}`` for reworded questions (:attr:`cheatdeck.plan.NotePlan.overrides`);
a card missing from it ships its own GUID (:mod:`cheatdeck.ids`)."""


def card_keys(sheet: Sheet, section: Section, guids: Guids) -> list[str]:
    """Return the study key of every flashcard of ``section``, in quiz order.

    Args:
        sheet: the section's sheet (its slug is part of each GUID).
        section: the section.
        guids: reworded questions' shipped GUIDs (:data:`Guids`).

    Returns:
        One key per card: Q&A and gotcha cards first, by the note GUID the deck ships
        (``"cd" + 24 hex``); then one per non-empty fact value, ``"<note GUID>/<N>"`` with ``N``
        the value's column number, as the deck's cloze ``cN`` (``anki_notes.cloze_text``).
        Keys never depend on wording the ledger tracks, so progress survives a rewording.
    """
    keys = [guids.get(guid, guid) for guid in (card_guid(sheet, c) for c in section.cards)]
    for table in section.fact_tables:
        for row in table.rows:
            guid = fact_guid(sheet.slug, table, row)
            keys.extend(f"{guid}/{n}" for n, value in enumerate(row.values, start=1) if value)
    return keys


def _section_cards(
    sheet: Sheet, section: Section, inline: Inline, anchors: Anchors, guids: Guids,
    answer: Answer,
) -> list[dict[str, str]]:
    page = section_url(sheet, section)
    cards = [
        {"q": inline(card.question), "a": answer(card), "href": f"{page}#{anchor}"}
        for card, anchor in zip(section.cards, anchors(section), strict=True)
    ]
    # A fact row gives one flashcard per value column: "GPT-2 small — Params" → "117M".
    for table in section.fact_tables:
        for row in table.rows:
            subject = inline(row.subject)
            for column, value in zip(table.columns[1:], row.values, strict=False):
                if value:
                    question = f"{subject} — {inline(column)}"
                    cards.append({"q": question, "a": inline(value), "href": page})
    for card, key in zip(cards, card_keys(sheet, section, guids), strict=True):
        card["id"] = key
    return cards


def quiz_section(sheet: Sheet, section: Section, inline: Inline, anchors: Anchors,
                 guids: Guids | None = None, answer: Answer | None = None) -> dict[str, Any]:
    """Return a section's entry in the quiz data: ``{"slug", "title", "emoji", "cards"}``.

    Args as :func:`quiz_data`; see there for the shapes.
    """
    guids = guids or {}
    answer = answer or (lambda card: inline(card.answer))
    return {
        "slug": section.slug,
        "title": plain_text(inline(section.title)),
        "emoji": section.emoji,
        "cards": _section_cards(sheet, section, inline, anchors, guids, answer),
    }


SectionEntry = Callable[[Sheet, Section], dict[str, Any]]
"""(sheet, section) → the section's quiz entry (:func:`quiz_section`, or one kept from an
earlier build)."""


def quiz_data(library: Library, inline: Inline, anchors: Anchors,
              guids: Guids | None = None, answer: Answer | None = None,
              *, entry: SectionEntry | None = None) -> dict[str, Any]:
    """Return the quiz data: ``{"sheets": [{slug, title, sections: [{slug, title, emoji, cards}]}]}``.

    Titles are plain text (the page sets them as text); each card is ``{"q", "a", "href", "id"}``
    with ``q``/``a`` HTML fragments, ``href`` the docs-root-relative URL of its question and
    ``id`` its study key (:func:`card_keys`; ``guids`` as there, none reworded if omitted).
    ``answer`` renders a card's answer (block HTML for a block-shaped card); its inline HTML
    when omitted. ``entry`` gives each section's entry (:func:`quiz_section` if omitted).
    """
    def made(sheet: Sheet, section: Section) -> dict[str, Any]:
        return quiz_section(sheet, section, inline, anchors, guids, answer)

    entry = entry or made
    return {
        "sheets": [
            {
                "slug": sheet.slug,
                "title": plain_text(inline(sheet.title)),
                "sections": [entry(sheet, section) for section in sheet.sections],
            }
            for sheet in library.sheets
        ]
    }


def quiz_data_script(library: Library, inline: Inline, anchors: Anchors,
                     guids: Guids | None = None, answer: Answer | None = None,
                     *, entry: SectionEntry | None = None) -> str:
    """Return the text of the quiz data script: ``window.cheatdeckQuiz = {…};`` and a newline.

    Args as :func:`quiz_data`."""
    data = quiz_data(library, inline, anchors, guids, answer, entry=entry)
    return f"window.cheatdeckQuiz = {script_json(data)};\n"


def study_index_script(library: Library, guids: Guids | None = None) -> str:
    """Return the text of the study index script: ``window.cheatdeckCards = {…};`` and a newline.

    The object maps each section's scope, ``"<sheet slug>/<section slug>"`` (the quiz's deck
    ids), to its cards' study keys (:func:`card_keys`), in source order. The home and section
    pages count what is due from it and their stored progress.
    """
    index = {f"{sheet.slug}/{section.slug}": card_keys(sheet, section, guids or {})
             for sheet in library.sheets for section in sheet.sections}
    return f"window.cheatdeckCards = {script_json(index)};\n"
