"""The benchmark tools work (no timing assertions: speed lives in benchmarks/RESULTS.md)."""

from __future__ import annotations

import re
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


def test_tiny_run_prints_every_row_of_the_issue_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    assert run_benchmarks(["--scale", "0.002", "--runs", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\nWritten by `python -m benchmarks --scale 0.002`")
    table = [line for line in text.splitlines() if line.startswith("| ")]
    ratio = r"\d+\.\d\d×"
    expected = [
        rf"\| deck only vs `minimal_pipeline.py` \| 20 / 200 \| {ratio} / {ratio} \| ≤ 1.0× \|",
        rf"\| site only vs `mkdocs build` of `plain_site.py` pages \| 10 / 20 \| {ratio} / "
        rf"{ratio} \| ≤ 1.2× \|",
        rf"\| full build vs minimal script \+ plain site \| 20 / 200 \| {ratio} / {ratio} "
        rf"\(CPU {ratio} / {ratio}\) \| ≤ 1.0× / ≤ 0.7× \|",
        r"\| peak RSS, full build \| 200 \| \d+ MiB \(plain MkDocs: \d+\) \| ≤ 600 MiB \|",
        r"\| ledger file size \| 200 \| \d+\.\d MB = \d+\.\d\d× the sources \| ≤ 0.5× the",
        rf"\| rebuild after editing one answer \| 20 \| {ratio} a full build \(",
        r"\| growth 20 → 200, each step \|  \| deck \d+\.\d×, full build \d+\.\d×; "
        r"baselines: minimal \d+\.\d×, MkDocs alone \d+\.\d×",
    ]
    for pattern, line in zip(expected, table[2:9], strict=True):
        assert re.match(pattern, line), line
    assert all(line.endswith(("| met |", "| **not met** |")) for line in table[2:9])
    raw = [line.split(" | ")[:2] for line in table[11:]]
    assert raw == [["| cheatdeck build --no-site", "20"], ["| cheatdeck build --no-site", "200"],
                   ["| cheatdeck build --no-deck", "10"], ["| cheatdeck build --no-deck", "20"],
                   ["| cheatdeck build", "20"], ["| cheatdeck build", "200"],
                   ["| cheatdeck build after editing one answer", "20"],
                   ["| cheatdeck build, nothing changed", "20"]]
    assert not list(tmp_path.glob(".bench-work-*"))  # the work folder is removed
