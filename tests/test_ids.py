"""Identities never drift: a changed GUID or slug would duplicate every learner's notes."""

from __future__ import annotations

from cheatdeck.ids import FACT_MODEL_ID, QA_MODEL_ID, deck_id, note_guid
from cheatdeck.model import Card, Section
from cheatdeck.names import section_anchors, slug


def test_guids_are_pinned_and_ignore_case_space_and_final_question_mark() -> None:
    sheet = "stage-1-interview-cheat-sheet"
    assert note_guid(sheet, "What is BPE?") == "cd623b37067361035e11bf69ba"
    assert note_guid(sheet, "what is  BPE") == "cd623b37067361035e11bf69ba"
    assert note_guid(sheet, "What is BPE, really?") != note_guid(sheet, "What is BPE?")
    assert note_guid("stage-2", "What is BPE?") != note_guid(sheet, "What is BPE?")


def test_note_type_and_deck_ids_are_constant() -> None:
    assert (QA_MODEL_ID, FACT_MODEL_ID) == (1_607_392_319, 1_607_392_320)
    assert deck_id("A::B") == 2_051_215_001


def test_slugs_transliterate_the_same_on_every_machine() -> None:
    # A fixed backend (text-unidecode), whatever else is installed: the sheet slug is in every GUID.
    assert [slug("Stage 1 — Interview Cheat Sheet"), slug("注意力 机制"), slug("Café ⚙️"),
            slug("🔥")] == ["stage-1-interview-cheat-sheet", "zhu-yi-li-ji-zhi", "cafe", "x6f2a77fd"]


def test_section_anchors_are_unique_in_source_order() -> None:
    section = Section("s", "", "S", (Card("What is a+b?", "x"), Card("What is a-b?", "y"),
                                     Card("Why?", "z")))
    assert section_anchors(section) == ("what-is-a-b", "what-is-a-b-2", "why")
