"""Disk full or an unwritable output while writing: previous outputs stay whole, the path is named."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

import cheatdeck.files
from cheatdeck.cli import main


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", tmp_path / "source" / "s.md")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert main(["build"]) == 0
    sheet = tmp_path / "source" / "s.md"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("| 4096 |", "| 4,096 |", 1),
                     encoding="utf-8")
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("dist", "site", "source") for p in sorted((root / folder).rglob("*"))
            if p.is_file()}


def test_disk_full_while_writing_the_deck(built: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(built)
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fd: int, mode: str) -> None:
            self.handle = real_fdopen(fd, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cheatdeck.files.os, "fdopen", FullDisk)
    assert main(["build"]) == 1
    assert ("cheatdeck: error: dist/interview-cheat-sheets.apkg: cannot write: "
            "No space left on device") in capsys.readouterr().err
    assert _snapshot(built) == before
    assert sorted(p.name for p in (built / "dist").iterdir()) == [
        ".cheatdeck-output", "interview-cheat-sheets.apkg"]
    assert not [p for p in built.iterdir() if p.name.startswith(".site")]


def test_output_folder_that_is_a_file(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(built / "dist")
    (built / "dist").write_text("not a folder")
    before = _snapshot(built)
    assert main(["build"]) == 1
    assert ("cheatdeck: error: dist: refusing to use it as the dist folder (dist (--dist)): it is "
            "a file, not a folder; nothing was written" in capsys.readouterr().err)
    assert _snapshot(built) == before
    assert (built / "dist").read_text() == "not a folder"


def test_site_that_cannot_be_replaced(built: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(built)

    def refuse(*args: object) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(cheatdeck.files.os, "rename", refuse)
    monkeypatch.setattr(cheatdeck.files, "_exchange", lambda a, b: refuse())
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "cheatdeck: error: site: cannot replace: Permission denied" in err
    site_before = {k: v for k, v in before.items() if k.startswith("site/")}
    assert {k: v for k, v in _snapshot(built).items() if k.startswith("site/")} == site_before
    assert not [p for p in built.iterdir() if p.name.startswith(".site")]
