"""``cheatdeck build``: read every sheet, then write the ``.apkg`` and the site, or nothing.

Gather everything, then write (STYLE.md, after mkdocs' ``build()``): the sources are read and
checked, the deck is built in memory and the site is built into a staging folder; only then are
the outputs swapped in (``os.replace`` for the ``.apkg``, an atomic folder exchange for the
site). A content error, or a build killed at any moment, leaves the previous outputs whole.
A build whose inputs did not change since the last one writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files as package_files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from cheatdeck import __version__
from cheatdeck.changes import BuildState, NoteChanges, diff_notes, load_state, note_digests
from cheatdeck.config import Config
from cheatdeck.diagnostics import Diagnostic, OutputError, SourceError, has_errors
from cheatdeck.files import replace_dir, write_atomic
from cheatdeck.ids import deck_slug
from cheatdeck.ledger import (LEDGER_FILE, Ledger, LedgerError, describe_change, read_ledger_text,
                              resolve)
from cheatdeck.ledger_match import Rewording
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.outputs import check_outputs, mark, planned_outputs
from cheatdeck.project import site_config
from cheatdeck.reader import read_paths
from cheatdeck.reader.files import find_sheets
from cheatdeck.reader.media import IMAGE_SUFFIXES
from cheatdeck.source_date import source_date_epoch
from cheatdeck.work_folder import (WORK_DIR, open_work_folder, project_lock, staging_for, sweep,
                                   temp_prefix)

if TYPE_CHECKING:
    from cheatdeck.anki import DeckBuild

STATE_FILE = ".cheatdeck-state.json"
"""Kept in the folder above the docs dir (``build/`` by default), git-ignored."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build.

    Attributes:
        deck: write ``dist/<deck-slug>.apkg``.
        site: write the study site into ``site_dir``.
        strict: treat warnings as errors.
        check_only: read and validate, write nothing.
        force: rebuild even when no input changed.
        frozen: fail if the identity ledger (``source/cheatdeck.lock``) would change (CI).
        new_identity: questions that must not keep an old GUID by a rewording match.
    """

    deck: bool = True
    site: bool = True
    strict: bool = False
    check_only: bool = False
    force: bool = False
    frozen: bool = False
    new_identity: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary.

    Attributes:
        sheets, sections, notes, cards: counts of the library, notes and cards as Anki counts
            them (retired notes not included).
        warnings: the sources' warnings, formatted (a skipped build repeats the last ones).
        changes: notes added/changed/removed since the last build (None with ``--no-deck``,
            ``--check`` or a skipped build).
        outputs: ``(path, size in bytes)`` of each output written (the site: total of its files).
        skipped: True when nothing changed and nothing was written.
        elapsed: wall time in seconds.
        reworded: questions that kept an older note's GUID (old → new, :mod:`ledger_match`).
        retired: questions (or fact subjects) shipped as retired notes (tag cheatdeck::retired).
        checked: True for ``--check``: read and validated, nothing built or written.
        default_site_config: True when the site was built with the packaged ``mkdocs.yml``
            because the project has none (:func:`cheatdeck.project.site_config`).
        kept: questions (or fact subjects) of skipped rows whose notes ship as last shipped.
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
    kept: tuple[str, ...] = ()


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        name = f"{prefix}{child.name}"
        if child.is_dir():
            found.extend(_walk(child, name + "/"))
        elif not name.endswith(".pyc"):
            found.append((name, child.read_bytes()))
    return found


def image_files(source: Path) -> list[Path]:
    """Return every file under ``source`` with an image suffix, sorted: what a sheet may show.

    A superset of the images the sheets use (found without reading them), for the no-op
    fingerprint; symlinked folders are not followed (their targets, if inside, are listed).
    """
    if not source.is_dir():
        return []
    return sorted((p for p in source.rglob("*")
                   if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
                  key=lambda p: p.as_posix())


def fingerprint(config: Config, options: BuildOptions, sources: list[Path],
                environ: Mapping[str, str], ledger: str = "",
                images: list[Path] | None = None) -> str:
    """Return a hash of every input of a build, so an unchanged rebuild can be skipped.

    Covers: cheatdeck's version and packaged templates and assets, the configuration, the
    options, ``mkdocs.yml``, each source file's and image file's (:func:`image_files`) path and
    bytes, and ``SOURCE_DATE_EPOCH`` — or, when it is unset, their modification times (they set
    the deck's timestamp) — and the identity ledger's text (it decides GUIDs and retired notes).
    An image that cannot be read counts by its error (the reader reports it if it is used).
    """
    # Only options that change the outputs count: a --force or --frozen build leaves the same
    # outputs as a plain one, so the plain rebuild after it is still a no-op.
    shape = dataclasses.replace(options, force=False, frozen=False)
    # The root as an absolute path: the same project built from another folder is unchanged.
    where = dataclasses.replace(config, root=config.root.resolve())
    digest = hashlib.sha256(f"cheatdeck {__version__}\n{where!r}\n{shape!r}\n".encode())
    digest.update(f"ledger\n{len(ledger)}\n{ledger}".encode())
    package = package_files("cheatdeck")
    for folder in ("templates", "assets"):
        for name, data in _walk(package / folder, folder + "/"):
            digest.update(f"{name}\n{len(data)}\n".encode() + data)
    mkdocs_yml, default_site = site_config(config.root)
    if not default_site:  # the packaged default is covered by the assets above
        digest.update(mkdocs_yml.read_bytes())
    digest.update(f"SOURCE_DATE_EPOCH={environ.get('SOURCE_DATE_EPOCH')}\n".encode())
    for path in sources:
        data = path.read_bytes()
        mtime = "" if "SOURCE_DATE_EPOCH" in environ else str(int(path.stat().st_mtime))
        digest.update(f"{path.as_posix()}\n{mtime}\n{len(data)}\n".encode() + data)
    for path in images or ():
        try:
            data = path.read_bytes()
            mtime = "" if "SOURCE_DATE_EPOCH" in environ else str(int(path.stat().st_mtime))
        except OSError as error:
            data, mtime = f"unreadable: {error.strerror}".encode(), ""
        digest.update(f"image {path.as_posix()}\n{mtime}\n{len(data)}\n".encode() + data)
    return digest.hexdigest()


def _tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_build(config: Config, options: BuildOptions, *, environ: Mapping[str, str],
              emit: Callable[[Diagnostic], None],
              notify: Callable[[str], None] | None = None) -> BuildReport:
    """Run one build, holding the project lock (one build at a time, issue 11 item 4).

    The output folders are checked first (:func:`cheatdeck.outputs.check_outputs`); then the
    lock is taken, what a killed build left in the work folder is removed
    (:func:`cheatdeck.work_folder.sweep`) and the build runs. ``--check`` writes nothing and
    takes no lock.

    Args:
        config: the project configuration (paths already overridden by the CLI).
        options: what to build.
        environ: the environment (``SOURCE_DATE_EPOCH``).
        emit: called with each diagnostic, in order, as soon as the sources are read.
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
        LedgerError: the ledger is malformed, would change with ``frozen``, or
            ``new_identity`` names no question; nothing written.
    """
    start = time.perf_counter()
    if options.check_only:
        return _run_build(config, options, environ=environ, emit=emit, staging=None, start=start)
    source = config.path(config.source)
    work = config.path(WORK_DIR)
    # Before anything is read or written: a refused build touches nothing.
    check_outputs(planned_outputs(config, deck=options.deck, site=options.site),
                  root=config.root, source=source, home=Path.home(), work=work)
    staging = open_work_folder(work)
    with project_lock(work, command="cheatdeck build", notify=notify or (lambda line: None)):
        sweep(staging, site_dir=config.path(config.site_dir), source=source,
              ledger_name=LEDGER_FILE)
        return _run_build(config, options, environ=environ, emit=emit, staging=staging,
                          start=start)


def _run_build(config: Config, options: BuildOptions, *, environ: Mapping[str, str],
               emit: Callable[[Diagnostic], None], staging: Path | None,
               start: float) -> BuildReport:
    """The build itself (:func:`run_build`); ``staging`` is the work folder's staging folder
    (None for ``--check``, which writes nothing)."""
    source = config.path(config.source)
    apkg = config.path(config.dist) / f"{deck_slug(config.deck)}.apkg"
    site_dir = config.path(config.site_dir)
    docs_dir = config.path(config.docs_dir)
    state_path = docs_dir.parent / STATE_FILE
    mkdocs_yml, default_site = site_config(config.root)

    sources, _ = find_sheets([source])
    ledger_path = source / LEDGER_FILE
    ledger_text = read_ledger_text(ledger_path)
    images = image_files(source)
    stamp = fingerprint(config, options, sources, environ, ledger_text, images)
    previous = load_state(state_path)
    outputs_there = (not options.deck or apkg.is_file()) and (
        not options.site or (site_dir / "index.html").is_file())
    if (previous and previous.fingerprint == stamp and outputs_there and not options.force
            and not options.check_only):
        return BuildReport(*previous.counts, previous.warnings, None, (), True,
                           time.perf_counter() - start)

    library, diagnostics = read_paths([source])
    for diagnostic in diagnostics:
        emit(diagnostic)
    if has_errors(diagnostics) or (options.strict and diagnostics):
        raise SourceError(diagnostics)
    warnings = tuple(d.format() for d in diagnostics)
    sections = len(library.sections)
    notes = sum(s.note_count for s in library.sections)
    cards = sum(s.card_count for s in library.sections)
    if options.check_only and not options.frozen:
        return BuildReport(len(library.sheets), sections, notes, cards, warnings, None, (),
                           False, time.perf_counter() - start, checked=True)

    # An edited image changes its note's field (a new content-hashed name): the deck must be newer.
    timestamp = source_date_epoch([*sources, *(Path(m.path) for m in library.media_files)],
                                  environ)
    ledger = Ledger.loads(ledger_text, path=ledger_path.as_posix())
    identities = resolve(library, ledger, timestamp=timestamp, new_identity=options.new_identity)
    new_ledger = identities.ledger.dumps()
    if options.frozen and new_ledger != ledger_text:
        raise LedgerError(f"{ledger_path.as_posix()}: would change with --frozen "
                          f"({describe_change(ledger, identities.ledger)}); run `cheatdeck "
                          "build` and commit it")
    if options.check_only:
        return BuildReport(len(library.sheets), sections, notes, cards, warnings, None, (),
                           False, time.perf_counter() - start, checked=True)
    # One memo for the deck and the site: they render the same cells (images differ only in
    # their src prefix, which the renderer keys its memo by).
    # genanki and MkDocs load only now: a no-op rebuild never needs them (half its start-up).
    from cheatdeck.anki import build_package

    renderer = MarkupRenderer(media=library.media_names)
    deck = build_package(library, root_deck=config.deck, site_url=config.site_url,
                         timestamp=timestamp, guid_overrides=identities.overrides,
                         retired=identities.retired, renderer=renderer,
                         kept=identities.kept) if options.deck else None
    outputs = _write_outputs(library, deck, config=config, options=options, apkg=apkg,
                             site_dir=site_dir, docs_dir=docs_dir, mkdocs_yml=mkdocs_yml,
                             renderer=renderer, default_site=default_site,
                             guids=identities.overrides, staging=staging)
    if deck and new_ledger != ledger_text:  # the ledger records what was shipped, once shipped
        write_atomic(ledger_path, new_ledger.encode("utf-8"), tmp_dir=staging)
        outputs += ((ledger_path, len(new_ledger.encode("utf-8"))),)
        stamp = fingerprint(config, options, sources, environ, new_ledger, images)
    # Retired notes are shipped but reported as removed, as before the ledger.
    digests = note_digests(n for n in deck.notes if not n.retired) if deck else {}
    changes = diff_notes(previous.notes if previous and previous.notes else None,
                         digests) if deck else None
    counts = (len(library.sheets), sections, notes, cards)
    write_atomic(state_path, BuildState(stamp, digests, warnings, counts).dumps().encode(),
                 tmp_dir=staging)
    return BuildReport(*counts, warnings, changes, outputs, False, time.perf_counter() - start,
                       identities.reworded if deck else (),
                       tuple(e.question for e in identities.retired) if deck else (),
                       default_site_config=options.site and default_site,
                       kept=tuple(e.question for e in identities.kept) if deck else ())


def _write_outputs(library: Library, deck: DeckBuild | None, *, config: Config,
                   options: BuildOptions, apkg: Path, site_dir: Path, docs_dir: Path,
                   mkdocs_yml: Path, renderer: MarkupRenderer,
                   default_site: bool, guids: Mapping[str, str],
                   staging: Path | None) -> tuple[tuple[Path, int], ...]:
    """Build every output into a staging folder (in the work folder's ``staging``), then swap
    them all in.

    ``guids`` are the reworded questions' GUIDs (``Identities.overrides``): the site's study
    progress is keyed by the GUIDs the deck ships."""
    from cheatdeck.anki import package_bytes
    from cheatdeck.site.mkdocs_build import build_site

    site_dir.parent.mkdir(parents=True, exist_ok=True)
    assert staging is not None  # only --check, which never gets here, runs without one
    place = staging_for(staging, site_dir)
    prefix = temp_prefix("build") if place == staging else f".cheatdeck-staging-{temp_prefix('build')}"
    staging = Path(tempfile.mkdtemp(dir=place, prefix=prefix))
    try:
        deck_bytes = package_bytes(deck) if deck else None
        staged_apkg = staging / apkg.name
        if deck_bytes is not None:
            staged_apkg.write_bytes(deck_bytes)
        staged_site = staging / "site"
        if options.site:
            build_site(library, config_file=mkdocs_yml, docs_dir=docs_dir, site_dir=staged_site,
                       title=config.deck, deck_path=staged_apkg if deck_bytes else None,
                       renderer=renderer, site_name=config.deck if default_site else None,
                       guids=guids,
                       site_url=config.site_url)
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
