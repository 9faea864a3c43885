"""The benchmark tools work (no timing assertions: speed lives in benchmarks/RESULTS.md)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import main as run_benchmarks
from benchmarks.synth import write_library
from cheatdeck.reader import read_paths


def test_synth_is_deterministic_and_reads_without_diagnostics(tmp_path: Path) -> None:
    first = write_library(tmp_path / "a", cards=900, seed=7)
    second = write_library(tmp_path / "b", cards=900, seed=7)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.name for p in first] == ["stage-001.md", "stage-002.md", "stage-003.md"]
    library, diagnostics = read_paths([tmp_path / "a"])
    assert diagnostics == []
    text = "".join(p.read_text(encoding="utf-8") for p in first)
    for ingredient in ("`torch.argmax`", "$O(n^2 d)$", "\\|", "注意力", "<br>", '- "', "| Model |"):
        assert ingredient in text
    cards = sum(len(s.cards) for sheet in library.sheets for s in sheet.sections)
    rows = sum(len(t.rows) for sheet in library.sheets for s in sheet.sections
               for t in s.fact_tables)
    assert cards + rows > 0 and len(library.sheets) == 3


def test_quick_run_writes_a_results_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    assert run_benchmarks(["--quick", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## 1,000 cards (median of 3 runs)" in text
    assert "| no-op rebuild |" in text and "| python build.py (full, wall) |" in text
    assert "deck ÷ raw genanki: **" in text and "site ÷ plain mkdocs build: **" in text
