"""Turn the figures of one benchmark run into issue 15's table and a table of raw figures."""

from __future__ import annotations

from benchmarks.measure import Series

Figures = dict[tuple[str, int], Series]
"""``(step, cards) → Series``; the steps are listed in :func:`benchmarks.run.measure`."""

PAIRS = (("deck", "minimal", "cheatdeck build --no-site", "minimal_pipeline.py"),
         ("site", "mkdocs", "cheatdeck build --no-deck", "mkdocs build (plain_site.py pages)"),
         ("full", "baseline", "cheatdeck build", "minimal_pipeline.py + mkdocs build"),
         ("rebuild", None, "cheatdeck build after editing one answer", ""),
         ("noop", None, "cheatdeck build, nothing changed", ""))


def size(cards: int) -> str:
    """``10000`` → ``"10k"``, ``1500`` → ``"1.5k"``, ``100`` → ``"100"``."""
    return f"{cards / 1000:g}k" if cards >= 1000 else str(cards)


def _ratio(figures: Figures, ours: str, theirs: str, cards: int, what: str = "wall") -> float:
    return getattr(figures[(ours, cards)], what) / getattr(figures[(theirs, cards)], what)


def _verdict(values: list[float], limit: float) -> str:
    return "met" if all(v <= limit for v in values) else "**not met**"


def report(figures: Figures, sizes: dict[str, float], *, sizes_used: tuple[int, int, int],
           runs: int, command: str, header: list[str]) -> str:
    """Return the Markdown report of one run.

    Args:
        figures: what :func:`benchmarks.run.measure` returned.
        sizes: ``{"ledger": bytes, "sources": bytes}`` at the large size.
        sizes_used: the small, middle and large card counts.
        runs: runs per step below the large size (medians are reported).
        command: the command line that made the run.
        header: lines about the machine and its load.

    Returns:
        The text: a title, ``header``, issue 15's table (ratio "now" and target per row) and
        the raw figures (median wall s, CPU s, peak RSS MiB) of every step.
    """
    small, middle, large = sizes_used
    s, m, big = size(small), size(middle), size(large)
    deck = [_ratio(figures, "deck", "minimal", n) for n in (middle, large)]
    site = [_ratio(figures, "site", "mkdocs", n) for n in (small, middle)]
    full = [_ratio(figures, "full", "baseline", n) for n in (middle, large)]
    full_cpu = [_ratio(figures, "full", "baseline", n, "cpu") for n in (middle, large)]
    rss, plain_rss = figures[("full", large)].rss_mib, figures[("mkdocs", large)].rss_mib
    ledger = sizes["ledger"] / sizes["sources"]
    rebuild = _ratio(figures, "rebuild", "full", middle)
    growth = {name: figures[(name, large)].wall / figures[(name, middle)].wall
              for name in ("deck", "minimal", "full", "baseline", "mkdocs")}
    rows = [
        ("deck only vs `minimal_pipeline.py`", f"{m} / {big}",
         " / ".join(f"{r:.2f}×" for r in deck), "≤ 1.0×", _verdict(deck, 1.0)),
        ("site only vs `mkdocs build` of `plain_site.py` pages", f"{s} / {m}",
         " / ".join(f"{r:.2f}×" for r in site), "≤ 1.2×", _verdict(site, 1.2)),
        ("full build vs minimal script + plain site", f"{m} / {big}",
         " / ".join(f"{r:.2f}×" for r in full)
         + " (CPU " + " / ".join(f"{r:.2f}×" for r in full_cpu) + ")", "≤ 1.0× / ≤ 0.7×",
         "met" if full[0] <= 1.0 and full[1] <= 0.7 else "**not met**"),
        ("peak RSS, full build", big, f"{rss:,.0f} MiB (plain MkDocs: {plain_rss:,.0f})",
         "≤ 600 MiB", _verdict([rss], 600)),
        ("ledger file size", big, f"{sizes['ledger'] / 1e6:.1f} MB = {ledger:.2f}× the sources",
         "≤ 0.5× the sources", _verdict([ledger], 0.5)),
        ("rebuild after editing one answer", m,
         f"{rebuild:.2f}× a full build ({figures[('rebuild', middle)].wall:.2f} s vs "
         f"{figures[('full', middle)].wall:.2f} s)", "≤ 0.25× a full build",
         _verdict([rebuild], 0.25)),
        (f"growth {m} → {big}, each step", "",
         f"deck {growth['deck']:.1f}×, full build {growth['full']:.1f}×; baselines: minimal "
         f"{growth['minimal']:.1f}×, MkDocs alone {growth['mkdocs']:.1f}×, both "
         f"{growth['baseline']:.1f}×", "≤ 11×",
         _verdict([growth["deck"], growth["full"]], 11.0)),
    ]
    lines = ["# Benchmark results", "",
             f"Written by `{command}` (one run; cheatdeck and baseline alternate, step by step; "
             f"median of {runs} runs below {big} cards, one run at {big}).", "", *header, "",
             "| step | size | cheatdeck ÷ baseline now | target | |",
             "| --- | --- | --- | --- | --- |"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    lines += ["", "Raw figures (each a whole fresh process; wall and CPU seconds are medians, "
              "RSS the largest peak):", "",
              "| step | cards | cheatdeck wall s | CPU s | RSS MiB | baseline | wall s | CPU s "
              "| RSS MiB |", "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"]
    for ours, theirs, label, baseline in PAIRS:
        for cards in (small, middle, large):
            if (ours, cards) not in figures:
                continue
            a = figures[(ours, cards)]
            b = figures.get((theirs, cards)) if theirs else None
            other = (f"{baseline} | {b.wall:.2f} | {b.cpu:.2f} | {b.rss_mib:,.0f}" if b
                     else " | | |")
            lines.append(f"| {label} | {cards:,} | {a.wall:.2f} | {a.cpu:.2f} | "
                         f"{a.rss_mib:,.0f} | {other} |")
    lines += ["", f"Ledger at {big} cards: {sizes['ledger']:,.0f} bytes; sources: "
              f"{sizes['sources']:,.0f} bytes.", ""]
    return "\n".join(lines)
