"""One test per error diagnostic, each naming its exact line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from cheatdeck.reader import read_file, read_paths, read_text

HEAD = "# S\n\n## A\n\n| Question | Answer |\n| --- | --- |\n"  # rows start on line 7


def _errors(text: str) -> list[str]:
    _, diagnostics = read_text(text, path="t.md")
    return [d.format() for d in diagnostics if d.level == "error"]


def test_empty_question() -> None:
    assert _errors(HEAD + "| Q1 | A1 |\n|  | A2 |\n") == [
        "t.md:8:1: error: empty question in this row\n  hint: write the question"]


def test_empty_answer() -> None:
    assert _errors(HEAD + "| Q1 | A1 |\n| Q2 |  |\n") == [
        "t.md:8:1: error: empty answer to 'Q2'\n"
        "  hint: write the answer, or remove the question"]


def test_empty_gotcha_explanation() -> None:
    assert _errors(HEAD + "| Q | A |\n\n- \"Claim\" —\n") == [
        "t.md:9:1: error: empty answer to 'Claim'\n"
        "  hint: write the answer, or remove the question"]


def test_row_with_more_cells_than_header() -> None:
    assert _errors(HEAD + "| Q1 | A1 |\n| Q2 | a | b |\n") == [
        "t.md:8:12: error: row has 3 cells, header has 2\n"
        "  hint: escape a literal pipe as `\\|`, or add the column to the header"]


def test_same_question_twice_names_both_lines() -> None:
    assert _errors(HEAD + "| What is BPE? | A |\n| x | y |\n| what is  BPE | B |\n") == [
        "t.md:9:1: error: duplicate question 'what is BPE': also at line 7 (t.md:7:1)\n"
        "  hint: reword one of them or merge the two"]


def test_duplicate_across_table_and_gotcha() -> None:
    assert _errors(HEAD + "| Claim | A |\n\n- \"Claim\" — B\n") == [
        "t.md:9:1: error: duplicate question 'Claim': also at line 7 (t.md:7:1)\n"
        "  hint: reword one of them or merge the two"]


def test_fact_row_missing_value_and_duplicate_subject() -> None:
    text = "# S\n\n## N\n\n| Model | Params | Layers |\n|---|---|---|\n| A | 1 |\n| A | 1 | 2 |\n"
    assert _errors(text) == [
        "t.md:7:1: error: fact row 'A' has no value for Layers\n"
        "  hint: fill every cell (write `?` if unknown)",
        "t.md:8:1: error: duplicate fact row 'A': also at line 7 (t.md:7:1)\n"
        "  hint: each row of a fact table needs its own subject"]


def test_file_with_no_cards() -> None:
    assert _errors("# S\n\n## A\n\nJust prose.\n") == [
        "t.md:1:1: error: the sheet has no cards\n"
        "  hint: add a `| Question | Answer |` table or a gotcha list"]


def test_unknown_qa_column() -> None:
    assert _errors("# S\n\n## A\n\n| Question | Answer | Notes |\n|---|---|---|\n| q | a | n |\n") == [
        "t.md:5:1: error: unknown or repeated Q&A column(s): Notes\n"
        "  hint: after `Question | Answer` a Q&A table may have Tags, Extra and ID columns"]


def test_second_title() -> None:
    assert _errors(HEAD + "| q | a |\n\n# Other\n") == [
        "t.md:9:1: error: a second `#` title in one file\n"
        "  hint: one sheet per file: split the file, or make this a `##` section"]


def test_not_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"# S\n\n## A\nab\xe9cd\n")
    sheet, diagnostics = read_file(path)
    assert sheet is None
    assert [d.format() for d in diagnostics] == [
        f"{path.as_posix()}:4:3: error: not UTF-8: byte 0xe9 cannot be decoded\n"
        "  hint: save the file as UTF-8"]


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe#\x00", "file is UTF-16, not UTF-8"),
    (b"# S\n\x00\x01", "file holds NUL bytes: not a text file"),
])
def test_utf16_and_binary(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(data)
    _, diagnostics = read_file(path)
    assert [d.message for d in diagnostics] == [message]


def test_missing_path_and_duplicate_sheet_titles(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("# Same\n\n## A\n\n| Q | A |\n|---|---|\n| q | a |\n")
    _, diagnostics = read_paths([tmp_path, tmp_path / "nope"])
    assert [d.format() for d in diagnostics] == [
        f"{(tmp_path / 'nope').as_posix()}:1:1: error: no such file or folder\n"
        "  hint: check the path",
        f"{(tmp_path / 'b.md').as_posix()}:1:1: error: sheet title 'Same' is also the title of "
        f"{(tmp_path / 'a.md').as_posix()}\n  hint: give every sheet its own title"]


def test_bom_and_crlf_are_fine() -> None:
    assert _errors("\ufeff# S\r\n\r\n## A\r\n\r\n| Q | A |\r\n|---|---|\r\n| q | a |\r\n") == []
