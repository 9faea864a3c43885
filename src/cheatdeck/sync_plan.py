"""What ``cheatdeck sync`` will do to a collection: a pure diff of the notes against it.

Input: the notes cheatdeck ships (:class:`~cheatdeck.plan.PlannedNote`, live, kept and retired),
the GUIDs the identity ledger has shipped, and a snapshot of the collection's notes with those
GUIDs (:class:`CollectionNote`, read by :mod:`cheatdeck.sync`). Output: a :class:`SyncPlan`.
No Anki import here, so the rules are testable on their own.

The rules (issue 17; Anki behaviour from FIELD-NOTES.md):

* Only notes whose GUID the ledger has shipped are ever looked at; a note the learner added
  (any other GUID) or a note of another note type is never touched. A shipped GUID whose note
  now has another note type (the learner changed it) is left alone and reported.
* A live note missing from the collection is **added**; a retired one is not (there is nothing
  to retire; an ``.apkg`` would bring it as a new card in the retired deck).
* A note whose fields or tags differ is **updated**; the others are not written at all (Anki
  compares tags case-insensitively and keeps the first spelling it saw, so tags compare so).
* A card is *where cheatdeck put it* when its deck is the section deck its note's section tag
  (``cheatdeck::<sheet>::<section>``, as last shipped to this collection) names — compared by
  the slugs of the deck's two levels below the root, as :mod:`cheatdeck.reader` derives them —
  or the retired deck for a note tagged ``cheatdeck::retired``. Only such cards are **moved**
  (to the note's section deck, or the retired deck); a card the learner moved elsewhere, or
  that sits in a filtered deck, stays where it is.
* A retired note's cards are **suspended** (and moved as above), or the note is **deleted**
  with ``--delete-retired``. A note coming back from retirement has the cards cheatdeck
  suspended in the retired deck unsuspended and moved back.
* Scheduling and review history are never part of the plan: moving a card keeps them (Anki's
  ``set_deck``), suspending changes the queue only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from cheatdeck.anki_notes import DECK_SEPARATOR, RETIRED_DECK_SUFFIX, RETIRED_TAG
from cheatdeck.names import slug
from cheatdeck.plan import PlannedNote as NoteSpec

SUSPENDED = -1
"""Anki's card queue value of a suspended card."""

_SECTION_TAG = re.compile(r"cheatdeck::([^:]+)::([^:]+)")


@dataclass(frozen=True, slots=True)
class CollectionCard:
    """One card of a shipped note, as it is in the collection.

    Attributes:
        id: the card id.
        deck: the full name of the card's deck (its home deck name is not used: see ``filtered``).
        queue: Anki's queue (``-1`` suspended, ``-2``/``-3`` buried, ``0`` new …).
        filtered: True when the card is in a filtered deck (``odid`` set).
    """

    id: int
    deck: str
    queue: int
    filtered: bool = False


@dataclass(frozen=True, slots=True)
class CollectionNote:
    """A note of the collection whose GUID the ledger has shipped.

    Attributes:
        id: the note id.
        guid: its GUID.
        note_type_id: its note type's id.
        fields: field values, in the note type's order.
        tags: its tags as Anki stores them.
        cards: its cards, in card-id order.
    """

    id: int
    guid: str
    note_type_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[CollectionCard, ...]


@dataclass(frozen=True, slots=True)
class NoteUpdate:
    """A note to rewrite: its id and what it must hold (fields and tags of ``spec``)."""

    note_id: int
    spec: NoteSpec


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """Everything a sync writes; empty tuples mean nothing to do.

    Attributes:
        added: live notes to add, each into its ``deck`` (plan order: Anki numbers new cards so).
        updated: notes whose fields or tags change (retired notes included: they take the
            retired tags).
        moves: ``(card id, deck name)`` for every card to move.
        suspend: card ids to suspend.
        unsuspend: card ids to unsuspend (cheatdeck suspended them; their note is live again).
        deleted: note ids to delete (``--delete-retired``).
        moved_notes, suspended_notes, deleted_notes: the notes behind those card lists, for
            the report.
        untouched: shipped notes present in the collection that need nothing.
        foreign: shipped GUIDs whose collection note has another note type: left alone.
    """

    added: tuple[NoteSpec, ...] = ()
    updated: tuple[NoteUpdate, ...] = ()
    moves: tuple[tuple[int, str], ...] = ()
    suspend: tuple[int, ...] = ()
    unsuspend: tuple[int, ...] = ()
    deleted: tuple[int, ...] = ()
    moved_notes: tuple[NoteSpec, ...] = ()
    suspended_notes: tuple[NoteSpec, ...] = ()
    deleted_notes: tuple[NoteSpec, ...] = ()
    untouched: tuple[NoteSpec, ...] = ()
    foreign: tuple[NoteSpec, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Return ``{"added": n, "updated": n, "moved": n, "suspended": n, "deleted": n,
        "untouched": n}``, counted in notes (a note both edited and moved counts in both)."""
        return {"added": len(self.added),
                "updated": sum(not u.spec.retired for u in self.updated),
                "moved": len(self.moved_notes), "suspended": len(self.suspended_notes),
                "deleted": len(self.deleted_notes), "untouched": len(self.untouched)}

    @property
    def writes(self) -> bool:
        """True when applying the plan changes the collection."""
        return bool(self.added or self.updated or self.moves or self.suspend or self.unsuspend
                    or self.deleted)


def placed_by_cheatdeck(deck: str, tags: Collection[str], root_deck: str) -> bool:
    """Tell whether a card in ``deck`` is still where cheatdeck put it (module docstring).

    Args:
        deck: the card's deck name.
        tags: its note's tags as they are in the collection (before this sync).
        root_deck: the configured root deck.
    """
    folded = {t.casefold() for t in tags}
    if deck == root_deck + RETIRED_DECK_SUFFIX:
        return RETIRED_TAG in folded
    prefix = root_deck + DECK_SEPARATOR
    levels = deck[len(prefix):].split(DECK_SEPARATOR) if deck.startswith(prefix) else []
    if len(levels) != 2:
        return False
    sheet, section = slug(levels[0]), slug(levels[1])
    for tag in folded:
        match = _SECTION_TAG.fullmatch(tag)
        # The reader numbers a repeated section title's slug (tokens, tokens-2, …).
        if match and match[1] == sheet and re.fullmatch(re.escape(section) + r"(-\d+)?",
                                                        match[2]):
            return True
    return False


def plan_sync(notes: Sequence[NoteSpec], existing: Mapping[str, CollectionNote], *,
              note_type_ids: Mapping[str, int], root_deck: str,
              delete_retired: bool = False) -> SyncPlan:
    """Diff the notes to ship against the collection (module docstring for the rules).

    Args:
        notes: every note cheatdeck ships, live then retired (one per GUID).
        existing: the collection's notes by GUID, restricted to GUIDs the ledger has shipped.
        note_type_ids: ``{"qa": id, "fact": id}``, the note types' constant ids.
        root_deck: the configured root deck.
        delete_retired: delete retired notes instead of suspending them.

    Returns:
        The :class:`SyncPlan`.
    """
    added, updated, moved_notes, suspended, deleted, untouched, foreign = ([] for _ in range(7))
    moves: list[tuple[int, str]] = []
    suspend: list[int] = []
    unsuspend: list[int] = []
    deleted_ids: list[int] = []
    retired_deck = root_deck + RETIRED_DECK_SUFFIX
    for spec in notes:
        note = existing.get(spec.guid)
        if note is None:
            if not spec.retired:
                added.append(spec)
            continue
        if note.note_type_id != note_type_ids[spec.note_type]:
            foreign.append(spec)
            continue
        if spec.retired and delete_retired:
            deleted.append(spec)
            deleted_ids.append(note.id)
            continue
        changed = (note.fields != spec.fields
                   or {t.casefold() for t in note.tags} != {t.casefold() for t in spec.tags})
        if changed:
            updated.append(NoteUpdate(note.id, spec))
        target = retired_deck if spec.retired else spec.deck
        note_moves = [(card.id, target) for card in note.cards
                      if not card.filtered and card.deck != target
                      and placed_by_cheatdeck(card.deck, note.tags, root_deck)]
        moves.extend(note_moves)
        if spec.retired:
            to_suspend = [card.id for card in note.cards if card.queue != SUSPENDED]
            suspend.extend(to_suspend)
            if to_suspend or note_moves:
                suspended.append(spec)
            elif not changed:
                untouched.append(spec)
            continue
        # Back from retirement: cheatdeck suspended these cards in the retired deck.
        revived = [card.id for card in note.cards if card.queue == SUSPENDED
                   and card.deck == retired_deck and RETIRED_TAG in {t.casefold()
                                                                     for t in note.tags}]
        unsuspend.extend(revived)
        if note_moves or revived:
            moved_notes.append(spec)
        elif not changed:
            untouched.append(spec)
    return SyncPlan(tuple(added), tuple(updated), tuple(moves), tuple(suspend), tuple(unsuspend),
                    tuple(deleted_ids), tuple(moved_notes), tuple(suspended), tuple(deleted),
                    tuple(untouched), tuple(foreign))
