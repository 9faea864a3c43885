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

from cheatdeck.anki_profile import find_collection
from cheatdeck.anki_sync import SyncOutcome, sync_collection
from cheatdeck.config import Config
from cheatdeck.diagnostics import Diagnostic
from cheatdeck.errors import SourceError
from cheatdeck.files import write_atomic
from cheatdeck.ledger import same_text
from cheatdeck.markup import MarkupRenderer
from cheatdeck.operations import project_ledger, read_sheets
from cheatdeck.plan import plan_notes
from cheatdeck.source_date import change_time
from cheatdeck.work_folder import WORK_DIR, open_work_folder, project_lock


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
             emit: Callable[[Diagnostic], None],
             notify: Callable[[str], None] | None = None) -> SyncReport:
    """Run one sync, holding the project lock unless ``dry_run`` (it reads and rewrites the
    ledger, as a build does: :func:`cheatdeck.work_folder.project_lock`, issue 11 item 4).

    Args:
        config: the project configuration.
        options: the command's options.
        environ, platform, home: where Anki's data folder is
            (:func:`cheatdeck.anki_profile.anki_data_dir`); ``environ`` also gives
            ``SOURCE_DATE_EPOCH``, as for a build.
        now: the time that names the backup.
        emit: called with each diagnostic of the sheets, in order.
        notify: called with one line when the sync must wait for a build (default: drop).

    Returns:
        The :class:`SyncReport`.

    Raises:
        CollectionNotFound: no collection could be chosen.
        SourceError: the sheets have errors (or warnings, with ``strict``); nothing written.
        LedgerError: the ledger cannot be read, is cut short or damaged, or is missing although
            the project has shipped notes (:func:`cheatdeck.inputs.shipped_evidence`).
        SyncError: the collection cannot be synced; it is unchanged.
    """
    path = find_collection(collection=options.collection, profile=options.profile,
                           environ=environ, platform=platform, home=home)
    if options.dry_run:  # reads only, like `cheatdeck check`
        return _sync(config, options, path, environ=environ, now=now, emit=emit, staging=None)
    work = config.path(WORK_DIR)
    staging = open_work_folder(work)
    with project_lock(work, command="cheatdeck sync", notify=notify or (lambda line: None)):
        return _sync(config, options, path, environ=environ, now=now, emit=emit,
                     staging=staging)


def _sync(config: Config, options: SyncOptions, path: Path, *, environ: Mapping[str, str],
          now: datetime, emit: Callable[[Diagnostic], None],
          staging: Path | None) -> SyncReport:
    """The sync itself (:func:`run_sync`) of the collection file ``path``; ``staging`` is the
    work folder's staging folder, for the ledger's temp file (None for a dry run)."""
    library, _ = read_sheets([config.path(config.source)], emit=emit, strict=options.strict)
    # A lost ledger would sync reworded notes as new ones (duplicates), as for a build.
    ledger_path, ledger_text, ledger = project_ledger(config, refuse_lost=True)
    timestamp = change_time(environ)
    # The same note plan as the build's: GUIDs, fields, kept and retired notes, note times.
    plan = plan_notes(library, ledger, root_deck=config.deck, site_url=config.site_url,
                      renderer=MarkupRenderer(media=library.media_names), now=timestamp)
    for diagnostic in plan.diagnostics:
        emit(diagnostic)
    if options.strict and plan.diagnostics:
        raise SourceError(list(plan.diagnostics))

    from cheatdeck.anki import default_card_style  # genanki loads only when syncing

    outcome = sync_collection(
        path, plan.notes, shipped=frozenset(e.guid for e in plan.ledger().entries),
        root_deck=config.deck, style=default_card_style(),
        media=tuple((m.name, m.data) for m in library.media_files), timestamp=timestamp,
        delete_retired=options.delete_retired, dry_run=options.dry_run, now=now,
        # No file shows the project shipped notes: the collection itself may (sync only).
        lost_ledger=ledger_path.as_posix() if ledger_text is None else "")
    new_ledger = plan.ledger().dumps()
    if options.dry_run or same_text(ledger_text, new_ledger):
        return SyncReport(path, outcome, options.dry_run, None)
    write_atomic(ledger_path, new_ledger.encode("utf-8"), tmp_dir=staging)
    return SyncReport(path, outcome, False, ledger_path)
