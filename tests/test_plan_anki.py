"""The note plan against the real ``anki`` package: Anki is told only what really changed.

Every build here runs ``cheatdeck build`` (or ``run_build``) in a temporary copy of this repo's
stage-1 project — its sheet and its committed ledger — without ``SOURCE_DATE_EPOCH``, as a user
builds; the ``.apkg`` is imported into a temporary collection and the import log is checked.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from cheatdeck.build import BuildOptions, run_build
from cheatdeck.cli import main
from cheatdeck.config import load_config
from cheatdeck.ledger import Ledger

REPO = Path(__file__).parent.parent
SHEET = "stage-1-llm-fundamentals.md"
APKG = Path("dist") / "interview-cheat-sheets.apkg"
BPE_ROW = ("| What is BPE? | Byte Pair Encoding: merges frequent character pairs iteratively "
           "to build subword vocab |\n")

pytestmark = pytest.mark.anki


def clone(path: Path) -> Path:
    """A fresh checkout of this repo's project: the sheet and the committed ledger, new mtimes."""
    (path / "source").mkdir(parents=True)
    for name in (SHEET, "cheatdeck.lock"):
        (path / "source" / name).write_bytes((REPO / "source" / name).read_bytes())
    (path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Interview Cheat Sheets"\n')
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(clone(tmp_path / "project"))
    return tmp_path / "project"


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def build(project: Path, *args: str) -> Path:
    assert main(["build", "--no-site", *args]) == 0
    return project / APKG


def import_apkg(col: Collection, path: Path) -> tuple[int, int, int]:
    """Import with Anki's defaults; return the log's (new, updated, duplicate) counts."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    log = col.import_anki_package(request).log
    col.models._clear_cache()  # FIELD-NOTES: note types changed behind the Python cache
    assert not log.conflicting
    return len(log.new), len(log.updated), len(log.duplicate)


def edit(project: Path, old: str, new: str) -> None:
    sheet = project / "source" / SHEET
    text = sheet.read_text(encoding="utf-8")
    assert old in text, old
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")


def package_notes(apkg: Path) -> dict[str, tuple[int, str, int]]:
    """``{guid: (mod, sfld, csum)}`` of the notes inside a package."""
    with zipfile.ZipFile(apkg) as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
    return {g: (m, s, c) for g, m, s, c in db.execute("select guid, mod, sfld, csum from notes")}


def test_a_fresh_collection_gets_every_note(project: Path, col: Collection) -> None:
    assert import_apkg(col, build(project)) == (58, 0, 0)
    assert (col.note_count(), col.card_count()) == (58, 82)
    # The committed ledger is current: the build changed nothing in it.
    assert (project / "source" / "cheatdeck.lock").read_bytes() == (
        REPO / "source" / "cheatdeck.lock").read_bytes()


def test_one_answer_edit_imports_as_exactly_one_updated_note(
        project: Path, col: Collection, capsys: pytest.CaptureFixture[str]) -> None:
    before = package_notes(build(project))
    import_apkg(col, project / APKG)
    edit(project, "Byte Pair Encoding: merges", "Byte Pair Encoding: greedily merges")
    after = package_notes(build(project))
    assert "notes: 0 added, 1 changed, 0 removed\n    ~ What is BPE?" in capsys.readouterr().err
    assert import_apkg(col, project / APKG) == (0, 1, 57)
    [changed] = [g for g in after if after[g][0] != before[g][0]]
    assert after[changed][0] > before[changed][0]
    nid = col.db.scalar("select id from notes where guid = ?", changed)
    assert col.get_note(nid)["Answer"].startswith("Byte Pair Encoding: greedily merges")
    # The same package again: nothing is newer, nothing updated.
    assert import_apkg(col, project / APKG) == (0, 0, 58)


def test_add_and_reorder_imports_as_one_new_and_nothing_updated(
        project: Path, col: Collection) -> None:
    import_apkg(col, build(project))
    swap = ("| What's GPT-4's context length? | 128K tokens (2024). GPT-4o also 128K |\n")
    edit(project, BPE_ROW, "")
    edit(project, swap, swap + BPE_ROW + "| What is a tokenizer? | Text → token ids |\n")
    assert import_apkg(col, build(project)) == (1, 0, 58)
    assert col.note_count() == 59


def test_a_deleted_question_updates_only_that_note(project: Path, col: Collection) -> None:
    import_apkg(col, build(project))
    edit(project, BPE_ROW, "")
    assert import_apkg(col, build(project)) == (0, 1, 57)  # the retired one
    assert len(col.find_notes("tag:cheatdeck::retired")) == 1


def test_two_clones_of_one_commit_build_the_same_bytes_and_touch_is_a_no_op(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    packages = []
    for name, (mtime, clock) in {"a": (1_600_000_000, 1_900_000_000.0),
                                 "b": (1_700_000_000, 2_000_000_000.0)}.items():
        root = clone(tmp_path / name)
        for path in (root / "source").iterdir():
            os.utime(path, (mtime, mtime))
        report = run_build(load_config(root), BuildOptions(site=False), environ={},
                           emit=print, clock=lambda clock=clock: clock)
        assert report.changes is not None and not report.changes.any
        packages.append((root / APKG).read_bytes())
    assert packages[0] == packages[1]

    monkeypatch.chdir(tmp_path / "a")
    for path in (tmp_path / "a" / "source").iterdir():
        os.utime(path, (1_800_000_000, 1_800_000_000))  # `touch source/*`
    capsys.readouterr()
    assert main(["build", "--no-site"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err


def test_note_times_come_from_the_ledger(project: Path) -> None:
    ledger = Ledger.loads((project / "source" / "cheatdeck.lock").read_text(encoding="utf-8"))
    notes = package_notes(build(project))
    assert {g: m for g, (m, _, _) in notes.items()} == {e.guid: e.changed for e in ledger.entries}


def test_sort_field_and_checksum_are_what_anki_computes(
        tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "p" / "source").mkdir(parents=True)
    (tmp_path / "p" / "source" / "dot.png").write_bytes(
        (REPO / "docs" / "screenshots" / "card.png").read_bytes())
    (tmp_path / "p" / "source" / "s.md").write_text(
        "# Sort\n\n## Fields\n\n| Question | Answer |\n| --- | --- |\n"
        "| What does **`&&`** do? | and |\n"
        "| Is 1 &lt; 2 &amp; *3 > 2*? | yes |\n"
        "| Line<br>break and `<b>` | code |\n"
        "| Math $a_1 < b$ here | math |\n"
        "| Image ![dot](dot.png) inside | img |\n"
        "| Non\u00a0breaking [link](https://example.org) | nbsp |\n\n"
        "| Model | Params |\n| --- | --- |\n| **GPT** &amp; co | 1B |\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "p")
    apkg = build(tmp_path / "p")
    shipped = package_notes(apkg)
    by_sfld = {s for _, s, _ in shipped.values()}
    assert {"What does && do?", "Is 1 < 2 & 3 > 2?", "Linebreak and <b>", "GPT & co"} <= by_sfld
    import_apkg(col, apkg)
    col.fix_integrity()  # Anki's "Check Database" recomputes every note's sfld and csum
    computed = {g: (s, c) for g, s, c in col.db.all("select guid, sfld, csum from notes")}
    assert computed == {g: (s, c) for g, (_, s, c) in shipped.items()}


def test_a_reworded_question_is_reported_once(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(project)
    edit(project, "| Why RoPE? |", "| Why use RoPE? |")
    build(project)
    assert "reworded: 'Why RoPE?' → 'Why use RoPE?' keeps its note" in capsys.readouterr().err
    build(project, "--force")
    err = capsys.readouterr().err
    assert "reworded" not in err and "notes: 0 added, 0 changed, 0 removed" in err


def test_a_version_1_ledger_is_migrated_in_place_with_the_same_guids_and_times(
        project: Path, col: Collection, capsys: pytest.CaptureFixture[str]) -> None:
    lock = project / "source" / "cheatdeck.lock"
    v1 = (Path(__file__).parent / "data" / "ledger" / "stage-1-v1.lock").read_text("utf-8")
    lock.write_text(v1, encoding="utf-8")
    old = Ledger.loads(v1)
    assert old.version == 1 and len(old.entries) == 58
    capsys.readouterr()
    assert main(["build", "--check", "--frozen"]) == 1
    assert "would change with --frozen (format version 1 → 2)" in capsys.readouterr().err
    build(project)
    assert "notes: 0 added, 0 changed, 0 removed" in capsys.readouterr().err
    new = Ledger.loads(lock.read_text(encoding="utf-8"))
    assert new.version == 2
    assert {(e.guid, e.changed) for e in new.entries} == {(e.guid, e.changed)
                                                          for e in old.entries}
    assert lock.read_bytes() == (REPO / "source" / "cheatdeck.lock").read_bytes()
    assert len(lock.read_bytes()) < len(v1.encode()) / 2
    assert import_apkg(col, project / APKG) == (58, 0, 0)


def test_strict_and_no_site_do_not_force_a_rebuild(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    assert main(["build"]) == 0
    for args in (["--strict"], ["--no-site"], ["--no-site", "--strict"], []):
        capsys.readouterr()
        assert main(["build", *args]) == 0, args
        assert "nothing changed since the last build" in capsys.readouterr().err, args
    # A --no-site build after an edit leaves the site behind: the next full build makes it.
    edit(project, "Byte Pair Encoding: merges", "Byte Pair Encoding: greedily merges")
    assert main(["build", "--no-site"]) == 0
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "nothing changed" not in capsys.readouterr().err
    assert "greedily" in (project / "site" / "stage-1-interview-cheat-sheet" /
                          "tokens.html").read_text(encoding="utf-8")


def test_strict_still_fails_on_recorded_warnings(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, BPE_ROW, BPE_ROW + "Just a note\n")  # a warning, but builds
    build(project)
    capsys.readouterr()
    assert main(["build", "--no-site", "--strict"]) == 1
    assert "warning:" in capsys.readouterr().err


def test_two_git_clones_build_the_same_apkg_without_source_date_epoch(
        tmp_path: Path, col: Collection) -> None:
    """The issue's own words: clone one commit twice, build each (no SOURCE_DATE_EPOCH, a new
    checkout's file times, a later wall clock), compare the bytes; then an edit in one clone
    re-dates only the edited note, and Anki updates only it."""
    origin = clone(tmp_path / "origin")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=origin, check=True)
    subprocess.run([*git, "add", "."], cwd=origin, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sheets"], cwd=origin, check=True)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    built = []
    for name in ("a", "b"):
        subprocess.run(["git", "clone", "-q", str(origin), str(tmp_path / name)], check=True)
        result = subprocess.run([sys.executable, "-m", "cheatdeck", "build", "--no-site"],
                                cwd=tmp_path / name, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        built.append((tmp_path / name / APKG).read_bytes())
        assert subprocess.run(["git", "status", "--porcelain", "source"], cwd=tmp_path / name,
                              capture_output=True, text=True).stdout == ""  # ledger unchanged
    assert built[0] == built[1]
    before = package_notes(tmp_path / "a" / APKG)
    import_apkg(col, tmp_path / "a" / APKG)
    edit(tmp_path / "a", "Byte Pair Encoding: merges", "Byte Pair Encoding: greedily merges")
    subprocess.run([sys.executable, "-m", "cheatdeck", "build", "--no-site"],
                   cwd=tmp_path / "a", env=env, check=True, capture_output=True, timeout=300)
    after = package_notes(tmp_path / "a" / APKG)
    redated = {g for g in after if after[g][0] != before[g][0]}
    assert len(redated) == 1 and all(after[g][0] > before[g][0] for g in redated)
    assert import_apkg(col, tmp_path / "a" / APKG) == (0, 1, 57)


def test_the_stage_1_deck_ships_the_guids_it_always_had(project: Path) -> None:
    """Existing users' decks keep working: the 58 GUIDs are those the ledger recorded when it
    was first committed (format 1, ``stage-1-v1.lock``: byte for byte the file main shipped
    before the note plan), so a re-import updates the notes learners have."""
    v1 = Ledger.loads((Path(__file__).parent / "data" / "ledger" / "stage-1-v1.lock")
                      .read_text(encoding="utf-8"))
    shipped = package_notes(build(project))
    assert len(shipped) == 58 and set(shipped) == {e.guid for e in v1.entries}
    assert "cd623b37067361035e11bf69ba" in shipped  # What is BPE? (tests/test_ids.py)
