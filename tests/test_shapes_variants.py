"""Every variant of every Q&A shape through every output (issue 19): ``check``, the JSON export,
the deck imported by real Anki, the site's HTML and real Chromium.

The sheets are the reader fixtures ``tests/data/fixtures/shapes/<shape>/<variant>.md``, one
variant per file (their models are pinned in the ``.expected`` files beside them, and the
fixture runner checks that ``fmt`` writes each back to the same model). Whole-sheet checks (a
mixed sheet in source order, night mode) are in ``test_shapes_outputs.py``.
"""

from __future__ import annotations

import html as html_module
import json
import re
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before anki.scheduler: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import DATA
from deck_fixtures import deck_of
from playwright.sync_api import Browser, expect
from site_fixtures import build_test_site, launch_chromium, serve_directory

from cheatdeck.anki import package_bytes
from cheatdeck.cli import main
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Card, Library
from cheatdeck.names import section_anchors
from cheatdeck.reader import read_paths

SHAPES = DATA / "fixtures" / "shapes"
VARIANTS = sorted(SHAPES.glob("*/*.md"))
T1 = 1_767_225_600

STAYS_TEXT = {
    "bold/no-answer", "bold/not-question", "bullet/plain-bullets", "bullet/steps-not-questions",
    "details/no-summary", "details/orphan-answer-summary", "lines/no-answer",
}
"""Variants whose point is that they make no card of their shape (kept as text, a table row
keeps the sheet valid)."""

READ_AS = {
    "details/answer-summary-bullet": "bullet",  # a bullet question, its answer folded below
}
"""Variants read as another form than their folder's name."""


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _read(path: Path) -> Library:
    library, diagnostics = read_paths([path])
    assert not [d for d in diagnostics if d.level == "error"], diagnostics
    return library


def _block_cards(library: Library) -> list[Card]:
    return [c for s in library.sheets for c in s.cards if c.shape.is_block]


def test_every_shape_has_its_variants() -> None:
    counts = {shape: len(list((SHAPES / shape).glob("*.md")))
              for shape in ("heading", "bold", "bullet", "details", "lines")}
    assert counts == {"heading": 17, "bold": 12, "bullet": 14, "details": 12, "lines": 13}


@pytest.mark.parametrize("path", VARIANTS, ids=_name)
def test_variant_reads_through_check_and_export(path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    library = _read(path)
    (sheet,) = library.sheets
    form = READ_AS.get(_name(path), path.parent.name)
    forms = [c.shape.form for c in sheet.cards]
    if _name(path) in STAYS_TEXT:
        assert form not in forms and forms == ["row"]
    else:
        assert form in forms
    assert main(["check", str(path)]) == 0
    err = capsys.readouterr().err
    assert (f"checked 1 sheet(s), {len(sheet.sections)} section(s), {len(sheet.cards)} note(s), "
            f"{len(sheet.cards)} card(s)") in err
    assert main(["export", "--format", "json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    exported = [c for s in data["sheets"][0]["sections"] for c in s["cards"]]
    assert [c["shape"]["form"] for c in exported] == forms
    assert [c["answer"] for c in exported] == [c.answer for c in sheet.cards]
    assert Library.from_dict(data) == library


# --- the deck, imported by real Anki ---------------------------------------------------------


@pytest.fixture(scope="module")
def variants() -> Library:
    return Library(tuple(sheet for path in VARIANTS for sheet in _read(path).sheets))


@pytest.fixture(scope="module")
def collection(variants: Library,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    folder = tmp_path_factory.mktemp("anki-variants")
    build = deck_of(variants, root_deck="Variants", timestamp=T1)
    (folder / "variants.apkg").write_bytes(package_bytes(build))
    col = Collection(str(folder / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(folder / "variants.apkg"), options=ImportAnkiPackageOptions()))
    yield col
    col.close()


@pytest.mark.anki
def test_anki_imports_every_variant_with_block_html(variants: Library,
                                                    collection: Collection) -> None:
    assert collection.note_count() == sum(len(s.cards) for s in variants.sheets) == 78
    renderer = MarkupRenderer()
    blocks = _block_cards(variants)
    assert len(blocks) == 70  # the 8 others: 7 table rows, 1 gotcha
    by_question: dict[str, list[str]] = {}
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        by_question.setdefault(note["Question"], []).append(note["Answer"])
    for card in blocks:
        html = renderer.block(card.answer)
        assert html in by_question[renderer.inline(card.question)], card.question
        assert re.match(r"<(p|ul|ol|pre|blockquote|h4)[ >]", html), (card.question, html)
        if "```" in card.answer:
            assert '<pre class="highlight"><code>' in html or "<pre><code>" in html
    # Fenced code with a language is highlighted by Pygments, in the field itself.
    (sql,) = [a for answers in by_question.values() for a in answers if "scan type" in a]
    assert '<span class="k">EXPLAIN</span>' in sql and "<li>the scan type</li>" in sql


# --- the site ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_dir(variants: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_site(variants, tmp_path_factory.mktemp("variant-site"))


def _placed(variants: Library) -> Iterator[tuple[str, str, Card]]:
    """``(page, anchor, card)`` of every block-shaped card."""
    for sheet in variants.sheets:
        for section in sheet.sections:
            for card, anchor in zip(section.cards, section_anchors(section), strict=True):
                if card.shape.is_block:
                    yield f"{sheet.slug}/{section.slug}.html", anchor, card


def _first_word(answer: str) -> str:
    """The first word a reader sees of a block answer (of the code, for fenced code)."""
    first = answer.split("\n")[0]
    if first.startswith("```"):  # fenced code: its first line is the code's
        first = answer.split("\n")[1]
    return re.sub(r"[`*_>\[\]#]|^\d+\. |^- ", "", first).split()[0]


def test_site_folds_every_block_answer_under_its_question(variants: Library,
                                                          site_dir: Path) -> None:
    placed = list(_placed(variants))
    assert len(placed) == 70
    for page, anchor, card in placed:
        html = (site_dir / page).read_text(encoding="utf-8")
        match = re.search(rf'<h2 class="cd-question" id="{re.escape(anchor)}">.*?</h2>\s*'
                          r'<details class="cd-answer cd-answer--qa">\s*<summary[^>]*>Answer'
                          r'</summary>\s*<div class="cd-answer__body">\s*'
                          r'<div class="cd-answer__blocks">', html, re.DOTALL)
        assert match is not None, (page, anchor)
        body = re.sub(r"<[^>]+>", "", html[match.end():html.index("</details>", match.end())])
        assert _first_word(card.answer) in html_module.unescape(body), (page, anchor)


def _heading_levels(page: Path) -> list[int]:
    """The heading levels of a built page's article, in document order."""
    html = page.read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return [int(level) for level in re.findall(r"<h([1-6])\b", article)]


def test_site_pages_skip_no_heading_level_with_headings_in_answers(variants: Library,
                                                                 site_dir: Path) -> None:
    # Issue 20: one h1 and no level skipped going down, on every page. A block answer may hold
    # headings (#### under a ### question): on a section page they start at h3 under the h2
    # question, in the print view at h4 under the h3 question, keeping their distances.
    pages = sorted({page for page, _, _ in _placed(variants)}
                   | {f"{sheet.slug}/_print.html" for sheet in variants.sheets})
    levels = {page: _heading_levels(site_dir / page) for page in pages}
    assert {page: found for page, found in levels.items()
            if found[:1] != [1] or found.count(1) != 1
            or any(b - a > 1 for a, b in zip(found, found[1:], strict=False))} == {}
    assert levels["heading-subheading-in-answer/questions.html"] == [1, 2, 3]
    section = (site_dir / "heading-subheading-in-answer/questions.html").read_text("utf-8")
    assert "<h3>Example</h3>\n<p>The peer rebooted and lost its state.</p>" in section
    printed = (site_dir / "heading-subheading-in-answer/_print.html").read_text("utf-8")
    assert ('<div class="cd-answer__blocks">\n<p>One side has closed or crashed.</p>\n'
            "<h4>Example</h4>") in printed


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.mark.browser
def test_chromium_shows_each_answer_folded_then_open(variants: Library, site_dir: Path,
                                                     browser: Browser) -> None:
    placed = list(_placed(variants))
    with serve_directory(site_dir) as url:
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                   else route.abort())
        current = ""
        for path, anchor, card in placed:
            if path != current:
                page.goto(url + path)
                current = path
            answer = page.locator(f'[id="{anchor}"] + details')
            body = answer.locator(".cd-answer__blocks")
            expect(body).to_be_hidden()
            answer.locator("summary").click()
            expect(body).to_be_visible()
            expect(body).to_contain_text(_first_word(card.answer))
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("word", "page", "anchor"), [
    ("rebooted", "heading-subheading-in-answer/questions.html", "what-is-a-half-open-connection"),
    ("folds", "bold-emphasis-inside/questions.html", "what-is-k-fold-cross-validation"),
    ("Huber", "bullet-nested-list/questions.html", "is-least-squares-sensitive-to-outliers"),
    ("wraps", "details-indented-body/questions.html", "what-is-a-decorator"),
    ("redundancy", "lines-words/questions.html", "what-is-normalization"),
])
def test_chromium_search_finds_a_word_of_each_shapes_answer(
        site_dir: Path, browser: Browser, word: str, page: str, anchor: str) -> None:
    with serve_directory(site_dir) as url:
        tab = browser.new_page()
        tab.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                  else route.abort())
        tab.goto(url + "index.html")
        tab.locator(".md-search__input").click()
        tab.locator(".md-search__input").press_sequentially(word, delay=30)
        result = tab.locator(f'a.md-search-result__link[href*="{page}"][href$="#{anchor}"]')
        expect(result).to_be_visible()
        result.click()
        expect(tab.locator(f'[id="{anchor}"] + details')).to_have_attribute("open", "")
        expect(tab.locator(f'[id="{anchor}"] + details .cd-answer__blocks')).to_contain_text(word)
        tab.close()
