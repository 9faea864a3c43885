"""Error diagnostics that need files or exact columns; the rest are reader fixtures
(tests/data/fixtures, run by test_reader_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cheatdeck.reader import read_file, read_paths, read_text

HEAD = "# S\n\n## A\n\n| Question | Answer |\n| --- | --- |\n"  # rows start on line 7


def _errors(text: str) -> list[str]:
    _, diagnostics = read_text(text, path="t.md")
    return [d.format() for d in diagnostics if d.level == "error"]





def test_row_with_more_cells_than_header() -> None:
    assert _errors(HEAD + "| Q1 | A1 |\n| Q2 | a | b |\n") == [
        "t.md:8:12: error: row has 3 cells, header has 2\n"
        "  hint: escape a literal pipe as `\\|`, or add the column to the header"]





def test_file_with_no_cards() -> None:
    assert _errors("# S\n\n## A\n\nJust prose.\n") == [
        "t.md:1:1: error: the sheet has no cards\n"
        "  hint: add a `| Question | Answer |` table or a gotcha list"]



def test_second_title_is_a_section_with_a_warning() -> None:
    sheet, diagnostics = read_text(HEAD + "| q | a |\n\n# Other\n\n| Q | A |\n|---|---|\n| q2 | a2 |\n",
                                   path="t.md")
    assert [d.format() for d in diagnostics] == [
        "t.md:9:1: warning: a second `#` title in one file: read as a section, and so is every "
        "later `#` heading\n"
        "  hint: make it a `## section`, or split the file into one sheet per `#` title"]
    assert sheet is not None and sheet.title == "S"
    assert [(s.title, [c.question for c in s.cards]) for s in sheet.sections] == [
        ("A", ["q"]), ("Other", ["q2"])]


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
