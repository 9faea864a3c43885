"""The Anki deck: note types and a reproducible genanki package, as ``.apkg`` bytes.

The only module that imports genanki (DESIGN.md). :func:`build_package` is pure (note plan in,
package in memory out) and nothing here touches the disk (the build writes the bytes). The
notes, their GUIDs, fields and times come from the note plan (``plan.py``); nothing here decides
identity.

Why the package is written the way it is (FIELD-NOTES.md):

* Anki matches note types by ID and notes only by GUID: the IDs are the constants of
  :mod:`cheatdeck.ids` and every note gets our own GUID, never genanki's hash of all fields.
* Anki updates a note on re-import only if the package's note is newer, and its import log counts
  every newer note as "updated" even with identical fields. Each note and its cards therefore get
  the time the note's content last changed (``PlannedNote.changed``, kept in the ledger), not one
  build timestamp; the note types get the latest of those times.
* ``notes.sfld`` and ``notes.csum`` are what Anki computes (plain text, first-field checksum;
  :func:`cheatdeck.anki_notes.sort_text`), not genanki's raw HTML.
* ``Package.write_to_file`` zips with the current time and file modes (so two builds differ) and
  leaves its temporary SQLite file behind. We call genanki's ``Package.write_to_db`` on an
  in-memory SQLite database instead — the same schema and rows ``write_to_file`` produces — and
  zip its image ourselves with fixed entry dates and modes, fixed member order and deflate. No
  temporary file exists, and the same input gives the same bytes.
* Images (:class:`cheatdeck.model.Media`, read and checked by the reader) are packed as genanki
  packs them — zip members ``"0"``, ``"1"`` … and a ``media`` JSON map ``{"0": "<name>"}`` —
  sorted by their content-hashed name; fields refer to them as ``<img src="<name>">`` (Anki's
  media folder is flat). Two different files never share a name, and an edited image gets a new
  name, so a re-import never shows a stale picture from the collection's media folder.
"""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from cheatdeck.anki_notes import (
    FACT_FIELDS,
    FACT_MODEL_NAME,
    QA_FIELDS,
    QA_MODEL_NAME,
    NoteType,
    field_checksum,
    sort_text,
)
from cheatdeck.code_css import code_css
from cheatdeck.ids import FACT_MODEL_ID, QA_MODEL_ID, deck_id
from cheatdeck.model import Media
from cheatdeck.plan import NotePlan, PlannedNote

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
_ZIP_MODE = 0o100644  # regular file, rw-r--r--, in the high 16 bits of external_attr
_ZIP_UNIX = 3  # "created on Unix", so the mode bits mean the same on every build machine


@dataclass(frozen=True, slots=True)
class CardStyle:
    """The look of both note types: CSS and the front/back templates (Anki template syntax).

    Changing any of these (with the same field and template names) updates the note types in place
    on re-import (FIELD-NOTES); the field lists live in :mod:`cheatdeck.anki_notes` and are fixed.

    Attributes:
        css: the shared card CSS.
        qa_front, qa_back: the Q&A templates.
        fact_front, fact_back: the cloze templates (the front must hold ``{{cloze:Text}}``).
    """

    css: str
    qa_front: str
    qa_back: str
    fact_front: str
    fact_back: str


def default_card_style() -> CardStyle:
    """Return the card style shipped in the package (``assets/card.css`` with the highlighted
    code's CSS, :func:`cheatdeck.code_css.code_css`; ``templates/anki/``)."""
    package = files("cheatdeck")
    templates = package / "templates" / "anki"
    return CardStyle(
        css=(package / "assets" / "card.css").read_text(encoding="utf-8") + code_css(),
        qa_front=(templates / "qa_front.html").read_text(encoding="utf-8"),
        qa_back=(templates / "qa_back.html").read_text(encoding="utf-8"),
        fact_front=(templates / "fact_front.html").read_text(encoding="utf-8"),
        fact_back=(templates / "fact_back.html").read_text(encoding="utf-8"),
    )


def note_types(style: CardStyle) -> dict[NoteType, genanki.Model]:
    """Return fresh genanki models for both note types (genanki mutates their dicts on write).

    The IDs are constants (:data:`cheatdeck.ids.QA_MODEL_ID`, :data:`~cheatdeck.ids.FACT_MODEL_ID`)
    and the field and template names never change, so re-imports update in place.
    """
    qa = genanki.Model(
        QA_MODEL_ID,
        QA_MODEL_NAME,
        fields=[{"name": name} for name in QA_FIELDS],
        templates=[{"name": "Card 1", "qfmt": style.qa_front, "afmt": style.qa_back}],
        css=style.css,
        model_type=genanki.Model.FRONT_BACK,
        sort_field_index=QA_FIELDS.index("Question"),
    )
    fact = genanki.Model(
        FACT_MODEL_ID,
        FACT_MODEL_NAME,
        fields=[{"name": name} for name in FACT_FIELDS],
        templates=[{"name": "Cloze", "qfmt": style.fact_front, "afmt": style.fact_back}],
        css=style.css,
        model_type=genanki.Model.CLOZE,
        sort_field_index=FACT_FIELDS.index("Subject"),
    )
    return {"qa": qa, "fact": fact}


@dataclass(frozen=True, slots=True, eq=False)
class DeckBuild:
    """A deck built in memory, ready for :func:`package_bytes`.

    Attributes:
        package: the genanki package (one deck per section holding notes).
        plan: the note plan it was built from.
        notes: the genanki notes, parallel to ``plan.notes``.
        card_count: how many cards the notes make (a Q&A note 1, a fact note one per value).
        media: ``(file name, bytes)`` of every image the cards show, sorted by name.
    """

    package: genanki.Package
    plan: NotePlan
    notes: tuple[genanki.Note, ...]
    card_count: int
    media: tuple[tuple[str, bytes], ...] = ()

    @property
    def note_count(self) -> int:
        """How many notes the deck holds."""
        return len(self.notes)

    @property
    def timestamp(self) -> int:
        """The note types' ``mod``: the latest note time of the plan (at least 1)."""
        return max(self.plan.timestamp, 1)


def build_package(plan: NotePlan, *, media: tuple[Media, ...] = (),
                  style: CardStyle | None = None) -> DeckBuild:
    """Build the Anki package of a note plan in memory.

    Args:
        plan: every note with its GUID, deck, fields, tags, state and time (``plan.py``).
        media: the images the notes show (``Library.media_files``), sorted by name.
        style: CSS and templates; the packaged :func:`default_card_style` when None.

    Returns:
        The :class:`DeckBuild`: one genanki deck per deck name, in plan order; a retired note's
        cards are suspended.
    """
    models = note_types(style or default_card_style())
    decks: dict[str, genanki.Deck] = {}
    notes = []
    card_count = 0
    for spec in plan.notes:
        deck = decks.get(spec.deck)
        if deck is None:
            deck = decks[spec.deck] = genanki.Deck(deck_id(spec.deck), spec.deck)
        note = genanki.Note(model=models[spec.note_type], fields=list(spec.fields),
                            tags=list(spec.tags), guid=spec.guid)
        if spec.retired:
            # queue -1. Anki keeps it only on a first import with scheduling and never
            # changes an existing card's queue (measured, tests/test_ledger_anki.py).
            for card in note.cards:
                card.suspend = True
        deck.add_note(note)
        notes.append(note)
        card_count += len(note.cards)
    return DeckBuild(package=genanki.Package(list(decks.values())), plan=plan,
                     notes=tuple(notes), card_count=card_count,
                     media=tuple((m.name, m.data) for m in media))


def notes_package(notes: Sequence[PlannedNote], *, style: CardStyle | None = None,
                  media: tuple[Media, ...] = ()) -> DeckBuild:
    """Build the package of exactly ``notes`` of a note plan (GUIDs unique, as the plan checks).

    ``cheatdeck sync`` packs the notes to add with it, so they arrive in the collection exactly
    as an import of the whole deck would bring them (each at its own time).
    """
    return build_package(NotePlan(tuple(notes)), media=media, style=style)


def _write_collection(cursor: sqlite3.Cursor, build: DeckBuild) -> None:
    """Write the collection as genanki's ``Package.write_to_db`` does, in linear time.

    genanki's ``Deck.write_to_db`` re-reads and rewrites the whole ``col.decks`` JSON once per
    deck, which is quadratic in the number of decks (one per section: 2,500 decks at 100,000
    cards made that most of the build). Here the deck and note type JSON is written once; each
    note type records the last deck holding one of its notes, as genanki's loop leaves it. Note
    rows are genanki's (``Note.write_to_db``) with three differences: each note and its cards
    carry the note's own time (:class:`~cheatdeck.plan.PlannedNote`), and ``sfld``/``csum`` are
    what Anki computes. IDs count up from the latest time × 1000, as genanki numbers them.
    """
    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    decks = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
    models = json.loads(cursor.execute("SELECT models FROM col").fetchone()[0])
    for deck in build.package.decks:
        decks[str(deck.deck_id)] = deck.to_json()
        for note in deck.notes:
            models[str(note.model.model_id)] = (note.model, deck.deck_id)
    models = {key: value if isinstance(value, dict) else value[0].to_json(build.timestamp,
                                                                          value[1])
              for key, value in models.items()}
    cursor.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(decks), json.dumps(models)))
    ids = itertools.count(build.timestamp * 1000)
    planned = {id(note): spec for note, spec in zip(build.notes, build.plan.notes, strict=True)}
    for deck in build.package.decks:
        for note in deck.notes:
            _write_note(cursor, note, planned[id(note)], deck.deck_id, ids)


def _write_note(cursor: sqlite3.Cursor, note: genanki.Note, spec: PlannedNote, deck_id: int,
                ids: itertools.count[int]) -> None:
    """Insert one note row (genanki's columns) and its cards, at the note's own time."""
    note_id = next(ids)
    # Columns as genanki writes them: tags space-padded, fields joined by \x1f.
    cursor.execute("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);", (
        note_id, spec.guid, note.model.model_id, spec.changed, -1, f" {' '.join(spec.tags)} ",
        "\x1f".join(spec.fields), sort_text(spec.sort_field),
        field_checksum(spec.fields[0]), 0, ""))
    for card in note.cards:
        card.write_to_db(cursor, spec.changed, deck_id, note_id, ids, note.due)


def package_bytes(build: DeckBuild) -> bytes:
    """Return the ``.apkg`` file content of ``build``: the same bytes for the same build.

    The collection is genanki's rows (:func:`_write_collection`) in an in-memory SQLite database; the
    zip holds ``collection.anki2``, then ``media`` (``{"0": "<name>", …}``, ``{}`` without
    images), then the images as ``0``, ``1`` … in name order; all deflated, dated 1980-01-01
    with mode 0644. SQLite records its library version in the header, so the bytes
    are stable on one machine; across machines compare table contents instead (FIELD-NOTES).
    """
    with sqlite3.connect(":memory:") as conn:
        _write_collection(conn.cursor(), build)
        conn.commit()
        database = conn.serialize()
    conn.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        media_map = {str(index): name for index, (name, _) in enumerate(build.media)}
        members = [("collection.anki2", database), ("media", json.dumps(media_map).encode()),
                   *((str(index), data) for index, (_, data) in enumerate(build.media))]
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _ZIP_UNIX
            info.external_attr = _ZIP_MODE << 16
            archive.writestr(info, data)
    return buffer.getvalue()

