"""Issue 11, items 3 and 4, with real processes: a build killed by SIGKILL leaves nothing that
git lists and nothing in source/, the next build removes its leftovers; two builds started
together run one after the other, and the second says what it waits for."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.work_folder import project_lock

GITIGNORE = "/dist/\n/site/\n/build/docs/\n/build/.cheatdeck-state.json\n"
"""Ignores the outputs only: the work folder must be ignored by its own ``.gitignore``."""


def _big_sheet(sections: int = 24, rows: int = 30) -> str:
    parts = ["# Big Sheet\n"]
    for s in range(sections):
        body = "\n".join(f"| What is item {s}-{r}? | Answer {s}-{r} with `code` and *stress* |"
                         for r in range(rows))
        parts.append(f"## Section {s}\n\n| Question | Answer |\n| --- | --- |\n{body}\n")
    return "\n".join(parts)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git project with a 720-card sheet (a build takes seconds) and the repo's mkdocs.yml."""
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    (root / "source" / "big.md").write_text(_big_sheet(), encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    return root


def _untracked() -> list[str]:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], check=True,
                         capture_output=True, text=True).stdout
    return sorted(out.splitlines())


def _start_build(project: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    with log.open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "cheatdeck", "build"], cwd=project,
                                env=env, stdout=subprocess.DEVNULL, stderr=err)


def _wait_for(condition: Callable[[], object], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_sigkill_mid_build_leaves_nothing_listed_and_the_next_build_cleans_up(
        project: Path, tmp_path: Path) -> None:
    staging = project / "build" / ".cheatdeck" / "staging"
    build = _start_build(project, tmp_path / "a.log")
    # Killed while MkDocs writes the staged site: the worst moment (the most bytes on disk).
    _wait_for(lambda: staging.is_dir() and any(staging.glob("*/site/*")) or build.poll() is not None,
              "a staged site")
    build.send_signal(signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL
    left = sorted(p.name for p in staging.iterdir())
    assert len(left) == 1 and left[0].startswith(f"{build.pid}-build."), left
    assert sorted(p.name for p in (project / "source").iterdir()) == ["big.md"]
    assert not [p for p in project.iterdir() if p.name.startswith(".site")]
    assert _untracked() == []  # the leftover is in the git-ignored work folder

    # Leftovers of builds before the work folder, and a temp file of a live process.
    (project / ".site.staging-k2j3h4").mkdir()
    (project / ".site.staging-k2j3h4" / "index.html").write_text("old staging")
    (project / "source" / ".cheatdeck.lock.a1b2c3d4.tmp").write_text("old temp ledger")
    alive = staging / f"{os.getpid()}-notes.md.x1y2.tmp"
    alive.write_text("a live process's temp file")
    assert main(["build"]) == 0
    assert sorted(p.name for p in staging.iterdir()) == [alive.name]
    assert not (project / ".site.staging-k2j3h4").exists()
    assert sorted(p.name for p in (project / "source").iterdir()) == ["big.md", "cheatdeck.lock"]
    assert _untracked() == ["?? source/cheatdeck.lock"]


def test_nothing_temporary_is_written_inside_source(project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger (build, prune-ledger) and the sheets (fmt) are replaced through temp files in
    the work folder: every temp file any step makes is recorded."""
    made: list[Path] = []
    real_mkstemp = tempfile.mkstemp

    def recording_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        made.append(Path(name))
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    sheet = project / "source" / "big.md"
    assert main(["build", "--no-site"]) == 0
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("| What is item 0-0? | Answer 0-0"
                                                               " with `code` and *stress* |\n", ""),
                     encoding="utf-8")
    assert main(["build", "--no-site"]) == 0  # retires a note: the ledger is rewritten
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("| --- | --- |", "|---|---|"),
                     encoding="utf-8")
    assert main(["fmt"]) == 0
    assert main(["prune-ledger"]) == 0
    source = (project / "source").resolve()
    ledger_and_sheet = [p for p in made if p.name.split("-", 1)[-1].startswith(("cheatdeck.lock",
                                                                                "big.md"))]
    assert len(ledger_and_sheet) == 4, made  # two ledger writes, the sheet, the pruned ledger
    assert [p for p in made if source in p.resolve().parents] == []
    assert sorted(p.name for p in (project / "source").iterdir()) == ["big.md", "cheatdeck.lock"]


def _deck_text(apkg: Path) -> bytes:
    with zipfile.ZipFile(apkg) as archive:
        return archive.read("collection.anki2")


def _holder(owner: Path) -> str:
    """The lock holder's line, or "" (not written yet, or removed as the holder finished)."""
    try:
        return owner.read_text(encoding="utf-8")
    except OSError:
        return ""


def _edit_sheet(project: Path) -> None:
    sheet = project / "source" / "big.md"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("Answer 7-7 with", "EDITED answer"),
                     encoding="utf-8")


def _edit_site_name(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "site_name: Interview Cheat Sheets\n" in text
    config.write_text(text.replace("site_name: Interview Cheat Sheets\n",
                                   "site_name: EDITED site name\n"), encoding="utf-8")


def _shows_sheet_edit(project: Path) -> None:
    assert b"EDITED answer" in _deck_text(project / "dist" / "interview-cheat-sheets.apkg")
    page = (project / "site" / "big-sheet" / "section-7.html").read_text(encoding="utf-8")
    assert "EDITED answer" in page


def _shows_site_name_edit(project: Path) -> None:
    assert "EDITED site name" in (project / "site" / "index.html").read_text(encoding="utf-8")


EDITS = {"sheet": (_edit_sheet, _shows_sheet_edit),
         "mkdocs.yml": (_edit_site_name, _shows_site_name_edit)}


@pytest.mark.parametrize("moment, edited", [
    ("lock taken", "sheet"),  # the case: the first build may not have read yet
    # The first build has read every input and is writing its site: it ships the old text, and
    # must not record the edited inputs as built (the second build would then skip).
    ("site staged", "sheet"),
    ("site staged", "mkdocs.yml"),
])
def test_two_builds_at_once_run_one_after_the_other(project: Path, tmp_path: Path, moment: str,
                                                    edited: str) -> None:
    """Two real builds, an edit between their starts. The first build is stopped (SIGSTOP) at
    ``moment`` while the edit is made and the second build starts and waits for the lock, so
    the order is forced, not left to the machine's speed."""
    owner = project / "build" / ".cheatdeck" / "build.owner"
    staging = project / "build" / ".cheatdeck" / "staging"
    make_edit, shows_edit = EDITS[edited]
    first = _start_build(project, tmp_path / "first.log")
    reached = {"lock taken": lambda: f"pid {first.pid}:" in _holder(owner),
               "site staged": lambda: staging.is_dir() and any(staging.glob("*/site/*"))}[moment]
    _wait_for(lambda: reached() or first.poll() is not None, f"the first build: {moment}")
    first.send_signal(signal.SIGSTOP)
    try:
        assert first.poll() is None, (tmp_path / "first.log").read_text()
        make_edit(project)
        second_log = tmp_path / "second.log"
        second = _start_build(project, second_log)
        _wait_for(lambda: b"waiting for" in second_log.read_bytes() or second.poll() is not None,
                  "the second build to report the lock")
    finally:
        first.send_signal(signal.SIGCONT)
    line = second_log.read_text().splitlines()[0]
    assert line.startswith(f"cheatdeck: waiting for pid {first.pid}: cheatdeck build since ")
    assert line.endswith("to finish (it holds build/.cheatdeck/build.lock)")
    assert first.wait(timeout=300) == 0, (tmp_path / "first.log").read_text()
    assert second.wait(timeout=300) == 0, second_log.read_text()
    # The second build saw the edit and wrote every output: deck, ledger and site agree.
    shows_edit(project)
    assert not owner.exists()
    # And the build after them is a no-op again: the state records what was built.
    assert main(["build"]) == 0
    shows_edit(project)


def test_a_build_that_waited_for_the_lock_reads_its_inputs_after_the_wait(
        project: Path, tmp_path: Path) -> None:
    """The no-op check and the reading happen under the lock: a build that waited for another
    process sees the edit made while it waited (it would skip, as unchanged, if it had
    fingerprinted the sources before the wait)."""
    assert main(["build"]) == 0  # the state is recorded: an unchanged build is a no-op
    work = project / "build" / ".cheatdeck"
    log = tmp_path / "waiting.log"
    with project_lock(work, command="a test", notify=lambda line: None):
        build = _start_build(project, log)
        _wait_for(lambda: b"waiting for" in log.read_bytes() or build.poll() is not None,
                  "the build to wait for the lock")
        assert log.read_text().startswith(f"cheatdeck: waiting for pid {os.getpid()}: a test since ")
        _edit_sheet(project)
        time.sleep(0.5)
        assert build.poll() is None  # still waiting
    assert build.wait(timeout=300) == 0, log.read_text()
    _shows_sheet_edit(project)


def test_prune_ledger_waits_for_a_build(project: Path, tmp_path: Path) -> None:
    """prune-ledger reads and rewrites the ledger, as a build does: it takes the project lock."""
    assert main(["build", "--no-site"]) == 0
    sheet = project / "source" / "big.md"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(
        "| What is item 0-0? | Answer 0-0 with `code` and *stress* |\n", ""), encoding="utf-8")
    assert main(["build", "--no-site"]) == 0  # retires one note
    ledger = project / "source" / "cheatdeck.lock"
    before = ledger.read_text(encoding="utf-8")
    log = tmp_path / "prune.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with project_lock(project / "build" / ".cheatdeck", command="a test",
                      notify=lambda line: None), log.open("wb") as err:
        prune = subprocess.Popen([sys.executable, "-m", "cheatdeck", "prune-ledger"],
                                 cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _wait_for(lambda: b"waiting for" in log.read_bytes() or prune.poll() is not None,
                  "prune-ledger to wait for the lock")
        assert prune.poll() is None
        assert ledger.read_text(encoding="utf-8") == before
    assert prune.wait(timeout=120) == 0, log.read_text()
    assert log.read_text().splitlines() == [
        f"cheatdeck: waiting for pid {os.getpid()}: a test since "
        + log.read_text().split(" since ", 1)[1].splitlines()[0],
        "source/cheatdeck.lock: dropped 1 retired note(s), kept 719"]
    assert ledger.read_text(encoding="utf-8") != before
