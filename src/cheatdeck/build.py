"""``cheatdeck build``: read every sheet, then write the ``.apkg`` and the site, or nothing.

Gather everything, then write (STYLE.md, after mkdocs' ``build()``): the sources are read and
checked, the deck is built in memory and the site is built into a staging folder; only then are
the outputs swapped in (``os.replace`` for the ``.apkg``, an atomic folder exchange for the
site). A content error, or a build killed at any moment, leaves the previous outputs whole.
A build whose inputs did not change since the last one writes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cheatdeck.changes import BuildState, NoteChanges, plan_changes
from cheatdeck.config import Config
from cheatdeck.diagnostics import Diagnostic
from cheatdeck.errors import LedgerError, OutputError
from cheatdeck.files import replace_dir, write_atomic
from cheatdeck.fragment_cache import CACHE_FILE, FragmentCache
from cheatdeck.inputs import (
    BuildOptions,
    Inputs,
    Paths,
    changed_since,
    fingerprint,
    gather,
    shipped_evidence,
    up_to_date,
)
from cheatdeck.ledger import LEDGER_FILE, Ledger, describe_change, same_text
from cheatdeck.ledger_file import load_ledger
from cheatdeck.ledger_match import Rewording
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.operations import read_sheets
from cheatdeck.outputs import check_outputs, mark, planned_outputs
from cheatdeck.plan import NotePlan, plan_notes
from cheatdeck.source_date import change_time
from cheatdeck.work_folder import WORK_DIR, open_work_folder, project_lock, staging_for, sweep, temp_prefix

__all__ = ["BuildOptions", "BuildReport", "run_build"]

@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary.

    Attributes:
        sheets, sections, notes, cards: counts of the library, notes and cards as Anki counts
            them (retired notes not included).
        warnings: the sources' warnings, formatted (a skipped build repeats the last ones).
        changes: notes added/changed/removed/kept against the ledger (None with ``--no-deck``,
            ``--check`` or a skipped build).
        outputs: ``(path, size in bytes)`` of each output written (the site: total of its files).
        skipped: True when nothing changed and nothing was written.
        elapsed: wall time in seconds.
        reworded: questions that kept an older note's GUID (old → new, :mod:`ledger_match`).
        retired: questions (or fact subjects) shipped as retired notes (tag cheatdeck::retired).
        checked: True for ``--check``: read and validated, nothing built or written.
        default_site_config: True when the site was built with the packaged ``mkdocs.yml``
            because the project has none (:func:`cheatdeck.project.site_config`).
    """

    sheets: int
    sections: int
    notes: int
    cards: int
    warnings: tuple[str, ...]
    changes: NoteChanges | None
    outputs: tuple[tuple[Path, int], ...]
    skipped: bool
    elapsed: float
    reworded: tuple[Rewording, ...] = ()
    retired: tuple[str, ...] = ()
    checked: bool = False
    default_site_config: bool = False


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass(frozen=True, slots=True)
class Reading:
    """Phase "read": the model and what the reader said about it.

    Attributes:
        library: the sheets.
        warnings: the diagnostics, formatted (all warnings: an error stops the build).
        counts: sheets, sections, notes and cards of the library.
    """

    library: Library
    warnings: tuple[str, ...]
    counts: tuple[int, int, int, int]


def read(paths: Paths, options: BuildOptions, emit: Callable[[Diagnostic], None]) -> Reading:
    """Phase "read": read every sheet, emitting each diagnostic.

    Raises:
        SourceError: an error (or, with ``strict``, any warning); nothing written.
    """
    library, diagnostics = read_sheets([paths.source], emit=emit, strict=options.strict)
    sections = library.sections
    counts = (len(library.sheets), len(sections), sum(s.note_count for s in sections),
              sum(s.card_count for s in sections))
    # An info (a contents table, a question with no answer) is no warning (issue 19).
    return Reading(library, tuple(d.format() for d in diagnostics if d.level == "warning"),
                   counts)


def identify(config: Config, options: BuildOptions, paths: Paths, inputs: Inputs,
             library: Library, now: int, renderer: MarkupRenderer) -> tuple[Ledger, NotePlan]:
    """Phase "identify": load the ledger (refusing a lost one) and compute the note plan.

    Returns:
        The ledger as read and the plan.

    Raises:
        LedgerError: the ledger is lost, cut short or malformed; ``--frozen`` and the ledger
            would change; ``--new-identity`` names no question.
        SourceError: two notes would share a GUID.
    """
    shipped = "" if inputs.ledger_text is not None else shipped_evidence(paths, inputs.previous)
    ledger = load_ledger(inputs.ledger_text, path=paths.ledger, shipped=shipped,
                         new_ledger=options.new_ledger)
    # Without a deck the site needs the GUIDs only: no Anki fields are rendered (issue 15); the
    # ledger, which records their digests, is then neither written nor compared.
    plan = plan_notes(library, ledger, root_deck=config.deck, site_url=config.site_url,
                      renderer=renderer, now=now, new_identity=options.new_identity,
                      fields=options.deck or options.frozen)
    if options.frozen and not same_text(inputs.ledger_text, plan.ledger().dumps()):
        raise LedgerError(f"{paths.ledger.as_posix()}: would change with --frozen "
                          f"({describe_change(ledger, plan.ledger())}); run `cheatdeck build` "
                          "and commit it")
    return ledger, plan


def run_build(config: Config, options: BuildOptions, *, environ: Mapping[str, str],
              emit: Callable[[Diagnostic], None],
              clock: Callable[[], float] = time.time,
              notify: Callable[[str], None] | None = None) -> BuildReport:
    """Run one build, holding the project lock (one build at a time, issue 11 item 4).

    The output folders are checked first (:func:`cheatdeck.outputs.check_outputs`); then the
    lock is taken, what a killed build left in the work folder is removed
    (:func:`cheatdeck.work_folder.sweep`) and the phases run: gather, read, identify, render
    and publish, or skip when nothing changed. ``--check`` writes nothing and takes no lock.

    Args:
        config: the project configuration (paths already overridden by the CLI).
        options: what to build.
        environ: the environment (``SOURCE_DATE_EPOCH``).
        emit: called with each diagnostic, in order, as soon as the sources are read.
        clock: the wall clock, read only for notes whose content changed and only when
            ``SOURCE_DATE_EPOCH`` is unset (:func:`cheatdeck.source_date.change_time`).
        notify: called with one line when the build must wait for another one (default: drop).

    Returns:
        The :class:`BuildReport`.

    Raises:
        SourceError: the sources have errors (or warnings, with ``strict``); nothing written.
        ConfigError: bad SOURCE_DATE_EPOCH.
        OutputError: an output cannot be written, or an output folder is one the build must
            not touch (:func:`cheatdeck.outputs.check_outputs`); the previous outputs are
            left whole.
        SiteBuildError: MkDocs failed or warned (strict); the previous site is left whole.
        LedgerError: the ledger is lost, cut short, malformed or not a file, would change with
            ``frozen``, or ``new_identity`` names no question; nothing written.
    """
    start = time.perf_counter()
    paths = Paths.of(config)
    if options.check_only:
        return _phases(config, options, paths, environ=environ, emit=emit, clock=clock,
                       staging=None, start=start)
    work = config.path(WORK_DIR)
    # Before anything is read or written: a refused build touches nothing.
    check_outputs(planned_outputs(config, deck=options.deck, site=options.site),
                  root=config.root, source=paths.source, home=Path.home(), work=work)
    staging = open_work_folder(work)
    with project_lock(work, command="cheatdeck build", notify=notify or (lambda line: None)):
        sweep(staging, site_dir=paths.site_dir, source=paths.source, ledger_name=LEDGER_FILE)
        return _phases(config, options, paths, environ=environ, emit=emit, clock=clock,
                       staging=staging, start=start)


def _phases(config: Config, options: BuildOptions, paths: Paths, *, environ: Mapping[str, str],
            emit: Callable[[Diagnostic], None], clock: Callable[[], float],
            staging: Path | None, start: float) -> BuildReport:
    """The build itself (:func:`run_build`); ``staging`` is the work folder's staging folder
    (None for ``--check``, which writes nothing)."""
    inputs = gather(config, options, paths)
    if up_to_date(inputs, options, paths):
        assert inputs.previous is not None
        return BuildReport(*inputs.previous.counts, inputs.previous.warnings, None, (), True,
                           time.perf_counter() - start)
    reading = read(paths, options, emit)
    if options.check_only and not options.frozen:
        return BuildReport(*reading.counts, reading.warnings, None, (), False,
                           time.perf_counter() - start, checked=True)
    # One memo for the deck and the site: they render the same cells (images differ only in
    # their src prefix, which the renderer keys its memo by).
    # Fragments rendered by earlier builds (issue 15): only new or edited cells are rendered.
    cache_path = config.path(WORK_DIR) / CACHE_FILE
    cache = FragmentCache.load(cache_path)
    renderer = MarkupRenderer(media=reading.library.media_names, cache=cache)
    ledger, plan = identify(config, options, paths, inputs, reading.library,
                            change_time(environ, clock=clock), renderer)
    for diagnostic in plan.diagnostics:
        emit(diagnostic)
    warnings = reading.warnings + tuple(d.format() for d in plan.diagnostics)
    if options.check_only:
        return BuildReport(*reading.counts, warnings, None, (), False,
                           time.perf_counter() - start, checked=True)
    outputs = _write_outputs(reading.library, plan, config=config, options=options,
                             paths=paths, renderer=renderer, staging=staging)
    try:
        cache.save(cache_path, tmp_dir=staging)
    except OutputError:
        pass  # only a cache: the next build renders what it lacks; the outputs are published
    stamp = inputs.fingerprint
    new_ledger = plan.ledger().dumps()
    if options.deck and not same_text(inputs.ledger_text, new_ledger):  # recorded once shipped
        write_atomic(paths.ledger, new_ledger.encode("utf-8"), tmp_dir=staging)
        outputs += ((paths.ledger, len(new_ledger.encode("utf-8"))),)
        stamp = fingerprint(inputs.digest, new_ledger)
    if changed_since(inputs, config, options, paths):
        stamp = ""  # the outputs may lack an edit made meanwhile: the next build runs
    built = tuple(name for name, wanted in (("deck", options.deck), ("site", options.site))
                  if wanted)
    if inputs.previous and inputs.previous.fingerprint == stamp:
        built = tuple(sorted(set(built) | set(inputs.previous.built)))
    write_atomic(paths.state, BuildState(stamp, built, warnings, reading.counts).dumps().encode(),
                 tmp_dir=staging)
    changes = plan_changes(plan, first_build=not ledger.entries) if options.deck else None
    return BuildReport(*reading.counts, warnings, changes, outputs, False,
                       time.perf_counter() - start,
                       plan.reworded if options.deck else (),
                       tuple(n.text for n in plan.having("retired")) if options.deck else (),
                       default_site_config=options.site and paths.default_site)


def _write_outputs(library: Library, plan: NotePlan, *, config: Config,
                   options: BuildOptions, paths: Paths,
                   renderer: MarkupRenderer,
                   staging: Path | None) -> tuple[tuple[Path, int], ...]:
    """Phases "render" and "publish": build every output into a staging folder (in the work
    folder's ``staging``), then swap them all in. The site's study progress is keyed by the
    GUIDs the deck ships (the plan's rewording overrides)."""
    # genanki and MkDocs load only now: a no-op rebuild never needs them (half its start-up).
    from cheatdeck.anki import build_package, package_bytes

    site_dir, apkg = paths.site_dir, paths.apkg
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    assert staging is not None  # only --check, which never gets here, runs without one
    place = staging_for(staging, site_dir)
    prefix = (temp_prefix("build") if place == staging
              else f".cheatdeck-staging-{temp_prefix('build')}")
    staging = Path(tempfile.mkdtemp(dir=place, prefix=prefix))
    try:
        deck_bytes = (package_bytes(build_package(plan, media=library.media_files))
                      if options.deck else None)
        staged_apkg = staging / apkg.name
        if deck_bytes is not None:
            staged_apkg.write_bytes(deck_bytes)
        staged_site = staging / "site"
        if options.site:
            # MkDocs (and Material, jieba …) load only when a site is built: ``--no-site``
            # and no-op builds never pay for that import (issue 15).
            from cheatdeck.site.mkdocs_build import build_site

            build_site(library, config_file=paths.mkdocs_yml, docs_dir=paths.docs_dir,
                       site_dir=staged_site, title=config.deck,
                       deck_path=staged_apkg if deck_bytes else None, renderer=renderer,
                       site_name=config.deck if paths.default_site else None,
                       guids=plan.overrides, site_url=config.site_url,
                       cache_dir=config.path(WORK_DIR))
            mark(staged_site, "site")  # the next build may replace it (cheatdeck.outputs)
        return publish(deck_bytes, apkg, staged_site if options.site else None, site_dir,
                       tmp_dir=staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(deck_bytes: bytes | None, apkg: Path, staged_site: Path | None,
            site_dir: Path, *, tmp_dir: Path | None = None) -> tuple[tuple[Path, int], ...]:
    """Swap the finished outputs into place: the ``.apkg`` by rename, the site by exchange.

    ``tmp_dir``: where the ``.apkg``'s temp file goes (:func:`cheatdeck.files.write_atomic`).

    Returns:
        ``(path, size in bytes)`` of each output published.
    """
    outputs = []
    if deck_bytes is not None:
        write_atomic(apkg, deck_bytes, tmp_dir=tmp_dir)
        try:
            mark(apkg.parent, "dist")
        except OSError as exc:
            raise OutputError(f"{apkg.parent.as_posix()}: cannot write: {exc.strerror}") from None
        outputs.append((apkg, len(deck_bytes)))
    if staged_site is not None:
        size = _tree_size(staged_site)
        replace_dir(staged_site, site_dir)
        outputs.append((site_dir, size))
    return tuple(outputs)
