"""The search plugin parses pages without the insides of their formulas
(``cheatdeck.site.search_input``, issue 15): Material's parser gives the same sections, titles
and texts as from the whole HTML, on real pages and on pages built to tempt it."""

from __future__ import annotations

import re

import markdown
import pytest
from material.plugins.search.plugin import Parser
from mkdocs.config import load_config
from site_fixtures import CONFIG, ROOT, TITLE, browser_library

from cheatdeck.model import Library
from cheatdeck.reader import read_paths
from cheatdeck.site import render_site_pages
from cheatdeck.site.search_input import search_input

FIXTURES = ROOT / "tests" / "data" / "fixtures"
FORMULA = ('<span class="cd-math"><math data-search-exclude="" display="inline"><mrow><mi>O</mi>'
           '<msup><mi>n</mi><mn>2</mn></msup></mrow></math>'
           '<span class="cd-math__text" hidden="">O(n^2)</span></span>')


def _parse(html: str) -> list[tuple[object, ...]]:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.id, s.title, s.text, s.is_excluded(), s.depth) for s in parser.data]


def _converted_pages() -> dict[str, str]:
    """Every page of a site with formulas in answers, notes, tables and questions, converted
    as MkDocs converts it (the repo's mkdocs.yml extensions)."""
    shapes, _ = read_paths(sorted(FIXTURES.glob("math/*.md")) + sorted(FIXTURES.glob("shapes/*.md")))
    library = Library((*browser_library().sheets, *shapes.sheets))
    config = load_config(config_file=str(CONFIG), docs_dir=str(ROOT / "docs"))
    converted = {}
    for path, text in render_site_pages(library, title=TITLE).items():
        body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
        converted[path] = markdown.Markdown(
            extensions=config.markdown_extensions,
            extension_configs=config.mdx_configs).convert(body)
    return converted


def test_real_pages_parse_the_same_without_their_formulas_insides() -> None:
    stripped = 0
    for path, html in _converted_pages().items():
        smaller = search_input(html)
        assert _parse(smaller) == _parse(html), path
        if smaller != html:
            stripped += 1
            assert "<mrow>" not in smaller and "<math data-search-exclude" in smaller
            assert smaller.count("</math>") == html.count("</math>")
    assert stripped >= 3  # the checks sheet, the math fixture, the print views hold formulas


@pytest.mark.parametrize("html", [
    f"<h1 id=\"t\">T</h1>\n<p>a {FORMULA} b</p>\n<h2 id=\"q\">Q</h2>\n<p>{FORMULA}</p>",
    # A heading one element deep: the sections do not depend on the formula's end tags.
    f"<h1 id=\"t\">T</h1>\n<div><h2 id=\"q\">Q</h2><p>{FORMULA}</p></div><p>after</p>",
    f"<details><summary data-search-exclude>Answer</summary><p>{FORMULA}</p></details>",
])
def test_formulas_lose_their_insides_and_the_parse_stays(html: str) -> None:
    smaller = search_input(html)
    assert smaller != html and "<mi>" not in smaller
    assert _parse(smaller) == _parse(html)


@pytest.mark.parametrize("html", [
    # A section heading two elements deep: an end tag inside the formula would leave it.
    f"<h1 id=\"t\">T</h1><div><div><h2 id=\"q\">Q</h2></div><p>{FORMULA}</p></div>",
    # A heading, another formula or a summary inside the formula.
    FORMULA.replace("<mi>O</mi>", '<mi><h2 id="x">O</h2></mi>'),
    FORMULA.replace("<mi>O</mi>", '<mi><math data-search-exclude="">O</math></mi>'),
    FORMULA.replace("<mi>O</mi>", "<summary>O</summary>"),
    # Insides whose end tags do not match their start tags.
    FORMULA.replace("<mi>O</mi>", "<mi>O"),
    FORMULA.replace("<mi>O</mi>", "<mi/>"),
    # What HTMLParser or the search parser read in other ways.
    f"<!-- c --><p>{FORMULA}</p>",
    f"<?php ?><p>{FORMULA}</p>",
    f'<div class="linenodiv">1</div><p>{FORMULA}</p>',
    f"<p data-search-exclude>{FORMULA}</p>",
])
def test_pages_that_could_parse_otherwise_are_parsed_whole(html: str) -> None:
    assert search_input(html) == html


def test_a_page_without_formulas_is_returned_as_it_is() -> None:
    html = '<h1 id="t">T</h1><p>No formula <code>&lt;math&gt;</code></p>'
    assert search_input(html) is html
