"""``cheatdeck sync``: bring the learner's own Anki collection up to date with the sheets.

An ``.apkg`` import only adds and updates (FIELD-NOTES); a sync also moves a moved question's
cards and suspends (or deletes) retired notes. Phases, as in ``build``: find the collection,
read and check the sheets, decide the notes (GUIDs from the identity ledger, retired notes),
then hand them to :func:`cheatdeck.anki_sync.sync_collection`, which writes all or nothing.
The ledger is written after a real sync, as after a build: it records what was shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cheatdeck.anki_notes import collect_notes, duplicate_guids
from cheatdeck.anki_profile import find_collection
from cheatdeck.anki_sync import SyncOutcome, sync_collection
from cheatdeck.config import Config
from cheatdeck.diagnostics import Diagnostic, SourceError, has_errors
from cheatdeck.files import write_atomic
from cheatdeck.ledger import LEDGER_FILE, Ledger, read_ledger_text, resolve
from cheatdeck.markup import MarkupRenderer
from cheatdeck.reader import read_paths
from cheatdeck.reader.files import find_sheets
from cheatdeck.source_date import source_date_epoch


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """What ``cheatdeck sync`` was asked.

    Attributes:
        collection: ``--collection PATH`` (a file or a profile folder), or None.
        profile: ``--profile NAME``, or None (the only profile of Anki's data folder).
        dry_run: print the plan, write nothing.
        delete_retired: delete retired notes instead of suspending them.
        strict: warnings in the sheets fail the sync.
    """

    collection: Path | None = None
    profile: str | None = None
    dry_run: bool = False
    delete_retired: bool = False
    strict: bool = False


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync did, for the summary.

    Attributes:
        collection: the collection file synced.
        outcome: the plan, note types, media and backup (:class:`~cheatdeck.anki_sync.SyncOutcome`).
        dry_run: True when nothing was written.
        ledger: the ledger file when this sync updated it, else None.
    """

    collection: Path
    outcome: SyncOutcome
    dry_run: bool
    ledger: Path | None


def run_sync(config: Config, options: SyncOptions, *, environ: Mapping[str, str],
             platform: str, home: Path, now: datetime,
             emit: Callable[[Diagnostic], None]) -> SyncReport:
    """Run one sync.

    Args:
        config: the project configuration.
        options: the command's options.
        environ, platform, home: where Anki's data folder is
            (:func:`cheatdeck.anki_profile.anki_data_dir`); ``environ`` also gives
            ``SOURCE_DATE_EPOCH``, as for a build.
        now: the time that names the backup.
        emit: called with each diagnostic of the sheets, in order.

    Returns:
        The :class:`SyncReport`.

    Raises:
        CollectionNotFound: no collection could be chosen.
        SourceError: the sheets have errors (or warnings, with ``strict``); nothing written.
        LedgerError: the ledger cannot be read.
        SyncError: the collection cannot be synced; it is unchanged.
    """
    path = find_collection(collection=options.collection, profile=options.profile,
                           environ=environ, platform=platform, home=home)
    source = config.path(config.source)
    sources, _ = find_sheets([source])
    library, diagnostics = read_paths([source])
    timestamp = source_date_epoch([*sources, *(Path(m.path) for m in library.media_files)],
                                  environ)
    ledger_path = source / LEDGER_FILE
    ledger_text = read_ledger_text(ledger_path)
    identities = resolve(library, Ledger.loads(ledger_text, path=ledger_path.as_posix()),
                         timestamp=timestamp)
    notes, warnings = collect_notes(
        library, root_deck=config.deck, site_url=config.site_url,
        renderer=MarkupRenderer(media=library.media_names),
        guid_overrides=identities.overrides, retired=identities.retired, kept=identities.kept)
    diagnostics = [*diagnostics, *warnings, *duplicate_guids(notes)]
    for diagnostic in diagnostics:
        emit(diagnostic)
    if has_errors(diagnostics) or (options.strict and diagnostics):
        raise SourceError(diagnostics)

    from cheatdeck.anki import default_card_style  # genanki loads only when syncing

    outcome = sync_collection(
        path, notes, shipped=frozenset(e.guid for e in identities.ledger.entries),
        root_deck=config.deck, style=default_card_style(),
        media=tuple((m.name, m.data) for m in library.media_files), timestamp=timestamp,
        delete_retired=options.delete_retired, dry_run=options.dry_run, now=now)
    new_ledger = identities.ledger.dumps()
    if options.dry_run or new_ledger == ledger_text:
        return SyncReport(path, outcome, options.dry_run, None)
    write_atomic(ledger_path, new_ledger.encode("utf-8"))
    return SyncReport(path, outcome, False, ledger_path)
