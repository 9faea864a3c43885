"""A row the reader skipped keeps its note as shipped (not retired) until fixed or deleted.

The reader records such rows on the model (``Sheet.skipped``); these tests build that model
directly: the sheet without the row, plus its :class:`SkippedRow`.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from cheatdeck.anki import build_package, package_bytes
from cheatdeck.build import BuildReport
from cheatdeck.changes import plan_changes
from cheatdeck.files import write_atomic
from cheatdeck.ledger import Ledger
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library, SkippedRow, SourcePos
from cheatdeck.plan import NotePlan, plan_notes
from cheatdeck.reader import read_text
from cheatdeck.report import Printer

DATA = Path(__file__).parent / "data" / "ledger"
SHEET = (DATA / "sheet.md").read_text(encoding="utf-8")
T1, T2, T3 = 1_767_225_600, 1_767_312_000, 1_767_398_400
BPE_ROW = "| What is BPE? | Byte Pair Encoding: merges frequent character pairs |\n"


def library(text: str = SHEET, skipped: tuple[SkippedRow, ...] = ()) -> Library:
    sheet, diagnostics = read_text(text, path="sheet.md")
    assert sheet is not None and not [d for d in diagnostics if d.level == "error"]
    return Library((dataclasses.replace(sheet, skipped=skipped),))


def plan(lib: Library, ledger: Ledger, now: int) -> NotePlan:
    return plan_notes(lib, ledger, root_deck="Root", site_url="https://example.org",
                      renderer=MarkupRenderer(), now=now)


SKIPPED = (SkippedRow("tokens", "What is BPE?", "empty answer", pos=SourcePos("sheet.md", 9)),)


def broken() -> Library:
    """The BPE row with its answer emptied: the reader skips it with a warning."""
    return library(SHEET.replace(BPE_ROW, ""), SKIPPED)


def test_a_skipped_row_ships_its_note_exactly_as_last_shipped() -> None:
    first = plan(library(), Ledger(), T1)
    second = plan(broken(), first.ledger(), T2)
    [kept] = second.having("kept")
    shipped = next(n for n in first.notes if n.text == "What is BPE?")
    assert (kept.guid, kept.fields, kept.tags, kept.deck, kept.changed, kept.change) == (
        shipped.guid, shipped.fields, shipped.tags, shipped.deck, T1, "unchanged")
    assert kept.pos == SourcePos("sheet.md", 9) and not kept.retired
    assert second.having("retired") == ()
    assert second.ledger().dumps() == first.ledger().dumps()  # byte for byte
    changes = plan_changes(second, first_build=False)
    assert (changes.added, changes.changed, changes.removed, changes.kept) == (
        (), (), (), ("What is BPE?",))


def test_the_summary_says_kept_as_shipped() -> None:
    first = plan(library(), Ledger(), T1)
    changes = plan_changes(plan(broken(), first.ledger(), T2), first_build=False)
    out = io.StringIO()
    Printer(out).build_summary(BuildReport(1, 4, 6, 7, ("w",), changes, (), False, 0.1),
                               Path("."))
    assert "  kept as shipped: 1 (row skipped, see warnings)\n" in out.getvalue()


def test_fixed_row_is_live_again_and_deleted_row_retires() -> None:
    first = plan(library(), Ledger(), T1)
    second = plan(broken(), first.ledger(), T2)
    fixed = plan(library(SHEET.replace("merges frequent", "merges the most frequent")),
                 second.ledger(), T3)
    note = next(n for n in fixed.notes if n.text == "What is BPE?")
    assert (note.state, note.change, note.changed) == ("live", "changed", T3)
    deleted = plan(library(SHEET.replace(BPE_ROW, "")), second.ledger(), T3)
    [gone] = deleted.having("retired")
    assert (gone.text, gone.change, gone.changed) == ("What is BPE?", "changed", T3)


def test_a_skipped_row_never_shipped_makes_no_note() -> None:
    ledger = plan(library(SHEET.replace(BPE_ROW, "")), Ledger(), T1).ledger()
    assert plan(broken(), ledger, T2).having("kept") == ()


def test_kept_rows_are_found_by_id_by_table_and_after_a_rewording() -> None:
    first = plan(library(), Ledger(), T1)
    rope = "| What is RoPE? | Rotary position embeddings | rope |\n"
    fact = "| GPT-2 small | 124M | 12 |\n"
    text = SHEET.replace(rope, "").replace(fact, "")
    rows = (SkippedRow("embeddings", "", "empty question", "qa", id="rope"),
            SkippedRow("numbers", "GPT-2 small", "empty value", "fact", table="Model|Params|Layers"),
            SkippedRow("numbers", "GPT-2 small", "empty value", "fact", table="Other|Table"),
            SkippedRow("tokens", "", "empty question"))  # stands for nothing
    kept = plan(library(text, rows), first.ledger(), T2)
    assert sorted(n.text for n in kept.having("kept")) == ["GPT-2 small", "What is RoPE?"]
    assert kept.having("retired") == ()
    # A question reworded earlier ships under its old GUID; skipping its row keeps that note.
    reworded = plan(library(SHEET.replace("| What is BPE? |", "| Explain byte-level BPE |")),
                    first.ledger(), T2)
    skip = (SkippedRow("tokens", "Explain byte-level BPE", "empty answer"),)
    again = plan(library(SHEET.replace(BPE_ROW, ""), skip), reworded.ledger(), T3)
    [note] = again.having("kept")
    assert note.guid == next(n.guid for n in first.notes if n.text == "What is BPE?")


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


@pytest.mark.anki
def test_anki_leaves_a_kept_note_alone(col: Collection, tmp_path: Path) -> None:
    def imported(deck_plan: NotePlan, name: str) -> tuple[int, int, int]:
        write_atomic(tmp_path / name, package_bytes(build_package(deck_plan)))
        request = ImportAnkiPackageRequest(package_path=str(tmp_path / name),
                                           options=ImportAnkiPackageOptions())
        log = col.import_anki_package(request).log
        return len(log.new), len(log.updated), len(log.duplicate)

    first = plan(library(), Ledger(), T1)
    assert imported(first, "1.apkg") == (7, 0, 0)
    assert imported(plan(broken(), first.ledger(), T2), "2.apkg") == (0, 0, 7)
    [nid] = col.find_notes('"Question:What is BPE?"')
    note = col.get_note(nid)
    assert note["Answer"] == "Byte Pair Encoding: merges frequent character pairs"
    assert "cheatdeck::retired" not in note.tags
    assert not col.find_cards("is:suspended")
