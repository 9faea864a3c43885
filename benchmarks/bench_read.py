"""Reader speed: a 10,000-card sheet set and a 100,000-card one (``python -m benchmarks.bench_read``)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synth import write_library
from cheatdeck.reader import read_paths


def time_read(folder: Path, runs: int) -> list[float]:
    """Return the wall time (s) of ``runs`` full reads of every sheet in ``folder``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        library, diagnostics = read_paths([folder])
        times.append(time.perf_counter() - start)
        assert library.sheets and not diagnostics, diagnostics[:3]
    return times


def main() -> None:
    """Print a Markdown table of read times at 1k, 10k and 100k cards."""
    print("| cards | median s | min s | max s |\n| --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for cards, runs in ((1_000, 5), (10_000, 5), (100_000, 3)):
            folder = Path(tmp) / str(cards)
            write_library(folder, cards=cards)
            times = time_read(folder, runs)
            print(f"| {cards:,} | {statistics.median(times):.3f} | {min(times):.3f} "
                  f"| {max(times):.3f} |")


if __name__ == "__main__":
    main()
