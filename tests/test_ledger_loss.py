"""A lost, emptied, cut-short, damaged or odd ledger is an error with the way out, never a
silent change of identities (issue 11 item 2). ``--new-ledger`` starts again on purpose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cheatdeck.cli import main
from cheatdeck.ledger import Ledger

DATA = Path(__file__).parent / "data" / "ledger"
T1 = 1_767_225_600
WAY_OUT = ("restore it from version control (`git checkout -- source/cheatdeck.lock`), or run "
           "`cheatdeck build --new-ledger` to start a new ledger on purpose")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(DATA / "sheet.md", tmp_path / "source" / "sheet.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1))
    assert main(["build", "--no-site"]) == 0  # the project has shipped notes
    return tmp_path


def lock(project: Path) -> Path:
    return project / "source" / "cheatdeck.lock"


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["build", "--no-site", *args]) == 1
    return capsys.readouterr().err


def outputs(project: Path) -> dict[str, bytes]:
    """Every file of the project but cheatdeck's git-ignored work folder (lock, temp files)."""
    return {name: p.read_bytes() for p in sorted(project.rglob("*"))
            if p.is_file() and not (name := p.relative_to(project).as_posix()).startswith(
                "build/.cheatdeck/")}


def test_a_first_build_needs_no_ledger(project: Path) -> None:
    assert Ledger.loads(lock(project).read_text(encoding="utf-8")).entries


@pytest.mark.parametrize("evidence", ["apkg", "state", "git"])
def test_a_lost_ledger_is_an_error_once_notes_shipped(
        project: Path, capsys: pytest.CaptureFixture[str], evidence: str) -> None:
    if evidence != "apkg":
        shutil.rmtree(project / "dist")
    if evidence == "git":
        shutil.rmtree(project / "build")
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        subprocess.run(["git", "add", "source"], cwd=project, check=True)
    lock(project).unlink()
    before = outputs(project)
    err = fails(capsys)
    reason = {"apkg": "dist/root.apkg exists", "git": "git tracks it",
              "state": "the last build, recorded in "}[evidence]
    assert f"source/cheatdeck.lock: missing, but this project has shipped notes ({reason}" in err
    assert WAY_OUT in err
    assert outputs(project) == before  # nothing written, no new ledger


@pytest.mark.parametrize(("damage", "message"), [
    ("empty", "source/cheatdeck.lock:1: the ledger is empty (it always holds a header line)"),
    ("header only", "source/cheatdeck.lock:1: cut short: the header says 7 note(s), the file "
                    "holds 0"),
    ("last line", "source/cheatdeck.lock:12: cut short: the header says 7 note(s), the file "
                  "holds 6"),
    ("first note", "source/cheatdeck.lock:12: cut short: the header says 7 note(s), the file "
                   "holds 6"),
    ("mid-line", "source/cheatdeck.lock:13: invalid ledger line"),
    ("edited", "source/cheatdeck.lock:1: damaged: the notes do not match the header's digest"),
])
def test_an_emptied_or_cut_ledger_is_an_error(
        project: Path, capsys: pytest.CaptureFixture[str], damage: str, message: str) -> None:
    lines = lock(project).read_text(encoding="utf-8").splitlines(keepends=True)
    text = {"empty": "", "header only": lines[0], "last line": "".join(lines[:-1]),
            "first note": "".join(lines[:3] + lines[4:]),
            "mid-line": "".join(lines)[:-20],
            "edited": "".join(lines).replace("About 1333 tokens", "About 1400 tokens")}[damage]
    lock(project).write_text(text, encoding="utf-8")
    before = outputs(project)
    err = fails(capsys)
    assert message in err and WAY_OUT in err
    assert outputs(project) == before
    # Every command that reads the ledger refuses it the same way.
    capsys.readouterr()
    assert main(["export", "--format", "csv"]) == 1
    assert main(["prune-ledger"]) == 1
    assert message in capsys.readouterr().err


def test_new_ledger_starts_again_on_purpose_keeping_what_is_still_valid(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = lock(project).read_text(encoding="utf-8")
    guids = {e.guid for e in Ledger.loads(text).entries}
    lock(project).write_text(text[:-20], encoding="utf-8")  # the last note line is cut
    assert main(["build", "--no-site", "--new-ledger"]) == 0
    rebuilt = Ledger.loads(lock(project).read_text(encoding="utf-8"))
    assert {e.guid for e in rebuilt.entries} == guids  # own GUIDs: nothing was reworded
    lock(project).unlink()
    assert main(["build", "--no-site", "--new-ledger"]) == 0
    assert {e.guid for e in Ledger.loads(lock(project).read_text(encoding="utf-8")).entries} \
        == guids
    lock(project).write_text("", encoding="utf-8")  # emptied
    assert main(["build", "--no-site", "--new-ledger"]) == 0
    assert {e.guid for e in Ledger.loads(lock(project).read_text(encoding="utf-8")).entries} \
        == guids


def test_a_ledger_that_is_a_fifo_or_a_folder_is_a_one_line_error(project: Path) -> None:
    lock(project).unlink()
    os.mkfifo(lock(project))
    result = subprocess.run([sys.executable, "-m", "cheatdeck", "build", "--no-site"],
                            cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("cheatdeck: error: source/cheatdeck.lock: the ledger is not "
                                    "a regular file (a FIFO or device?); it must be a file")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    lock(project).unlink()
    lock(project).mkdir()
    result = subprocess.run([sys.executable, "-m", "cheatdeck", "build", "--no-site"],
                            cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "source/cheatdeck.lock: the ledger is a folder; it must be a file" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_ledger_is_a_one_line_error(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = outputs(project)
    lock(project).chmod(0)
    try:
        err = fails(capsys)
    finally:
        lock(project).chmod(0o644)
    assert err == ("cheatdeck: error: source/cheatdeck.lock: cannot read the ledger: "
                   "Permission denied\n")
    assert outputs(project) == before


def test_a_ledger_that_cannot_be_reached_is_a_one_line_error(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Unreadable even for root: a symbolic link that points at itself."""
    lock(project).unlink()
    lock(project).symlink_to("cheatdeck.lock")
    before = outputs(project)
    assert fails(capsys) == ("cheatdeck: error: source/cheatdeck.lock: cannot read the ledger: "
                             "Too many levels of symbolic links\n")
    assert outputs(project) == before


def test_a_ledger_that_is_not_utf8_is_an_error_with_the_way_out(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lock(project).read_bytes()
    lock(project).write_bytes(data[:40] + b"\xff" + data[41:])
    before = outputs(project)
    err = fails(capsys)
    assert "source/cheatdeck.lock: the ledger is not UTF-8 (invalid start byte at byte 40); " \
        in err and WAY_OUT in err
    assert outputs(project) == before


def test_a_lost_ledger_on_a_projects_first_build_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No deck, no build state, git does not track it: nothing has shipped, so none is lost."""
    (tmp_path / "source").mkdir()
    shutil.copy(DATA / "sheet.md", tmp_path / "source" / "sheet.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--no-site"]) == 0
    assert len(Ledger.loads(lock(tmp_path).read_text(encoding="utf-8")).entries) == 7


@pytest.mark.parametrize("form", ["CRLF", "no final newline"])
def test_a_ledger_with_other_line_endings_is_the_same_ledger(
        project: Path, capsys: pytest.CaptureFixture[str], form: str) -> None:
    """git's core.autocrlf checks it out with CRLF; an editor may drop the last newline: neither
    is damage, and neither makes a build or `--frozen` rewrite or refuse it."""
    text = lock(project).read_text(encoding="utf-8")
    changed = text.replace("\n", "\r\n") if form == "CRLF" else text[:-1]
    lock(project).write_bytes(changed.encode("utf-8"))
    assert main(["build", "--no-site", "--force", "--frozen"]) == 0
    assert "notes: 0 added, 0 changed, 0 removed" in capsys.readouterr().err
    assert lock(project).read_bytes() == changed.encode("utf-8")


def test_a_question_with_a_line_separator_survives_the_ledger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """JSON leaves U+2028 and U+0085 unescaped: the ledger splits lines on \\n only, or the next
    build would call the file damaged."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "s.md").write_text(
        "# S\n\n## A\n\n| Question | Answer |\n| --- | --- |\n"
        "| What is a\u2028b\x85c? | x |\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--no-site"]) == 0
    [entry] = Ledger.loads(lock(tmp_path).read_text(encoding="utf-8")).entries
    assert entry.question == "What is a\u2028b\x85c?"
    capsys.readouterr()
    assert main(["build", "--no-site", "--force", "--frozen"]) == 0
    assert "notes: 0 added, 0 changed, 0 removed" in capsys.readouterr().err
