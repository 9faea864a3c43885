"""Benchmark runner: ``python -m benchmarks [--quick] [--out FILE]``.

Generates synthetic libraries (``benchmarks.synth``) of 1k, 10k and 100k cards (``--quick``: 1k
only, 3 runs, under a minute) and
measures, each step in its own process (peak RSS from ``os.wait4``), the median/min/max of
several runs: read; ``.apkg`` (ours) beside raw genanki writing the same notes; site pages +
MkDocs beside a plain ``mkdocs build`` of the same docs dir; a no-op rebuild; a full
``python build.py`` (wall time, a fresh process each run). Ratios compare figures of one run,
because these machines are shared and noisy. Writes a Markdown report (``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from benchmarks.synth import write_library

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("read", "deck", "deck-warm", "genanki", "site", "mkdocs", "project-noop", "build.py")
LABELS = {"read": "read sources", "deck": ".apkg (cheatdeck)",
          "deck-warm": ".apkg (cheatdeck, fields already rendered)",
          "genanki": ".apkg (raw genanki)",
          "site": "pages + MkDocs (cheatdeck)", "mkdocs": "plain mkdocs build",
          "project-noop": "no-op rebuild", "build.py": "python build.py (full, wall)"}
PACKAGES = ("genanki", "markdown-it-py", "mkdocs", "mkdocs-material", "nh3", "jinja2")


@dataclass(frozen=True)
class Figure:
    """Timings (s) of one step at one size, and its process's peak RSS (MiB)."""

    times: list[float]
    rss_mib: float

    @property
    def median(self) -> float:
        """Median of the runs."""
        return statistics.median(self.times)


def _run_child(command: list[str], cwd: Path) -> tuple[str, float]:
    """Run a child process; return its stdout and its own peak RSS in MiB (``os.wait4``)."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL,
                                   env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}")
    return text, usage.ru_maxrss / 1024  # Linux reports KiB


def _project(work: Path, source: Path) -> Path:
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    (project / "source").mkdir(parents=True)
    for sheet in source.glob("*.md"):
        shutil.copy(sheet, project / "source" / sheet.name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copy(ROOT / "build.py", project / "build.py")
    (project / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Bench"\n')
    return project


def measure(step: str, source: Path, work: Path, runs: int) -> Figure:
    """Measure one step ``runs`` times at the library in ``source``."""
    if step == "build.py":
        project = _project(work, source)
        times, peak = [], 0.0
        for _ in range(runs):
            start = time.perf_counter()
            _, rss = _run_child([sys.executable, "build.py", "--force", "-q"], project)
            times.append(time.perf_counter() - start)
            peak = max(peak, rss)
        return Figure(times, peak)
    cwd = _project(work, source) if step == "project-noop" else ROOT
    step_work = cwd if step == "project-noop" else work / step
    step_work.mkdir(parents=True, exist_ok=True)
    text, rss = _run_child([sys.executable, "-m", "benchmarks.steps", step, str(source),
                            str(step_work), str(runs)], ROOT)
    return Figure(json.loads(text.strip().splitlines()[-1])["times"], rss)


def _machine() -> list[str]:
    versions = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    return [f"- machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} "
            f"{platform.release()}",
            f"- Python {platform.python_version()}; {versions}"]


def report(results: dict[int, dict[str, Figure]], runs: dict[int, int], quick: bool) -> str:
    """Return RESULTS.md text: machine, one table per size, ratios, growth 10k→100k."""
    lines = ["# Benchmark results", "", f"Written by `python -m benchmarks{' --quick' * quick}`"
             " on a shared 2-core machine; compare ratios within one run.", "", *_machine(), ""]
    for cards, figures in results.items():
        lines += [f"## {cards:,} cards (median of {runs[cards]} runs)", "",
                  "| step | median s | min s | max s | peak RSS MiB |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for step, fig in figures.items():
            lines.append(f"| {LABELS[step]} | {fig.median:.3f} | {min(fig.times):.3f} | "
                         f"{max(fig.times):.3f} | {fig.rss_mib:.0f} |")
        deck = figures["deck"].median / figures["genanki"].median
        warm = figures["deck-warm"].median / figures["genanki"].median
        site = figures["site"].median / figures["mkdocs"].median
        lines += ["", f"- deck ÷ raw genanki: **{deck:.2f}×** (target ≤ 1.3×)",
                  f"- deck with fields already rendered (as in a full build, where the site "
                  f"shares the renderer's memo) ÷ raw genanki: **{warm:.2f}×**",
                  f"- site ÷ plain mkdocs build: **{site:.2f}×** (target ≤ 1.3×)", ""]
    if 10_000 in results and 100_000 in results:
        lines += ["## Growth 10k → 100k cards (×10 input)", "", "| step | factor |",
                  "| --- | ---: |"]
        for step in results[100_000]:
            factor = results[100_000][step].median / results[10_000][step].median
            lines.append(f"| {LABELS[step]} | {factor:.1f}× |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the suite; write the report; return 0."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="1k cards, 3 runs of each step (under a minute)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    sizes = {1_000: 3} if args.quick else {1_000: 5, 10_000: 5, 100_000: 3}
    results: dict[int, dict[str, Figure]] = {}
    with tempfile.TemporaryDirectory(prefix="cheatdeck-bench-") as tmp:
        for cards, runs in sizes.items():
            source = Path(tmp) / f"source-{cards}"
            write_library(source, cards=cards)
            results[cards] = {}
            for step in STEPS:
                results[cards][step] = measure(step, source, Path(tmp) / f"work-{cards}", runs)
                print(f"{cards:>7,} cards  {LABELS[step]:<30} "
                      f"{results[cards][step].median:8.3f} s", file=sys.stderr)
    args.out.write_text(report(results, sizes, args.quick), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
