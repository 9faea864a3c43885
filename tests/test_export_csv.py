"""``cheatdeck export --format csv``: an Anki text-import file with the ``.apkg``'s GUIDs."""

from __future__ import annotations

import shutil
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import)
import pytest
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)
from conftest import ROOT

from cheatdeck.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", tmp_path / "source" / "s1.md")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return tmp_path


def test_csv_headers_and_rows(project: Path) -> None:
    assert main(["export", "--format", "csv", "-o", "notes.csv"]) == 0
    lines = (project / "notes.csv").read_text(encoding="utf-8").splitlines()
    assert lines[:6] == ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2",
                         "#deck column:3", "#tags column:4"]
    assert len(lines) == 6 + 58
    first = lines[6].split("\t")
    assert first[1:4] == [
        "cheatdeck Q&A", "Interview Cheat Sheets::Stage 1 — Interview Cheat Sheet::TOKENS",
        "cheatdeck::stage-1-interview-cheat-sheet::tokens qa"]
    assert first[4] == "How many tokens ≈ 1000 words?"


def test_csv_imports_into_real_anki_with_the_apkg_guids(project: Path) -> None:
    assert main(["build", "--no-site"]) == 0
    assert main(["export", "--format", "csv", "-o", "notes.csv"]) == 0
    col = Collection(str(project / "c.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(project / "dist" / "interview-cheat-sheets.apkg"),
            options=ImportAnkiPackageOptions(with_scheduling=True)))
        guids = set(col.db.list("select guid from notes"))
        metadata = col.get_csv_metadata(str(project / "notes.csv"), None)
        log = col.import_csv(ImportCsvRequest(path=str(project / "notes.csv"), metadata=metadata))
        assert len(log.log.conflicting) == 0 and len(log.log.new) == 0
        assert len(log.log.updated) + len(log.log.duplicate) == 58
        assert col.note_count() == 58
        assert set(col.db.list("select guid from notes")) == guids
        assert col.card_count() == 82
    finally:
        col.close()


def test_csv_guids_follow_the_ledger_like_the_apkg(project: Path) -> None:
    assert main(["build", "--no-site"]) == 0
    sheet = project / "source" / "s1.md"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("| Why RoPE? |", "| Why use RoPE? |"),
                     encoding="utf-8")
    assert main(["build", "--no-site"]) == 0
    assert main(["export", "--format", "csv", "-o", "notes.csv"]) == 0
    rows = (project / "notes.csv").read_text(encoding="utf-8").splitlines()[6:]
    csv_guids = {row.split("\t")[0] for row in rows}
    col = Collection(str(project / "c.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(project / "dist" / "interview-cheat-sheets.apkg"),
            options=ImportAnkiPackageOptions()))
        assert csv_guids == set(col.db.list("select guid from notes"))
    finally:
        col.close()
