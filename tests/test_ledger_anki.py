"""The identity ledger against the real ``anki`` package: what a learner sees on re-import.

Each test builds with ``cheatdeck build`` in a temporary project (so the ledger is read and
written as in real use) and imports the ``.apkg`` into a temporary collection.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from cheatdeck.cli import main

DATA = Path(__file__).parent / "data" / "ledger"
T1 = 1_767_225_600
DECK = "Root::Ledger Sheet"
ALIBI_ROW = "| What is ALiBi? | Linear biases on attention scores |  |\n"

pytestmark = pytest.mark.anki


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(DATA / "sheet.md", tmp_path / "source" / "sheet.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def build(project: Path, monkeypatch: pytest.MonkeyPatch, hours: int) -> Path:
    """Build the deck as of ``T1 + hours``: every rebuild must be newer for Anki to update."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1 + 3600 * hours))
    assert main(["build", "--no-site"]) == 0
    return project / "dist" / "root.apkg"


def import_apkg(col: Collection, path: Path, *, with_scheduling: bool = False) -> object:
    options = ImportAnkiPackageOptions(with_scheduling=with_scheduling)
    request = ImportAnkiPackageRequest(package_path=str(path), options=options)
    log = col.import_anki_package(request).log
    col.models._clear_cache()  # FIELD-NOTES: note types changed behind the Python cache
    return log


def edit(project: Path, old: str, new: str) -> None:
    sheet = project / "source" / "sheet.md"
    text = sheet.read_text(encoding="utf-8")
    assert old in text
    sheet.write_text(text.replace(old, new), encoding="utf-8")


def question_note(col: Collection, question: str) -> int:
    [nid] = [n for n in col.find_notes("tag:qa") if col.get_note(n)["Question"] == question]
    return nid


def test_reworded_question_updates_the_note_and_keeps_its_review(
        project: Path, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    import_apkg(col, build(project, monkeypatch, 0))
    col.decks.select(col.decks.id_for_name(f"{DECK}::TOKENS"))
    card = col.sched.getCard()
    assert card is not None and card.note()["Question"] == "What is BPE?"
    col.sched.answerCard(card, 3)
    reviewed = col.get_card(card.id)

    edit(project, "| What is BPE? |", "| Explain byte-level BPE |")
    log = import_apkg(col, build(project, monkeypatch, 1))
    # Every note of a newer package counts as "updated"; what matters is that none is new.
    assert (len(log.new), len(log.conflicting), col.note_count()) == (0, 0, 7)
    note = col.get_card(card.id).note()
    assert (note.id, note["Question"]) == (reviewed.nid, "Explain byte-level BPE")
    after = col.get_card(card.id)
    assert (after.reps, after.type, after.due) == (reviewed.reps, reviewed.type, reviewed.due)
    assert col.db.scalar("select count() from revlog where cid = ?", card.id) == 1


def test_deleted_question_is_retired_and_one_search_finds_it(
        project: Path, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    import_apkg(col, build(project, monkeypatch, 0))
    alibi = question_note(col, "What is ALiBi?")
    [card] = col.get_note(alibi).cards()

    edit(project, ALIBI_ROW, "")
    log = import_apkg(col, build(project, monkeypatch, 1))
    assert (len(log.new), len(log.conflicting), col.note_count()) == (0, 0, 7)
    assert col.find_notes("tag:cheatdeck::retired") == [alibi]
    note = col.get_note(alibi)
    assert note.tags == ["cheatdeck::retired", "qa"]  # tags are replaced on update (FIELD-NOTES)
    assert note["Question"] == "What is ALiBi?"
    # What Anki does to the existing card: nothing. It stays in its deck (decks of existing
    # cards are never moved, FIELD-NOTES) and is not suspended (the queue is the learner's).
    again = col.get_card(card.id)
    assert col.decks.name(again.did) == f"{DECK}::EMBEDDINGS"
    assert again.queue == card.queue == 0
    assert not col.find_cards("tag:cheatdeck::retired is:suspended")


@pytest.mark.parametrize(("with_scheduling", "queue"), [(True, -1), (False, 0)])
def test_first_import_of_a_retired_note(
        project: Path, col: Collection, monkeypatch: pytest.MonkeyPatch,
        with_scheduling: bool, queue: int) -> None:
    build(project, monkeypatch, 0)
    edit(project, ALIBI_ROW, "")
    import_apkg(col, build(project, monkeypatch, 1), with_scheduling=with_scheduling)
    [cid] = col.find_cards("tag:cheatdeck::retired")
    card = col.get_card(cid)
    assert col.decks.name(card.did) == "Root (retired)"
    # A sibling of the root deck: studying "Root" (and its subdecks) never shows it.
    assert cid not in col.find_cards("deck:Root") and col.find_cards("deck:Root")
    # The package ships the card suspended; Anki keeps that only with "Import any learning
    # progress" (with_scheduling). Its default import resets it to a new card.
    assert card.queue == queue


def test_explicit_id_survives_rewording_question_and_answer(
        project: Path, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    import_apkg(col, build(project, monkeypatch, 0))
    rope = question_note(col, "What is RoPE?")
    edit(project, "| What is RoPE? | Rotary position embeddings | rope |",
         "| Explain rotary embeddings | Rotate q and k by their position | rope |")
    log = import_apkg(col, build(project, monkeypatch, 1))
    assert (len(log.new), len(log.conflicting), col.note_count()) == (0, 0, 7)
    note = col.get_note(rope)
    assert (note["Question"], note["Answer"]) == (
        "Explain rotary embeddings", "Rotate q and k by their position")
    assert not col.find_notes("tag:cheatdeck::retired")


def test_moved_question_takes_the_new_section_tag_and_keeps_its_deck(
        project: Path, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    import_apkg(col, build(project, monkeypatch, 0))
    alibi = question_note(col, "What is ALiBi?")
    edit(project, ALIBI_ROW, "")
    edit(project, "| About 1333 tokens |\n",
         "| About 1333 tokens |\n| What is ALiBi? | Linear biases on attention scores |\n")
    log = import_apkg(col, build(project, monkeypatch, 1))
    assert (len(log.new), len(log.conflicting), col.note_count()) == (0, 0, 7)
    note = col.get_note(alibi)
    assert note.tags == ["cheatdeck::ledger-sheet::tokens", "qa"]
    assert note["Section"] == "TOKENS"
    assert col.decks.name(note.cards()[0].did) == f"{DECK}::EMBEDDINGS"  # the learner's deck
