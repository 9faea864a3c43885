"""One benchmark step, run in its own process so its peak memory is its own.

``python -m benchmarks.steps STEP SOURCE WORK RUNS`` times STEP ``RUNS`` times on the library in
SOURCE (setup, like reading the sources for the deck step, is not timed) and prints one JSON
line ``{"times": [...]}``; the parent reads this process's peak RSS from ``os.wait4``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import genanki
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as mkdocs_config

from cheatdeck.anki import DeckBuild, build_package, default_card_style, note_types, package_bytes
from cheatdeck.build import BuildOptions, run_build
from cheatdeck.config import load_config
from cheatdeck.ledger import Ledger
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.plan import plan_notes
from cheatdeck.reader import read_paths
from cheatdeck.site.mkdocs_build import build_site, write_docs
from cheatdeck.site.pages import render_site_pages

TIMESTAMP = 1_767_225_600
ROOT = Path(__file__).resolve().parent.parent


def _library(source: Path) -> Library:
    library, diagnostics = read_paths([source])
    if diagnostics:
        raise SystemExit(f"synthetic sources have diagnostics: {diagnostics[0]}")
    return library


def _deck(library: Library, renderer: MarkupRenderer | None = None) -> DeckBuild:
    """The deck as the build makes it: the note plan (a first build: no ledger), then genanki."""
    plan = plan_notes(library, Ledger(), root_deck="Bench", site_url="",
                      renderer=renderer or MarkupRenderer(media=library.media_names),
                      now=TIMESTAMP)
    return build_package(plan, media=library.media_files)


def raw_genanki(library: Library, out: Path) -> Callable[[], None]:
    """Baseline: genanki writing the same notes (fields already HTML) with write_to_file."""
    notes = _deck(library).plan.notes

    def step() -> None:
        models = note_types(default_card_style())
        decks: dict[str, genanki.Deck] = {}
        for spec in notes:
            deck = decks.setdefault(spec.deck, genanki.Deck(len(decks) + 1, spec.deck))
            deck.add_note(genanki.Note(model=models[spec.note_type], fields=list(spec.fields),
                                       tags=list(spec.tags), guid=spec.guid))
        genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=TIMESTAMP)
    return step


def setup(name: str, source: Path, work: Path) -> Callable[[], None]:
    """Return the timed action of step ``name`` after its untimed setup."""
    config_file = ROOT / "mkdocs.yml"
    if name == "read":
        return lambda: _library(source) and None
    if name == "project-noop":
        config = load_config(work)
        options = BuildOptions()
        run_build(config, options, environ={"SOURCE_DATE_EPOCH": str(TIMESTAMP)}, emit=print)

        def noop() -> None:
            report = run_build(config, options, environ={"SOURCE_DATE_EPOCH": str(TIMESTAMP)},
                               emit=print)
            assert report.skipped
        return noop
    library = _library(source)
    if name == "deck":
        return lambda: (work / "ours.apkg").write_bytes(package_bytes(_deck(library)))
    if name == "deck-warm":
        renderer = MarkupRenderer()  # fields rendered once in setup, as the site build shares them
        _deck(library, renderer)
        return lambda: (work / "warm.apkg").write_bytes(package_bytes(_deck(library, renderer)))
    if name == "genanki":
        return raw_genanki(library, work / "raw.apkg")
    if name == "site":
        return lambda: build_site(library, config_file=config_file, docs_dir=work / "docs",
                                  site_dir=work / "site", title="Bench")
    if name == "mkdocs":
        write_docs(work / "docs", render_site_pages(library, title="Bench",
                                                    renderer=MarkupRenderer()))
        return lambda: mkdocs_build(mkdocs_config(
            config_file=str(config_file), docs_dir=str(work / "docs"), site_dir=str(work / "site")))
    raise SystemExit(f"unknown step {name!r}")


def main(argv: list[str]) -> None:
    """Entry point: ``STEP SOURCE WORK RUNS``."""
    name, source, work, runs = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    action = setup(name, source, work)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        if name in ("site", "mkdocs"):
            shutil.rmtree(work / "site", ignore_errors=True)
    sys.stdout.write(json.dumps({"times": times}) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: it is not part of any step


if __name__ == "__main__":
    main(sys.argv[1:])
