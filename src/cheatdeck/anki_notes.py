"""The rules of Anki notes as plain data: note types' fields, deck names, field HTML, sort field.

The note plan (``plan.py``) uses these to give every note its fields (finished HTML from the one
shared renderer, ``markup.py``); ``anki.py`` writes them with genanki. Keeping these rules free
of genanki keeps them testable on their own and keeps genanki in exactly one module (DESIGN.md).

Rules and where they come from:

* Field lists are fixed forever (DESIGN.md "Identity"; FIELD-NOTES: adding or renaming a field
  makes Anki create a second note type and orphan every note).
* Deck names are ``<root>::<sheet title>::<section title>``. Anki splits deck names on ``::``,
  so a ``::`` inside a title is replaced by ``∷`` (U+2237 PROPORTION), which reads the same and
  cannot nest. The root deck is taken as configured: a ``::`` there nests on purpose.
* Tags are ``cheatdeck::<sheet-slug>::<section-slug>``, the kind (``qa``, ``gotcha``, ``fact``)
  and the card's own tags (:func:`cheatdeck.names.note_tags`).
* The ``Source`` field holds the URL of the question on the study site
  (:func:`cheatdeck.names.question_url`, the same anchors as the site's pages; fact notes link
  the section page), HTML-escaped for an attribute; ``""`` when no site URL is configured. The
  templates turn it into a link.
* The sort field (``notes.sfld``) and first-field checksum (``notes.csum``) are what Anki itself
  computes (:func:`sort_text`, :func:`field_checksum`), not genanki's raw HTML.
* A fact row gives one cloze per non-empty value; ``cN`` is the value's column number, so a card
  keeps its ordinal (and its review history) when another cell of the row is emptied or refilled.
  Its ``Text`` is the row as a column/value table (:func:`cloze_text`), ``Subject`` the first
  cell, ``Table`` the header cells joined by `` · ``; ``Extra`` stays empty (no source for it).
* A *retired* note (a ledger entry gone from the sources, ``plan.py``) is shipped with its last
  text, in the deck ``<root> (retired)``, tagged ``cheatdeck::retired`` and its kind only (no
  section tag, so a learner's section searches drop it), with no site link, after every live
  note, its cards suspended (``anki.py``). What Anki does with that on import (measured with anki 26.9.3, see
  ``tests/test_ledger_anki.py``): a re-imported existing note gets the new fields and tags, but
  its cards stay in their deck and keep their queue (not suspended); a first import keeps the
  suspension only with "Import any learning progress" (``with_scheduling``), else the cards
  arrive as new cards in ``<root> (retired)``. ``tag:cheatdeck::retired`` finds them all.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from itertools import zip_longest
from typing import Literal

NoteType = Literal["qa", "fact"]

QA_MODEL_NAME = "cheatdeck Q&A"
"""Name of the Q&A note type (Anki matches it by ID; the name is what users see)."""

FACT_MODEL_NAME = "cheatdeck fact"
"""Name of the cloze fact note type."""

QA_FIELDS = ("Question", "Answer", "Section", "Sheet", "Source", "Extra")
"""Fields of the Q&A note type, in order. Fixed forever (DESIGN.md)."""

FACT_FIELDS = ("Text", "Subject", "Table", "Section", "Sheet", "Source", "Extra")
"""Fields of the cloze "fact" note type, in order. Fixed forever (DESIGN.md)."""

SORT_FIELD = {"qa": QA_FIELDS.index("Question"), "fact": FACT_FIELDS.index("Subject")}
"""Index of each note type's sort field (what Anki's browser sorts by)."""

DECK_SEPARATOR = "::"
"""Anki's deck (and tag) hierarchy separator."""

RETIRED_TAG = "cheatdeck::retired"
"""Tag of every retired note: ``tag:cheatdeck::retired`` in Anki finds them all."""

RETIRED_DECK_SUFFIX = " (retired)"
"""Retired notes go to the deck ``<root> (retired)``, a *sibling* of the root deck, not a
subdeck: Anki's default import drops the cards' suspension (it keeps scheduling only with
"Import any learning progress"), so a subdeck would put them in every study session of the root
deck; a sibling deck is never studied unless opened. Only a first import puts cards there
(decks of existing cards are never moved by a re-import, FIELD-NOTES)."""

_SEPARATOR_LOOKALIKE = "\u2237"  # ∷ PROPORTION: looks like "::" but Anki does not split on it
_ANGLE_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a"})
"""``<``/``>`` in a title become ‹ › in deck names: a name is text, but Anki's deck list is an
HTML page, and a title's ``<script>`` must never reach one as markup (issue 11 item 5)."""

# Anki's own regexes (rslib/src/text.rs: HTML, HTML_MEDIA_TAGS), so sfld is what it computes.
_HTML = re.compile(r"<!--.*?-->|<.*?>", re.S | re.I)
_MEDIA_TAGS = re.compile(
    r"""<\b(?:img|audio|video|object)\b(?:[^>]|"[^"]+?"|'[^']+?')+?\b(?:src|data)\b="""
    r"""(?:"([^"]+?)"|'([^']+?)'|([^ >]+?))[^>]*>""", re.S | re.I)


def deck_name(root_deck: str, *titles: str) -> str:
    """Return the Anki deck name for ``titles`` under ``root_deck``.

    Args:
        root_deck: the configured root deck, used as given (a ``::`` in it nests on purpose).
        titles: the sheet title, the section title …; whitespace is collapsed and each ``::``
            becomes ``∷`` so a title is exactly one level (Anki splits names on ``::``);
            ``<`` and ``>`` become ``‹`` and ``›`` (no markup in a name).

    Returns:
        e.g. ``"Interview Cheat Sheets::Stage 1 — Interview Cheat Sheet::TOKENS"``.
    """
    levels = [" ".join(t.split()).replace(DECK_SEPARATOR, _SEPARATOR_LOOKALIKE)
              .translate(_ANGLE_LOOKALIKES) for t in titles]
    return DECK_SEPARATOR.join([root_deck, *levels])


def link_field(url: str) -> str:
    """Return the ``Source`` field for a site URL (:func:`cheatdeck.names.question_url`):
    HTML-escaped for the templates' ``href`` attribute; ``""`` stays ``""``."""
    return html.escape(url, quote=True)


def cloze_text(columns: tuple[str, ...], values: tuple[str, ...]) -> str:
    """Return the ``Text`` field of a fact note: one table row per value column.

    Args:
        columns: the value columns' header HTML (the subject column excluded).
        values: the row's value HTML, parallel to ``columns``; a short row (the reader warns
            about it) has no value for the columns past its end.

    Returns:
        ``<table class="cd-facts"><tr><th>Params</th><td>{{c1::7B}}</td></tr>…</table>``; an
        empty value gets no cloze (it would make an empty card). Inside a cloze every ``:`` is
        written ``&#58;``: Anki reads ``::`` in a cloze as its hint separator, and its cloze parser
        works on raw field text, so the reference keeps the value whole. ``{``/``}`` are already
        references (``markup.py``), so the value can never close the cloze early.
    """
    rows = []
    for number, (column, value) in enumerate(zip_longest(columns, values[:len(columns)],
                                                         fillvalue=""), start=1):
        cell = f"{{{{c{number}::{value.replace(':', '&#58;')}}}}}" if value else ""
        rows.append(f"<tr><th>{column}</th><td>{cell}</td></tr>")
    return '<table class="cd-facts">' + "".join(rows) + "</table>"


def qa_fields(render: Callable[[str], str], *, question: str, answer: str, extra: str,
              section_title: str, sheet_title: str, url: str,
              render_answer: Callable[[str], str] | None = None) -> tuple[str, ...]:
    """Return the fields of a Q&A note (:data:`QA_FIELDS` order), HTML.

    Args:
        render: inline Markdown → HTML (the shared renderer's ``inline``).
        question, answer, extra, section_title, sheet_title: Markdown source.
        url: the question's site URL, or ``""`` (:func:`link_field` escapes it).
        render_answer: renders the answer instead of ``render``: the renderer's ``block`` for
            a block-shaped card's answer (paragraphs, lists, highlighted code; issue 19).
    """
    return (render(question), (render_answer or render)(answer), render(section_title),
            render(sheet_title), link_field(url), render(extra))


def fact_fields(render: Callable[[str], str], *, columns: tuple[str, ...], subject: str,
                values: tuple[str, ...], section_title: str, sheet_title: str,
                url: str) -> tuple[str, ...]:
    """Return the fields of a cloze fact note (:data:`FACT_FIELDS` order), HTML.

    A fact row gives one cloze per non-empty value; ``cN`` is the value's column number, so a card
    keeps its ordinal (and its review history) when another cell of the row is emptied or
    refilled. ``Text`` is the row as a column/value table (:func:`cloze_text`), ``Subject`` the
    first cell, ``Table`` the header cells joined by `` · ``; ``Extra`` stays empty.

    Args:
        render: inline Markdown → HTML.
        columns: the table's header cells (subject column first), Markdown.
        subject, values: the row's cells, Markdown.
        section_title, sheet_title: Markdown source.
        url: the section's site URL, or ``""``.
    """
    header = tuple(render(c) for c in columns)
    cells = tuple(render(v) for v in values)
    return (cloze_text(header[1:], cells), render(subject), " · ".join(header),
            render(section_title), render(sheet_title), link_field(url), "")


def sort_text(field: str) -> str:
    """Return a field as Anki stores it for sorting and duplicate checks (``notes.sfld``).

    Anki's ``strip_html_preserving_media_filenames`` (rslib ``text.rs``): each image, audio,
    video or object tag becomes `` <file name> ``, comments and tags are dropped, entities are
    decoded and no-break spaces become spaces. E.g. ``What does <strong><code>&amp;&amp;</code>
    </strong> do?`` → ``What does && do?``. Measured against Anki's "Check Database" in
    ``tests/test_plan_anki.py``.
    """
    text = _MEDIA_TAGS.sub(lambda m: f" {m.group(1) or m.group(2) or m.group(3)} ", field)
    text = _HTML.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text.replace("\xa0", " ")


def field_checksum(first_field: str) -> int:
    """Return Anki's first-field checksum (``notes.csum``): the first 4 bytes of the SHA-1 of
    :func:`sort_text` of the first field, as a big-endian unsigned integer (rslib
    ``field_checksum``)."""
    return int.from_bytes(hashlib.sha1(sort_text(first_field).encode("utf-8")).digest()[:4], "big")
