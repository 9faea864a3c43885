"""Issue 11, item 5: a payload in every text of the model — sheet title, subtitle, footer,
section title, question, answer, extra, tags, table column names, fact subjects and values,
image alt text — is built by ``cheatdeck build`` and then loaded everywhere it lands: every
built page in Chromium (titles, nav, TOC, search results, the quiz run through every card),
every card of the deck as real Anki renders it, the deck names, and the CSV export.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import ROOT
from playwright.sync_api import Browser, Page
from site_fixtures import launch_chromium, serve_directory
from test_hardening_xss import _assert_inert

from cheatdeck.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.anki]

P = ("</title><script>window.__xss=1</script><img src=x onerror=window.__xss=2>"
     "\"'><svg onload=window.__xss=3></textarea></style>")
"""Breaks out of a title, a text node, an attribute (both quotes), a script string, a style."""
TAG = "a<img/src=x/onerror=window.__xss=4>"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
                       "hgGAWjR9awAAAABJRU5ErkJggg==")
SHEET = f"""# Sheet {P}

Subtitle {P}

## Sec {P}

| Question | Answer | Tags | Extra |
| --- | --- | --- | --- |
| Q {P} | A {P} ![alt {P}](pic.png) | {TAG} tag2 | E {P} |

- "Gotcha {P}" — why {P}

| Model {P} | Col {P} | Third |
| --- | --- | --- |
| Subj {P} | v {P} | w |

## {P}

| Question | Answer |
| --- | --- |
| Second {P} | x |

Next: footer {P}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("xss-project")
    (root / "source").mkdir()
    (root / "source" / "x.md").write_text(SHEET, encoding="utf-8")
    (root / "source" / "pic.png").write_bytes(PNG)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        assert main(["build"]) == 0
        assert main(["export", "--format", "csv", "-o", "notes.csv"]) == 0
    yield root


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == []


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_built_page_is_inert(built: Path, page: Page) -> None:
    site = built / "site"
    pages = _pages(site)
    assert len(pages) >= 6  # home, 404, quiz, tags and the section pages
    with serve_directory(site) as url:
        for path in pages:
            response = page.goto(url + path, wait_until="load")
            assert response is not None and response.ok, path
            _assert_inert(page)
            assert "<script>" not in page.title() or P in page.title(), page.title()


def test_section_page_titles_show_the_text(built: Path, page: Page) -> None:
    """The issue's example: the section title reached ``<title>`` unescaped and ran."""
    site = built / "site"
    titles = set()
    with serve_directory(site) as url:
        for path in _pages(site):
            page.goto(url + path, wait_until="load")
            titles.add(page.title())
    assert f"Sec {P} - Interview Cheat Sheets" in titles
    assert f"{P} - Interview Cheat Sheets" in titles


def test_search_results_are_inert(built: Path, page: Page) -> None:
    with serve_directory(built / "site") as url:
        page.goto(url + "index.html", wait_until="load")
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").press_sequentially("gotcha", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=30_000)
        assert page.locator(".md-search-result__item").count() >= 1
        assert "window.__xss" in page.inner_text(".md-search-result")
        _assert_inert(page)


def test_the_quiz_shows_every_card_inert(built: Path, page: Page) -> None:
    with serve_directory(built / "site") as url:
        page.goto(url + "quiz.html", wait_until="load")
        page.click("[data-study-mode=browse]")  # every card in order, not only the due ones
        total = int(page.inner_text("#cd-quiz-count").split("/")[1])
        assert total == 5  # 2 Q&A, 1 gotcha, 2 fact values
        for _ in range(total):
            page.click("[data-quiz=reveal]")
            _assert_inert(page)
            assert "window.__xss" in page.inner_text("#cd-quiz-card")  # shown as text
            page.click("[data-quiz=next]")


def _collection(apkg: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        data = archive.read("collection.anki2")
    db = sqlite3.connect(":memory:")
    db.deserialize(data)
    return db


def test_anki_cards_and_deck_names_are_inert(built: Path, tmp_path: Path, page: Page) -> None:
    apkg = built / "dist" / "interview-cheat-sheets.apkg"
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions()))
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        html = "\n<hr>\n".join(f"{c.question()}\n{c.answer()}" for c in cards)
        decks = [d.name for d in col.decks.all_names_and_ids()]
        note_types = [m.name for m in col.models.all_names_and_ids()]
    finally:
        col.close()
    assert len(cards) == 5
    page.set_content(f"<!doctype html><html><body>{html}</body></html>")
    _assert_inert(page)
    assert "window.__xss" in page.inner_text("body")
    safe = P.replace("<", "\u2039").replace(">", "\u203a")
    assert f"Interview Cheat Sheets::Sheet {safe}::Sec {safe}" in decks
    assert [n for n in decks + note_types if "<" in n or ">" in n] == []


class _Tags(HTMLParser):
    """Collects every start tag and its attribute names."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [name for name, _ in attrs]))


def _markup(html: str) -> list[tuple[str, list[str]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def test_csv_and_search_index_carry_no_live_markup(built: Path) -> None:
    text = (built / "notes.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO("\n".join(line for line in text.splitlines()
                                                 if not line.startswith("#"))), delimiter="\t"))
    assert len(rows) == 4  # notes: 2 Q&A, 1 gotcha, 1 fact row
    fields = [cell for row in rows for cell in row[4:]]
    index = json.loads((built / "site" / "search" / "search_index.json").read_text("utf-8"))
    fields += [doc[key] for doc in index["docs"] for key in ("title", "text")]
    found = [tag for field in fields for tag in _markup(field)]
    assert {name for name, _ in found} <= {"p", "img", "table", "tr", "th", "td", "span", "div",
                                          "a", "ul", "li", "strong", "em", "code", "br", "sup",
                                          "sub", "kbd", "small", "details", "summary"}
    assert [attrs for _, attrs in found if any(a.startswith("on") for a in attrs)] == []
    assert [row[2] for row in rows if "<" in row[2]] == []  # deck names
    assert sum("window.__xss=1" in f for f in fields) >= 10
