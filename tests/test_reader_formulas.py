"""The unrenderable-formula warning after its prefilter (issue 15): a one-line text is parsed only
when a substring between two of its ``$`` fails to convert, and the warnings are exactly those of
parsing every text: same formulas, same ``line:col``, none for code, escapes or non-formulas."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cheatdeck.reader import formulas, read_text
from cheatdeck.reader.formulas import MAX_DOLLARS, formula_candidates

HEAD = "# T\n\n## S\n\n| Question | Answer |\n| --- | --- |\n"
"""A sheet up to its first Q&A row, which is line 7."""


def _warnings(text: str) -> list[str]:
    _, diagnostics = read_text(text, path="f.md")
    return [d.format().splitlines()[0] for d in diagnostics]


def _warning(line: int, col: int, formula: str, why: str) -> str:
    return (f"f.md:{line}:{col}: warning: the study site cannot draw the formula {formula} "
            f"({why}); it shows its source text there")


FRAC = "<mfrac> needs 2 arguments: a brace or argument is missing"
FOO = r"unknown command \foo"


@pytest.mark.parametrize(("row", "expected"), [
    # A failing formula in a code span is code; the real one after it warns at its own column.
    (r"| Q? | `$\frac{$` and $\frac{b$ |", [(r"$\frac{b$", FRAC)]),
    (r"| Q? | `$\frac{$` only |", []),
    # Escaped dollars are text, never a formula.
    (r"| Q? | costs \$\frac{a\$ here |", []),
    # An escaped dollar inside a real formula stays in its content.
    (r"| Q? | $a\$\foo$ |", [(r"$a\$\foo$", FOO)]),
    # $$…$$ inside a cell is display math: named with its fence, placed at its first $.
    (r"| Q? | see $$\frac{a$$ |", [(r"$$\frac{a$$", FRAC)]),
    (r"| Q? | see $$\frac{a}{b}$$ and $x$ |", []),
    # The second of two formulas fails; the first converts.
    (r"| Q? | $x$ and $\foo$ |", [(r"$\foo$", FOO)]),
    # A failing substring that is no formula: a space after the opening $ (dollarmath rule).
    (r"| Q? | a $ b \frac{ $ c |", []),
    # Inside link text and emphasis, and in the question cell.
    (r"| Q? | [see $\foo$](https://example.org) |", [(r"$\foo$", FOO)]),
    (r"| Is *$\foo$* so? | a |", [(r"$\foo$", FOO)]),
    # More dollars than the prefilter looks at: parsed, still warned at the exact column.
    ("| Q? | " + r"\$5 " * (MAX_DOLLARS + 1) + r"then $\foo$ |",
     [(r"$\foo$", FOO)]),
])
def test_formula_warnings_name_exactly_the_real_failing_formulas(
        row: str, expected: list[tuple[str, str]]) -> None:
    """Each warning is placed at line 7 and the column of the formula's last occurrence in the
    row (the code spans and escapes before it hold other text)."""
    assert _warnings(HEAD + row + "\n") == [
        _warning(7, row.rindex(formula) + 1, formula, why) for formula, why in expected]


def test_a_failing_formula_on_a_later_row_is_placed_on_its_line() -> None:
    text = HEAD + "| A? | $O(n^2)$ |\n| B? | `$\\foo$` |\n| C? | x $\\foo$ |\n"
    assert _warnings(text) == [_warning(9, 10, r"$\foo$", FOO)]


def test_candidates_of_a_cell() -> None:
    assert formula_candidates("costs $O(n^2)$ and `x`") == {"O(n^2)"}
    # An escaped $ does not close a formula: the candidates run on to the next bare one.
    assert formula_candidates(r"$a\$b$ c") == {"a\\", r"a\$b", "b"}
    assert formula_candidates("$$x$$") == {"x"}
    assert formula_candidates("no math") == set()
    assert formula_candidates("$" * (MAX_DOLLARS + 1)) is None
    assert formula_candidates("$a\0$") is None


_PIECES = ["$", "$$", "\\", "\\$", "`", " ", "a", "1", r"\frac{", "}", r"\foo", "*", "[", "](u)",
           "![", "<b>", "x^2"]
_TEXTS = st.one_of(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join),
    st.text(alphabet="$\\a `{", min_size=1, max_size=16),  # dense in $, escapes and code
)


@example("$$a$b$$")  # a lone $ inside display math
@example(r"$a\$b$")  # an escaped $ inside inline math
@example(r"\\$a$")  # an escaped backslash: the $ opens
@given(_TEXTS)
def test_every_parsed_formula_is_a_candidate(markdown: str) -> None:
    """Soundness of the prefilter: the parser never finds a formula outside the candidates."""
    candidates = formula_candidates(markdown)
    tokens = formulas._syntax().parseInline(markdown)
    assert candidates is not None
    assert {content for content, _ in formulas._formulas(tokens)} <= candidates


@example(r"$$\foo$\foo$$")
@example(r"$a\$\foo$")
@given(_TEXTS)
def test_warnings_are_those_of_parsing_every_text(cell: str) -> None:
    """The same warnings as with the prefilter switched off (every text parsed, as before)."""
    text = HEAD + f"| Q {cell} ? | {cell} |\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(formulas, "formula_candidates", lambda markdown: None)
        parsed = _warnings(text)
    assert _warnings(text) == parsed
