"""Issue 7, item 2: no silent drop. A line that looks like a table row, a gotcha bullet or a
heading ends up in the model or in a diagnostic naming its line."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from test_hardening_fuzz import mutated_seed

from cheatdeck.reader import read_text

HEAD = "# S\n\n## A\n\n"
ROW = ("line looks like a table row but is not in a table: no card made, kept as text\n"
       "  hint: a table needs a header row and a `| --- | --- |` row above its rows, with no "
       "blank, indented or list line between them")
GOTCHA = ("line looks like a gotcha bullet but is not read as one: no card made, kept as text\n"
          '  hint: write `- "Claim" — explanation` at the start of a line, not indented')
HEADING = ("line looks like a heading but is not read as one: kept as text\n"
           "  hint: write `# Title` or `## Section` with a space after the `#`, not indented")


def _diagnostics(text: str) -> list[str]:
    _, diagnostics = read_text(text, path="t.md")
    return [d.format() for d in diagnostics]


def test_rows_without_a_delimiter_row() -> None:
    assert _diagnostics(HEAD + "| Question | Answer |\n| What? | That. |\n\n"
                        "| Q | A |\n|---|---|\n| q | a |\n") == [
        "t.md:5:1: warning: lines 5–6 look like a table but have no delimiter row: kept as "
        "text, no cards\n  hint: add a `--- | ---` row under the header",
        f"t.md:6:1: warning: {ROW}"]


def test_indented_row_ends_the_table_and_the_rows_after_it_are_reported() -> None:
    assert _diagnostics(HEAD + "| Q | A |\n|---|---|\n| q | a |\n    | r | b |\n| s | c |\n") == [
        f"t.md:8:1: warning: {ROW}", f"t.md:9:1: warning: {ROW}"]


def test_gotcha_bullets_that_make_no_card() -> None:
    assert _diagnostics(HEAD + "| Q | A |\n|---|---|\n| q | a |\n\n"
                        '- "Claim": no dash\n- plain bullet\n\n'
                        '    - "Indented" — now code\n') == [
        f"t.md:9:1: warning: {GOTCHA}", f"t.md:12:1: warning: {GOTCHA}"]


def test_headings_without_a_space_or_indented() -> None:
    assert _diagnostics(HEAD + "| Q | A |\n|---|---|\n| q | a |\n\n##TOKENS\n\n    ## Code\n") == [
        f"t.md:9:1: warning: {HEADING}", f"t.md:11:1: warning: {HEADING}"]


def test_each_row_of_a_table_that_makes_no_cards_is_reported() -> None:
    assert _diagnostics(HEAD + "| Q | A |\n|---|---|\n| q | a |\n\n| One |\n|---|\n| x |\n") == [
        "t.md:9:1: warning: a one-column table makes no cards; kept as text\n"
        "  hint: Q&A tables have two columns: `| Question | Answer |`",
        "t.md:11:1: warning: no card made from this row: its table (line 9) makes no cards\n"
        "  hint: fix the table's header"]


def test_fenced_code_is_not_looked_at() -> None:
    assert _diagnostics(HEAD + "| Q | A |\n|---|---|\n| q | a |\n\n````\n| x | y |\n```\n"
                        '##X\n- "C" — d\n````\n') == []


_ROW_LIKE = re.compile(r"\s*\|.*[^\\]\|")
_DELIMITER = re.compile(r"[\s|:-]*")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_seed())
def test_rows_seen_equal_rows_made_plus_rows_reported(text: str) -> None:
    """Counted by an oracle independent of the reader: lines starting with ``|`` that hold a
    second pipe, less delimiter rows and the header line above each delimiter row."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any("```" in line or "~~~" in line for line in lines):
        return  # fenced code is prose by design
    delimiters = {i for i, line in enumerate(lines, 1)
                  if "-" in line and _DELIMITER.fullmatch(line)}
    seen = {i for i, line in enumerate(lines, 1) if _ROW_LIKE.match(line)} - delimiters - {
        d - 1 for d in delimiters}
    sheet, diagnostics = read_text(text, path="seed.md")
    made = set() if sheet is None else {c.pos.line for c in sheet.cards} | {
        r.pos.line for s in sheet.sections for t in s.fact_tables for r in t.rows}
    reported = {d.line for d in diagnostics}
    rows_made, rows_reported = len(seen & made), len(seen & reported - made)
    assert len(seen) == rows_made + rows_reported, sorted(seen - made - reported)
