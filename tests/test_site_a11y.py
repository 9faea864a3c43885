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
from datetime import UTC, datetime
from urllib.parse import urlsplit

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
from cheatdeck.reader import read_text

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
    "wide/formulas.html",
    "404.html",
]
SCHEMES = ["light", "dark"]
NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)
WIDTHS = [1280, 390]


# Formulas wider than a phone: in a cell ($$…$$) and as a block of their own.
WIDE_SUM = " + ".join(f"a_{{{i}}}" for i in range(1, 25))
WIDE_SHEET = f"""# Wide

## 📐 FORMULAS

| Question | Answer |
| --- | --- |
| What is the long sum? | $$s = {WIDE_SUM}$$ |

$$
t = {WIDE_SUM}
$$
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    wide, diagnostics = read_text(WIDE_SHEET, path="wide.md")
    assert wide is not None and diagnostics == []
    library = Library((*browser_library().sheets, *study_library().sheets, wide))
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


def _page(browser: Browser, scheme: str, width: int, *, at: datetime | None = None) -> Page:
    """A new page; ``at``: a fixed clock (UTC) for what depends on the study day."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                  timezone_id="UTC")
    page = context.new_page()
    if at is not None:
        page.clock.set_fixed_time(at)
    return page


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
        elif path.startswith(SHEET + "/embeddings") or path.startswith("wide/"):
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
    *(("quiz.html", f"[data-quiz={grade}]", "border-top-color", f"{grade} button border")
      for grade in ("again", "hard", "good", "easy")),
    ("quiz.html", "[data-study-mode=browse]", "border-top-color", "mode button border"),
    ("quiz.html", "#cd-study-limit", "border-top-color", "new-cards field border"),
    ("quiz.html", "#cd-study-done", "border-top-color", "deck-done box border"),
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


@pytest.mark.parametrize("scheme", SCHEMES)
def test_hovered_and_focused_buttons_keep_4_5_to_1_text(browser: Browser, base: str,
                                                       scheme: str) -> None:
    page = _page(browser, scheme, 1280)
    page.goto(base + "quiz.html", wait_until="load")
    page.get_by_role("button", name="Browse all").click()
    measured = {}
    for name in ("Next →", "Shuffle", "← Back"):
        button = page.get_by_role("button", name=name)
        for state in ("hover", "focus"):
            page.mouse.move(0, 0)
            page.locator("#cd-quiz-card").focus()
            button.hover() if state == "hover" else button.focus()
            colors = button.evaluate("""e => {
                e.getAnimations().forEach(a => a.finish());  // Material's colour transitions
                return [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]; }""")
            measured[f"{name} {state}"] = round(_contrast(*colors), 2)
    page.context.close()
    assert len(measured) == 6
    assert {k: v for k, v in measured.items() if v < 4.5} == {}, measured


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
    levels = {}
    for path in PAGES:  # one h1, and no level skipped going down, on every kind of page
        page.goto(base + path, wait_until="load")
        levels[path] = page.evaluate("[...document.querySelectorAll('.md-content h1, "
                                     ".md-content h2, .md-content h3, .md-content h4')]"
                                     ".map(h => +h.tagName[1])")
    assert levels[f"{SHEET}/embeddings.html"] == [1] + [2] * 7
    assert {path: found for path, found in levels.items()
            if found[:1] != [1] or found.count(1) != 1
            or any(b - a > 1 for a, b in zip(found, found[1:], strict=False))} == {}
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
    page.keyboard.press("ArrowRight")  # scrolls the focused area (smoothly: wait for it)
    page.wait_for_function("e => e.scrollLeft > 0", arg=area.element_handle())
    page.context.close()


def test_wide_formulas_scroll_inside_the_column_by_keyboard_on_a_phone(
    browser: Browser, base: str
) -> None:
    page = _page(browser, "light", 390)
    page.goto(base + "wide/formulas.html", wait_until="load")
    page.locator("details.cd-answer > summary").first.click()
    formulas = page.locator(".cd-math--block")
    expect(formulas).to_have_count(2)  # the cell's $$…$$ and the block
    assert page.evaluate("document.documentElement.scrollWidth") == 390  # the page does not scroll
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cd-math--block')"):
            focused = page.locator(".cd-math--block:focus")
            assert focused.evaluate("e => e.scrollWidth > e.clientWidth")  # it does scroll
            page.keyboard.press("ArrowRight")
            page.wait_for_function("e => e.scrollLeft > 0", arg=focused.element_handle())
            reached.append(focused.evaluate("e => e.querySelector('.cd-math__text').textContent"))
            if len(reached) == 2:
                break
    assert [text.split(" =")[0] for text in reached] == ["s", "t"]
    page.context.close()


# --- the quiz -------------------------------------------------------------------------------------
# A fresh browser context per test: the quiz mode and the shortcut switch are kept in
# localStorage. The quiz opens in Study mode (issue 18); "Browse all" flips through every card.

EMBEDDINGS_FIRST = "What shape is the embedding matrix?"
EMBEDDINGS_SECOND = "What's the difference between token and positional embeddings?"


def _quiz(browser: Browser, base: str, scope: str = f"{SHEET}/embeddings", *,
          browse: bool = False, at: datetime | None = None) -> Page:
    page = _page(browser, "light", 1280, at=at)
    page.goto(f"{base}quiz.html#{scope}", wait_until="load")
    if browse:
        page.get_by_role("button", name="Browse all").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#cd-quiz-count")).to_have_text("1 / 7")
    return page


def test_enter_follows_links_on_the_quiz_page(browser: Browser, base: str) -> None:
    page = _quiz(browser, base)
    page.keyboard.press("Space")  # the card has the focus
    link = page.get_by_role("link", name="Open on its page")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{SHEET}/embeddings.html#what-shape-is-the-embedding-matrix")
    for link in (".md-footer__link--prev", ".md-sidebar--primary a.md-nav__link[href$='tags.html']"):
        page.goto(f"{base}quiz.html#{SHEET}/embeddings", wait_until="load")
        page.locator(link).first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "quiz.html" not in url)
        assert urlsplit(page.url).path.endswith((".html", "/"))
    page.context.close()


def test_quiz_by_keyboard_alone_with_every_card_announced(browser: Browser, base: str) -> None:
    # At noon: the study day starts at 04:00, so a card graded Good just before 04:00 would fall
    # due after the day boundary and no longer count in "N left today".
    page = _quiz(browser, base, at=NOON)
    status = page.locator("#cd-quiz-status")
    expect(status).to_have_attribute("role", "status")
    expect(page.locator("#cd-quiz-count")).not_to_have_attribute("aria-live", "polite")  # one voice
    card = page.locator("#cd-quiz-card")
    expect(card).to_be_focused()  # the quiz takes the focus when the page opens
    expect(card).to_have_accessible_name("Flashcard")
    # Studying: reveal, grade, hear the next card and what is left.
    page.keyboard.press("Enter")
    expect(status).to_have_text("Answer: (vocab_size × embedding_dim), e.g., (50257 × 768) for GPT-2")
    page.keyboard.press("3")
    expect(status).to_have_text(f"Good. 7 left today: {EMBEDDINGS_SECOND}")
    # Grade by Tab and Enter on a button: the buttons go away, the focus goes back to the card.
    page.keyboard.press("Space")
    expect(status).to_contain_text("Answer: Token = WHAT the token is.")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.quiz") == "again":
            break
    page.keyboard.press("Enter")
    expect(card).to_be_focused()
    expect(status).to_have_text(re.compile(r"^Again\. 7 left today: "))
    # Browsing: next, back and shuffle, each announced.
    page.get_by_role("button", name="Browse all").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text(f"Browsing every card. Card 1 of 7: {EMBEDDINGS_FIRST}")
    card.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#cd-quiz-count")).to_have_text("2 / 7")
    expect(status).to_have_text(f"Card 2 of 7: {EMBEDDINGS_SECOND}")
    page.keyboard.press("j")
    expect(status).to_have_text("Card 3 of 7: What are the 3 types of positional encoding?")
    page.keyboard.press("Space")
    # The answer as read (not its "Open on its page" link).
    expect(status).to_have_text("Answer: Learned absolute, Sinusoidal (fixed), RoPE (rotary)")
    page.keyboard.press("k")
    expect(status).to_have_text(f"Card 2 of 7: {EMBEDDINGS_SECOND}")
    page.keyboard.press("ArrowLeft")
    expect(status).to_have_text(f"Card 1 of 7: {EMBEDDINGS_FIRST}")
    page.get_by_role("button", name="Shuffle").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text(re.compile(r"^Shuffled\. Card 1 of 7: \S"))
    page.get_by_role("button", name="Next →").focus()
    page.keyboard.press("Enter")  # the button's own click: one card on, not two
    expect(page.locator("#cd-quiz-count")).to_have_text("2 / 7")
    page.locator("#cd-quiz-scope").select_option(f"{SHEET}/numbers-to-memorize")
    expect(status).to_have_text("Card 1 of 30: GPT-2 small — Params")
    page.context.close()


def test_single_key_shortcuts_can_be_turned_off(browser: Browser, base: str) -> None:
    page = _quiz(browser, base, browse=True)
    count = page.locator("#cd-quiz-count")
    switch = page.get_by_label("Single-key shortcuts")
    expect(switch).to_be_checked()
    switch.focus()
    page.keyboard.press("Space")
    expect(switch).not_to_be_checked()
    page.locator("#cd-quiz-card").focus()
    page.keyboard.press("j")
    expect(count).to_have_text("1 / 7")
    page.keyboard.press("ArrowRight")  # not a character key: stays on
    expect(count).to_have_text("2 / 7")
    page.reload(wait_until="load")
    expect(page.get_by_label("Single-key shortcuts")).not_to_be_checked()  # remembered
    page.get_by_role("button", name="Study", exact=True).click()
    page.locator("#cd-quiz-card").focus()
    page.keyboard.press("Space")
    page.keyboard.press("3")  # grade keys are single keys too: off
    expect(page.locator("#cd-quiz-question")).to_have_text(EMBEDDINGS_FIRST)
    expect(page.locator("#cd-study-grades")).to_be_visible()
    page.context.close()


def test_quiz_keys_leave_links_fields_toggles_and_search_alone(browser: Browser, base: str) -> None:
    page = _quiz(browser, base, browse=True)
    count = page.locator("#cd-quiz-count")
    search = page.locator("#__search")
    # Focus outside the quiz (a nav link): "j" does nothing, "s" opens the theme's search.
    page.locator(".md-sidebar--primary a.md-nav__link").first.focus()
    for key in ("j", "ArrowRight", "Space"):
        page.keyboard.press(key)
    expect(count).to_have_text("1 / 7")
    page.keyboard.press("s")
    expect(search).to_be_checked()
    page.keyboard.press("j")  # typed into the search box, not a quiz key
    expect(page.locator(".md-search__input")).to_have_value("j")
    expect(count).to_have_text("1 / 7")
    page.keyboard.press("Escape")
    expect(search).not_to_be_checked()
    # The answer's link, the progress panel's toggle and its field keep their keys.
    card = page.locator("#cd-quiz-card")
    card.focus()
    page.keyboard.press("Space")
    page.get_by_role("link", name="Open on its page").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("j")
    expect(count).to_have_text("1 / 7")
    toggle = page.locator("#cd-study-progress > summary")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#cd-study-progress")).to_have_attribute("open", "")
    page.keyboard.press("j")
    expect(count).to_have_text("1 / 7")
    limit = page.locator("#cd-study-limit")
    limit.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("12")
    page.keyboard.press("ArrowLeft")
    expect(limit).to_have_value("12")
    expect(count).to_have_text("1 / 7")
    # "s" on the card is the theme's search too: no quiz key takes it.
    card.focus()
    page.keyboard.press("s")
    expect(search).to_be_checked()
    expect(count).to_have_text("1 / 7")
    page.context.close()


def test_the_end_of_a_deck_is_announced_and_keeps_the_focus(browser: Browser, base: str) -> None:
    page = _quiz(browser, base, f"{SHEET}/gotchas-interviewers-love")
    status = page.locator("#cd-quiz-status")
    for _ in range(7):  # every card Easy, by keyboard: none comes back today
        page.keyboard.press("Space")
        page.keyboard.press("4")
    expect(page.locator("#cd-quiz-card")).to_be_hidden()
    ahead = page.get_by_role("button", name="Study ahead")
    expect(ahead).to_be_focused()  # the card went away: the focus did not fall to the page
    expect(status).to_have_text("Easy. Nothing left to study today in this deck.")
    page.keyboard.press("Enter")
    expect(page.locator("#cd-quiz-card")).to_be_focused()
    # The soonest due first: Easy intervals are fuzzed (FSRS), so which one is not fixed.
    expect(status).to_have_text(re.compile(r"^Studying ahead: \S"))
    page.keyboard.press("Space")
    page.keyboard.press("3")
    expect(status).to_have_text(re.compile(r"^Good\. Studying ahead: \S"))
    page.context.close()
