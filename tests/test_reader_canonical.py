"""Canonical Markdown reads without warnings, and each construct lands in the model as written."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from cheatdeck.model import Card, FactRow, FactTable, Prose
from cheatdeck.reader import read_paths, read_text


def _read(text: str):
    sheet, diagnostics = read_text(text, path="t.md")
    assert [d.format() for d in diagnostics] == []
    assert sheet is not None
    return sheet


def test_headings_tables_with_and_without_outer_pipes_and_alignment() -> None:
    sheet = _read(
        "# Sheet\n\nSub title\n\n## 🧠 Basics\n\n"
        "Question | Answer\n:--- | ---:\nQ1 | A1\n\n"
        "| Question | Answer |\n|:---:|---|\n| Q2 | A2 |\n"
    )
    (section,) = sheet.sections
    assert (section.emoji, section.title, section.slug) == ("🧠", "Basics", "basics")
    assert section.cards == (Card("Q1", "A1"), Card("Q2", "A2", new_table=True))
    assert sheet.subtitle == "Sub title"


def test_escaped_pipe_literal_also_in_code_spans_and_br_kept() -> None:
    sheet = _read(
        "# S\n\n## A\n\n| Question | Answer |\n| --- | --- |\n"
        "| What is `a \\| b`? | Bitwise or: a \\| b<br>second line |\n"
    )
    (card,) = sheet.cards
    assert card.question == "What is `a | b`?"
    assert card.answer == "Bitwise or: a | b<br>second line"


def test_table_right_after_a_paragraph_and_prose_kept() -> None:
    sheet = _read(
        "# S\n\nsub\n\n## A\n\nSome intro text.\n| Question | Answer |\n| --- | --- |\n| Q | A |\n\n"
        "```python\nx = 1\n```\n"
    )
    blocks = sheet.sections[0].blocks
    assert blocks[0] == Prose("Some intro text.")
    assert blocks[1] == Card("Q", "A")
    assert blocks[2] == Prose("```python\nx = 1\n```")


def test_extra_columns_in_any_order() -> None:
    sheet = _read(
        "# S\n\n## A\n\n| Question | Answer | ID | Tags | Extra |\n|---|---|---|---|---|\n"
        "| Q | A | q-1 | easy, core | see *paper* |\n"
    )
    assert sheet.cards == (Card("Q", "A", "qa", "see *paper*", ("easy", "core"), "q-1"),)


def test_fact_table_and_gotchas() -> None:
    sheet = _read(
        "# S\n\n## A\n\n| Model | Params | Layers |\n| --- | --- | --- |\n| M | 7B | 32 |\n\n"
        '- "Claim one" — Because.\n- “Curly claim” – en dash works too.\n'
    )
    blocks = sheet.sections[0].blocks
    assert blocks[0] == FactTable(("Model", "Params", "Layers"), (FactRow("M", ("7B", "32")),))
    assert blocks[1:] == (Card("Claim one", "Because.", "gotcha"),
                          Card("Curly claim", "en dash works too.", "gotcha"))


def test_nfc_whitespace_bom_and_crlf() -> None:
    decomposed = unicodedata.normalize("NFD", "Café")
    sheet = _read(f"\ufeff# S\r\n\r\n## A\r\n\r\n| Question | Answer |\r\n|---|---|\r\n"
                  f"|  {decomposed}   spaced  | x |\r\n")
    assert sheet.cards[0].question == "Café spaced"
    assert unicodedata.is_normalized("NFC", sheet.cards[0].question)


def test_several_sheets_in_one_folder(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# Stage 2\n\n## X\n\n| Q | A |\n|---|---|\n| q2 | a2 |\n")
    (tmp_path / "a.md").write_text("# Stage 1\n\n## X\n\n| Q | A |\n|---|---|\n| q1 | a1 |\n")
    (tmp_path / "notes.txt").write_text("not a sheet")
    library, diagnostics = read_paths([tmp_path])
    assert diagnostics == []
    assert [s.title for s in library.sheets] == ["Stage 1", "Stage 2"]
    assert [s.slug for s in library.sheets] == ["stage-1", "stage-2"]

