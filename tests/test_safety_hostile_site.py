"""Issue 11, item 6, by shape rather than by clock (timings live in ``benchmarks.hostile``):
nested ``<sup>`` past a fixed depth is shown as text with a warning, and a page's navigation
does not grow with the number of sections."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_fixtures import CONFIG

from benchmarks.hostile import SITE_HOSTILE
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.reader import read_text
from cheatdeck.site import build_site
from cheatdeck.syntax import MAX_HTML_NESTING, html_nesting_depth

NESTED, _ = SITE_HOSTILE["nested <sup> in one cell"]
SECTIONS, _ = SITE_HOSTILE["one-card sections"]


@pytest.mark.parametrize("depth", [MAX_HTML_NESTING + 1, 20_000])
def test_deep_nesting_warns_and_renders_the_excess_as_text(depth: int) -> None:
    sheet, diagnostics = read_text(NESTED(depth), path="deep.md")
    assert sheet is not None
    assert [d.format() for d in diagnostics] == [
        f"deep.md:7:1: warning: <sup>/<sub>/<kbd> nested {depth} deep: the tags past depth 16 "
        "are shown as text\n  hint: nest these tags at most 16 deep"]
    html = MarkupRenderer().inline(sheet.cards[0].answer)
    assert html.count("<sup>") == html.count("</sup>") == MAX_HTML_NESTING
    assert html.count("&lt;sup&gt;") == html.count("&lt;/sup&gt;") == depth - MAX_HTML_NESTING


@pytest.mark.parametrize("text, depth", [
    ("<sup>a</sup><sup>b</sup>", 1), ("<sup><sub><kbd>x</kbd></sub></sup>", 3),
    ("</sup></sup><sup>x", 1), ("<SUP><sup>x</SUP></sup>", 2), ("<sup x=1><sup>", 1),
    ("`<sup>` plain", 1), ("none", 0),
])
def test_html_nesting_depth(text: str, depth: int) -> None:
    assert html_nesting_depth(text) == depth


def test_nesting_at_the_limit_is_kept_without_a_warning() -> None:
    sheet, diagnostics = read_text(NESTED(MAX_HTML_NESTING), path="ok.md")
    assert sheet is not None and diagnostics == []
    assert MarkupRenderer().inline(sheet.cards[0].answer).count("<sup>") == MAX_HTML_NESTING


def _nav_links(page: Path) -> int:
    return len(re.findall(r'class="md-nav__link', page.read_text(encoding="utf-8")))


def test_navigation_does_not_grow_with_the_sections(tmp_path: Path) -> None:
    """Material puts the whole nav into every page: with 40 sections instead of 10, a section
    page must carry exactly as many nav links (it carried one per section before)."""
    counts = {}
    for n in (10, 40):
        sheet, diagnostics = read_text(SECTIONS(n), path="many.md")
        assert sheet is not None and diagnostics == []
        site = tmp_path / f"site-{n}"
        build_site(Library((sheet,)), config_file=CONFIG, docs_dir=tmp_path / f"docs-{n}",
                   site_dir=site, title="Many")
        pages = sorted((site / "s").glob("section-*.html"))
        assert len(pages) == n
        counts[n] = {_nav_links(p) for p in pages}
        sheet_page = (site / "s" / "_sheet.html").read_text(encoding="utf-8")
        assert len(re.findall(r'href="section-\d+\.html"', sheet_page)) == n
    assert counts[10] == counts[40] and len(counts[10]) == 1
    assert counts[10].pop() < 10
