"""Apply a :class:`~cheatdeck.sync_plan.SyncPlan` to the learner's collection, or nothing.

The only module that imports the ``anki`` package (the engine of Anki desktop, installed with
``pip install 'cheatdeck[sync]'``). It opens only a working copy of the collection, under Anki's
own lock, and writes it back with a backup first (:mod:`cheatdeck.collection_file`); the dry
run throws the copy away, so the original is never opened by Anki's engine. Besides:

* **No schema change after the first sync.** Note types are created once, with the package's
  constant ids (so ``.apkg`` imports keep matching them); later syncs change only their CSS and
  template text, which Anki treats as a normal change. Fields are never changed: a collection
  whose cheatdeck note type has other fields or templates is refused.
* **Media** are written into ``collection.media/`` only when a file of that name is missing
  (names are content hashes, :mod:`cheatdeck.reader.media`): nothing there is overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cheatdeck.anki_notes import (
    DECK_SEPARATOR,
    FACT_FIELDS,
    FACT_MODEL_NAME,
    QA_FIELDS,
    QA_MODEL_NAME,
    RETIRED_DECK_SUFFIX,
)
from cheatdeck.collection_file import backup, exclusive, rollback_journal, working_copy, write_back
from cheatdeck.errors import LedgerError, SyncError
from cheatdeck.files import write_atomic
from cheatdeck.ids import FACT_MODEL_ID, QA_MODEL_ID
from cheatdeck.ledger import RESTORE_HINT
from cheatdeck.plan import PlannedNote as NoteSpec
from cheatdeck.sync_plan import CollectionCard, CollectionNote, SyncPlan, plan_sync

if TYPE_CHECKING:
    from anki.collection import Collection

    from cheatdeck.anki import CardStyle

NOTE_TYPE_IDS = {"qa": QA_MODEL_ID, "fact": FACT_MODEL_ID}
"""The note types' constant ids (:mod:`cheatdeck.ids`), by :data:`~cheatdeck.anki_notes.NoteType`."""

NOTE_TYPE_NAMES = {"qa": QA_MODEL_NAME, "fact": FACT_MODEL_NAME}
"""The note types' names, by kind, for the report."""

INSTALL_HINT = "pip install 'cheatdeck[sync]'"


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What a sync did (or, dry, would do).

    Attributes:
        plan: the diff that was (or would be) applied.
        note_types: names of the note types created or whose CSS/templates were updated.
        media: names of the media files added to ``collection.media/``.
        backup: the backup file, or None when nothing was written.
    """

    plan: SyncPlan
    note_types: tuple[str, ...]
    media: tuple[str, ...]
    backup: Path | None


def sync_collection(path: Path, notes: Sequence[NoteSpec], *, shipped: frozenset[str],
                    root_deck: str, style: CardStyle, media: Sequence[tuple[str, bytes]],
                    timestamp: int, delete_retired: bool, dry_run: bool,
                    now: datetime, lost_ledger: str = "") -> SyncOutcome:
    """Sync ``notes`` into the collection at ``path`` (module docstring for the guarantees).

    Args:
        path: the ``.anki2`` collection file (:func:`cheatdeck.anki_profile.find_collection`).
        notes: every note cheatdeck ships, live then retired.
        shipped: every GUID the identity ledger has shipped; no other note is looked at.
        root_deck: the configured root deck.
        style: the note types' CSS and templates.
        media: ``(file name, bytes)`` of every image the notes show.
        timestamp: the content timestamp (``source_date_epoch``): the added notes' and new note
            types' modification time, as in the ``.apkg``.
        delete_retired: delete retired notes instead of suspending them.
        dry_run: compute and return the plan; write nothing anywhere.
        now: the time that names the backup.
        lost_ledger: the ledger's path when it is missing and nothing else shows that the
            project shipped notes (``""`` otherwise): a collection that already holds cheatdeck
            notes in the root deck is then refused, as a build refuses a lost ledger (issue 11).

    Returns:
        The :class:`SyncOutcome`.

    Raises:
        SyncError: the ``anki`` package is missing, Anki has the collection open, the file is
            not a collection, its cheatdeck note types have other fields, or Anki refused a
            change; the collection is unchanged.
        LedgerError: ``lost_ledger`` and the collection holds this deck's notes; unchanged.
    """
    try:
        import anki.collection  # noqa: F401  (before anki.scheduler: circular import, FIELD-NOTES)
        from anki.collection import Collection
        from anki.errors import AnkiException
        from anki.models import NotetypeId
    except ImportError:
        raise SyncError(f"cheatdeck sync needs the anki package: {INSTALL_HINT}") from None
    with exclusive(path) as lock, working_copy(path) as staged:
        try:
            col = Collection(str(staged))
        except AnkiException as exc:
            raise SyncError(f"{path.as_posix()}: Anki cannot open it: {exc}") from None
        try:
            held = _deck_notes(col, root_deck) if lost_ledger else 0
            if held:
                raise LedgerError(f"{lost_ledger}: missing, but this project has shipped notes "
                                  f"({path.as_posix()} holds {held} in {root_deck!r}); "
                                  + RESTORE_HINT.format(path=lost_ledger))
            models = _note_type_changes(col, style)
            snapshot = _read_shipped(col, shipped)
            plan = plan_sync(notes, snapshot, note_type_ids=NOTE_TYPE_IDS, root_deck=root_deck,
                             delete_retired=delete_retired)
            media_dir = path.with_suffix(".media")
            new_media = [(n, d) for n, d in media if not (media_dir / n).exists()]
            missing = {s.note_type for s in plan.added
                       if col.models.get(NotetypeId(NOTE_TYPE_IDS[s.note_type])) is None}
            names = tuple(m["name"] for m in models) + tuple(
                name for kind, name in NOTE_TYPE_NAMES.items() if kind in missing)
            if dry_run:
                return SyncOutcome(plan, names, tuple(n for n, _ in new_media), None)
            if not (plan.writes or models):  # only media missing: the collection stays as it is
                for name, data in new_media:
                    write_atomic(media_dir / name, data)
                return SyncOutcome(plan, names, tuple(n for n, _ in new_media), None)
            for model in models:
                col.models.update_dict(model)
            _add(col, plan.added, staged.parent / "added.apkg", style=style, timestamp=timestamp)
            _apply(col, plan)
        except AnkiException as exc:
            raise SyncError(f"{path.as_posix()}: Anki refused a change ({exc}); the collection "
                            "is unchanged") from None
        finally:
            col.close(downgrade=rollback_journal(path))
        saved = backup(path, now)
        for name, data in new_media:
            write_atomic(media_dir / name, data)
        write_back(staged, lock)
    return SyncOutcome(plan, names, tuple(n for n, _ in new_media), saved)


def _note_type_changes(col: Collection, style: CardStyle) -> list[dict[str, Any]]:
    """Return the collection's cheatdeck note types whose CSS or template text must change.

    Raises:
        SyncError: one has other fields or card types than cheatdeck ships (changing those is
            a schema change: a full AnkiWeb sync).
    """
    from anki.models import NotetypeId

    from cheatdeck.anki import note_types

    fields = {"qa": QA_FIELDS, "fact": FACT_FIELDS}
    changes = []
    for kind, model in note_types(style).items():
        wanted = model.to_json(0, 1)
        current = col.models.get(NotetypeId(NOTE_TYPE_IDS[kind]))
        if current is None:
            continue  # created by the import of the added notes (_add)
        names = tuple(f["name"] for f in current["flds"])
        templates = [t["name"] for t in current["tmpls"]]
        if names != fields[kind] or templates != [t["name"] for t in wanted["tmpls"]]:
            raise SyncError(
                f"note type {current['name']!r} has fields {', '.join(names)} and card types "
                f"{', '.join(templates)} in this collection; cheatdeck ships "
                f"{', '.join(fields[kind])}: sync would have to change the note type's fields "
                "(a full AnkiWeb sync); import the .apkg instead")
        text = [(t["qfmt"], t["afmt"]) for t in current["tmpls"]]
        if current["css"] != wanted["css"] or text != [(t["qfmt"], t["afmt"])
                                                       for t in wanted["tmpls"]]:
            current["css"] = wanted["css"]
            for template, new in zip(current["tmpls"], wanted["tmpls"], strict=True):
                template["qfmt"], template["afmt"] = new["qfmt"], new["afmt"]
            changes.append(current)
    return changes


def _deck_notes(col: Collection, root_deck: str) -> int:
    """How many cheatdeck notes (by note type id) have a card in the root deck, a deck below
    it or its retired deck (a filtered deck counts by the card's home deck)."""
    ids = [d.id for d in col.decks.all_names_and_ids()
           if d.name in (root_deck, root_deck + RETIRED_DECK_SUFFIX)
           or d.name.startswith(root_deck + DECK_SEPARATOR)]
    if not ids:
        return 0
    db = col.db
    if db is None:  # Anki sets it to None when the collection is closed
        raise SyncError("the collection was closed before it was read")
    marks = ",".join("?" * len(ids))
    return int(db.scalar(
        "select count(distinct c.nid) from cards c join notes n on n.id = c.nid where n.mid in "
        f"(?, ?) and (c.did in ({marks}) or c.odid in ({marks}))",
        QA_MODEL_ID, FACT_MODEL_ID, *ids, *ids))


def _read_shipped(col: Collection, shipped: frozenset[str]) -> dict[str, CollectionNote]:
    """Return the collection's notes whose GUID is in ``shipped``, with their cards, by GUID.

    Read with SQL: Anki's ``guid:`` search fails on some GUID characters (FIELD-NOTES).
    """
    decks = {d.id: d.name for d in col.decks.all_names_and_ids()}
    db = col.db
    if db is None:  # Anki sets it to None when the collection is closed
        raise SyncError("the collection was closed before it was read")
    notes = {row[0]: row for row in db.all("select id, guid, mid, flds, tags from notes")
             if row[1] in shipped}
    cards: dict[int, list[CollectionCard]] = {}
    for cid, nid, did, odid, queue in db.all(
            "select id, nid, did, odid, queue from cards order by id"):
        if nid in notes:
            cards.setdefault(nid, []).append(
                CollectionCard(cid, decks.get(did, ""), queue, filtered=bool(odid)))
    return {guid: CollectionNote(nid, guid, mid, tuple(flds.split("\x1f")), tuple(tags.split()),
                                 tuple(cards.get(nid, ())))
            for nid, guid, mid, flds, tags in notes.values()}


def _add(col: Collection, notes: Sequence[NoteSpec], package: Path, *, style: CardStyle,
         timestamp: int) -> None:
    """Add ``notes`` by importing a package of exactly them, with Anki's default options.

    So a note arrives as an ``.apkg`` import brings it: the note types are created with their
    constant ids (Anki's Python API can only add a note type under a new id), the decks by
    name, the mod times are the package's. Media are not in the package (see module docstring).
    """
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from cheatdeck.anki import notes_package, package_bytes

    if not notes:
        return
    package.write_bytes(package_bytes(notes_package(notes, style=style)))
    request = ImportAnkiPackageRequest(package_path=str(package),
                                       options=ImportAnkiPackageOptions())
    log = col.import_anki_package(request).log
    col.models._clear_cache()  # FIELD-NOTES: note types changed behind the Python cache
    if len(log.new) != len(notes):
        raise SyncError(f"Anki added {len(log.new)} of {len(notes)} new notes "
                        f"({len(log.conflicting)} conflicting, {len(log.duplicate)} duplicate); "
                        "nothing was changed")


def _apply(col: Collection, plan: SyncPlan) -> None:
    """Write the updates, moves, suspensions and deletions of ``plan`` into ``col``."""
    from anki.cards import CardId
    from anki.decks import DeckId
    from anki.notes import NoteId

    deck_ids: dict[str, DeckId] = {}

    def deck(name: str) -> DeckId:
        if name not in deck_ids:
            made = col.decks.id(name, create=True)
            if made is None:  # only without create=True
                raise SyncError(f"Anki could not create the deck {name!r}; the collection is "
                                "unchanged")
            deck_ids[name] = made
        return deck_ids[name]

    updated = []
    for update in plan.updated:
        note = col.get_note(NoteId(update.note_id))
        _fill(note, update.spec)
        updated.append(note)
    if updated:
        col.update_notes(updated)
    by_deck: dict[str, list[CardId]] = {}
    for card_id, name in plan.moves:
        by_deck.setdefault(name, []).append(CardId(card_id))
    for name, card_ids in by_deck.items():
        col.set_deck(card_ids, deck(name))
    if plan.suspend:
        col.sched.suspend_cards([CardId(c) for c in plan.suspend])
    if plan.unsuspend:
        col.sched.unsuspend_cards([CardId(c) for c in plan.unsuspend])
    if plan.deleted:
        col.remove_notes([NoteId(n) for n in plan.deleted])


def _fill(note: Any, spec: NoteSpec) -> None:
    for index, value in enumerate(spec.fields):
        note.fields[index] = value
    note.tags = list(spec.tags)
