"""Issue 20: the study site with a keyboard, a screen reader and both colour schemes.

axe-core (the copy vendored in the ``axe-playwright-python`` PyPI package, MPL-2.0, licence
header kept in the file) runs in Debian's Chromium on every kind of page — home, sheet, section
(an answer open), fact table, gotchas, quiz (answer revealed, grade buttons and progress panel
shown), tags, print view, math, 404 — in the light and the dark scheme, at 1280 px and 390 px.
One site build and one browser for the module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from site_fixtures import (
    browser_library,
    build_test_site,
    launch_chromium,
    serve_directory,
    study_library,
)

from cheatdeck.model import Library

pytestmark = pytest.mark.browser

SHEET = "stage-1-interview-cheat-sheet"
PAGES = [
    "index.html",
    f"{SHEET}/_sheet.html",
    f"{SHEET}/embeddings.html",
    f"{SHEET}/numbers-to-memorize.html",
    f"{SHEET}/gotchas-interviewers-love.html",
    "quiz.html",
    "tags.html",
    f"{SHEET}/_print.html",
    "study-checks/math.html",
    "404.html",
]
SCHEMES = ["light", "dark"]
WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    library = Library((*browser_library().sheets, *study_library().sheets))
    site = build_test_site(library, tmp_path_factory.mktemp("a11y-site"))
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def axe_script() -> str:
    script = Axe().axe_script
    assert script.startswith("/*! axe v4.")  # the vendored axe-core, with its licence header
    return script


def _page(browser: Browser, scheme: str, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    return context.new_page()


def _serious(page: Page, axe_script: str) -> list[str]:
    page.evaluate(axe_script)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_violation(
    browser: Browser, base: str, axe_script: str, scheme: str, width: int
) -> None:
    page = _page(browser, scheme, width)
    found = {}
    for path in PAGES:
        page.goto(base + path, wait_until="load")
        expected = "slate" if scheme == "dark" else "default"
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
        if path == "quiz.html":
            page.locator("#cd-quiz [data-quiz=reveal]").click()
            expect(page.locator("#cd-quiz-answer")).to_be_visible()
            expect(page.locator("#cd-study-grades")).to_be_visible()  # Again/Hard/Good/Easy
            page.locator("#cd-study-progress > summary").click()  # the progress panel too
            expect(page.locator("#cd-study-limit")).to_be_visible()
        elif path.startswith(SHEET + "/embeddings"):
            page.locator("details.cd-answer > summary").first.click()  # an open answer too
        if violations := _serious(page, axe_script):
            found[path] = violations
    page.context.close()
    assert found == {}


# --- contrast of what axe does not measure: borders and bars (WCAG 1.4.11, ≥ 3:1) -------------

def _rgba(value: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", value)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(front: str, back: str) -> float:
    fr, fg, fb, fa = _rgba(front)
    br, bg, bb, _ = _rgba(back)
    blended = (fr * fa + br * (1 - fa), fg * fa + bg * (1 - fa), fb * fa + bb * (1 - fa))
    lighter, darker = sorted((_luminance(blended), _luminance((br, bg, bb))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


BARS = [
    # (page, selector, CSS property of the line, what it is)
    (f"{SHEET}/embeddings.html", ".cd-answer--qa .cd-answer__body", "border-left-color", "answer bar"),
    (f"{SHEET}/gotchas-interviewers-love.html", ".cd-answer--gotcha .cd-answer__body",
     "border-left-color", "gotcha bar"),
    ("quiz.html", "#cd-quiz-card", "border-top-color", "quiz card border"),
    ("quiz.html", "#cd-quiz-scope", "border-top-color", "deck selector border"),
    ("quiz.html", "#cd-quiz-answer", "border-top-color", "line above the answer"),
    ("quiz.html", "[data-quiz=next]", "border-top-color", "outline button border"),
    ("index.html", ".cd-actions .md-button:not(.md-button--primary)", "border-top-color",
     "Quiz yourself border"),
]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_borders_and_bars_have_3_to_1_contrast(browser: Browser, base: str, scheme: str) -> None:
    page = _page(browser, scheme, 1280)
    measured = {}
    for path, selector, prop, name in BARS:
        page.goto(base + path, wait_until="load")
        if path == "quiz.html":
            page.locator("#cd-quiz [data-quiz=reveal]").click()
        element = page.locator(selector).first
        color = element.evaluate(f"(e) => getComputedStyle(e).getPropertyValue('{prop}')")
        # The background the line is drawn on: the nearest ancestor with an opaque background.
        back = element.evaluate("""(e) => {
            for (let n = e; n; n = n.parentElement) {
                const c = getComputedStyle(n).backgroundColor;
                if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
            }
            return getComputedStyle(document.body).backgroundColor;
        }""")
        measured[name] = round(_contrast(color, back), 2)
    page.context.close()
    assert {name: ratio for name, ratio in measured.items() if ratio < 3} == {}, measured


# --- names and structure --------------------------------------------------------------------------

def test_answer_toggles_are_named_after_their_questions_and_headings_in_order(
    browser: Browser, base: str
) -> None:
    page = _page(browser, "light", 1280)
    page.goto(base + f"{SHEET}/embeddings.html", wait_until="load")
    toggles = page.locator("details.cd-answer > summary")
    expect(toggles).to_have_count(7)
    expect(page.get_by_role("group").first).to_be_attached()
    names = [s.get_attribute("aria-label") for s in toggles.all()]
    assert names[0] == "Answer: What shape is the embedding matrix?"
    assert len(set(names)) == 7
    levels = page.evaluate("[...document.querySelectorAll('.md-content h1, .md-content h2, "
                           ".md-content h3')].map(h => +h.tagName[1])")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    page.goto(base + "index.html", wait_until="load")
    headers = page.locator(".md-content table th").all_inner_texts()
    assert "" not in [h.strip() for h in headers] and "Quiz" in headers
    expect(page.locator('.md-search[role="dialog"]')).to_have_attribute("aria-label", "Search")
    page.context.close()


def test_section_page_keyboard_reaches_every_answer_with_a_visible_focus_ring(
    browser: Browser, base: str
) -> None:
    page = _page(browser, "light", 1280)
    page.goto(base + f"{SHEET}/embeddings.html", wait_until="load")
    reached = []
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            return [e.tagName, e.getAttribute('aria-label') || '', s.outlineStyle, s.outlineWidth]; }""")
        if info[0] == "SUMMARY":
            if info[1] in reached:
                break  # Tab went round the page and came back
            reached.append(info[1])
            assert info[2] != "none" and info[3] != "0px", info  # focus ring drawn
    assert len(reached) == len(set(reached)) == 7
    assert reached[0] == "Answer: What shape is the embedding matrix?"
    # Back to the first toggle from the top of the page: Enter opens that answer, and only it.
    page.locator("details.cd-answer > summary").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.cd-answer[open]")).to_have_count(1)
    expect(page.locator("details.cd-answer").first).to_have_attribute("open", "")
    expect(page.locator(".cd-answer__body").first).to_be_visible()
    page.context.close()


def test_fact_table_scroll_area_is_reachable_by_keyboard_on_a_phone(
    browser: Browser, base: str
) -> None:
    page = _page(browser, "light", 390)
    page.goto(base + f"{SHEET}/numbers-to-memorize.html", wait_until="load")
    area = page.locator(".cd-facts").first
    assert area.evaluate("e => e.scrollWidth > e.clientWidth")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cd-facts')"):
            break
    else:
        pytest.fail("Tab never reached the fact table")
    expect(area).to_have_attribute("role", "region")
    page.keyboard.press("End")
    assert area.evaluate("e => e.scrollLeft") > 0
    page.context.close()
