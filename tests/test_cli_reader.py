"""``cheatdeck check|fmt|export`` in-process: exit codes, output, files written or not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEED

from cheatdeck.cli import main


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "stage-1.md"
    shutil.copy(SEED, path)
    return path


def test_check_reports_warnings_and_exits_0(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(messy)]) == 0
    err = capsys.readouterr().err
    assert f"{messy.as_posix()}:5:1: warning: delimiter row has 1 cell, header has 2" in err
    assert err.rstrip().endswith(
        "checked 1 sheet(s), 7 section(s), 58 note(s), 82 card(s), 21 warning(s)")


def test_check_strict_fails_on_warnings(messy: Path) -> None:
    assert main(["check", "--strict", str(messy)]) == 1


def test_check_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# S\n\n## A\n\n| Q | A |\n|---|---|\n| q | a | b |\n", encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    assert f"{bad.as_posix()}:7:11: error: row has 3 cells, header has 2" in \
        capsys.readouterr().err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert main(["export", "--format", "xml"]) == 2


def test_fmt_check_then_fmt_then_clean(messy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = messy.read_bytes()
    assert main(["fmt", "--check", str(messy)]) == 1
    assert messy.read_bytes() == before
    assert main(["fmt", str(messy)]) == 0
    text = messy.read_text(encoding="utf-8")
    assert text.startswith("# Stage 1 — Interview Cheat Sheet\n\nLLM Fundamentals")
    assert "| --- | --- |" in text
    assert main(["fmt", "--check", str(messy)]) == 0
    assert main(["check", "--strict", str(messy)]) == 0


def test_fmt_refuses_to_write_a_sheet_with_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("S\n## A\n| Q | A |\n|---|\n| q |  |\n", encoding="utf-8")
    before = bad.read_bytes()
    assert main(["fmt", str(bad)]) == 1
    assert bad.read_bytes() == before


def test_export_json_to_file(messy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "model.json"
    assert main(["export", "--format", "json", str(messy), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == 2
    assert [len(s["cards"]) for s in data["sheets"][0]["sections"]] == [7, 7, 17, 7, 7, 7, 0]


def test_default_paths_come_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\nsource = "sheets"\n')
    (tmp_path / "sheets").mkdir()
    shutil.copy(SEED, tmp_path / "sheets" / "s.md")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert "sheets/s.md:5:1: warning" in capsys.readouterr().err
