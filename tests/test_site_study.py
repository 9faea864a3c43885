"""Spaced repetition on the study site (issue 18), in Debian's Chromium with a controlled clock.

The clock is Playwright's (``page.clock.set_fixed_time``: ``Date`` reads the set time, timers
still run) and the time zone is UTC, so a study day starts at 04:00 UTC (Anki's default). Every
request to another host is blocked and recorded, as are console errors and dialogs; each test's
pages must end with all three lists empty. Intervals are ts-fsrs 5.4.2's defaults (Anki's):
a new card graded Good is learning for 10 minutes, Good again makes it due in 2 days.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from site_fixtures import ROOT, browser_library, build_test_site, launch_chromium, serve_directory

from cheatdeck.cli import main

pytestmark = pytest.mark.browser

SHEET = "stage-1-interview-cheat-sheet"
EMBEDDINGS = f"{SHEET}/embeddings"
TOKENS = f"{SHEET}/tokens"
NUMBERS = f"{SHEET}/numbers-to-memorize"
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
VENDOR = ROOT / "src" / "cheatdeck" / "assets" / "site" / "vendor" / "ts-fsrs"
STORE = "cheatdeck-study"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_site(browser_library(), tmp_path_factory.mktemp("study-site"))


@pytest.fixture(scope="module")
def site_url(site_dir: Path) -> Iterator[str]:
    with serve_directory(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as browser:
        yield browser


@dataclass
class Learner:
    """One browser profile studying the site: a context, its page, and what it must never do."""

    context: BrowserContext
    page: Page
    base: str
    foreign_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def at(self, when: datetime) -> Learner:
        self.page.clock.set_fixed_time(when)
        return self

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path, wait_until="load")
        return self.page

    def quiz(self, scope: str) -> Page:
        # A fresh load each time: the quiz plans the deck when it opens and after each grade.
        self.page.goto("about:blank")
        return self.open(f"quiz.html#{scope}")

    def question(self) -> str:
        return self.page.locator("#cd-quiz-question").inner_text()

    def left(self) -> int:
        return int(self.page.locator("#cd-quiz [data-cd-due]").get_attribute("data-cd-due") or "")

    def grade(self, key: str) -> str:
        """Reveal the shown card and grade it by key (1–4); return the question graded."""
        question = self.question()
        self.page.keyboard.press("Space")
        expect(self.page.locator("#cd-study-grades")).to_be_visible()
        self.page.keyboard.press(key)
        return question

    def store(self) -> dict:
        text = self.page.evaluate(f"localStorage.getItem({STORE!r})")
        return json.loads(text) if text else {}

    def home_counts(self) -> dict[str, int]:
        self.open("index.html")
        return _counts(self.page)


def _counts(page: Page) -> dict[str, int]:
    """Every due count on a page: scope → cards left today (data-cd-due)."""
    return page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('.cd-due[data-cd-scope]')].map(
            e => [e.dataset.cdScope, Number(e.dataset.cdDue)]))""")


def _learner(browser: Browser, base: str, **options: object) -> Learner:
    context = browser.new_context(timezone_id="UTC", viewport={"width": 1000, "height": 900},
                                  accept_downloads=True, **options)
    learner = Learner(context, context.new_page(), base)

    def route(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme == "file" or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            learner.foreign_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    learner.page.on("console", lambda m: learner.errors.append(m.text) if m.type == "error" else None)
    learner.page.on("pageerror", lambda error: learner.errors.append(str(error)))
    learner.page.on("dialog", lambda d: (learner.dialogs.append(d.message), d.dismiss()))
    learner.at(T0)
    return learner


@pytest.fixture
def learners(browser: Browser, site_url: str) -> Iterator[list[Learner]]:
    made: list[Learner] = []
    yield made
    for learner in made:
        learner.context.close()
    assert [(x.foreign_requests, x.errors, x.dialogs) for x in made] == [([], [], [])] * len(made)


@pytest.fixture
def learner(browser: Browser, site_url: str, learners: list[Learner]) -> Learner:
    learners.append(_learner(browser, site_url))
    return learners[-1]


# --- grading ------------------------------------------------------------------------------------


def test_grades_need_a_revealed_card_and_show_fsrs_intervals(learner: Learner) -> None:
    page = learner.quiz(EMBEDDINGS)
    assert (learner.left(), learner.question()) == (7, "What shape is the embedding matrix?")
    expect(page.locator("#cd-study-today")).to_have_text("7 left today: 0 due · 7 new", use_inner_text=True)
    for key in "1234":  # not revealed: no grade
        page.keyboard.press(key)
    assert (learner.left(), learner.question(), learner.store()) == (
        7, "What shape is the embedding matrix?", {})
    expect(page.locator("#cd-study-grades")).to_be_hidden()
    page.keyboard.press("Space")
    grades = page.locator("#cd-study-grades button")
    expect(grades).to_have_text(["Again 1m 1", "Hard 6m 2", "Good 10m 3", "Easy 8d 4"])
    for box in (grades.nth(i).bounding_box() for i in range(4)):
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    page.keyboard.press("ArrowRight")  # browsing keys do nothing while studying
    assert learner.question() == "What shape is the embedding matrix?"
    grades.nth(2).click()  # a thumb on "Good" grades like the key
    record = next(iter(learner.store()["cards"].values()))
    assert (record["state"], record["due"], record["first"]) == (
        1, "2026-12-01T10:10:00.000Z", "2026-12-01T10:00:00.000Z")
    assert learner.question() == "What's the difference between token and positional embeddings?"
    assert learner.left() == 7  # 6 new + the one being learned


def test_good_hides_a_card_until_its_due_date_and_shows_it_then(learner: Learner) -> None:
    learner.quiz(EMBEDDINGS)
    first = learner.grade("3")
    learner.at(T0 + timedelta(minutes=10)).quiz(EMBEDDINGS)
    assert learner.question() == first  # its learning step is over: it comes first
    learner.grade("3")
    (record,) = learner.store()["cards"].values()
    assert (record["state"], record["scheduled_days"], record["due"]) == (
        2, 2, "2026-12-03T10:10:00.000Z")
    assert learner.left() == 6
    shown = [learner.grade("4") for _ in range(6)]  # every other card Easy: 8+ days away
    assert first not in shown and learner.left() == 0
    expect(learner.page.locator("#cd-study-done-text")).to_have_text(
        "Nothing left to study today in this deck.")

    for day, hour in ((2, 10), (3, 3)):  # the next day, and the due day before it starts (04:00)
        learner.at(datetime(2026, 12, day, hour, 59, tzinfo=UTC)).quiz(EMBEDDINGS)
        assert learner.left() == 0
        expect(learner.page.locator("#cd-quiz-card")).to_be_hidden()
    learner.at(datetime(2026, 12, 3, 4, 0, tzinfo=UTC)).quiz(EMBEDDINGS)
    assert (learner.left(), learner.question()) == (1, first)
    assert learner.home_counts()[EMBEDDINGS] == 1


def test_again_brings_the_card_back_in_the_same_sitting(learner: Learner) -> None:
    learner.quiz(TOKENS)
    again = learner.grade("1")
    others = [learner.grade("4") for _ in range(6)]
    assert again not in others
    # No reload: the same sitting, one minute not even passed (Anki's 20-minute learn-ahead).
    assert (learner.left(), learner.question()) == (1, again)
    learner.grade("3")  # Good: its next learning step, 10 minutes, still within learn-ahead
    assert (learner.left(), learner.question()) == (1, again)
    learner.grade("3")
    assert learner.left() == 0
    record = [r for r in learner.store()["cards"].values() if r["lapses"] == 0 and r["reps"] == 3]
    assert len(record) == 1 and record[0]["state"] == 2


# --- counts -------------------------------------------------------------------------------------


def test_due_counts_agree_on_home_section_page_and_quiz(learner: Learner) -> None:
    learner.quiz(TOKENS)
    learner.grade("1")  # learning, due today
    learner.grade("3")  # learning, due today
    learner.grade("4")  # review in 8 days
    learner.quiz(NUMBERS)
    learner.grade("4")
    expected = {
        "": 18,  # 2 learning + 16 new (20 a day, 4 taken)
        SHEET: 18,
        TOKENS: 2 + 4,
        EMBEDDINGS: 7,
        f"{SHEET}/attention": 16,
        f"{SHEET}/training": 7,
        f"{SHEET}/generation": 7,
        f"{SHEET}/gotchas-interviewers-love": 7,
        NUMBERS: 16,
        "browser-checks": 5,
        "browser-checks/escaping": 5,
    }
    assert learner.home_counts() == expected
    for scope, left in expected.items():
        learner.quiz(scope)
        assert learner.left() == left, scope
        option = learner.page.locator(f'#cd-quiz-scope option[value="{scope}"]')
        expect(option).to_have_text(re.compile(rf"\({left} today\)$"))
        if scope.count("/") == 1:
            page = learner.open(f"{scope}.html")
            assert _counts(page) == {scope: left}
    learner.open("index.html")
    expect(learner.page.locator(f'.cd-due[data-cd-scope="{NUMBERS}"]')).to_have_text(
        "0 due · 16 new")

    # The learner lowers the daily limit to 5: 4 new cards were already studied today.
    learner.quiz(TOKENS)
    learner.page.locator("#cd-study-progress summary").click()
    learner.page.locator("#cd-study-limit").fill("5")
    learner.page.locator("#cd-study-limit").dispatch_event("change")
    assert learner.left() == 2 + 1
    counts = learner.home_counts()
    assert (counts[""], counts[TOKENS], counts[EMBEDDINGS], counts["browser-checks"]) == (3, 3, 1, 1)
    learner.at(T0 + timedelta(days=1))  # a new day: 5 new cards again, the learning ones still due
    counts = learner.home_counts()
    assert (counts[""], counts[TOKENS], counts[EMBEDDINGS]) == (7, 2 + 4, 5)


def test_study_ahead_when_nothing_is_due(learner: Learner) -> None:
    learner.quiz(EMBEDDINGS)
    graded = [learner.grade("4") for _ in range(7)]
    assert learner.left() == 0
    ahead = learner.page.locator("#cd-study-ahead")
    expect(ahead).to_be_visible()
    ahead.click()
    assert learner.question() == graded[0]  # the one due soonest (all Easy, in order)
    expect(learner.page.locator("#cd-study-ahead-note")).to_be_visible()
    learner.grade("3")
    assert learner.question() == graded[1]
    assert learner.left() == 0  # studying ahead does not make cards due


_CONTRAST = """els => els.map(el => {
    // WCAG 2 contrast of el's text against what is painted behind it (alpha blended).
    const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const over = (top, bottom) => { const a = top.length > 3 ? top[3] : 1;
        return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)); };
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
        const bg = parse(getComputedStyle(node).backgroundColor);
        if (bg.length && (bg.length < 4 || bg[3] > 0)) layers.push(bg);
    }
    let back = [255, 255, 255];
    for (const layer of layers.reverse()) back = over(layer, back);
    const fore = over(parse(getComputedStyle(el).color), back);
    const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const [hi, lo] = [lum(fore), lum(back)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
})"""


def test_grade_buttons_keep_their_contrast_in_both_schemes(learner: Learner) -> None:
    page = learner.quiz(EMBEDDINGS)
    page.keyboard.press("Space")
    page.locator("#cd-study-progress summary").click()  # rendered, so its colours settle
    texts = page.locator("#cd-study-grades button span, #cd-study-grades button small, "
                         "#cd-study-today, [data-study-mode], #cd-study-ahead, "
                         "#cd-study-progress .md-button, #cd-study-progress p")
    expect(texts).to_have_count(4 + 4 + 1 + 2 + 1 + 5 + 5)
    for scheme in ("default", "slate"):
        if scheme == "slate":
            page.locator('label[for="__palette_1"]').click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
        page.wait_for_function("document.getAnimations().length === 0")  # colour transitions
        ratios = texts.evaluate_all(_CONTRAST)
        assert min(ratios) >= 4.5, (scheme, ratios)
    for box in (page.locator("[data-study-mode]").nth(i).bounding_box() for i in range(2)):
        assert box is not None and box["height"] >= 44


def test_damaged_progress_is_kept_aside_not_lost(learner: Learner) -> None:
    learner.open("index.html")
    learner.page.evaluate(f"localStorage.setItem({STORE!r}, '{{\"format\": \"cheatdeck-progress\"')")
    page = learner.quiz(EMBEDDINGS)
    assert learner.left() == 7
    expect(page.locator("#cd-study-status")).to_contain_text("Saved progress could not be read (")
    kept = page.evaluate(f"localStorage.getItem({STORE + '-unreadable'!r})")
    assert kept == '{"format": "cheatdeck-progress"'
    learner.grade("3")
    assert len(learner.store()["cards"]) == 1


def test_blocked_site_data_still_studies_and_says_so(learner: Learner) -> None:
    # What Chromium does when the learner blocks site data: touching localStorage throws.
    learner.context.add_init_script("""Object.defineProperty(window, "localStorage", {
        get() { throw new DOMException("Access is denied for this document.", "SecurityError"); }
    });""")
    page = learner.quiz(EMBEDDINGS)
    expect(page.locator("#cd-study-status")).to_have_text(
        "This browser keeps no site data: progress is lost when the page closes.")
    first = learner.grade("4")
    assert (learner.left(), learner.question() != first) == (6, True)
    learner.open("index.html")
    assert _counts(learner.page)[EMBEDDINGS] == 7  # nothing was kept
    # Material's inline __md_get (palette, in every page's head) does not catch the refusal;
    # ours do, and work.
    assert learner.errors and set(learner.errors) <= {
        "Access is denied for this document.", "SecurityError: Access is denied for this document."}
    learner.errors.clear()


# --- moving progress ----------------------------------------------------------------------------


def _study_some(learner: Learner) -> None:
    learner.quiz(TOKENS)
    for key in "1342":
        learner.grade(key)
    learner.quiz(NUMBERS)
    for key in "33":
        learner.grade(key)
    learner.at(T0 + timedelta(minutes=30)).quiz(TOKENS)
    learner.grade("3")


def _plan(learner: Learner, scope: str) -> list[str]:
    return learner.page.evaluate(
        """scope => { const s = window.cheatdeckStudy;
                      return s.plan(s.internals.scopeKeys(window.cheatdeckCards, scope)).ready; }""",
        scope)


def test_export_then_import_into_a_fresh_profile_restores_the_due_list(
        browser: Browser, site_url: str, learners: list[Learner], tmp_path: Path) -> None:
    phone = _learner(browser, site_url)
    learners.append(phone)
    _study_some(phone)
    later = T0 + timedelta(days=1, hours=1)
    phone.at(later).open("index.html")
    counts, plan = _counts(phone.page), _plan(phone, "")
    phone.quiz(TOKENS)
    phone.page.locator("#cd-study-progress summary").click()
    with phone.page.expect_download() as download:
        phone.page.locator("#cd-study-export").click()
    assert download.value.suggested_filename == "cheatdeck-progress-2026-12-02.json"
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert json.loads(exported.read_text(encoding="utf-8")) == phone.store()
    assert len(phone.store()["cards"]) == 6

    laptop = _learner(browser, site_url).at(later)
    learners.append(laptop)
    laptop.quiz(TOKENS)
    assert laptop.left() == 7
    laptop.page.locator("#cd-study-progress summary").click()
    laptop.page.locator("#cd-study-import").set_input_files(exported)
    expect(laptop.page.locator("#cd-study-status")).to_have_text(
        f"Imported {exported.name}: 6 cards updated.")
    assert laptop.store() == phone.store()
    laptop.open("index.html")
    assert (_counts(laptop.page), _plan(laptop, "")) == (counts, plan)
    assert len(plan) == counts[""] and plan[:2] != []


def test_import_merges_keeping_each_cards_latest_review(learner: Learner, tmp_path: Path) -> None:
    page = learner.quiz(EMBEDDINGS)
    first = learner.grade("3")  # learning
    second = learner.grade("1")
    page.locator("#cd-study-progress summary").click()
    with page.expect_download() as download:
        page.locator("#cd-study-export").click()
    older = tmp_path / "older.json"
    download.value.save_as(older)
    learner.at(T0 + timedelta(minutes=10)).quiz(EMBEDDINGS)
    assert learner.grade("4") == second  # due first (10:01); Easy: a review, days away
    newer = learner.store()
    older_data = json.loads(older.read_text(encoding="utf-8"))
    keys = list(older_data["cards"])
    assert [newer["cards"][k]["state"] for k in keys] == [1, 2]
    assert [older_data["cards"][k]["state"] for k in keys] == [1, 1]
    # The file also holds a card this browser never saw, and another daily limit.
    extra = "cd000000000000000000000000"
    older_data["cards"][extra] = older_data["cards"][keys[1]]
    older_data["settings"] = {"newPerDay": 3}
    older.write_text(json.dumps(older_data), encoding="utf-8")
    page.locator("#cd-study-progress summary").click()
    page.locator("#cd-study-import").set_input_files(older)
    expect(page.locator("#cd-study-status")).to_have_text("Imported older.json: 1 card updated.")
    merged = learner.store()
    assert merged["cards"] == {**newer["cards"], extra: older_data["cards"][keys[1]]}
    assert merged["settings"] == {"newPerDay": 3}
    # Today: only the first card (learning, due 10:10): 3 new a day, and 3 were first studied
    # today (the imported one too, wherever it was).
    learner.quiz(EMBEDDINGS)
    assert (learner.left(), learner.question()) == (1, first)


def test_a_bad_import_changes_nothing_and_reset_erases_everything(
        learner: Learner, tmp_path: Path) -> None:
    _study_some(learner)
    before = learner.store()
    page = learner.quiz(TOKENS)
    page.locator("#cd-study-progress summary").click()
    status = page.locator("#cd-study-status")
    broken = dict(before, cards=dict(before["cards"]))
    key = next(iter(broken["cards"]))
    broken["cards"][key] = dict(broken["cards"][key], due="tomorrow")
    cases = {
        "notes.json": ("[1, 2]", "not a cheatdeck progress file"),
        "truncated.json": (json.dumps(before)[:40], "JSON"),
        "future.json": (json.dumps(dict(before, version=2)), "progress format version 2 is not 1"),
        "broken.json": (json.dumps(broken), f"card {key}: due is not a date"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        page.locator("#cd-study-import").set_input_files(tmp_path / name)
        expect(status).to_contain_text(f"Could not import {name}: ")
        expect(status).to_contain_text(message)
        expect(status).to_contain_text("Nothing was changed.")
        assert learner.store() == before
    page.locator("#cd-study-reset").click()
    page.locator("#cd-study-reset-no").click()
    assert learner.store() == before
    page.locator("#cd-study-reset").click()
    page.locator("#cd-study-reset-yes").click()
    expect(status).to_have_text("Progress erased: every card is new again.")
    assert learner.store()["cards"] == {} and learner.left() == 7


# --- offline and file:// ------------------------------------------------------------------------


def test_works_offline_from_file_urls(browser: Browser, site_dir: Path,
                                      learners: list[Learner]) -> None:
    learner = _learner(browser, site_dir.as_uri() + "/", offline=True)
    learners.append(learner)
    failed: list[str] = []
    learner.page.on("requestfailed", lambda request: failed.append(request.url))
    learner.quiz(EMBEDDINGS)
    assert learner.left() == 7
    first = learner.grade("4")
    assert learner.left() == 6 and learner.question() != first
    learner.open("index.html")
    assert _counts(learner.page)[EMBEDDINGS] == 6
    learner.open(f"{EMBEDDINGS}.html")
    assert _counts(learner.page) == {EMBEDDINGS: 6}
    learner.quiz(EMBEDDINGS)
    assert learner.left() == 6
    # Material's search cannot load its index from file:// (FIELD-NOTES); anything else that
    # "failed" is a file the site has, cancelled by the next navigation (the favicon, at times).
    missing = {url.removeprefix(site_dir.as_uri()) for url in failed}
    assert "/search/search_index.js" in missing
    assert all((site_dir / path.lstrip("/")).is_file() for path in missing - {"/search/search_index.js"})
    assert learner.errors and all("search_index.js" in e or e == _NOT_FOUND for e in learner.errors)
    learner.errors.clear()


_NOT_FOUND = "Failed to load resource: net::ERR_FILE_NOT_FOUND"


# --- rebuilds -----------------------------------------------------------------------------------


def _apkg_card_keys(apkg: Path) -> set[str]:
    """The study keys the deck's live cards should have: GUID, or GUID/<ord+1> for a cloze."""
    with zipfile.ZipFile(apkg) as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
    rows = db.execute("select n.guid, c.ord, n.mid from cards c join notes n on n.id = c.nid "
                      "where c.queue != -1").fetchall()  # retired notes' cards are suspended
    models = json.loads(db.execute("select models from col").fetchone()[0])
    # Note type 0 is a standard (Q&A) note, 1 a cloze: one card per cloze number (ord + 1).
    return {guid if models[str(mid)]["type"] == 0 else f"{guid}/{ord_ + 1}"
            for guid, ord_, mid in rows}


def _index_keys(site: Path) -> dict[str, list[str]]:
    text = (site / "assets" / "cheatdeck" / "study-index.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.cheatdeckCards = ").removesuffix(";\n"))


def test_progress_survives_a_rebuild_with_a_reworded_an_added_and_a_removed_question(
        browser: Browser, learners: list[Learner], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "ledger" / "sheet.md", project / "source" / "sheet.md")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert main(["build"]) == 0
    site, apkg = project / "site", project / "dist" / "root.apkg"
    before = _index_keys(site)
    assert {k for keys in before.values() for k in keys} == _apkg_card_keys(apkg)
    tokens, embeddings = "ledger-sheet/tokens", "ledger-sheet/embeddings"

    with serve_directory(site) as url:
        learner = _learner(browser, url)
        learners.append(learner)
        learner.quiz(tokens)
        assert learner.grade("3") == "What is BPE?"
        learner.at(T0 + timedelta(minutes=10)).quiz(tokens)
        assert learner.grade("3") == "What is BPE?"  # now due in 2 days
        learner.quiz(embeddings)
        assert learner.grade("4") == "What is RoPE?"
        assert learner.grade("1") == "What is ALiBi?"  # learning, due today
        bpe, alibi = before[tokens][0], before[embeddings][1]
        assert set(learner.store()["cards"]) == {bpe, before[embeddings][0], alibi}
        assert learner.home_counts() == {"": 6, "ledger-sheet": 6, tokens: 2, embeddings: 1,
                                         "ledger-sheet/gotchas": 1, "ledger-sheet/numbers": 2}

        sheet = project / "source" / "sheet.md"
        text = sheet.read_text(encoding="utf-8")
        text = text.replace("| What is BPE? |", "| Explain byte-level BPE |")
        text = text.replace("| Why not use word-level tokens? | Vocab explodes, no OOV handling |\n",
                            "| Why not use word-level tokens? | Vocab explodes, no OOV handling |\n"
                            "| What is a token? | A unit of text the model reads |\n")
        text = text.replace("| What is ALiBi? | Linear biases on attention scores |  |\n", "")
        sheet.write_text(text, encoding="utf-8")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
        assert main(["build"]) == 0
        after = _index_keys(site)
        assert {k for keys in after.values() for k in keys} == _apkg_card_keys(apkg)
        assert after[tokens][0] == bpe and len(after[tokens]) == 4  # reworded: same key; 1 added
        assert set(after[tokens]) - set(before[tokens]) == {after[tokens][3]}
        assert alibi not in after[embeddings]

        # Same day: the reworded card stays hidden, the added one is new, ALiBi is gone.
        assert learner.home_counts() == {"": 6, "ledger-sheet": 6, tokens: 3, embeddings: 0,
                                         "ledger-sheet/gotchas": 1, "ledger-sheet/numbers": 2}
        assert alibi in learner.store()["cards"]  # kept, not shown
        learner.quiz(tokens)
        shown = [learner.grade("4") for _ in range(3)]
        assert shown == ["How many tokens ≈ 1000 words?", "Why not use word-level tokens?",
                         "What is a token?"]
        learner.at(datetime(2026, 12, 3, 4, 0, tzinfo=UTC)).quiz(tokens)
        assert (learner.left(), learner.question()) == (1, "Explain byte-level BPE")


# --- the vendored scheduler ---------------------------------------------------------------------


def test_vendored_ts_fsrs_is_the_npm_build_with_its_licence(site_dir: Path) -> None:
    notice = (VENDOR / "NOTICE").read_text(encoding="utf-8")
    script = (VENDOR / "ts-fsrs.umd.js").read_bytes()
    digest = hashlib.sha256(script).hexdigest()
    assert digest == "59b7444121d0aae5bb969097ed95df38eff4a4f878e459703c63720f6b6a176b"
    assert f"ts-fsrs.umd.js  {digest}" in notice
    assert "https://registry.npmjs.org/ts-fsrs/-/ts-fsrs-5.4.2.tgz" in notice
    assert (VENDOR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    published = site_dir / "assets" / "cheatdeck" / "vendor" / "ts-fsrs"
    assert sorted(p.name for p in published.iterdir()) == ["LICENSE", "NOTICE", "ts-fsrs.umd.js"]
    assert (published / "ts-fsrs.umd.js").read_bytes() == script
    # It never reaches the network: no request API, and its only URLs are in doc comments.
    text = script.decode("utf-8")
    apis = re.findall(r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts)\b"
                      r"|\bimport\(", text)
    assert apis == []
    url_lines = [line.strip() for line in text.splitlines() if re.search(r"https?:", line)]
    assert len(url_lines) == 3 and all(line.startswith("* @see https://github.com/") for line in url_lines)
