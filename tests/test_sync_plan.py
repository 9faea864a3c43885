"""The sync plan's rules on their own: which notes are added, updated, moved, retired, left."""

from __future__ import annotations

import pytest

from cheatdeck.ledger import LedgerEntry
from cheatdeck.model import NO_POS
from cheatdeck.plan import PlannedNote
from cheatdeck.sync_plan import CollectionCard, CollectionNote, placed_by_cheatdeck, plan_sync

ROOT = "Root"
DECK = "Root::Stage 1 — Interview Cheat Sheet::TOKENS"
TAG = "cheatdeck::stage-1-interview-cheat-sheet::tokens"
IDS = {"qa": 1, "fact": 2}


def spec(guid: str, *, deck: str = DECK, answer: str = "A", retired: bool = False) -> PlannedNote:
    tags = ("cheatdeck::retired", "qa") if retired else (TAG, "qa")
    entry = LedgerEntry(guid, "stage-1-interview-cheat-sheet", "tokens", "qa", "Q " + guid,
                        answer, (), (), "Stage 1", "TOKENS", 1, "", retired=retired)
    return PlannedNote(guid, "qa", "Root (retired)" if retired else deck,
                       ("Q " + guid, answer, "TOKENS", "Stage 1", "", ""), tags,
                       "retired" if retired else "live", "unchanged", guid, "Q " + guid, NO_POS,
                       entry)


def note(guid: str, *, deck: str = DECK, answer: str = "A", queue: int = 0,
         tags: tuple[str, ...] = (TAG, "qa"), note_type: int = 1,
         filtered: bool = False) -> CollectionNote:
    return CollectionNote(hash(guid) & 0xFFFF, guid, note_type,
                          ("Q " + guid, answer, "TOKENS", "Stage 1", "", ""), tags,
                          (CollectionCard(7, deck, queue, filtered),))


@pytest.mark.parametrize(("deck", "tags", "placed"), [
    (DECK, (TAG,), True),
    (DECK, (TAG.upper(),), True),  # Anki keeps the first spelling of a tag it saw
    ("Root::Stage 1 — Interview Cheat Sheet::TOKENS", ("cheatdeck::stage-1-interview-cheat-sheet"
                                                       "::tokens-2",), True),  # repeated title
    ("Root::Stage 1 — Interview Cheat Sheet::EMBEDDINGS", (TAG,), False),
    ("Root::Stage 1 — Interview Cheat Sheet", (TAG,), False),
    ("Root::Stage 1 — Interview Cheat Sheet::TOKENS::Mine", (TAG,), False),
    ("My hard cards", (TAG,), False),
    ("Other::Stage 1 — Interview Cheat Sheet::TOKENS", (TAG,), False),
    ("Root (retired)", ("cheatdeck::retired",), True),
    ("Root (retired)", (TAG,), False),
])
def test_placed_by_cheatdeck(deck: str, tags: tuple[str, ...], placed: bool) -> None:
    assert placed_by_cheatdeck(deck, tags, ROOT) is placed


def test_nested_root_deck() -> None:
    assert placed_by_cheatdeck("A::B::Sheet::Sec", ("cheatdeck::sheet::sec",), "A::B")
    assert not placed_by_cheatdeck("A::B::Sheet::Sec", ("cheatdeck::sheet::sec",), "A")


def test_each_kind_of_change() -> None:
    notes = [spec("new"), spec("same"), spec("edited", answer="B"),
             spec("moved", deck="Root::Stage 1 — Interview Cheat Sheet::EMBEDDINGS"),
             spec("gone", retired=True), spec("never seen", retired=True), spec("retyped")]
    existing = {n.guid: n for n in [note("same"), note("edited"), note("moved"), note("gone"),
                                    note("retyped", note_type=99)]}
    plan = plan_sync(notes, existing, note_type_ids=IDS, root_deck=ROOT)
    assert plan.counts() == {"added": 1, "updated": 1, "moved": 1, "suspended": 1, "deleted": 0,
                             "untouched": 1}
    assert [n.guid for n in plan.added] == ["new"]  # a retired note is never added
    assert [u.spec.guid for u in plan.updated] == ["edited", "gone"]  # "gone": retired tags
    assert plan.moves == ((7, "Root::Stage 1 — Interview Cheat Sheet::EMBEDDINGS"),
                          (7, "Root (retired)"))
    assert plan.suspend == (7,)
    assert [n.guid for n in plan.foreign] == ["retyped"]
    deleting = plan_sync(notes, existing, note_type_ids=IDS, root_deck=ROOT, delete_retired=True)
    assert deleting.deleted == (existing["gone"].id,) and deleting.suspend == ()


def test_cards_elsewhere_stay() -> None:
    target = "Root::Stage 1 — Interview Cheat Sheet::EMBEDDINGS"
    notes = [spec("mine", deck=target), spec("filtered", deck=target)]
    existing = {"mine": note("mine", deck="My hard cards"),
                "filtered": note("filtered", filtered=True)}
    plan = plan_sync(notes, existing, note_type_ids=IDS, root_deck=ROOT)
    assert plan.moves == () and plan.counts()["moved"] == 0


def test_an_already_suspended_retired_note_is_untouched() -> None:
    existing = {"gone": note("gone", deck="Root (retired)", queue=-1,
                             tags=("cheatdeck::retired", "qa"))}
    plan = plan_sync([spec("gone", retired=True)], existing, note_type_ids=IDS, root_deck=ROOT)
    assert plan.counts()["untouched"] == 1 and not plan.writes


def test_a_card_the_learner_suspended_stays_suspended_when_its_note_changes() -> None:
    existing = {"n": note("n", queue=-1)}
    plan = plan_sync([spec("n", answer="B")], existing, note_type_ids=IDS, root_deck=ROOT)
    assert plan.unsuspend == () and [u.spec.guid for u in plan.updated] == ["n"]
