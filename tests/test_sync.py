"""``cheatdeck sync`` on real collections (the ``anki`` package), with review history in them.

Every test runs the command in-process on a temporary project and a temporary Anki data folder
(``ANKI_BASE``), then reads the collection back with Anki's engine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sync_fixtures import (
    ALIBI_ROW,
    DECK,
    T1,
    collection_path,
    contents,
    digest,
    edit,
    history,
    import_apkg,
    note_id,
    opened,
    project,
    review,
    sync,
)

from cheatdeck.cli import main
from cheatdeck.work_folder import project_lock

pytestmark = pytest.mark.anki
__all__ = ["project"]  # the fixture, imported for pytest

COUNTS = "{} added, {} updated, {} moved, {} suspended, {} deleted, {} untouched"


def first_sync(project: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Sync into the empty profile, then review every TOKENS and EMBEDDINGS card once."""
    code, err = sync(capsys)
    assert code == 0, err
    assert COUNTS.format(7, 0, 0, 0, 0, 0) in err
    path = collection_path(project)
    with opened(path) as col:
        review(col, f"{DECK}::TOKENS", 3)
        review(col, f"{DECK}::EMBEDDINGS", 2)
    return path


def test_first_sync_equals_a_fresh_apkg_import(
        project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert sync(capsys)[0] == 0
    assert main(["build", "--no-site"]) == 0
    imported = tmp_path / "imported.anki2"
    opened(imported).__enter__().close()
    import_apkg(imported, project / "dist" / "root.apkg")
    synced, fresh = contents(collection_path(project)), contents(imported)
    assert synced == fresh
    assert len(synced["notes"]) == 7 and len(synced["cards"]) == 8
    assert f"{DECK}::TOKENS" in synced["decks"]


def test_dry_run_writes_nothing_and_a_real_run_prints_the_same_counts(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = collection_path(project)
    before = digest(path)
    code, err = sync(capsys, "--dry-run")
    assert code == 0
    assert err.splitlines()[0] == (f"dry run, nothing written: {path.as_posix()} would get "
                                   + COUNTS.format(7, 0, 0, 0, 0, 0))
    assert "    + What is ALiBi?" in err.splitlines()
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["collection.anki2",
                                                             "collection.media"]
    assert not (project / "source" / "cheatdeck.lock").exists()
    code, err = sync(capsys)
    assert err.splitlines()[0] == f"synced {path.as_posix()}: " + COUNTS.format(7, 0, 0, 0, 0, 0)


def test_unchanged_sheets_sync_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    before = digest(path)
    code, err = sync(capsys)
    assert (code, err.splitlines()[0]) == (0, f"synced {path.as_posix()}: "
                                           + COUNTS.format(0, 0, 0, 0, 0, 7))
    assert digest(path) == before and "backup" not in err


def test_answer_edit_changes_only_that_note_and_keeps_history(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        rows = {r[0]: r for r in col.db.all("select id, guid, mod, flds, tags from notes")}
        bpe = note_id(col, "What is BPE?")
        [card] = col.get_note(bpe).cards()
        kept = history(col, card.id)
        assert kept[0]  # reviewed once: a revlog row
    edit(project, "merges frequent character pairs", "merges the most frequent pair, repeatedly")
    code, err = sync(capsys)
    assert code == 0 and COUNTS.format(0, 1, 0, 0, 0, 6) in err
    assert "    ~ What is BPE?" in err.splitlines()
    with opened(path) as col:
        after = {r[0]: r for r in col.db.all("select id, guid, mod, flds, tags from notes")}
        assert after.keys() == rows.keys()
        assert [nid for nid in rows if rows[nid] != after[nid]] == [bpe]
        assert col.get_note(bpe)["Answer"] == "Byte Pair Encoding: merges the most frequent pair, repeatedly"
        assert history(col, card.id) == kept


def test_moved_question_moves_its_card_with_its_history(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        alibi = note_id(col, "What is ALiBi?")
        [card] = col.get_note(alibi).cards()
        kept = history(col, card.id)
        assert kept[0]
    edit(project, ALIBI_ROW, "")
    edit(project, "| About 1333 tokens |\n",
         "| About 1333 tokens |\n| What is ALiBi? | Linear biases on attention scores |\n")
    code, err = sync(capsys)
    assert code == 0 and COUNTS.format(0, 1, 1, 0, 0, 6) in err
    assert f"    → What is ALiBi?  ({DECK}::TOKENS)" in err.splitlines()
    with opened(path) as col:
        assert col.decks.name(col.get_card(card.id).did) == f"{DECK}::TOKENS"
        assert history(col, card.id) == kept
        assert col.get_note(alibi).tags == ["cheatdeck::ledger-sheet::tokens", "qa"]


def test_a_card_the_learner_moved_stays_where_they_put_it(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        [card] = col.get_note(note_id(col, "What is ALiBi?")).cards()
        col.set_deck([card.id], col.decks.id("My hard cards"))
    edit(project, ALIBI_ROW, "")
    edit(project, "| About 1333 tokens |\n",
         "| About 1333 tokens |\n| What is ALiBi? | Linear biases on attention scores |\n")
    code, err = sync(capsys)
    assert code == 0 and COUNTS.format(0, 1, 0, 0, 0, 6) in err
    with opened(path) as col:
        assert col.decks.name(col.get_card(card.id).did) == "My hard cards"


@pytest.mark.parametrize("delete", [False, True])
def test_removed_question_is_suspended_in_the_retired_deck_or_deleted(
        project: Path, capsys: pytest.CaptureFixture[str], delete: bool) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        alibi = note_id(col, "What is ALiBi?")
        [card] = col.get_note(alibi).cards()
        revlog, scheduling = history(col, card.id)
    edit(project, ALIBI_ROW, "")
    code, err = sync(capsys, *(["--delete-retired"] if delete else []))
    assert code == 0
    assert (COUNTS.format(0, 0, 0, 0, 1, 6) if delete else COUNTS.format(0, 0, 0, 1, 0, 6)) in err
    assert "    - What is ALiBi?" in err.splitlines()
    with opened(path) as col:
        if delete:
            assert col.db.scalar("select count() from notes where id = ?", alibi) == 0
            assert col.note_count() == 6
            return
        after = col.get_card(card.id)
        assert (col.decks.name(after.did), after.queue) == ("Root (retired)", -1)
        assert col.get_note(alibi).tags == ["cheatdeck::retired", "qa"]
        # Suspending changes the queue only: the reviews and the due date stay.
        assert history(col, card.id) == (revlog, (scheduling[0], -1, *scheduling[2:]))
    # Retired stays retired: the next sync has nothing to do.
    assert COUNTS.format(0, 0, 0, 0, 0, 7) in sync(capsys)[1]
    # Back in the sheet: unsuspended and moved back where it was.
    edit(project, "| What is RoPE? |", ALIBI_ROW + "| What is RoPE? |")
    code, err = sync(capsys)
    assert code == 0 and COUNTS.format(0, 1, 1, 0, 0, 6) in err
    with opened(path) as col:
        again = col.get_card(card.id)
        assert (col.decks.name(again.did), again.queue) == (f"{DECK}::EMBEDDINGS",
                                                             scheduling[1])


def test_notes_cheatdeck_did_not_ship_are_never_touched(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        tokens = col.decks.id_for_name(f"{DECK}::TOKENS")
        mine = col.new_note(col.models.by_name("Basic"))
        mine["Front"], mine["Back"] = "My own BPE question", "mine"
        col.add_note(mine, tokens)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::ALiBi}} biases attention"
        col.add_note(cloze, col.decks.id_for_name(f"{DECK}::EMBEDDINGS"))
        review(col, f"{DECK}::TOKENS", 1)
        ids = (mine.id, cloze.id)
        snapshot = [col.db.all("select * from notes where id = ?", nid) for nid in ids] + [
            col.db.all("select * from cards where nid = ?", nid) for nid in ids]
    edit(project, "merges frequent character pairs", "merges pairs")
    edit(project, ALIBI_ROW, "")
    edit(project, "| About 1333 tokens |\n",
         "| About 1333 tokens |\n| What is ALiBi? | Linear biases |\n")
    edit(project, "| Why not use word-level tokens? | Vocab explodes, no OOV handling |\n", "")
    code, err = sync(capsys, "--delete-retired")
    assert code == 0 and COUNTS.format(0, 2, 1, 0, 1, 4) in err
    with opened(path) as col:
        assert [col.db.all("select * from notes where id = ?", nid) for nid in ids] + [
            col.db.all("select * from cards where nid = ?", nid) for nid in ids] == snapshot


def test_no_schema_change_after_the_first_sync(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        schema = col.db.scalar("select scm from col")
    edit(project, "merges frequent character pairs", "merges pairs")
    edit(project, ALIBI_ROW, "")
    edit(project, "| About 1333 tokens |\n",
         "| About 1333 tokens |\n| What is ALiBi? | Linear biases |\n| New? | Yes |\n")
    edit(project, "| Why not use word-level tokens? | Vocab explodes, no OOV handling |\n", "")
    assert sync(capsys, "--delete-retired")[0] == 0
    with opened(path) as col:
        assert col.db.scalar("select scm from col") == schema
        assert col.note_count() == 7


def test_refuses_a_collection_another_process_holds_open(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    before = digest(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, anki.collection\n"
         "col = anki.collection.Collection(sys.argv[1])\nprint('open', flush=True)\n"
         "sys.stdin.readline()\ncol.close()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        edit(project, "merges frequent character pairs", "merges pairs")
        code, err = sync(capsys)
    finally:
        holder.communicate("\n", timeout=60)
    assert code == 1
    assert err == (f"cheatdeck: error: {path.as_posix()}: Anki has this collection open (or did "
                   "not close cleanly): close Anki (or open and close it once), then sync "
                   "again; or import the .apkg instead (File → Import)\n")
    assert digest(path) == before
    assert sync(capsys)[0] == 0  # once Anki is closed


def test_backup_restores_the_collection_byte_for_byte(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    before = path.read_bytes()
    state = contents(path)
    edit(project, ALIBI_ROW, "")
    code, err = sync(capsys, "--delete-retired")
    [line] = [x for x in err.splitlines() if x.startswith("  backup of the collection")]
    backup = Path(line.rsplit(": ", 1)[1])
    assert backup.parent == path.parent / "cheatdeck-backups"
    assert backup.name.startswith("collection-") and backup.suffix == ".anki2"
    assert contents(path) != state
    # Nothing else left behind: no journal, no working copy.
    assert sorted(p.name for p in path.parent.iterdir()) == ["cheatdeck-backups",
                                                             "collection.anki2",
                                                             "collection.media"]
    shutil.copyfile(backup, path)  # the restore the README describes
    assert path.read_bytes() == before
    assert contents(path) == state


def test_a_failure_part_way_leaves_the_collection_as_it_was(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        # A filtered deck where the retired deck would be: Anki refuses to move cards into it,
        # after the note updates are already done in the sync's working copy.
        col.decks.new_filtered("Root (retired)")
    before = digest(path)
    ledger = (project / "source" / "cheatdeck.lock").read_text()
    edit(project, "merges frequent character pairs", "merges pairs")
    edit(project, ALIBI_ROW, "")
    code, err = sync(capsys)
    assert code == 1
    assert err.startswith(f"cheatdeck: error: {path.as_posix()}: Anki refused a change (")
    assert err.endswith("the collection is unchanged\n")
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["cheatdeck-backups",
                                                             "collection.anki2",
                                                             "collection.media"]
    assert len(list((path.parent / "cheatdeck-backups").iterdir())) == 1  # the first sync's
    assert (project / "source" / "cheatdeck.lock").read_text() == ledger


def test_media_are_added_once_and_never_overwritten(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from test_media import RED

    (project / "source" / "dot.png").write_bytes(RED)
    edit(project, "| Rotary position embeddings |", "| Rotary position embeddings ![dot](dot.png) |")
    code, err = sync(capsys)
    media = collection_path(project).parent / "collection.media"
    [name] = [p.name for p in media.iterdir()]
    assert code == 0 and f"  media files added: {name}" in err.splitlines()
    assert (media / name).read_bytes() == RED
    with opened(collection_path(project)) as col:
        assert f'src="{name}"' in col.get_note(note_id(col, "What is RoPE?"))["Answer"]
    # Present already (whatever its bytes): left alone.
    (media / name).write_bytes(b"the learner's own file")
    edit(project, "![dot](dot.png) |", "![a dot](dot.png) |")
    code, err = sync(capsys)
    assert code == 0 and "media files added" not in err and COUNTS.format(0, 1, 0, 0, 0, 6) in err
    assert (media / name).read_bytes() == b"the learner's own file"


def test_a_changed_cheatdeck_note_type_is_refused(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = first_sync(project, capsys)
    with opened(path) as col:
        model = col.models.get(1_607_392_319)
        col.models.add_field(model, col.models.new_field("Mnemonic"))
        col.models.update_dict(model)
    before = digest(path)
    edit(project, "merges frequent character pairs", "merges pairs")
    code, err = sync(capsys)
    assert code == 1
    assert ("note type 'cheatdeck Q&A' has fields Question, Answer, Section, Sheet, Source, "
            "Extra, Mnemonic") in err
    assert digest(path) == before


def test_missing_anki_package_names_the_install_command(project: Path) -> None:
    # A fresh interpreter where importing ``anki`` fails, as on an install without the extra.
    script = ("import sys; sys.modules['anki'] = None\n"
              "from cheatdeck.cli import main; raise SystemExit(main(['sync']))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert result.stderr == ("cheatdeck: error: cheatdeck sync needs the anki package: "
                             "pip install 'cheatdeck[sync]'\n")


def test_timestamp_of_added_notes_is_the_content_timestamp(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As in the .apkg: a later import of a newer build updates them (Anki's "update if newer").
    first_sync(project, capsys)
    with opened(collection_path(project)) as col:
        assert set(col.db.list("select mod from notes")) == {T1}


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_a_file_that_is_not_a_collection_is_refused(
        project: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    other = project / "notes.anki2"
    other.write_bytes(content)
    code, err = sync(capsys, "--collection", str(other))
    assert code == 1
    assert err.startswith(f"cheatdeck: error: {other.as_posix()}: not an Anki collection (")
    assert other.read_bytes() == content


def test_a_lost_ledger_is_refused_before_the_collection_is_touched(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11 item 2, for sync: a reworded question would otherwise be added again."""
    assert main(["build", "--no-site"]) == 0  # the project has shipped a deck
    first_sync(project, capsys)
    path = collection_path(project)
    before = digest(path)
    (project / "source" / "cheatdeck.lock").unlink()
    edit(project, "| What is BPE? |", "| What is byte pair encoding (BPE)? |")
    code, err = sync(capsys)
    assert code == 1
    assert ("source/cheatdeck.lock: missing, but this project has shipped notes "
            "(dist/root.apkg exists); restore it from version control") in err
    assert digest(path) == before
    assert not (project / "source" / "cheatdeck.lock").exists()


def test_sync_waits_for_a_build_and_writes_nothing_temporary_in_source(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync reads and rewrites the ledger, as a build does: it holds the project lock (issue 11
    item 4), and the ledger's temp file goes to the work folder, never into source/ (item 3)."""
    work = project / "build" / ".cheatdeck"
    work.mkdir(parents=True)
    path = collection_path(project)
    ledger = project / "source" / "cheatdeck.lock"
    before = digest(path)
    log = tmp_path / "sync.log"
    with project_lock(work, command="a test", notify=lambda line: None), log.open("wb") as err:
        running = subprocess.Popen([sys.executable, "-m", "cheatdeck", "sync"], cwd=project,
                                   stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 120
        while b"waiting for" not in log.read_bytes():
            assert running.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert digest(path) == before and not ledger.exists()  # nothing done while waiting
    assert running.wait(timeout=120) == 0, log.read_text()
    lines = log.read_text().splitlines()
    assert lines[0].startswith(f"cheatdeck: waiting for pid {os.getpid()}: a test since ")
    assert lines[1] == f"synced {path.as_posix()}: " + COUNTS.format(7, 0, 0, 0, 0, 0)
    assert ledger.is_file()

    made: list[Path] = []
    real_mkstemp = tempfile.mkstemp

    def recording_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        made.append(Path(name))
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    edit(project, ALIBI_ROW, "")  # retires a note: the ledger is rewritten
    shipped = ledger.read_text(encoding="utf-8")
    code, err = sync(capsys)
    assert code == 0, err
    assert ledger.read_text(encoding="utf-8") != shipped
    assert [p.parent for p in made if "cheatdeck.lock" in p.name] == [work / "staging"]
    assert sorted(p.name for p in (project / "source").iterdir()) == ["cheatdeck.lock",
                                                                      "sheet.md"]


def test_a_lost_ledger_is_refused_when_the_collection_holds_the_decks_notes(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A project that only ever synced (no deck file, no build, no git): the collection is the
    evidence that its notes shipped."""
    path = first_sync(project, capsys)
    before = digest(path)
    (project / "source" / "cheatdeck.lock").unlink()
    edit(project, "| What is BPE? |", "| What is byte pair encoding (BPE)? |")
    for args in ((), ("--dry-run",)):
        code, err = sync(capsys, *args)
        assert code == 1
        assert (f"source/cheatdeck.lock: missing, but this project has shipped notes "
                f"({path.as_posix()} holds 7 in 'Root'); restore it from version control") in err
    assert digest(path) == before
    assert not (project / "source" / "cheatdeck.lock").exists()
    # Notes in another root deck (another project's) are no evidence: that sync goes ahead.
    (project / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Other"\n')
    code, err = sync(capsys)
    assert code == 0 and "missing" not in err, err
