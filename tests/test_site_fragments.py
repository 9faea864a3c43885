"""Fragments made safe for Markdown (``cheatdeck.site.fragments``, issue 15): splitting a
sanitized fragment at its tags gives what Python's HTMLParser gives, for every fragment a site
of every card shape, formula, table and note renders."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from site_fixtures import ROOT, browser_library

from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Card, Library, Prose
from cheatdeck.reader import read_paths
from cheatdeck.site.fragments import for_markdown, plain_text

FIXTURES = ROOT / "tests" / "data" / "fixtures"
_SYNTAX = re.compile(r"[\\`*_\[\]!#{}|<>&]")
_WHITESPACE = re.compile(r"\s+")


def _reference(match: re.Match[str]) -> str:
    char = match.group()
    return {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(char) or f"&#{ord(char)};"


class _Parsed(HTMLParser):
    """The reference: tags re-emitted as written, text nodes as the parser reads them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        self.in_math = 0
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag == "br":
            self.text.append(" ")
        elif tag == "math":
            self.in_math += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        self.in_math -= tag == "math"

    def handle_data(self, data: str) -> None:
        self.out.append(_SYNTAX.sub(_reference, data))
        if not self.in_math:
            self.text.append(data)


def _fragments() -> list[str]:
    shapes, _ = read_paths(sorted(FIXTURES.glob("shapes/**/*.md"))
                           + sorted(FIXTURES.glob("math/*.md"))
                           + sorted(FIXTURES.glob("nested/*.md")))
    library = Library((*browser_library().sheets, *shapes.sheets))
    markup = MarkupRenderer(media=library.media_names)
    found = []
    for sheet in library.sheets:
        for section in sheet.sections:
            for block in section.blocks:
                if isinstance(block, Card):
                    found += [markup.inline(block.question, math="mathml"),
                              markup.block(block.answer, math="mathml", top_heading=3)
                              if block.shape.is_block else
                              markup.inline(block.answer, math="mathml")]
                elif isinstance(block, Prose):
                    found.append(markup.block(block.text, math="mathml"))
                else:
                    found += [markup.inline(cell, math="mathml") for row in block.rows
                              for cell in (row.subject, *row.values)]
    return [f for f in found if "<" in f]


def test_every_rendered_fragment_is_split_as_a_parser_reads_it() -> None:
    fragments = _fragments()
    assert len(fragments) > 150 and sum("<math" in f for f in fragments) >= 4
    assert sum("<pre" in f for f in fragments) >= 5 and sum("&lt;" in f for f in fragments) >= 1
    for fragment in fragments:
        parsed = _Parsed(fragment)
        assert for_markdown(fragment) == "".join(parsed.out), fragment
        assert plain_text(fragment) == _WHITESPACE.sub(" ", "".join(parsed.text)).strip()


@pytest.mark.parametrize("fragment", [
    "AT&amp;T <code>a_b</code> &lt;br&gt; &nbsp;x&#42;",
    'a<br>b<br/>c <img src="x.png" alt="a &gt; b"> d',
    '<span class="cd-math"><math data-search-exclude="" display="inline"><mi>x</mi></math>'
    '<span class="cd-math__text" hidden="">x_1</span></span> [link]',
    "<p>one</p>\n<pre><code>if a &lt; b:\n    c = {1}\n</code></pre>",
])
def test_references_breaks_formulas_and_code(fragment: str) -> None:
    parsed = _Parsed(fragment)
    assert for_markdown(fragment) == "".join(parsed.out)
    assert plain_text(fragment) == _WHITESPACE.sub(" ", "".join(parsed.text)).strip()


def test_exact_output_of_a_formula_and_its_text() -> None:
    fragment = ('<em>a_b</em> <span class="cd-math"><math data-search-exclude="" display="inline">'
                '<msup><mi>n</mi><mn>2</mn></msup></math><span class="cd-math__text" hidden="">'
                'n^2</span></span> &amp; <br>[x]')
    assert for_markdown(fragment) == (
        '<em>a&#95;b</em> <span class="cd-math"><math data-search-exclude="" display="inline">'
        '<msup><mi>n</mi><mn>2</mn></msup></math><span class="cd-math__text" hidden="">'
        'n^2</span></span> &amp; <br>&#91;x&#93;')
    assert plain_text(fragment) == "a_b n^2 & [x]"
