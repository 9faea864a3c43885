"""Benchmark: write a synthetic 10,000-note deck with cheatdeck vs raw genanki, same run.

Usage: ``python benchmarks/bench_deck.py [--repeat 5]``. Prints a Markdown table of medians.

The synthetic library (built here in code) has 10 sheets × 10 sections; each section holds 90
Q&A cards and a fact table of 10 rows × 4 value columns: 9,000 Q&A + 1,000 fact notes =
10,000 notes, 13,000 cards. Both sides write exactly the same notes (same fields, GUIDs, tags,
note types and decks, taken from cheatdeck's build):

* write: ``write_apkg`` (genanki ``write_to_db`` into memory, reproducible zip, atomic rename)
  vs genanki's ``Package.write_to_file``. This is the issue's target: ≤ 1.3×.
* notes + write: genanki objects made from ready field strings, then written; for cheatdeck
  that is ``build_package`` + ``write_apkg`` from the model, so it also renders every field's
  Markdown (markdown-it-py + nh3), which raw genanki does not do at all. Shown for information.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import genanki

from cheatdeck.anki import DeckBuild, build_package, default_card_style, note_types, write_apkg
from cheatdeck.anki_notes import NoteSpec
from cheatdeck.model import Card, FactRow, FactTable, Library, Section, Sheet, SourcePos

TIMESTAMP = 1_767_225_600
WORK = Path(__file__).parent / "work"


def synthetic_library(sheets: int = 10, sections: int = 10, cards: int = 90, rows: int = 10) -> Library:
    """Return a library of ``sheets × sections × (cards + rows)`` notes with typical cell Markdown."""
    result = []
    for s in range(sheets):
        path = f"bench/sheet-{s}.md"
        section_list = []
        for t in range(sections):
            blocks: list[Card | FactTable] = [
                Card(
                    f"What does `op_{s}_{t}_{c}` do with *inputs* of size $n_{c}$?",
                    f"It maps **x** to `f(x) = x * {c}` in O(n log n)<br>then returns a tensor "
                    f"of shape (batch × {c}) — see step {c}.",
                    kind="gotcha" if c % 10 == 0 else "qa",
                    pos=SourcePos(path, 10 + c),
                )
                for c in range(cards)
            ]
            blocks.append(
                FactTable(
                    ("Model", "Params", "Layers", "Heads", "dim"),
                    tuple(
                        FactRow(f"Model-{s}-{t}-{r}", (f"{r + 1}B", str(8 * r), str(4 * r), f"{128 * r:,}"),
                                SourcePos(path, 200 + r))
                        for r in range(rows)
                    ),
                    SourcePos(path, 199),
                )
            )
            section_list.append(Section(f"section-{t}", "🔥", f"SECTION {t}", tuple(blocks)))
        result.append(Sheet(f"sheet-{s}", f"Sheet {s}", "", "", tuple(section_list), path=path))
    return Library(tuple(result))


def raw_genanki_package(notes: tuple[NoteSpec, ...]) -> genanki.Package:
    """Build the same notes with plain genanki calls: the baseline a hand-written script would use."""
    models = note_types(default_card_style())
    decks: dict[str, genanki.Deck] = {}
    for spec in notes:
        if spec.deck not in decks:
            decks[spec.deck] = genanki.Deck(len(decks) + 1, spec.deck)
        decks[spec.deck].add_note(
            genanki.Note(model=models[spec.note_type], fields=list(spec.fields),
                         tags=list(spec.tags), guid=spec.guid)
        )
    return genanki.Package(list(decks.values()))


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Run ``action`` ``repeat`` times; return the median wall time in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the Markdown table; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    library = synthetic_library()
    build: DeckBuild = build_package(library, root_deck="Bench", timestamp=TIMESTAMP)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    # genanki's write_to_file leaves a temporary SQLite file per write; point the tempfile module
    # of this benchmark process at the scratch folder so they are removed with it.
    tempfile.tempdir = str(WORK)
    ours_apkg, raw_apkg = WORK / "ours.apkg", WORK / "raw.apkg"
    raw_package = raw_genanki_package(build.notes)

    def ours_write() -> None:
        write_apkg(build, ours_apkg)

    def raw_write() -> None:
        raw_package.write_to_file(str(raw_apkg), timestamp=TIMESTAMP)

    def ours_full() -> None:
        write_apkg(build_package(library, root_deck="Bench", timestamp=TIMESTAMP), ours_apkg)

    def raw_full() -> None:
        raw_genanki_package(build.notes).write_to_file(str(raw_apkg), timestamp=TIMESTAMP)

    rows = []
    for label, ours, raw in (("write", ours_write, raw_write), ("notes + write", ours_full, raw_full)):
        # Interleave warm-ups so neither side profits from running second.
        raw()
        ours()
        ours_s, raw_s = median_seconds(ours, args.repeat), median_seconds(raw, args.repeat)
        rows.append((label, ours_s, raw_s))

    print(f"{build.note_count:,} notes, {build.card_count:,} cards; median of {args.repeat} runs; "
          f"ours {ours_apkg.stat().st_size:,} B (deflated), raw genanki {raw_apkg.stat().st_size:,} B (stored)\n")
    print("| step | cheatdeck (s) | raw genanki (s) | ratio |")
    print("|---|---:|---:|---:|")
    for label, ours_s, raw_s in rows:
        print(f"| {label} | {ours_s:.3f} | {raw_s:.3f} | {ours_s / raw_s:.2f}× |")
    print(f"\nwrite ratio: {rows[0][1] / rows[0][2]:.2f}× (target ≤ 1.3×)")
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
