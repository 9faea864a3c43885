"""Math for the site (MathML at build time) and for the deck (Anki's MathJax), and the warning
for a formula the site cannot draw; fact-table alignment through read, write and render."""

from __future__ import annotations

import re

import pytest
from deck_fixtures import deck_of
from site_fixtures import STUDY_SHEET, TITLE, study_library

from cheatdeck.markdown import write_markdown
from cheatdeck.markup import MarkupRenderer
from cheatdeck.mathml import check, readable_text
from cheatdeck.model import FactTable
from cheatdeck.reader import read_text
from cheatdeck.site import render_site_pages, site_nav
from cheatdeck.site.fragments import plain_text


def test_site_gets_mathml_and_readable_text() -> None:
    html = MarkupRenderer().inline(r"Scale by $\sqrt{d_k}$", math="mathml")
    assert html == (
        'Scale by <span class="cd-math"><math data-search-exclude="" display="inline"><mrow>'
        "<msqrt><mrow><msub><mi>d</mi><mi>k</mi></msub></mrow></msqrt></mrow></math>"
        '<span class="cd-math__text" hidden="">√(d_k)</span></span>'
    )
    assert plain_text(html) == "Scale by √(d_k)"


@pytest.mark.parametrize(("source", "expected"), [
    (r"$\sqrt{d_k}$", r"\(\sqrt&#123;d_k&#125;\)"),
    (r"$$\frac{a}{b}$$ in a cell", r"\[\frac&#123;a&#125;&#123;b&#125;\] in a cell"),
    (r"`$x$` is code", "<code>$x$</code> is code"),
])
def test_deck_keeps_anki_mathjax(source: str, expected: str) -> None:
    assert MarkupRenderer().inline(source) == expected


def test_deck_fields_hold_mathjax_not_mathml() -> None:
    deck = deck_of(study_library(), root_deck=TITLE, site_url="", timestamp=1_700_000_000)
    fields = [field for note in deck.notes for field in note.fields]
    assert any(r"\(\sqrt&#123;d_k&#125;\)" in f for f in fields)
    assert any(r"\[\frac&#123;QK^T&#125;" in f for f in fields)
    assert not any("<math" in f for f in fields)


def test_display_math_block_and_cell_double_dollar_are_display_mathml() -> None:
    markup = MarkupRenderer()
    block = markup.block("$$\nx^2\n$$", math="mathml")
    assert block.startswith('<div class="cd-math-block"><span class="cd-math cd-math--block" tabindex="0">'
                            '<math data-search-exclude="" display="block">')
    assert 'display="block"' in markup.inline("a $$x^2$$ b", math="mathml")


@pytest.mark.parametrize(("latex", "why"), [
    (r"\frac{a", "<mfrac> needs 2 arguments: a brace or argument is missing"),
    (r"\foo{x}", r"unknown command \foo"),
    (r"a_{", "MissingSuperScriptOrSubscriptError"),
    (r"\sqrt", "NoAvailableTokensError"),
    (r"\left( x", "ExtraLeftOrMissingRightError"),
])
def test_unrenderable_formulas(latex: str, why: str) -> None:
    assert check(latex) == why
    html = MarkupRenderer().inline(f"see ${latex}$", math="mathml")
    assert "<math" not in html and "cd-math-source" in html


def test_text_inside_a_formula_is_text_never_markup() -> None:
    html = MarkupRenderer().inline(r"$\text{<img src=x onerror=alert(1)>} a<b$", math="mathml")
    assert "<img" not in html and "&lt;img" in html
    assert "<mo>&lt;</mo>" in html
    assert check(r"\text{a & b}") is not None  # a bare & in text is not well-formed: source


@pytest.mark.parametrize(("latex", "text"), [
    (r"n \le 8192", "n ≤ 8192"),
    (r"\frac{QK^T}{\sqrt{d_k}}", "QK^T/√(d_k)"),
    (r"\alpha_{\text{lr}}", "α_lr"),
    (r"3 \times 10^{-4}", "3 × 10^-4"),
])
def test_readable_text(latex: str, text: str) -> None:
    assert readable_text(latex) == text


def test_unrenderable_formula_warns_with_its_line_and_column() -> None:
    sheet, diagnostics = read_text(STUDY_SHEET + "| Deep $\\foo$ | x | y | z |\n", path="study.md")
    assert sheet is not None
    assert [d.format().splitlines()[0] for d in diagnostics] == [
        "study.md:12:38: warning: the study site cannot draw the formula $\\frac{a$ (<mfrac> "
        "needs 2 arguments: a brace or argument is missing); it shows its source text there",
        "study.md:43:8: warning: the study site cannot draw the formula $\\foo$ (unknown "
        "command \\foo); it shows its source text there",
    ]


def test_formula_in_code_or_prose_code_block_is_not_checked() -> None:
    text = "# T\n\n## S\n\n| Question | Answer |\n| --- | --- |\n| `$\\frac{$` | a |\n\n```\n$\\frac{$\n```\n"
    _, diagnostics = read_text(text, path="t.md")
    assert diagnostics == []


def test_headings_toc_labels_and_nav_titles_read_math_as_text() -> None:
    library = study_library()
    pages = render_site_pages(library, title=TITLE)
    math = pages["study-checks/math.md"]
    assert '{#why-divide-by-sqrt-d-k .cd-question data-toc-label="Why divide by √(d_k)?"}' in math
    assert "\\(" not in "".join(pages.values())
    nav = site_nav(library)
    assert nav[1] == {"Study Checks": "study-checks/_sheet.md"}  # sheets only (issue 11 item 6)
    sheet_page = pages["study-checks/_sheet.md"]
    links = re.findall(r"\[([^\]]+)\]\(([^)]+)\)", sheet_page)
    assert links == [("MATH", "math.md"), ("CODE WORDS", "code-words.md"),
                     ("注意力", "zhu-yi-li.md"), ("TABLE", "table.md"),
                     ("Printable sheet", "_print.md")]
    titled, _ = read_text("# Scaling by $\\sqrt{d}$\n\n## S\n\n| Question | Answer |\n"
                          "| --- | --- |\n| q | a |\n", path="t.md")
    assert titled is not None
    from cheatdeck.model import Library
    assert list(site_nav(Library((titled,)))[1]) == ["Scaling by √(d)"]


def test_fact_table_alignment_round_trips_and_renders() -> None:
    sheet = study_library().sheets[0]
    table = sheet.sections[3].fact_tables[0]
    assert table.align == ("left", "right", "center", "")
    text = write_markdown(sheet)
    assert "| :--- | ---: | :---: | --- |" in text
    again, _ = read_text(text, path="again.md")
    assert again is not None and again.sections[3].fact_tables[0].align == table.align
    assert FactTable.from_dict(table.to_dict()) == table
    page = render_site_pages(study_library(), title=TITLE)["study-checks/table.md"]
    assert '<th scope="col" style="text-align: right">Params</th>' in page
    assert '<td style="text-align: center">96</td>' in page
    assert '<th scope="row" style="text-align: left">GPT-3</th>' in page
