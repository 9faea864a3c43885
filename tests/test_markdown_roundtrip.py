"""Canonical writer: ``read(write(m)) == m`` for generated models (every card shape and its
variants, issue 19); ``fmt`` is idempotent."""

from __future__ import annotations

import re

from conftest import SEED
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cheatdeck.diagnostics import has_errors
from cheatdeck.markdown import write_markdown
from cheatdeck.model import Card, FactRow, FactTable, Prose, Section, Shape, Sheet, question_key
from cheatdeck.names import slug
from cheatdeck.reader import read_text
from cheatdeck.reader.tokens import clean

# Cells may hold anything a pasted sheet holds: pipes, backslashes, backticks, $, <, &, emoji,
# CJK and decomposed accents (the model keeps them NFC, as the reader does).
CELL_ALPHABET = st.sampled_from(
    list("abcXYZ019 |\\`$<>&*_[](){}#:-!?\"'.,;=~") + ["🔥", "📐", "中", "文", "e\u0301", "Å", "ß"])
SAFE_ALPHABET = st.sampled_from(list("abcdefXYZ 019,;'") + ["中", "é", "e\u0301"])


def _text(alphabet: st.SearchStrategy[str], max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(alphabet, min_size=1, max_size=max_size).map("".join).map(clean).filter(bool)


def _cell_ok(text: str) -> bool:
    # A row whose cells are all dashes would be a delimiter row: not a realistic cell.
    return not re.fullmatch(r":?-+:?", text.replace(" ", ""))


cells = _text(CELL_ALPHABET).filter(_cell_ok)
words = _text(SAFE_ALPHABET).filter(lambda t: t[0].isalpha() and not t.lower().startswith("next"))
gotcha_text = cells.filter(lambda t: not re.search(r"[\"”]\s*[—–-]+(\s|$)", t)
                           and not re.search(r' - ["“]', t))
tags = st.lists(st.text(st.sampled_from("abc:_-1中"), min_size=1, max_size=6), max_size=3)


@st.composite
def qa_cards(draw: st.DrawFn) -> Card:
    extra = draw(st.one_of(st.just(""), cells))
    return Card(draw(cells), draw(cells), "qa", extra, tuple(draw(tags)),
                draw(st.one_of(st.just(""), words)))


gotchas = st.builds(lambda q, a: Card(q, a, "gotcha"), gotcha_text, gotcha_text)


@st.composite
def fact_tables(draw: st.DrawFn) -> FactTable:
    width = draw(st.integers(3, 5))
    columns = tuple(draw(st.lists(cells, min_size=width, max_size=width)))
    if [c.casefold() for c in columns[:2]] == ["question", "answer"]:
        columns = ("Subject", *columns[1:])
    subjects = draw(st.lists(cells, min_size=1, max_size=4, unique_by=question_key))
    rows = tuple(FactRow(s, tuple(draw(st.lists(cells, min_size=width - 1, max_size=width - 1))))
                 for s in subjects)
    return FactTable(columns, rows)


# --- cards of the other shapes (issue 19): block answers -------------------------------------

_paragraph = st.lists(words, min_size=1, max_size=2).map("\n".join)
_bullets = st.lists(words, min_size=1, max_size=3).map(lambda ws: "\n".join(f"- {w}" for w in ws))
_code = st.tuples(st.sampled_from(["", "python", "sql"]), words).map(
    lambda lang_code: f"```{lang_code[0]}\n{lang_code[1]}\n```")
block_answers = st.lists(st.one_of(_paragraph, _bullets, _code), min_size=1, max_size=3).map(
    "\n\n".join)
questions = words.map(lambda w: f"{w}?")
numbers = st.sampled_from(["", "", "1.", "12)", "Q3:"])
labels = st.sampled_from(["Q:", "Q.", "Question:", "**Q:**", "Q1:", "__Question:__"])
answer_labels = st.sampled_from(["", "", "Answer", "Show answer", "Solution"])
"""Summary of a ``<details>`` folding the answer of a question written above it."""


@st.composite
def shaped_cards(draw: st.DrawFn, form: str) -> Card:
    """A card of ``form`` with the variants the reader records (number, bold, label, level)."""
    question, answer = draw(questions), draw(block_answers)
    if form == "bullet":
        shape = Shape("bullet", number=draw(st.sampled_from(["", "1.", "7)"])),
                      label=draw(answer_labels), bold=draw(st.booleans()))
    elif form == "lines":
        label = draw(labels)
        if draw(st.booleans()):  # no A: line, the answer opens with "- answer: …"
            opener = draw(st.sampled_from(["answer:", "Answer:", "**Answer:**"]))
            answer = f"- {opener} {draw(words)}\n- {draw(words)}" + draw(
                st.sampled_from(["", "\n\n" + answer]))
        shape = Shape("lines", label=label, bold="*" not in label and "_" not in label
                      and draw(st.booleans()))
    elif form == "heading":
        shape = Shape("heading", level=3, number=draw(numbers), bold=draw(st.booleans()))
    elif form == "details":
        shape = Shape(form, number=draw(numbers), label=draw(answer_labels),
                      bold=draw(st.booleans()))
    else:
        shape = Shape(form, number=draw(numbers))
    return Card(question, answer, shape=shape)


@st.composite
def sections(draw: st.DrawFn) -> tuple[str, str, list]:
    # A run-on answer (bold, Q:/A:) takes every block up to the next question, and a heading's
    # every block up to the next heading: such cards come last in a section, as in any sheet
    # the reader reads (headings last of all, levels never deeper than the one before).
    free = draw(st.lists(st.one_of(qa_cards(), gotchas, fact_tables(), words.map(Prose),
                                   shaped_cards("bullet"), shaped_cards("details")),
                         min_size=1, max_size=6))
    run_on = draw(st.lists(st.one_of(shaped_cards("bold"), shaped_cards("lines"),
                                     shaped_cards("details")), max_size=3))
    headings = draw(st.lists(shaped_cards("heading"), max_size=3))
    levels = sorted(draw(st.lists(st.integers(2, 4), min_size=len(headings),
                                  max_size=len(headings))), reverse=True)
    headings = [Card(c.question, c.answer, shape=Shape("heading", level=level,
                                                       number=c.shape.number, bold=c.shape.bold))
                for c, level in zip(headings, levels, strict=True)]
    return draw(st.sampled_from(["", "🔥", "📐"])), draw(words), [*free, *run_on, *headings]


@st.composite
def sheets(draw: st.DrawFn) -> Sheet:
    title = draw(words)
    drafts = draw(st.lists(sections(), min_size=1, max_size=4))
    seen_keys: set[str] = set()
    seen_slugs: dict[str, int] = {}
    built = []
    for emoji, section_title, blocks in drafts:
        kept = []
        for block in blocks:
            if isinstance(block, Card):
                if block.id in seen_keys or block.key in seen_keys:
                    continue
                seen_keys.add(block.id or block.key)
            # The reader merges adjacent prose into one block: a model never has two in a row.
            if not (isinstance(block, Prose) and kept and isinstance(kept[-1], Prose)):
                kept.append(block)
        base = slug(section_title)
        seen_slugs[base] = seen_slugs.get(base, 0) + 1
        built.append(Section(base if seen_slugs[base] == 1 else f"{base}-{seen_slugs[base]}",
                             emoji, section_title, tuple(kept)))
    if not any(s.cards or s.fact_tables for s in built):
        built[0] = Section(built[0].slug, built[0].emoji, built[0].title,
                           (*built[0].blocks, Card("q", "a")))
    subtitle = draw(st.one_of(st.just(""), words))
    footer = draw(st.one_of(st.just(""), words.map(lambda w: f"Next: {w}")))
    return Sheet(slug(title), title, subtitle, footer, tuple(built))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
# Found by hypothesis: a Q&A table right after a bullet question was read as a second table
# (Card.new_table), as if the bullet card were a row of a table before it.
@example(sheet=Sheet("s", "S", "", "", (Section("a", "", "A", (
    Card("What is a bullet question?", "Its answer.", shape=Shape("bullet")),
    Card("q", "a"))),)))
def test_read_of_write_is_identity(sheet: Sheet) -> None:
    text = write_markdown(sheet)
    again, diagnostics = read_text(text, path="m.md")
    # Random text makes random formulas ("$&$"); the site's formula check rightly warns about
    # them, which is not about the round trip.
    assert [d.format() for d in diagnostics if "draw the formula" not in d.message] == []
    assert again == sheet


def test_fmt_of_seed_is_idempotent() -> None:
    sheet, _ = read_text(SEED.read_text(encoding="utf-8"), path="seed")
    assert sheet is not None
    once = write_markdown(sheet)
    twice_sheet, diagnostics = read_text(once, path="canonical")
    assert diagnostics == []
    assert write_markdown(twice_sheet) == once


SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


@settings(deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=40)), max_size=30))
# Found by hypothesis: a skipped gotcha (empty explanation) after a `Next:` line. Rewriting the
# sheet dropped the row, so the `Next:` paragraph became the footer on the second pass.
@example(lines=["Stage 1 — Interview Cheat Sheet",
                "Next: Stage 2 — Train a real Transformer from scratch",
                "Stage 1 — Interview Cheat Sheet", '- "nn.Embedding vs nn.Linear" —'])
def test_any_text_gives_a_model_or_diagnostics_and_fmt_is_idempotent(lines: list[str]) -> None:
    sheet, diagnostics = read_text("\n".join(lines), path="x.md")
    assert all(d.line >= 1 and d.col >= 1 for d in diagnostics)
    if sheet is None or has_errors(diagnostics):
        assert has_errors(diagnostics)
        return
    if sheet.skipped:
        # `fmt` leaves a sheet with skipped rows as written (cli.cmd_fmt, exit 1): its canonical
        # form would delete those rows, so there is no rewrite to be idempotent.
        assert any("skipped" in d.message for d in diagnostics)
        return
    once = write_markdown(sheet)
    again, _ = read_text(once, path="x.md")
    assert again is not None
    assert write_markdown(again) == once


def test_regression_unicode_line_separator_is_not_markdown_whitespace() -> None:
    # Found by hypothesis in a fresh clone: "#\x85" was cleaned to "#" (Python's split() counts
    # U+0085 as whitespace), written back as a bare "#" and then read as a heading.
    text = 'Stage 1\n#\x85\n- "What happens?" — Numerically yes'
    sheet, _ = read_text(text, path="x.md")
    assert sheet is not None and sheet.subtitle == "#\x85"
    once = write_markdown(sheet)
    again, diagnostics = read_text(once, path="x.md")
    assert again == sheet and not has_errors(diagnostics)
    assert write_markdown(again) == once
