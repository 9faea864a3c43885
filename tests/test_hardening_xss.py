"""Issue 7, item 4, end to end: hostile cells are inert in real Anki card HTML and on the real
site, both loaded in Chromium (Debian's, driven by Playwright, offline).

Every payload tries to set ``window.__xss`` or open a dialog; the page must end with neither,
with no element carrying an event handler, no ``javascript:``/``data:`` link, no frame, and Anki
template syntax shown as the literal text the author wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from deck_fixtures import deck_of
from playwright.sync_api import Browser, Page
from site_fixtures import build_test_site, launch_chromium, serve_directory

from cheatdeck.anki import package_bytes
from cheatdeck.files import write_atomic
from cheatdeck.model import Library
from cheatdeck.reader import read_text

pytestmark = [pytest.mark.browser, pytest.mark.anki]

SET = "window.__xss=1"
PAYLOADS = [
    f"<script>{SET}</script>", f"<img src=x onerror={SET}>", f"<svg onload={SET}>",
    f"<body onload={SET}>", f'<a href="javascript:{SET}">js link</a>',
    f"[md link](javascript:{SET})",
    "[data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    f"![img](javascript:{SET})", f'<iframe srcdoc="<script>parent.{SET}</script>"></iframe>',
    "<style>body{display:none}</style>", f"<!-- <script>{SET}</script> -->",
    f"&lt;script&gt;{SET}&lt;/script&gt;", f"&#60;img src=x onerror={SET}&#62;",
    f"<sup onmouseover={SET}>hover</sup>", f"<details open ontoggle={SET}>",
    f"<<script>script>{SET}<</script>/script>", f"$<img src=x onerror={SET}>$",
    "{{Question}}", "{{c1::cloze in a Q&A card}}", "{{#Sheet}}x{{/Sheet}}", "{{FrontSide}}",
]
LITERAL = ["{{Question}}", "{{c1::cloze in a Q&A card}}", "{{FrontSide}}"]


def _sheet() -> str:
    rows = "\n".join(f"| Payload {i}: {p} | Answer {i}: {p} |" for i, p in enumerate(PAYLOADS))
    return (f"# XSS\n\n## Payloads\n\n| Question | Answer |\n| --- | --- |\n{rows}\n\n"
            f'- "Gotcha <script>{SET}</script>" — why <img src=x onerror={SET}>\n\n'
            "| Model | Params | Layers |\n| --- | --- | --- |\n"
            f"| <script>{SET}</script> | <img src=x onerror={SET}> | {{{{c1::x}}}} |\n")


@pytest.fixture(scope="module")
def library() -> Library:
    sheet, diagnostics = read_text(_sheet(), path="xss.md")
    assert sheet is not None and [d for d in diagnostics if d.level == "error"] == []
    assert len(sheet.cards) == len(PAYLOADS) + 1
    return Library((sheet,))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page that blocks and records every request off 127.0.0.1 and every dialog."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    foreign: list[str] = []

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "about:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            foreign.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert (dialogs, foreign) == ([], [])


def _assert_inert(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.mouse.move(10, 10)
    page.wait_for_timeout(100)  # let any handler that was going to run, run
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
        [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))
    """) == []
    assert page.evaluate("""() => [...document.querySelectorAll('[href],[src]')]
        .map(el => el.getAttribute('href') || el.getAttribute('src'))
        .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u))""") == []
    assert page.locator("iframe, object, embed").count() == 0
    assert [s for s in page.locator("script").all_inner_texts() if "__xss" in s] == []


def test_the_check_catches_a_live_payload(page: Page) -> None:
    page.set_content(f"<!doctype html><body><img src=x onerror={SET}></body>")
    with pytest.raises(AssertionError):
        _assert_inert(page)


def test_anki_card_html_is_inert_in_chromium(library: Library, tmp_path: Path, page: Page) -> None:
    build = deck_of(library, root_deck="XSS", timestamp=1_767_225_600)
    write_atomic(tmp_path / "xss.apkg", package_bytes(build))
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(tmp_path / "xss.apkg"), options=ImportAnkiPackageOptions()))
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        html = "\n<hr>\n".join(f"{c.question()}\n{c.answer()}" for c in cards)
    finally:
        col.close()
    assert len(cards) == len(PAYLOADS) + 1 + 2  # Q&A and gotcha cards, two cloze cards
    page.set_content(f"<!doctype html><html><body>{html}</body></html>")
    _assert_inert(page)
    text = page.inner_text("body")
    for literal in LITERAL:  # Anki read no template or cloze syntax out of the content
        assert literal in text, literal


@pytest.fixture(scope="module")
def site_url(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_directory(build_test_site(library, tmp_path_factory.mktemp("xss-site"))) as url:
        yield url




@pytest.mark.parametrize("path", ["xss/payloads.html", "index.html", "quiz.html"])
def test_site_pages_are_inert_in_chromium(site_url: str, page: Page, path: str) -> None:
    response = page.goto(site_url + path, wait_until="load")
    assert response is not None and response.ok
    _assert_inert(page)
    if path == "xss/payloads.html":
        text = page.inner_text("body")
        for literal in LITERAL:
            assert literal in text, literal
