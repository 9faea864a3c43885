"""The Anki notes of a library, as plain data: GUIDs, fields, decks and tags (no genanki here).

This is the pure half of the deck build: it turns the model into :class:`NoteSpec` values whose
fields are finished HTML from the one shared renderer (``markup.py``). ``anki.py`` turns them into
genanki objects and writes the package. Keeping this half free of genanki keeps the rules testable
on their own and keeps genanki in exactly one module (DESIGN.md).

Rules and where they come from:

* Field lists are fixed forever (DESIGN.md "Identity"; FIELD-NOTES: adding or renaming a field
  makes Anki create a second note type and orphan every note).
* Deck names are ``<root>::<sheet title>::<section title>``. Anki splits deck names on ``::``,
  so a ``::`` inside a title is replaced by ``∷`` (U+2237 PROPORTION), which reads the same and
  cannot nest. The root deck is taken as configured: a ``::`` there nests on purpose.
* Tags are ``cheatdeck::<sheet-slug>::<section-slug>``, the kind (``qa``, ``gotcha``, ``fact``)
  and the card's own tags; whitespace inside a tag becomes ``_`` (genanki raises on a space and
  Anki splits tags on whitespace).
* The ``Source`` field holds the URL of the question on the study site
  (``<site_url>/<sheet-slug>/<section-slug>.html#<anchor>``, anchors from
  :func:`cheatdeck.ids.section_anchors`; fact notes link the section page), HTML-escaped for an
  attribute; ``""`` when no site URL is configured. The templates turn it into a link.
* A fact row gives one cloze per non-empty value; ``cN`` is the value's column number, so a card
  keeps its ordinal (and its review history) when another cell of the row is emptied or refilled.
  Its ``Text`` is the row as a column/value table (:func:`cloze_text`), ``Subject`` the first
  cell, ``Table`` the header cells joined by `` · ``; ``Extra`` stays empty (no source for it).
* A note's GUID is its own (:mod:`cheatdeck.ids`) unless the identity ledger maps it to the
  older GUID of the question it rewords (``ledger.py``, ``ledger_match.py``).
* A *retired* note (a ledger entry gone from the sources) is shipped with its last text, in the
  deck ``<root> (retired)``, tagged ``cheatdeck::retired`` and its kind only (no section tag, so
  a learner's section searches drop it), with no site link, after every live note, its cards
  suspended (``anki.py``). What Anki does with that on import (measured with anki 26.9.3, see
  ``tests/test_ledger_anki.py``): a re-imported existing note gets the new fields and tags, but
  its cards stay in their deck and keep their queue (not suspended); a first import keeps the
  suspension only with "Import any learning progress" (``with_scheduling``), else the cards
  arrive as new cards in ``<root> (retired)``. ``tag:cheatdeck::retired`` finds them all.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import zip_longest
from typing import Literal

from cheatdeck.diagnostics import Diagnostic
from cheatdeck.ids import card_guid, fact_guid, section_anchors
from cheatdeck.ledger import LedgerEntry
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import NO_POS, FactTable, Library, Section, Sheet, SourcePos, question_key

NoteType = Literal["qa", "fact"]

QA_MODEL_NAME = "cheatdeck Q&A"
"""Name of the Q&A note type (Anki matches it by ID; the name is what users see)."""

FACT_MODEL_NAME = "cheatdeck fact"
"""Name of the cloze fact note type."""

QA_FIELDS = ("Question", "Answer", "Section", "Sheet", "Source", "Extra")
"""Fields of the Q&A note type, in order. Fixed forever (DESIGN.md)."""

FACT_FIELDS = ("Text", "Subject", "Table", "Section", "Sheet", "Source", "Extra")
"""Fields of the cloze "fact" note type, in order. Fixed forever (DESIGN.md)."""

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


@dataclass(frozen=True, slots=True)
class NoteSpec:
    """One note of the deck, ready for genanki.

    Attributes:
        guid: the note GUID (:mod:`cheatdeck.ids`); Anki matches notes on re-import by it alone.
        note_type: ``"qa"`` (fields :data:`QA_FIELDS`) or ``"fact"`` (fields :data:`FACT_FIELDS`).
        deck: full deck name, ``<root>::<sheet title>::<section title>``.
        fields: field values (HTML), parallel to the note type's field list.
        tags: tags in a fixed order, none containing whitespace.
        kind: ``"qa"``, ``"gotcha"`` or ``"fact"``.
        sheet: the sheet slug.
        key: what the GUID was derived from within the sheet: the question key, or for a fact
            row ``<table name>|<subject key>``; lets a build report added/removed notes.
        text: Markdown source of the question, or of the fact row's subject.
        pos: where the card or row is in the sources (:data:`~cheatdeck.model.NO_POS` when
            retired).
        retired: True for a retired note from the ledger; its cards are shipped suspended.
    """

    guid: str
    note_type: NoteType
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str
    sheet: str
    key: str
    text: str
    pos: SourcePos
    retired: bool = False


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


def tag(text: str) -> str:
    """Return ``text`` as one Anki tag: runs of whitespace become ``_``.

    Anki splits a note's tags on whitespace and genanki raises ``ValueError`` on a space
    (FIELD-NOTES), so no tag may hold any.
    """
    return "_".join(text.split())


def note_tags(
    sheet: Sheet, section: Section, kind: str, extra: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Return the tags of a note: hierarchy tag, kind, then ``extra`` (deduplicated, in order)."""
    tags = [f"cheatdeck::{sheet.slug}::{section.slug}", kind, *(tag(t) for t in extra)]
    return tuple(dict.fromkeys(t for t in tags if t))


def site_link(site_url: str, sheet: Sheet, section: Section, anchor: str = "") -> str:
    """Return the study-site URL of a section page (and question), escaped for an HTML attribute.

    Args:
        site_url: the configured site URL; ``""`` means "no site", giving ``""``.
        sheet, section: whose page (``<sheet-slug>/<section-slug>.html``, MkDocs with
            ``use_directory_urls: false``).
        anchor: the question's anchor from :func:`cheatdeck.ids.section_anchors`, or ``""``.
    """
    if not site_url:
        return ""
    url = f"{site_url.rstrip('/')}/{sheet.slug}/{section.slug}.html"
    return html.escape(f"{url}#{anchor}" if anchor else url, quote=True)


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
        cell = "{{c%d::%s}}" % (number, value.replace(":", "&#58;")) if value else ""
        rows.append(f"<tr><th>{column}</th><td>{cell}</td></tr>")
    return '<table class="cd-facts">' + "".join(rows) + "</table>"


def collect_notes(
    library: Library, *, root_deck: str, site_url: str, renderer: MarkupRenderer,
    guid_overrides: Mapping[str, str] | None = None, retired: tuple[LedgerEntry, ...] = (),
    kept: tuple[LedgerEntry, ...] = (),
) -> tuple[tuple[NoteSpec, ...], list[Diagnostic]]:
    """Turn every card and fact row of ``library`` into a :class:`NoteSpec`.

    Order: sheet by sheet, section by section; in a section its cards in source order, then its
    fact tables' rows; then the ``retired`` notes. Anki introduces new cards in this order.

    Args:
        library: the model.
        root_deck: the root deck name (``[tool.cheatdeck] deck``).
        site_url: the study site's URL, or ``""``.
        renderer: the shared Markdown→HTML renderer.
        guid_overrides: ``{own GUID: GUID to ship}`` for reworded cards
            (:attr:`cheatdeck.ledger.Identities.overrides`).
        retired: ledger entries to ship as retired notes (see the module docstring).
        kept: ledger entries of skipped rows (:attr:`cheatdeck.ledger.Identities.kept`),
            shipped as last shipped in their section's deck with their usual tags, after the
            section's own notes.

    Returns:
        The notes, and warnings for fact rows skipped because every value is empty (Anki would
        import such a cloze note with no card at all, FIELD-NOTES). GUID clashes are not checked
        here; see :func:`duplicate_guids`.
    """
    render = renderer.inline  # memoized per renderer: repeated cells render once
    notes: list[NoteSpec] = []
    diagnostics: list[Diagnostic] = []
    for sheet in library.sheets:
        sheet_html = render(sheet.title)
        for section in sheet.sections:
            context = _SectionContext(
                sheet, section, deck_name(root_deck, sheet.title, section.title),
                sheet_html, render(section.title), site_url, guid_overrides or {},
            )
            notes.extend(_card_notes(context, render))
            for table in section.fact_tables:
                for note_or_warning in _fact_notes(context, table, render):
                    if isinstance(note_or_warning, Diagnostic):
                        diagnostics.append(note_or_warning)
                    else:
                        notes.append(note_or_warning)
    notes.extend(_ledger_note(entry, deck_name(root_deck, entry.sheet_title,
                                               entry.section_title), render,
                              (f"cheatdeck::{entry.sheet}::{entry.section}", entry.kind))
                 for entry in kept)
    retired_deck = root_deck + RETIRED_DECK_SUFFIX
    notes.extend(_ledger_note(entry, retired_deck, render, (RETIRED_TAG, entry.kind),
                              retired=True) for entry in retired)
    return tuple(notes), diagnostics


def duplicate_guids(notes: tuple[NoteSpec, ...]) -> list[Diagnostic]:
    """Return one error per note whose GUID an earlier note already has, naming both lines.

    Anki imports both notes of a package that share a GUID and never repairs it (FIELD-NOTES),
    so this must be caught before writing. The diagnostic sits on the later note's line and its
    message names the earlier one's ``path:line:col``.
    """
    first: dict[str, NoteSpec] = {}
    errors = []
    for note in notes:
        earlier = first.setdefault(note.guid, note)
        if earlier is not note:
            errors.append(
                Diagnostic(
                    note.pos.path, note.pos.line, note.pos.col, "error",
                    f"{note.text!r} would be the same Anki note as {earlier.text!r} "
                    f"at {earlier.pos}",
                    "questions equal up to case, spaces and a final ?/./! (or two sheets with the "
                    "same title) share an identity: reword one, or give it an ID column",
                )
            )
    return errors


@dataclass(frozen=True, slots=True)
class _SectionContext:
    """What every note of one section shares, rendered once per section."""

    sheet: Sheet
    section: Section
    deck: str
    sheet_html: str
    section_html: str
    site_url: str
    guid_overrides: Mapping[str, str]


def _card_notes(ctx: _SectionContext, render: Callable[[str], str]) -> Iterator[NoteSpec]:
    for card, anchor in zip(ctx.section.cards, section_anchors(ctx.section), strict=True):
        fields = (
            render(card.question),
            render(card.answer),
            ctx.section_html,
            ctx.sheet_html,
            site_link(ctx.site_url, ctx.sheet, ctx.section, anchor),
            render(card.extra_field),
        )
        guid = card_guid(ctx.sheet, card)
        yield NoteSpec(
            guid=ctx.guid_overrides.get(guid, guid),
            note_type="qa",
            deck=ctx.deck,
            fields=fields,
            tags=note_tags(ctx.sheet, ctx.section, card.kind, card.tags),
            kind=card.kind,
            sheet=ctx.sheet.slug,
            key=f"{card.scope}|{card.key}" if card.scope else card.key,
            text=card.question,
            pos=card.pos,
        )


def _fact_notes(
    ctx: _SectionContext, table: FactTable, render: Callable[[str], str]
) -> Iterator[NoteSpec | Diagnostic]:
    columns = tuple(render(c) for c in table.columns)
    link = site_link(ctx.site_url, ctx.sheet, ctx.section)
    for row in table.rows:
        values = tuple(render(v) for v in row.values)
        if not any(values):
            yield Diagnostic(
                row.pos.path, row.pos.line, row.pos.col, "warning",
                f"fact row {row.subject!r} has no value: no Anki note made for it",
            )
            continue
        fields = (
            cloze_text(columns[1:], values),
            render(row.subject),
            " · ".join(columns),
            ctx.section_html,
            ctx.sheet_html,
            link,
            "",
        )
        yield NoteSpec(
            guid=fact_guid(ctx.sheet.slug, table, row),
            note_type="fact",
            deck=ctx.deck,
            fields=fields,
            tags=note_tags(ctx.sheet, ctx.section, "fact"),
            kind="fact",
            sheet=ctx.sheet.slug,
            key=f"{table.name}|{question_key(row.subject)}",
            text=row.subject,
            pos=row.pos,
        )


def _ledger_note(entry: LedgerEntry, deck: str, render: Callable[[str], str],
                 tags: tuple[str, ...], *, retired: bool = False) -> NoteSpec:
    """Return a note as a ledger entry last shipped it: its last text, no site link (the row
    is not on the page). A retired note, or a skipped row's note kept as shipped."""
    place = (render(entry.section_title), render(entry.sheet_title))
    key = question_key(entry.question)  # as in _card_notes / _fact_notes
    if entry.kind == "fact":
        key = "|".join(entry.columns) + "|" + key
        columns = tuple(render(c) for c in entry.columns)
        values = tuple(render(v) for v in entry.values)
        fields = (cloze_text(columns[1:], values), render(entry.question), " · ".join(columns),
                  *place, "", "")
    else:
        fields = (render(entry.question), render(entry.answer), *place, "", render(entry.extra))
    return NoteSpec(
        guid=entry.guid,
        note_type="fact" if entry.kind == "fact" else "qa",
        deck=deck,
        fields=fields,
        tags=tags,
        kind=entry.kind,
        sheet=entry.sheet,
        key=key,
        text=entry.question,
        pos=NO_POS,
        retired=retired,
    )
