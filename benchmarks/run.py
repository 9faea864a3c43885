"""``python -m benchmarks [--quick | --scale F] [--runs N] [--out FILE]``: issue 15's table.

cheatdeck against the reference baselines of ``benchmarks/baselines/`` (copied from the project's
shared ``bench/`` folder, see its README), measured in the same run, alternating cheatdeck and
baseline, and reported as ratios (the machine is shared and noisy; only ratios within one run
compare). No baseline is cheatdeck's own output:

* deck only: ``cheatdeck build --no-site`` vs ``minimal_pipeline.py`` (markdown-it-py → genanki);
* site only: ``cheatdeck build --no-deck`` vs ``mkdocs build`` of ``plain_site.py``'s pages (the
  same questions as plain Markdown, Material + search only);
* full build: ``cheatdeck build`` vs the minimal script followed by that ``mkdocs build``;
* peak RSS of the full build, the ledger's size against the sources', a rebuild after editing one
  answer against a full build, and the growth from the middle size to the large one.

Every figure is a whole fresh process (:mod:`benchmarks.measure`); every cheatdeck build starts
clean (no ``build/``, ``site/``, ``dist/`` or ledger) except the rebuild. The sheet is
``synth_sheet.py``'s (one file, 50 cards per section). Sizes are 1k/10k/100k cards, times
``--scale`` (``--quick``: ×0.01, seconds). The large size runs once (it takes many minutes).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from benchmarks.measure import Sample, Series, run
from benchmarks.table import Figures, report

ROOT = Path(__file__).resolve().parent.parent
BASELINES = Path(__file__).resolve().parent / "baselines"
PACKAGES = ("genanki", "markdown-it-py", "mkdocs", "mkdocs-material", "nh3")
GENERATED = ("build", "site", "dist", "source/cheatdeck.lock")
"""What a cheatdeck build leaves in the project; removed before every clean build."""


@dataclass(slots=True)
class Workspace:
    """One size's folders: the sheet, a cheatdeck project holding it, the plain site's pages."""

    cards: int
    folder: Path
    project: Path = field(init=False)
    plain: Path = field(init=False)
    sheet_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.project = self.folder / "project"
        self.plain = self.folder / "plain"
        self.sheet_dir = self.folder / "sheets"

    def prepare(self) -> None:
        """Write the synthetic sheet, the project and the plain site (not timed)."""
        self.sheet_dir.mkdir(parents=True, exist_ok=True)
        sheet = self.sheet_dir / "sheet.md"
        _script("synth_sheet.py", str(self.cards), str(sheet))
        (self.project / "source").mkdir(parents=True, exist_ok=True)
        shutil.copy(sheet, self.project / "source" / "sheet.md")
        (self.project / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Bench"\n',
                                                     encoding="utf-8")
        _script("plain_site.py", str(sheet), str(self.plain))

    def clean(self) -> None:
        """Remove everything a cheatdeck build made, so the next one is a first build."""
        for name in GENERATED:
            path = self.project / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def cheatdeck(self, *flags: str) -> Sample:
        """Time ``cheatdeck build -q FLAGS`` in the project."""
        return run([sys.executable, "-m", "cheatdeck", "build", "-q", *flags], self.project)

    def minimal(self) -> Sample:
        """Time the minimal deck script on the same sheet."""
        return run([sys.executable, str(BASELINES / "minimal_pipeline.py"), str(self.sheet_dir),
                    str(self.folder / "minimal.apkg")], self.folder)

    def mkdocs(self) -> Sample:
        """Time ``mkdocs build`` of the plain pages (its site folder removed first)."""
        shutil.rmtree(self.plain / "site", ignore_errors=True)
        return run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                    str(self.plain / "mkdocs.yml")], self.plain)

    def edit_answer(self, serial: int) -> None:
        """Change one word of one answer (a different one for each ``serial``)."""
        path = self.project / "source" / "sheet.md"
        lines = path.read_text(encoding="utf-8").split("\n")
        rows = [i for i, line in enumerate(lines) if line.startswith("| Q")]
        index = rows[(len(rows) // 2 + 7 * serial) % len(rows)]
        lines[index] = lines[index].replace(" | ", f" | edited{serial} ", 1)
        path.write_text("\n".join(lines), encoding="utf-8")


def _script(name: str, *args: str) -> None:
    run([sys.executable, str(BASELINES / name), *args], BASELINES)


def _add(figures: Figures, name: str, cards: int, sample: Sample) -> Sample:
    figures.setdefault((name, cards), Series()).samples.append(sample)
    return sample


def measure(small: int, middle: int, large: int, runs: int, work: Path,
            log: bool = True) -> tuple[Figures, dict[str, float]]:
    """Run every step; return the figures and the large size's ledger and sources in bytes.

    Args:
        small, middle, large: card counts (1k, 10k, 100k unscaled).
        runs: runs per step at ``small`` and ``middle`` (one at ``large``).
        work: an empty folder for the workspaces.
        log: print progress to stderr.

    Returns:
        ``{(step, cards): Series}`` with steps ``deck``/``minimal``, ``site``/``mkdocs``,
        ``full``/``baseline`` (minimal + mkdocs, run one after the other), ``rebuild`` and
        ``noop`` (middle size only); and ``{"ledger": bytes, "sources": bytes}``.
    """
    figures: Figures = {}
    sizes: dict[str, float] = {}
    spaces = {n: Workspace(n, work / f"cards-{n}") for n in sorted({small, middle, large})}
    for space in spaces.values():
        space.prepare()
    for cards, space in spaces.items():
        count = 1 if cards == large else runs
        for attempt in range(count):  # each step: cheatdeck, then its baseline
            if cards != small:
                space.clean()
                _add(figures, "deck", cards, space.cheatdeck("--no-site"))
                _add(figures, "minimal", cards, space.minimal())
            if cards != large:
                space.clean()
                _add(figures, "site", cards, space.cheatdeck("--no-deck"))
                _add(figures, "mkdocs", cards, space.mkdocs())
            if cards != small:
                space.clean()
                _add(figures, "full", cards, space.cheatdeck())
                minimal, mkdocs = space.minimal(), space.mkdocs()
                _add(figures, "baseline", cards, minimal + mkdocs)
                if cards == large:  # at the middle size the site-only runs measured it
                    _add(figures, "mkdocs", cards, mkdocs)
            if cards == middle:  # the everyday loop: one answer edited, then build
                space.edit_answer(attempt)
                _add(figures, "rebuild", cards, space.cheatdeck())
                _add(figures, "noop", cards, space.cheatdeck())
            if log:
                print(f"{cards:>7,} cards: run {attempt + 1}/{count} done", file=sys.stderr,
                      flush=True)
        if cards == large:
            sources = sum(p.stat().st_size for p in (space.project / "source").glob("*.md"))
            ledger = space.project / "source" / "cheatdeck.lock"
            sizes = {"ledger": float(ledger.stat().st_size) if ledger.is_file() else 0.0,
                     "sources": float(sources)}
    return figures, sizes


def _machine() -> list[str]:
    versions = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"- machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} "
            f"{platform.release()}; load average at the start: {load}",
            f"- Python {platform.python_version()}; {versions}"]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table and write it to ``--out``; return 0."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the sizes 1k/10k/100k by this (default 1)")
    parser.add_argument("--quick", action="store_const", const=0.01, dest="scale",
                        help="sizes ×0.01: 10/100/1,000 cards (seconds, for development)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per step below the largest size (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    small, middle, large = (max(10, round(n * args.scale)) for n in (1_000, 10_000, 100_000))
    command = "python -m benchmarks" + ("" if args.scale == 1 else f" --scale {args.scale:g}")
    header = _machine()
    started = time.time()
    work = args.out.parent / f".bench-work-{os.getpid()}"
    try:
        figures, sizes = measure(small, middle, large, args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    header.append(f"- {time.time() - started:.0f} s in all; load average at the end: {load}")
    text = report(figures, sizes, sizes_used=(small, middle, large), runs=args.runs,
                  command=command, header=header)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
