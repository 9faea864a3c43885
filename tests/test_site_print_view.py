"""A sheet's print view (``<sheet>/_print.md``): its size in raw HTML blocks, and what MkDocs makes.

Python-Markdown's raw-HTML extractor copies the rest of the page at the end of every raw HTML
block, so a page of *b* blocks costs O(*b* × page size). The print view grows with a whole sheet;
with one block per card it was quadratic in the sheet's cards (issue 15). These tests pin the
shape that keeps it linear (a fixed number of blocks, whatever the sheet) and check that the
built page still holds every section, question, answer, table and note, with ids and permalinks.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from mkdocs.utils.meta import get_data
from site_fixtures import build_test_site

from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Card, FactTable, Library, Prose, Sheet
from cheatdeck.names import section_anchors
from cheatdeck.reader import read_text
from cheatdeck.site import render_site_pages
from cheatdeck.site.fragments import plain_text
from cheatdeck.site.pages import print_path

TITLE = "Print Checks"


def _sheet_text(sections: int, cards: int) -> str:
    """A sheet of ``sections`` sections of every block kind, about ``cards`` Q&A cards each."""
    lines = ["# Print *Checks* <b>", "", "Every kind of block."]
    for s in range(sections):
        # Every third section has no emoji (its heading starts with the title).
        lines += ["", f"## {'🧮 ' if s % 3 else ''}SECTION {s} a_b", "",
                  "| Question | Answer | Extra | Tags |", "| --- | --- | --- | --- |"]
        for c in range(cards):
            lines.append(f"| Why is $O(n^{c % 3 + 2})$ #{s}.{c} `a_b` <i>? | Because **{c}** \\| "
                         f"$$x_{c}$$ | see [{s}] | t{c % 2} |")
        lines += ["", f"- \"A gotcha claim {s}\" — because *reasons* {s}", "",
                  "A note with `code` and <b>tags</b>:", "", "```", "x = 1", "", "y = 2", "```",
                  "", "| Thing | Value | Unit |", "| --- | ---: | :---: |", f"| Light {s} | {s * 7} | km/s |"]
    return "\n".join(lines) + "\n"


def _library(sections: int, cards: int) -> Library:
    sheet, diagnostics = read_text(_sheet_text(sections, cards), path="print.md")
    assert sheet is not None and not [d for d in diagnostics if d.level == "error"], diagnostics
    return Library((sheet,))


def _raw_html_blocks(page: str) -> list[str]:
    """The raw HTML blocks Python-Markdown's extractor stashes from ``page`` (front matter off)."""
    text, _ = get_data(page)
    md = markdown.Markdown(extensions=["attr_list", "tables", "toc"])
    md.preprocessors["html_block"].run(text.split("\n"))
    return list(md.htmlStash.rawHtmlBlocks)


@pytest.mark.parametrize(("sections", "cards"), [(1, 1), (4, 6), (30, 25)])
def test_print_view_is_two_raw_html_blocks_whatever_the_sheet_size(sections: int, cards: int) -> None:
    library = _library(sections, cards)
    sheet = library.sheets[0]
    assert len(sheet.cards) == sections * (cards + 1)
    page = render_site_pages(library, title=TITLE)[print_path(sheet)]
    blocks = _raw_html_blocks(page)
    # The introduction, and one block holding every section (not one per card, table or note).
    assert [b.split(">", 1)[0] for b in blocks] == ['<p class="cd-meta cd-print-hide"',
                                                   '<div class="cd-print"']
    body = blocks[1]
    assert body.count('<h2 class="cd-print-section"') == sections
    assert body.count('<h3 class="cd-question"') == len(sheet.cards)
    assert body.count('<div class="cd-facts"') == sections
    assert body.count('<div class="cd-prose">') == sections


class _Outline(HTMLParser):
    """Collects the print view's headings and answer bodies, in order, with their text (a
    formula as its readable text, as :func:`plain_text` gives it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[list[str]] = []  # [tag, id, class, text]
        self.open: list[str] = []  # the tags since the innermost collected element began
        self.permalinks: list[str] = []
        self.in_math = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.in_math += tag == "math"
        classes = names.get("class") or ""
        if tag == "a" and classes == "headerlink":
            self.permalinks.append(names.get("href") or "")
        collect = (tag in ("h2", "h3") and classes in ("cd-print-section", "cd-question")) or (
            tag in ("div", "table") and classes.split(" ")[0] in (
                "cd-answer__body", "cd-facts__table", "cd-prose"))
        if collect and not self.open:
            self.items.append([tag, names.get("id") or "", classes, ""])
            self.open = [tag]
        elif self.open and tag not in ("br", "img"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.in_math -= tag == "math"
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and not self.in_math:
            self.items[-1][3] += data


def _collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, Path]:
    library = _library(4, 3)
    return library, build_test_site(library, tmp_path_factory.mktemp("print"))


def test_built_print_view_holds_every_block_in_order_with_ids_and_permalinks(
        built: tuple[Library, Path]) -> None:
    library, site = built
    sheet: Sheet = library.sheets[0]
    markup = MarkupRenderer()
    outline = _Outline()
    outline.feed((site / sheet.slug / "_print.html").read_text(encoding="utf-8"))

    def text(source: str) -> str:
        return _collapse(plain_text(markup.inline(source, math="mathml")))

    expected: list[list[str]] = []
    for section in sheet.sections:
        title = _collapse(f"{section.emoji} {text(section.title)}")
        expected.append(["h2", section.slug, "cd-print-section", f"{title}¶"])
        anchors = iter(section_anchors(section))
        for block in section.blocks:
            if isinstance(block, Card):
                anchor = f"{section.slug}__{next(anchors)}"
                expected.append(["h3", anchor, "cd-question", f"{text(block.question)}¶"])
                body = text(block.answer) + (f" {text(block.extra_field)}" if block.extra_field else "")
                expected.append(["div", "", f"cd-answer__body cd-answer__body--{block.kind}", body])
            elif isinstance(block, FactTable):
                expected.append(["table", "", "cd-facts__table", "…"])
            elif isinstance(block, Prose):
                expected.append(["div", "", "cd-prose", "…"])
    actual = [[tag, id_, cls, _collapse(t) if tag != "table" and cls != "cd-prose" else "…"]
              for tag, id_, cls, t in outline.items]
    assert actual == expected
    assert len(expected) == 4 + 4 * 4 * 2 + 4 * 2  # sections, cards and their answers, tables+notes
    # The title's permalink, then one per section and per question, each to its own heading.
    assert outline.permalinks == ["#cd_title"] + [f"#{item[1]}" for item in expected if item[1]]


def test_built_print_view_keeps_code_blank_lines_and_the_links_to_it_resolve(
        built: tuple[Library, Path]) -> None:
    library, site = built
    sheet = library.sheets[0]
    page = (site / sheet.slug / "_print.html").read_text(encoding="utf-8")
    assert page.count("<pre><code>x = 1\n\ny = 2\n</code></pre>") == 4
    for section in sheet.sections:
        section_page = (site / sheet.slug / f"{section.slug}.html").read_text(encoding="utf-8")
        assert f'href="_print.html#{section.slug}"' in section_page
        assert f'<h2 class="cd-print-section" id="{section.slug}">' in page
