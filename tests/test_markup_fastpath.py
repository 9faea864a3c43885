"""The renderer's shortcut for text without syntax gives exactly what the full path gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cheatdeck.markup import MarkupRenderer, make_cleaner, make_parser
from cheatdeck.markup import _finish as finish  # the full path, without the shortcut


@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_inline_shortcut_equals_full_render(text: str) -> None:
    assert MarkupRenderer().inline(text) == finish(make_parser().renderInline(text),
                                                   make_cleaner())


def test_repeated_cells_render_once_and_stay_equal() -> None:
    renderer = MarkupRenderer()
    assert renderer.inline("a *b*") is renderer.inline("a *b*")
    assert renderer.inline('He said "hi" — 50% → 2') == 'He said "hi" — 50% → 2'
