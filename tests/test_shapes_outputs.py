"""Q&A shapes other than tables, through every output: check, JSON export, the deck in a real
Anki import, the site's HTML and a real browser, and fmt (issue 19).

The sheets are the reader fixtures ``tests/data/fixtures/shapes/*.md`` (their models are pinned
in the ``.expected`` files beside them); this module checks what each output makes of them.
"""

from __future__ import annotations

import json
import re
import shutil
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
from cheatdeck.fragment_cache import FragmentCache
from cheatdeck.ids import card_guid
from cheatdeck.markdown import write_markdown
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Card, Library, Sheet
from cheatdeck.reader import read_paths, read_text

FIXTURES = DATA / "fixtures" / "shapes"
SHAPES = sorted(FIXTURES.glob("*.md"))
T1 = 1_767_225_600
ROOT_DECK = "Shapes"


def _library(*names: str) -> Library:
    library, diagnostics = read_paths([FIXTURES / name for name in names])
    assert not [d for d in diagnostics if d.level == "error"]
    return library


def _card(sheet: Sheet, question: str) -> Card:
    (card,) = [c for c in sheet.cards if c.question == question]
    return card


# --- identity and fmt -------------------------------------------------------------------------


def test_one_question_has_one_guid_whatever_its_shape() -> None:
    # Identity is sheet + question (DESIGN.md): rewriting a table row as a heading, bold line,
    # bullet, details block or Q:/A: pair keeps the note, and its review history, in Anki.
    forms = {
        "row": "| Question | Answer |\n| --- | --- |\n| Why is TCP reliable? | Retries |\n",
        "heading": "### Why is TCP reliable?\n\nRetries\n",
        "numbered bold heading": "### 1. **Why is TCP reliable?**\n\nRetries\n",
        "bold": "**Why is TCP reliable?**\n\nRetries\n",
        "bullet": "- Why is TCP reliable?\n  - Retries\n",
        "details": "<details><summary>Why is TCP reliable?</summary>Retries</details>\n",
        "lines": "Q: Why is TCP reliable?\nA: Retries\n",
        "bold lines": "**Q:** Why is TCP reliable?\n**A:** Retries\n",
    }
    guids = {}
    for name, body in forms.items():
        sheet, diagnostics = read_text(f"# Net\n\n## TCP\n\n{body}", path="net.md")
        assert sheet is not None and diagnostics == [], name
        (card,) = sheet.cards
        guids[name] = card_guid(sheet, card)
    assert len(set(guids.values())) == 1, guids


@pytest.mark.parametrize("path", SHAPES, ids=lambda p: p.name)
def test_fmt_writes_every_card_back_in_its_shape(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    sheet, _ = read_paths([copy])[0].sheets[0], None
    assert main(["fmt", str(copy)]) == 0
    again = read_paths([copy])[0].sheets[0]
    assert again == sheet  # shape, level, number, label and bold included in equality
    assert [c.shape for c in again.cards] == [c.shape for c in sheet.cards]
    assert main(["fmt", "--check", str(copy)]) == 0  # idempotent


def test_fmt_output_of_each_shape() -> None:
    sheet = _library("mixed.md").sheets[0]
    text = write_markdown(sheet)
    for chunk in (
        "| Question | Answer |\n| --- | --- |\n| What is a table row? | A card |",
        "**What is a bold question?**\n\nIts answer.",
        "Q: What is a Q line?\nA: Its A line.",
        "<details>\n<summary>What is a details block?</summary>\n\nIts body.\n\n</details>",
        "- What is a bullet question?\n\n  Its indented answer.",
        '- "A gotcha" — its explanation.',
        "### What is a heading question?\n\nIts answer, up to the next heading.",
    ):
        assert chunk in text


def test_fmt_keeps_an_answer_list_opened_by_answer_without_an_a_line() -> None:
    # "Q1." then "- answer: …" bullets (a public sheet writes every answer so): fmt writes no
    # "A1." line above the list, only the blank line Markdown wants before it.
    sheet = _library("lines/answer-bullets.md").sheets[0]
    text = write_markdown(sheet)
    assert ("Q1. what's the difference between an image and a container?\n\n- \tanswer: an "
            "image is the blueprint; a container is a running instance of it.\n- \twhy: shows "
            "you know the lifecycle.\n\n⸻\n\nQ2. common mistakes in a Dockerfile?\n\n"
            "- **Answer:**\n") in text
    assert "A1." not in text and "A2." not in text


# --- check and export ----------------------------------------------------------------------


def test_check_counts_every_shape_and_says_what_it_skipped(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "mixed.md")]) == 0
    err = capsys.readouterr().err
    assert "checked 1 sheet(s), 2 section(s), 10 note(s), 11 card(s), 0 warning(s)" in err
    assert main(["check", "--strict", str(FIXTURES / "heading.md")]) == 0  # infos only
    err = capsys.readouterr().err
    assert ("heading.md:38:1: info: question heading with nothing under it: read as a "
            "heading, no card") in err
    assert main(["check", str(DATA / "fixtures" / "not-cards" / "tables-not-cards.md")]) == 0
    err = capsys.readouterr().err
    for line in ("tables-not-cards.md:9:1: info: every row links to a heading of this page: a "
                 "table of contents, not cards",
                 "tables-not-cards.md:16:1: info: the first column (#) numbers the rows: read "
                 "without it",
                 "tables-not-cards.md:23:1: info: the header starts with an empty cell: a table "
                 "laid out for the site, not cards"):
        assert line in err
    assert "checked 1 sheet(s), 6 section(s), 3 note(s), 4 card(s), 3 warning(s)" in err


def test_json_export_holds_block_answers_and_shapes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json", str(FIXTURES / "mixed.md")]) == 0
    data = json.loads(capsys.readouterr().out)
    cards = data["sheets"][0]["sections"][0]["cards"]
    assert [c["shape"]["form"] for c in cards] == [
        "row", "bold", "lines", "details", "bullet", "row", "heading", "heading"]
    assert cards[7]["answer"] == '```python\nprint("highlighted")\n```'
    assert cards[2]["shape"] == {"form": "lines", "level": 0, "number": "", "label": "Q:",
                                 "bold": False}
    assert Library.from_dict(data) == _library("mixed.md")


# --- the deck, imported by real Anki ---------------------------------------------------------


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    folder = tmp_path_factory.mktemp("anki")
    library = _library(*(p.name for p in SHAPES))
    build = deck_of(library, root_deck=ROOT_DECK, timestamp=T1)
    (folder / "shapes.apkg").write_bytes(package_bytes(build))
    col = Collection(str(folder / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(folder / "shapes.apkg"), options=ImportAnkiPackageOptions()))
    col.models._clear_cache()
    yield col
    col.close()


def _answer_field(col: Collection, question: str) -> str:
    (nid,) = col.find_notes(f'"Question:{question}"')
    return col.get_note(nid)["Answer"]


@pytest.mark.anki
def test_anki_answer_fields_hold_block_html(collection: Collection) -> None:
    # 6 bold + 7 bullet + 4 details + 4 details-answer + 8 heading + 9 lines + 10 mixed (one of
    # them a fact row)
    assert collection.note_count() == 48
    assert _answer_field(collection, "What is overfitting?") == (
        "<p>A model that fits the noise of its training set.</p>\n"
        "<p>It generalizes badly to new data.</p>")
    assert _answer_field(collection, "Is least squares sensitive to outliers?") == (
        "<ul>\n<li>Yes: residuals are squared.</li>\n<li>A robust loss (Huber) is less so.</li>\n"
        "</ul>")
    gil = _answer_field(collection, "What is the GIL?")
    assert gil.startswith("<p>A lock that lets one thread run Python bytecode at a time.</p>\n"
                          '<pre class="highlight"><code><span class="kn">import</span>')
    sql = _answer_field(collection, "What does EXPLAIN show?")
    assert '<span class="k">EXPLAIN</span>' in sql and "<li>the scan type</li>" in sql
    # An answer folded under <summary>Answer</summary> is the answer itself, without the fold.
    assert _answer_field(collection, "What are the three tables?") == (
        "<p><code>chunks</code>, <code>chunks_fts</code>, <code>chunks_vec</code>.</p>")
    # A table row's answer stays inline: no <p> around it.
    assert _answer_field(collection, "What is a table row?") == "A card"


@pytest.mark.anki
def test_anki_renders_highlighted_code_readable_by_night(collection: Collection) -> None:
    (nid,) = collection.find_notes('"Question:What is the GIL?"')
    card = collection.get_note(nid).cards()[0]
    back = card.answer()
    assert '<span class="kn">import</span>' in back and 'class="cd-answer"' in back
    css = card.note_type()["css"]
    # Day: Pygments' default style; night (Anki's .nightMode / AnkiDroid's .night_mode): a dark
    # code background with light text, declared after the day rules.
    day = css.index(".cd-card .highlight .kn { color: #008000; font-weight: bold }")
    night = css.index(".nightMode .cd-card .highlight .kn, .night_mode .cd-card .highlight .kn "
                      "{ color: #FF4689 }")
    assert day < night
    assert (".nightMode .cd-card .highlight , .night_mode .cd-card .highlight "
            "{ background: #272822; color: #F8F8F2 }") in css


# --- the site ---------------------------------------------------------------------------------


def test_headings_in_a_block_move_to_a_top_level_keeping_their_distances() -> None:
    # The site puts an answer's headings under its question (issue 20: no level skipped);
    # the deck keeps them as written. A cached fragment of one placement never serves another.
    source = "#### Example\n\nText.\n\n##### Deeper\n\n- item\n\n  ###### In a list\n"
    cache = FragmentCache()
    as_written = MarkupRenderer(cache=cache).block(source)
    assert re.findall(r"<(h\d)>", as_written) == ["h4", "h5", "h6"]
    moved = MarkupRenderer(cache=cache).block(source, top_heading=3)
    assert re.findall(r"<(h\d)>", moved) == ["h3", "h4", "h5"]
    assert "<h3>Example</h3>\n<p>Text.</p>\n<h4>Deeper</h4>" in moved
    assert MarkupRenderer(cache=cache).block(source) == as_written
    capped = MarkupRenderer().block("# One\n\n###### Six\n", top_heading=4)
    assert re.findall(r"<(h\d)>", capped) == ["h4", "h6"]


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_site(_library("mixed.md", "details.md"),
                           tmp_path_factory.mktemp("shape-site"))


def test_site_folds_block_answers_under_their_questions(site_dir: Path) -> None:
    page = (site_dir / "interview-mix" / "mixed.html").read_text(encoding="utf-8")
    heading = re.search(r'<h2 class="cd-question" id="what-is-a-second-heading-question">.*?'
                        r'</h2>\s*<details class="cd-answer cd-answer--qa">(.*?)</details>',
                        page, re.DOTALL)
    assert heading is not None
    assert '<div class="cd-answer__blocks">' in heading.group(1)
    assert '<pre class="highlight"><code><span class="nb">print</span>' in heading.group(1)
    bold = re.search(r'id="what-is-a-bold-question">.*?<details class="cd-answer cd-answer--qa">'
                     r'(.*?)</details>', page, re.DOTALL)
    assert bold is not None and "<p>Its answer.</p>" in bold.group(1)
    # Source order: the table row, bold, Q:/A:, details, bullet, gotcha, fact table, headings.
    order = [page.index(f'id="{anchor}"') for anchor in (
        "what-is-a-table-row", "what-is-a-bold-question", "what-is-a-q-line",
        "what-is-a-details-block", "what-is-a-bullet-question", "what-is-a-heading-question",
        "what-is-a-second-heading-question")]
    assert order == sorted(order)
    assert page.index("what-is-a-bullet-question") < page.index("tiny") < page.index(
        'id="what-is-a-heading-question"')


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.mark.browser
def test_site_search_finds_a_word_only_in_a_block_answer(site_dir: Path,
                                                        browser: Browser) -> None:
    with serve_directory(site_dir) as url:
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                   else route.abort())
        page.goto(url + "index.html")
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").press_sequentially("bytecode", delay=30)
        result = page.locator('a.md-search-result__link[href*="python/language.html"]'
                              '[href$="#what-is-the-gil"]')
        expect(result).to_be_visible()
        result.click()
        page.wait_for_url("**/python/language.html?h=bytecode#what-is-the-gil")
        answer = page.locator("#what-is-the-gil + details")
        expect(answer).to_have_attribute("open", "")
        code = answer.locator("pre.highlight code span.kn").first
        expect(code).to_have_text("import")
        # Highlighted by the site's theme: the keyword is not in the body text colour.
        colours = code.evaluate("e => [getComputedStyle(e).color, "
                                "getComputedStyle(e.closest('p, pre')).color]")
        assert colours[0] != colours[1]
        page.close()
