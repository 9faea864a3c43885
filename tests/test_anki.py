"""The Anki deck, checked against the real ``anki`` package (PyPI) in temporary collections.

Golden card HTML lives in ``tests/data/anki/``; regenerate it with ``UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from deck_fixtures import deck_of

from cheatdeck.anki import (
    FACT_MODEL_NAME,
    QA_MODEL_NAME,
    DeckBuild,
    default_card_style,
    package_bytes,
)
from cheatdeck.anki_notes import cloze_text, deck_name
from cheatdeck.errors import ConfigError, OutputError, SourceError
from cheatdeck.files import write_atomic
from cheatdeck.ids import FACT_MODEL_ID, QA_MODEL_ID, card_guid
from cheatdeck.model import Card, FactRow, FactTable, Library, Section, Sheet, SourcePos
from cheatdeck.names import deck_slug, note_tags
from cheatdeck.reader import read_paths, read_text
from cheatdeck.source_date import change_time

SEED = Path(__file__).parent / "data" / "seed" / "stage-1-verbatim.txt"
GOLDEN = Path(__file__).parent / "data" / "anki"
ROOT = "Interview Cheat Sheets"
SHEET = "Stage 1 — Interview Cheat Sheet"
SLUG = "stage-1-interview-cheat-sheet"
T1 = 1_767_225_600  # 2026-01-01T00:00:00Z
SITE = "https://example.org/study"

pytestmark = pytest.mark.anki


# --- helpers ---------------------------------------------------------------------------------


def seed_library(text: str | None = None, tmp_path: Path | None = None) -> Library:
    """Read the stage-1 seed (or an edited copy of its text) with the real reader."""
    if text is None:
        library, diagnostics = read_paths([SEED])
    else:
        assert tmp_path is not None
        edited = tmp_path / "stage-1.md"
        edited.write_text(text, encoding="utf-8")
        library, diagnostics = read_paths([edited])
    assert not [d for d in diagnostics if d.level == "error"]
    return library


def write(build: DeckBuild, path: Path) -> Path:
    write_atomic(path, package_bytes(build))
    return path


def import_apkg(col: Collection, path: Path) -> object:
    """Import with Anki's defaults ("update if newer" for notes and note types)."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    result = col.import_anki_package(request)
    col.models._clear_cache()  # note types changed behind the Python cache (FIELD-NOTES)
    return result.log


def note_id(col: Collection, guid: str) -> int:
    # `guid:` searches are unreliable (FIELD-NOTES): look notes up with SQL.
    nid = col.db.scalar("select id from notes where guid = ?", guid)
    assert nid is not None, f"no note with GUID {guid}"
    return int(nid)


def body(html: str) -> str:
    """The card HTML without the note type's <style> block, which Anki prepends."""
    return re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL).strip()


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


@pytest.fixture(scope="module")
def seed_build() -> DeckBuild:
    return deck_of(seed_library(), root_deck=ROOT, site_url=SITE, timestamp=T1)


# --- the stage-1 deck -------------------------------------------------------------------------


def test_stage1_build_counts(seed_build: DeckBuild) -> None:
    kinds = [n.kind for n in seed_build.plan.notes]
    assert (kinds.count("qa"), kinds.count("gotcha"), kinds.count("fact")) == (45, 7, 6)
    assert (seed_build.note_count, seed_build.card_count) == (58, 82)
    assert seed_build.plan.diagnostics == ()
    llama = next(n for n in seed_build.plan.notes if n.text == "LLaMA-7B")
    assert (llama.sheet, llama.key) == (SLUG, "Model|Params|Layers|Heads|dim|Vocab|llama-7b")


def test_stage1_imports_as_58_notes_82_cards(col: Collection, seed_build: DeckBuild, tmp_path: Path) -> None:
    log = import_apkg(col, write(seed_build, tmp_path / "deck.apkg"))
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (58, 0, 0)
    assert (col.note_count(), col.card_count()) == (58, 82)

    prefix = f"{ROOT}::{SHEET}::"
    sections = ["TOKENS", "EMBEDDINGS", "ATTENTION", "TRAINING", "GENERATION",
                "GOTCHAS INTERVIEWERS LOVE", "NUMBERS TO MEMORIZE"]
    leaf_counts = {name: len(col.find_cards(f'"deck:{prefix}{name}" -"deck:{prefix}{name}::*"'))
                   for name in sections}
    assert leaf_counts == {"TOKENS": 7, "EMBEDDINGS": 7, "ATTENTION": 17, "TRAINING": 7,
                           "GENERATION": 7, "GOTCHAS INTERVIEWERS LOVE": 7, "NUMBERS TO MEMORIZE": 30}
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {ROOT, f"{ROOT}::{SHEET}", *(prefix + s for s in sections)} <= names

    assert len(col.find_notes("tag:gotcha")) == 7
    assert len(col.find_notes("tag:fact")) == 6
    assert len(col.find_notes("tag:qa")) == 45
    assert len(col.find_notes(f"tag:cheatdeck::{SLUG}::attention")) == 17
    assert all(" " not in t for t in col.tags.all())

    bpe = col.get_note(note_id(col, card_guid(seed_library().sheets[0], Card("What is BPE?", "x"))))
    assert bpe.tags == [f"cheatdeck::{SLUG}::tokens", "qa"]
    card = bpe.cards()[0]
    assert body(card.question()) == (
        '<div class="cd-card cd-qa">\n'
        f'<div class="cd-crumb">{SHEET} › TOKENS</div>\n'
        '<div class="cd-question">What is BPE?</div>\n</div>'
    )
    assert (
        '<div class="cd-answer">Byte Pair Encoding: merges frequent character pairs iteratively '
        "to build subword vocab</div>"
    ) in card.answer()
    assert (
        f'<a class="cd-source" href="{SITE}/{SLUG}/tokens.html#what-is-bpe">Open on the study site</a>'
    ) in card.answer()
    assert col.decks.name(card.did) == f"{prefix}TOKENS"


def test_stage1_fact_row_gives_five_clozes(col: Collection, seed_build: DeckBuild, tmp_path: Path) -> None:
    import_apkg(col, write(seed_build, tmp_path / "deck.apkg"))
    llama = next(n for n in seed_build.plan.notes if n.text == "LLaMA-7B")
    note = col.get_note(note_id(col, llama.guid))
    assert note.note_type()["name"] == FACT_MODEL_NAME
    assert note.tags == [f"cheatdeck::{SLUG}::numbers-to-memorize", "fact"]
    cards = sorted(note.cards(), key=lambda c: c.ord)
    assert [c.ord for c in cards] == [0, 1, 2, 3, 4]
    # Anki writes data-cloze with its own attribute escaping (the comma too).
    expected = [("Params", "7B", "7B"), ("Layers", "32", "32"), ("Heads", "32", "32"),
                ("dim", "4096", "4096"), ("Vocab", "32,000", "32&#x2C;000")]
    for card, (column, value, attribute) in zip(cards, expected, strict=True):
        n = card.ord + 1
        front, back = card.question(), card.answer()
        assert '<div class="cd-subject">LLaMA-7B</div>' in front
        assert (f'<tr><th>{column}</th><td><span class="cloze" data-cloze="{attribute}" '
                f'data-ordinal="{n}">[...]</span></td></tr>') in front
        assert f'<tr><th>{column}</th><td><span class="cloze" data-ordinal="{n}">{value}</span></td></tr>' in back
        assert f"{SITE}/{SLUG}/numbers-to-memorize.html" in back


def test_card_html_matches_golden(col: Collection, seed_build: DeckBuild, tmp_path: Path) -> None:
    import_apkg(col, write(seed_build, tmp_path / "deck.apkg"))
    sampled = {
        "qa": "Why √d_k in denominator?",
        "gotcha": "Attention is permutation-invariant",
        "fact": "GPT-2 small",
    }
    parts = []
    for kind, text in sampled.items():
        spec = next(n for n in seed_build.plan.notes if n.kind == kind and n.text.strip('"') == text)
        card = min(col.get_note(note_id(col, spec.guid)).cards(), key=lambda c: c.ord)
        parts.append(f"<!-- {kind}: front -->\n{body(card.question())}\n"
                     f"<!-- {kind}: back -->\n{body(card.answer())}\n")
    actual = "\n".join(parts)
    golden = GOLDEN / "stage-1-cards.html"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


# --- re-import ----------------------------------------------------------------------------------


def test_reimport_updates_answer_keeps_ids_and_review(col: Collection, tmp_path: Path) -> None:
    source = SEED.read_text(encoding="utf-8")
    first = deck_of(seed_library(source, tmp_path), root_deck=ROOT, timestamp=T1)
    import_apkg(col, write(first, tmp_path / "v1.apkg"))
    ids_before = (sorted(col.find_notes("")), sorted(col.find_cards("")))

    col.decks.select(col.decks.id_for_name(f"{ROOT}::{SHEET}::TOKENS"))
    card = col.sched.getCard()
    assert card is not None
    assert '<div class="cd-question">How many tokens ≈ 1000 words?</div>' in card.question()
    col.sched.answerCard(card, 3)
    answered = col.get_card(card.id)
    assert answered.note()["Question"] == "How many tokens ≈ 1000 words?"
    # Edit that card's answer in the Markdown source and rebuild with a later timestamp.
    row = "| How many tokens ≈ 1000 words? | ~1333 tokens (1 token ≈ 0.75 words) |"
    assert row in source
    edited = source.replace(row, "| How many tokens ≈ 1000 words? | Edited: *new* answer |")
    second = deck_of(seed_library(edited, tmp_path), root_deck=ROOT, timestamp=T1 + 60)
    log = import_apkg(col, write(second, tmp_path / "v2.apkg"))

    assert (len(log.new), len(log.conflicting)) == (0, 0)
    assert col.note_count() == 58
    assert (sorted(col.find_notes("")), sorted(col.find_cards(""))) == ids_before
    note = col.get_card(card.id).note()
    assert note["Answer"] == "Edited: <em>new</em> answer"
    assert note.id == answered.nid
    assert col.db.scalar("select count() from revlog where cid = ?", card.id) == 1
    reviewed = col.get_card(card.id)
    assert (reviewed.reps, reviewed.type) == (answered.reps, answered.type)
    assert reviewed.reps == 1


def test_same_timestamp_skips_the_edit(col: Collection, tmp_path: Path) -> None:
    # Why the timestamp must come from the content: Anki updates only if newer (FIELD-NOTES).
    source = SEED.read_text(encoding="utf-8")
    first = deck_of(seed_library(source, tmp_path), root_deck=ROOT, timestamp=T1)
    import_apkg(col, write(first, tmp_path / "v1.apkg"))
    edited = source.replace("| What is BPE? | Byte Pair Encoding:", "| What is BPE? | Edited:")
    assert edited != source
    again = deck_of(seed_library(edited, tmp_path), root_deck=ROOT, timestamp=T1)
    log = import_apkg(col, write(again, tmp_path / "v2.apkg"))
    bpe = next(n for n in again.plan.notes if n.text == "What is BPE?")
    assert bpe.fields[1].startswith("Edited:")
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert col.get_note(note_id(col, bpe.guid))["Answer"].startswith("Byte Pair Encoding:")


def test_added_question_is_new_removed_question_is_kept(col: Collection, tmp_path: Path) -> None:
    source = SEED.read_text(encoding="utf-8")
    import_apkg(col, write(deck_of(seed_library(source, tmp_path), root_deck=ROOT, timestamp=T1),
                           tmp_path / "v1.apkg"))

    row = "| Why not use word-level? | Vocab explodes (millions of words), can't handle OOV/misspellings |\n"
    added = source.replace(row, row + "| What is a tokenizer? | Text → token ids |\n")
    grown = deck_of(seed_library(added, tmp_path), root_deck=ROOT, timestamp=T1 + 60)
    log = import_apkg(col, write(grown, tmp_path / "v2.apkg"))
    assert (grown.note_count, len(log.new), col.note_count(), col.card_count()) == (59, 1, 59, 83)

    removed_row = ("| What is BPE? | Byte Pair Encoding: merges frequent character pairs iteratively to "
                   "build subword vocab |\n")
    shrunk_text = added.replace(removed_row, "")
    shrunk = deck_of(seed_library(shrunk_text, tmp_path), root_deck=ROOT, timestamp=T1 + 120)
    log = import_apkg(col, write(shrunk, tmp_path / "v3.apkg"))
    # Anki never deletes on import: the removed question stays in the collection.
    bpe_guid = next(n.guid for n in grown.plan.notes if n.text == "What is BPE?")
    assert shrunk.note_count == 58
    assert bpe_guid not in {n.guid for n in shrunk.plan.notes}
    assert (len(log.new), col.note_count()) == (0, 59)
    assert col.get_note(note_id(col, bpe_guid))["Question"] == "What is BPE?"


def test_style_change_updates_note_types_in_place(col: Collection, seed_build: DeckBuild, tmp_path: Path) -> None:
    import_apkg(col, write(seed_build, tmp_path / "v1.apkg"))
    style = default_card_style()
    restyled = dataclasses.replace(
        style,
        css=style.css + "\n.cd-answer { font-size: 1.1em; }\n",
        qa_back=style.qa_back.replace("Open on the study site", "Read on the site"),
    )
    build = deck_of(seed_library(), root_deck=ROOT, site_url=SITE, timestamp=T1 + 60, style=restyled)
    log = import_apkg(col, write(build, tmp_path / "v2.apkg"))

    assert len(log.conflicting) == 0
    ours = sorted((m.name, m.id) for m in col.models.all_names_and_ids() if m.name.startswith("cheatdeck"))
    assert ours == [(QA_MODEL_NAME, QA_MODEL_ID), (FACT_MODEL_NAME, FACT_MODEL_ID)]
    assert col.models.get(QA_MODEL_ID)["css"].endswith(".cd-answer { font-size: 1.1em; }\n")
    assert "Read on the site" in col.models.get(QA_MODEL_ID)["tmpls"][0]["afmt"]
    assert {col.get_note(n).mid for n in col.find_notes("")} == {QA_MODEL_ID, FACT_MODEL_ID}
    assert col.note_count() == 58


# --- reproducibility and writing ---------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    paths = []
    for name in ("a", "b"):
        build = deck_of(seed_library(), root_deck=ROOT, site_url=SITE, timestamp=T1)
        paths.append(write(build, tmp_path / name / "deck.apkg"))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["collection.anki2", "media"]
        assert {(i.date_time, i.external_attr >> 16, i.compress_type) for i in infos} == {
            ((1980, 1, 1, 0, 0, 0), 0o100644, zipfile.ZIP_DEFLATED)
        }
        assert archive.read("media") == b"{}"
    # Only the package itself is left behind: no temp file, no genanki SQLite file.
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["deck.apkg"]
    assert paths[0].stat().st_mode & 0o777 == 0o644


def test_writing_leaves_no_temporary_file(
    seed_build: DeckBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # genanki's write_to_file leaves a SQLite file in the temp dir (FIELD-NOTES); ours must not.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    write_atomic(tmp_path / "out" / "deck.apkg", package_bytes(seed_build))
    assert list(scratch.iterdir()) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["deck.apkg"]


def test_later_timestamp_changes_the_package(seed_build: DeckBuild) -> None:
    later = deck_of(seed_library(), root_deck=ROOT, site_url=SITE, timestamp=T1 + 1)
    assert package_bytes(later) != package_bytes(seed_build)


def test_package_write_replaces_and_reports_unwritable_path(seed_build: DeckBuild, tmp_path: Path) -> None:
    target = tmp_path / "dist" / "deck.apkg"
    target.parent.mkdir()
    target.write_bytes(b"old")
    write_atomic(target, package_bytes(seed_build))
    assert target.read_bytes() == package_bytes(seed_build)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not-a-dir/deck.apkg"):
        write_atomic(blocker / "deck.apkg", package_bytes(seed_build))


# --- content that must stay text ------------------------------------------------------------


def hostile_library() -> Library:
    pos = SourcePos("hostile.md", 1)
    cards = (
        Card("script", "<script>alert(1)</script>", pos=pos),
        Card("comparison", "a < b && c > d", pos=pos),
        Card("braces", "{{c1::x}} and {{Answer}}", pos=pos),
        Card("dollars", "$x$ beside `$PATH`", pos=pos),
    )
    table = FactTable(("Thing", "A", "B", "C", "D"),
                      (FactRow("row", ("{{c1::x}}", "a::b", "}}", ""), pos=pos),), pos=pos)
    section = Section("s", "", "Sec", (*cards, table))
    return Library((Sheet("hostile", "Hostile", "", "", (section,), path="hostile.md"),))


def test_hostile_content_renders_as_text(col: Collection, tmp_path: Path) -> None:
    build = deck_of(hostile_library(), root_deck=ROOT, timestamp=T1)
    assert (build.note_count, build.card_count) == (5, 7)  # the empty value "D" gets no cloze
    import_apkg(col, write(build, tmp_path / "hostile.apkg"))
    assert col.card_count() == 7

    answers = {}
    for spec in build.plan.notes[:4]:
        answers[spec.text] = col.get_note(note_id(col, spec.guid)).cards()[0].answer()
    expected = {
        "script": "&lt;script&gt;alert(1)&lt;/script&gt;",
        "comparison": "a &lt; b &amp;&amp; c &gt; d",
        "braces": "&#123;&#123;c1::x&#125;&#125; and &#123;&#123;Answer&#125;&#125;",
        "dollars": "\\(x\\) beside <code>$PATH</code>",
    }
    for text, html in expected.items():
        assert f'<div class="cd-answer">{html}</div>' in answers[text]
    assert "<script>" not in "".join(answers.values())
    assert 'class="cd-source"' not in "".join(answers.values())  # no site URL, no link

    fact = col.get_note(note_id(col, build.plan.notes[4].guid))
    backs = {c.ord: c.answer() for c in fact.cards()}
    assert sorted(backs) == [0, 1, 2]
    assert '<span class="cloze" data-ordinal="1">&#123;&#123;c1&#58;&#58;x&#125;&#125;</span>' in backs[0]
    assert '<span class="cloze" data-ordinal="2">a&#58;&#58;b</span>' in backs[1]
    assert '<span class="cloze" data-ordinal="3">&#125;&#125;</span>' in backs[2]
    assert "<tr><th>D</th><td></td></tr>" in backs[0]


def test_cloze_text_escapes_colons_only_inside_clozes() -> None:
    assert cloze_text(("A", "B::C"), ("x::y", "")) == (
        '<table class="cd-facts"><tr><th>A</th><td>{{c1::x&#58;&#58;y}}</td></tr>'
        "<tr><th>B::C</th><td></td></tr></table>"
    )


def test_fact_row_without_values_is_skipped_with_warning() -> None:
    pos = SourcePos("facts.md", 7, 1)
    table = FactTable(("M", "P", "Q"), (FactRow("empty", ("", ""), pos=pos), FactRow("ok", ("1", ""), pos=pos)))
    library = Library((Sheet("f", "F", "", "", (Section("s", "", "S", (table,)),)),))
    build = deck_of(library, root_deck=ROOT, timestamp=T1)
    assert (build.note_count, build.card_count) == (1, 1)
    assert [d.format() for d in build.plan.diagnostics] == [
        "facts.md:7:1: warning: fact row 'empty' has no value: no Anki note made for it"
    ]


# --- identity, decks, tags ----------------------------------------------------------------------


def test_duplicate_guid_names_both_lines() -> None:
    first = Card("What is BPE?", "one", pos=SourcePos("a.md", 3, 1))
    second = Card("what is bpe", "two", pos=SourcePos("a.md", 9, 1))
    table = FactTable(("M", "P", "Q"), (FactRow("GPT-3", ("1", "2"), pos=SourcePos("a.md", 14, 1)),
                                        FactRow("gpt-3", ("3", "4"), pos=SourcePos("a.md", 15, 1))))
    sections = (Section("x", "", "X", (first,)), Section("y", "", "Y", (second, table)))
    library = Library((Sheet("s", "S", "", "", sections, path="a.md"),))
    with pytest.raises(SourceError) as raised:
        deck_of(library, root_deck=ROOT, timestamp=T1)
    assert [d.format().splitlines()[0] for d in raised.value.diagnostics] == [
        "a.md:9:1: error: 'what is bpe' would be the same Anki note as 'What is BPE?' at a.md:3:1",
        "a.md:15:1: error: 'gpt-3' would be the same Anki note as 'GPT-3' at a.md:14:1",
    ]


def test_deck_names_never_gain_levels_from_titles() -> None:
    assert deck_name("Root", "C++ :: STL", "a::b:::c") == "Root::C++ ∷ STL::a∷b∷:c"
    assert deck_name("Study::Interview", "Sheet  one", "Sec") == "Study::Interview::Sheet one::Sec"


def test_tags_hold_no_whitespace() -> None:
    sheet = Sheet("stage-1", "Stage 1", "", "", ())
    section = Section("tokens", "", "TOKENS", ())
    assert note_tags(sheet.slug, section.slug, "qa", ("two words", "tab\there", "qa", "x::y")) == (
        "cheatdeck::stage-1::tokens", "qa", "two_words", "tab_here", "x::y"
    )


def test_tags_with_spaces_import(col: Collection, tmp_path: Path) -> None:
    card = Card("Q?", "A", tags=("needs review", "llm"), pos=SourcePos("t.md", 2))
    library = Library((Sheet("t", "T", "", "", (Section("s", "", "S", (card,)),)),))
    import_apkg(col, write(deck_of(library, root_deck=ROOT, timestamp=T1), tmp_path / "t.apkg"))
    # Anki stores a note's tags sorted (case-insensitively), whatever the package's order.
    assert col.get_note(col.find_notes("")[0]).tags == ["cheatdeck::t::s", "llm", "needs_review", "qa"]


def test_deck_slug() -> None:
    assert deck_slug("Interview Cheat Sheets") == "interview-cheat-sheets"


def test_edited_sheet_via_read_text_keeps_guids(seed_build: DeckBuild) -> None:
    sheet, diagnostics = read_text(
        f"# {SHEET}\n\n## 🔥 TOKENS\n\n| Question | Answer |\n|---|---|\n"
        "| what is BPE | A different answer |\n",
        path="mini.md",
    )
    assert sheet is not None and not [d for d in diagnostics if d.level == "error"]
    build = deck_of(Library((sheet,)), root_deck=ROOT, timestamp=T1)
    seed_bpe = next(n for n in seed_build.plan.notes if n.text == "What is BPE?")
    assert build.plan.notes[0].guid == seed_bpe.guid


# --- build timestamp -------------------------------------------------------------------------


def test_change_time_from_environment_else_the_clock() -> None:
    assert change_time({"SOURCE_DATE_EPOCH": "1767225600"}, clock=lambda: 5.0) == 1_767_225_600
    assert change_time({}, clock=lambda: 1_767_225_600.7) == 1_767_225_600
    for bad in ("", "soon", "1.5", "-1", "١٢"):
        with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
            change_time({"SOURCE_DATE_EPOCH": bad})
