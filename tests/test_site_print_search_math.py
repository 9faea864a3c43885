"""Issue 14 in a real browser: math, code-word and CJK search, a sub-path site, print, tables.

One site (the "Study Checks" sheet, built with ``site_url = https://example.org/study/``) is
served under ``/study/`` by a static server that answers missing paths with the site's
``404.html``, as a project site on a static host is. One Chromium for the module; every page
must make no request to another host and log no error.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from pypdf import PdfReader
from site_fixtures import build_test_site, launch_chromium, serve_directory, study_library

pytestmark = pytest.mark.browser

SITE_URL = "https://example.org/study/"
SHEET = "study-checks"
PAGES = [
    "index.html", "quiz.html", "tags.html", f"{SHEET}/_print.html", f"{SHEET}/_sheet.html",
    *(f"{SHEET}/{name}.html" for name in ("math", "code-words", "zhu-yi-li", "table")),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("study-site")
    return build_test_site(study_library(), root, site_url=SITE_URL,
                           site_dir=root / "served" / "study")


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with serve_directory(site.parent, not_found_page=site / "404.html") as url:
        yield url + "study/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


class Visit:
    """Opens pages of the served site; records foreign requests and console/page errors."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path, wait_until="load")
        return self.page


def _visit(browser: Browser, base: str, width: int) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    visit = Visit(page, base)

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            visit.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    yield visit
    context.close()
    # The 404 page's own status is logged as a console error by Chromium: nothing else may be.
    assert visit.foreign == []
    assert [e for e in visit.errors if "404 (Not Found)" not in e] == []


@pytest.fixture
def visit(browser: Browser, base: str) -> Iterator[Visit]:
    yield from _visit(browser, base, 1280)


@pytest.fixture
def phone(browser: Browser, base: str) -> Iterator[Visit]:
    yield from _visit(browser, base, 390)


# --- math ---------------------------------------------------------------------------------------

def test_math_is_mathml_drawn_by_the_browser(visit: Visit) -> None:
    page = visit.open(f"{SHEET}/math.html")
    question = page.locator("#why-divide-by-sqrt-d-k")
    expect(question.locator("math msqrt msub")).to_have_count(1)
    box = question.locator("math").bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10  # drawn, not hidden
    # The readable text beside the MathML is hidden: shown once, as the drawn formula.
    expect(question.locator(".cd-math__text")).to_be_hidden()
    assert "√" not in question.evaluate("e => e.innerText")
    answer = page.locator("#why-divide-by-sqrt-d-k + details")
    expect(answer.locator('math[display="block"] mfrac')).to_have_count(1)
    expect(page.locator('.cd-prose math[display="block"] msub')).not_to_have_count(0)  # $$ block
    # The table of contents and the tab title read the formula as text, not LaTeX.
    toc = page.locator(".md-sidebar--secondary .md-nav__link")
    expect(toc.filter(has_text="Why divide by")).to_have_text("Why divide by √(d_k)?")
    expect(toc.filter(has_text="What is")).to_have_text("What is α_lr called?")


def test_an_unrenderable_formula_shows_its_source(visit: Visit) -> None:
    page = visit.open(f"{SHEET}/math.html#what-does-a-broken-formula-show")
    body = page.locator("#what-does-a-broken-formula-show + details .cd-answer__body")
    expect(body).to_be_visible()
    expect(body).to_have_text("$\\frac{a$ stays as written")
    expect(body.locator("math")).to_have_count(0)


def test_no_latex_delimiters_in_any_visible_text(visit: Visit) -> None:
    for path in PAGES:
        page = visit.open(path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        # The one unrenderable formula shows its source, on purpose (a warning names its line).
        text = page.evaluate("document.body.innerText").replace("$\\frac{a$", "")
        assert not re.search(r"\\[(\[]|\\[)\]]|\\sqrt|\\frac", text), (path, text[:2000])
        assert page.title().find("\\") < 0, path
    page = visit.open(f"quiz.html#{SHEET}/math")
    page.locator("#cd-quiz-card").focus()
    page.keyboard.press("Space")
    expect(page.locator("#cd-quiz-answer math")).to_have_count(2)  # $QK^T$ and $$…$$
    expect(page.locator("#cd-quiz-question math msqrt")).to_have_count(1)
    option = page.locator("#cd-quiz-scope option", has_text="MATH")
    expect(option).to_have_text("🧮 MATH (4 today)")  # the study mode's due count


# --- search -------------------------------------------------------------------------------------

SEARCHES = [
    ("Linear", "code-words.html", "which-layer-is-nn-linear"),
    ("nn.Linear", "code-words.html", "which-layer-is-nn-linear"),
    ("softmax", "code-words.html", "what-does-torch-nn-functional-softmax-return"),
    ("torch.nn.functional.softmax", "code-words.html", "what-does-torch-nn-functional-softmax-return"),
    ("case", "code-words.html", "which-style-is-snake-case-name"),
    ("snake_case_name", "code-words.html", "which-style-is-snake-case-name"),
    ("n^2", "code-words.html", "how-fast-is-o-n-2-attention"),
    ("markup", "code-words.html", "where-do-src-cheatdeck-markup-py-and-key-value-pairs-live"),
    ("value", "code-words.html", "where-do-src-cheatdeck-markup-py-and-key-value-pairs-live"),
    ("√(d_k)", "math.html", "why-divide-by-sqrt-d-k"),
    ("词元", "zhu-yi-li.html", "shi-yao-shi-zi-zhu-yi-li-ji-zhi"),
    ("机制", "zhu-yi-li.html", "shi-yao-shi-zi-zhu-yi-li-ji-zhi"),
    ("トークン", "zhu-yi-li.html", "wei-zhi-enkoteinkutoha"),
    ("順序", "zhu-yi-li.html", "wei-zhi-enkoteinkutoha"),
]


def _search(page: Page, query: str) -> None:
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(query, delay=20)
    # Characters with no key (CJK) are inserted as text, with no keyup: Material searches on
    # keyboard events, so end with a key that changes nothing, as an input method does.
    page.locator(".md-search__input").press("End")


@pytest.mark.parametrize(("query", "page_name", "anchor"), SEARCHES)
def test_search_finds_parts_of_code_words_and_cjk_words(
    visit: Visit, query: str, page_name: str, anchor: str
) -> None:
    page = visit.open("index.html")
    _search(page, query)
    result = page.locator(f'a.md-search-result__link[href*="{SHEET}/{page_name}"][href$="#{anchor}"]')
    expect(result).to_be_visible()


def test_search_result_lands_on_the_opened_answer(visit: Visit) -> None:
    page = visit.open("index.html")
    _search(page, "softmax")
    anchor = "what-does-torch-nn-functional-softmax-return"
    page.locator(f'a.md-search-result__link[href$="#{anchor}"]').click()
    page.wait_for_url(f"**/study/{SHEET}/code-words.html?h=softmax#{anchor}")
    answer = page.locator(f"#{anchor} + details")
    expect(answer).to_have_attribute("open", "")
    expect(answer.locator(".cd-answer__body")).to_have_text("Probabilities along dim")


# --- a site under a sub-path --------------------------------------------------------------------

def test_404_page_is_styled_and_stays_under_the_sub_path(visit: Visit, base: str) -> None:
    response = visit.page.goto(base + "no/such/page.html", wait_until="load")
    assert response is not None and response.status == 404
    page = visit.page
    expect(page.locator("h1")).to_have_text("404 - Not found")
    # Material's stylesheet loaded: the header is indigo, not an unstyled block.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    hrefs = page.evaluate("[...document.querySelectorAll('a[href], link[href], script[src]')]"
                          ".map(e => e.href || e.src)")
    local = [h for h in hrefs if urlsplit(h).hostname == "127.0.0.1"]
    assert local and all(urlsplit(h).path.startswith("/study/") for h in local), hrefs
    page.locator(".md-header__button.md-logo").click()
    page.wait_for_url(base + "index.html")
    expect(page.locator("h1")).to_have_text("Interview Cheat Sheets¶")


def test_canonical_links_and_sitemap_use_site_url(site: Path) -> None:
    math = (site / SHEET / "math.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/study/study-checks/math.html">' in math
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert sorted(locations) == sorted(SITE_URL + p for p in PAGES)


# --- print --------------------------------------------------------------------------------------

def _pdf_text(page: Page) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    return len(reader.pages), [p.extract_text() for p in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_printed_section_page_holds_every_answer_and_no_navigation(visit: Visit) -> None:
    page = visit.open(f"{SHEET}/code-words.html")
    expect(page.locator("details.cd-answer[open]")).to_have_count(0)  # closed on screen
    pages, texts = _pdf_text(page)
    text = _flat(" ".join(texts))
    for answer in ("A fully connected layer", "Probabilities along dim", "Words joined by underscores",
                   "Quadratic in the context length", "In code words with slashes and colons"):
        assert answer in text, text
    for chrome in ("Table of contents", "Printable sheet Quiz Tags", "Search", "Answer"):
        assert chrome not in text, text
    assert pages <= 2


def test_print_view_puts_each_section_on_its_own_page(visit: Visit) -> None:
    page = visit.open(f"{SHEET}/_print.html")
    expect(page.locator(".cd-answer__body")).to_have_count(11)
    expect(page.locator(".cd-answer__body").first).to_be_visible()  # shown on screen too
    pages, texts = _pdf_text(page)
    assert pages == 4  # four sections, each starting a page; each fits on one
    firsts = [_flat(t) for t in texts]
    assert "MATH" in firsts[0] and "CODE WORDS" in firsts[1]
    assert "TABLE" in firsts[3] and "175B" in firsts[3]
    assert "It keeps the variance" in firsts[0]
    assert "Probabilities along dim" in firsts[1]
    # Page 3 is the CJK section (its glyphs carry no text map in the PDF): none of the others.
    assert not any(name in firsts[2] for name in ("MATH", "CODE WORDS", "TABLE"))


# --- fact tables --------------------------------------------------------------------------------

def test_fact_table_keeps_column_alignment(visit: Visit) -> None:
    page = visit.open(f"{SHEET}/table.html")
    aligns = page.evaluate("""[...document.querySelectorAll('.cd-facts__table tr')].map(
        r => [...r.children].map(c => getComputedStyle(c).textAlign))""")
    assert aligns == [["left", "right", "center", "left"]] * 4
    # The first column's cells are row headers (a screen reader names each value by its row).
    expect(page.locator(".cd-facts__table tbody th[scope=row]")).to_have_count(3)


def test_fact_table_first_column_stays_on_a_phone(phone: Visit) -> None:
    page = phone.open(f"{SHEET}/table.html")
    area = page.locator(".cd-facts")
    sizes = area.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1]  # wider than the phone: it scrolls
    first = page.locator(".cd-facts__table tbody tr").nth(1).locator("th")
    before = first.bounding_box()
    area.focus()  # reachable by keyboard: it is focusable and scrolls with the arrow keys
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    assert area.evaluate("e => e.scrollLeft") > 0
    after = first.bounding_box()
    assert before is not None and after is not None
    assert after["x"] == pytest.approx(before["x"], abs=1)  # sticky: still in view
    last = page.locator(".cd-facts__table tbody tr").nth(1).locator("td").last
    expect(last).to_be_in_viewport()
