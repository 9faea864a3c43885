"""Hostile inputs for the reader and the shared renderer, and their timings at growing sizes.

``python -m benchmarks.hostile`` prints, for each input, the time to read it and to render every
card at sizes n/4 and n, and the ratio of the two: about 4 for linear time, 16 for quadratic
(ratios of times under ~10 ms are noise).
The inputs of issue 7 item 3 are here at their stated sizes: 100,000 pipes on one line, 50,000
nested emphasis markers, a 1 MB cell and a 10 MB sheet. tests/test_hardening_hostile.py reads and
renders the same generators at small sizes and checks what they give (no clock in the tests).

``python -m benchmarks.hostile --growth`` is the quick check that was once a unit test (it flaked
on a loaded machine): each input at n and 4n (n = 10,000; the 10 MB sheet at 250,000 and
1,000,000 characters), best of three, read + render; linear time gives a ratio near 4, quadratic
near 16. It fails (exit 1) when a 4n run takes more than 8× its n run + 20 ms.

A second table times whole site builds (read, render pages, MkDocs) for the inputs of issue 11
item 6 at n/4 and n: ``<sup>`` nested 5,000 → 20,000 deep in one cell, and 625 → 2,500
one-card sections (the nav once listed every section on every page). The goal: ratio ≤ 5.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cheatdeck.markup import MarkupRenderer
from cheatdeck.reader import read_text

HEAD = "# S\n\n## A\n\n| Question | Answer |\n| --- | --- |\n"


def _ten_mb_sheet(n: int) -> str:
    rows = [f"| Question {i}: what does `x_{i}` do with $n^{i}$? | It **adds** {i} \\| {i + 1}"
            f" to the <br> sum, see *note* {i} |" for i in range(n)]
    sections = [f"## Section {start}\n\n| Question | Answer |\n| --- | --- |\n"
                + "\n".join(rows[start:start + 500]) for start in range(0, n, 500)]
    return "# Big\n\n" + "\n\n".join(sections) + "\n"


HOSTILE: dict[str, tuple[Callable[[int], str], int]] = {
    "pipes on one line": (lambda n: HEAD + "| q | " + "|" * n + "\n", 100_000),
    "pipes in a header": (lambda n: "# S\n\n## A\n\n" + "|" * n + "\n" + "|-" * n + "\n"
                          + "| a |\n" * 100, 100_000),
    "unknown Q&A columns": (lambda n: "# S\n\n## A\n\n| Question | Answer | "
                            + " | ".join(f"c{i}" for i in range(n // 8)) + " |\n|---|---|"
                            + "---|" * (n // 8) + "\n| q | a |\n", 100_000),
    "escaped pipes": (lambda n: HEAD + "| q | " + "\\|" * (n // 2) + " |\n", 100_000),
    "nested emphasis": (lambda n: HEAD + "| q | " + "*" * (n // 2) + "a" + "*" * (n // 2)
                        + " |\n", 50_000),
    "open brackets": (lambda n: HEAD + "| q | " + "[" * n + " |\n", 50_000),
    "one 1 MB cell": (lambda n: HEAD + "| q | " + "word " * (n // 5) + "|\n", 1_000_000),
    "run-in gotchas": (lambda n: '# S\n\n## A\n\n- "a" — b' + ' - "x' * (n // 5) + "\n",
                       100_000),
    "unclosed quotes": (lambda n: '# S\n\n## A\n\n- "a' + '" ' * (n // 2) + "\n", 100_000),
    "dollars and backticks": (lambda n: HEAD + "| q | " + "$a `" * (n // 4) + " |\n", 100_000),
    "nested lists": (lambda n: HEAD + "| q | a |\n\n" + "- " * (n // 2) + "x\n", 100_000),
    "dashes then a delimiter": (lambda n: "# S\n\n## A\n\n" + "-" * n + "x\n|---|\n", 100_000),
    "10 MB sheet": (lambda n: _ten_mb_sheet(n // 100), 10_000_000),
}
"""name → (make text of about n characters, the size issue 7 names or a default)."""


def _one_card_sections(n: int) -> str:
    return "# S\n\n" + "".join(f"## Section {i}\n\n| Question | Answer |\n| --- | --- |\n"
                                f"| What is {i}? | Answer {i} |\n\n" for i in range(n))


SITE_HOSTILE: dict[str, tuple[Callable[[int], str], int]] = {
    "nested <sup> in one cell": (lambda n: HEAD + "| q | " + "<sup>" * n + "x" + "</sup>" * n
                                 + " |\n", 20_000),
    "one-card sections": (_one_card_sections, 2_500),
}
"""name → (make a sheet for size n, n) for :func:`site_time` (issue 11 item 6)."""

MKDOCS_YML = Path(__file__).resolve().parent.parent / "mkdocs.yml"


def site_time(text: str) -> float:
    """Seconds to read ``text`` and build its whole study site (pages + MkDocs) in a temp dir."""
    from cheatdeck.model import Library
    from cheatdeck.site import build_site

    start = time.perf_counter()
    sheet, _ = read_text(text, path="hostile.md")
    assert sheet is not None
    with tempfile.TemporaryDirectory() as folder:
        build_site(Library((sheet,)), config_file=MKDOCS_YML, docs_dir=Path(folder) / "docs",
                   site_dir=Path(folder) / "site", title="Hostile")
    return time.perf_counter() - start


def time_once(text: str, markup: MarkupRenderer | None) -> tuple[float, float]:
    """Seconds to read ``text``, and to render every card's question and answer after that
    (0 when ``markup`` is None)."""
    start = time.perf_counter()
    sheet, _ = read_text(text, path="hostile.md")
    read = time.perf_counter()
    if markup is None or sheet is None:
        return read - start, 0.0
    for card in sheet.cards:
        markup.inline(card.question)
        markup.block(card.answer)
    return read - start, time.perf_counter() - read


def best_time(text: str, markup: MarkupRenderer | None, runs: int = 3) -> tuple[float, float]:
    """The fastest of ``runs`` timings (the least disturbed by other load), read and render."""
    times = [time_once(text, markup) for _ in range(runs)]
    return min(t[0] for t in times), min(t[1] for t in times)


GROWTH_N = 10_000
"""n for :func:`growth`: the 4n run takes milliseconds to a second (markdown-it's inline parser
costs about 10 µs per bracket or emphasis marker)."""

GROWTH_SIZES = {"10 MB sheet": (250_000, 1_000_000)}
"""Inputs that :func:`growth` times at other sizes than ``GROWTH_N`` and 4 × ``GROWTH_N``."""

GROWTH_BOUND = 8.0
"""A 4n run may take this many times its n run (+ 20 ms): room for a loaded machine, far below
the 16 of quadratic time."""


def growth(names: list[str] | None = None) -> list[tuple[str, int, float, float, bool]]:
    """Time each hostile input (``names``, default all) at n and 4n, best of three, read +
    render (the 10 MB sheet: read only, as its cards are plain).

    Returns:
        ``(name, n, seconds at n, seconds at 4n, within GROWTH_BOUND)`` per input.
    """
    rows = []
    for name in names or list(HOSTILE):
        make, _ = HOSTILE[name]
        small_n, large_n = GROWTH_SIZES.get(name, (GROWTH_N, 4 * GROWTH_N))
        markup = None if name in GROWTH_SIZES else MarkupRenderer()
        small, large = (sum(best_time(make(n), markup)) for n in (small_n, large_n))
        rows.append((name, small_n, small, large, large < GROWTH_BOUND * small + 0.02))
    return rows


def main_growth() -> int:
    """Print :func:`growth` as a Markdown table; return 1 if an input grew faster than linear."""
    print(f"| input | n → 4n | read + render s | ratio | ≤ {GROWTH_BOUND:g}× |\n|---|---|---|---|---|")
    failed = 0
    for name, n, small, large, ok in growth():
        failed += not ok
        print(f"| {name} | {n:,} → {4 * n:,} | {small:.4f} → {large:.4f} "
              f"| {large / max(small, 1e-4):.1f} | {'yes' if ok else '**NO**'} |", flush=True)
    return 1 if failed else 0


def main() -> None:
    """Print a Markdown table: per input, read and render seconds at n/4 and n, and the ratios."""
    markup = MarkupRenderer()
    print("| input | n | read s (n/4 → n) | ratio | render s (n/4 → n) | ratio |\n"
          "|---|---|---|---|---|---|")
    for name, (make, size) in HOSTILE.items():
        runs = 1 if size >= 10_000_000 else 3
        (r1, m1), (r4, m4) = (best_time(make(size // d), markup, runs) for d in (4, 1))
        print(f"| {name} | {size:,} | {r1:.3f} → {r4:.3f} | {r4 / max(r1, 1e-4):.1f} "
              f"| {m1:.3f} → {m4:.3f} | {m4 / max(m1, 1e-4):.1f} |", flush=True)
    print("\n| site input | n/4 → n | site build s | ratio |\n|---|---|---|---|")
    for name, (make, size) in SITE_HOSTILE.items():
        small, large = site_time(make(size // 4)), site_time(make(size))
        print(f"| {name} | {size // 4:,} → {size:,} | {small:.2f} → {large:.2f} "
              f"| {large / small:.1f} |", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--growth"]:
        raise SystemExit(main_growth())
    main()
