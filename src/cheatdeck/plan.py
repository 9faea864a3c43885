"""The note plan: every note a build ships, decided once from the model and the ledger.

:func:`plan_notes` is pure (text in, values out; the clock comes in as ``now``). It gives every
note its GUID (``identity.py``), its fields as Anki will store them (``anki_notes.py``), its
state and the time its content last changed. The deck (``anki.py``), the CSV export, the ledger
update (:meth:`NotePlan.ledger`) and the build's change summary all read the plan; none of them
computes a GUID or decides "does this row make a note" again (pandoc's one AST, STYLE.md).

States:

* ``live``: a card or fact row of the sources.
* ``kept``: a row the reader skipped with a warning (``Sheet.skipped``) whose note was shipped
  before: it ships exactly as last shipped (same fields, same time, so Anki leaves it alone),
  until the row is fixed or deleted (DESIGN.md "Severity").
* ``retired``: a ledger entry gone from the sources: shipped with its last text, tagged
  ``cheatdeck::retired``, in ``<root> (retired)``, cards suspended (``anki_notes.py``).

Times (Anki updates a note on re-import only when the package's copy is newer, FIELD-NOTES): a
note whose fields and tags are what the ledger's digest records keeps the ledger's time; a new
note gets ``now``; a changed one (including one just retired) gets ``max(now, last time + 1)``,
so it is always newer than what learners have. A one-answer edit therefore re-dates one note,
and a build whose ledger is current uses no clock at all: two clones build the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from cheatdeck.anki_notes import (
    RETIRED_DECK_SUFFIX,
    RETIRED_TAG,
    SORT_FIELD,
    NoteType,
    deck_name,
    fact_fields,
    qa_fields,
)
from cheatdeck.diagnostics import Diagnostic
from cheatdeck.errors import SourceError
from cheatdeck.identity import assign_guids
from cheatdeck.ids import card_guid, fact_guid
from cheatdeck.ledger import Ledger, LedgerEntry
from cheatdeck.ledger_match import Rewording
from cheatdeck.model import NO_POS, Library, Section, Sheet, SourcePos, question_key
from cheatdeck.names import note_tags, question_anchor, question_url, section_anchors

if TYPE_CHECKING:  # the renderer loads markdown-it; the plan only calls it
    from cheatdeck.markup import MarkupRenderer

NoteState = Literal["live", "kept", "retired"]
Change = Literal["added", "changed", "unchanged"]


@dataclass(frozen=True, slots=True)
class PlannedNote:
    """One note of the deck, with everything every output needs.

    Attributes:
        guid: the GUID it ships under; Anki matches notes on re-import by it alone.
        note_type: ``"qa"`` (fields ``QA_FIELDS``) or ``"fact"`` (``FACT_FIELDS``).
        deck: full deck name, ``<root>::<sheet title>::<section title>`` (or the retired deck).
        fields: field values as Anki stores them (HTML), in the note type's field order.
        tags: tags in a fixed order, none holding whitespace.
        state: ``"live"``, ``"kept"`` or ``"retired"`` (module docstring).
        change: against the ledger: ``"added"`` (GUID never shipped), ``"changed"`` (fields or
            tags differ from what was last shipped, or just retired) or ``"unchanged"``.
        key: what the GUID was derived from within the sheet: the question key (``<section
            slug>|<question key>`` for a question asked in two sections, ``Card.scope``), or for
            a fact row ``<table name>|<subject key>``.
        text: Markdown source of the question, or of the fact row's subject (for reports).
        pos: where the card or row is in the sources (``NO_POS`` when retired).
        entry: what the ledger records for the note after this build; ``entry.changed`` is the
            note's modification time in the package.
    """

    guid: str
    note_type: NoteType
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    state: NoteState
    change: Change
    key: str
    text: str
    pos: SourcePos
    entry: LedgerEntry

    @property
    def kind(self) -> str:
        """``"qa"``, ``"gotcha"`` or ``"fact"``."""
        return self.entry.kind

    @property
    def sheet(self) -> str:
        """The sheet slug."""
        return self.entry.sheet

    @property
    def section(self) -> str:
        """The section slug."""
        return self.entry.section

    @property
    def changed(self) -> int:
        """When the note's content last changed (seconds since the epoch): its ``mod`` in Anki."""
        return self.entry.changed

    @property
    def retired(self) -> bool:
        """True for a retired note (shipped suspended, in the retired deck)."""
        return self.state == "retired"

    @property
    def sort_field(self) -> str:
        """The field Anki sorts by (``Question`` or ``Subject``), HTML."""
        return self.fields[SORT_FIELD[self.note_type]]


@dataclass(frozen=True, slots=True)
class NotePlan:
    """Every note of one build, in deck order, and what identity decided.

    Attributes:
        notes: sheet by sheet, section by section (cards in source order, then fact rows), then
            the kept notes, then the retired ones; Anki introduces new cards in this order.
        reworded: the questions this build matched to an older note's GUID (old → new).
        diagnostics: warnings found while planning (a fact row whose values render empty).
        overrides: ``{own GUID (ids.card_guid): GUID shipped}`` of the cards that continue an
            older note: the site keys study progress by the shipped GUIDs with it.
    """

    notes: tuple[PlannedNote, ...]
    reworded: tuple[Rewording, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    overrides: Mapping[str, str] = field(default_factory=dict)

    def ledger(self) -> Ledger:
        """Return the ledger after this build: one entry per planned note."""
        return Ledger(tuple(note.entry for note in self.notes))

    def having(self, state: NoteState, change: Change | None = None) -> tuple[PlannedNote, ...]:
        """Return the notes in ``state`` (and with ``change``, if given), in plan order."""
        return tuple(n for n in self.notes
                     if n.state == state and (change is None or n.change == change))

    @property
    def timestamp(self) -> int:
        """The latest note time (0 with no note): the note types' ``mod`` in the package."""
        return max((n.changed for n in self.notes), default=0)


def content_digest(note_type: str, fields: tuple[str, ...], tags: tuple[str, ...]) -> str:
    """Return 12 hex digits of the SHA-256 of what Anki stores of a note on re-import (its
    fields and tags; a re-import never moves a card to another deck, FIELD-NOTES)."""
    payload = "\x1f".join((note_type, *fields)) + "\x1e" + " ".join(tags)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def plan_notes(library: Library, ledger: Ledger, *, root_deck: str, site_url: str,
               renderer: MarkupRenderer, now: int,
               new_identity: Collection[str] = (), fields: bool = True) -> NotePlan:
    """Compute the note plan of a build (module docstring).

    Args:
        library: the model just read (without errors).
        ledger: the ledger as committed (an empty one for a first build).
        root_deck: the root deck name (``[tool.cheatdeck] deck``).
        site_url: the study site's URL, or ``""`` (no ``Source`` links).
        renderer: the shared Markdown→HTML renderer, made with ``media=library.media_names``.
        now: the time to give notes that are new or changed (seconds since the epoch).
        new_identity: questions that must not keep an older note's GUID (``--new-identity``).
        fields: False leaves the Q&A notes' fields as their Markdown source, unrendered (their
            digests and the ledger are then not what a deck would ship): for a build without a
            deck, which uses only the GUIDs and the diagnostics (fact rows are still rendered,
            their warnings depend on it).

    Returns:
        The :class:`NotePlan`.

    Raises:
        LedgerError: a ``new_identity`` question is not in the library.
        SourceError: two notes would share a GUID (Anki would import both and never repair it,
            FIELD-NOTES); one error per clash, naming both source lines.
    """
    identities = assign_guids(library, ledger, new_identity)
    known = {e.guid: e for e in ledger.entries}
    render = _Render(renderer.inline, renderer.block)
    drafts: list[_Draft] = []
    diagnostics: list[Diagnostic] = []
    for sheet in library.sheets:
        for section in sheet.sections:
            drafts.extend(_card_drafts(sheet, section, root_deck, site_url,
                                       render if fields else _SOURCE, identities.overrides))
            for item in _fact_drafts(sheet, section, root_deck, site_url, render.inline):
                if isinstance(item, Diagnostic):
                    diagnostics.append(item)
                else:
                    drafts.append(item)
    clashes = _clashes(drafts)
    if clashes:
        raise SourceError(clashes)
    claimed = {d.entry.guid for d in drafts}
    for entry, pos in _kept_entries(library, ledger, claimed):
        claimed.add(entry.guid)
        drafts.append(_kept_draft(entry, pos, root_deck, site_url, render))
    retired_deck = root_deck + RETIRED_DECK_SUFFIX
    drafts.extend(_retired_draft(e, retired_deck, render) for e in ledger.entries
                  if e.guid not in claimed)
    notes = tuple(_dated(d, known.get(d.entry.guid), now) for d in drafts)
    return NotePlan(notes, identities.reworded, tuple(diagnostics), identities.overrides)


@dataclass(frozen=True, slots=True)
class _Draft:
    """A note before dating: ``entry`` has the new text but the old (or no) time and digest."""

    note_type: NoteType
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    state: NoteState
    key: str
    pos: SourcePos
    entry: LedgerEntry


def _dated(draft: _Draft, old: LedgerEntry | None, now: int) -> PlannedNote:
    """Give a draft its time and digest against the ledger's entry for the same GUID."""
    digest = content_digest(draft.note_type, draft.fields, draft.tags)
    change: Change
    if draft.state == "kept" and old is not None:
        entry, change = old, "unchanged"  # byte for byte as last shipped
    elif old is None:
        entry, change = draft.entry.dated(now, digest), "added"
    elif old.digest == digest or (not old.digest and old.same_source(draft.entry)
                                  and old.retired == draft.entry.retired):
        # The entry records the new text (a fixed typo in a title may not change the HTML).
        entry, change = draft.entry.dated(old.changed, digest), "unchanged"
    else:
        entry = draft.entry.dated(max(now, old.changed + 1), digest)
        change = "changed"
    return PlannedNote(draft.entry.guid, draft.note_type, draft.deck, draft.fields, draft.tags,
                       draft.state, change, draft.key, draft.entry.question, draft.pos, entry)


@dataclass(frozen=True, slots=True)
class _Render:
    """The shared renderer's inline and block Markdown → HTML."""

    inline: Callable[[str], str]
    block: Callable[[str], str]

    def answer(self, block: bool) -> Callable[[str], str]:
        """How an answer renders: as blocks for a block-shaped card (issue 19)."""
        return self.block if block else self.inline


_SOURCE = _Render(str, str)
"""Leaves Markdown as it is (:func:`plan_notes` without ``fields``)."""


def _card_drafts(sheet: Sheet, section: Section, root_deck: str, site_url: str,
                 render: _Render, overrides: dict[str, str]) -> Iterator[_Draft]:
    deck = deck_name(root_deck, sheet.title, section.title)
    # The anchors only make the Source link: no site URL, no link (slugging was 0.35 s at 10k).
    anchors = section_anchors(section) if site_url else ("",) * len(section.cards)
    for card, anchor in zip(section.cards, anchors, strict=True):
        own = card_guid(sheet, card)
        entry = LedgerEntry(
            guid=overrides.get(own, own), sheet=sheet.slug, section=section.slug, kind=card.kind,
            question=card.question, answer=card.answer, columns=(), values=(),
            sheet_title=sheet.title, section_title=section.title, changed=0, digest="",
            id=card.id, extra=card.extra_field, tags=card.tags)
        fields = qa_fields(render.inline, question=card.question, answer=card.answer,
                           extra=card.extra_field,
                           section_title=section.title, sheet_title=sheet.title,
                           url=question_url(site_url, sheet, section, anchor),
                           render_answer=render.answer(card.shape.is_block))
        yield _Draft("qa", deck, fields, note_tags(sheet.slug, section.slug, card.kind, card.tags),
                     "live", f"{card.scope}|{card.key}" if card.scope else card.key, card.pos,
                     entry)


def _fact_drafts(sheet: Sheet, section: Section, root_deck: str, site_url: str,
                 render: Callable[[str], str]) -> Iterator[_Draft | Diagnostic]:
    deck = deck_name(root_deck, sheet.title, section.title)
    url = question_url(site_url, sheet, section)
    tags = note_tags(sheet.slug, section.slug, "fact")
    for table in section.fact_tables:
        for row in table.rows:
            if not any(render(v) for v in row.values):
                # Anki would import a cloze note with no cloze as a note with no card.
                yield Diagnostic(row.pos.path, row.pos.line, row.pos.col, "warning",
                                 f"fact row {row.subject!r} has no value: no Anki note made "
                                 "for it")
                continue
            entry = LedgerEntry(
                guid=fact_guid(sheet.slug, table, row), sheet=sheet.slug, section=section.slug,
                kind="fact", question=row.subject, answer="", columns=table.columns,
                values=row.values, sheet_title=sheet.title, section_title=section.title,
                changed=0, digest="")
            fields = fact_fields(render, columns=table.columns, subject=row.subject,
                                 values=row.values, section_title=section.title,
                                 sheet_title=sheet.title, url=url)
            yield _Draft("fact", deck, fields, tags, "live",
                         f"{table.name}|{question_key(row.subject)}", row.pos, entry)


def _entry_fields(entry: LedgerEntry, render: _Render, url: str) -> tuple[str, ...]:
    """The fields of a note rebuilt from its ledger entry (kept and retired notes).

    The ledger keeps no shape: an answer holding a line break was block Markdown (a row's
    answer is one line by construction, the reader joins its lines), so it renders as blocks.
    """
    if entry.kind == "fact":
        return fact_fields(render.inline, columns=entry.columns, subject=entry.question,
                           values=entry.values, section_title=entry.section_title,
                           sheet_title=entry.sheet_title, url=url)
    return qa_fields(render.inline, question=entry.question, answer=entry.answer,
                     extra=entry.extra, section_title=entry.section_title,
                     sheet_title=entry.sheet_title, url=url,
                     render_answer=render.answer("\n" in entry.answer))


def _entry_key(entry: LedgerEntry) -> str:
    key = question_key(entry.question)
    return f"{'|'.join(entry.columns)}|{key}" if entry.kind == "fact" else key


def _kept_entries(library: Library, ledger: Ledger,
                  claimed: set[str]) -> Iterator[tuple[LedgerEntry, SourcePos]]:
    """The live ledger entries no note claims that a skipped row of the same sheet stands for,
    with the row's position: same kind and ID, or (no ID) the same question key and, for a fact
    row, the same table. A row whose question is what is empty stands for nothing."""
    wanted: dict[tuple[str, str, str, str], SourcePos] = {}
    for sheet in library.sheets:
        for row in sheet.skipped:
            if row.id:
                wanted.setdefault((sheet.slug, row.kind, "id", row.id), row.pos)
            elif row.question:
                wanted.setdefault((sheet.slug, row.kind, row.table, question_key(row.question)),
                                  row.pos)
    for entry in ledger.entries if wanted else ():
        if entry.retired or entry.guid in claimed:
            continue  # a retired entry stays retired, as shipped: the retired pass ships it
        key = ((entry.sheet, entry.kind, "id", entry.id) if entry.id else
               (entry.sheet, entry.kind, "|".join(entry.columns), question_key(entry.question)))
        if key in wanted:
            yield entry, wanted[key]


def _kept_draft(entry: LedgerEntry, pos: SourcePos, root_deck: str, site_url: str,
                render: _Render) -> _Draft:
    """A skipped row's note, as last shipped: its deck, tags and link rebuilt from the entry."""
    page = Sheet(entry.sheet, entry.sheet_title, "", "", ())
    section = Section(entry.section, "", entry.section_title, ())
    anchor = "" if entry.kind == "fact" else question_anchor(entry.question)
    url = question_url(site_url, page, section, anchor)
    deck = deck_name(root_deck, entry.sheet_title, entry.section_title)
    tags = note_tags(entry.sheet, entry.section, entry.kind, entry.tags)
    note_type: NoteType = "fact" if entry.kind == "fact" else "qa"
    return _Draft(note_type, deck, _entry_fields(entry, render, url), tags, "kept",
                  _entry_key(entry), pos, entry)


def _retired_draft(entry: LedgerEntry, deck: str, render: _Render) -> _Draft:
    """A retired note: its last text, no site link (its page is gone), retired tags."""
    note_type: NoteType = "fact" if entry.kind == "fact" else "qa"
    return _Draft(note_type, deck, _entry_fields(entry, render, ""), (RETIRED_TAG, entry.kind),
                  "retired", _entry_key(entry), NO_POS, replace(entry, retired=True))


def _clashes(drafts: list[_Draft]) -> list[Diagnostic]:
    """One error per note whose GUID an earlier note already has, on the later note's line."""
    first: dict[str, _Draft] = {}
    errors = []
    for draft in drafts:
        earlier = first.setdefault(draft.entry.guid, draft)
        if earlier is not draft:
            errors.append(Diagnostic(
                draft.pos.path, draft.pos.line, draft.pos.col, "error",
                f"{draft.entry.question!r} would be the same Anki note as "
                f"{earlier.entry.question!r} at {earlier.pos}",
                "questions equal up to case, spaces and a final ?/./! (or two sheets with the "
                "same title) share an identity: reword one, or give it an ID column"))
    return errors
