"""The identity ledger and the note plan: file format, rewording, retiring, ``--frozen``, pruning.

Fixtures live in ``tests/data/ledger/``; regenerate the golden ledger with ``UPDATE_GOLDEN=1``.
The same scenarios against a real Anki collection are in ``test_ledger_anki.py``.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from cheatdeck.anki import build_package, package_bytes
from cheatdeck.build import BuildOptions, run_build
from cheatdeck.cli import main
from cheatdeck.config import load_config
from cheatdeck.errors import LedgerError
from cheatdeck.ids import card_guid
from cheatdeck.ledger import Ledger, LedgerEntry
from cheatdeck.ledger_match import SIMILARITY, Candidate, match_rewordings
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.plan import NotePlan, plan_notes
from cheatdeck.reader import read_text

DATA = Path(__file__).parent / "data" / "ledger"
SHEET = (DATA / "sheet.md").read_text(encoding="utf-8")
T1, T2, T3 = 1_767_225_600, 1_767_312_000, 1_767_398_400
ROOT = "Root"
ALIBI_ROW = "| What is ALiBi? | Linear biases on attention scores |  |\n"


def library(text: str = SHEET, *, warned: str = "") -> Library:
    """The sheet's model; ``warned``: the one warning the text is meant to give, if any."""
    sheet, diagnostics = read_text(text, path="sheet.md")
    assert sheet is not None, diagnostics
    assert all(warned and warned in d.message for d in diagnostics), diagnostics
    return Library((sheet,))


def edited(*pairs: tuple[str, str]) -> str:
    text = SHEET
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def resolve(lib: Library, ledger: Ledger, *, timestamp: int,
            new_identity: tuple[str, ...] = ()) -> NotePlan:
    return plan_notes(lib, ledger, root_deck=ROOT, site_url="", renderer=MarkupRenderer(),
                      now=timestamp, new_identity=new_identity)


def first_ledger() -> Ledger:
    return resolve(library(), Ledger(), timestamp=T1).ledger()


def entry(ledger: Ledger, question: str) -> LedgerEntry:
    return next(e for e in ledger.entries if e.question == question)


def guid_of(plan: NotePlan, question: str) -> str:
    return next(n.guid for n in plan.notes if n.text == question and not n.retired)


def retired(plan: NotePlan) -> tuple[LedgerEntry, ...]:
    return tuple(n.entry for n in plan.having("retired"))


# --- the file -----------------------------------------------------------------------------------


def test_ledger_matches_golden_file() -> None:
    text = first_ledger().dumps()
    golden = DATA / "sheet.lock"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith('{"format": "cheatdeck-ledger", "version": 2, "notes": 7, ')
    assert lines[1] == '{"sheet": "ledger-sheet", "title": "Ledger Sheet"}'
    # 6 cards and 1 fact row under one sheet line and one line per section (4).
    assert len(lines) == 1 + 1 + 4 + 7
    # The GUIDs of the version-1 ledger (ID "rope" too); only set optional values are written.
    assert lines[4].startswith('["cd424a7a22dc20cede2021a7be", "qa", 1767225600, "')
    assert lines[4].endswith('"What is RoPE?", "Rotary position embeddings", {"id": "rope"}]')


def test_dated_is_replace_of_time_and_digest() -> None:
    """Every field but the two is kept, whatever fields the entry has: each gets a value of its
    own here (no default), so a field dated() forgot fails."""
    values: dict[str, object] = {}
    for number, spec in enumerate(dataclasses.fields(LedgerEntry), start=1):
        values[spec.name] = {"int": number, "bool": True}.get(
            str(spec.type), (spec.name,) if str(spec.type).startswith("tuple") else spec.name)
    entry = LedgerEntry(**values)  # type: ignore[arg-type]
    assert all(getattr(entry, f.name) != f.default for f in dataclasses.fields(LedgerEntry))
    assert entry.dated(99, "abc") == dataclasses.replace(entry, changed=99, digest="abc")


def test_round_trip_and_same_input_same_bytes() -> None:
    ledger = first_ledger()
    assert Ledger.loads(ledger.dumps()) == ledger
    again = resolve(library(), ledger, timestamp=T2)
    assert again.ledger().dumps() == ledger.dumps()  # nothing changed: no time moves
    assert {n.change for n in again.notes} == {"unchanged"}
    assert again.reworded == () and retired(again) == ()


@pytest.mark.parametrize(("text", "message"), [
    ("", r"x\.lock:1: the ledger is empty"),
    ('{"format": "other", "version": 1}\n', r"x\.lock:1: not a cheatdeck-ledger file"),
    ('{"format": "cheatdeck-ledger", "version": 3}\n', r"x\.lock:1: not a cheatdeck-ledger"),
    ('{"format": "cheatdeck-ledger", "version": 1}\n{"guid": "cd1"}\n',
     r"x\.lock:2: invalid ledger line \(expected the keys"),
    ('{"format": "cheatdeck-ledger", "version": 1}\nnot json\n', r"x\.lock:2: invalid ledger"),
    ('{"format": "cheatdeck-ledger", "version": 2, "notes": 1, "sha256": ""}\n["cd1", "qa"]\n',
     r"x\.lock:2: invalid ledger line \(a note line must be an array under a sheet"),
])
def test_malformed_ledger_names_the_line(text: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        Ledger.loads(text, path="x.lock")


def test_wrong_types_and_duplicate_guids_are_rejected() -> None:
    lines = first_ledger().dumps().splitlines()
    bad = [lines[0], *lines[1:3], lines[3].replace(", 1767225600, ", ', "soon", ')]
    with pytest.raises(LedgerError, match=r"x\.lock:4: invalid ledger line \(changed must be"):
        Ledger.loads("\n".join(bad), path="x.lock", accept_damage=False)
    with pytest.raises(LedgerError, match=r"x\.lock:5: GUID cd\w+ appears twice"):
        Ledger.loads("\n".join([*lines[:4], lines[3]]), path="x.lock")


# --- rewording ----------------------------------------------------------------------------------


def test_reworded_question_with_same_answer_keeps_its_guid() -> None:
    ledger = first_ledger()
    lib = library(edited(("| What is BPE? |", "| Explain byte-level BPE |")))
    ids = resolve(lib, ledger, timestamp=T2)
    old = entry(ledger, "What is BPE?")
    assert guid_of(ids, "Explain byte-level BPE") == old.guid
    [match] = ids.reworded
    assert (match.old_question, match.new_question, match.rule) == (
        "What is BPE?", "Explain byte-level BPE", "same answer")
    assert match.ratio < SIMILARITY  # the answer decided, not the wording
    new = entry(ids.ledger(), "Explain byte-level BPE")
    assert (new.guid, new.changed, new.retired) == (old.guid, T2, False)
    assert retired(ids) == ()
    # The next build continues that identity without reporting the rewording again.
    later = resolve(lib, ids.ledger(), timestamp=T3)
    assert (later.reworded, guid_of(later, "Explain byte-level BPE")) == ((), old.guid)
    assert later.ledger().dumps() == ids.ledger().dumps()


def test_similar_question_with_new_answer_keeps_its_guid() -> None:
    lib = library(edited(("| How many tokens ≈ 1000 words? | About 1333 tokens |",
                          "| Roughly how many tokens ≈ 1000 words? | ~1333 (0.75 words each) |")))
    ledger = first_ledger()
    ids = resolve(lib, ledger, timestamp=T2)
    [match] = ids.reworded
    assert match.rule == "similar question" and match.ratio == pytest.approx(0.875)
    assert match.old_guid == entry(ledger, "How many tokens ≈ 1000 words?").guid
    assert guid_of(ids, "Roughly how many tokens ≈ 1000 words?") == match.old_guid


def test_different_question_and_answer_is_a_new_note_and_the_old_one_retires() -> None:
    lib = library(edited(("| What is BPE? | Byte Pair Encoding: merges frequent character pairs |",
                          "| What is BPE tokenization? | Merging pairs bottom-up |")))
    ledger = first_ledger()
    ids = resolve(lib, ledger, timestamp=T2)
    assert ids.reworded == ()
    [gone] = retired(ids)
    old = entry(ledger, "What is BPE?")
    assert gone == dataclasses.replace(old, retired=True, changed=T2, digest=gone.digest)
    assert gone.digest != old.digest  # retired tags, no site link


def test_ambiguous_matches_match_nothing() -> None:
    orphans = [LedgerEntry(f"cdold{n}", "s", "x", "qa", q, "Yes", (), (), "S", "X", T1, "")
               for n, q in enumerate(("What is a1?", "What is a2?"))]
    # Same answer twice, and "What is a?" is equally close to both questions: no pair.
    assert match_rewordings([Candidate("cdnew", "What is a?", "Yes")], orphans) == []
    # Two new questions with one old answer: the answer cannot tell which.
    two = [Candidate("cdn1", "Q one", "Yes"), Candidate("cdn2", "Q two", "Yes")]
    assert match_rewordings(two, orphans[:1]) == []
    # A single best partner on both sides matches, even beside a weaker one.
    best = match_rewordings([Candidate("cdnew", "What is a1 here?", "No")], orphans)
    assert [(m.old_guid, m.rule) for m in best] == [("cdold0", "similar question")]


def test_nothing_to_pair_matches_nothing() -> None:
    """A first build (no ledger entry) or no new question: no pair, whatever the questions."""
    orphan = LedgerEntry("cdold", "s", "x", "qa", "What is a?", "Yes", (), (), "S", "X", T1, "")
    assert match_rewordings([Candidate("cdnew", "What is a?", "Yes")], []) == []
    assert match_rewordings([], [orphan]) == []
    assert [m.rule for m in match_rewordings([Candidate("cdnew", "What is a?", "Yes")],
                                             [orphan])] == ["same answer"]


def test_new_identity_refuses_the_match() -> None:
    lib = library(edited(("| What is BPE? |", "| Explain byte-level BPE |")))
    ids = resolve(lib, first_ledger(), timestamp=T2, new_identity=("explain byte-level bpe",))
    assert ids.reworded == ()
    assert [e.question for e in retired(ids)] == ["What is BPE?"]
    with pytest.raises(LedgerError, match="--new-identity: no such question: what is bpf"):
        resolve(lib, first_ledger(), timestamp=T2, new_identity=("What is BPF?",))


def test_new_identity_on_a_first_build() -> None:
    """No ledger yet: every card has its own GUID; --new-identity still names a real question."""
    lib = library()
    plan = resolve(lib, Ledger(), timestamp=T1, new_identity=("what is bpe",))
    assert plan.overrides == {} and plan.reworded == ()
    assert [n.guid for n in plan.notes if n.note_type == "qa"] == [
        card_guid(lib.sheets[0], c) for c in lib.sheets[0].cards]
    with pytest.raises(LedgerError, match="--new-identity: no such question: what is bpf"):
        resolve(lib, Ledger(), timestamp=T1, new_identity=("What is BPF?",))


def test_explicit_id_survives_rewording_question_and_answer() -> None:
    lib = library(edited(("| What is RoPE? | Rotary position embeddings | rope |",
                          "| Explain rotary embeddings | Rotate q and k by position | rope |")))
    ledger = first_ledger()
    ids = resolve(lib, ledger, timestamp=T2)
    assert ids.reworded == () and retired(ids) == ()
    new = entry(ids.ledger(), "Explain rotary embeddings")
    assert new.guid == entry(ledger, "What is RoPE?").guid
    assert (new.id, new.answer, new.changed) == ("rope", "Rotate q and k by position", T2)


def test_id_pinned_entry_is_never_inherited() -> None:
    # The card with ID "rope" is deleted and a question with its answer appears: the ID's
    # identity is not handed to a card without that ID.
    lib = library(edited(("| What is RoPE? | Rotary position embeddings | rope |",
                          "| Define RoPE | Rotary position embeddings |  |")))
    ids = resolve(lib, first_ledger(), timestamp=T2)
    assert ids.reworded == ()
    assert [e.id for e in retired(ids)] == ["rope"]


def test_moving_a_question_to_another_section_keeps_its_guid_and_takes_the_new_tag() -> None:
    text = edited((ALIBI_ROW, ""), ("| About 1333 tokens |\n",
                                    "| About 1333 tokens |\n"
                                    "| What is ALiBi? | Linear biases on attention scores |\n"))
    ledger = first_ledger()
    ids = resolve(library(text), ledger, timestamp=T2)
    moved = entry(ids.ledger(), "What is ALiBi?")
    assert (moved.guid, moved.section, moved.changed) == (
        entry(ledger, "What is ALiBi?").guid, "tokens", T2)
    note = next(n for n in ids.notes if n.guid == moved.guid)
    assert note.tags == ("cheatdeck::ledger-sheet::tokens", "qa")
    assert note.deck == "Root::Ledger Sheet::TOKENS"



def _guid_in(plan: NotePlan, question: str, section: str) -> str:
    [guid] = [n.guid for n in plan.notes
              if n.text == question and n.section == section and not n.retired]
    return guid


def _own_guids(text: str) -> dict[tuple[str, str], str]:
    """Each card's own GUID (ids.card_guid), by (section slug, question)."""
    [sheet] = library(text, warned=TWICE).sheets
    return {(section.slug, card.question): card_guid(sheet, card)
            for section in sheet.sections for card in section.cards}


TWICE = "is also asked in section"
BPE_ROW = "| What is BPE? | Byte Pair Encoding: merges frequent character pairs |\n"
BPE_IN_EMBEDDINGS = (ALIBI_ROW, ALIBI_ROW + "| What is BPE? | Merges byte pairs |  |\n")


def test_a_question_asked_in_a_second_section_keeps_its_note_in_the_first() -> None:
    ledger = first_ledger()
    text = edited(BPE_IN_EMBEDDINGS)
    plan = resolve(library(text, warned=TWICE), ledger, timestamp=T2)
    assert _guid_in(plan, "What is BPE?", "tokens") == entry(ledger, "What is BPE?").guid
    assert _guid_in(plan, "What is BPE?", "embeddings") == _own_guids(text)[
        ("embeddings", "What is BPE?")]
    assert (plan.reworded, retired(plan)) == ((), ())
    later = resolve(library(text, warned=TWICE), plan.ledger(), timestamp=T3)  # stable from then on
    assert later.ledger().dumps() == plan.ledger().dumps()


@pytest.mark.parametrize("removed, kept", [("tokens", "embeddings"), ("embeddings", "tokens")])
def test_a_question_left_in_one_of_two_sections_keeps_that_sections_note(
        removed: str, kept: str) -> None:
    both = edited(BPE_IN_EMBEDDINGS)
    ledger = resolve(library(both, warned=TWICE), Ledger(), timestamp=T1).ledger()
    own = _own_guids(both)
    text = (edited((BPE_ROW, "")) if removed == "tokens" else SHEET)
    if removed == "tokens":
        text = text.replace(*BPE_IN_EMBEDDINGS)
    plan = resolve(library(text, warned=TWICE), ledger, timestamp=T2)
    assert _guid_in(plan, "What is BPE?", kept) == own[(kept, "What is BPE?")]
    assert [(e.section, e.guid) for e in retired(plan)] == [(removed, own[(removed, "What is BPE?")])]
    assert plan.reworded == ()


def test_a_question_asked_in_two_sections_is_never_a_rewording() -> None:
    # ALiBi, in EMBEDDINGS, is asked in TOKENS (an earlier section) too, with the answer of a
    # question deleted there: the EMBEDDINGS note keeps its GUID, the new one has its own, the
    # deleted question retires (no "same answer" match across what tells the two apart).
    ledger = first_ledger()
    text = edited(("| Why not use word-level tokens? |", "| What is ALiBi? |"))
    plan = resolve(library(text, warned=TWICE), ledger, timestamp=T2)
    assert _guid_in(plan, "What is ALiBi?", "embeddings") == entry(ledger, "What is ALiBi?").guid
    assert _guid_in(plan, "What is ALiBi?", "tokens") == _own_guids(text)[
        ("tokens", "What is ALiBi?")]
    assert plan.reworded == ()
    assert [e.question for e in retired(plan)] == ["Why not use word-level tokens?"]


def test_a_question_named_like_a_deleted_fact_row_is_a_new_note() -> None:
    # A fact note is a cloze of another note type: a Q&A card never continues it.
    ledger = first_ledger()
    text = edited(("| GPT-2 small | 124M | 12 |\n", "| GPT-2 XL | 1.5B | 48 |\n"),
                  (BPE_ROW, BPE_ROW + "| GPT-2 small | The 124M-parameter GPT-2 |\n"))
    plan = resolve(library(text, warned=TWICE), ledger, timestamp=T2)
    assert _guid_in(plan, "GPT-2 small", "tokens") == _own_guids(text)[("tokens", "GPT-2 small")]
    assert [(e.kind, e.question) for e in retired(plan)] == [("fact", "GPT-2 small")]
    assert plan.reworded == ()


def test_a_continued_entry_is_not_matched_again_as_a_rewording() -> None:
    # After "What is BPE?" became "Explain byte-level BPE" (matched once, recorded), a new
    # question with BPE's answer is a new note: the entry already continues the reworded card.
    ledger = first_ledger()
    reworded = edited(("| What is BPE? |", "| Explain byte-level BPE |"))
    second = resolve(library(reworded, warned=TWICE), ledger, timestamp=T2).ledger()
    text = reworded.replace("| About 1333 tokens |\n", "| About 1333 tokens |\n"
                            "| Define BPE | Byte Pair Encoding: merges frequent character pairs |\n")
    plan = resolve(library(text, warned=TWICE), second, timestamp=T3)
    assert _guid_in(plan, "Explain byte-level BPE", "tokens") == entry(ledger, "What is BPE?").guid
    assert _guid_in(plan, "Define BPE", "tokens") == _own_guids(text)[("tokens", "Define BPE")]
    assert (plan.reworded, retired(plan)) == ((), ())



def test_a_reworded_question_moved_to_another_section_keeps_its_guid() -> None:
    # The ledger records the rewording under the old GUID; a later build that also moves the
    # question continues that entry from the other section.
    ledger = first_ledger()
    reworded = edited(("| What is BPE? |", "| Explain byte-level BPE |"))
    second = resolve(library(reworded), ledger, timestamp=T2).ledger()
    row = "| Explain byte-level BPE | Byte Pair Encoding: merges frequent character pairs |"
    moved = reworded.replace(row + "\n", "").replace(ALIBI_ROW, ALIBI_ROW + row + "  |\n")
    plan = resolve(library(moved), second, timestamp=T3)
    assert _guid_in(plan, "Explain byte-level BPE", "embeddings") == entry(ledger,
                                                                          "What is BPE?").guid
    assert (plan.reworded, retired(plan)) == ((), ())


# --- retiring -----------------------------------------------------------------------------------


def _package_rows(data: bytes, sql: str) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
    return list(db.execute(sql))


def test_deleted_question_and_fact_row_are_shipped_retired_and_suspended() -> None:
    ledger = first_ledger()
    lib = library(edited((ALIBI_ROW, ""),
                         ("| GPT-2 small | 124M | 12 |\n", "| GPT-2 XL | 1.5B | 48 |\n")))
    ids = resolve(lib, ledger, timestamp=T2)
    assert sorted(e.question for e in retired(ids)) == ["GPT-2 small", "What is ALiBi?"]
    assert all(e.retired and e.changed == T2 for e in retired(ids))

    gone = ids.having("retired")
    assert ids.notes[-2:] == gone  # after every live note
    assert {(n.text, n.deck, n.tags, n.change) for n in gone} == {
        ("What is ALiBi?", "Root (retired)", ("cheatdeck::retired", "qa"), "changed"),
        ("GPT-2 small", "Root (retired)", ("cheatdeck::retired", "fact"), "changed"),
    }
    fact = next(n for n in gone if n.kind == "fact")
    assert fact.fields[0] == ('<table class="cd-facts"><tr><th>Params</th><td>{{c1::124M}}</td>'
                              "</tr><tr><th>Layers</th><td>{{c2::12}}</td></tr></table>")
    assert fact.fields[2:6] == ("Model · Params · Layers", "NUMBERS", "Ledger Sheet", "")
    rows = _package_rows(package_bytes(build_package(ids)), "select n.tags, c.queue from cards c "
                                                            "join notes n on n.id = c.nid")
    assert sorted(q for t, q in rows if "cheatdeck::retired" in str(t)) == [-1, -1, -1]
    assert {q for t, q in rows if "cheatdeck::retired" not in str(t)} == {0}

    # A later build keeps the retired entries byte for byte; the question coming back revives it.
    later = resolve(lib, ids.ledger(), timestamp=T3)
    assert later.ledger().dumps() == ids.ledger().dumps()
    assert {n.change for n in later.notes} == {"unchanged"}
    back = resolve(library(), ids.ledger(), timestamp=T3)
    assert entry(back.ledger(), "What is ALiBi?") == dataclasses.replace(
        entry(ledger, "What is ALiBi?"), changed=T3)


def test_pruned_drops_only_retired_entries() -> None:
    lib = library(edited((ALIBI_ROW, "")))
    ids = resolve(lib, first_ledger(), timestamp=T2)
    pruned = ids.ledger().pruned()
    assert len(pruned.entries) == len(ids.ledger().entries) - 1 and pruned.retired == ()
    assert retired(resolve(lib, pruned, timestamp=T3)) == ()


# --- the build and the CLI ----------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(DATA / "sheet.md", tmp_path / "source" / "sheet.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1))
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_build_writes_a_byte_identical_ledger(project: Path) -> None:
    lock = project / "source" / "cheatdeck.lock"
    assert main(["build", "--no-site"]) == 0
    first = lock.read_bytes()
    assert first == (DATA / "sheet.lock").read_bytes()
    shutil.rmtree(project / "build")  # no state: a full rebuild
    assert main(["build", "--no-site", "--force"]) == 0
    assert lock.read_bytes() == first


def test_frozen_fails_when_the_ledger_would_change(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / "source" / "cheatdeck.lock"
    assert main(["build", "--no-site", "--frozen"]) == 1  # no ledger committed yet
    assert "source/cheatdeck.lock: would change with --frozen (7 new)" in capsys.readouterr().err
    assert not lock.exists() and not (project / "dist").exists()
    assert main(["build", "--no-site"]) == 0
    assert main(["build", "--no-site", "--frozen", "--force"]) == 0
    assert main(["build", "--check", "--frozen"]) == 0

    before = lock.read_bytes()
    _edit(project / "source" / "sheet.md", ALIBI_ROW, "")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T2))
    capsys.readouterr()
    assert main(["build", "--check", "--frozen"]) == 1
    assert main(["build", "--no-site", "--frozen"]) == 1
    err = capsys.readouterr().err
    assert "would change with --frozen (1 retired); run `cheatdeck build` and commit it" in err
    assert lock.read_bytes() == before


def test_build_reports_rewordings_and_retired_notes(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(project)
    options = BuildOptions(site=False)
    run_build(config, options, environ={"SOURCE_DATE_EPOCH": str(T1)}, emit=print)
    sheet = project / "source" / "sheet.md"
    _edit(sheet, "| What is BPE? |", "| Explain byte-level BPE |")
    _edit(sheet, ALIBI_ROW, "")
    report = run_build(config, options, environ={"SOURCE_DATE_EPOCH": str(T2)}, emit=print)
    assert [(r.old_question, r.new_question) for r in report.reworded] == [
        ("What is BPE?", "Explain byte-level BPE")]
    assert report.retired == ("What is ALiBi?",)
    assert report.changes is not None
    assert (report.changes.changed, report.changes.removed) == (
        ("Explain byte-level BPE",), ("What is ALiBi?",))
    assert (report.notes, len(report.retired)) == (6, 1)  # 5 cards + 1 fact row live; 1 retired
    assert (project / "source" / "cheatdeck.lock", len(
        (project / "source" / "cheatdeck.lock").read_bytes())) in report.outputs


def test_a_content_error_leaves_the_ledger_alone(project: Path) -> None:
    lock = project / "source" / "cheatdeck.lock"
    assert main(["build", "--no-site"]) == 0
    before = lock.read_bytes()
    _edit(project / "source" / "sheet.md", "| About 1333 tokens |", "| About | 1333 tokens |")
    assert main(["build", "--no-site"]) == 1
    assert lock.read_bytes() == before


def _deck_notes(project: Path) -> dict[str, tuple[str, str]]:
    """``{question field: (answer field, tags)}`` of every Q&A note in ``dist/root.apkg``."""
    with zipfile.ZipFile(project / "dist" / "root.apkg") as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
    rows = db.execute("select flds, tags from notes").fetchall()
    return {flds.split("\x1f")[0]: (flds.split("\x1f")[1], tags.strip()) for flds, tags in rows}


def test_a_skipped_row_keeps_its_shipped_note_until_fixed_or_deleted(
        project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12 §2: an emptied answer is a warning; the row's note ships as last shipped (same
    GUID, old answer, its own deck and tags, not retired) and the ledger entry is unchanged."""
    lock = project / "source" / "cheatdeck.lock"
    assert main(["build", "--no-site"]) == 0
    shipped = entry(Ledger.loads(lock.read_text(encoding="utf-8")),
                    "How many tokens ≈ 1000 words?")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T2))
    _edit(project / "source" / "sheet.md", "| About 1333 tokens |", "|  |")
    capsys.readouterr()
    assert main(["build", "--no-site"]) == 0
    err = capsys.readouterr().err
    assert "source/sheet.md:10:1: warning: empty answer to 'How many tokens ≈ 1000 words?': " \
        "row skipped" in err
    assert "  kept as shipped: 1 (row skipped, see warnings)" in err
    assert "retired" not in err
    ledger = Ledger.loads(lock.read_text(encoding="utf-8"))
    assert entry(ledger, "How many tokens ≈ 1000 words?") == shipped
    assert ledger.retired == ()
    notes = _deck_notes(project)
    assert notes["How many tokens ≈ 1000 words?"] == (
        "About 1333 tokens", "cheatdeck::ledger-sheet::tokens qa")
    # Deleted: now it retires, as any removed row.
    _edit(project / "source" / "sheet.md", "| How many tokens ≈ 1000 words? |  |\n", "")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T3))
    assert main(["build", "--no-site"]) == 0
    assert entry(Ledger.loads(lock.read_text(encoding="utf-8")),
                 "How many tokens ≈ 1000 words?").retired


def test_new_identity_flag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-site"]) == 0
    _edit(project / "source" / "sheet.md", "| What is BPE? |", "| Explain byte-level BPE |")
    assert main(["build", "--no-site", "--new-identity", "Explain byte-level BPE"]) == 0
    ledger = Ledger.loads((project / "source" / "cheatdeck.lock").read_text(encoding="utf-8"))
    assert entry(ledger, "What is BPE?").retired
    assert not entry(ledger, "Explain byte-level BPE").retired
    assert main(["build", "--no-site", "--new-identity", "nope"]) == 1
    assert "--new-identity: no such question: nope" in capsys.readouterr().err


def test_prune_ledger_command_then_build_stops_shipping(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / "source" / "cheatdeck.lock"
    assert main(["build", "--no-site"]) == 0
    _edit(project / "source" / "sheet.md", ALIBI_ROW, "")
    assert main(["build", "--no-site"]) == 0
    assert len(Ledger.loads(lock.read_text(encoding="utf-8")).retired) == 1
    capsys.readouterr()
    assert main(["prune-ledger"]) == 0
    assert "source/cheatdeck.lock: dropped 1 retired note(s), kept 6" in capsys.readouterr().err
    assert Ledger.loads(lock.read_text(encoding="utf-8")).retired == ()
    # The ledger is an input of the build: the pruned note is no longer in the deck.
    assert main(["build", "--no-site"]) == 0
    assert "nothing changed" not in capsys.readouterr().err
    with zipfile.ZipFile(project / "dist" / "root.apkg") as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
    assert db.execute("select count() from notes where tags like '%retired%'").fetchone() == (0,)
    assert main(["prune-ledger"]) == 0
    assert "dropped 0 retired note(s), kept 6" in capsys.readouterr().err


def test_unchanged_ledger_build_is_still_skipped(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-site"]) == 0
    assert main(["build", "--no-site"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err


def test_card_guid_is_unchanged_for_cards_without_ledger_history() -> None:
    # The ledger only ever maps a new GUID to an old one: the first build ships ids.py's GUIDs.
    lib = library()
    plan = resolve(lib, Ledger(), timestamp=T1)
    sheet = lib.sheets[0]
    assert [n.guid for n in plan.notes if n.kind != "fact"] == [card_guid(sheet, c)
                                                                for c in sheet.cards]
