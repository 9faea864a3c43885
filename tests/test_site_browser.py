"""The built study site in a real browser: Debian's Chromium driven by Playwright, offline.

One site build, one HTTP server and one browser per module. Every request to a host other than
127.0.0.1 is blocked and recorded, as are console errors, page errors and dialogs; each test's
page must end with all three lists empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, expect
from site_fixtures import ROOT, browser_library, build_test_site, launch_chromium, serve_directory

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
SHEET = "stage-1-interview-cheat-sheet"




@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site_dir = build_test_site(browser_library(), tmp_path_factory.mktemp("browser-site"))
    with serve_directory(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@dataclass
class Tab:
    """A page plus what it must never do: reach another host, log an error, open a dialog."""

    page: Page
    base: str
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path, wait_until="load")
        return self.page


@pytest.fixture
def tab(browser: Browser, site_url: str) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    tab = Tab(page, site_url)

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            tab.foreign_requests.append(route.request.url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.console_errors.append(message.text)

    def dialog(dialog: Dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    page.on("dialog", dialog)
    yield tab
    context.close()
    assert (tab.foreign_requests, tab.console_errors, tab.dialogs) == ([], [], [])


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_answer_hidden_until_question_clicked(tab: Tab) -> None:
    page = tab.open(f"{SHEET}/embeddings.html")
    answer = page.locator("#why-rope + details .cd-answer__body")
    expect(answer).to_be_hidden()
    page.locator("#why-rope").click()
    expect(answer).to_be_visible()
    expect(answer).to_have_text("Encodes relative positions, generalizes better to longer contexts")
    expect(page.locator("details.cd-answer[open]")).to_have_count(1)
    _screenshot(page, "section.png")


def test_search_rope_lands_on_the_open_answer(tab: Tab) -> None:
    page = tab.open("index.html")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("RoPE", delay=30)
    result = page.locator(f'a.md-search-result__link[href*="{SHEET}/embeddings.html"][href$="#why-rope"]')
    expect(result).to_be_visible()
    expect(page.locator(".md-search-result__article h1").first).to_have_text("🔥 EMBEDDINGS")
    expect(result).to_contain_text("Why RoPE?")
    result.click()
    page.wait_for_url(f"**/{SHEET}/embeddings.html?h=rope#why-rope")
    answer = page.locator("#why-rope + details")
    expect(answer).to_have_attribute("open", "")
    expect(answer.locator(".cd-answer__body")).to_be_visible()
    expect(page.locator("#why-rope")).to_be_in_viewport()


def test_quiz_by_keyboard(tab: Tab) -> None:
    page = tab.open(f"quiz.html#{SHEET}/embeddings")
    page.locator('[data-study-mode="browse"]').click()  # flip through every card, no schedule
    page.locator("#cd-quiz-card").click()  # keys go to the quiz, not to the focused button
    count = page.locator("#cd-quiz-count")
    question = page.locator("#cd-quiz-question")
    answer = page.locator("#cd-quiz-answer")
    expect(count).to_have_text("1 / 7")
    expect(question).to_have_text("What shape is the embedding matrix?")
    expect(answer).to_be_hidden()
    page.keyboard.press("Space")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("(vocab_size × embedding_dim), e.g., (50257 × 768) for GPT-2")
    _screenshot(page, "quiz.png")
    page.keyboard.press("ArrowRight")
    expect(count).to_have_text("2 / 7")
    expect(answer).to_be_hidden()
    page.keyboard.press("j")
    expect(count).to_have_text("3 / 7")
    expect(question).to_have_text("What are the 3 types of positional encoding?")
    page.keyboard.press("ArrowLeft")
    expect(count).to_have_text("2 / 7")
    page.keyboard.press("Enter")
    expect(answer).to_contain_text("Token = WHAT the token is.")
    page.get_by_role("button", name="Shuffle").click()
    expect(count).to_have_text("1 / 7")
    expect(answer).to_be_hidden()
    page.locator("#cd-quiz-scope").select_option(f"{SHEET}/numbers-to-memorize")
    expect(count).to_have_text("1 / 30")
    expect(question).to_have_text("GPT-2 small — Params")


def test_palette_toggle_switches_to_dark(tab: Tab) -> None:
    page = tab.open(f"{SHEET}/embeddings.html#why-rope")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.locator('label[for="__palette_1"]').click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
    _screenshot(page, "section-dark.png")


def test_home_page(tab: Tab) -> None:
    page = tab.open("index.html")
    expect(page.locator("h1")).to_have_text("Interview Cheat Sheets¶")  # ¶: the permalink
    download = page.locator("a.cd-download")
    expect(download).to_have_attribute("href", "interview-cheat-sheets.apkg")
    expect(page.locator(f'td a[href="{SHEET}/attention.html"]')).to_have_text("ATTENTION")
    _screenshot(page, "home.png")


def test_no_console_errors_on_any_page(tab: Tab, site_url: str) -> None:
    pages = ["index.html", "quiz.html", "tags.html", "browser-checks/escaping.html"]
    pages += [f"{SHEET}/{name}.html" for name in (
        "tokens", "embeddings", "attention", "training", "generation",
        "gotchas-interviewers-love", "numbers-to-memorize",
    )]
    for path in pages:
        page = tab.open(path)
        expect(page.locator("h1")).to_be_visible()
    assert tab.console_errors == []


def test_html_in_answers_shows_as_text_and_runs_nothing(tab: Tab) -> None:
    page = tab.open("browser-checks/escaping.html")
    for anchor, text in [
        ("what-does-a-script-tag-in-an-answer-do", "<script>alert(1)</script> shows as text"),
        ("what-does-an-image-with-onerror-do", "<img src=x onerror=alert(1)> shows as text"),
    ]:
        page.locator(f"#{anchor}").click()
        body = page.locator(f"#{anchor} + details .cd-answer__body > p").first
        expect(body).to_have_text(text)
        expect(body.locator("script, img")).to_have_count(0)
    page = tab.open("quiz.html#browser-checks/escaping")
    page.keyboard.press("Space")
    expect(page.locator("#cd-quiz-answer")).to_contain_text("<script>alert(1)</script> shows as text")
    page.keyboard.press("3")  # Good: study mode moves on to the next card
    page.keyboard.press("Space")
    expect(page.locator("#cd-quiz-answer")).to_contain_text("<img src=x onerror=alert(1)> shows as text")
    expect(page.locator("#cd-quiz-answer img, #cd-quiz-answer script")).to_have_count(0)
    page.wait_for_timeout(200)  # an onerror handler would fire by now
    assert tab.dialogs == []
