"""Issue 12's examples through ``check``, ``export --format json`` and ``build``: the deck
imported into real Anki (the ``anki`` package) and the site's HTML pages. (``$$…$$`` in a cell
is display math in the renderer: tests/test_markup*.py.)

The sheets are the reader fixtures (tests/data/fixtures), copied into a project's ``source/``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from cheatdeck.cli import main
from cheatdeck.ids import note_guid

FIXTURES = Path(__file__).parent / "data" / "fixtures"
SHEETS = {
    "networking.md": "no-title/networking.md",
    "infra.md": "nested/list-item-2-spaces.md",
    "quotes.md": "nested/blockquote.md",
    "lab.md": "emoji-headings/emoji-only.md",
    "dns.md": "columns/source-column.md",
    "glossary.md": "columns/labels-and-boundaries.md",
    "calculus.md": "math/display-math.md",
    "terms.md": "not-a-table/setext.md",
    "sections.md": "severity/duplicates-across-sections.md",
}
T1 = 1_767_225_600


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    for name, fixture in SHEETS.items():
        shutil.copy(FIXTURES / fixture, tmp_path / "source" / name)
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    shutil.copy(Path(__file__).parents[1] / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1))
    return tmp_path


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def _notes(col: Collection) -> dict[str, dict[str, object]]:
    """``{Question field: {"fields": {name: value}, "deck": name, "tags": [...], "guid"}}``."""
    found = {}
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        card = note.cards()[0]
        found[note.fields[0]] = {"fields": dict(note.items()), "tags": note.tags,
                                 "deck": col.decks.name(card.did), "guid": note.guid}
    return found


def test_check_counts_every_example(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert "source/networking.md:1:1: warning: no `# Title` line: the sheet is named after its " \
           "file: 'Networking'" in err
    assert "source/dns.md:5:23: warning: unknown Q&A column 'Source'" in err
    assert "source/terms.md:5:1: warning: a line with `|` over a `---` line is a heading" in err
    assert err.rstrip().endswith(
        "checked 9 sheet(s), 12 section(s), 21 note(s), 21 card(s), 8 warning(s)")


def test_export_json_holds_every_card(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    assert main(["export", "--format", "json", "-o", str(out)]) == 0
    sheets = {s["title"]: s for s in json.loads(out.read_text(encoding="utf-8"))["sheets"]}
    assert sorted(sheets) == ["Calculus", "DNS", "Glossary", "Infra", "Lab", "Networking",
                              "Quotes", "S", "Terms"]
    assert [s["title"] for s in sheets["Networking"]["sections"]] == ["DNS"]
    assert [c["question"] for c in sheets["Infra"]["sections"][0]["cards"]] == [
        "What is a PV?", "What is a PVC?", "What is a Node?"]
    assert [(s["slug"], s["title"]) for s in sheets["Lab"]["sections"]] == [
        ("xe4482493", "🧪"), ("x3f542173", "🔬"), ("xe4482493-2", "🧪")]
    assert sheets["DNS"]["sections"][0]["cards"][0]["columns"] == [["Source", "RFC 1035"]]
    assert [s["title"] for s in sheets["Terms"]["sections"]] == ["Terms"]
    assert sheets["Networking"]["skipped"][0]["reason"] == "same question as line 5"


def test_build_imports_into_anki_and_renders_the_site(project: Path, col: Collection) -> None:
    assert main(["build"]) == 0
    options = ImportAnkiPackageOptions(with_scheduling=False)
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(project / "dist" / "root.apkg"), options=options))
    notes = _notes(col)
    assert len(notes) == 20  # 21 notes: the two "What is BPE?" share a key here
    assert notes["What does DNS resolve?"]["deck"] == "Root::Networking::DNS"
    assert notes["What does DNS resolve?"]["guid"] == note_guid("networking",
                                                                "What does DNS resolve?")
    assert notes["What does an A record hold?"]["fields"]["Extra"] == "Source: RFC 1035"
    assert notes["What is a CNAME?"]["fields"]["Extra"] == ""
    assert notes["What is a PV?"]["deck"] == "Root::Infra::Components"
    assert notes["What is idempotence?"]["deck"] == "Root::Quotes::Notes"
    lab = {n["deck"]: n["tags"] for q, n in notes.items() if str(n["deck"]).startswith("Root::Lab")}
    assert sorted(lab) == ["Root::Lab::🔬", "Root::Lab::🧪"]  # two 🧪 sections share a deck name
    assert "cheatdeck::lab::xe4482493" in notes["What is a control group?"]["tags"]
    assert "cheatdeck::lab::xe4482493-2" in notes["What is a variable?"]["tags"]
    # The same question in two sections: two notes, GUIDs that differ from the unscoped one.
    bpe = [n for q, n in notes.items() if q == "What is BPE?"]
    assert len(bpe) == 1  # keyed by question: look the two up by GUID instead
    guids = col.db.list("select guid from notes where sfld = 'What is BPE?'")
    assert len(set(guids)) == 2 and note_guid("s", "What is BPE?") not in guids
    assert notes["Only once?"]["guid"] == note_guid("s", "Only once?")

    site = project / "site"
    glossary = (site / "glossary" / "terms.html").read_text(encoding="utf-8")
    # The column's name labels the toggle, which is named after its question (issue 20).
    assert '<summary data-search-exclude aria-label="Definition: TCP">Definition</summary>' in glossary
    dns = (site / "dns" / "records.html").read_text(encoding="utf-8")
    assert '<p class="cd-extra">Source: RFC 1035</p>' in dns
    assert (site / "lab" / "xe4482493.html").is_file() and (site / "lab" / "xe4482493-2.html").is_file()
    infra = (site / "infra" / "components.html").read_text(encoding="utf-8")
    assert "What is a PVC?" in infra and "Storage" in infra
