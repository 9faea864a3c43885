"""What the commands other than ``build`` do: read and check, format, export, prune, serve.

:mod:`cheatdeck.cli` parses arguments and prints; :mod:`cheatdeck.build` runs a build; this
module does the rest of what a command needs (issue 16, "the command line depends on the build
only"). Reading-and-reporting the sheets (:func:`read_sheets`) and loading the project's ledger
(:func:`project_ledger`) exist here once, for the commands and ``sync`` alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from cheatdeck.changes import load_state
from cheatdeck.config import Config
from cheatdeck.diagnostics import Diagnostic, has_errors, has_problems
from cheatdeck.errors import SourceError
from cheatdeck.export import export_csv, export_json
from cheatdeck.files import write_atomic
from cheatdeck.inputs import Paths, shipped_evidence
from cheatdeck.ledger import Ledger
from cheatdeck.ledger_file import load_ledger, read_ledger_text
from cheatdeck.markdown import write_markdown
from cheatdeck.model import Library
from cheatdeck.outputs import check_outputs, planned_outputs
from cheatdeck.work_folder import WORK_DIR, open_work_folder, project_lock

Emit = Callable[[Diagnostic], None]
"""Called with each diagnostic, in source order, as soon as the sheets are read."""

Say = Callable[[str], None]
"""Called with one line for the user (the lock's holder, what serve does)."""


def read_sheets(paths: Sequence[Path], *, emit: Emit,
                strict: bool = False) -> tuple[Library, list[Diagnostic]]:
    """Read every sheet under ``paths`` and report each diagnostic through ``emit``.

    Args:
        paths: sheet files or folders (every ``*.md`` below a folder).
        emit: gets each diagnostic, errors, warnings and infos, in order.
        strict: a warning fails too (``--strict``); an info never does (it says why no card
            was made, e.g. a table of contents, issue 19).

    Returns:
        The library and its diagnostics (warnings and infos).

    Raises:
        SourceError: a diagnostic is an error (or a warning, with ``strict``); nothing written.
    """
    from cheatdeck.reader import read_paths

    library, diagnostics = read_paths(list(paths))
    for diagnostic in diagnostics:
        emit(diagnostic)
    if has_errors(diagnostics) or (strict and has_problems(diagnostics)):
        raise SourceError(diagnostics)
    return library, diagnostics


def project_ledger(config: Config, *, refuse_lost: bool) -> tuple[Path, str | None, Ledger]:
    """Return the identity ledger's path, its text (None: no file) and the ledger.

    Args:
        config: the project.
        refuse_lost: a missing ledger is an error once the project has shipped notes
            (:func:`cheatdeck.inputs.shipped_evidence`): ``sync`` would otherwise add reworded
            notes again. ``export`` and ``prune-ledger`` read a missing one as empty.

    Raises:
        LedgerError: the ledger is lost (with ``refuse_lost``), cut short, damaged or
            unreadable; the message names the path and the way out.
    """
    paths = Paths.of(config)
    text = read_ledger_text(paths.ledger)
    shipped = (shipped_evidence(paths, load_state(paths.state))
               if refuse_lost and text is None else "")
    return paths.ledger, text, load_ledger(text, path=paths.ledger, shipped=shipped,
                                           new_ledger=False)


@dataclass(frozen=True, slots=True)
class FormatReport:
    """What :func:`format_sheets` found.

    Attributes:
        changed: the sheets not in canonical form (rewritten unless only checking), in order.
        left: the sheets left as written because they have skipped rows, with their count.
        unchanged: how many sheets were canonical already.
    """

    changed: tuple[Path, ...]
    left: tuple[tuple[Path, int], ...]
    unchanged: int


def format_sheets(config: Config, library: Library, *, write: bool) -> FormatReport:
    """Compare each sheet's file with its canonical Markdown (:mod:`cheatdeck.markdown`);
    rewrite it when ``write``.

    A sheet with skipped rows is left as written: its canonical form has no place for them,
    and a user's text is not ours to delete. A rewritten sheet's temp file goes to the work
    folder, never into ``source/``.

    Raises:
        OutputError: a sheet cannot be rewritten (the ones already rewritten stay so, each
            whole: every write is atomic).
    """
    source = config.path(config.source).resolve()
    changed: list[Path] = []
    left: list[tuple[Path, int]] = []
    for sheet in library.sheets:
        path = Path(sheet.path)
        if sheet.skipped:
            left.append((path, len(sheet.skipped)))
            continue
        canonical = write_markdown(sheet)
        if path.read_text(encoding="utf-8-sig") != canonical:
            changed.append(path)
            if write:
                inside = source in path.resolve().parents
                write_atomic(path, canonical.encode("utf-8"),
                             tmp_dir=open_work_folder(config.path(WORK_DIR)) if inside else None)
    return FormatReport(tuple(changed), tuple(left),
                        len(library.sheets) - len(changed) - len(left))


def export_text(library: Library, config: Config | None, *, fmt: str) -> str:
    """Return the export of ``library``: ``"json"`` the model, ``"csv"`` the notes for Anki.

    The CSV holds the note plan the ``.apkg`` ships (GUIDs from the project's ledger,
    rewordings, kept and retired notes) and no time; JSON needs no ``config``.

    Raises:
        LedgerError: the ledger is damaged (CSV only).
        ValueError: ``fmt`` is neither, or CSV without ``config`` (a bug in the caller).
    """
    if fmt == "json":
        return export_json(library)
    if fmt != "csv" or config is None:
        raise ValueError(f"cannot export {fmt!r} without a project")
    from cheatdeck.markup import MarkupRenderer
    from cheatdeck.plan import plan_notes

    _, _, ledger = project_ledger(config, refuse_lost=False)
    plan = plan_notes(library, ledger, root_deck=config.deck, site_url=config.site_url,
                      renderer=MarkupRenderer(media=library.media_names),
                      now=0)  # the CSV carries no time
    return export_csv(plan.notes)


def write_export(path: Path, text: str) -> None:
    """Write an export to ``path`` atomically, UTF-8. Raises OutputError naming the path."""
    write_atomic(path, text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What :func:`prune_ledger` did: the ledger's path, entries dropped and kept."""

    path: Path
    dropped: int
    kept: int


def prune_ledger(config: Config, *, say: Say) -> PruneReport:
    """Drop the retired entries of the identity ledger (rewritten only if one is dropped),
    holding the project lock: a build reads and rewrites the ledger, and a prune between the
    two would be lost.

    Raises:
        LedgerError: the ledger is damaged. OutputError: it cannot be rewritten.
    """
    work = config.path(WORK_DIR)
    staging = open_work_folder(work)
    with project_lock(work, command="cheatdeck prune-ledger", notify=say):
        path, _, ledger = project_ledger(config, refuse_lost=False)
        pruned = ledger.pruned()
        dropped = len(ledger.entries) - len(pruned.entries)
        if dropped:
            write_atomic(path, pruned.dumps().encode("utf-8"), tmp_dir=staging)
    return PruneReport(path, dropped, len(pruned.entries))


def serve_site(config: Config, *, port: int, emit: Emit, say: Say) -> None:
    """Serve the study site on 127.0.0.1:``port`` with live reload until Ctrl-C or SIGTERM;
    writes only the docs dir (:mod:`cheatdeck.site.serve`).

    Args:
        config: the project.
        port: where to listen.
        emit: gets the diagnostics of every reading of the sheets.
        say: gets the lines for the user: what is served, the default site configuration,
            the lock's holder when a build writes the docs dir.

    Raises:
        OutputError: the docs dir is not one cheatdeck may write (:mod:`cheatdeck.outputs`).
        SourceError: the first reading of the sheets has errors.
    """
    from cheatdeck.names import deck_slug
    from cheatdeck.project import site_config
    from cheatdeck.site.serve import serve  # imports MkDocs' server only when serving

    source = config.path(config.source)
    work = config.path(WORK_DIR)
    check_outputs(planned_outputs(config, deck=False, site=True)[1:], root=config.root,
                  source=source, home=Path.home(), work=work)  # the docs dir
    apkg = config.path(config.dist) / f"{deck_slug(config.deck)}.apkg"
    open_work_folder(work)

    def load() -> Library:
        return read_sheets([source], emit=emit)[0]

    def lock() -> AbstractContextManager[None]:
        # A build writes the same docs dir: one of them at a time (held only while reading the
        # sheets, writing the pages or building the preview, so builds still run meanwhile).
        return project_lock(work, command="cheatdeck serve", notify=say)

    say(f"serving http://127.0.0.1:{port}/ (Ctrl-C stops); pages follow every edit in "
        f"{source.as_posix()}/; run `cheatdeck build` to write {config.dist.as_posix()}/ and "
        f"{config.site_dir.as_posix()}/")
    mkdocs_yml, default_site = site_config(config.root)
    if default_site:
        say("site: the project has no mkdocs.yml; serving with cheatdeck's default "
            "(`cheatdeck init` writes one to edit)")
    serve(load, source_dir=source, config_file=mkdocs_yml,
          docs_dir=config.path(config.docs_dir), title=config.deck, port=port,
          deck_path=apkg if apkg.is_file() else None,
          site_name=config.deck if default_site else None, guard=lock)
