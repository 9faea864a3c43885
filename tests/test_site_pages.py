"""The study site's generated Markdown (golden files) and the HTML MkDocs builds from it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_fixtures import (
    DECK_NAME,
    GOLDEN_DIR,
    ROOT,
    TITLE,
    browser_library,
    build_test_site,
    stage_1_library,
)

from cheatdeck.errors import OutputError, SiteBuildError
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.names import section_anchors
from cheatdeck.site import render_site_pages, run_mkdocs, site_nav, write_docs
from cheatdeck.site.fragments import plain_text
from cheatdeck.site.quizdata import script_json

SHEET = "stage-1-interview-cheat-sheet"


@pytest.fixture(scope="module")
def library() -> Library:
    return stage_1_library()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the stage-1 sheet plus the browser-checks sheet, built once."""
    return build_test_site(browser_library(), tmp_path_factory.mktemp("site"))


def test_pages_match_golden_files(library: Library) -> None:
    pages = render_site_pages(library, title=TITLE, deck_file=DECK_NAME)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        for old in GOLDEN_DIR.rglob("*"):
            if old.is_file():
                old.unlink()
        for path, text in pages.items():
            (GOLDEN_DIR / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN_DIR / path).write_text(text, encoding="utf-8")
    golden = {
        p.relative_to(GOLDEN_DIR).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN_DIR.rglob("*"))
        if p.is_file()
    }
    assert sorted(pages) == sorted(golden)
    for path, text in pages.items():
        assert text == golden[path], f"{path} differs from its golden file (UPDATE_GOLDEN=1)"


def test_page_set_and_order(library: Library) -> None:
    pages = render_site_pages(library, title=TITLE)
    sections = [
        "tokens", "embeddings", "attention", "training", "generation",
        "gotchas-interviewers-love", "numbers-to-memorize",
    ]
    assert list(pages) == [
        "index.md",
        f"{SHEET}/_sheet.md",
        *(f"{SHEET}/{s}.md" for s in sections),
        f"{SHEET}/_print.md",
        "tags.md",
        "quiz.md",
        "assets/cheatdeck/quiz-data.js",
        "assets/cheatdeck/study-index.js",
    ]
    assert "download" not in pages["index.md"]  # no deck file, no button


def test_nav_lists_sheets_and_the_sheet_page_lists_its_sections(library: Library) -> None:
    """Every page carries the nav, so it lists sheets, not sections (issue 11 item 6)."""
    nav = site_nav(library)
    assert nav == [{"Home": "index.md"},
                   {"Stage 1 — Interview Cheat Sheet": f"{SHEET}/_sheet.md"},
                   {"Quiz": "quiz.md"}, {"Tags": "tags.md"}]
    page = render_site_pages(library, title=TITLE)[f"{SHEET}/_sheet.md"]
    links = re.findall(r"\]\(([a-z0-9-]+\.md)\)", page)
    assert links == [f"{s.slug}.md" for s in library.sheets[0].sections]
    assert links[:3] == ["tokens.md", "embeddings.md", "attention.md"]


def test_every_question_is_a_heading_with_its_anki_anchor(library: Library) -> None:
    pages = render_site_pages(library, title=TITLE)
    headings = 0
    for section in library.sheets[0].sections:
        page = pages[f"{SHEET}/{section.slug}.md"]
        for anchor in section_anchors(section):
            assert f" {{#{anchor} .cd-question}}\n\n<details class=\"cd-answer" in page
            headings += 1
    assert headings == 7 + 7 + 17 + 7 + 7 + 7


class _Text(HTMLParser):
    """Collects a page's visible text and the text of each element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self.open_ids: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element_id = dict(attrs).get("id")
        if element_id:
            self.open_ids.append((tag, element_id))
            self.by_id[element_id] = []

    def handle_endtag(self, tag: str) -> None:
        if self.open_ids and self.open_ids[-1][0] == tag:
            self.open_ids.pop()

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        for _, element_id in self.open_ids:
            self.by_id[element_id].append(data)


def _page_text(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _collapse(text: str) -> str:
    return " ".join(text.split())


def test_built_section_pages_hold_every_question_and_answer(built: Path, library: Library) -> None:
    markup = MarkupRenderer()
    checked = 0
    for section in library.sheets[0].sections:
        page = _page_text(built / SHEET / f"{section.slug}.html")
        text = _collapse("".join(page.chunks))
        for card, anchor in zip(section.cards, section_anchors(section), strict=True):
            question = plain_text(markup.inline(card.question))
            assert _collapse("".join(page.by_id[anchor])).rstrip("¶") == question
            assert plain_text(markup.inline(card.answer)) in text
            checked += 1
    assert checked == 52
    why_rope = _page_text(built / SHEET / "embeddings.html")
    assert _collapse("".join(why_rope.by_id["why-rope"])) == "Why RoPE?¶"
    assert "Encodes relative positions, generalizes better to longer contexts" in "".join(why_rope.chunks)


def test_fact_table_is_a_table(built: Path) -> None:
    page = (built / SHEET / "numbers-to-memorize.html").read_text(encoding="utf-8")
    assert ('<tr><th scope="col">Model</th><th scope="col">Params</th><th scope="col">Layers</th>'
            '<th scope="col">Heads</th><th scope="col">dim</th><th scope="col">Vocab</th></tr>') in page
    assert ('<tr><th scope="row">GPT-3</th><td>175B</td><td>96</td><td>96</td><td>12,288</td>'
            "<td>50,257</td></tr>") in page
    assert page.count('<tr><th scope="row">') == 6


def test_home_page_lists_sections_counts_and_deck(built: Path) -> None:
    page = (built / "index.html").read_text(encoding="utf-8")
    assert f'href="{DECK_NAME}" download>Download the Anki deck</a>' in page
    assert (built / DECK_NAME).read_bytes().startswith(b"PK")
    assert f'<a href="{SHEET}/attention.html">ATTENTION</a></td>' in page
    assert re.search(r"ATTENTION</a></td>\s*<td[^>]*>17</td>", page)
    assert re.search(r"NUMBERS TO MEMORIZE</a></td>\s*<td[^>]*>30</td>", page)
    assert "LLM Fundamentals: Corner Cases &amp; Trick Questions" in page


def test_search_index_has_one_entry_per_question_with_its_answer(built: Path) -> None:
    docs = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    entries = {d["location"]: d for d in docs}
    assert entries[f"{SHEET}/embeddings.html#why-rope"] == {
        "location": f"{SHEET}/embeddings.html#why-rope",
        "title": "Why RoPE?",
        "text": "<p>Encodes relative positions, generalizes better to longer contexts</p>",
    }
    questions = [loc for loc in entries if loc.startswith(f"{SHEET}/") and "#" in loc]
    assert len(questions) == 52  # one entry per question; the table page has no sub-entry
    assert not [d for d in docs if "Answer" in d["text"] or "Why" == d["text"]]
    assert not [loc for loc in entries if loc.startswith(("quiz.html", "tags.html"))]


_URL_ATTRIBUTE = re.compile(r"""\b(?:href|src|srcset|action|poster|data)\s*=\s*["']?\s*"""
                            r"""((?:[a-z][a-z0-9+.-]*:)?//[^"'\s>]*)""", re.I)
_FOREIGN_HOSTS = ("fonts.googleapis", "fonts.gstatic", "cdn", "unpkg", "jsdelivr", "cdnjs", "googletagmanager")


def test_no_page_points_at_another_host(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    # home, 2 sheet pages, stage-1 sections, checks section, two print views, tags+quiz, 404
    assert len(pages) == 1 + 2 + 7 + 1 + 2 + 2 + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _URL_ATTRIBUTE.findall(text) == [], page
        assert [h for h in _FOREIGN_HOSTS if h in text] == [], page
    # vendor/ holds others' code, checked in test_site_study.py
    for ours in sorted(p for p in (built / "assets" / "cheatdeck").iterdir() if p.is_file()):
        assert re.findall(r"https?:|[\"'(]//", ours.read_text(encoding="utf-8")) == [], ours


def test_html_in_answers_is_text(built: Path) -> None:
    page = (built / "browser-checks" / "escaping.html").read_text(encoding="utf-8")
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; shows as text</p>" in page
    assert "<p>&lt;img src=x onerror=alert(1)&gt; shows as text</p>" in page
    assert "<code>a_b * c</code>" in page or "<code>a&#95;b &#42; c</code>" in page
    data = (built / "assets" / "cheatdeck" / "quiz-data.js").read_text(encoding="utf-8")
    assert "<" not in data and "\\u003cscript\\u003e" not in data
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" not in data  # & is escaped too
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt; shows as text" in data


def test_script_json_cannot_close_a_script_element() -> None:
    text = script_json({"a": "</script><!-- & \u2028 \u2029"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028 \\u2029"}'


def test_write_docs_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="not made by cheatdeck"):
        write_docs(tmp_path, {"index.md": "# x\n"})
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "mine"


def test_write_docs_removes_stale_pages_and_keeps_unchanged_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_docs(docs, {"index.md": "# a\n", "s/old.md": "# old\n"})
    before = (docs / "index.md").stat().st_mtime_ns
    write_docs(docs, {"index.md": "# a\n", "s/new.md": "# new\n"})
    assert not (docs / "s" / "old.md").exists()
    assert (docs / "s" / "new.md").read_text(encoding="utf-8") == "# new\n"
    assert (docs / "index.md").stat().st_mtime_ns == before
    assert (docs / "assets" / "cheatdeck" / "quiz.js").is_file()


def test_strict_build_reports_mkdocs_warnings(tmp_path: Path, library: Library) -> None:
    pages = render_site_pages(library, title=TITLE)
    pages["index.md"] += "\n[broken](missing.md)\n"
    write_docs(tmp_path / "docs", pages)
    with pytest.raises(SiteBuildError, match="missing.md"):
        run_mkdocs(
            ROOT / "mkdocs.yml",
            docs_dir=tmp_path / "docs",
            site_dir=tmp_path / "site",
            nav=site_nav(library),
        )


def test_plain_mkdocs_build_strict_builds_the_docs_dir(tmp_path: Path, library: Library) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    write_docs(tmp_path / "build" / "docs", render_site_pages(library, title=TITLE))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "site" / SHEET / "embeddings.html").is_file()


_HREF = re.compile(r"""<a\s[^>]*?href="([^"#?:]+)(?:[#?][^"]*)?\"""")


def test_every_link_between_pages_resolves(built: Path) -> None:
    """The sheet pages, section pages and their back links (raw HTML is not rewritten by
    MkDocs, so a link to ``x.md`` there would 404)."""
    checked = 0
    for page in sorted(built.rglob("*.html")):
        if page.name == "404.html":  # root-absolute links, for any depth (FIELD-NOTES)
            continue
        for href in _HREF.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().is_file(), f"{page.name}: {href}"
            checked += 1
    assert checked > 100
