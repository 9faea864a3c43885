"""The quiz page's card data, as a small script the page loads (no server, works from file://).

The script assigns one JSON object to ``window.cheatdeckQuiz``. Questions and answers are the
shared renderer's sanitized HTML fragments, so a card reads as on the section page and in Anki.
The JSON is written so it can never end a ``<script>`` element, even if someone inlines it:
``<``, ``>`` and ``&`` are ``\\u``-escaped, as are U+2028/U+2029 (line terminators in older JS).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cheatdeck.model import Library, Section, Sheet
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

Anchors = Callable[[Section], tuple[str, ...]]
"""Section → its cards' anchors (``ids.section_anchors`` or a cached wrapper of it)."""


def _section_cards(
    sheet: Sheet, section: Section, inline: Inline, anchors: Anchors
) -> list[dict[str, str]]:
    page = f"{sheet.slug}/{section.slug}.html"
    cards = [
        {"q": inline(card.question), "a": inline(card.answer), "href": f"{page}#{anchor}"}
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
    return cards


def quiz_data(library: Library, inline: Inline, anchors: Anchors) -> dict[str, Any]:
    """Return the quiz data: ``{"sheets": [{slug, title, sections: [{slug, title, emoji, cards}]}]}``.

    Titles are plain text (the page sets them as text); each card is ``{"q", "a", "href"}`` with
    ``q``/``a`` HTML fragments and ``href`` the docs-root-relative URL of its question.
    """
    return {
        "sheets": [
            {
                "slug": sheet.slug,
                "title": plain_text(inline(sheet.title)),
                "sections": [
                    {
                        "slug": section.slug,
                        "title": plain_text(inline(section.title)),
                        "emoji": section.emoji,
                        "cards": _section_cards(sheet, section, inline, anchors),
                    }
                    for section in sheet.sections
                ],
            }
            for sheet in library.sheets
        ]
    }


def quiz_data_script(library: Library, inline: Inline, anchors: Anchors) -> str:
    """Return the text of the quiz data script: ``window.cheatdeckQuiz = {…};`` and a newline."""
    return f"window.cheatdeckQuiz = {script_json(quiz_data(library, inline, anchors))};\n"
