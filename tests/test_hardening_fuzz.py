"""Issue 7, item 1: hostile and broken text never raises; what the reader makes, the outputs carry.

Two sources of input: arbitrary Unicode, and the verbatim stage-1 seed mutated the ways pasted
sheets break (cut and joined lines, doubled pipes, stray backticks, unmatched ``$``, tabs, NUL
and control characters, mixed line ends, very long lines). Example counts come from the
hypothesis profile (``ci`` bounded, ``HYPOTHESIS_PROFILE=full`` for long runs; tests/conftest.py).
"""

from __future__ import annotations

from conftest import SEED
from deck_fixtures import deck_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheatdeck.diagnostics import Diagnostic, has_errors
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library, Sheet
from cheatdeck.reader import read_text
from cheatdeck.site import render_site_pages
from cheatdeck.site.fragments import for_markdown

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")
CONTROL = ["\x00", "\x01", "\x08", "\t", "\x0b", "\x0c", "\x1b", "\x1c", "\x7f", "\x85",
           "\u2028", "\ufeff", "\u200b", "\ud7ff", "\U0010ffff"]
LINE_ENDS = ["\n", "\r\n", "\r"]
MARKUP = MarkupRenderer()


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """The seed with a few paste accidents applied at random places."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        cut = draw(st.integers(0, len(line)))
        kind = draw(st.sampled_from(["drop", "cut", "join", "pipes", "insert", "long", "tab"]))
        if kind == "drop":
            del lines[at]
        elif kind == "cut":
            lines[at] = line[:cut]
        elif kind == "join" and at + 1 < len(lines):
            lines[at:at + 2] = [line + " " + lines[at + 1]]
        elif kind == "pipes":
            lines[at] = line.replace("|", "||", draw(st.integers(1, 3)))
        elif kind == "insert":
            stray = draw(st.sampled_from(["`", "``", "```", "$", "$$", "\\", "<", "&", *CONTROL]))
            lines[at] = line[:cut] + stray + line[cut:]
        elif kind == "long":
            lines[at] = line + line[1:] * draw(st.integers(50, 400))
        elif kind == "tab":
            lines[at] = "\t" + line
        if not lines:
            lines = [""]
    ends = draw(st.lists(st.sampled_from(LINE_ENDS), min_size=len(lines), max_size=len(lines)))
    return "".join(line + end for line, end in zip(lines, ends, strict=True))


def _check_positions(text: str, diagnostics: list[Diagnostic]) -> None:
    last_line = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for d in diagnostics:
        assert 1 <= d.line <= last_line and d.col >= 1, d
        assert "\n" not in d.message and "\n" not in d.hint, d


def _check_outputs(sheet: Sheet) -> None:
    """Every card and fact row of the model is a note in the deck and text on the site."""
    library = Library((sheet,))
    build = deck_of(library, root_deck="Fuzz", timestamp=1_767_225_600)
    facts = sum(len(t.rows) for s in sheet.sections for t in s.fact_tables)
    assert build.note_count == len(sheet.cards) + facts
    assert {n.text for n in build.plan.notes} == {c.question for c in sheet.cards} | {
        r.subject for s in sheet.sections for t in s.fact_tables for r in t.rows}
    pages = render_site_pages(library, title="Fuzz")
    for section in sheet.sections:
        page = pages[f"{sheet.slug}/{section.slug}.md"]
        for card in section.cards:
            # The page holds the shared renderer's HTML, escaped for Python-Markdown.
            assert for_markdown(MARKUP.inline(card.question)) in page, card


@given(st.text())
def test_arbitrary_unicode_gives_a_model_or_diagnostics(text: str) -> None:
    sheet, diagnostics = read_text(text, path="u.md")
    _check_positions(text, diagnostics)
    assert sheet is not None or has_errors(diagnostics)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_seed())
def test_mutated_seed_gives_a_model_or_diagnostics(text: str) -> None:
    sheet, diagnostics = read_text(text, path="seed.md")
    _check_positions(text, diagnostics)
    if sheet is None:
        assert has_errors(diagnostics)
        return
    for card in sheet.cards:  # the shared renderer takes whatever the reader keeps
        MARKUP.inline(card.question)
        MARKUP.block(card.answer)


@settings(max_examples=max(10, settings().max_examples // 5),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_seed())
def test_every_card_of_a_clean_read_is_in_the_deck_and_on_the_site(text: str) -> None:
    sheet, diagnostics = read_text(text, path="seed.md")
    if sheet is not None and not has_errors(diagnostics):
        _check_outputs(sheet)
